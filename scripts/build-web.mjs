#!/usr/bin/env node
// Builds the web console into web/dist when it is missing or older than its sources.
// `npm start` runs this first (prestart), so a fresh clone needs only `npm install && npm start`.
// Usage: node scripts/build-web.mjs [--force]
import { existsSync, readdirSync, statSync } from 'node:fs';
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
  if (!quiet) console.log('building the web console (web/dist) …');
  await vite.build({ configFile: join(web, 'vite.config.mjs'), logLevel: quiet ? 'error' : 'warn' });
  if (!quiet) console.log('web console built');
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await buildConsole({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error(`web console build failed: ${err?.message ?? err}`);
    process.exit(1);
  }
}
