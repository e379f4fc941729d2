import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { ORG_YAML } from '../helpers/fixtures.ts';

async function snapshot(db: Db) {
  const k = db.kysely;
  return {
    departments: await k.selectFrom('departments').selectAll().orderBy('id').execute(),
    users: await k.selectFrom('users').selectAll().orderBy('id').execute(),
    audit: (await k.selectFrom('audit_log').select('id').execute()).length,
  };
}

for (const tdb of testDatabases) {
  describe(`workspace as code [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    before(async () => {
      ({ db, drop } = await tdb.create());
    });
    after(async () => drop());

    test('applying the same file twice changes nothing the second time', async () => {
      const first = await applyWorkspace(db.kysely, cliActor(), ORG_YAML);
      assert.equal(first.sections.departments.created, 3);
      assert.equal(first.sections.users.created, 6);
      const snap = await snapshot(db);
      const second = await applyWorkspace(db.kysely, cliActor(), ORG_YAML);
      assert.equal(second.changed, 0);
      assert.deepEqual(second.sections.users, { created: 0, updated: 0, unchanged: 6 });
      assert.deepEqual(await snapshot(db), snap);
    });

    test('responders listed under a department belong to it', async () => {
      const u = await db.kysely
        .selectFrom('users')
        .innerJoin('departments', 'departments.id', 'users.department_id')
        .select('departments.code')
        .where('username', '=', 'resp_js')
        .executeTakeFirstOrThrow();
      assert.equal(u.code, 'jsk');
    });

    test('export writes the same format back, and applying the export changes nothing', async () => {
      const yaml = await exportWorkspace(db.kysely);
      assert.match(yaml, /code: jsk/);
      assert.match(yaml, /responders:\n\s+- resp_js/);
      assert.doesNotMatch(yaml, /password/);
      const res = await applyWorkspace(db.kysely, cliActor(), yaml);
      assert.equal(res.changed, 0);
    });

    test('a change in the file updates only what changed, with an audit row', async () => {
      const changed = ORG_YAML.replace('name: 住房保障科', 'name: 住房保障与房地产科');
      const res = await applyWorkspace(db.kysely, cliActor(), changed);
      assert.equal(res.changed, 1);
      assert.equal(res.sections.departments.updated, 1);
      const row = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'department.update').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(row.after!).name, '住房保障与房地产科');
    });

    test('a bad file is rejected whole, every error listed with its YAML path, and nothing changes', async () => {
      const snap = await snapshot(db);
      const bad = `
version: 1
departments:
  - code: new1
    name: 新部门
    colour: red
  - code: new2
    name: 12
users:
  - { username: ghost, name: 幽灵, role: responder, department: nowhere }
  - { username: boss, name: 老板, role: emperor }
sourcez: []
`;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), bad), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const where = err.issues.map((i) => i.where).sort();
        assert.deepEqual(where, ['departments[0].colour', 'departments[1].name', 'sourcez', 'users[1].role'].sort());
        assert.ok(err.issues.every((i) => typeof i.line === 'number' && i.line > 0));
        return true;
      });
      // Cross-reference errors surface once the shapes are right.
      const badRef = `
departments:
  - { code: new1, name: 新部门 }
users:
  - { username: ghost, name: 幽灵, role: responder, department: nowhere }
  - { username: ghost, name: 幽灵2, role: leader }
  - { username: floating, name: 无部门, role: head }
`;
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), badRef), (err: unknown) => {
        assert.ok(err instanceof WorkspaceError);
        const messages = err.issues.map((i) => `${i.where}: ${i.message}`);
        assert.ok(messages.some((m) => m.startsWith('users[0].department') && m.includes('nowhere')), messages.join('\n'));
        assert.ok(messages.some((m) => m.startsWith('users[1].username') && m.includes('duplicate')), messages.join('\n'));
        assert.ok(messages.some((m) => m.startsWith('users[2].department')), messages.join('\n'));
        return true;
      });
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), 'departments: [unclosed'), WorkspaceError);
      assert.deepEqual(await snapshot(db), snap);
    });
  });
}
