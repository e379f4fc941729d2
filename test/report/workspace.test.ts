import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const YAML = `
version: 1
named_dates:
  - { name: 文明城市复检, from: 2026-11-10, to: 2026-11-14 }
  - { name: 建县纪念日, from: 2020-06-18, yearly: true }
report_schedules:
  - { name: 日报, kind: daily, format: pdf, cron: "0 8 * * *" }
  - { name: 建设科月报, kind: monthly, cron: "0 9 1 * *", department: jsk, level: yellow }
`;

for (const tdb of testDatabases) {
  describe(`workspace: report schedules and named dates (${tdb.kind})`, () => {
    let env: Awaited<ReturnType<typeof tdb.create>>;
    before(async () => {
      env = await tdb.create();
      await seedOrg(env.db);
    });
    after(async () => env.drop());

    test('applies, is idempotent, and exports the same items', async () => {
      const first = await applyWorkspace(env.db.kysely, cliActor(), YAML);
      assert.deepEqual(first.sections.report_schedules, { created: 2, updated: 0, unchanged: 0 });
      assert.deepEqual(first.sections.named_dates, { created: 2, updated: 0, unchanged: 0 });
      const again = await applyWorkspace(env.db.kysely, cliActor(), YAML);
      assert.equal(again.changed, 0);
      const monthly = await env.db.kysely.selectFrom('report_schedules').selectAll().where('name', '=', '建设科月报').executeTakeFirstOrThrow();
      assert.equal(monthly.format, 'docx');
      assert.equal(monthly.level, 'yellow');
      assert.match(monthly.next_run_at!, /-01T01:00:00.000Z$/, '09:00 Beijing on the 1st');
      const out = await exportWorkspace(env.db.kysely);
      assert.match(out, /name: 建设科月报[\s\S]*department: jsk/);
      assert.match(out, /name: 建县纪念日[\s\S]*yearly: true/);
      assert.equal((await applyWorkspace(env.db.kysely, cliActor(), out)).changed, 0, 'the export applies back without change');
    });

    test('a bad cron, an unknown department or a reversed range rejects the whole file', async () => {
      const bad = `
named_dates:
  - { name: 倒序, from: 2026-11-14, to: 2026-11-10 }
report_schedules:
  - { name: 坏表达式, kind: daily, cron: "0 8 * *" }
  - { name: 无此科室, kind: weekly, cron: "0 8 * * 1", department: nope }
`;
      await assert.rejects(applyWorkspace(env.db.kysely, cliActor(), bad), (err: WorkspaceError) => {
        const where = err.issues.map((i) => i.where);
        assert.ok(where.includes('named_dates[0].to'), where.join());
        assert.ok(where.includes('report_schedules[0].cron'), where.join());
        assert.ok(where.includes('report_schedules[1].department'), where.join());
        return true;
      });
      await assert.rejects(applyWorkspace(env.db.kysely, cliActor(), 'report_schedules:\n  - { name: 专报, kind: special, cron: "0 8 * * 1" }\n'), (err: WorkspaceError) => {
        assert.deepEqual(err.issues.map((i) => i.where), ['report_schedules[0].kind']);
        return true;
      });
      const names = (await env.db.kysely.selectFrom('report_schedules').select('name').execute()).map((r) => r.name);
      assert.ok(!names.includes('无此科室'));
    });
  });
}
