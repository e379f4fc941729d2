import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { caseDetail } from '../../src/cases/ledger.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import { collectDue } from '../../src/collect/collector.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { runCli } from '../helpers/cli.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { startFakeSite, type FakeSite } from '../collect/fixtures/site.ts';
import { addSource, testContext, testFetcher } from '../collect/helpers.ts';

/**
 * Acceptance: a GBK Discuz! thread from collection to a verified reply, in the order people work:
 * the bureau's registered account answers on the forum first (shown to the minute, "发表于
 * 2024-11-5 09:00"); nobody records it in Minsheng. `minsheng collect --once --follow-up` re-reads
 * the thread, records the reply itself, moves the untriaged case to 已回复 at the time the forum
 * shows, and reads what the citizen said back afterwards.
 */
for (const tdb of testDatabases) {
  describe(`acceptance: a GBK forum thread to a verified reply [${tdb.kind}]`, () => {
    let db: Db;
    let url: string;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let site: FakeSite;
    let caseId: number;

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      url = created.url;
      drop = created.drop;
      await seedOrg(db);
      ctx = testContext(db);
      site = await startFakeSite();
      // The office registered the bureau's forum account beforehand.
      const office = await db.kysely.selectFrom('users').select('id').where('username', '=', 'office1').executeTakeFirstOrThrow();
      await db.kysely.insertInto('responder_accounts').values({ user_id: office.id, site: '127.0.0.1', username: '县住建局', created_at: nowIso() }).execute();
    });
    after(async () => {
      await site.close();
      await drop();
    });

    test('the GBK thread is collected and a case opened from it (untriaged)', async () => {
      const src = await addSource(db, { name: '某县论坛-民生热线', kind: 'html', url: `${site.url}/forum/forum.php?mod=forumdisplay&fid=2`, config: { preset: 'discuz', max_pages: 1 } });
      const [r] = await collectDue(ctx, { fetcher: testFetcher(), sourceName: src.name });
      assert.equal(r.ok, true, r.error ?? '');
      const post = await db.kysely.selectFrom('posts').select(['id', 'title']).where('source_id', '=', src.id).where('external_id', '=', '1001').executeTakeFirstOrThrow();
      assert.equal(post.title, '东门菜市场周边占道经营严重', 'GBK decoded');
      const c = await db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [post.id] }));
      caseId = c.id;
      assert.equal(c.state, 'triage');
    });

    test('collect --once --follow-up records the account\'s reply, moves the case to 已回复 and reads the thanks after it', async () => {
      site.state.extraReply = true;
      const r = await runCli(['collect', '--once', '--follow-up', '--db', url], { env: { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' } });
      site.state.extraReply = false;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /follow-up: 1 thread\(s\), 1 new reply/);
      assert.match(r.stdout, /ledger: 1 reply\(ies\) by our accounts recorded, 0 verified, 1 follow-up item\(s\) read/);
      const detail = await caseDetail(db.kysely, cliActor(), caseId);
      assert.equal(detail.state, 'replied');
      assert.equal(detail.replied_at, '2024-11-05T01:00:00.000Z', 'the time the forum shows (09:00 Beijing)');
      assert.equal(detail.responses.length, 1);
      const [resp] = detail.responses;
      assert.equal(resp.origin, 'collected');
      assert.equal(resp.status, 'posted');
      assert.match(resp.body, /会同城管部门现场查看/);
      assert.ok(resp.verified_at);
      assert.equal(resp.verification?.status, 'verified');
      const found = detail.events.find((e) => e.kind === 'replyFound');
      assert.match(found?.comment ?? '', /采集发现已登记账号“县住建局”在原帖下的回复（2024-11-05 09:00）/);
      assert.deepEqual(detail.feedback.counts, { satisfied: 1, asking: 0, escalating: 0, neutral: 0 }, "路人's post came before our reply; the thanks after it is 满意/认可");
      assert.equal(detail.feedback.items[0].excerpt, '今天去看了，已经好多了，谢谢！');
      assert.equal(detail.open_items.text, '', 'nothing open: the case may close without a reason');
    });
  });
}
