import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { wecomStandin, type Standin } from './standins.ts';

/** In this process, beside the stand-in server; TEST_WECOM_KEY is unset unless given. */
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', TEST_WECOM_KEY: undefined, ...env } });

describe('minsheng channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-channel-cli-'));
  const dbPath = join(dir, 'ws.db');
  let wecom: Standin;
  before(async () => {
    wecom = await wecomStandin('cli-key');
    const file = join(dir, 'ws.yaml');
    writeFileSync(
      file,
      `channels:\n  - name: 值班群\n    kind: wecom\n    config: { key: "\${TEST_WECOM_KEY}", baseUrl: "${wecom.url}" }\n  - name: 坏钥匙\n    kind: wecom\n    config: { key: wrong, baseUrl: "${wecom.url}" }\n`,
    );
    const applied = await run(['workspace', 'apply', file, '--db', dbPath]);
    assert.equal(applied.code, 0, applied.stderr);
  });
  after(async () => {
    await wecom.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("channel test sends a test message and prints the service's answer", async () => {
    const r = await run(['channel', 'test', '值班群', '--db', dbPath], { TEST_WECOM_KEY: 'cli-key' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /值班群 \(wecom\): OK/);
    assert.match(r.stdout, /"errcode":0/);
    assert.equal(wecom.received.length, 1);
    assert.match(wecom.received[0].markdown.content, /测试/);
  });

  test('a refused test prints the answer and exits non-zero with one line', async () => {
    const r = await run(['channel', 'test', '坏钥匙', '--db', dbPath]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED \(auth\)/);
    assert.match(r.stdout, /93000/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('without the administrator allowance, the test is refused before connecting and says why', async () => {
    const before = wecom.connections;
    const r = await run(['channel', 'test', '值班群', '--db', dbPath], { TEST_WECOM_KEY: 'cli-key', MINSHENG_ALLOW_PRIVATE_NETWORKS: '0' });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAILED \(blocked\)/);
    assert.match(r.stdout + r.stderr, /refused to connect to 127\.0\.0\.1: a private or loopback address/);
    assert.equal(wecom.connections, before);
  });

  test('an unset env reference and an unknown channel are clear errors', async () => {
    const unset = await run(['channel', 'test', '值班群', '--db', dbPath]);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /TEST_WECOM_KEY/);
    const unknown = await run(['channel', 'test', '没有这个', '--db', dbPath]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no channel named "没有这个"/);
  });

  test('channel deliver sends what is due and exits', async () => {
    const { openDatabase } = await import('../../src/db/connect.ts');
    const { enqueueNotice } = await import('../../src/alert/outbox.ts');
    const db = await openDatabase(dbPath);
    try {
      await db.kysely.updateTable('channels').set({ enabled: 0 }).where('name', '=', '坏钥匙').execute();
      await db.kysely.transaction().execute((trx) => enqueueNotice(trx, { kind: 'post', key: 'post:1|level', level: 'red', title: '命令行投递', body: '正文', departmentId: null }));
    } finally {
      await db.close();
    }
    const before = wecom.received.length;
    const r = await run(['channel', 'deliver', '--db', dbPath], { TEST_WECOM_KEY: 'cli-key' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 sent, 0 failed, 0 still waiting/);
    assert.equal(wecom.received.length, before + 1);
    assert.match(wecom.received.at(-1).markdown.content, /命令行投递/);
  });

  test('channel list shows each channel and its state', async () => {
    const r = await run(['channel', 'list', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /值班群\twecom/);
  });
});
