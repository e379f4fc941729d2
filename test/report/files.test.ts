import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { buildBrief } from '../../src/report/brief.ts';
import { parsePeriod } from '../../src/report/period.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { buildReport } from '../../src/report/render.ts';
import { changeCaseSettings } from '../../src/cases/settings.ts';
import { testDatabases } from '../helpers/db.ts';
import { AS_OF, seedReportFixture, type Fixture } from './fixture.ts';

const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

/** The text of a .docx: word/document.xml with the tags stripped. */
function docxText(data: Buffer, dir: string): { text: string; media: string[] } {
  const file = join(dir, 'r.docx');
  writeFileSync(file, data);
  const out = join(dir, 'docx');
  execFileSync('unzip', ['-o', '-q', file, '-d', out]);
  const xml = readFileSync(join(out, 'word', 'document.xml'), 'utf8');
  let media: string[] = [];
  try {
    media = readdirSync(join(out, 'word', 'media'));
  } catch {
    /* no images */
  }
  return { text: xml.replace(/<[^>]+>/g, ''), media };
}

/**
 * Text of a PDF: pdftotext (poppler-utils) when present; otherwise the Unicode text mapped by
 * the embedded font's ToUnicode CMaps (pdfkit writes one for the CJK font).
 */
function pdfText(data: Buffer, dir: string): string {
  if (hasPdftotext) {
    const file = join(dir, 'r.pdf');
    writeFileSync(file, data);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
  }
  const raw = data.toString('latin1');
  let text = '';
  for (const m of raw.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      const body = inflateSync(data.subarray(start, end)).toString('latin1');
      if (!body.includes('beginbfrange') && !body.includes('beginbfchar')) continue;
      // bfrange entries map glyph ranges to arrays of UTF-16 values (<a> <b> [<u1> <u2> …]); bfchar to one value.
      for (const hex of body.matchAll(/<([0-9a-fA-F]{4,})>/g)) {
        for (let i = 0; i + 4 <= hex[1].length; i += 4) text += String.fromCharCode(parseInt(hex[1].slice(i, i + 4), 16));
      }
    } catch {
      /* not a deflate stream */
    }
  }
  return text;
}

