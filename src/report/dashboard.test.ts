import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../auth/actor.ts';
import { localDate } from '../time/calendar.ts';
import type { Db } from '../db/connect.ts';
import { applyWorkspace } from '../workspace/workspace.ts';
import { testDatabases } from '../../test/helpers/db.ts';
import { dashboard } from './dashboard.ts';
import { addDays, parsePeriod } from './period.ts';
import { calendarEventsFor } from './calendar-events.ts';
import { heatOf } from './hot-issues.ts';
import { engagementOf, postTime, volumeStats } from './stats.ts';
import { findPeaks, trendBuckets } from './trend.ts';

// The dashboard and the statistics count in SQL; their figures must equal those made from the rows.
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
        const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
        const week = parsePeriod(`${addDays(today, -6)}..${today}`);
        const load = async (p: { start: string; end: string }) => {
          let q = db.kysely.selectFrom('posts').selectAll('posts').select(postTime.as('at')).where(postTime, '>=', p.start).where(postTime, '<', p.end);
          if (departmentId !== null) q = q.where('posts.department_id', '=', departmentId);
          return q.execute();
        };
        // Expected from the rows, as the statistics made them before they were counted in SQL.
        const rows30 = await load(last30);
        const expectedTrend = trendBuckets(last30, rows30, await calendarEventsFor(db.kysely, last30));
        findPeaks(expectedTrend.buckets);
        assert.equal(d.trend.length, 30);
        assert.deepEqual(d.trend, expectedTrend.buckets);
        assert.ok(d.trend.reduce((s, b) => s + b.count, 0) > 0);

        const rowsWeek = await load(week);
        const titles = new Map((await db.kysely.selectFrom('events').select(['id', 'title']).execute()).map((e) => [e.id, e.title]));
        const acc = new Map<number, { eventId: number; title: string; posts: number; engagement: number; firstAt: string; lastAt: string }>();
        for (const p of rowsWeek) {
          if (p.event_id == null) continue;
          const h = acc.get(p.event_id) ?? { eventId: p.event_id, title: titles.get(p.event_id)!, posts: 0, engagement: 0, firstAt: p.at, lastAt: p.at };
          acc.set(p.event_id, h);
          h.posts++;
          h.engagement += engagementOf(p);
          if (p.at < h.firstAt) h.firstAt = p.at;
          if (p.at > h.lastAt) h.lastAt = p.at;
        }
        const expectedEvents = [...acc.values()].map((h) => ({ ...h, heat: heatOf(h.posts, h.engagement) })).sort((a, b) => b.heat - a.heat || b.posts - a.posts).slice(0, 5);
        assert.deepEqual(d.hotEvents.map(({ topic: _t, riskLevel: _r, ...rest }) => rest), expectedEvents);
        assert.ok(d.hotEvents.length > 0);

        const stats = await volumeStats(db.kysely, week, { departmentId }, { hotLimit: 5 });
        assert.equal(stats.total, rowsWeek.length);
        assert.equal(stats.negative, rowsWeek.filter((p) => p.sentiment_label === 'negative').length);
        assert.deepEqual(stats.hotEvents, d.hotEvents);
        const byDept = stats.byDepartment.map((r) => [r.key, r.count]).sort();
        const expectedDept = new Map<string, number>();
        for (const p of rowsWeek) expectedDept.set(p.department_id == null ? '' : String(p.department_id), (expectedDept.get(p.department_id == null ? '' : String(p.department_id)) ?? 0) + 1);
        assert.deepEqual(byDept, [...expectedDept.entries()].sort());
        assert.equal(stats.bySentiment.reduce((s, r) => s + r.count, 0), rowsWeek.length);
        assert.ok(stats.hotIssues.length > 0);
        assert.ok(d.hotIssues.length > 0 && d.hotIssues.every((i) => !('postIds' in i) && i.posts > 0));
      });
    }
  });
}
