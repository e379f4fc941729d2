import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoWeekKey } from './period.ts';

test('weekly briefs ask for the ISO week the chosen day is in', () => {
  assert.equal(isoWeekKey(2026, 11, 25), '2026-W48');
  assert.equal(isoWeekKey(2026, 1, 1), '2026-W01'); // a Thursday
  assert.equal(isoWeekKey(2027, 1, 1), '2026-W53'); // a Friday belongs to the last week of 2026
  assert.equal(isoWeekKey(2024, 12, 30), '2025-W01'); // a Monday opens week 1 of 2025
  assert.equal(isoWeekKey(2026, 10, 5), '2026-W41');
});
