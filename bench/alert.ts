/**
 * Alert latency, end to end, on loopback (issue 5 goals: ingest p95 < 1 s, polled feed p95 < 10 s).
 *
 *   node --import tsx bench/alert.ts [--samples 40] [--feed-samples 12] [--db postgres://…/empty_db]
 *
 * Without --db a throwaway SQLite file is used; --db must name an empty, throwaway database.
 *
 * 1. POST /api/ingest → collection stores → analysis matches a watch rule → the alert hook
 *    queues the alert in the same transaction → delivery (woken after commit) → a signed
 *    webhook to a loopback receiver. Measured from the request to the receiver's arrival.
 * 2. A loopback RSS feed marked 高频 and polled every 10 s (the shortest interval the store
 *    accepts, issue 23): an item appears at a random moment; measured from its appearance to the
 *    receiver's arrival. The shipped collection planner runs (it ticks every 2 s; the source's
 *    own interval, ±10 % jitter, decides when it is fetched).
 * Without the collection or analysis stage in the tree, the bench measures from enqueue instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { verifyWebhook } from '../src/alert/channels/webhook.ts';
import { enqueueNotice } from '../src/alert/outbox.ts';
import { deliveryTask, listenForWakes } from '../src/alert/runner.ts';
import { saveAlertSettings } from '../src/alert/settings.ts';
import { loadConfig } from '../src/config.ts';
import { startJobRuntime } from '../src/jobs/runtime.ts';
import { createLogger } from '../src/log.ts';
import { startServer } from '../src/server/serve.ts';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SAMPLES = arg('samples', 40);
const FEED_SAMPLES = arg('feed-samples', 12);
const SECRET = 'bench-receiver-secret';

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
function report(label: string, ms: number[], missed: number) {
  console.log(`${label}: n=${ms.length}${missed ? ` (missed ${missed})` : ''}  p50=${pct(ms, 50).toFixed(0)} ms  p95=${pct(ms, 95).toFixed(0)} ms  max=${Math.max(...ms).toFixed(0)} ms`);
}

async function optional(path: string): Promise<any | null> {
  try {
    return await import(path);
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-alert-'));
const arrivals = new Map<string, number>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = performance.now();
    if (!verifyWebhook(SECRET, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) return void res.writeHead(401).end();
    const msg = JSON.parse(body);
    for (const text of [msg.title, ...(msg.items ?? []).map((i: { title: string }) => i.title)]) {
      const m = /bench-(\w+)/.exec(text);
      if (m && !arrivals.has(m[1])) arrivals.set(m[1], at);
    }
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const config = loadConfig({ ...process.env, MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', LOG_LEVEL: 'silent', MINSHENG_PUBLIC_URL: 'http://127.0.0.1' });
const dbFlag = process.argv.indexOf('--db');
const dbUrl = dbFlag > 0 ? process.argv[dbFlag + 1] : join(dir, 'bench.db');
console.log(`database: ${dbUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}`);
const server = await startServer({ dbUrl, config, log: createLogger('silent'), port: 0, host: '127.0.0.1', scheduler: false });
const { ctx } = server;
const db = ctx.db.kysely as unknown as Kysely<any>;
const now = () => new Date().toISOString();
// Each sample is a different matter (distinct text), so that none joins an earlier one's event.
const POOL = '东南西北城乡街道社区学校医院公园河道桥梁路灯电梯水管燃气物业业主工地噪音粉尘垃圾停车充电绿化拆迁补偿装修违建学位公交地铁供暖排水井盖护栏';
const noise = (n: number) => Array.from({ length: n }, () => POOL[Math.floor(Math.random() * POOL.length)]).join('');
const waitFor = async (key: string, ms: number) => {
  const end = Date.now() + ms;
  while (!arrivals.has(key) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return arrivals.get(key);
};

try {
  await saveAlertSettings(db, { digestThreshold: 1000 });
  await db.insertInto('channels').values({ name: 'bench', kind: 'webhook', config: JSON.stringify({ url: receiverUrl, secret: SECRET }), min_level: 'blue', enabled: 1, failure_streak: 0, created_at: now(), updated_at: now() }).execute();
  await db.insertInto('watch_rules').values({ name: '漏水', expression: '漏水', min_level: 'blue', enabled: 1, created_at: now(), updated_at: now() }).execute();
  listenForWakes(ctx);
  const collector = await optional('../src/collect/collector.ts');
  const analysis = await optional('../src/pipeline/index.ts');
  const pipeline = collector && analysis && (await db.selectFrom('sources').select('id').limit(1).execute().then(() => true, () => false));
  const tasks = [deliveryTask];
  // The shipped collection planner, as serve and workers run it.
  if (collector) tasks.push((await import('../src/collect/tasks.ts')).collectTask);
  const scheduler = await startJobRuntime(ctx, tasks);
  await new Promise((r) => setTimeout(r, 1200));

  const ms: number[] = [];
  let missed = 0;
  if (pipeline) {
    const token = `bench_${randomBytes(12).toString('hex')}`;
    await db.insertInto('sources').values({ name: 'bench-push', kind: 'push', url: null, config: '{}', interval_seconds: 300, weight: 1, paused: 0, push_token_hash: createHash('sha256').update(token).digest('hex'), error_streak: 0, created_at: now(), updated_at: now() }).execute();
    for (let i = 0; i < SAMPLES; i++) {
      const key = `i${i}`;
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-minsheng-token': token },
        body: JSON.stringify({ posts: [{ id: `p${i}`, title: `bench-${key} ${noise(6)}漏水`, text: `${noise(30)}漏水${noise(30)}`, published_at: new Date().toISOString() }] }),
      });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      const at = await waitFor(key, 10_000);
      if (at === undefined) missed++;
      else ms.push(at - t0);
    }
    report('ingest → analysis → alert → webhook', ms, missed);
  } else {
    for (let i = 0; i < SAMPLES; i++) {
      const key = `e${i}`;
      const t0 = performance.now();
      await ctx.db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: 'post', key: `bench:${i}`, level: 'orange', title: `bench-${key}`, body: 'bench', departmentId: null }));
      const at = await waitFor(key, 10_000);
      if (at === undefined) missed++;
      else ms.push(at - t0);
    }
    report('enqueue → webhook (collection/analysis absent)', ms, missed);
  }

  if (collector && analysis) {
    const items: { id: string; title: string; text: string; at: number; pub: string }[] = [];
    const feed = createServer((_req, res) => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>县论坛</title><link>http://127.0.0.1/</link><description>bench</description>${items
        .map((it) => `<item><guid>${it.id}</guid><title>${it.title}</title><link>http://127.0.0.1/t/${it.id}</link><description>${it.text}</description><pubDate>${it.pub}</pubDate></item>`)
        .join('')}</channel></rss>`;
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(xml);
    });
    await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
    // Through the store, at the shortest interval it accepts: a source the office marks 高频 (10 s).
    const { createSource } = await import('../src/collect/manage.ts');
    const { cliActor } = await import('../src/auth/actor.ts');
    await createSource(db, cliActor(), { name: 'bench-feed', kind: 'feed', url: `http://127.0.0.1:${(feed.address() as AddressInfo).port}/rss`, interval_seconds: 10, high_frequency: true });
    await new Promise((r) => setTimeout(r, 11_000));
    const fms: number[] = [];
    let fmissed = 0;
    for (let i = 0; i < FEED_SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, 500 + Math.random() * 10_000));
      const key = `f${i}`;
      const at = performance.now();
      items.unshift({ id: `f-${i}`, title: `bench-${key} ${noise(6)}漏水`, text: `${noise(30)}漏水${noise(30)}`, at, pub: new Date().toUTCString() });
      const got = await waitFor(key, 30_000);
      if (got === undefined) fmissed++;
      else fms.push(got - at);
    }
    report('高频 feed polled every 10 s → webhook', fms, fmissed);
    feed.closeAllConnections();
    await new Promise<void>((r) => feed.close(() => r()));
  } else {
    console.log('feed → webhook: skipped (collection or analysis stage absent)');
  }
  await scheduler.stop();
} finally {
  await server.close();
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
}
