import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentFeatures, leastSame, minhash, sameAtLeast, scalarMinhash, signatureOf, similarity } from './minhash.ts';
import { simdMinhash } from './minhash-wasm.ts';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the SIMD signature equals the plain one for any number of features, long posts included', () => {
  const seeds = Uint32Array.from({ length: 64 }, (_, i) => (i * 0x9e3779b9 + 12345) >>> 0);
  const simd = simdMinhash(seeds);
  assert.ok(simd, 'Node 20+ runs WebAssembly SIMD');
  const r = rng(7);
  for (const n of [0, 1, 2, 3, 17, 64, 200, 20_000]) {
    const hashes = Int32Array.from({ length: n + 5 }, () => (r() * 2 ** 32) | 0);
    const got = simd.signature(hashes, n);
    // the plain loop with the same seeds
    const want = new Uint32Array(64).fill(0xffffffff);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < 64; i++) {
        let h = Math.imul(hashes[j] ^ seeds[i], 0x9e3779b1);
        h = (h ^ (h >>> 15)) >>> 0;
        if (h < want[i]) want[i] = h;
      }
    }
    assert.deepEqual(got, want, `n = ${n}`);
    assert.deepEqual(scalarMinhash(hashes, n, seeds), want, `scalar, n = ${n}`);
  }
  assert.equal(simdMinhash(new Uint32Array(3)), null, 'only 64 seeds');
});

test('a post signature is the MinHash of its content words, names weighted, whichever loop computes it', () => {
  const tokens = ['沿港西路', '的', '施工', '噪音', '扰民', '，', '沿港西路', 'ABC', 'abc', '123', '施工', '我们', '😭', '夜里', '打桩'];
  const names = new Set(['沿港西路']);
  for (const n of [undefined, names]) {
    const sig = signatureOf(tokens, n);
    assert.deepEqual(sig, minhash(contentFeatures(tokens, n)));
    assert.ok(contentFeatures(tokens, n).size > 3);
  }
  assert.notDeepEqual(signatureOf(tokens, names), signatureOf(tokens));
  const empty = signatureOf(['的', '，', '123']);
  assert.ok(empty.every((v) => v === 0xffffffff), 'no content words: the empty signature');
});

test('similarity with a floor counts the equal positions exactly, or says the floor is out of reach', () => {
  const r = rng(11);
  for (let k = 0; k < 2000; k++) {
    const a = Uint32Array.from({ length: 64 }, () => (r() * 2 ** 32) >>> 0);
    const b = a.map((v) => (r() < k / 2000 ? (r() * 2 ** 32) >>> 0 : v));
    const same = Math.round(similarity(a, b) * 64);
    for (const need of [1, 19, same, same + 1, 64, 65]) assert.equal(sameAtLeast(a, b, need), same >= need ? same : -1, `need ${need}, same ${same}`);
  }
  assert.equal(leastSame(0.3), 20);
  assert.equal(leastSame(0), 0);
  assert.equal(leastSame(1.5), 65);
});
