import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliActor } from '../../src/auth/actor.ts';
import { collectSource } from '../../src/collect/collector.ts';
import { importFile } from '../../src/collect/importer/import.ts';
import { ingestBatch } from '../../src/collect/ingest.ts';
import { hashToken } from '../../src/collect/manage.ts';
import { createManualPost } from '../../src/collect/posts.ts';
import type { SourceRow } from '../../src/collect/types.ts';
import type { AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { ingestPosts, newPostSteps } from '../../src/pipeline/index.ts';
import { StoreError, type NewPostsStep } from '../../src/pipeline/stages.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';
import { startFakeSite, type FakeSite } from '../collect/fixtures/site.ts';
import { addSource, testContext, testFetcher } from '../collect/helpers.ts';

/** Every entrance (feed run, push, file import, manual entry) stores through `ingestPosts` and hands its new posts on once. */
for (const tdb of testDatabases) {
  describe(`one ingest for every entrance [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let ctx: AppContext;
    let site: FakeSite;
    const fetcher = testFetcher();
    /** What reached the new-post steps, in order, with what the database held for each batch at that moment. */
    let batches: number[][];
    const spy: NewPostsStep = { name: 'test.spy', run: async (_ctx, ids) => void batches.push([...ids]) };
    const allIds = async (sourceId: number) => (await db.kysely.selectFrom('posts').select('id').where('source_id', '=', sourceId).orderBy('id').execute()).map((r) => r.id);

    before(async () => {
      ({ db, drop } = await tdb.create());
      await seedOrg(db);
      ctx = testContext(db);
      site = await startFakeSite();
      newPostSteps.push(spy);
    });
    afterEach(() => void (batches = []));
    after(async () => {
      newPostSteps.splice(newPostSteps.indexOf(spy), 1);
      await fetcher.close();
      await site.close();
      await drop();
    });
    batches = [];

    test('a feed run', async () => {
      const source = await addSource(db, { name: 'feed', kind: 'feed', url: `${site.url}/atom10.xml` });
      const r = await collectSource(ctx, fetcher, source);
      assert.ok(r.ok && r.created > 0, r.error ?? '');
      assert.deepEqual(batches, [await allIds(source.id)]);
      await collectSource(ctx, fetcher, source);
      assert.deepEqual(batches, [await allIds(source.id)], 'known posts are not handed on again');
    });

    test('a push', async () => {
      const source = await addSource(db, { name: 'push', kind: 'push' });
      await db.kysely.updateTable('sources').set({ push_token_hash: hashToken('tok-1') }).where('id', '=', source.id).execute();
      const body = { posts: [{ id: 'p1', title: '城西停水', text: '城西自来水厂停水三天' }, { id: 'p2', title: '道路积水', text: '小区门口道路积水严重' }] };
      const r = await ingestBatch(ctx, 'tok-1', body);
      assert.equal(r.created, 2);
      assert.deepEqual(batches, [await allIds(source.id)]);
    });

    test('a file import, chunk by chunk', async () => {
      const source = await addSource(db, { name: 'import', kind: 'import' });
      const csv = `title,text\n${Array.from({ length: 3 }, (_, i) => `投诉${i},市民反映第${i}件事`).join('\n')}\n`;
      const r = await importFile(ctx, cliActor(), source, 'hotline.csv', Buffer.from(csv), {});
      assert.equal(r.created, 3);
      assert.deepEqual(batches, [await allIds(source.id)]);
    });

    test('a post entered by hand', async () => {
      const r = await createManualPost(ctx, cliActor(), { title: '桥面裂缝', text: '城南大桥桥面出现裂缝' });
      assert.equal(r.created, true);
      assert.deepEqual(batches, [[r.id]]);
      const again = await createManualPost(ctx, cliActor(), { title: '桥面裂缝', text: '城南大桥桥面出现裂缝' });
      assert.deepEqual([again.id, again.created, batches.length], [r.id, false, 1]);
    });

    test('ingestPosts: stored, then onStored, then the steps; a failure to store is a StoreError and hands nothing on', async () => {
      const source = await addSource(db, { name: 'direct', kind: 'manual' });
      const order: string[] = [];
      const item = { externalId: 'd1', url: null, title: '直接', text: '直接存入的帖子', contentHtml: null, author: null, publishedAt: null, metrics: {} };
      const stepsBefore = newPostSteps.length;
      newPostSteps.push({ name: 'test.order', run: async () => void order.push('steps') });
      try {
        const stored = await ingestPosts(ctx, source, [item], { onStored: async (s) => void order.push(`stored ${s.created.length}`) });
        assert.equal(stored.created.length, 1);
        assert.deepEqual(order, ['stored 1', 'steps']);
        const gone: SourceRow = { ...source, id: 987654 };
        await assert.rejects(ingestPosts(ctx, gone, [{ ...item, externalId: 'd2' }], { onStored: async () => void order.push('stored') }), StoreError);
        assert.deepEqual(order, ['stored 1', 'steps']);
      } finally {
        newPostSteps.splice(stepsBefore);
      }
    });
  });
}

test('only the pipeline stores posts: every entrance calls ingestPosts, none calls storeItems', () => {
  const src = fileURLToPath(new URL('../../src', import.meta.url));
  const callers: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && /\bstoreItems\(/.test(readFileSync(p, 'utf8'))) callers.push(relative(src, p));
    }
  };
  walk(src);
  assert.deepEqual(callers.sort(), ['collect/store.ts', 'pipeline/index.ts']);
});
