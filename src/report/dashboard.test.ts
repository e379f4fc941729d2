import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../auth/actor.ts';
import { localDate } from '../cases/calendar.ts';
import type { Db } from '../db/connect.ts';
import { applyWorkspace } from '../workspace/workspace.ts';
import { testDatabases } from '../../test/helpers/db.ts';
import { dashboard } from './dashboard.ts';
import { addDays, parsePeriod } from './period.ts';
import { volumeStats } from './stats.ts';

// The dashboard counts in SQL; its figures must equal those of the statistics that load the rows.
for (const kind of testDatabases) {
  describe(`dashboard aggregates (${kind.kind})`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    const now = new Date();
    before(async () => {
      ({ db, drop } = await kind.create());
      await applyWorkspace(db.kysely, cliActor(), `departments:\n  - { code: office, name: 局办公室, office: true }\n  - { code: jsk, name: 建设科 }\n`);
      const depts = (await db.kysely.selectFrom('departments').select('id').orderBy('id').execute()).map((d) => d.id);
      const iso = (ms: number) => new Date(ms).toISOString();
      const source = await db.kysely
        .insertInto('sources')
        .values({ name: 't', kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: iso(now.getTime()), updated_at: iso(now.getTime()) } as never)
        .returning('id')
        .executeTakeFirstOrThrow();
      const events = [];
      for (let i = 0; i < 8; i++) events.push({ title: `事件${i}`, signature: null, topic: null, first_seen_at: iso(now.getTime()), last_seen_at: iso(now.getTime()), post_count: 1, risk_level: 'blue', burst: 0, created_at: iso(now.getTime()), updated_at: iso(now.getTime()) });
      const eventIds = (await db.kysely.insertInto('events').values(events as never).returning('id').execute()).map((e) => e.id);
      const rows = [];
      let seed = 11;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 400; i++) {
        // Some just outside the 30 days, some on exact Beijing midnights, some without a publication time.
        const at = i % 50 === 0 ? Date.parse(`${addDays(localDate(now), -(i % 31))}T00:00:00+08:00`) : now.getTime() - rnd() * 31 * 86_400_000;
        rows.push({
          source_id: source.id, external_id: `p${i}`, dedup_key: `t:${i}`, url: `https://example.gov.cn/${i}`,
          title: `${['翡翠湾', '建设路', '人民大道'][i % 3]}${['噪音扰民', '路灯不亮'][i % 2]} ${i}`, text: '希望尽快处理', segmented: null, author: 'x',
          published_at: i % 7 === 0 ? null : iso(at), fetched_at: iso(at), updated_at: iso(at),
          views: Math.floor(rnd() * 3000), replies_count: i % 13, likes: i % 5, reposts: i % 3,
          event_id: i % 4 === 0 ? null : eventIds[i % eventIds.length], sentiment_label: ['negative', 'neutral', 'positive', null][i % 4],
          sentiment_score: 0, topic: null, department_id: i % 3 === 0 ? null : depts[i % depts.length], risk_level: 'blue', risk_score: 0, abuse: 0, analysis: null, analyzed_at: null,
        });
      }
      await db.kysely.insertInto('posts').values(rows as never).execute();
    });
    after(async () => drop());

    for (const dept of [null, 'second'] as const) {
      test(`trend and hot events equal the row-based statistics (${dept ?? 'all departments'})`, async () => {
        const departmentId = dept ? (await db.kysely.selectFrom('departments').select('id').orderBy('id').execute())[1].id : null;
        const today = localDate(now);
        const d = await dashboard(db.kysely, { now, departmentId });
        const last30 = await volumeStats(db.kysely, parsePeriod(`${addDays(today, -29)}..${today}`), { departmentId }, { hotLimit: 0, clusterCap: 0 });
        const week = await volumeStats(db.kysely, parsePeriod(`${addDays(today, -6)}..${today}`), { departmentId }, { hotLimit: 5 });
        assert.equal(d.trend.length, 30);
        assert.deepEqual(d.trend, last30.trend.buckets);
        assert.ok(d.trend.reduce((s, b) => s + b.count, 0) > 0);
        assert.deepEqual(d.hotEvents, week.hotEvents);
        assert.ok(d.hotEvents.length > 0);
        assert.ok(d.hotIssues.length > 0 && d.hotIssues.every((i) => !('postIds' in i) && i.posts > 0));
      });
    }
  });
}
