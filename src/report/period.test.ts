import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePeriod, PeriodError, previousPeriod } from './period.ts';

test('each period form covers its Beijing-time days as UTC instants', () => {
  const day = parsePeriod('2026-10-05');
  assert.deepEqual([day.kind, day.start, day.end, day.label], ['day', '2026-10-04T16:00:00.000Z', '2026-10-05T16:00:00.000Z', '2026年10月5日']);
  const week = parsePeriod('2026-W41');
  assert.deepEqual([week.firstDay, week.lastDay], ['2026-10-05', '2026-10-11']);
  assert.equal(parsePeriod('2026-w1').key, '2026-W01');
  assert.deepEqual([parsePeriod('2026-W01').firstDay], ['2025-12-29'], 'ISO week 1 of 2026 starts in 2025');
  const month = parsePeriod('2026-02');
  assert.equal(month.lastDay, '2026-02-28');
  assert.equal(month.end, '2026-02-28T16:00:00.000Z');
  const quarter = parsePeriod('2026-Q4');
  assert.deepEqual([quarter.firstDay, quarter.lastDay, quarter.label], ['2026-10-01', '2026-12-31', '2026年第4季度']);
  const year = parsePeriod('2026');
  assert.equal(year.start, '2025-12-31T16:00:00.000Z');
  const custom = parsePeriod('2026-10-01..2026-10-15');
  assert.deepEqual([custom.kind, custom.firstDay, custom.lastDay], ['custom', '2026-10-01', '2026-10-15']);
});

test('bad periods are refused with the reason', () => {
  for (const [text, reason] of [
    ['2026-13', /month must be 01-12/],
    ['2026-02-30', /not a valid date/],
    ['2026-W54', /ISO weeks 1-53/],
    ['2026-Q5', /not understood/],
    ['1999', /year out of range/],
    ['2026-10-15..2026-10-01', /ends before it starts/],
    ['last month', /not understood/],
  ] as const) {
    assert.throws(() => parsePeriod(text), (e: Error) => e instanceof PeriodError && reason.test(e.message), text);
  }
});

test('a scheduled brief covers the last complete period before its run (Beijing time)', () => {
  // 08:00 Beijing on 1 November = 00:00 UTC: the monthly brief is October's.
  assert.equal(previousPeriod('month', '2026-11-01T00:00:00Z').key, '2026-10');
  // 07:30 Beijing on 5 October is still 4 October 23:30 UTC; the daily brief is 4 October's.
  assert.equal(previousPeriod('day', '2026-10-04T23:30:00Z').key, '2026-10-04');
  assert.equal(previousPeriod('week', '2026-10-12T01:00:00Z').key, '2026-W41');
  assert.equal(previousPeriod('quarter', '2027-01-01T01:00:00Z').key, '2026-Q4');
  assert.equal(previousPeriod('year', '2027-01-01T01:00:00Z').key, '2026');
});
