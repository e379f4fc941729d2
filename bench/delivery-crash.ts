/**
 * Alert delay through crashes: a delivery process killed with SIGKILL while alerts keep coming.
 *
 *   npx minsheng bench delivery-crash [--alerts 200] [--kills 4] [--db postgres://…/postgres]
 *
 * A process runs the shipped job runtime with the alert tasks (bench/lib/delivery-worker.ts; on
 * PostgreSQL through pg-boss, as `minsheng worker` does). This process writes `--alerts` alerts into
 * the outbox in `--kills` bursts 10 s apart, kills the worker once the first of each burst arrived
 * and starts a new one a second later (as systemd's Restart= would). A loopback webhook receiver (40 ms per request)
 * notes each alert's first arrival. Printed: the delay from enqueue to arrival (p50, p95, max),
 * alerts over 60 s, alerts that arrived twice. Without --db a throwaway SQLite file is used; with a
 * PostgreSQL URL a throwaway database is created on that server and dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { verifyWebhook } from '../src/alert/channels/webhook.ts';
import { enqueueNotice } from '../src/alert/outbox.ts';
import { saveAlertSettings } from '../src/alert/settings.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { nowIso } from '../src/db/values.ts';
import { freshDatabase } from './lib/throwaway.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ALERTS = Number(arg('alerts', '200'));
const KILLS = Number(arg('kills', '4'));
const ROUND_MS = 10_000;
const SECRET = 'bench-crash-secret';
const WORKER = fileURLToPath(new URL('./lib/delivery-worker.ts', import.meta.url));

const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fresh = await freshDatabase(arg('db', ''), 'minsheng_bench_crash');
const db = await openDatabase(fresh.url);
await migrateToLatest(db);
console.log(`database: ${db.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}; ${ALERTS} alerts in ${KILLS} bursts ${ROUND_MS / 1000} s apart, the worker killed as the first of each arrive`);

const enqueuedAt = new Map<string, number>();
const arrivals = new Map<string, number>();
let repeats = 0;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (!verifyWebhook(SECRET, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) return void res.writeHead(401).end();
    const key = decodeURIComponent(String(req.headers['idempotency-key'])).split('|')[0];
    if (arrivals.has(key)) repeats++;
    else arrivals.set(key, Date.now());
    setTimeout(() => res.writeHead(200).end('ok'), 40);
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

await saveAlertSettings(db.kysely, { digestThreshold: 1000 });
await db.kysely.insertInto('channels').values({ name: 'bench', kind: 'webhook', config: JSON.stringify({ url: hook, secret: SECRET }), min_level: 'blue', enabled: 1, failure_streak: 0, created_at: nowIso(), updated_at: nowIso() }).execute();

let worker: ChildProcess | null = null;
const start = () =>
  new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, fresh.url], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });

try {
  worker = await start();
  // Each round: a burst of alerts (a flood after a hot post), the worker killed while sending it,
  // a new worker a second later (as systemd's Restart= would).
  const perRound = Math.ceil(ALERTS / KILLS);
  for (let round = 0, i = 0; round < KILLS; round++) {
    const roundStart = Date.now();
    const first = i;
    for (let k = 0; k < perRound && i < ALERTS; k++, i++) {
      const key = `crash:${i}`;
      enqueuedAt.set(key, Date.now());
      await db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: 'post', key, level: 'orange', title: `bench ${i}`, body: 'bench', departmentId: null }));
    }
    // Killed mid-send: once the receiver has seen the first few of this burst.
    const seen = () => [...arrivals.keys()].filter((k) => Number(k.split(':')[1]) >= first).length;
    const waitUntil = Date.now() + ROUND_MS / 2;
    while (seen() < Math.min(5, perRound) && Date.now() < waitUntil) await sleep(10);
    worker!.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    await sleep(1000);
    worker = await start();
    await sleep(Math.max(0, roundStart + ROUND_MS - Date.now()));
  }
  const deadline = Date.now() + 20 * 60_000;
  while (arrivals.size < ALERTS && Date.now() < deadline) await sleep(200);
  const delays = [...enqueuedAt].filter(([k]) => arrivals.has(k)).map(([k, at]) => (arrivals.get(k)! - at) / 1000);
  const mean = delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length);
  console.log(
    `enqueue → webhook through ${KILLS} kills: n=${delays.length}/${ALERTS}  mean=${mean.toFixed(1)} s  p50=${pct(delays, 50).toFixed(1)} s  p95=${pct(delays, 95).toFixed(1)} s  max=${Math.max(...delays).toFixed(1)} s  over 60 s: ${delays.filter((d) => d > 60).length}  arrived twice: ${repeats}`,
  );
} finally {
  worker?.kill('SIGKILL');
  receiver.close();
  await db.close();
  await fresh.drop();
}
