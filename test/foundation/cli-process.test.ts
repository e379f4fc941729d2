import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/connect.ts';
import { SAME_MATTER } from '../analyze/helpers.ts';
import { BIN, runBin, runCli } from '../helpers/cli.ts';

/*
 * What only a real process shows. Every other CLI test runs its commands in-process through the
 * same program (test/helpers/cli.ts); these run bin/minsheng.mjs: exit codes, help, input piped on
 * stdin, the bundle that short pipeline commands start from, and a kill -9 in the middle of a
 * command.
 */
describe('the minsheng binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-process-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--help lists the commands and exits 0; a usage error and a failure exit 1', async () => {
    const help = await runBin(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const c of ['serve', 'migrate', 'workspace', 'analyze', 'case']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    const usage = await runBin(['migrate', '--frobnicate']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /unknown option '--frobnicate'/);
    const notDb = join(dir, 'not-a-db.db');
    writeFileSync(notDb, 'this is not sqlite '.repeat(100));
    const failed = await runBin(['migrate', '--db', notDb]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /^minsheng: cannot open SQLite database[^\n]*\n$/);
    assert.equal(failed.stdout, '');
  });

  test('analyze reads posts piped on stdin; the bundle, with and without the reading thread, gives what the sources give', async () => {
    const dbPath = join(dir, 'ws.db');
    const posts = [];
    for (let i = 0; i < 120; i++) {
      const text = i % 3 === 0 ? SAME_MATTER[i % SAME_MATTER.length] : i % 3 === 1 ? `第${i}号：這個社區的電梯壞了，物業說會處理！😭` : `沿港西路工地夜里打桩，噪音扰民，第${i}次投诉！`;
      posts.push(JSON.stringify({ id: i, title: i % 2 ? '' : `反映${i}`, text, published_at: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString() }));
    }
    posts.splice(77, 0, '{oops', '');
    const input = `${posts.join('\r\n')}\n`;
    const reference = await runCli(['analyze', '--workers', '0', '--db', dbPath], { stdin: input });
    assert.equal(reference.code, 0, reference.stderr);
    assert.equal(reference.stdout.trim().split('\n').length, 120);
    assert.match(reference.stderr, /^line 78: invalid JSON/m);
    for (const [workers, bundle] of [['1', '1'], ['0', '1']]) {
      const r = await runBin(['analyze', '--workers', workers, '--db', dbPath], { stdin: input, env: { MINSHENG_BUNDLE: bundle } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, reference.stdout, `--workers ${workers}, bundle ${bundle}`);
      assert.equal(r.stderr, reference.stderr, `--workers ${workers}, bundle ${bundle}`);
    }
  });

  test('analyze on a workspace that cannot be opened: one line, exit 1, and the reading thread does not keep the process alive', async () => {
    const started = Date.now();
    const bad = await runBin(['analyze', '--workers', '1', '--db', dir], { stdin: '{"text":"x"}\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^minsheng: cannot open SQLite database[^\n]*\n$/);
    assert.ok(Date.now() - started < 60_000);
  });

  test('kill -9 during an import, then running it again, stores every post exactly once', async () => {
    const countPosts = async (dbPath: string) => {
      const db = await openDatabase(dbPath);
      try {
        const rows = await db.kysely.selectFrom('posts').select(['external_id']).execute();
        return { total: rows.length, distinct: new Set(rows.map((r) => r.external_id)).size };
      } finally {
        await db.close();
      }
    };
    // many stored chunks (500 rows each), so that the kill falls after a commit and well before the end,
    // however fast the bundled CLI imports
    const file = join(dir, 'big.jsonl');
    const n = 5000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ 留言编号: i + 1, 留言主题: `第${i + 1}条留言`, 留言时间: '2019/2/28 11:25:05', 留言详情: `内容 ${i} ${'某小区路灯不亮，'.repeat(3)}` }));
    writeFileSync(file, lines.join('\n'));
    const killed = join(dir, 'killed.db');
    assert.equal((await runCli(['migrate', '--db', killed])).code, 0);
    const child = spawn(process.execPath, [BIN, 'import', file, '--source', '批量', '--db', killed], { env: { ...process.env, LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const closed = new Promise((r) => child.once('close', r));
    // Wait until part of the file is stored, then kill the process without warning.
    for (let i = 0; i < 1200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const c = await countPosts(killed).catch(() => ({ total: 0, distinct: 0 }));
      if (c.total > 0 || child.exitCode !== null) break;
    }
    child.kill('SIGKILL');
    await closed;
    const partial = await countPosts(killed);
    const r = await runCli(['import', file, '--source', '批量', '--db', killed]);
    assert.equal(r.code, 0, r.stderr);
    const full = await countPosts(killed);
    assert.equal(full.total, n);
    assert.equal(full.distinct, n);
    assert.ok(partial.total > 0 && partial.total < n, `killed after a commit and before the end (${partial.total} of ${n} stored)`);
    assert.match(r.stdout, new RegExp(`${n - partial.total} new`));
  });
});
