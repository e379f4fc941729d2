import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import { verifyResponses } from '../../src/cases/verify.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { createLogger } from '../../src/log.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { insertChannel, insertPost, insertSource } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`reply verification [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let depts: Record<string, number>;
    let postId: number;
    let caseId: number;
    let responseId: number;
    const accounts: Record<string, number> = {};
    const postedAt = '2026-11-24T03:00:00.000Z';

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      depts = await seedOrg(db);
      ctx = createContext(db, loadConfig({}), createLogger('silent'));
      await insertChannel(db, '建设科群', depts.jsk);
      const sourceId = await insertSource(db);
      postId = await insertPost(db, sourceId, { departmentId: depts.jsk });
      const c = await db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [postId], lead_department_id: depts.jsk }, { foundAt: '2026-11-24T02:00:00Z' }));
      caseId = c.id;
      await db.kysely.updateTable('cases').set({ state: 'replied' }).where('id', '=', caseId).execute();
      const users = Object.fromEntries((await db.kysely.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id]));
      for (const [u, name] of [['resp_js', '建设科小李'], ['resp_zf', '住房科小张']] as const) {
        accounts[u] = (await db.kysely.insertInto('responder_accounts').values({ user_id: users[u], site: '127.0.0.1', username: name, created_at: postedAt }).returning('id').executeTakeFirstOrThrow()).id;
      }
      responseId = (
        await db.kysely
          .insertInto('responses')
          .values({ case_id: caseId, kind: 'reply', body: '……', department_id: depts.jsk, status: 'posted', url: 'http://127.0.0.1/thread/1', drafted_at: postedAt, posted_at: postedAt, attachments: '[]', updated_at: postedAt })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(async () => drop());

    async function reply(externalId: string, author: string, at: string, account: number | null) {
      await db.kysely.insertInto('post_replies').values({ post_id: postId, external_id: externalId, author, text: '回复', published_at: at, fetched_at: at, responder_account_id: account }).execute();
    }

    test('replies before posting, or by another department\'s account, do not verify', async () => {
      await reply('old', '建设科小李', '2026-11-24T02:30:00.000Z', accounts.resp_js);
      await reply('zf', '住房科小张', '2026-11-24T03:10:00.000Z', accounts.resp_zf);
      const r = await verifyResponses(ctx, caseId, new Date('2026-11-24T04:00:00Z'));
      assert.equal(r.checked, 1);
      assert.deepEqual(r.verified, []);
      assert.deepEqual(r.warned, [], 'not yet past the allowed time');
    });

    test('a reply still missing after the allowed hours raises one warning through the department channel', async () => {
      const r = await verifyResponses(ctx, undefined, new Date('2026-11-24T09:01:00Z'));
      assert.deepEqual(r.warned, [responseId]);
      const again = await verifyResponses(ctx, undefined, new Date('2026-11-24T10:00:00Z'));
      assert.deepEqual(again.warned, [], 'warned once');
      const alerts = await db.kysely.selectFrom('alerts').select(['kind', 'title']).where('case_id', '=', caseId).execute();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0].kind, 'case.unverified');
      assert.match(alerts[0].title, /回复未见/);
    });

    test('the reply appearing later still verifies the response', async () => {
      await reply('ok', '建设科小李', '2026-11-24T11:00:00.000Z', accounts.resp_js);
      const r = await verifyResponses(ctx, caseId, new Date('2026-11-24T11:05:00Z'));
      assert.deepEqual(r.verified, [responseId]);
      const row = await db.kysely.selectFrom('responses').select(['verified_at', 'verification']).where('id', '=', responseId).executeTakeFirstOrThrow();
      assert.equal(row.verified_at, '2026-11-24T11:05:00.000Z');
      assert.equal(JSON.parse(row.verification!).account, '建设科小李');
      assert.equal((await verifyResponses(ctx, caseId)).checked, 0, 'verified responses are not checked again');
    });
  });
}
