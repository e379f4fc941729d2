import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Migrator, type Kysely, type Migration } from 'kysely';
import { markRead, unreadInapp } from '../../src/alert/alerts.ts';
import type { Actor } from '../../src/auth/actor.ts';
import type { Role } from '../../src/auth/roles.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { freshDatabaseUrl, testDatabases } from '../helpers/db.ts';

/**
 * Issue 18: alerts delivered in-app before the recipients of migration 016 get their recipient
 * rows from migration 022, so they count as unread for the people they were for, once per
 * matter, and can be marked read.
 */
for (const tdb of testDatabases) {
  describe(`in-app alerts from before the upgrade [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      const fresh = await freshDatabaseUrl(tdb.kind);
      db = await openDatabase(fresh.url);
      drop = async () => {
        await db.close().catch(() => undefined);
        await fresh.drop();
      };
    });
    afterEach(() => drop());

    test('022 gives each old in-app alert the people it was for, once per matter; read ones stay read', async () => {
      const old: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(migrations)) if (name !== '022_alert_backfill') old[name] = { up: (k) => m.up(k, db.kind) };
      const { error } = await new Migrator({ db: db.kysely, provider: { getMigrations: async () => old }, allowUnorderedMigrations: true }).migrateToLatest();
      assert.ifError(error);
      const k = db.kysely as unknown as Kysely<any>;
      const now = '2026-11-30T02:00:00.000Z';
      const id = async (table: string, values: Record<string, unknown>) => (await k.insertInto(table).values(values).returning('id').executeTakeFirstOrThrow()).id as number;
      const office = await id('departments', { code: 'office', name: '办公室', is_office: 1, created_at: now, updated_at: now });
      const jsk = await id('departments', { code: 'jsk', name: '建设科', is_office: 0, created_at: now, updated_at: now });
      const zfk = await id('departments', { code: 'zfk', name: '住房科', is_office: 0, created_at: now, updated_at: now });
      const people: Record<string, Actor> = {};
      for (const [username, role, department] of [
        ['admin', 'admin', null],
        ['office', 'office', office],
        ['leader', 'leader', null],
        ['jsk_r', 'responder', jsk],
        ['zfk_r', 'responder', zfk],
      ] as [string, Role, number | null][]) {
        const uid = await id('users', { username, display_name: username, password_hash: 'x', role, department_id: department, active: 1, must_change_password: 0, created_at: now, updated_at: now });
        people[username] = { id: uid, name: username, role, departmentId: department, via: 'api' };
      }
      const inapp = await id('channels', { name: '站内', kind: 'inapp', config: '{}', min_level: 'blue', enabled: 1, failure_streak: 0, created_at: now, updated_at: now });
      const wecom = await id('channels', { name: '群', kind: 'wecom', config: '{}', min_level: 'blue', enabled: 1, failure_streak: 0, created_at: now, updated_at: now });
      const source = await id('sources', { name: '论坛', kind: 'feed', config: '{}', created_at: now, updated_at: now });
      const post = async (n: number) => id('posts', { source_id: source, dedup_key: `k${n}`, title: `帖${n}`, text: '正文', fetched_at: now, updated_at: now });
      const alert = async (v: { key: string; kind: string; level: string; department: number | null; channel?: number; status?: string; post?: number }) =>
        id('alerts', {
          idempotency_key: `${v.key}|ch${v.channel ?? inapp}`,
          matter_key: v.key,
          post_id: v.post ?? null,
          channel_id: v.channel ?? inapp,
          kind: v.kind,
          level: v.level,
          title: v.key,
          body: '正文',
          status: v.status ?? 'sent',
          sent_at: now,
          created_at: now,
          department_id: v.department,
        });
      const p1 = await post(1);
      const p2 = await post(2);
      const p3 = await post(3);
      // A 重大 post of 建设科 matching two rules (two alerts before 016), a 较大 post of 住房科, a 一般 post routed nowhere.
      const twoRules = [await alert({ key: `post:${p1}|rule-id:1`, kind: 'post', level: 'orange', department: jsk, post: p1 }), await alert({ key: `post:${p1}|rule-id:2`, kind: 'post', level: 'orange', department: jsk, post: p1 })];
      const yellow = await alert({ key: `post:${p2}|rule-id:1`, kind: 'post', level: 'yellow', department: zfk, post: p2 });
      const nowhere = await alert({ key: `post:${p3}|rule-id:1`, kind: 'post', level: 'blue', department: null, post: p3 });
      const failing = await alert({ key: 'source.failing|source:1', kind: 'source.failing', level: 'yellow', department: null });
      const assigned = await alert({ key: 'case.assigned|case:1|dept:jsk', kind: 'case.assigned', level: 'yellow', department: jsk });
      // Not the in-app channel, or never delivered: nothing to count.
      await alert({ key: `post:${p2}|rule-id:9`, kind: 'post', level: 'yellow', department: zfk, channel: wecom, post: p2 });
      await alert({ key: 'case.overdue|case:1', kind: 'case.overdue', level: 'yellow', department: jsk, status: 'failed' });
      // The office had read the 建设科 post's first alert already.
      await k.insertInto('alert_reads').values({ alert_id: twoRules[0], user_id: people.office.id, read_at: now }).execute();

      const before = await unreadInapp(db.kysely, people.office);
      assert.equal(before.length, 0, 'before 022 the old alerts count for nobody');

      assert.deepEqual(await migrateToLatest(db), ['022_alert_backfill']);

      const unread = async (who: string) => (await unreadInapp(db.kysely, people[who])).map((a) => a.id).sort((a, b) => a - b);
      assert.deepEqual(await unread('admin'), [failing], 'admins: system notices only');
      assert.deepEqual(await unread('office'), [nowhere, failing], 'office: the 重大 post (already read), the post routed to nobody, the system notice; not 建设科’s assignment');
      assert.deepEqual(await unread('leader'), [twoRules[0]], 'leader: 重大 and above, once for the two rules');
      assert.deepEqual(await unread('jsk_r'), [twoRules[0], assigned], '建设科: its post once, its assignment');
      assert.deepEqual(await unread('zfk_r'), [yellow], '住房科: its 较大 post');
      const rows = await db.kysely.selectFrom('alert_recipients').select(['alert_id', 'mode']).execute();
      assert.ok(rows.every((r) => r.mode === 'now'));
      assert.ok(!rows.some((r) => r.alert_id === twoRules[1]), 'the second rule’s alert of the same post reaches nobody again');

      // And they can be marked read now.
      assert.equal(await markRead(db.kysely, people.leader), 1);
      assert.deepEqual(await unread('leader'), []);
      // The department column of 022 is there, off by default.
      assert.deepEqual((await db.kysely.selectFrom('departments').select('general_hours').execute()).map((d) => d.general_hours), [0, 0, 0]);
    });
  });
}
