import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { cliActor } from '../../src/auth/actor.ts';
import { collectDue } from '../../src/collect/collector.ts';
import { decodeBody } from '../../src/collect/encoding/charset.ts';
import { importFile } from '../../src/collect/importer/import.ts';
import { sourceHealth } from '../../src/collect/manage.ts';
import type { SourceRow } from '../../src/collect/types.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { addSource, testContext, testFetcher } from './helpers.ts';

/** UTF-8 text with a 0xFF byte wherever `¤` stands. */
function utf8WithBadBytes(text: string): Buffer {
  const parts = text.split('¤').map((p) => Buffer.from(p, 'utf8'));
  return Buffer.concat(parts.flatMap((p, i) => (i ? [Buffer.from([0xff]), p] : [p])));
}

const BAD_FEED = utf8WithBadBytes(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>县民生频道</title><link>http://feeds.example/</link><description>民生</description>
<item><title>中文标题：幸福路积水</title><link>http://feeds.example/a/1</link><guid>bad-1</guid><description>小区门口道路积水严重¤请尽快处理¤。</description></item>
<item><title>老旧小区改造¤进展</title><link>http://feeds.example/a/2</link><guid>bad-2</guid><description>居民希望早日完工。</description></item>
</channel></rss>`);

const UNDECLARED_GBK = iconv.encode(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>某县论坛</title><link>http://bbs.example/</link><description>民生</description>
<item><title>拆迁补偿标准不透明，村民希望公开</title><link>http://bbs.example/t/9</link><guid>gbk-9</guid><description>反映情况：补偿款发放不公开，请领导解决。</description></item>
</channel></rss>`, 'gbk');

