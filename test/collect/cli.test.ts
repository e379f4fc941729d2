import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';

/** In this process (the stand-in site lives here too); the kill -9 of an import is in test/foundation/cli-process.test.ts. */
const run = (args: string[]) => runCli(args, { env: { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' } });

describe('collection commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-collect-cli-'));
  const dbPath = join(dir, 'ws.db');
  let site: FakeSite;
  before(async () => {
    site = await startFakeSite();
  });
  after(async () => site.close());

  test('every command has --help', async () => {
    for (const c of [['collect'], ['posts'], ['import'], ['source', 'test']]) {
      const r = await run([...c, '--help']);
      assert.equal(r.code, 0, c.join(' '));
      assert.match(r.stdout, /--db|<url>/);
    }
  });

  test('sources from the workspace file are collected by collect --once; posts lists them', async () => {
    const yaml = join(dir, 'ws.yaml');
    writeFileSync(
      yaml,
      `sources:\n  - name: 城建论坛\n    kind: feed\n    url: ${site.url}/rss2-gbk.xml\n  - name: 局长信箱\n    kind: html\n    url: ${site.url}/board/list\n    interval: 10m\n    config: { preset: board }\n`,
    );
    const applied = await run(['workspace', 'apply', yaml, '--db', dbPath]);
    assert.equal(applied.code, 0, applied.stderr);
    const r = await run(['collect', '--once', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /城建论坛: 1 new/);
    assert.match(r.stdout, /局长信箱: 2 new/);
    const again = await run(['collect', '--once', '--db', dbPath]);
    assert.match(again.stdout, /no source is due/);

    const jsonl = await run(['posts', '--format', 'jsonl', '--db', dbPath]);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const rows = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 3);
    assert.ok(rows.every((p) => 'sentiment' in p && 'risk' in p && 'metrics' in p));
    const q = await run(['posts', '--q', '积水', '--format', 'jsonl', '--db', dbPath]);
    assert.deepEqual(q.stdout.trim().split('\n').map((l) => JSON.parse(l).title), ['小区门口道路积水严重']);
    const table = await run(['posts', '--source', '局长信箱', '--since', '2024-11-05', '--db', dbPath]);
    assert.match(table.stdout, /关于幸福家园小区延期交房的咨询/);
    assert.doesNotMatch(table.stdout, /建议增设公交站台/);
  });

  test('bad input: one line on stderr and a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['posts', '--since', 'someday', '--db', dbPath], /^minsheng: bad --since someday/],
      [['posts', '--format', 'xml', '--db', dbPath], /^minsheng: unknown --format xml/],
      [['posts', '--source', '没有这个', '--db', dbPath], /^minsheng: source "没有这个" does not exist/],
      [['collect', '--once', '--source', '没有这个', '--db', dbPath], /^minsheng: source "没有这个" does not exist/],
      [['import', join(dir, 'missing.csv'), '--source', 'x', '--db', dbPath], /^minsheng: cannot read .*missing\.csv: ENOENT/],
      [['import', join(dir, 'data.txt'), '--source', 'x', '--db', dbPath], /^minsheng: .*unsupported file type \.txt/],
      [['import', join(dir, 'x.csv'), '--source', 'x', '--map', '标题=nonsense', '--db', dbPath], /^minsheng: bad --map entry/],
      [['source', 'test', `${site.url}/malformed.xml`], /^minsheng: .*malformed feed/],
      [['source', 'test', `${site.url}/nomatch.html`, '--preset', 'board'], /^minsheng: .*matched nothing/],
      [['source', 'test', `${site.url}/rss092.xml`, '--kind', 'rss'], /^minsheng: unknown --kind rss/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, re, `${args.join(' ')} → ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  test('source test prints the items and the detected charset of a feed served without a charset', async () => {
    const r = await run(['source', 'test', `${site.url}/undeclared-big5.xml`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /charset: big5 \(none declared\)/);
    assert.match(r.stdout, /違章建築拆除引發爭議/);
    assert.match(r.stdout, /time: 2004-05-01 10:00 {2}author: 記者/, 'Beijing time (02:00 UTC)');
    const discuz = await run(['source', 'test', `${site.url}/forum/forum.php?mod=forumdisplay&fid=2`, '--preset', 'discuz']);
    assert.match(discuz.stdout, /charset: gb18030 \(declared: gbk\)/);
    assert.match(discuz.stdout, /东门菜市场周边占道经营严重/);
  });

  test('import with Chinese column names: bad rows by row number, others imported, re-run adds nothing', async () => {
    const csv = join(dir, '12345.csv');
    writeFileSync(csv, '留言编号,留言用户,留言主题,留言时间,留言详情,点赞数,反对数\n1,A1,停车难,2019/2/28 11:25:05,车位不足,3,1\n2,A2,日期错误,2019/2/30 11:00:00,内容,0,0\n3,A3,,2019/3/1 8:00:00,只有详情没有主题,0,0\n4,A4,,,,0,0\n');
    const r = await run(['import', csv, '--source', '12345热线', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /row 3: 留言时间: cannot read the date "2019\/2\/30 11:00:00"/);
    assert.match(r.stderr, /row 5: no title or text/);
    assert.match(r.stdout, /4 row\(s\): 2 new, 0 updated, 0 unchanged, 2 rejected/);
    assert.match(r.stdout, /留言主题→title/);
    const again = await run(['import', csv, '--source', '12345热线', '--db', dbPath]);
    assert.match(again.stdout, /0 new/);
    const jsonl = await run(['posts', '--source', '12345热线', '--format', 'jsonl', '--db', dbPath]);
    const first = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((p) => p.external_id === '1');
    assert.equal(first.metrics.likes, 3);
    assert.equal(first.extra.dislikes, 1);
    assert.equal(first.published_at, '2019-02-28T11:25:05+08:00', 'Beijing time, with its offset');
    assert.equal(Date.parse(first.published_at), Date.parse('2019-02-28T03:25:05.000Z'));
    assert.equal(first.published_precision, 'second');
    const table = await run(['posts', '--source', '12345热线', '--db', dbPath]);
    assert.match(table.stdout, /\t2019-02-28 11:25\t/, 'the table reads Beijing time');

    const xlsx = join(dir, 'fake.xlsx');
    writeFileSync(xlsx, '留言编号,留言主题\n1,x\n');
    const bad = await run(['import', xlsx, '--source', '12345热线', '--db', dbPath]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^minsheng: fake\.xlsx: not an \.xlsx/);
  });
});
