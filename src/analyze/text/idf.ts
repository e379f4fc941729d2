import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HASH_SEED, hashFinish, hashStep } from '../learn/features.ts';
import { cachePath, readCached, writeCached } from './table-cache.ts';

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

const CAPACITY = 1 << 19;
/** Bump when the table's layout or hashing changes: cached tables of other versions are ignored. */
const TABLE_VERSION = 1;

/** Scanning the 6 MB IDF file is a tenth of a second, so the 2 MB table is cached (table-cache.ts). */
function idfFile(): string {
  return join(dirname(require.resolve('@node-rs/jieba/dict.js')), 'idf.txt');
}

const CACHE_LENGTH = CAPACITY * 4 + 16;

/** The cached table: CAPACITY slots, then the median (float64) and the size (uint32). */
function readTable(path: string | null): { table: Uint32Array; median: number; size: number } | null {
  const buffer = readCached(path, CACHE_LENGTH);
  if (!buffer) return null;
  const tail = new DataView(buffer, CAPACITY * 4);
  return { table: new Uint32Array(buffer, 0, CAPACITY), median: tail.getFloat64(0, true), size: tail.getUint32(8, true) };
}

function writeTable(path: string | null, table: Uint32Array, median: number, size: number): void {
  const out = new Uint8Array(CACHE_LENGTH);
  out.set(new Uint8Array(table.buffer, table.byteOffset, CAPACITY * 4));
  const tail = new DataView(out.buffer, CAPACITY * 4);
  tail.setFloat64(0, median, true);
  tail.setUint32(8, size, true);
  writeCached(path, out);
}

function build(text: string): { table: Uint32Array; median: number; size: number } {
  const mask = CAPACITY - 1;
  // One 32-bit word per slot: a 16-bit fingerprint (the hash's high bits; the slot comes from its
  // low bits) and the IDF in thousandths. 2 MB, so probes stay in cache; 0 marks a free slot.
  const table = new Uint32Array(CAPACITY);
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
  return { table, median: sample[sample.length >> 1] ?? 10, size };
}

export function idfIndex(): IdfIndex {
  if (index) return index;
  const file = idfFile();
  const cache = cachePath(file, 'idf', TABLE_VERSION);
  let built = readTable(cache);
  if (!built) {
    built = build(readFileSync(file, 'utf8'));
    writeTable(cache, built.table, built.median, built.size);
  }
  const { table, median, size } = built;
  const mask = CAPACITY - 1;
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

/** The table built from the IDF file, ignoring any cache (tests compare the two). */
export function buildIdfTable(): { table: Uint32Array; median: number; size: number } {
  return build(readFileSync(idfFile(), 'utf8'));
}

/** The cached table, if there is one (tests). */
export function cachedIdfTable(): { table: Uint32Array; median: number; size: number } | null {
  return readTable(cachePath(idfFile(), 'idf', TABLE_VERSION));
}
