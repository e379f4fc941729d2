import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collectDue } from '../../src/collect/collector.ts';
import { followUpThreads } from '../../src/collect/followup.ts';
import { PAUSE_AFTER_FAILURES } from '../../src/collect/health.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import type { SourceKindName } from '../../src/collect/vocabulary.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';
import { addSource, spyPipeline, testContext, testFetcher } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`collection runs [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let site: FakeSite;
    let spy: ReturnType<typeof spyPipeline>;
    const fetcher = testFetcher();
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      ctx = testContext(db);
      site = await startFakeSite();
      spy = spyPipeline();
    });
    after(async () => {
      spy.restore();
      await fetcher.close();
      await site.close();
      await drop();
    });

    const posts = (sourceId: number) => db.kysely.selectFrom('posts').selectAll().where('source_id', '=', sourceId).orderBy('id').execute();

    test('feeds in every format and charset are collected once; a second run stores nothing new', async () => {
      const files = ['rss092.xml', 'rss2-gbk.xml', 'rdf-gb18030.xml', 'atom03-big5.xml', 'atom10.xml', 'feed.json', 'undeclared-gbk.xml', 'undeclared-big5.xml', 'lying-gb2312.xml', 'lying-utf8.xml'];
      const sources = [];
      for (const f of files) sources.push(await addSource(db, { name: `feed-${f}`, kind: 'feed', url: `${site.url}/${f}` }));
      const results = await collectDue(ctx, { fetcher });
      assert.equal(results.length, files.length);
      for (const r of results) assert.equal(r.ok, true, `${r.source}: ${r.error}`);
      const titles = (await db.kysely.selectFrom('posts').select('title').execute()).map((p) => p.title);
      for (const expected of ['幸福路改造工程进展缓慢 市民盼早日完工', '小区门口道路积水严重', '垃圾分类驿站异味扰民', '違章建築拆除引發爭議', '关于供暖时间调整的通知', '某小区交房延期', '拆迁补偿标准不透明，村民要求公开', '商品房质量问题投诉增多']) {
        assert.ok(titles.includes(expected), `missing ${expected} in ${titles.join(' | ')}`);
      }
      const count = titles.length;
      assert.deepEqual([...spy.seen].sort(), (await db.kysely.selectFrom('posts').select('id').execute()).map((p) => p.id).sort(), 'every new post went to the pipeline');
      // Everything is due again only after its interval; force it by clearing next_check_at.
      await db.kysely.updateTable('sources').set({ next_check_at: null }).execute();
      const again = await collectDue(ctx, { fetcher });
      assert.equal(again.reduce((n, r) => n + r.created, 0), 0);
      assert.equal((await db.kysely.selectFrom('posts').select('id').execute()).length, count);
      const stored = (await posts(sources[1].id))[0];
      assert.doesNotMatch(stored.content_html ?? '', /onclick|javascript:|onerror/);
    });

    test('sources are due by next_check_at; a fresh success schedules the next check around the interval', async () => {
      const s = await db.kysely.selectFrom('sources').selectAll().where('name', '=', 'feed-rss092.xml').executeTakeFirstOrThrow();
      const next = Date.parse(s.next_check_at!) - Date.parse(s.last_success_at!);
      assert.ok(next >= 270_000 && next <= 330_000, `next check in ${next} ms`);
      assert.equal((await collectDue(ctx, { fetcher })).length, 0, 'nothing is due');
    });

    test('two workers collecting at once take each due source once', async () => {
      const a = await addSource(db, { name: 'race-a', kind: 'feed', url: `${site.url}/atom10.xml` });
      const b = await addSource(db, { name: 'race-b', kind: 'feed', url: `${site.url}/feed.json` });
      const [r1, r2] = await Promise.all([collectDue(ctx, { fetcher }), collectDue(ctx, { fetcher })]);
      const names = [...r1, ...r2].map((r) => r.source).sort();
      assert.deepEqual(names, ['race-a', 'race-b']);
      for (const s of [a, b]) assert.equal((await posts(s.id)).length, 1);
    });

    test('the periodic task collects what is due', async () => {
      const { periodicTasks } = await import('../../src/jobs/tasks.ts');
      const task = periodicTasks.find((t) => t.name === 'collect.due');
      assert.ok(task, 'collect.due is registered');
      assert.ok(periodicTasks.some((t) => t.name === 'collect.followup'));
      const s = await addSource(db, { name: 'via-task', kind: 'feed', url: `${site.url}/rdf-gb18030.xml` });
      await task.run(ctx);
      assert.equal((await posts(s.id)).length, 1);
    });

    test('the Discuz! preset collects threads over two list pages in GBK, with replies; metrics keep their history', async () => {
      const src = await addSource(db, { name: '某县论坛-民生热线', kind: 'html', url: `${site.url}/forum/forum.php?mod=forumdisplay&fid=2`, config: { preset: 'discuz', max_pages: 2 } });
      const [r] = await collectDue(ctx, { fetcher, sourceName: src.name });
      assert.equal(r.ok, true, r.error ?? '');
      const rows = await posts(src.id);
      assert.deepEqual(rows.map((p) => p.external_id), ['1001', '1002', '1003']);
      const thread = rows[0];
      assert.match(thread.text, /占道经营/);
      assert.doesNotMatch(thread.content_html ?? '', /script/);
      assert.equal(thread.author, '老街坊');
      const replies = await db.kysely.selectFrom('post_replies').selectAll().where('post_id', '=', thread.id).orderBy('id').execute();
      assert.deepEqual(replies.map((x) => x.author), ['路人', '县住建局']);
      // The thread page's exact time wins over the list's date alone (which stamped every thread 00:00).
      assert.deepEqual(
        rows.map((p) => [p.external_id, p.published_at, p.published_precision]),
        [
          ['1001', '2024-11-04T06:05:00.000Z', 'minute'],
          ['1002', '2024-11-01T12:15:00.000Z', 'minute'],
          ['1003', '2024-10-29T23:40:00.000Z', 'minute'],
        ],
      );
      // The forum list now shows more replies: the thread page is fetched again and history grows.
      site.state.extraReply = true;
      await db.kysely.updateTable('posts').set({ replies_count: 1 }).where('id', '=', thread.id).execute();
      await collectDue(ctx, { fetcher, sourceName: src.name });
      const history = await db.kysely.selectFrom('post_metrics').selectAll().where('post_id', '=', thread.id).orderBy('id').execute();
      assert.ok(history.length >= 2, 'a metrics row per change');
      assert.equal((await db.kysely.selectFrom('post_replies').select('id').where('post_id', '=', thread.id).execute()).length, 3);
      site.state.extraReply = false;
    });

    test('the board preset stores the message and the official reply', async () => {
      const src = await addSource(db, { name: '局长信箱', kind: 'html', url: `${site.url}/board/list`, config: { preset: 'board' } });
      const [r] = await collectDue(ctx, { fetcher, sourceName: src.name });
      assert.equal(r.ok, true, r.error ?? '');
      const rows = await posts(src.id);
      assert.equal(rows.length, 2);
      const reply = await db.kysely.selectFrom('post_replies').selectAll().where('post_id', '=', rows[0].id).executeTakeFirstOrThrow();
      assert.equal(reply.author, '县住房和城乡建设局');
    });

    test('a JSON API with field mapping; its own error code is a readable source error', async () => {
      const mapping = { items: 'data.list', fields: { id: 'tid', title: 'subject', text: 'content', author: 'user.nick', published_at: 'ctime', url: 'link', views: 'stat.view' }, ok_path: 'code', ok_value: 0 };
      const ok = await addSource(db, { name: 'api-ok', kind: 'json', url: `${site.url}/api/list.json`, config: mapping });
      const bad = await addSource(db, { name: 'api-error', kind: 'json', url: `${site.url}/api/error.json`, config: mapping });
      const results = await collectDue(ctx, { fetcher });
      const byName = new Map(results.map((r) => [r.source, r]));
      assert.equal(byName.get('api-ok')!.created, 2);
      assert.match(byName.get('api-error')!.error!, /接口返回错误（代码 40301：签名错误）/);
      const health = await db.kysely.selectFrom('sources').selectAll().where('id', '=', bad.id).executeTakeFirstOrThrow();
      assert.equal(health.error_streak, 1);
      assert.match(health.last_error!, /签名错误/);
      assert.equal((await posts(ok.id))[0].views, 120);
    });

    test('bad sources fail with a reason naming the cause while the others go on', async () => {
      const cases: [string, string, SourceKindName | undefined, RegExp][] = [
        ['malformed', '/malformed.xml', undefined, /订阅内容格式有误|不是 RSS\/Atom\/JSON Feed 订阅/],
        ['not-feed', '/not-a-feed.html', undefined, /不是 RSS\/Atom\/JSON Feed 订阅/],
        ['nomatch', '/nomatch.html', 'html', /列表选择器“.*”在页面上没有匹配到内容/],
        ['robots', '/private/feed.xml', undefined, /robots\.txt 不允许抓取/],
        ['limited', '/limited.xml', undefined, /访问过于频繁（HTTP 429）/],
        ['gone', '/gone.xml', undefined, /找不到该页面（HTTP 404）/],
      ];
      for (const [name, path, kind] of cases) await addSource(db, { name, kind: kind ?? 'feed', url: `${site.url}${path}`, config: kind === 'html' ? { preset: 'board' } : {} });
      const good = await addSource(db, { name: 'good-after-bad', kind: 'feed', url: `${site.url}/atom10.xml` });
      await db.kysely.updateTable('posts').set({ title: '已存' }).where('source_id', '=', good.id).execute();
      const results = await collectDue(ctx, { fetcher });
      const byName = new Map(results.map((r) => [r.source, r]));
      for (const [name, , , reason] of cases) assert.match(byName.get(name)!.error ?? '', reason, name);
      assert.equal(byName.get('good-after-bad')!.ok, true);
      const limited = await db.kysely.selectFrom('sources').selectAll().where('name', '=', 'limited').executeTakeFirstOrThrow();
      assert.ok(Date.parse(limited.next_check_at!) - Date.now() >= 110_000, 'Retry-After is respected');
    });

    test('after repeated failures a source pauses itself and the office is told once', async () => {
      const now = nowIso();
      await db.kysely.insertInto('channels').values({ name: 'office-webhook', kind: 'webhook', config: '{}', department_id: null, min_level: 'blue', quiet_hours: null, enabled: 1, failure_streak: 0, disabled_reason: null, created_at: now, updated_at: now }).execute();
      const src = await addSource(db, { name: 'flaky', kind: 'feed', url: `${site.url}/flaky.xml` });
      site.state.failing = true;
      for (let i = 0; i < PAUSE_AFTER_FAILURES + 1; i++) {
        await db.kysely.updateTable('sources').set({ next_check_at: null }).where('id', '=', src.id).execute();
        await collectDue(ctx, { fetcher });
      }
      site.state.failing = false;
      const row = await db.kysely.selectFrom('sources').selectAll().where('id', '=', src.id).executeTakeFirstOrThrow();
      assert.equal(row.paused, 1);
      assert.equal(row.error_streak, PAUSE_AFTER_FAILURES);
      assert.match(row.paused_reason!, /HTTP 500/);
      // The health notice (told once it failed twice) and the pause notice: one each.
      const health = await db.kysely.selectFrom('alerts').selectAll().where('idempotency_key', 'like', `source.health:${src.id}:%`).execute();
      assert.equal(health.length, 1);
      assert.match(health[0].title, /flaky.*采集出错/);
      const alerts = await db.kysely.selectFrom('alerts').selectAll().where('kind', '=', 'source.failing').where('idempotency_key', 'like', 'source.failing:%').execute();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0].level, 'yellow');
      assert.match(alerts[0].title, /flaky.*自动暂停/);
      assert.equal(alerts[0].idempotency_key.startsWith(`source.failing:${src.id}:${row.error_since}`), true);
      await assert.rejects(collectDue(ctx, { fetcher, sourceName: 'flaky' }), /paused/);
    });

    test('near-duplicates across sources are linked, not dropped', async () => {
      const a = await addSource(db, { name: 'dup-a', kind: 'push' });
      const b = await addSource(db, { name: 'dup-b', kind: 'push' });
      const { storeItems } = await import('../../src/collect/store.ts');
      const text = '城东新区幸福家园小区原定十月交房，至今仍未交付，业主多次询问开发商均无答复，请住建局督促处理。';
      const base = { externalId: null, url: null, contentHtml: null, author: null, publishedAt: nowIso(), metrics: {} };
      const first = await storeItems(db.kysely, a, [{ ...base, externalId: 'a1', title: '幸福家园延期交房', text }]);
      const second = await storeItems(db.kysely, b, [{ ...base, externalId: 'b1', title: '幸福家园延期交房！', text: text.replace('多次', '多次多次') }]);
      const other = await storeItems(db.kysely, b, [{ ...base, externalId: 'b2', title: '夜间施工噪音', text: '工地每天施工到凌晨两点，严重影响周边居民休息，请环保部门查处。' }]);
      const rows = await db.kysely.selectFrom('posts').select(['id', 'near_duplicate_of']).where('id', 'in', [...first.created, ...second.created, ...other.created]).orderBy('id').execute();
      assert.equal(rows.length, 3);
      assert.equal(rows[0].near_duplicate_of, null);
      assert.equal(rows[1].near_duplicate_of, rows[0].id);
      assert.equal(rows[2].near_duplicate_of, null);
    });

    test('follow-up re-fetches threads of open cases and recognises our registered accounts', async () => {
      const src = await db.kysely.selectFrom('sources').selectAll().where('name', '=', '某县论坛-民生热线').executeTakeFirstOrThrow();
      const post = await db.kysely.selectFrom('posts').selectAll().where('source_id', '=', src.id).where('external_id', '=', '1001').executeTakeFirstOrThrow();
      await db.kysely.deleteFrom('post_replies').where('post_id', '=', post.id).execute();
      const office = await db.kysely.selectFrom('users').select('id').where('username', '=', 'office1').executeTakeFirstOrThrow();
      const acct = await db.kysely.insertInto('responder_accounts').values({ user_id: office.id, site: '127.0.0.1', username: '县住建局', created_at: nowIso() }).returning('id').executeTakeFirstOrThrow();
      const now = nowIso();
      const kase = await db.kysely.insertInto('cases').values({ number: 'T-1', year: 2024, seq: 9001, title: '占道经营', state: 'replied', level: 'blue', opened_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
      await db.kysely.insertInto('case_posts').values({ case_id: kase.id, post_id: post.id }).execute();
      site.state.extraReply = true;
      const r = await followUpThreads(ctx, { fetcher });
      site.state.extraReply = false;
      assert.equal(r.errors.length, 0, JSON.stringify(r.errors));
      assert.equal(r.repliesAdded, 3);
      assert.equal(r.oursAdded, 1);
      const ours = await db.kysely.selectFrom('post_replies').selectAll().where('post_id', '=', post.id).where('responder_account_id', '=', acct.id).execute();
      assert.equal(ours.length, 1);
      assert.match(ours[0].text, /会同城管部门/);
      // A closed case is no longer followed.
      await db.kysely.updateTable('cases').set({ state: 'closed' }).where('id', '=', kase.id).execute();
      assert.equal((await followUpThreads(ctx, { fetcher })).threads, 0);
    });
  });
}
