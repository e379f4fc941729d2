#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and web/ with Node's own test runner (tsx for TypeScript),
// type-checks the server and the console (tsc --noEmit -p . and -p web) alongside, and closes with
// what ran and what did not: the slowest files, the skipped tests and why, whether the PostgreSQL
// variants ran, and one line `tests: N passed, N failed, N skipped`. Any failure, a type error
// included, fails the run.
// Usage: npm test [-- path-filter ...]   (a filtered run skips the type-check unless TEST_TYPECHECK=1)
// TEST_CONCURRENCY (default 2): test files run at once. TEST_SLOWEST (default 8): files listed.
// TEST_REPORT_FILE: where to keep the run's figures as JSON (each file's time, counts, skips).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const found = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p);
    else if (/\.test\.tsx?$/.test(name)) found.push(relative(root, p));
  }
}
for (const d of ['src', 'test', 'web/src']) {
  try { walk(join(root, d)); } catch { /* folder absent */ }
}
const files = found.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command to its end, keeping what it prints. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, ...opts });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (e) => resolve({ code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The type-check, one project after the other beside the tests (two cores: the tests take both,
 * tsc fills the gaps). Incremental: the build info lives under the system's temporary folder.
 */
async function typecheck() {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/lib/tsc.js');
  const cache = join(tmpdir(), `minsheng-tsc-${createHash('sha1').update(root).digest('hex').slice(0, 12)}`);
  mkdirSync(cache, { recursive: true });
  const results = [];
  for (const [name, project] of [['server', '.'], ['web', 'web']]) {
    const t = Date.now();
    const r = await run(process.execPath, [tsc, '--noEmit', '-p', project, '--incremental', '--tsBuildInfoFile', join(cache, `${name}.tsbuildinfo`)], { stdio: ['ignore', 'pipe', 'pipe'] });
    results.push({ name, project, ms: Date.now() - t, ...r });
  }
  return results;
}
const wantTypecheck = filters.length === 0 || process.env.TEST_TYPECHECK === '1';
const typechecked = wantTypecheck ? typecheck() : null;

const reportDir = mkdtempSync(join(tmpdir(), 'minsheng-test-report-'));
const reportFile = join(reportDir, 'report.json');
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
const tests = await run(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', `--test-reporter=${join(root, 'scripts/test-report.mjs')}`, `--test-reporter-destination=${reportFile}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
let report = null;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  /* the runner died before reporting */
}
if (report && process.env.TEST_REPORT_FILE) writeFileSync(process.env.TEST_REPORT_FILE, `${JSON.stringify(report, null, 1)}\n`);
rmSync(reportDir, { recursive: true, force: true });

const lines = [''];
let failed = tests.code !== 0;
if (report) {
  const slowest = Object.entries(report.files).sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TEST_SLOWEST ?? 8));
  lines.push(`slowest files (of ${Object.keys(report.files).length}, each with its start-up; ${concurrency} at once):`);
  for (const [file, ms] of slowest) lines.push(`  ${seconds(ms).padStart(7)}  ${relative(root, file)}`);
  for (const [reason, n] of Object.entries(report.skips)) lines.push(`skipped: ${n} test(s) or suite(s): ${reason}`);
}
const pgSuites = report ? report.topLevel.filter((t) => /postgres/i.test(t.name) && !t.skip).length : 0;
if (process.env.TEST_DATABASE_URL) {
  const where = new URL(process.env.TEST_DATABASE_URL);
  where.password = '';
  lines.push(`PostgreSQL variants ran${report ? ` (${pgSuites} top-level suites named for it)` : ''} on ${where.host}${where.pathname}`);
} else {
  lines.push('PostgreSQL variants skipped: set TEST_DATABASE_URL=postgres://USER@HOST:PORT/DB (a server where that user may create databases) to run them too; bash .ci/run starts a throwaway one and runs both');
}
if (process.env.TEST_ONLY_POSTGRES) lines.push('SQLite variants skipped: TEST_ONLY_POSTGRES is set');

if (typechecked) {
  for (const r of await typechecked) {
    if (r.code === 0) lines.push(`type-check (tsc --noEmit -p ${r.project}): clean, ${seconds(r.ms)}`);
    else {
      failed = true;
      lines.push(`type-check (tsc --noEmit -p ${r.project}) FAILED:`, r.output.trimEnd());
    }
  }
} else {
  lines.push('type-check skipped (a filtered run; TEST_TYPECHECK=1 runs it)');
}
lines.push(`took ${seconds(Date.now() - started)}`);
if (report) {
  const c = report.counts;
  lines.push(`tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped + c.todo} skipped`);
} else {
  failed = true;
  lines.push('the test runner ended without a report');
}
console.log(lines.join('\n'));
process.exit(failed ? 1 : 0);
