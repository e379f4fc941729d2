import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { AppError } from '../../src/errors.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient, startTestServer, type TestServer } from '../helpers/server.ts';
import type { Db } from '../../src/db/connect.ts';

/** "Billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
const ALIAS_BOMB = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
  .join('\n');

for (const tdb of testDatabases) {
  describe(`workspace YAML aliases [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let server: TestServer;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      server = await startTestServer(db);
    });
    after(async () => {
      await server.close();
      await drop();
    });

    test('an alias bomb is a quick 400 with a Chinese message, never a 500', async () => {
      const c = new ApiClient(server.url);
      assert.equal((await c.login('admin1', PASSWORD)).status, 200);
      const started = Date.now();
      const res = await c.post('/api/workspace/apply', { yaml: ALIAS_BOMB });
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'workspace_invalid');
      assert.match(res.body.error.message, /YAML 别名.*展开次数过多.*未做任何修改/);
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), ALIAS_BOMB), (e: unknown) => e instanceof AppError && e.status === 400 && /alias/i.test(e.message));
    });

    test('a few aliases (a shared value reused) still apply', async () => {
      const yaml = `departments:
  - { code: ajk, name: 安监科, phone: &phone "0571-81230009" }
  - { code: ajk2, name: 安监二科, phone: *phone }
`;
      const r = await applyWorkspace(db.kysely, cliActor(), yaml);
      assert.equal(r.sections.departments.created, 2);
    });
  });
}
