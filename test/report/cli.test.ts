import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { openDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { runCli } from '../helpers/cli.ts';
import { seedReportFixture } from './fixture.ts';

const run = (args: string[]) => runCli(args);

describe('minsheng report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-report-cli-'));
  const dbPath = join(dir, 'ws.db');
  before(async () => {
    const db = await openDatabase(dbPath);
    await migrateToLatest(db);
    await seedReportFixture(db);
    await db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the monthly statistics and ledger as .xlsx', async () => {
    const out = join(dir, 'october.xlsx');
    const r = await run(['report', '--period', '2026-10', '--kind', 'monthly', '--format', 'xlsx', '--out', out, '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /october\.xlsx: 舆情月报 \(2026-10\)/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    assert.equal(wb.getWorksheet('概况')!.getRow(3).getCell(2).value, 9);
  });

  test("writes one department's assessment with custom weights", async () => {
    const out = join(dir, 'assessment.docx');
    const r = await run(['report', '--period', '2026', '--kind', 'assessment', '--format', 'docx', '--department', 'jsk', '--weights', 'timely=1,received=0,prevented=0', '--out', out, '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
  });

  test('bad input exits non-zero with a one-line reason', async () => {
    const cases: [string[], RegExp][] = [
      [['--period', '2026-10-05', '--kind', 'monthly'], /needs a month period/],
      [['--period', 'October', '--kind', 'monthly'], /period "October" not understood/],
      [['--period', '2026-10', '--kind', 'hourly'], /--kind must be one of/],
      [['--period', '2026-10', '--kind', 'monthly', '--format', 'odt'], /--format must be one of/],
      [['--period', '2026', '--kind', 'assessment', '--weights', 'speed=1'], /weights: "speed=1"/],
      [['--period', '2026-10', '--kind', 'monthly', '--department', 'nope'], /no department with code "nope"/],
      [['--kind', 'special'], /needs an event/],
    ];
    for (const [args, reason] of cases) {
      const r = await run(['report', ...args, '--out', join(dir, 'x.docx'), '--db', dbPath]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, reason);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.ok(!existsSync(join(dir, 'x.docx')));
    const missing = await run(['report', '--kind', 'monthly', '--period', '2026-10', '--db', join(dir, 'none.db')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /database file not found/);
  });

  test('--format json prints the figures: the hot issues and the timeliness', async () => {
    const r = await run(['report', '--period', '2026-10', '--kind', 'monthly', '--format', 'json', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    const figures = JSON.parse(r.stdout);
    assert.equal(figures.total, 9);
    assert.equal(figures.hotIssues[0].posts, 5);
    assert.equal(figures.timeliness.total.cases, 6);
  });

  test('--help documents the periods', async () => {
    const r = await run(['report', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /2026-W41/);
  });
});
