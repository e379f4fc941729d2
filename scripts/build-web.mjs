#!/usr/bin/env node
// Builds the web console into web/dist when it is missing or older than its sources.
// `npm start` runs this first (prestart), so a fresh clone needs only `npm install && npm start`.
// Usage: node scripts/build-web.mjs [--force]
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const distIndex = join(web, 'dist', 'index.html');
const inputs = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.mjs'), join(root, 'src', 'i18n', 'zh-CN', 'web.ts')];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function consoleIsStale() {
  if (!existsSync(distIndex)) return true;
  const built = statSync(distIndex).mtimeMs;
  return inputs.some((p) => newestMtime(p) > built);
}

const lockDir = join(web, '.build-lock');

/** One build at a time (parallel test files may all ask): a directory is the lock; a stale one is broken. */
async function withLock(fn) {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 120_000) rmSync(lockDir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export async function buildConsole({ force = false, quiet = false } = {}) {
  if (!force && !consoleIsStale()) {
    if (!quiet) console.log('web console is up to date (web/dist)');
    return false;
  }
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.error('cannot build the web console: vite is not installed (run `npm install` including dev dependencies)');
    process.exit(1);
  }
  return withLock(async () => {
    // Another process may have built it while this one waited.
    if (!force && !consoleIsStale()) return false;
    if (!quiet) console.log('building the web console (web/dist) …');
    await vite.build({ configFile: join(web, 'vite.config.mjs'), logLevel: quiet ? 'error' : 'warn' });
    if (!quiet) console.log('web console built');
    return true;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildConsole({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error(`web console build failed: ${err?.message ?? err}`);
    process.exit(1);
  }
}
