import { createRequire } from 'node:module';
import { HASH_SEED, hashFinish, hashStep } from './learn/features.ts';

/**
 * jieba's bundled IDF table as an open-addressing hash table keyed by the token hash that the
 * features already compute, so a keyword weight costs one typed-array probe instead of a
 * lookup in a 270k-entry Map (which dominated the language layer's time). The file is
 * scanned in place, without splitting it into strings. A collision between two words (rare:
 * 19 bits of slot and 16 of fingerprint) only blurs one keyword weight.
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
  // One 32-bit word per slot: a 16-bit fingerprint (the hash's high bits; the slot comes from its
  // low bits) and the IDF in thousandths. 2 MB, so probes stay in cache; 0 marks a free slot.
  const table = new Uint32Array(capacity);
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
        const key = hashFinish(h);
        const fp = key >>> 16;
        let slot = key & mask;
        while (table[slot] !== 0 && table[slot] >>> 16 !== fp) slot = (slot + 1) & mask;
        if (table[slot] === 0) size++;
        table[slot] = ((fp << 16) | Math.max(1, Math.min(0xffff, Math.round(v * 1000)))) >>> 0;
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
      const fp = hash >>> 16;
      let slot = hash & mask;
      for (;;) {
        const e = table[slot];
        if (e === 0) return median;
        if (e >>> 16 === fp) return (e & 0xffff) / 1000;
        slot = (slot + 1) & mask;
      }
    },
  };
  return index;
}
