import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HASH_SEED, hashFinish, hashStep } from '../learn/features.ts';

/**
 * Lookup tables built from a data file inside node_modules (jieba's IDF file, the external
 * sentiment lexicons) take a tenth of a second or more to build at every start of
 * `minsheng analyze`. The finished table is kept in node_modules/.cache/minsheng/, named after
 * the source file's size and time, the table's version and the token hash, and read back next time.
 * Without a writable cache the table is built each time.
 */
export function cachePath(source: string, name: string, version: number): string | null {
  try {
    const st = statSync(source);
    let modules = dirname(source);
    while (basename(modules) !== 'node_modules') {
      const up = dirname(modules);
      if (up === modules) return null;
      modules = up;
    }
    // the token hash is part of the name: a table cached under another hash function is never read
    const probe = (hashFinish(hashStep(hashStep(HASH_SEED, 0x8bd5), 0x8bcd)) >>> 0).toString(36);
    return join(modules, '.cache', 'minsheng', `${name}-v${version}-${probe}-${st.size}-${Math.floor(st.mtimeMs)}.bin`);
  } catch {
    return null;
  }
}

/** The cached bytes, or null when absent or not `length` bytes long. */
export function readCached(path: string | null, length: number): ArrayBuffer | null {
  if (!path) return null;
  try {
    const bytes = readFileSync(path);
    if (bytes.length !== length) return null;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  } catch {
    return null;
  }
}

export function writeCached(path: string | null, bytes: Uint8Array): void {
  if (!path) return;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch {
    /* a read-only install: the table is built at every start */
  }
}
