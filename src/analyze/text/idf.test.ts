import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashToken } from '../learn/features.ts';
import { buildIdfTable, cachedIdfTable, idfIndex } from './idf.ts';

test('the IDF table read back from the cache is the one built from jieba\'s IDF file', () => {
  const idf = idfIndex(); // builds and caches it, or reads the cache
  const built = buildIdfTable();
  assert.equal(idf.size, built.size);
  assert.equal(idf.median, built.median);
  const cached = cachedIdfTable();
  if (cached) {
    assert.equal(cached.size, built.size);
    assert.equal(cached.median, built.median);
    assert.deepEqual(cached.table, built.table);
  }
  // a rare word weighs more than a common one; an unknown word gets the median
  assert.ok(idf.get(hashToken('噪音扰民')) > idf.get(hashToken('问题')));
  assert.equal(idf.get(hashToken('这不是一个词zzqx')), idf.median);
});
