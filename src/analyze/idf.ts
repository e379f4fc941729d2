import { createRequire } from 'node:module';
import { HASH_SEED, hashFinish, hashStep } from './learn/features.ts';

/**
 * jieba's bundled IDF table as an open-addressing hash table keyed by the token hash that the
 * features already compute, so a keyword weight costs one typed-array probe instead of a
 * lookup in a 270k-entry Map (which dominated the language layer's time). The file is
 * scanned in place, without splitting it into strings. A hash collision between two words
 * (rare with 32 bits) only blurs one keyword weight.
 */
export interface IdfIndex {
  get(hash: number): number;
  readonly median: number;
  readonly size: number;
}

const require = createRequire(import.meta.url);
let index: IdfIndex | null = null;

export function idfIndex(): IdfIndex {
  if (index) return index;
  const text = (require('@node-rs/jieba/dict.js') as { idf: Buffer }).idf.toString('utf8');
  const capacity = 1 << 19;
  const mask = capacity - 1;
  // Interleaved [key, value] pairs so that a probe touches one cache line; key 0 marks a free slot.
  const table = new Int32Array(capacity * 2);
  const values = new Float32Array(table.buffer);
  const sample: number[] = [];
  let size = 0;
  let i = 0;
  while (i < text.length) {
    let h = HASH_SEED;
    let j = i;
    let c = text.charCodeAt(j);
    while (j < text.length && c !== 0x20 && c !== 0x0a) {
      h = hashStep(h, c);
      c = text.charCodeAt(++j);
    }
    const end = text.indexOf('\n', j);
    const lineEnd = end < 0 ? text.length : end;
    if (c === 0x20 && j > i) {
      const v = parseFloat(text.slice(j + 1, lineEnd));
      if (Number.isFinite(v)) {
        const key = hashFinish(h) || 1;
        let slot = key & mask;
        while (table[slot * 2] !== 0 && table[slot * 2] !== key) slot = (slot + 1) & mask;
        if (table[slot * 2] === 0) size++;
        table[slot * 2] = key;
        values[slot * 2 + 1] = v;
        if ((size & 63) === 0) sample.push(v);
      }
    }
    i = lineEnd + 1;
  }
  sample.sort((a, b) => a - b);
  const median = sample[sample.length >> 1] ?? 10;
  index = {
    median,
    size,
    get(hash) {
      const key = hash || 1;
      let slot = key & mask;
      for (;;) {
        const k = table[slot * 2];
        if (k === key) return values[slot * 2 + 1];
        if (k === 0) return median;
        slot = (slot + 1) & mask;
      }
    },
  };
  return index;
}
