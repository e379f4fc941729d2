import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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

/** The definition, computed the slow way: the first 8 bytes of each feature's MD5, weighted by its count. */
function referenceSimhash(text: string): bigint {
  const clean = Array.from(text.replace(/[\s\p{P}\p{S}]+/gu, ''));
  const features = clean.length <= 2 ? (clean.length ? [clean.join('')] : []) : clean.slice(1).map((c, i) => clean[i] + c);
  if (!features.length) return 0n;
  const weights = new Array<number>(64).fill(0);
  const counts = new Map<string, number>();
  for (const f of features) counts.set(f, (counts.get(f) ?? 0) + 1);
  for (const [f, w] of counts) {
    const h = BigInt(`0x${createHash('md5').update(f).digest('hex').slice(0, 16)}`);
    for (let bit = 0; bit < 64; bit++) weights[bit] += (h >> BigInt(bit)) & 1n ? w : -w;
  }
  let out = 0n;
  for (let bit = 0; bit < 64; bit++) if (weights[bit] > 0) out |= 1n << BigInt(bit);
  return out;
}

test('the stored hashes do not change: every text hashes as the MD5 definition says', () => {
  const alphabet = '沿港西路修了半年还没好每天堵车附近居民出行非常不便希望有关部门尽快处理，。！ abcXYZ123𠀀𪚥';
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed / 0x7fffffff);
  for (let i = 0; i < 300; i++) {
    const len = Math.floor(next() * 120);
    const text = Array.from({ length: len }, () => Array.from(alphabet)[Math.floor(next() * Array.from(alphabet).length)]).join('');
    assert.equal(simhash(text), referenceSimhash(text), text);
  }
  assert.equal(simhash(''), 0n);
  assert.equal(simhash('，。'), 0n);
});

test('Hamming distance counts differing bits over all 64', () => {
  assert.equal(hammingDistance(0n, 0xffffffffffffffffn), 64);
  assert.equal(hammingDistance(1n << 63n, 1n), 2);
  assert.equal(hammingDistance(0x00000001_00000001n, 0x00000001_00000000n), 1);
});
