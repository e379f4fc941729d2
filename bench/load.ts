import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect.ts';
import { corpusFor } from './lib/corpus.ts';
import { copyDataset, ensureDataset } from './lib/dataset.ts';

/**
 * Benchmark: readers and ingest at once over HTTP (issue 23: dashboard p95 < 300 ms, search p95 < 100 ms, ingest p95 < 1 s with 20 readers).
 * A workspace of --posts posts built the product's way (bench/lib/dataset.ts: real texts from
 * --data when given, else generated ones; analysed by the product, kept in a cache and copied
 * for each run, no ANALYZE), served by `minsheng serve` at its own settings in a child process.
 * While --ingest posts are pushed to POST /api/ingest by --pushers concurrent senders (one post
 * a request, each analysed before the answer), --readers readers call the dashboard (40%) and
 * search (60%, words of the workspace's own matters) as fast as they are answered. Prints p50/
 * p95/max per kind, the server's stall detector (/api/health) and the machine load, for each
 * --modes entry on a fresh copy: `threads` (the product: heavy reads on read threads) and
 * `inline` (MINSHENG_READ_THREADS=0: every read on the serving thread), with their ratio.
 * Usage: npx tsx bench/load.ts [--posts 50000] [--data ../shared/datasets] [--db postgres://…]
 *        [--readers 20] [--ingest 5000] [--pushers 4] [--modes inline,threads]
 *        (BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the server)
 */
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const POSTS = Number(arg('posts', '50000'));
const DATA = arg('data', '') || null;
const DB_BASE = arg('db', '');
const READERS = Number(arg('readers', '20'));
const INGEST = Number(arg('ingest', '5000'));
const PUSHERS = Number(arg('pushers', '4'));
const MODES = arg('modes', 'inline,threads').split(',') as ('inline' | 'threads')[];
const BIN = new URL('../bin/minsheng.mjs', import.meta.url).pathname;
const PASSWORD = 'bench-load-Passw0rd';
const WORDS = ['漏水', '物业', '拆迁', '噪音', '路灯', '停车', '施工', '学校', '工资', '垃圾', '小区', '补偿', '交通', '医院', '供水', '房产证'];

