import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addWorkingDays, isWorkingDay, localDate, workingHoursBetween } from './calendar.ts';

// 2026 National Day: 10-01..10-07 off, make-up workdays Sun 09-20 and Sat 10-10 (State Council notice).
test('a make-up Saturday is a working day and National Day is not', () => {
  assert.equal(isWorkingDay('2026-09-20'), true, 'make-up Sunday');
  assert.equal(isWorkingDay('2026-10-10'), true);
  assert.equal(isWorkingDay('2026-10-01'), false);
  assert.equal(isWorkingDay('2026-10-11'), false, 'the Sunday after is a rest day');
  assert.equal(isWorkingDay('2026-11-24'), true);
});

test('found on a working morning: due the same day at closing time (Beijing time)', () => {
  const due = addWorkingDays('2026-11-24T02:00:00Z', 0); // 10:00 in Beijing, Tuesday
  assert.equal(due.toISOString(), '2026-11-24T09:30:00.000Z'); // 17:30 Beijing
});

test('found after closing on the last day before National Day: due on the first day back', () => {
  // Wed 2026-09-30 19:00 Beijing → the holiday runs to 10-07, so the next working day is Thu 10-08.
  const due = addWorkingDays('2026-09-30T11:00:00Z', 0);
  assert.equal(localDate(due), '2026-10-08');
});

test('3 working days for a 批示 skip the holiday and count the make-up Saturday', () => {
  // Instruction given Fri 10-09 10:00 Beijing: working days after are Sat 10-10 (make-up), Mon 10-12, Tue 10-13.
  const due = addWorkingDays('2026-10-09T02:00:00Z', 3);
  assert.equal(localDate(due), '2026-10-13');
});

test('working hours between two instants count only office hours on working days', () => {
  // Fri 2026-11-20 16:30 → Mon 11-23 09:30 Beijing: 1 h Friday + 1 h Monday.
  assert.equal(workingHoursBetween('2026-11-20T08:30:00Z', '2026-11-23T01:30:00Z'), 2);
});
