import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuietHours } from './quiet.ts';

test('quiet hours are typed as a time range; empty means none, anything else is refused', () => {
  assert.deepEqual(parseQuietHours('22:00-07:00'), { start: '22:00', end: '07:00' });
  assert.deepEqual(parseQuietHours(' 22:30 至 06:45 '), { start: '22:30', end: '06:45' });
  assert.deepEqual(parseQuietHours('12:00～13:30'), { start: '12:00', end: '13:30' });
  assert.equal(parseQuietHours(''), null);
  assert.equal(parseQuietHours('   '), null);
  assert.equal(parseQuietHours('25:00-07:00'), undefined);
  assert.equal(parseQuietHours('22:00'), undefined);
  assert.equal(parseQuietHours('8:00-9:00'), undefined);
  assert.equal(parseQuietHours('22:00-22:00'), undefined, 'an empty range is refused');
});
