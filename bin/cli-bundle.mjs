// A precompiled bundle of the CLI (esbuild, the compiler tsx itself uses), so that a short-lived
// command such as `minsheng analyze` does not pay for compiling TypeScript through tsx's loader at
// every start (measured: 0.85 s → 0.35 s). It is built lazily on first use into
// node_modules/.cache/minsheng/, rebuilt whenever a source file changes (a stamp of every file's
// path, size and mtime), and skipped silently — the caller falls back to tsx — when esbuild is
// missing, the folder is read-only or the build fails. `MINSHENG_BUNDLE=0` turns it off.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const CACHE = join(ROOT, 'node_modules', '.cache', 'minsheng');
/** Bump when the build options below change. */
const BUILD_VERSION = '2';
/** Builds older than this are removed once a newer one exists (a process may still be loading one). */
const KEEP_MS = 600_000;

function stamp() {
  const hash = createHash('sha1').update(`${BUILD_VERSION}\n${process.version}\n`);
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|js|json)$/.test(e.name) && !e.name.includes('.test.')) {
        const s = statSync(p);
        hash.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(SRC);
  // the eval command bundles evaluation code from bench/
  if (existsSync(join(ROOT, 'bench'))) walk(join(ROOT, 'bench'));
  for (const f of ['package.json', 'tsconfig.json']) {
    const p = join(ROOT, f);
    if (existsSync(p)) hash.update(`${f}\0${statSync(p).mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function loadEsbuild() {
  const require = createRequire(join(ROOT, 'package.json'));
  let path;
  try {
    path = require.resolve('esbuild');
  } catch {
    // esbuild comes with tsx; it may not be hoisted to the top of node_modules
    path = createRequire(require.resolve('tsx/package.json')).resolve('esbuild');
  }
  return import(pathToFileURL(path).href);
}

async function build(target) {
  const esbuild = await loadEsbuild();
  const tmp = join(CACHE, `.build-${process.pid}-${Date.now()}`);
  // Each source file keeps its own import.meta.url, so paths computed from it (the web console's
  // folder, worker scripts, package data) resolve exactly as when the sources run through tsx.
  const metaUrl = {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        const contents = src.includes('import.meta.url') ? src.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) : src;
        return { contents, loader: 'ts' };
      });
    },
  };
  try {
    await esbuild.build({
      entryPoints: { main: join(SRC, 'cli', 'main.ts'), 'read-worker': join(SRC, 'analyze', 'stream', 'read-worker.ts') },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
      plugins: [metaUrl],
    });
    try {
      renameSync(tmp, target);
    } catch {
      // another process finished the same build first
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function removeOld(keep) {
  const now = Date.now();
  for (const name of readdirSync(CACHE)) {
    if (name === keep || !/^(cli-|\.build-)/.test(name)) continue;
    const p = join(CACHE, name);
    try {
      if (now - statSync(p).mtimeMs > KEEP_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      /* removed meanwhile */
    }
  }
}

/** Makes sure the bundle of the current sources exists; returns its folder. */
export async function ensureBundle() {
  const name = `cli-${stamp()}`;
  const dir = join(CACHE, name);
  if (!existsSync(join(dir, 'main.mjs'))) {
    mkdirSync(CACHE, { recursive: true });
    await build(dir);
    removeOld(name);
  }
  return dir;
}

/** The bundled CLI's `main`, or null when it cannot be had (the caller then uses tsx). */
export async function bundledMain() {
  if (process.env.MINSHENG_BUNDLE === '0') return null;
  try {
    const dir = await ensureBundle();
    const { main } = await import(pathToFileURL(join(dir, 'main.mjs')).href);
    // the reading thread of `analyze` (src/analyze/stream/piped.ts) starts from the same build
    process.env.MINSHENG_READ_WORKER = pathToFileURL(join(dir, 'read-worker.mjs')).href;
    return main;
  } catch (err) {
    if (process.env.MINSHENG_DEBUG) process.stderr.write(`minsheng: running from sources (bundle unavailable: ${err.message})\n`);
    return null;
  }
}

// `node bin/cli-bundle.mjs` (npm's `prepare`, run by `npm install`): build now, so that the first
// command after an install is fast too. A failure only means the CLI runs from sources.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const dir = await ensureBundle();
    console.log(`minsheng: CLI bundle ready (${dir})`);
  } catch (err) {
    console.warn(`minsheng: CLI bundle not built (${err.message}); commands run from the TypeScript sources`);
  }
}
