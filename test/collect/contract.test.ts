import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import { collectDue } from '../../src/collect/collector.ts';
import { importFile } from '../../src/collect/importer/import.ts';
import { ingestBatch } from '../../src/collect/ingest.ts';
import { hashToken, validateSource } from '../../src/collect/manage.ts';
import { createManualPost } from '../../src/collect/posts.ts';
import { sourceKinds } from '../../src/collect/sources/index.ts';
import type { SourceRow } from '../../src/collect/types.ts';
import type { SourceKindName } from '../../src/collect/vocabulary.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { ValidationError } from '../../src/errors.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { startFakeSite, type FakeSite } from './fixtures/site.ts';
import { addSource, spyPipeline, testContext, testFetcher } from './helpers.ts';

/**
 * One contract, every source kind (as Hono runs one suite over every router): a kind accepts
 * its valid config and rejects a bad one with the path; posts delivered twice are stored once,
 * sanitised, and each new one reaches the pipeline; bad input is a readable error and loses
 * nothing already stored.
 */
interface Harness {
  kind: SourceKindName;
  config: Record<string, unknown>;
  badConfig: { config: Record<string, unknown>; path: RegExp };
  url?: (site: FakeSite) => string;
  deliver(ctx: AppContext, source: SourceRow, site: FakeSite): Promise<void>;
  /** Delivers bad input; resolves to the error message. */
  deliverBad(ctx: AppContext, source: SourceRow, site: FakeSite): Promise<string>;
}

const fetcher = testFetcher();

async function pulled(ctx: AppContext, source: SourceRow) {
  const [r] = await collectDue(ctx, { fetcher, sourceName: source.name });
  if (!r.ok) throw new Error(r.error ?? 'failed');
}
async function pulledBad(ctx: AppContext, source: SourceRow, url: string) {
  await ctx.db.kysely.updateTable('sources').set({ url }).where('id', '=', source.id).execute();
  const [r] = await collectDue(ctx, { fetcher, sourceName: source.name });
  assert.equal(r.ok, false);
  return r.error!;
}
async function message(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return `${(err as Error).message} ${(err as ValidationError).userMessage ?? ''}`;
  }
  throw new Error('expected an error');
}

const CSV = '留言编号,留言用户,留言主题,留言时间,留言详情,点赞数,反对数\n9001,U1,小区停车难,2024/11/1 9:00:00,"车位不足，<script>x</script>晚上停不下",3,0\n9002,U2,道路破损,2024/11/2 10:00:00,坑洼多,1,1\n';

const harnesses: Harness[] = [
  {
    kind: 'feed',
    config: { charset: 'gbk' },
    badConfig: { config: { charset: 'klingon-8' }, path: /config\.charset/ },
    url: (s) => `${s.url}/rss092.xml`,
    deliver: (ctx, s) => pulled(ctx, s),
    deliverBad: (ctx, s, site) => pulledBad(ctx, s, `${site.url}/malformed.xml`),
  },
  {
    kind: 'html',
    config: { preset: 'discuz' },
    badConfig: { config: { list: { item: 'li' } }, path: /config\.list/ },
    url: (s) => `${s.url}/forum/forum.php?mod=forumdisplay&fid=2`,
    deliver: (ctx, s) => pulled(ctx, s),
    deliverBad: (ctx, s, site) => pulledBad(ctx, s, `${site.url}/nomatch.html`),
  },
  {
    kind: 'json',
    config: { items: 'data.list', fields: { id: 'tid', title: 'subject', text: 'content' }, ok_path: 'code', ok_value: 0 },
    badConfig: { config: { items: 'data.list', fields: { id: 'tid' } }, path: /config\.fields/ },
    url: (s) => `${s.url}/api/list.json`,
    deliver: (ctx, s) => pulled(ctx, s),
    deliverBad: (ctx, s, site) => pulledBad(ctx, s, `${site.url}/api/error.json`),
  },
  {
    kind: 'push',
    config: {},
    badConfig: { config: { url: 'x' }, path: /config/ },
    async deliver(ctx, s) {
      const token = 'contract-token-0123456789abcdef';
      await ctx.db.kysely.updateTable('sources').set({ push_token_hash: hashToken(token) }).where('id', '=', s.id).execute();
      const r = await ingestBatch(ctx, token, {
        posts: [
          { id: 'p1', title: '推送一', html: '<p onclick="x()">内容<script>bad()</script></p>', published_at: '2024-11-05 10:00' },
          { id: 'p2', title: '推送二', text: '正文', metrics: { views: 3 } },
        ],
      });
      assert.equal(r.errors.length, 0);
    },
    async deliverBad(ctx) {
      const r = await ingestBatch(ctx, 'contract-token-0123456789abcdef', { posts: [{ id: 'p3', title: '坏时间', published_at: '去年某天' }, { id: 'p1', title: '推送一' }] });
      assert.equal(r.errors.length, 1);
      const bad = await message(ingestBatch(ctx, 'wrong-token', { posts: [{ title: 'x' }] }));
      return `${r.errors[0].message}; ${bad}`;
    },
  },
  {
    kind: 'import',
    config: { map: { 诉求: 'text' } },
    badConfig: { config: { map: { 诉求: 'nonsense' } }, path: /config\.map/ },
    async deliver(ctx, s) {
      const r = await importFile(ctx, cliActor(), s, 'export.csv', Buffer.from(CSV));
      assert.equal(r.errors.length, 0, JSON.stringify(r.errors));
    },
    async deliverBad(ctx, s) {
      return message(importFile(ctx, cliActor(), s, 'export.xlsx', Buffer.from('this is not an xlsx')));
    },
  },
  {
    kind: 'manual',
    config: {},
    badConfig: { config: { preset: 'discuz' }, path: /config/ },
    async deliver(ctx, s) {
      await createManualPost(ctx, cliActor(), { source_id: s.id, title: '电话反映：路灯不亮', text: '<b>幸福路</b>路灯<script>x</script>坏了', url: 'http://phone.example/1' });
      await createManualPost(ctx, cliActor(), { source_id: s.id, title: '来信：噪音', text: '夜间施工' });
    },
    async deliverBad(ctx, s) {
      return message(createManualPost(ctx, cliActor(), { source_id: s.id, title: ' ', text: '' }));
    },
  },
];

