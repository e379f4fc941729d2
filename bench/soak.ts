/**
 * Soak: memory of `serve` and of each `worker` over a long run with posts arriving all the time (issue 9).
 *
 * A loopback feed server publishes new posts at --rate posts/s spread over --sources feeds (polled
 * every minute, as the shortest source interval allows); a watch rule turns some of them into
 * alerts delivered to a loopback webhook receiver; a logged-in office user keeps reading the
 * dashboard, search, the post list and the ledger. On SQLite one `serve` does everything; on
 * PostgreSQL `serve --no-jobs` serves and --workers `minsheng worker` processes do the jobs.
 * Every --sample seconds the RSS of each process is read from /proc. The figures: RSS per
 * process at start, after warm-up and at the end, the growth between the first and last fifth of
 * the run after warm-up, and the slope of a least-squares line over the second half (MB/hour).
 *
 *   npx minsheng bench soak [--minutes 20] [--db postgres://…/postgres] [--workers 2] [--rate 4]
 *                           [--sources 40] [--sample 10] [--warmup 3]
 * --db names the PostgreSQL server: a throwaway database is created there and dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyWebhook } from '../src/alert/channels/webhook.ts';
import { cliActor } from '../src/auth/actor.ts';
import { dbKindOf, openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { applyWorkspace } from '../src/workspace/workspace.ts';
import { generatePost } from './analyze.ts';
import { freshDatabase, rssOf } from './lib/throwaway.ts';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const MINUTES = Number(arg('minutes', '20'));
const WARMUP_MIN = Number(arg('warmup', String(Math.min(3, MINUTES / 4))));
const BASE = arg('db', '');
const PG = dbKindOf(BASE) === 'postgres';
const WORKERS = PG ? Number(arg('workers', '2')) : 0;
const RATE = Number(arg('rate', '4'));
const SOURCES = Number(arg('sources', '40'));
const SAMPLE_S = Number(arg('sample', '10'));
const BIN = new URL('../bin/minsheng.mjs', import.meta.url).pathname;
const PASSWORD = 'soak-admin-9f3k';
const SECRET = 'soak-webhook-secret';

// ---------------------------------------------------------------- loopback feeds and receiver
let r = 7;
const rand = () => {
  r = (r * 1103515245 + 12345) & 0x7fffffff;
  return r / 0x7fffffff;
};
const feeds: { id: string; title: string; text: string; pub: string }[][] = Array.from({ length: SOURCES }, () => []);
let published = 0;
const publisher = setInterval(() => {
  for (let i = 0; i < RATE; i++) {
    const p = generatePost(rand, published);
    const n = published % SOURCES;
    // one post in ten mentions noise, so the watch rule sends alerts all along
    const text = published % 10 === 0 ? `${p.text.slice(0, 150)}夜里施工噪音扰民` : p.text;
    feeds[n].unshift({ id: `soak-${published}`, title: `${p.title}（${published}）`, text, pub: new Date().toUTCString() });
    feeds[n].length = Math.min(feeds[n].length, 60);
    published++;
  }
}, 1000);
const feedServer = createServer((req, res) => {
  const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
  if (!m || !feeds[Number(m[1])]) return void res.writeHead(404).end();
  const items = feeds[Number(m[1])].map((it) => `<item><guid>${it.id}</guid><title>${it.title}</title><link>http://127.0.0.1/t/${it.id}</link><description>${it.text}</description><pubDate>${it.pub}</pubDate></item>`).join('');
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>源${m[1]}</title><link>http://127.0.0.1/</link><description>soak</description>${items}</channel></rss>`);
});
let alerts = 0;
let badSignatures = 0;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (!verifyWebhook(SECRET, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) badSignatures++;
    alerts++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
const listen = (s: ReturnType<typeof createServer>) => new Promise<number>((ok) => s.listen(0, '127.0.0.1', () => ok((s.address() as AddressInfo).port)));

// ---------------------------------------------------------------- the reader (office user)
async function reader(base: string, until: number): Promise<{ requests: number; errors: number }> {
  let cookie = '';
  let csrf = '';
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const m = /minsheng_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '');
    if (m) cookie = `minsheng_session=${m[1]}`;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const login = await call('POST', '/api/auth/login', { username: 'admin', password: PASSWORD });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  csrf = login.body.csrfToken;
  const paths = ['/api/reports/dashboard', '/api/posts?q=噪音', '/api/posts?q=物业', '/api/posts', '/api/cases'];
  let requests = 0;
  let errors = 0;
  while (Date.now() < until) {
    for (const p of paths) {
      const res = await call('GET', p).catch(() => ({ status: 0, body: null }));
      requests++;
      if (res.status !== 200) errors++;
    }
    await sleep(2000);
  }
  return { requests, errors };
}

// ---------------------------------------------------------------- figures
interface Series {
  name: string;
  child: ChildProcess;
  samples: { t: number; mb: number }[];
}

function slopePerHour(points: { t: number; mb: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mm = points.reduce((s, p) => s + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.mb - mm);
    den += (p.t - mt) ** 2;
  }
  return den ? (num / den) * 3600 : 0;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function summarise(s: Series, warmupS: number) {
  const after = s.samples.filter((p) => p.t >= warmupS);
  const fifth = Math.max(1, Math.floor(after.length / 5));
  const first = mean(after.slice(0, fifth).map((p) => p.mb));
  const last = mean(after.slice(-fifth).map((p) => p.mb));
  const peak = Math.max(...s.samples.map((p) => p.mb));
  const slope = slopePerHour(after.slice(Math.floor(after.length / 2)));
  return `${s.name.padEnd(10)} start ${s.samples[0]?.mb.toFixed(0) ?? '?'} MB, after warm-up ${first.toFixed(0)} MB, end ${last.toFixed(0)} MB (growth ${(last - first).toFixed(0)} MB = ${(((last - first) / first) * 100).toFixed(1)}%), peak ${peak.toFixed(0)} MB, second-half slope ${slope.toFixed(1)} MB/h`;
}

// ---------------------------------------------------------------- run
const fresh = await freshDatabase(BASE, 'minsheng_soak');
const children: Series[] = [];
try {
  const feedPort = await listen(feedServer);
  const receiverPort = await listen(receiver);
  const db = await openDatabase(fresh.url);
  await migrateToLatest(db);
  const sources = Array.from({ length: SOURCES }, (_, n) => `  - { name: 源${n}, kind: feed, url: "http://127.0.0.1:${feedPort}/feed/${n}.xml", interval: 1m }`).join('\n');
  await applyWorkspace(
    db.kysely,
    cliActor(),
    `departments:\n  - { code: office, name: 局办公室, office: true }\n  - { code: jsk, name: 建设科 }\nsources:\n${sources}\nwatch_rules:\n  - { name: 噪音投诉, expression: "噪音", department: jsk }\nchannels:\n  - name: 值班系统\n    kind: webhook\n    min_level: blue\n    config: { url: "http://127.0.0.1:${receiverPort}/hook", secret: ${SECRET} }\n`,
  );
  await db.close();
  const env = { ...process.env, LOG_LEVEL: 'warn', MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', MINSHENG_ADMIN_PASSWORD: PASSWORD };
  const start = (name: string, args: string[]) => {
    const child = spawn(process.execPath, [BIN, ...args, '--db', fresh.url], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const echo = (d: Buffer) => process.env.SOAK_DEBUG && process.stderr.write(`[${name}] ${d}`);
    child.stdout!.on('data', echo);
    child.stderr!.on('data', echo);
    children.push({ name, child, samples: [] });
    return child;
  };
  const port = 20000 + Math.floor(Math.random() * 20000);
  start('serve', ['serve', '--host', '127.0.0.1', '--port', String(port), ...(PG ? ['--no-jobs'] : [])]);
  const base = `http://127.0.0.1:${port}`;
  for (let end = Date.now() + 60_000; ; await sleep(250)) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > end || children[0].child.exitCode !== null) throw new Error('serve did not answer /api/health (SOAK_DEBUG=1 shows its output)');
  }
  for (let w = 0; w < WORKERS; w++) {
    start(`worker ${w + 1}`, ['worker']);
    await sleep(3000); // pg-boss creates its schema in the first worker before the next starts
  }
  const t0 = Date.now();
  const until = t0 + MINUTES * 60_000;
  console.log(`soak (${PG ? `PostgreSQL, serve --no-jobs + ${WORKERS} worker(s)` : 'SQLite, one serve with jobs'}): ${MINUTES} min, ${RATE} posts/s over ${SOURCES} feeds, sampling every ${SAMPLE_S} s`);
  const sampler = setInterval(() => {
    const t = (Date.now() - t0) / 1000;
    for (const s of children) {
      const mb = rssOf(s.child.pid!);
      if (mb !== null) s.samples.push({ t, mb });
    }
  }, SAMPLE_S * 1000);
  const progress = setInterval(async () => {
    const d = await openDatabase(fresh.url);
    try {
      const n = await d.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      console.log(`  ${((Date.now() - t0) / 60_000).toFixed(0)} min: published ${published}, stored ${Number(n.n)}, alerts received ${alerts}; RSS ${children.map((s) => `${s.name} ${s.samples.at(-1)?.mb.toFixed(0) ?? '?'} MB`).join(', ')}`);
    } finally {
      await d.close();
    }
  }, 60_000);
  const read = await reader(base, until);
  clearInterval(sampler);
  clearInterval(progress);
  const exited = children.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null);
  console.log(`\nread ${read.requests} API responses (${read.errors} not 200); ${alerts} alerts received (${badSignatures} with a bad signature); published ${published} posts`);
  if (exited.length) console.log(`PROCESS EXITED during the run: ${exited.map((s) => s.name).join(', ')}`);
  for (const s of children) console.log(summarise(s, WARMUP_MIN * 60));
} finally {
  clearInterval(publisher);
  for (const s of children) if (s.child.exitCode === null) s.child.kill('SIGTERM');
  await Promise.all(children.map((s) => (s.child.exitCode !== null ? undefined : Promise.race([new Promise((ok) => s.child.once('exit', ok)), sleep(10_000)]))));
  for (const s of children) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  feedServer.closeAllConnections();
  feedServer.close();
  receiver.closeAllConnections();
  receiver.close();
  await fresh.drop();
}
