import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quietHoursSchema, quietUntil } from './quiet.ts';

describe('quiet hours', () => {
  const night = quietHoursSchema.parse({ start: '22:00', end: '07:00' });
  test('22:00–07:00 Beijing time holds until 07:00 Beijing time, across midnight', () => {
    assert.equal(quietUntil(night, new Date('2026-11-24T14:30:00Z'))?.toISOString(), '2026-11-24T23:00:00.000Z'); // 22:30
    assert.equal(quietUntil(night, new Date('2026-11-24T18:00:00Z'))?.toISOString(), '2026-11-24T23:00:00.000Z'); // 02:00
    assert.equal(quietUntil(night, new Date('2026-11-24T13:59:59Z')), null); // 21:59:59
    assert.equal(quietUntil(night, new Date('2026-11-24T23:00:00Z')), null); // 07:00 sharp: over
  });
  test('a daytime window and another time zone', () => {
    const lunch = quietHoursSchema.parse({ start: '12:00', end: '13:30', timezone: 'Europe/Berlin' });
    assert.equal(quietUntil(lunch, new Date('2026-11-24T11:15:00Z'))?.toISOString(), '2026-11-24T12:30:00.000Z');
    assert.equal(quietUntil(lunch, new Date('2026-11-24T13:00:00Z')), null);
  });
  test('bad windows are refused', () => {
    assert.equal(quietHoursSchema.safeParse({ start: '22:00', end: '22:00' }).success, false);
    assert.equal(quietHoursSchema.safeParse({ start: '24:00', end: '07:00' }).success, false);
    assert.equal(quietHoursSchema.safeParse({ start: '22:00', end: '07:00', timezone: 'Mars/Olympus' }).success, false);
  });
});
