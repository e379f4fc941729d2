import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { cliActor } from '../../src/auth/actor.ts';
import { openCase } from '../../src/cases/open.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { runCli } from '../helpers/cli.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const run = (args: string[]) => runCli(args);

describe('minsheng case (command line)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-case-cli-'));
  const dbPath = join(dir, 'ws.db');

  before(async () => {
    const db = await openDatabase(dbPath);
    await migrateToLatest(db);
    const depts = await seedOrg(db);
    await openCase(db.kysely, cliActor(), { title: '道路施工扰民', lead_department_id: depts.jsk, level: 'orange' });
    await openCase(db.kysely, cliActor(), { title: '公租房分配不公', lead_department_id: depts.zfk });
    await db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lists the ledger, filtered by department, as TSV and JSON lines', async () => {
    const r = await run(['case', 'list', '--db', dbPath, '--department', 'jsk']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d{4}-0001\ttriage\torange\t建设科\t.*\t道路施工扰民$/m);
    assert.doesNotMatch(r.stdout, /公租房/);
    const j = await run(['case', 'list', '--db', dbPath, '--format', 'jsonl', '--q', '公租房']);
    assert.equal(JSON.parse(j.stdout.trim()).lead_department, '住房保障科');
  });

  test('exports the ledger as .xlsx', async () => {
    const out = join(dir, 'ledger.xlsx');
    const r = await run(['case', 'export', '--db', dbPath, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    assert.equal(wb.getWorksheet('舆情台账')!.rowCount, 3);
  });

  test('runs the deadline and verification round once', async () => {
    const r = await run(['case', 'check', '--db', dbPath]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reminders: \d+, overdue alerts: \d+/);
  });

  test('bad input exits non-zero with a one-line reason', async () => {
    const r = await run(['case', 'list', '--db', dbPath, '--state', 'finished']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown state "finished"/);
    assert.notEqual((await run(['case', 'list', '--db', dbPath, '--department', 'nope'])).code, 0);
    assert.notEqual((await run(['case', 'export', '--db', dbPath, '--out', join(dir, 'x.csv')])).code, 0);
    assert.notEqual((await run(['case', 'list', '--db', join(dir, 'missing.db')])).code, 0);
  });
});