test('every registered source kind has a contract harness', () => {
  assert.deepEqual(Object.keys(sourceKinds).sort(), harnesses.map((h) => h.kind).sort());
});

for (const tdb of testDatabases) {
  describe(`source kind contract [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let site: FakeSite;
    let spy: ReturnType<typeof spyPipeline>;
    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      ctx = testContext(db);
      site = await startFakeSite();
      spy = spyPipeline();
    });
    after(async () => {
      spy.restore();
      await site.close();
      await drop();
    });

    for (const h of harnesses) {
      describe(h.kind, () => {
        let source: SourceRow;
        before(async () => {
          source = await addSource(db, { name: `contract-${h.kind}`, kind: h.kind, url: h.url?.(site) ?? null, config: h.config });
        });

        test('valid config is accepted; a bad one is refused naming the field', () => {
          validateSource(h.kind, h.url?.(site), h.config);
          assert.throws(() => validateSource(h.kind, h.url?.(site), h.badConfig.config), (e: unknown) => e instanceof ValidationError && h.badConfig.path.test(e.message));
          if (sourceKinds[h.kind].needsUrl) assert.throws(() => validateSource(h.kind, 'ftp://x', h.config), /bad url/);
        });

        test('delivered twice, stored once, sanitised, and every new post reaches the pipeline', async () => {
          const seenBefore = spy.seen.length;
          await h.deliver(ctx, source, site);
          const first = await db.kysely.selectFrom('posts').selectAll().where('source_id', '=', source.id).execute();
          assert.ok(first.length >= 2, `${first.length} posts`);
          assert.deepEqual(spy.seen.slice(seenBefore).sort(), first.map((p) => p.id).sort());
          await h.deliver(ctx, source, site);
          const second = await db.kysely.selectFrom('posts').selectAll().where('source_id', '=', source.id).execute();
          assert.equal(second.length, first.length);
          assert.equal(spy.seen.length - seenBefore, first.length, 'no post goes to the pipeline twice');
          for (const p of second) {
            assert.ok(p.title || p.text);
            assert.doesNotMatch(`${p.content_html ?? ''} ${p.text}`, /<script|onclick=|javascript:/i);
            assert.ok(p.fetched_at);
          }
        });

        test('bad input is a readable error and loses nothing already stored', async () => {
          const stored = () => db.kysely.selectFrom('posts').select(['id', 'external_id', 'title', 'text', 'content_html']).where('source_id', '=', source.id).orderBy('id').execute();
          const before = await stored();
          assert.ok(before.length >= 2, 'the posts delivered above are there to lose');
          const seenBefore = spy.seen.length;
          const msg = await h.deliverBad(ctx, source, site);
          assert.ok(msg.length > 10 && !/undefined|\[object/.test(msg), msg);
          assert.deepEqual(await stored(), before, 'the stored posts are all there, unchanged, and nothing half-read was added');
          assert.equal(spy.seen.length, seenBefore, 'nothing reached the pipeline');
        });
      });
    }
  });
}
after(async () => fetcher.close());