const machine = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`;

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
const fmt = (xs: number[]) => `n=${String(xs.length).padStart(5)} p50 ${pct(xs, 50).toFixed(0).padStart(6)} ms  p95 ${pct(xs, 95).toFixed(0).padStart(6)} ms  max ${Math.max(...xs).toFixed(0).padStart(6)} ms`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Figures {
  mode: string;
  dashboard: number[];
  search: number[];
  ingest: number[];
  failures: number;
  seconds: number;
  loop: { stallsTotal: number; longestStallMs: number; stalledMsTotal: number; delayP99Ms: number; delayMaxMs: number };
  load: string;
}

async function runMode(mode: 'inline' | 'threads', info: Awaited<ReturnType<typeof ensureDataset>>): Promise<Figures> {
  const fresh = await copyDataset(info, DB_BASE, (l) => console.log(`  ${l}`));
  let child: ChildProcess | null = null;
  try {
    // a push token on the first push source, as an office sets one for another system
    const token = `bench_${randomBytes(12).toString('hex')}`;
    const db = await openDatabase(fresh.url);
    const source = await db.kysely.selectFrom('sources').select(['id', 'name']).where('kind', '=', 'push').orderBy('id').executeTakeFirstOrThrow();
    await db.kysely.updateTable('sources').set({ push_token_hash: createHash('sha256').update(token).digest('hex') }).where('id', '=', source.id).execute();
    await sql`select 1`.execute(db.kysely);
    await db.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    child = spawn(process.execPath, [...(process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean), BIN, 'serve', '--db', fresh.url, '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, MINSHENG_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', MINSHENG_READ_THREADS: mode === 'threads' ? '1' : '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not yet */
      }
      await sleep(200);
    }
    console.log(`  ${mode}: serve answered after ${((performance.now() - t0) / 1000).toFixed(1)} s (${machine()})`);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
    if (!login.ok) throw new Error(`login answered ${login.status}`);
    const cookie = /minsheng_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')?.[0] ?? '';

    const figures: Figures = { mode, dashboard: [], search: [], ingest: [], failures: 0, seconds: 0, loop: null as never, load: '' };
    let done = false;
    let r = 12345;
    const rnd = () => ((r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const reader = async () => {
      while (!done) {
        const dash = rnd() < 0.4;
        const path = dash ? '/api/reports/dashboard' : `/api/posts?q=${encodeURIComponent(WORDS[Math.floor(rnd() * WORDS.length)])}&limit=20`;
        const s = performance.now();
        const res = await fetch(base + path, { headers: { cookie } });
        await res.arrayBuffer();
        if (!res.ok) figures.failures++;
        else (dash ? figures.dashboard : figures.search).push(performance.now() - s);
      }
    };
    const corpus = corpusFor(DATA, 4242).next;
    let next = 0;
    const pusher = async () => {
      while (next < INGEST) {
        const i = next++;
        const p = corpus(POSTS + i);
        const s = performance.now();
        const res = await fetch(`${base}/api/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-minsheng-token': token },
          body: JSON.stringify({ posts: [{ id: `load-${i}`, title: p.title, text: p.text, published_at: new Date().toISOString() }] }),
        });
        await res.arrayBuffer();
        if (!res.ok) figures.failures++;
        else figures.ingest.push(performance.now() - s);
      }
    };
    const start = performance.now();
    const progress = setInterval(() => console.log(`    … ${figures.ingest.length}/${INGEST} pushed, ${figures.dashboard.length} dashboards, ${figures.search.length} searches (${((performance.now() - start) / 1000).toFixed(0)} s, ${machine()})`), 30_000);
    const readers = Array.from({ length: READERS }, reader);
    await Promise.all(Array.from({ length: PUSHERS }, pusher));
    done = true;
    await Promise.all(readers);
    clearInterval(progress);
    figures.seconds = (performance.now() - start) / 1000;
    figures.load = machine();
    const health = (await (await fetch(`${base}/api/health`)).json()) as { eventLoop: Figures['loop'] };
    figures.loop = health.eventLoop;
    return figures;
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    await fresh.drop();
  }
}

console.log(`bench load: ${POSTS} posts, ${READERS} readers, ${INGEST} posts pushed by ${PUSHERS} senders; ${DB_BASE.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}; ${machine()}`);
const info = await ensureDataset({ posts: POSTS, cases: Math.min(10_000, Math.ceil(POSTS / 20)), data: DATA, log: (l) => console.log(`  ${l}`) });
const all: Figures[] = [];
for (const mode of MODES) {
  const f = await runMode(mode, info);
  all.push(f);
  console.log(`\n  ${mode} (${f.seconds.toFixed(0)} s, ${f.failures} failed requests, ${f.load})`);
  console.log(`    dashboard  ${fmt(f.dashboard)}   goal p95 < 300 ms`);
  console.log(`    search     ${fmt(f.search)}   goal p95 < 100 ms`);
  console.log(`    ingest     ${fmt(f.ingest)}   goal p95 < 1000 ms  (${(f.ingest.length / f.seconds).toFixed(0)} posts/s)`);
  console.log(`    serving thread: ${f.loop.stallsTotal} stalls ≥ 100 ms, ${(f.loop.stalledMsTotal / 1000).toFixed(1)} s stalled, longest ${f.loop.longestStallMs.toFixed(0)} ms; delay p99 ${f.loop.delayP99Ms.toFixed(0)} ms over the last ${'30–60'} s`);
}
const a = all.find((f) => f.mode === 'inline');
const b = all.find((f) => f.mode === 'threads');
if (a && b) {
  const ratio = (k: 'dashboard' | 'search' | 'ingest') => (pct(b[k], 95) / pct(a[k], 95)).toFixed(2);
  console.log(`\n  threads / inline, p95: dashboard ${ratio('dashboard')}×, search ${ratio('search')}×, ingest ${ratio('ingest')}×; stalled ${(b.loop.stalledMsTotal / 1000).toFixed(1)} s against ${(a.loop.stalledMsTotal / 1000).toFixed(1)} s`);
}
