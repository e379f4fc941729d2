import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, test } from 'node:test';
import { verifyWebhook } from '../../src/alert/channels/webhook.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, enqueue, type AlertWorld } from './helpers.ts';

const CHILD = new URL('./fixtures/deliver-loop.ts', import.meta.url).pathname;

function startChild(url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

const until = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
};

for (const tdb of testDatabases) {
  describe(`kill -9 mid-delivery [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let server: Server;
    let child: ChildProcess | null = null;
    afterEach(async () => {
      child?.kill('SIGKILL');
      server?.closeAllConnections();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await w?.drop();
    });

    test('after a restart every alert arrives within one short lease; only the in-flight one may repeat, with the same idempotency key', async () => {
      // timeout 2 s → a claim holds for 7 s (the send timeout + 5 s)
      w = await alertWorld(tdb, { leaseSeconds: 1, timeoutSeconds: 2, digestThreshold: 1000 });
      // A slow receiver, so that the kill lands while a message is on the wire.
      const perKey = new Map<string, number>();
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (!verifyWebhook('crash-secret-1', req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) {
            return void res.writeHead(401).end();
          }
          const key = String(req.headers['idempotency-key']);
          setTimeout(() => {
            perKey.set(key, (perKey.get(key) ?? 0) + 1);
            res.writeHead(200).end('ok');
          }, 60);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
      await addChannel(w, { name: '接收端', kind: 'webhook', config: { url, secret: 'crash-secret-1' } });
      await saveAlertSettings(w.db.kysely, { leaseSeconds: 1, timeoutSeconds: 2, digestThreshold: 1000 });
      const total = 30;
      for (let i = 0; i < total; i++) await enqueue(w, { key: `post:${i}|rule:漏水` });

      child = await startChild(w.url);
      assert.ok(await until(() => perKey.size >= 8, 30_000), 'the first process delivers');
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      const delivered = perKey.size;
      assert.ok(delivered < total, 'killed before the end');
      const held = await w.db.kysely.selectFrom('alerts').select('id').where('status', '=', 'sending').execute();
      assert.ok(held.length <= 1, `a crash holds back at most the alert on the wire (${held.length} held)`);

      // A new process (on PostgreSQL: a new pg-boss worker beside the dead one's job) resumes
      // within one lease: the rest at its first round, the alert on the wire when its claim ends.
      const restarted = Date.now();
      child = await startChild(w.url);
      assert.ok(await until(() => perKey.size === total, 15_000), `all ${total} arrive within 15 s of the restart (got ${perKey.size})`);
      let statuses: string[] = [];
      const settled = async () => {
        statuses = (await w.db.kysely.selectFrom('alerts').select('status').execute()).map((r) => r.status);
        return statuses.every((s) => s === 'sent');
      };
      while (!(await settled()) && Date.now() - restarted < 15_000) await new Promise((r) => setTimeout(r, 100));
      assert.ok(Date.now() - restarted < 15_000, `every alert is marked sent within 15 s of the restart: ${JSON.stringify(statuses)}`);
      child.kill('SIGKILL');

      const repeats = [...perKey.values()].filter((n) => n > 1);
      assert.ok(repeats.length <= 1, `at most the single in-flight alert repeats (${repeats.length})`);
      assert.ok(repeats.every((n) => n === 2));
      const rows = await w.db.kysely.selectFrom('alerts').select('status').execute();
      assert.ok(rows.every((r) => r.status === 'sent'), JSON.stringify(rows.map((r) => r.status)));
    });
  });
}
