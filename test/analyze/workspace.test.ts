import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const FILE = `
watch_rules:
  - name: 夜间施工
    expression: '(施工 OR 打桩) NEAR/10 (噪音 OR 扰民)'
    department: jsk
    min_level: yellow
  - name: 住房保障
    expression: 公租房 OR 廉租房 OR 保障房
    department: zfk
  - name: 停用的规则
    expression: 测试
    enabled: false
watch_periods:
  - name: 幸福花园开盘
    keywords: [幸福花园, 开盘]
    starts: 2026-05-01
    ends: 2026-05-03
    boost: 1.5
  - name: 两会
    starts: "2026-03-04"
    ends: "2026-03-11"
`;

for (const tdb of testDatabases) {
  describe(`workspace sections watch_rules and watch_periods [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
    });
    after(async () => drop());

    test('apply creates the rules and periods; applying again changes nothing; export round-trips', async () => {
      const first = await applyWorkspace(db.kysely, cliActor(), FILE);
      assert.deepEqual(first.sections.watch_rules, { created: 3, updated: 0, unchanged: 0 });
      assert.deepEqual(first.sections.watch_periods, { created: 2, updated: 0, unchanged: 0 });
      const rule = await db.kysely.selectFrom('watch_rules').selectAll().where('name', '=', '夜间施工').executeTakeFirstOrThrow();
      assert.equal(rule.min_level, 'yellow');
      const period = await db.kysely.selectFrom('watch_periods').selectAll().where('name', '=', '幸福花园开盘').executeTakeFirstOrThrow();
      assert.equal(period.starts_at, '2026-04-30T16:00:00.000Z');
      assert.equal(Number(period.boost), 1.5);
      const again = await applyWorkspace(db.kysely, cliActor(), FILE);
      assert.equal(again.changed, 0);
      const yaml = await exportWorkspace(db.kysely);
      assert.match(yaml, /name: 夜间施工/);
      assert.match(yaml, /starts: 2026-05-01/);
      assert.match(yaml, /enabled: false/);
      assert.equal((await applyWorkspace(db.kysely, cliActor(), yaml)).changed, 0);
    });

    test('a change updates only that rule, with an audit row', async () => {
      const res = await applyWorkspace(db.kysely, cliActor(), FILE.replace('min_level: yellow', 'min_level: orange'));
      assert.deepEqual(res.sections.watch_rules, { created: 0, updated: 1, unchanged: 2 });
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'watch_rule.update').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(audit.after!).min_level, 'orange');
    });

    test('a bad expression, department or date is an error at its YAML path and line, and nothing changes', async () => {
      const bad = `
watch_rules:
  - name: 坏括号
    expression: '(物业 OR 业委会'
  - name: 坏部门
    expression: 物业
    department: nowhere
watch_periods:
  - name: 坏日期
    starts: 2026-02-30
    ends: 2026-03-01
`;
      const before = (await db.kysely.selectFrom('watch_rules').select('id').execute()).length;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const where = err.issues.map((i) => `${i.where}:${i.line}`);
        assert.deepEqual(where, ['watch_rules[0].expression:4', 'watch_rules[1].department:7', 'watch_periods[0].starts:10']);
        assert.match(err.issues[0].message, /character 11: missing "\)".*第 11 个字符处缺少右括号/);
        return true;
      });
      assert.equal((await db.kysely.selectFrom('watch_rules').select('id').execute()).length, before);
    });
  });
}
