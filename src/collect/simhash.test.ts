import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hammingDistance, parseSimhash, simhash, simhashHex } from './simhash.ts';

test('a repost with small edits stays within a few bits; a different matter does not', () => {
  const a = simhash('沿港西路修了半年还没修好，每天堵车，附近居民出行非常不便，希望有关部门尽快处理。');
  const b = simhash('【转】沿港西路修了半年还没修好！每天堵车，附近居民出行非常不便，希望有关部门尽快处理');
  const c = simhash('某某花园交房延期三个月，开发商一直不给说法，业主要求退房赔偿。');
  assert.ok(hammingDistance(a, b) <= 6, `near duplicate distance ${hammingDistance(a, b)}`);
  assert.ok(hammingDistance(a, c) > 12, `different matter distance ${hammingDistance(a, c)}`);
  assert.equal(parseSimhash(simhashHex(a)), a);
});
