import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliActor } from '../../src/auth/actor.ts';
import { verifyWebhook } from '../../src/alert/channels/webhook.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { freshDatabaseUrl } from '../helpers/db.ts';

const BIN = new URL('../../bin/minsheng.mjs', import.meta.url).pathname;
const SOURCES = 8;
const ITEMS = 6;
const SECRET = 'scale-test-secret';
const TOPICS = ['小区噪音扰民', '道路施工噪音', '夜间工地噪音', '广场舞噪音', '酒吧噪音', '装修噪音', '厂房噪音', '菜市场噪音'];

function feed(n: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const title = `${TOPICS[n]}第${i + 1}号投诉：${['凌晨', '清晨', '午休', '深夜', '周末', '傍晚'][i]}持续`;
    const text = `${title}。${n}号片区居民反映${['已经三天', '持续一周', '反复多次', '从上月开始', '每天如此', '投诉无门'][i]}，希望有关部门尽快处理。编号${n}-${i}`;
    return `<item><guid>s${n}-i${i}</guid><title>${title}</title><link>http://127.0.0.1/t/${n}/${i}</link><description>${text}</description><pubDate>${new Date(Date.now() - (i + 1) * 600_000).toUTCString()}</pubDate></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>源${n}</title><link>http://127.0.0.1/</link><description>测试</description>${items.join('')}</channel></rss>`;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('scaled out: two pg-boss workers, one killed with SIGKILL mid-run', { skip: !process.env.TEST_DATABASE_URL && 'TEST_DATABASE_URL not set' }, () => {
  let db: Db;
  let drop: () => Promise<void>;
  let url: string;
  let feeds: Server;
  let receiver: Server;
  const received: string[] = [];
  let badSignatures = 0;
  const workers: ChildProcess[] = [];

  before(async () => {
    const fresh = await freshDatabaseUrl('postgres');
    url = fresh.url;
    db = await openDatabase(url);
    await migrateToLatest(db);
    drop = async () => {
      await db.close();
      await fresh.drop();
    };
    // Slow feeds, so that the kill lands while collection is under way.
    feeds = createServer((req, res) => {
      const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed(Number(m[1]))), 700);
    });
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!verifyWebhook(SECRET, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        received.push(String(req.headers['idempotency-key']));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const feedBase = await listen(feeds);
    const hook = await listen(receiver);
    const sources = Array.from({ length: SOURCES }, (_, n) => `  - { name: 源${n}, kind: feed, url: "${feedBase}/feed/${n}.xml", interval: 1h }`).join('\n');
    await applyWorkspace(
      db.kysely,
      cliActor(),
      `
departments:
  - { code: office, name: 局办公室, office: true }
sources:
${sources}
watch_rules:
  - { name: 噪音投诉, expression: "噪音" }
channels:
  - { name: 值班群, kind: webhook, config: { url: "${hook}/hook", secret: ${SECRET} } }
alert_settings:
  - { digestThreshold: 1000, leaseSeconds: 5, backoffBaseSeconds: 1, backoffMaxSeconds: 2, escalateAfterMinutes: 600 }
`,
    );
    // Watched since yesterday: the feeds' items of the last hour are new, not the backlog a source brings when added.
    await db.kysely.updateTable('sources').set({ created_at: new Date(Date.now() - 86_400_000).toISOString() }).execute();
  });

  after(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    feeds?.close();
    receiver?.close();
    await drop?.();
  });

  function startWorker(): ChildProcess {
    const w = spawn(process.execPath, [BIN, 'worker', '--db', url, '--concurrency', '2'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        MINSHENG_ALLOW_PRIVATE_NETWORKS: '1',
        MINSHENG_JOB_LEASE_SECONDS: '6',
        MINSHENG_JOB_MAINTENANCE_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    w.stdout!.on('data', (d) => process.env.SCALE_DEBUG && process.stderr.write(`[w${w.pid}] ${d}`));
    w.stderr!.on('data', (d) => process.env.SCALE_DEBUG && process.stderr.write(`[w${w.pid}] ${d}`));
    workers.push(w);
    return w;
  }

  async function count(sql: (k: Db['kysely']) => Promise<unknown>): Promise<number> {
    return Number(await sql(db.kysely));
  }

  test('every post is stored and analysed once and every alert arrives once', async () => {
    const a = startWorker();
    startWorker();
    const total = SOURCES * ITEMS;
    const posts = () => count(async (k) => (await k.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const deadline = Date.now() + 120_000;
    while ((await posts()) === 0) {
      assert.ok(Date.now() < deadline, 'workers stored nothing');
      await sleep(100);
    }
    a.kill('SIGKILL');
    const stored = await posts();
    assert.ok(stored < total, `the kill landed mid-run (${stored}/${total} stored)`);

    // The surviving worker finishes everything, including the dead worker's jobs.
    const done = async () => {
      const p = await posts();
      const unanalysed = await count(async (k) => (await k.selectFrom('posts').where('analyzed_at', 'is', null).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const open = await count(async (k) => (await k.selectFrom('alerts').where('status', '!=', 'sent').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const alerts = await count(async (k) => (await k.selectFrom('alerts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      state = { posts: p, unanalysed, alerts, open };
      return p === total && unanalysed === 0 && alerts > 0 && open === 0;
    };
    let state = {};
    const end = Date.now() + 150_000;
    while (!(await done())) {
      assert.ok(Date.now() < end, `the surviving worker did not finish the dead worker's work: ${JSON.stringify(state)}`);
      await sleep(500);
    }

    const rows = await db.kysely.selectFrom('posts').select(['source_id', 'dedup_key']).execute();
    assert.equal(rows.length, total);
    assert.equal(new Set(rows.map((r) => `${r.source_id}|${r.dedup_key}`)).size, total, 'no post twice');

    const keys = (await db.kysely.selectFrom('alerts').select('idempotency_key').execute()).map((r) => r.idempotency_key);
    await sleep(1000);
    const uniqueReceived = new Set(received.map((k) => decodeURIComponent(k)));
    for (const key of keys) assert.ok(uniqueReceived.has(key), `alert ${key} arrived`);
    assert.equal(uniqueReceived.size, keys.length, 'nothing arrived that is not an alert');
    // At most the messages in flight at the moment of the kill repeat; their idempotency key lets the receiver drop them.
    assert.ok(received.length - uniqueReceived.size <= 2, `${received.length - uniqueReceived.size} repeats`);
    assert.equal(badSignatures, 0);
  });
});
