import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createChannel } from '../../src/alert/channel-store.ts';
import { verifyWebhook } from '../../src/alert/channels/webhook.ts';
import { deliverDue } from '../../src/alert/delivery.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { createLogger } from '../../src/log.ts';
import { createSchedule, runDueSchedules, runSchedule } from '../../src/report/schedules.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedReportFixture } from './fixture.ts';

const SECRET = 'report-hook-secret';

/** A loopback SMTP receiver keeping the raw messages. */
async function smtpReceiver() {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A loopback receiver for the generic signed webhook, keeping verified payloads. */
async function webhookReceiver() {
  const received: any[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyWebhook(SECRET, req.headers['x-minsheng-timestamp'] as string, req.headers['x-minsheng-signature'] as string, body)) {
        res.writeHead(401).end('bad signature');
        return;
      }
      received.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** The MIME part with this content type: its file name (RFC 2231, possibly split) and base64-decoded body. */
function mimePart(raw: string, contentType: string): { filename: string; data: Buffer } | null {
  const text = raw.replace(/\r\n[ \t]+/g, ' ');
  const i = text.indexOf(`Content-Type: ${contentType}`);
  if (i < 0) return null;
  const start = text.indexOf('\r\n\r\n', i) + 4;
  const headers = text.slice(i, start);
  const pieces = [...headers.matchAll(/filename\*(\d+)\*?=([^;\r\n]+)/g)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2].trim());
  const filename = pieces.length ? decodeURIComponent(pieces.join('').replace(/^utf-8''/i, '')) : (/filename="([^"]+)"/.exec(headers)?.[1] ?? '');
  const end = text.indexOf('\r\n--', start);
  return { filename, data: Buffer.from(text.slice(start, end).replace(/\s+/g, ''), 'base64') };
}

for (const tdb of testDatabases) {
  describe(`scheduled briefs (${tdb.kind})`, () => {
    let env: Awaited<ReturnType<typeof tdb.create>>;
    let ctx: AppContext;
    let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
    let hook: Awaited<ReturnType<typeof webhookReceiver>>;
    before(async () => {
      env = await tdb.create();
      await seedReportFixture(env.db);
      ctx = createContext(env.db, loadConfig({ ...process.env, MINSHENG_PUBLIC_URL: 'https://yq.example.gov.cn', MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' }), createLogger('silent'));
      smtp = await smtpReceiver();
      hook = await webhookReceiver();
      await createChannel(env.db.kysely, cliActor(), { name: '办公室邮箱', kind: 'email', config: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'minsheng@example.gov.cn', to: ['office@example.gov.cn'] } });
      await createChannel(env.db.kysely, cliActor(), { name: '值班群', kind: 'webhook', config: { url: hook.url, secret: SECRET } });
    });
    after(async () => {
      await smtp.close();
      await hook.close();
      await env.drop();
    });

    test('the monthly brief is built when its cron time comes and delivered: e-mail attachment and a download link', async () => {
      const schedule = await createSchedule(env.db.kysely, cliActor(), { name: '月报', kind: 'monthly', format: 'docx', cron: '0 8 1 * *' });
      // 08:00 Beijing on 1 November 2026 is 00:00 UTC; the clock stands five minutes later.
      await env.db.kysely.updateTable('report_schedules').set({ next_run_at: '2026-11-01T00:00:00.000Z' }).where('id', '=', schedule.id).execute();
      const now = new Date('2026-11-01T00:05:00.000Z');
      const runs = await runDueSchedules(ctx, now);
      assert.equal(runs.length, 1);
      assert.equal(runs[0].period, '2026-10');
      assert.equal(runs[0].delivered, true);
      assert.equal(runs[0].alertIds.length, 2, 'one alert per channel');

      const row = await env.db.kysely.selectFrom('report_schedules').selectAll().where('id', '=', schedule.id).executeTakeFirstOrThrow();
      assert.equal(row.next_run_at, '2026-12-01T00:00:00.000Z');
      assert.equal(row.last_error, null);
      const file = await env.db.kysely.selectFrom('attachments').selectAll().where('id', '=', runs[0].attachmentId!).executeTakeFirstOrThrow();
      assert.equal(file.filename, '舆情月报-2026-10.docx');
      assert.equal(file.owner_type, 'report');

      const report = await deliverDue(ctx);
      assert.equal(report.sent, 2);

      assert.equal(smtp.received.length, 1);
      const docx = mimePart(smtp.received[0], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      assert.ok(docx, 'the brief is attached to the e-mail');
      assert.equal(docx.filename, '舆情月报-2026-10.docx');
      assert.equal(docx.data.subarray(0, 2).toString(), 'PK');
      assert.equal(docx.data.length, file.size);

      assert.equal(hook.received.length, 1);
      assert.match(hook.received[0].title, /舆情月报（2026年10月）已生成/);
      assert.match(hook.received[0].body, /信息 9 条，负面 5 条/);
      assert.equal(hook.received[0].attachment.filename, '舆情月报-2026-10.docx');
      assert.equal(hook.received[0].attachment.url, `https://yq.example.gov.cn/api/attachments/${file.id}`);
    });

    test('a period is delivered once: a rerun (restart, second worker) sends nothing more', async () => {
      const schedule = await env.db.kysely.selectFrom('report_schedules').selectAll().where('name', '=', '月报').executeTakeFirstOrThrow();
      const again = await runSchedule(env.db.kysely, schedule, new Date('2026-11-01T00:06:00.000Z'));
      assert.equal(again.delivered, false);
      assert.equal((await runDueSchedules(ctx, new Date('2026-11-01T00:07:00.000Z'))).length, 0, 'next run is in December');
      assert.equal((await deliverDue(ctx)).sent, 0);
      const attachments = await env.db.kysely.selectFrom('attachments').select('id').where('owner_type', '=', 'report').execute();
      assert.equal(attachments.length, 1);
    });

    test('a failing build is recorded on the schedule and it moves on to its next time', async () => {
      const schedule = await createSchedule(env.db.kysely, cliActor(), { name: '部门月报', kind: 'monthly', format: 'pdf', cron: '0 9 1 * *' });
      await env.db.kysely.updateTable('report_schedules').set({ next_run_at: '2026-11-01T01:00:00.000Z' }).where('id', '=', schedule.id).execute();
      const old = process.env.MINSHENG_CJK_FONT;
      process.env.MINSHENG_CJK_FONT = '/nonexistent/font.ttc';
      try {
        const runs = await runDueSchedules(ctx, new Date('2026-11-01T01:01:00.000Z'));
        assert.equal(runs.length, 0);
      } finally {
        if (old === undefined) delete process.env.MINSHENG_CJK_FONT;
        else process.env.MINSHENG_CJK_FONT = old;
      }
      const row = await env.db.kysely.selectFrom('report_schedules').selectAll().where('id', '=', schedule.id).executeTakeFirstOrThrow();
      assert.match(row.last_error ?? '', /no CJK font found/);
      assert.equal(row.next_run_at, '2026-12-01T01:00:00.000Z');
    });
  });
}