describe('decoding with bad bytes', () => {
  test('declared UTF-8 with three bad bytes stays UTF-8, replaced and counted', () => {
    const d = decodeBody(BAD_FEED, 'application/rss+xml; charset=utf-8');
    assert.equal(d.charset, 'utf-8');
    assert.equal(d.invalid, 3);
    assert.match(d.text, /中文标题：幸福路积水/);
    assert.match(d.text, /老旧小区改造\ufffd进展/);
    assert.match(d.warning ?? '', /3 byte sequences invalid in the declared charset utf-8/);
  });
  test('undeclared UTF-8 with a bad byte is still UTF-8 (not GB18030), with a warning', () => {
    const d = decodeBody(utf8WithBadBytes('留言编号,留言主题\nA1,夜间施工¤噪音\n'), null);
    assert.equal(d.charset, 'utf-8');
    assert.match(d.text, /^留言编号,留言主题/);
    assert.match(d.warning ?? '', /read as UTF-8; 1 byte sequence invalid/);
  });
  test('bytes badly wrong for the declared charset switch by detection, with a warning', () => {
    const d = decodeBody(iconv.encode('<a>村民反映补偿款发放不公开</a>', 'gbk'), 'text/html; charset=utf-8');
    assert.equal(d.charset, 'gb18030');
    assert.match(d.text, /村民反映补偿款发放不公开/);
    assert.match(d.warning ?? '', /declared utf-8 but \d+% of the text is invalid UTF-8; decoded as gb18030/);
  });
  test('a GBK page without any declaration is detected as before, without a warning', () => {
    const d = decodeBody(UNDECLARED_GBK, 'text/xml');
    assert.equal(d.charset, 'gb18030');
    assert.match(d.text, /拆迁补偿标准不透明/);
    assert.equal(d.warning, null);
  });
});

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导出');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const tdb of testDatabases) {
  describe(`bad bytes do not pass silently [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let site: Server;
    let siteUrl: string;
    let server: TestServer;
    let importSource: SourceRow;
    const fetcher = testFetcher();

    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      ctx = testContext(db);
      site = createServer((req, res) => {
        if (req.url === '/bad-utf8.xml') res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(BAD_FEED);
        else if (req.url === '/undeclared-gbk.xml') res.writeHead(200, { 'content-type': 'text/xml' }).end(UNDECLARED_GBK);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      server = await startTestServer(db);
      importSource = await addSource(db, { name: '热线导出', kind: 'import' });
    });
    after(async () => {
      await fetcher.close();
      await server.close();
      await new Promise((resolve) => site.close(resolve));
      await drop();
    });

    test('a feed declared UTF-8 with three bad bytes keeps 中文 and its health shows a warning', async () => {
      await addSource(db, { name: 'bad-utf8', kind: 'feed', url: `${siteUrl}/bad-utf8.xml` });
      const [r] = await collectDue(ctx, { sourceName: 'bad-utf8', fetcher });
      assert.equal(r.ok, true);
      assert.equal(r.created, 2);
      assert.match(r.warnings.join('\n'), /有 3 处字节不符合 utf-8 编码，已显示为 �/);
      const titles = (await db.kysely.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').select('posts.title').where('sources.name', '=', 'bad-utf8').orderBy('posts.id').execute()).map((p) => p.title);
      assert.deepEqual(titles, ['中文标题：幸福路积水', '老旧小区改造\ufffd进展']);
      const health = (await sourceHealth(db.kysely, cliActor())).find((s) => s.name === 'bad-utf8')!;
      assert.equal(health.status, 'ok');
      assert.match(health.last_warning ?? '', /bad-utf8\.xml：有 3 处字节不符合 utf-8 编码，已显示为 �/);
      assert.ok(health.last_warning_at);
    });

    test('a GBK feed without any declaration is still read right, with no warning on its health', async () => {
      await addSource(db, { name: 'gbk-undeclared', kind: 'feed', url: `${siteUrl}/undeclared-gbk.xml` });
      const [r] = await collectDue(ctx, { sourceName: 'gbk-undeclared', fetcher });
      assert.equal(r.ok, true);
      assert.deepEqual(r.warnings, []);
      const post = await db.kysely.selectFrom('posts').select(['title', 'text']).where('external_id', '=', 'gbk-9').executeTakeFirstOrThrow();
      assert.equal(post.title, '拆迁补偿标准不透明，村民希望公开');
      const health = (await sourceHealth(db.kysely, cliActor())).find((s) => s.name === 'gbk-undeclared')!;
      assert.equal(health.last_warning, null);
    });

    test('a UTF-8 CSV with one bad byte: headers intact, that row refused by name, the others imported', async () => {
      const csv = utf8WithBadBytes('留言编号,留言主题,留言时间,留言详情\nB1,路面塌陷,2024/11/1 9:00:00,幸福路路面塌陷\nB2,噪音,2024/11/2 9:00:00,夜间施工¤噪音\nB3,井盖,2024/11/3 10:00:00,井盖缺失\n');
      const r = await importFile(ctx, cliActor(), importSource, '导出.csv', csv);
      assert.deepEqual(r.columns, { 留言编号: 'id', 留言主题: 'title', 留言时间: 'published_at', 留言详情: 'text' });
      assert.equal(r.created, 2);
      assert.deepEqual(r.errors.map((e) => [e.row, e.column]), [[3, '留言详情']]);
      assert.match(r.errors[0].message, /"留言详情": bytes that are not valid utf-8 \(shown as U\+FFFD\); the row was not imported/);
      assert.match(r.errors[0].user_message ?? '', /第 3 行的“留言详情”列含有不符合 utf-8 编码的字节/);
      const stored = await db.kysely.selectFrom('posts').select('external_id').where('source_id', '=', importSource.id).orderBy('external_id').execute();
      assert.deepEqual(stored.map((p) => p.external_id), ['B1', 'B3']);
    });

    test('a JSONL line with a bad byte is refused naming the field; the other lines go in', async () => {
      const jsonl = utf8WithBadBytes('{"单号":"J1","事由":"积水","描述":"雨后积水严重"}\n{"单号":"J2","事由":"占道¤经营","描述":"摊贩占道"}\n');
      const r = await importFile(ctx, cliActor(), importSource, 'x.jsonl', jsonl, { 单号: 'id', 事由: 'title', 描述: 'text' });
      assert.equal(r.created, 1);
      assert.deepEqual(r.errors.map((e) => [e.row, e.column]), [[2, '事由']]);
    });

    test('xlsx: formula without a saved result, error value, rich text and hyperlinks are read properly', async () => {
      const file = await xlsx([
        ['编号', '标题', '内容', '链接', '备注'],
        ['X1', { formula: 'C2&"（转）"' }, '桥下积水', { text: '原帖', hyperlink: 'http://bbs.example/t/1' }, { error: '#N/A' }],
        ['X2', { richText: [{ text: '富' }, { text: '文本标题' }] }, { formula: 'B3', result: '公式的结果' }, { text: { richText: [{ text: '富链接' }] }, hyperlink: 'http://bbs.example/t/2' }, { formula: '1/0', result: { error: '#DIV/0!' } }],
      ]);
      const r = await importFile(ctx, cliActor(), importSource, '工单.xlsx', file);
      assert.deepEqual(r.errors, []);
      assert.equal(r.created, 2);
      const rows = await db.kysely.selectFrom('posts').select(['external_id', 'title', 'text', 'url', 'extra']).where('external_id', 'in', ['X1', 'X2']).orderBy('external_id').execute();
      assert.ok(rows.every((p) => !`${p.title}${p.text}${p.extra}`.includes('[object')), JSON.stringify(rows));
      assert.deepEqual(
        rows.map((p) => [p.title, p.text, p.url]),
        [
          ['桥下积水', '桥下积水', 'http://bbs.example/t/1'],
          ['富文本标题', '公式的结果', 'http://bbs.example/t/2'],
        ],
      );
      assert.deepEqual(r.warnings.map((w) => [w.row, w.column]), [[2, '标题'], [2, '备注'], [3, '备注']]);
      assert.match(r.warnings[0].message, /formula =C2&"（转）" has no saved result/);
      assert.match(r.warnings[0].user_message ?? '', /第 2 行“标题”列：公式 =C2&"（转）" 在文件中没有保存计算结果，已留空/);
      assert.match(r.warnings[1].message, /Excel error value #N\/A/);
      assert.match(r.warnings[2].message, /#DIV\/0!/);
    });

    test('push API: a post with invalid UTF-8 bytes is refused naming the field; the rest are stored', async () => {
      const o = new ApiClient(server.url);
      await o.login('office1', PASSWORD);
      const src = await o.post('/api/sources', { name: '推送-坏字节', kind: 'push' });
      const { body: tok } = await o.post(`/api/sources/${src.body.id}/push-token`);
      const raw = Buffer.concat([
        utf8WithBadBytes('{"posts":[{"id":"U1","title":"噪音扰民","text":"夜间施工¤严重"},{"id":"U2","title":"路灯不亮","text":"幸福路路灯坏了"},'),
        Buffer.from('{"id":"U3","title":"原文有替换符\\ufffd","text":"原样保留 \ufffd"}]}', 'utf8'),
      ]);
      const res = await fetch(`${server.url}/api/ingest`, { method: 'POST', body: new Uint8Array(raw), headers: { 'content-type': 'application/json', 'x-minsheng-token': tok.token } });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.created, 2);
      assert.equal(body.errors.length, 1);
      assert.equal(body.errors[0].index, 0);
      assert.equal(body.errors[0].field, 'text');
      assert.match(body.errors[0].message, /text: invalid UTF-8 bytes; the post was not stored/);
      assert.match(body.errors[0].user_message, /第 0 条.*text 含有无效的 UTF-8 字节/);
      const stored = await db.kysely.selectFrom('posts').select(['external_id', 'title', 'text']).where('source_id', '=', src.body.id).orderBy('external_id').execute();
      assert.deepEqual(stored.map((p) => [p.external_id, p.title, p.text]), [
        ['U2', '路灯不亮', '幸福路路灯坏了'],
        ['U3', '原文有替换符\ufffd', '原样保留 \ufffd'],
      ]);
    });

    test('any other JSON request with invalid UTF-8 is a clear 400, not silently replaced', async () => {
      const raw = utf8WithBadBytes('{"username":"office1¤","password":"x"}');
      const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', body: new Uint8Array(raw), headers: { 'content-type': 'application/json' } });
      const body = await res.json();
      assert.equal(res.status, 400);
      assert.equal(body.error.code, 'invalid_utf8');
      assert.match(body.error.message, /无效的 UTF-8 字节/);
    });
  });
}
