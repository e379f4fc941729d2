/**
 * CLI start-up (issue 20): `minsheng --help` under 1 s, a typical command (`posts`) under 2 s.
 * Usage: npx minsheng bench cli [--runs 7]
 * Spawns bin/minsheng.mjs as a user would (a fresh process each run) and prints the median and
 * worst wall time of: bare `node` (the floor), `--help`, `posts --help`, `posts --db <fresh SQLite>
 * --limit 5` from the bundle, and the same from the TypeScript sources (MINSHENG_BUNDLE=0) as the
 * baseline, with the machine's load. One warm-up run each first (it may build the bundle).
 * Exits 1 when a target is missed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg('runs', 7);
const BIN = fileURLToPath(new URL('../bin/minsheng.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-cli-'));
const dbPath = join(dir, 'ws.db');

function run(args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0]}`);
  return ms;
}

function measure(args: string[], env: Record<string, string> = {}) {
  run(args, env);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(run(args, env));
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1] };
}

try {
  console.log(`cores: ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${RUNS} runs each after one warm-up (ms)`);
  run([BIN, 'migrate', '--db', dbPath]);
  const rows: { name: string; target?: number; r: { median: number; worst: number } }[] = [
    { name: 'node -e 0 (floor)', r: measure(['-e', '0']) },
    { name: 'minsheng --help', target: 1000, r: measure([BIN, '--help']) },
    { name: 'minsheng posts --help', r: measure([BIN, 'posts', '--help']) },
    { name: 'minsheng posts --limit 5', target: 2000, r: measure([BIN, 'posts', '--db', dbPath, '--limit', '5']) },
    { name: 'same, from sources (baseline)', r: measure([BIN, 'posts', '--db', dbPath, '--limit', '5'], { MINSHENG_BUNDLE: '0' }) },
  ];
  let missed = 0;
  for (const { name, target, r } of rows) {
    const verdict = target === undefined ? '' : r.median < target ? `  ok (< ${target})` : `  MISSED (target < ${target})`;
    if (target !== undefined && r.median >= target) missed++;
    console.log(`${name.padEnd(32)} median ${r.median.toFixed(0).padStart(6)}   worst ${r.worst.toFixed(0).padStart(6)}${verdict}`);
  }
  console.log(`load average after: ${loadavg()[0].toFixed(1)}`);
  if (missed) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
