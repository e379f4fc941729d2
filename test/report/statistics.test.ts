import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parsePeriod } from '../../src/report/period.ts';
import { postTime, volumeStats } from '../../src/report/stats.ts';
import { departmentTimeliness } from '../../src/report/timeliness.ts';
import { assessment, DEFAULT_WEIGHTS } from '../../src/report/assessment.ts';
import { testDatabases } from '../helpers/db.ts';
import { AS_OF, seedReportFixture, type Fixture } from './fixture.ts';

for (const tdb of testDatabases) {
  describe(`report statistics (${tdb.kind})`, () => {
    let env: Awaited<ReturnType<typeof tdb.create>>;
    let fx: Fixture;
    before(async () => {
      env = await tdb.create();
      fx = await seedReportFixture(env.db);
    });
    after(async () => env.drop());

    test('the month counts posts by Beijing time, including 00:30 on the 1st and 23:59:59 on the 31st', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10'));
      assert.equal(s.total, 9);
      assert.equal(s.negative, 5);
      assert.equal(Math.round(s.negativeShare * 1000), 556);
      const by = (rows: { name: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.name, r.count]));
      assert.deepEqual(by(s.bySource), { 县论坛: 5, 公众留言板: 4 });
      assert.deepEqual(by(s.byTopic), { 供水: 5, 住房: 3, 未分类: 1 });
      assert.deepEqual(by(s.bySentiment), { 负面: 5, 中性: 3, 正面: 1 });
      assert.deepEqual(by(s.byRisk), { 特别重大: 1, 重大: 1, 较大: 2, 一般: 5 });
      assert.deepEqual(by(s.byDepartment), { 建设科: 5, 住房保障科: 3, 未分类: 1 });
      assert.equal(s.byRisk[0].key, 'red', 'risk levels are listed from the highest');
    });

    test('诉求类型 and 情绪分布 are counted, posts analysed before them as 未分类 (issue 17)', async () => {
      const period = parsePeriod('2026-10');
      const ids = (await env.db.kysely.selectFrom('posts').select('id').where(postTime, '>=', period.start).where(postTime, '<', period.end).orderBy('id').execute()).map((r) => r.id);
      const set = (i: number, appeal: 'complaint' | 'inquiry', emotion: 'angry' | 'sad') => env.db.kysely.updateTable('posts').set({ appeal_label: appeal, emotion_label: emotion }).where('id', '=', ids[i]).execute();
      await set(0, 'complaint', 'angry');
      await set(1, 'complaint', 'angry');
      await set(2, 'inquiry', 'sad');
      try {
        const s = await volumeStats(env.db.kysely, period);
        const by = (rows: { name: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.name, r.count]));
        assert.deepEqual(by(s.byAppeal), { 投诉: 2, 咨询: 1, 未分类: s.total - 3 });
        assert.deepEqual(by(s.byEmotion), { 愤怒: 2, 悲伤: 1, 未分类: s.total - 3 });
        assert.equal(s.byAppeal.find((r) => r.name === '投诉')?.key, 'complaint');
      } finally {
        await env.db.kysely.updateTable('posts').set({ appeal_label: null, emotion_label: null }).execute();
      }
    });

    test('the daily trend peaks on 10-05 and names National Day; the watch period marks its days', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10'));
      assert.equal(s.trend.granularity, 'day');
      assert.equal(s.trend.buckets.length, 31);
      const day = (d: string) => s.trend.buckets.find((b) => b.key === d)!;
      assert.equal(day('2026-10-01').count, 1);
      assert.equal(day('2026-10-05').count, 5);
      assert.equal(day('2026-10-05').negative, 4);
      assert.deepEqual(s.peaks.map((p) => p.key), ['2026-10-05']);
      assert.ok(s.peaks[0].events.includes('国庆节'));
      assert.ok(day('2026-10-20').events.includes('某楼盘开盘'));
      assert.ok(!day('2026-10-10').events.includes('国庆节'), 'the make-up Saturday is no holiday');
    });

    test('hot events rank the event of the period, and the clustering finds the same matter', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10'));
      assert.equal(s.hotEvents[0].eventId, fx.eventId);
      assert.equal(s.hotEvents[0].posts, 5);
      assert.equal(s.hotEvents[0].engagement, 78);
      assert.equal(s.hotIssues[0].posts, 5);
      assert.deepEqual(s.hotIssues[0].eventIds, [fx.eventId]);
      assert.equal(s.topTopics[0].name, '供水');
      assert.equal(s.topTopics.find((t) => t.name === '住房')!.months, 2, '住房 appeared in September and October (November is after the period)');
    });

    test('a day is trended by hour and names the whole holiday it falls in', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10-05'));
      assert.equal(s.total, 5);
      assert.equal(s.trend.granularity, 'hour');
      assert.equal(s.trend.buckets.length, 24);
      assert.deepEqual(s.trend.buckets.filter((b) => b.count > 0).map((b) => b.label), ['8时', '9时', '12时', '15时', '20时']);
      const holiday = s.calendar.find((e) => e.name === '国庆节')!;
      assert.deepEqual([holiday.firstDay, holiday.lastDay], ['2026-10-01', '2026-10-07']);
    });

    test('a year is trended by month with 两会 and 岁末年初 beside March and January', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026'));
      assert.equal(s.trend.granularity, 'month');
      assert.equal(s.trend.buckets.length, 12);
      assert.equal(s.trend.buckets[9].count, 9);
      assert.equal(s.trend.buckets[8].count, 1);
      assert.ok(s.trend.buckets[2].events.includes('全国两会'));
      assert.ok(s.trend.buckets[0].events.includes('岁末年初'));
    });

    test('a head-style department scope counts only that department', async () => {
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10'), { departmentId: fx.dept.zfk });
      assert.equal(s.total, 3);
    });

    test('department timeliness across 调休 days matches the hand count', async () => {
      const r = await departmentTimeliness(env.db.kysely, parsePeriod('2026-10'), { asOf: AS_OF });
      const js = r.departments.find((d) => d.departmentId === fx.dept.jsk)!;
      assert.equal(js.cases, 3);
      assert.equal(js.replied, 3);
      assert.equal(js.repliedOnTime, 1);
      assert.equal(Math.round(js.onTimeRate! * 1000), 333);
      assert.equal(js.medianReplyHours, 2, 'median of 8.5, 0.5 and 2 working hours');
      assert.equal(js.overdue, 2);
      assert.equal(js.memos, 1);
      assert.equal(js.memosOnTime, 0, 'the make-up Saturday counts as one of the 3 working days');
      assert.equal(js.commitments, 1);
      assert.equal(js.commitmentsOnTime, 1, 'a date-only due date lasts to the end of that day');
      assert.equal(js.escalationsWatched, 3);
      assert.equal(js.escalationsPrevented, 1);
      assert.equal(js.responsesPosted, 3);
      assert.equal(js.responsesVerified, 2);

      const zf = r.departments.find((d) => d.departmentId === fx.dept.zfk)!;
      assert.equal(zf.cases, 3);
      assert.equal(zf.due, 2, 'C6 is not yet due');
      assert.equal(zf.repliedOnTime, 1);
      assert.equal(zf.onTimeRate, 0.5);
      assert.equal(zf.overdue, 1);
      assert.equal(zf.memosOnTime, 1);
      assert.equal(zf.commitments, 1, 'the waived commitment does not count');
      assert.equal(zf.commitmentsOnTime, 0);
      assert.equal(zf.preventionRate, 1);
      assert.equal(zf.verificationRate, 1);
      assert.equal(r.total.cases, 6);
      const office = r.departments.find((d) => d.department === '局办公室')!;
      assert.equal(office.onTimeRate, null, 'no cases: no rate, not 0%');
    });

    test('the assessment scores the three criteria with the default weights and ranks the departments', async () => {
      const a = await assessment(env.db.kysely, parsePeriod('2026-Q4'), { asOf: AS_OF, weights: DEFAULT_WEIGHTS });
      const zf = a.departments.find((d) => d.departmentId === fx.dept.zfk)!;
      const js = a.departments.find((d) => d.departmentId === fx.dept.jsk)!;
      assert.deepEqual(zf.criteria.map((c) => c.score), [50, 50, 100]);
      assert.equal(zf.score, 65);
      assert.deepEqual(js.criteria.map((c) => c.score), [33.3, 0, 33.3]);
      assert.equal(js.score, 23.3);
      assert.equal(zf.rank, 1);
      assert.equal(js.rank, 2);
      assert.equal(a.departments.find((d) => d.department === '局办公室')!.rank, null);
      assert.match(zf.criteria[1].detail, /满意 1\/1/);
    });

    test('weights change the score: only timeliness counts', async () => {
      const a = await assessment(env.db.kysely, parsePeriod('2026-Q4'), { asOf: AS_OF, weights: { timely: 1, received: 0, prevented: 0 } });
      assert.equal(a.departments.find((d) => d.departmentId === fx.dept.jsk)!.score, 33.3);
      assert.equal(a.departments[0].departmentId, fx.dept.zfk);
    });

    test('what people said back after the reply decides 群众评价 and 防止负面升级 (a 升级苗头 counts until a later 满意 settles it)', async () => {
      const said = async (at: string, cls: 'satisfied' | 'asking' | 'escalating', excerpt: string) =>
        env.db.kysely
          .insertInto('case_feedback')
          .values({ case_id: fx.cases.C4, item_key: `r:${at}`, post_id: fx.posts.P9, post_reply_id: null, at: new Date(`${at}+08:00`).toISOString(), author: '业主', excerpt, class: cls, sentiment: null, abuse: 0, cues: '[]', created_at: AS_OF })
          .execute();
      const zf = async () => (await assessment(env.db.kysely, parsePeriod('2026-Q4'), { asOf: AS_OF, weights: DEFAULT_WEIGHTS })).departments.find((d) => d.departmentId === fx.dept.zfk)!;
      await said('2026-10-20T12:00:00', 'satisfied', '谢谢，回复很及时');
      await said('2026-10-21T10:00:00', 'escalating', '再不修就去拉横幅');
      let a = await zf();
      // Feedback read: 1 满意 against 1 升级苗头 (0.5) beside the 5-star mark (1.0); the threat is unsettled.
      assert.deepEqual(a.criteria.map((c) => c.score), [50, 75, 0]);
      assert.match(a.criteria[1].detail, /回复后跟帖认可 1\/2（满意\/认可 1、继续追问 0、升级苗头 1）；群众评价满意 1\/1/);
      assert.match(a.criteria[2].detail, /回复后未升级 0\/1 件（跟帖出现升级苗头 1 件）/);
      await said('2026-10-22T09:00:00', 'satisfied', '今天来修了，谢谢');
      a = await zf();
      assert.deepEqual(a.criteria.map((c) => c.score), [50, 83.3, 100], 'settled by a later 满意');
      await env.db.kysely.deleteFrom('case_feedback').execute();
    });

    test('an annual assessment carries a ranking per elapsed quarter', async () => {
      const a = await assessment(env.db.kysely, parsePeriod('2026'), { asOf: AS_OF });
      assert.deepEqual(a.quarters.map((q) => q.period.key), ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
      assert.equal(a.quarters[2].departments.find((d) => d.departmentId === fx.dept.jsk)!.cases, 1, 'C0 opened in September');
    });

    // Last: it adds a post to the shared fixture.
    test('a post dated by its day alone counts in the day, never in an hour (no fake 0时 peak)', async () => {
      const source = (await env.db.kysely.selectFrom('sources').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
      const at = '2026-10-04T16:00:00.000Z'; // 2026-10-05 00:00 Beijing: what "2026-10-05" alone reads as
      await env.db.kysely.insertInto('posts').values({ source_id: source, dedup_key: 'date-only', title: '只有日期的帖子', text: '只有日期。', published_at: at, published_precision: 'day', fetched_at: at, updated_at: at, views: 0, replies_count: 0, likes: 0, reposts: 0 } as never).execute();
      const s = await volumeStats(env.db.kysely, parsePeriod('2026-10-05'));
      assert.equal(s.total, 6, 'counted in the day');
      assert.deepEqual(s.trend.buckets.filter((b) => b.count > 0).map((b) => b.label), ['8时', '9时', '12时', '15时', '20时'], 'and in no hour');
      const month = await volumeStats(env.db.kysely, parsePeriod('2026-10'));
      assert.equal(month.trend.buckets.find((b) => b.key === '2026-10-05')!.count, 6, 'the daily trend has it');
    });
  });
}
