import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { cliActor } from '../../src/auth/actor.ts';
import { importFile } from '../../src/collect/importer/import.ts';
import type { SourceRow } from '../../src/collect/types.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { addSource, testContext } from './helpers.ts';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导出');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

for (const tdb of testDatabases) {
  describe(`file import [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let source: SourceRow;
    before(async () => {
      ({ db, drop } = await tdb.create());
      ctx = testContext(db);
      source = await addSource(db, { name: '12345热线', kind: 'import', config: { map: { 诉求描述: 'text' } } });
    });
    after(async () => drop());

    test('a real .xlsx with Chinese headers, date cells and an official reply column', async () => {
      const file = await xlsx([
        ['工单编号', '诉求标题', '诉求描述', '来电时间', '点赞数', '答复意见', '答复单位', '所属街道'],
        ['GD001', '幸福路井盖缺失', '晚上看不见，很危险', new Date(Date.UTC(2024, 10, 5, 9, 30, 0)), 4, '已安排维修，次日完成', '市政所', '城东街道'],
        ['GD002', '小区噪音', '广场舞太吵', '2024/11/6 20:00:00', 0, null, null, '城西街道'],
      ]);
      const r = await importFile(ctx, cliActor(), source, '工单.xlsx', file);
      assert.deepEqual(r.errors, []);
      assert.equal(r.created, 2);
      assert.equal(r.columns['诉求描述'], 'text', 'the source config map applies');
      const post = await db.kysely.selectFrom('posts').selectAll().where('external_id', '=', 'GD001').executeTakeFirstOrThrow();
      assert.equal(post.published_at, '2024-11-05T01:30:00.000Z', 'an Excel date cell is Beijing wall-clock time');
      assert.equal(post.likes, 4);
      assert.equal(JSON.parse(post.extra!).所属街道, '城东街道');
      const reply = await db.kysely.selectFrom('post_replies').selectAll().where('post_id', '=', post.id).executeTakeFirstOrThrow();
      assert.equal(reply.author, '市政所');
      assert.match(reply.text, /已安排维修/);
    });

    test('a GBK CSV, a JSONL with a broken line, and an explicit --map', async () => {
      const csv = iconv.encode('编号,标题,内容,时间\nC1,路灯不亮,幸福路路灯坏了一周,2024-11-01 19:00\n', 'gbk');
      const r = await importFile(ctx, cliActor(), source, 'gbk.csv', csv);
      assert.equal(r.created, 1);
      const p = await db.kysely.selectFrom('posts').select(['title', 'text']).where('external_id', '=', 'C1').executeTakeFirstOrThrow();
      assert.equal(p.title, '路灯不亮');
      const jsonl = Buffer.from('{"单号":"J1","事由":"积水","描述":"雨后积水严重"}\n{broken\n{"单号":"J2","事由":"占道","描述":"摊贩占道"}\n');
      const j = await importFile(ctx, cliActor(), source, 'x.jsonl', jsonl, { 单号: 'id', 事由: 'title', 描述: 'text' });
      assert.equal(j.created, 2);
      assert.deepEqual(j.errors.map((e) => e.row), [2]);
      assert.match(j.errors[0].message, /not valid JSON/);
    });

    test('wrong files are refused with the reason', async () => {
      await assert.rejects(importFile(ctx, cliActor(), source, 'old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])), /old Excel 97-2003 \.xls/);
      await assert.rejects(importFile(ctx, cliActor(), source, 'empty.csv', Buffer.from('')), /no data rows/);
      const feed = await addSource(db, { name: 'a-feed', kind: 'feed', url: 'http://x.example/rss' });
      await assert.rejects(importFile(ctx, cliActor(), feed, 'x.csv', Buffer.from('标题\n一\n')), /import into an import source/);
    });
  });
}