for (const tdb of testDatabases) {
  describe(`report files (${tdb.kind})`, () => {
    let env: Awaited<ReturnType<typeof tdb.create>>;
    let fx: Fixture;
    let dir: string;
    before(async () => {
      env = await tdb.create();
      fx = await seedReportFixture(env.db);
      dir = mkdtempSync(join(tmpdir(), 'minsheng-report-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await env.drop();
    });

    test('the monthly brief as .docx has the title, the figures, the hot event, the departments and chart images', { skip: !hasUnzip && 'unzip not installed' }, async () => {
      const file = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'docx', asOf: AS_OF });
      assert.equal(file.filename, '舆情月报-2026-10.docx');
      assert.equal(file.data.subarray(0, 2).toString(), 'PK');
      const { text, media } = docxText(file.data, dir);
      assert.match(text, /舆情月报/);
      assert.match(text, /2026年10月/);
      assert.match(text, /本期共监测到相关信息 9 条/);
      assert.match(text, /负面信息 5 条/);
      assert.match(text, /阳光花园/);
      assert.match(text, /10月5日：5 条（国庆节）/);
      assert.match(text, /建设科/);
      assert.match(text, /住房保障科/);
      assert.ok(media.filter((m) => m.endsWith('.png')).length >= 3, `chart images embedded: ${media.join(', ')}`);
      // 重点舆情: one block per case at 较大 or above (C3, 重大), with its summary, handling and status.
      assert.ok(text.includes('二、重点舆情1. 处置单 C3（2026-0004，重大）【概要】处置单 C3【处置情况】主办：建设科；2026-10-12 09:30 回复，已在原帖核实。【目前状态】跟踪三、信息量走势'), text);
      assert.doesNotMatch(text, /处置单 C4（/, 'a blue case is not a key item');
    });

    test('the brief draws the risk levels as a chart under 舆情等级, 一般 to 特别重大 in the console colours', async () => {
      const doc = await buildBrief(env.db.kysely, { kind: 'monthly', period: parsePeriod('2026-10'), asOf: AS_OF });
      const at = doc.blocks.findIndex((b) => b.type === 'heading' && b.text === '舆情等级');
      assert.ok(at > 0, 'the 舆情等级 heading');
      const chart = doc.blocks[at + 1];
      assert.equal(chart.type, 'chart');
      assert.equal(chart.type === 'chart' && chart.chart.title, '舆情等级分布');
      assert.equal(doc.blocks[at + 2].type, 'table', 'then the table of counts');
      assert.ok(chart.type === 'chart' && chart.chart.png.subarray(1, 4).toString() === 'PNG');
    });

    test('the monthly statistics as .xlsx read back with exceljs: summary, hot events, timeliness and the ledger', async () => {
      const file = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'xlsx', asOf: AS_OF });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.data as unknown as ArrayBuffer);
      const names = wb.worksheets.map((w) => w.name);
      for (const n of ['概况', '走势', '来源', '话题', '情感', '热点事件', '部门处置时效', '台账']) assert.ok(names.includes(n), `sheet ${n} in ${names.join(',')}`);
      const summary = wb.getWorksheet('概况')!;
      assert.equal(summary.getRow(3).getCell(2).value, 9);
      const trend = wb.getWorksheet('走势')!;
      const oct5 = trend.getRows(2, 31)!.find((r) => r.getCell(1).value === '2026-10-05')!;
      assert.equal(oct5.getCell(2).value, 5);
      assert.equal(oct5.getCell(4).value, '是');
      const timeliness = wb.getWorksheet('部门处置时效')!;
      const js = timeliness.getRows(2, timeliness.rowCount - 1)!.find((r) => r.getCell(1).value === '建设科')!;
      assert.equal(js.getCell(2).value, 3);
      assert.equal(js.getCell(4).value, 1);
      assert.equal(Math.round((js.getCell(5).value as number) * 1000), 333);
      assert.equal(js.getCell(6).value, 2);
      const ledger = wb.getWorksheet('台账')!;
      assert.equal(ledger.rowCount, 7, 'header + 6 cases opened in October');
      const c5 = ledger.getRows(2, 6)!.find((r) => r.getCell(2).value === '处置单 C5')!;
      assert.equal(c5.getCell(9).value, '逾期');
    });

    test('the assessment as .xlsx shows the ranking and the breakdown behind each score', async () => {
      const file = await buildReport(env.db.kysely, cliActor(), { kind: 'assessment', period: '2026-Q4', format: 'xlsx', asOf: AS_OF });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.data as unknown as ArrayBuffer);
      const ranking = wb.getWorksheet('考核排名')!;
      assert.equal(ranking.getRow(2).getCell(2).value, '住房保障科');
      assert.equal(ranking.getRow(2).getCell(7).value, 65);
      const detail = wb.getWorksheet('得分明细')!;
      assert.ok(detail.rowCount >= 7);
    });

    test('the assessment .xlsx has what people said back and their marks in columns of their own', async () => {
      const said = (at: string, cls: 'satisfied' | 'asking' | 'escalating', excerpt: string) =>
        env.db.kysely
          .insertInto('case_feedback')
          .values({ case_id: fx.cases.C4, item_key: `x:${at}`, post_id: fx.posts.P9, post_reply_id: null, at: new Date(`${at}+08:00`).toISOString(), author: '业主', excerpt, class: cls, sentiment: null, abuse: 0, cues: '[]', created_at: AS_OF })
          .execute();
      await said('2026-10-20T12:00:00', 'satisfied', '谢谢，回复很及时');
      await said('2026-10-20T13:00:00', 'asking', '到底哪天修好？');
      await said('2026-10-21T10:00:00', 'escalating', '再不修就去拉横幅');
      try {
        const file = await buildReport(env.db.kysely, cliActor(), { kind: 'assessment', period: '2026-Q4', format: 'xlsx', asOf: AS_OF });
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(file.data as unknown as ArrayBuffer);
        const ranking = wb.getWorksheet('考核排名')!;
        const headers = (ranking.getRow(1).values as unknown[]).slice(1);
        assert.deepEqual(headers.slice(7), ['跟帖满意/认可（条）', '跟帖继续追问（条）', '跟帖升级苗头（条）', '出现升级苗头（件）', '群众评价满意（次）', '群众评价不满意（次）']);
        const row = (name: string) => (ranking.getRows(2, ranking.rowCount - 1) ?? []).find((r) => r.getCell(2).value === name)!;
        assert.deepEqual((row('住房保障科').values as unknown[]).slice(8, 14), [1, 1, 1, 1, 1, 0], 'C4: one of each class, one case with a 升级苗头, a 5-star mark');
        assert.deepEqual((row('建设科').values as unknown[]).slice(11, 14), [0, 0, 1], "C2's 不满意 mark");
      } finally {
        await env.db.kysely.deleteFrom('case_feedback').execute();
      }
    });

    test('the PDF brief carries real Chinese text', async () => {
      const file = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'pdf', asOf: AS_OF });
      assert.equal(file.data.subarray(0, 5).toString(), '%PDF-');
      const text = pdfText(file.data, dir);
      for (const s of hasPdftotext ? ['舆情月报', '2026年10月', '建设科', '阳光花园', '国庆节'] : ['舆', '情', '月', '报', '建', '设', '科']) assert.ok(text.includes(s), `PDF text contains ${s}`);
    });

    test("the brief names the bureau, its 期号 and who edited, reviewed and signed it (docx and pdf)", { skip: !hasUnzip && 'unzip not installed' }, async () => {
      const before = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'pdf', asOf: AS_OF });
      assert.deepEqual([before.document.issuer, before.document.issue, before.document.credits], ['局办公室', '2026年第10期', null], "without settings: the office's name, no credits line");
      await env.db.kysely.transaction().execute((trx) => changeCaseSettings(trx, cliActor(), { bureau_name: '岱山县住房和城乡建设局', brief_editor: '王芳', brief_reviewer: '李伟', brief_signer: '陈局长' }));
      try {
        const docx = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'docx', asOf: AS_OF });
        const { text } = docxText(docx.data, dir);
        for (const s of ['岱山县住房和城乡建设局', '2026年10月　2026年第10期', '编辑：王芳　审核：李伟　签发：陈局长']) assert.ok(text.includes(s), `docx contains ${s}`);
        const pdf = await buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'pdf', asOf: AS_OF });
        if (hasPdftotext) {
          const ptext = pdfText(pdf.data, dir);
          for (const s of ['岱山县住房和城乡建设局', '2026年第10期', '签发：陈局长']) assert.ok(ptext.includes(s), `PDF contains ${s}`);
        }
        const weekly = await buildReport(env.db.kysely, cliActor(), { kind: 'weekly', period: '2026-W41', format: 'pdf', asOf: AS_OF });
        assert.equal(weekly.document.issue, '2026年第41期');
        const daily = await buildReport(env.db.kysely, cliActor(), { kind: 'daily', period: '2026-10-05', format: 'pdf', asOf: AS_OF });
        assert.equal(daily.document.issue, '2026年第278期');
      } finally {
        await env.db.kysely.transaction().execute((trx) => changeCaseSettings(trx, cliActor(), { bureau_name: '', brief_editor: '', brief_reviewer: '', brief_signer: '' }));
      }
    });

    test('a special brief is about one event; a brief needs a period of its kind', async () => {
      const file = await buildReport(env.db.kysely, cliActor(), { kind: 'special', format: 'xlsx', eventId: fx.eventId, asOf: AS_OF });
      assert.match(file.document.title, /舆情专报：某小区停水/);
      assert.equal(file.period.key, '2026-10-05..2026-10-05');
      await assert.rejects(buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10-05', format: 'docx' }), /needs a month period/);
      await assert.rejects(buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-13', format: 'docx' }), /month must be 01-12/);
      await assert.rejects(buildReport(env.db.kysely, cliActor(), { kind: 'special', format: 'docx' }), /needs an event/);
      await assert.rejects(buildReport(env.db.kysely, cliActor(), { kind: 'monthly', period: '2026-10', format: 'odt' }), /unknown format/);
    });
  });
}
