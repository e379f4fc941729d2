import type { SentimentLabel } from '../src/analyze/vocabulary.ts';
import { cliActor } from '../src/auth/actor.ts';
import type { CaseState } from '../src/cases/states.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildReport } from '../src/report/render.ts';
import { volumeStats } from '../src/report/stats.ts';
import { parsePeriod } from '../src/report/period.ts';
import { departmentTimeliness } from '../src/report/timeliness.ts';
import type { RiskLevel } from '../src/levels.ts';
import { freshDatabase } from './lib/throwaway.ts';

/**
 * Benchmark: time to build the monthly brief (docx, pdf, xlsx) over 100,000 posts and 10,000
 * cases, all in the reported month (the worst case: every row is in the period).
 * Usage: npx tsx bench/report.ts [--posts N] [--cases N] [--pg postgres://server/db]
 * Default: a temporary SQLite file. With --pg a throwaway database is created on that server and dropped afterwards.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const POSTS = Number(arg('posts', '100000'));
const CASES = Number(arg('cases', '10000'));
const fresh = await freshDatabase(arg('pg', ''));
const url = fresh.url;

// A deterministic generator so that runs compare.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];

const PLACES = ['阳光花园', '滨河苑', '锦绣华庭', '丽景新城', '东湖社区', '金色家园', '翠竹小区', '城南新村', '学府名苑', '江畔明珠', '幸福里', '香樟园'];
const ROADS = ['人民路', '解放大道', '建设北路', '沿江东路', '迎宾大道', '文化路', '新华街', '长青路'];
const ISSUES: [topic: string, text: string][] = [
  ['市政/道路', '道路施工进度缓慢，围挡占道严重，出行非常不便'],
  ['市政/维护', '路灯长期不亮，井盖破损，晚上出行很危险'],
  ['城管/违建', '有人私自搭建违章建筑，装修噪音扰民，投诉多次无人处理'],
  ['征收/补偿', '拆迁补偿标准不透明，施工导致周边房屋开裂'],
  ['住房/交付', '开发商延期交房，房屋质量问题严重，规划擅自变更'],
  ['环保/噪音', '附近搅拌站夜间施工噪音和粉尘污染严重'],
  ['供水/停水', '小区突然停水，没有提前通知，老人孩子生活困难'],
  ['物业/管理', '物业乱收费，公共区域卫生脏乱差'],
];
const SENTIMENTS: SentimentLabel[] = ['negative', 'negative', 'negative', 'neutral', 'neutral', 'positive'];
const LEVELS: RiskLevel[] = ['blue', 'blue', 'blue', 'blue', 'yellow', 'yellow', 'orange', 'red'];

const db = await openDatabase(url);
const k = db.kysely;
try {
  await migrateToLatest(db);
  const now = new Date().toISOString();
  const depts: number[] = [];
  for (let i = 0; i < 12; i++) {
    depts.push((await k.insertInto('departments').values({ code: `d${i}`, name: `第${i + 1}科`, phone: null, is_office: i === 0 ? 1 : 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id);
  }
  const sources: number[] = [];
  for (const name of ['县论坛', '公众留言板', '新闻网民生栏目', '微博', '12345热线']) {
    sources.push((await k.insertInto('sources').values({ name, kind: 'feed', config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id);
  }
  const monthStart = Date.parse('2026-10-01T00:00:00+08:00');
  const monthMs = 31 * 86_400_000;
  const at = () => new Date(monthStart + Math.floor(rnd() * monthMs)).toISOString();

  let t0 = performance.now();
  const events: number[] = [];
  for (let i = 0; i < 300; i++) {
    const [topic] = pick(ISSUES);
    events.push((await k.insertInto('events').values({ title: `${pick(PLACES)}${pick(ISSUES)[1].slice(0, 8)}`, topic, first_seen_at: at(), last_seen_at: at(), post_count: 0, risk_level: pick(LEVELS), burst: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id);
  }
  const BATCH = 1000;
  for (let i = 0; i < POSTS; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(POSTS, i + BATCH); j++) {
      const [topic, issue] = pick(ISSUES);
      const place = pick(PLACES);
      const title = `${pick(ROADS)}${place}${issue.slice(0, 10)}`;
      const t = at();
      rows.push({
        source_id: pick(sources),
        dedup_key: `b${j}`,
        title,
        text: `${title}。${issue}，希望有关部门尽快处理。编号${j}`,
        published_at: t,
        fetched_at: t,
        updated_at: now,
        views: Math.floor(rnd() * 2000),
        replies_count: Math.floor(rnd() * 30),
        likes: Math.floor(rnd() * 50),
        reposts: Math.floor(rnd() * 10),
        topic,
        sentiment_label: pick(SENTIMENTS),
        risk_level: pick(LEVELS),
        department_id: pick(depts),
        event_id: rnd() < 0.3 ? pick(events) : null,
        abuse: 0,
      });
    }
    await k.insertInto('posts').values(rows).execute();
  }
  for (let i = 0; i < CASES; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(CASES, i + BATCH); j++) {
      const opened = at();
      const replied = rnd() < 0.8 ? new Date(Date.parse(opened) + Math.floor(rnd() * 3 * 86_400_000)).toISOString() : null;
      rows.push({ number: `2026-${j + 1}`, year: 2026, seq: j + 1, title: `处置单${j}`, state: replied ? pick<CaseState>(['replied', 'following_up', 'closed']) : pick<CaseState>(['triage', 'assigned', 'drafting']), level: pick(LEVELS), lead_department_id: pick(depts), opened_at: opened, deadline_at: new Date(Date.parse(opened) + 86_400_000).toISOString(), replied_at: replied, overdue: 0, updated_at: now });
    }
    const ids = await k.insertInto('cases').values(rows).returning(['id', 'replied_at']).execute();
    const responses = ids.filter((c) => c.replied_at).map((c) => ({ case_id: c.id, body: '感谢关注', department_id: pick(depts), status: 'posted' as const, drafted_at: c.replied_at!, posted_at: c.replied_at!, verified_at: rnd() < 0.7 ? c.replied_at! : null, attachments: '[]', updated_at: now }));
    if (responses.length) await k.insertInto('responses').values(responses).execute();
    await k.insertInto('case_posts').values(ids.map((c) => ({ case_id: c.id, post_id: 1 + Math.floor(rnd() * POSTS) }))).execute();
  }
  console.log(`generated ${POSTS} posts, ${CASES} cases on ${db.kind} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const period = parsePeriod('2026-10');
  t0 = performance.now();
  const stats = await volumeStats(k, period);
  console.log(`statistics (volume, trend, hot events, ${stats.hotIssues.length} hot issues clustered): ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  t0 = performance.now();
  const tl = await departmentTimeliness(k, period);
  console.log(`department timeliness over ${tl.total.cases} cases: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  for (const format of ['docx', 'pdf', 'xlsx'] as const) {
    t0 = performance.now();
    const file = await buildReport(k, cliActor(), { kind: 'monthly', period: '2026-10', format });
    console.log(`monthly brief ${format}: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${(file.data.length / 1024).toFixed(0)} KiB`);
  }
  console.log(`top hot issues: ${stats.hotIssues.slice(0, 3).map((h) => `${h.title} (${h.posts})`).join('; ')}`);
} finally {
  await db.close();
  await fresh.drop();
}
