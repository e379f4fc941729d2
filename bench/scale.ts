import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Actor } from '../src/auth/actor.ts';
import { cliActor } from '../src/auth/actor.ts';
import { createSegmenter } from '../src/analyze/text/segment.ts';
import { listLedger } from '../src/cases/ledger.ts';
import { formatCaseNumber } from '../src/cases/numbering.ts';
import { POST_COLUMNS, searchPosts, searchWords } from '../src/collect/search.ts';
import { departmentScope } from '../src/auth/policy.ts';
import { localDate } from '../src/time/calendar.ts';
import { addDays, parsePeriod } from '../src/report/period.ts';
import { compactRollup } from '../src/report/rollup.ts';
import { postTime, trendCountedFromPosts, trendOf } from '../src/report/stats.ts';
import { dbKindOf, openDatabase, type Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { dashboard } from '../src/report/dashboard.ts';
import { applyWorkspace } from '../src/workspace/workspace.ts';
import { freshDatabase, rssOf, type Fresh } from './lib/throwaway.ts';

/**
 * Benchmark: the issue-9 scale figures over generated data — search p95, dashboard and ledger at N posts and 10,000 cases on SQLite or PostgreSQL, and (PostgreSQL) ingest throughput with 1, 2, 4 workers.
 * Generates N realistic Chinese posts (segmented by the project's segmenter, so the full-text
 * index of migration 008 is filled) and the cases into a fresh database (a temp SQLite file, or a
 * throwaway database `minsheng_bench_<random>` on the PostgreSQL server given with --db, dropped
 * at the end), then prints p50/p95/max of searchPosts (also department-scoped and within one source,
 * and on SQLite the previous plan timed in the same run after checking both give the same ids), the
 * dashboard (and its 30-day trend from the daily roll-up against the same trend counted from
 * posts, checked equal) and listLedger against the targets. On PostgreSQL it then runs S feed sources × I items on a loopback server through 1, 2
 * and 4 `minsheng worker` processes (each on a fresh database) and prints posts/s and worker RSS.
 * Usage: npx tsx bench/scale.ts [--posts 1000000] [--cases 10000] [--samples 60] [--db PATH_OR_POSTGRES_URL]
 *        [--keep] (keep the generated database) [--reuse PATH_OR_URL] (measure a kept one, migrating it first)
 *        [--ab-rollup] (ingest each worker count also without the daily roll-up's trigger, for comparison)
 *        [--ingest-sources 40 --ingest-items 50 --workers 1,2,4] [--no-ingest] [--no-query]
 */
const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const flag = (name: string) => argv.includes(`--${name}`);
const POSTS = Number(arg('posts', '1000000'));
const CASES = Number(arg('cases', '10000'));
const SAMPLES = Math.max(50, Number(arg('samples', '60')));
const DB_ARG = arg('db', '');
const SOURCES_N = Number(arg('ingest-sources', '40'));
const ITEMS_N = Number(arg('ingest-items', '50'));
const WORKERS = arg('workers', '1,2,4').split(',').map(Number).filter((n) => n > 0);
const INGEST_TIMEOUT_S = Number(arg('ingest-timeout', '600'));
const STUCK_S = Number(arg('stuck-after', '30'));
const BATCH = 500;
const BIN = new URL('../bin/minsheng.mjs', import.meta.url).pathname;

// ---------------------------------------------------------------- deterministic generator
let seed = 20260901;
const rnd = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const iso = (ms: number) => new Date(ms).toISOString();

const DISTRICTS = ['城关区', '高新区', '经开区', '滨江区', '东城区', '西城区', '南湖区', '北山区'];
const ROADS = ['建设路', '人民大道', '解放路', '中山路', '沿江大道', '长江路', '黄河路', '和平街', '新华路', '胜利路', '文化路', '迎宾大道', '工业路', '环城西路', '学府路'];
const ESTATES = ['锦绣华庭', '翡翠湾', '阳光花园', '金色家园', '和谐小区', '幸福里', '碧水蓝天', '御景城', '香樟苑', '书香门第', '滨江一号', '紫金城'];
// Rare places: each appears in roughly one post in ten thousand (the "rare word" searches).
const RARE = ['古井巷', '柳树湾', '石桥铺', '杏花村', '桃源里', '青石板街'];
const SUBJECTS: [topic: string, sentences: string[]][] = [
  ['城乡建设/道路建设', ['{road}施工已经半年了还没完工', '{road}修路围挡占了半条马路，早晚高峰堵得走不动', '{road}路面挖开后一直没有恢复，下雨天全是泥水', '{road}的人行道翻修了又挖，反复施工浪费钱', '{district}{road}路灯坏了好几天没人修']],
  ['城乡建设/房地产市场', ['{estate}延期交房快一年了，开发商一直推脱', '{estate}的房子墙体开裂漏水，质量问题严重', '{estate}网签备案迟迟办不下来，业主无法落户', '{estate}的开发商承诺的学校和配套至今没有兑现', '{estate}办理房产证遥遥无期']],
  ['城乡建设/物业管理', ['{estate}物业乱收费，停车费又涨价了', '{estate}电梯经常坏，物业维修不及时', '{estate}物业不作为，小区垃圾堆满没人清理', '{estate}业主委员会选举被物业干预', '{estate}公共维修资金使用不公开']],
  ['城乡建设/噪音扰民', ['{road}工地夜间施工噪音扰民，凌晨两点还在打桩', '{estate}旁边的工地每天晚上施工，居民无法休息', '{district}{road}渣土车半夜轰鸣，噪音太大', '{estate}楼下广场舞音响太吵', '{road}附近搅拌站噪音和粉尘污染严重']],
  ['城乡建设/征地拆迁', ['{district}拆迁补偿标准不公开，村民意见很大', '{road}沿线拆迁安置房迟迟不能交付', '{district}强拆没有出示任何手续', '{estate}棚户区改造补偿款一直没有到位', '{district}拆迁过渡费已经停发三个月']],
  ['城乡建设/违法建设', ['{estate}顶楼业主私自搭建阳光房', '{road}沿街商铺违章搭建占用人行道', '{estate}一楼住户私挖地下室，影响楼体安全', '{district}农田上盖起了违法建筑', '{estate}绿地被改成了停车场']],
  ['城乡建设/市政设施', ['{road}井盖缺失，晚上很危险', '{estate}小区自来水发黄，已经停水两天', '{road}排水不畅，一下雨就积水', '{district}{road}公交站台被拆后一直没有恢复', '{estate}燃气管道改造拖了半年']],
];
const TAILS = ['希望有关部门尽快处理。', '多次拨打热线都没有结果。', '请住建局管一管！', '居民反映多次，问题依然存在。', '恳请领导重视。', '已经向街道反映过，没有回音。', '谢谢相关部门的及时处理，点赞。', '现在情况有所好转。'];
const LEVELS = ['blue', 'blue', 'blue', 'blue', 'yellow', 'yellow', 'orange', 'red'] as const;
const SENTIMENTS = ['negative', 'negative', 'negative', 'neutral', 'neutral', 'positive'] as const;
const CASE_STATES_MIX = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'replied', 'following_up', 'closed', 'closed', 'closed', 'closed'];

function fill(s: string): string {
  return s.replace('{road}', pick(ROADS)).replace('{estate}', pick(ESTATES)).replace('{district}', pick(DISTRICTS));
}
function makePost(): { title: string; text: string; topic: string; parts: string[] } {
  const [topic, sentences] = pick(SUBJECTS);
  let first = fill(pick(sentences));
  if (rnd() < 1 / 10_000) first = `${pick(RARE)}${first}`;
  const more = rnd() < 0.6 ? fill(pick(pick(SUBJECTS)[1])) : '';
  const tail = pick(TAILS);
  const title = first.length > 24 ? first.slice(0, 24) : first;
  return { title, text: `${first}${more ? `，${more}` : ''}。${tail}`, topic, parts: [title, first, more, tail] };
}

/**
 * posts.segmented as analysis stores it (the segmenter's tokens, space-joined), cut clause by
 * clause: the clauses are joined at punctuation, so cutting each once and reusing the tokens gives
 * the same words as cutting the whole text, at a fraction of the cost for a million posts.
 */
const segmenter = createSegmenter();
const cutCache = new Map<string, string>();
function segmentedOf(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    if (!part) continue;
    let s = cutCache.get(part);
    if (s === undefined) {
      s = segmenter.cut(part).join(' ');
      if (cutCache.size < 200_000) cutCache.set(part, s);
    }
    out.push(s);
  }
  return out.join(' ');
}

// ---------------------------------------------------------------- databases

// ---------------------------------------------------------------- 1. generation
async function generate(db: Db): Promise<{ departments: number[]; seconds: number; postSeconds: number }> {
  const k = db.kysely;
  const deptYaml = [
    '  - { code: office, name: 局办公室, office: true }',
    '  - { code: jsk, name: 建设科 }',
    '  - { code: fdc, name: 房地产市场监管科 }',
    '  - { code: wyk, name: 物业管理科 }',
    '  - { code: csk, name: 城市管理科 }',
    '  - { code: zfk, name: 征收办 }',
    '  - { code: zfjc, name: 执法监察大队 }',
    '  - { code: szk, name: 市政设施科 }',
  ].join('\n');
  await applyWorkspace(k, cliActor(), `departments:\n${deptYaml}\n`);
  const departments = (await k.selectFrom('departments').select('id').orderBy('id').execute()).map((d) => d.id);
  const now = Date.now();
  const nowS = iso(now);
  const sourceIds: number[] = [];
  for (const name of ['市长信箱', '本地论坛', '问政平台', '微博', '新闻客户端']) {
    const r = await k
      .insertInto('sources')
      .values({ name, kind: 'import', url: null, config: '{}', interval_seconds: 3600, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: nowS, updated_at: nowS } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    sourceIds.push(r.id);
  }

  const t0 = performance.now();
  const DAY = 86_400_000;
  const EVENTS = Math.max(1, Math.floor(POSTS / 100));
  await k.transaction().execute(async (trx) => {
    for (let i = 0; i < EVENTS; i += BATCH) {
      const rows = [];
      for (let j = i; j < Math.min(EVENTS, i + BATCH); j++) {
        const at = now - rnd() * 90 * DAY;
        const [topic] = pick(SUBJECTS);
        rows.push({ title: `${pick(ROADS)}${topic.split('/')[1]}事件${j}`, signature: null, topic, first_seen_at: iso(at), last_seen_at: iso(at + rnd() * 2 * DAY), post_count: 100, risk_level: pick(LEVELS), burst: rnd() < 0.03 ? 1 : 0, created_at: iso(at), updated_at: iso(at) });
      }
      await trx.insertInto('events').values(rows as never).execute();
    }
  });

  const TX_ROWS = db.kind === 'postgres' ? 10_000 : 50_000;
  let done = 0;
  let lastReport = performance.now();
  while (done < POSTS) {
    const txEnd = Math.min(POSTS, done + TX_ROWS);
    await k.transaction().execute(async (trx) => {
      for (let i = done; i < txEnd; i += BATCH) {
        const rows = [];
        for (let j = i; j < Math.min(txEnd, i + BATCH); j++) {
          const p = makePost();
          // Recent days denser, like real traffic; spread over 90 days.
          const at = now - Math.pow(rnd(), 1.3) * 90 * DAY;
          const sentiment = p.text.includes('点赞') || p.text.includes('好转') ? 'positive' : pick(SENTIMENTS);
          const views = Math.floor(Math.pow(rnd(), 3) * 20_000);
          rows.push({
            source_id: sourceIds[j % sourceIds.length],
            external_id: `p${j}`,
            dedup_key: `bench:${j}`,
            url: `https://bbs.example.gov.cn/thread-${j}-1-1.html`,
            title: p.title,
            text: p.text,
            segmented: segmentedOf(p.parts),
            author: `网友${j % 9973}`,
            published_at: iso(at),
            fetched_at: iso(at + 60_000),
            updated_at: iso(at + 60_000),
            views,
            replies_count: Math.floor(views / 200),
            likes: Math.floor(views / 50),
            reposts: Math.floor(views / 500),
            event_id: rnd() < 0.7 ? 1 + Math.floor(rnd() * EVENTS) : null,
            sentiment_label: sentiment,
            sentiment_score: sentiment === 'negative' ? -0.4 - rnd() * 0.5 : sentiment === 'positive' ? 0.3 + rnd() * 0.5 : 0,
            topic: p.topic,
            department_id: departments[1 + Math.floor(rnd() * (departments.length - 1))],
            risk_level: pick(LEVELS),
            risk_score: Math.floor(rnd() * 100),
            abuse: 0,
            analysis: null,
            analyzed_at: iso(at + 61_000),
          });
        }
        await trx.insertInto('posts').values(rows as never).execute();
      }
    });
    done = txEnd;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      console.log(`  … ${done} posts (${((performance.now() - t0) / 1000).toFixed(0)} s, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB)`);
    }
  }
  const postSeconds = (performance.now() - t0) / 1000;

  // Cases over ~400 days (two case years), numbers unique per year, deadlines by level.
  const seqByYear = new Map<number, number>();
  const opened = Array.from({ length: CASES }, () => now - rnd() * 400 * DAY).sort((a, b) => a - b);
  await k.transaction().execute(async (trx) => {
    for (let i = 0; i < CASES; i += BATCH) {
      const rows = [];
      for (let j = i; j < Math.min(CASES, i + BATCH); j++) {
        const at = opened[j];
        const year = new Date(at + 8 * 3_600_000).getUTCFullYear();
        const seq = (seqByYear.get(year) ?? 0) + 1;
        seqByYear.set(year, seq);
        const level = pick(LEVELS);
        const state = now - at > 20 * DAY ? pick(['replied', 'following_up', 'closed', 'closed', 'closed', 'assigned']) : pick(CASE_STATES_MIX);
        const replied = state === 'replied' || state === 'following_up' || state === 'closed';
        const emergency = level === 'red';
        const deadline = emergency ? at + 5 * 3_600_000 : level === 'orange' ? at + 10 * 3_600_000 : at + 48 * 3_600_000;
        const p = makePost();
        rows.push({
          number: formatCaseNumber(year, seq),
          year,
          seq,
          title: p.title,
          summary: p.text,
          state,
          level,
          lead_department_id: state === 'triage' ? null : departments[1 + Math.floor(rnd() * (departments.length - 1))],
          opened_by: null,
          opened_at: iso(at),
          deadline_at: iso(deadline),
          deadline_kind: emergency ? 'emergency_5h' : level === 'orange' ? 'same_day' : 'hours_48',
          overdue: !replied && deadline < now ? 1 : 0,
          emergency: emergency ? 1 : 0,
          replied_at: replied ? iso(at + rnd() * (deadline - at) * 1.2) : null,
          closed_at: state === 'closed' ? iso(at + 3 * DAY) : null,
          updated_at: iso(at),
        });
      }
      await trx.insertInto('cases').values(rows as never).execute();
    }
    for (const [year, last] of seqByYear) await trx.insertInto('case_counters').values({ year, last_seq: last }).execute();
  });
  // Fresh planner statistics, as a running database would have them.
  await sql`analyze`.execute(k);
  return { departments, seconds: (performance.now() - t0) / 1000, postSeconds };
}

// ---------------------------------------------------------------- 2. queries
function stats(times: number[]) {
  const t = [...times].sort((a, b) => a - b);
  const q = (p: number) => t[Math.min(t.length - 1, Math.ceil(p * t.length) - 1)];
  return { p50: q(0.5), p95: q(0.95), max: t[t.length - 1] };
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
function line(name: string, times: number[], target: number, extra = '') {
  const s = stats(times);
  const ok = s.p95 < target;
  console.log(`  ${name.padEnd(28)} n=${times.length}  p50 ${ms(s.p50).padStart(9)}  p95 ${ms(s.p95).padStart(9)}  max ${ms(s.max).padStart(9)}  (target p95 < ${target} ms: ${ok ? 'met' : 'MISSED'})${extra}`);
}

/** The search plan before issue 9's SQLite work (every match fetched by id, then sorted), timed beside the current one. */
async function previousSearch(db: Db, actor: Actor, q: string, sourceId?: number) {
  const words = await searchWords(db.kysely, q);
  let query = db.kysely.selectFrom('posts').innerJoin('sources', 'sources.id', 'posts.source_id').select(POST_COLUMNS).where(departmentScope(actor, 'posts.department_id'));
  if (sourceId) query = query.where('posts.source_id', '=', sourceId);
  if (words.length) query = query.where('posts.id', 'in', sql<number>`(select rowid from posts_fts where posts_fts match ${words.map((w) => `"${w}"`).join(' ')})`);
  return query.orderBy(postTime, 'desc').orderBy('posts.id', 'desc').limit(50).execute();
}

async function measure(db: Db, departments: number[]) {
  const k = db.kysely;
  const actor: Actor = { id: null, name: 'bench', role: 'office', departmentId: null, via: 'system' };
  // A responder of one department: the search is scoped to their department's (and shared) posts.
  const responder: Actor = { id: null, name: 'bench-responder', role: 'responder', departmentId: departments[2] ?? null, via: 'system' };
  const firstSource = (await k.selectFrom('sources').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  const common = ['施工', '物业', '噪音', '拆迁', '小区', '开发商', '停车费', '施工 噪音', '物业 电梯', '建设路 修路'];
  const rare = [...RARE, '古井巷 施工', '柳树湾 物业', '不存在的词语'];
  const queries = [...common, ...rare];
  const timeOf = async (f: () => Promise<unknown>) => {
    const s = performance.now();
    await f();
    return performance.now() - s;
  };
  // Warm-up: every query once, the dashboard and the ledger twice.
  const hits = new Map<string, number>();
  for (const q of queries) hits.set(q, (await searchPosts(k, actor, { q, limit: 50 })).length);
  for (let i = 0; i < 2; i++) {
    await dashboard(k, {});
    await listLedger(k, actor, { limit: 50 });
  }
  console.log(`  search hits (first page, limit 50): ${queries.map((q) => `${q}=${hits.get(q)}`).join(', ')}`);
  // The plans must agree: the same ids in the same order.
  if (db.kind === 'sqlite') {
    for (const q of queries) {
      const a = (await searchPosts(k, responder, { q, limit: 50 })).map((r) => r.id).join(',');
      const b = (await previousSearch(db, responder, q)).map((r) => r.id).join(',');
      if (a !== b) throw new Error(`search "${q}": the current plan and the previous one disagree`);
    }
  }

  const all: number[] = [];
  const commonT: number[] = [];
  const rareT: number[] = [];
  const scopedT: number[] = [];
  const sourceT: number[] = [];
  const previousCommonT: number[] = [];
  const previousScopedT: number[] = [];
  const rounds = Math.ceil(SAMPLES / queries.length) * 2;
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t = await timeOf(() => searchPosts(k, actor, { q, limit: 50 }));
      all.push(t);
      (common.includes(q) ? commonT : rareT).push(t);
    }
    for (const q of common) {
      scopedT.push(await timeOf(() => searchPosts(k, responder, { q, limit: 50 })));
      sourceT.push(await timeOf(() => searchPosts(k, actor, { q, limit: 50, sourceId: firstSource })));
      if (db.kind === 'sqlite' && r < 2) {
        previousCommonT.push(await timeOf(() => previousSearch(db, actor, q)));
        previousScopedT.push(await timeOf(() => previousSearch(db, responder, q)));
      }
    }
  }
  const dash: number[] = [];
  for (let i = 0; i < SAMPLES; i++) dash.push(await timeOf(() => dashboard(k, {})));
  const today = localDate(new Date());
  const last30 = parsePeriod(`${addDays(today, -29)}..${today}`);
  const trendRollup: number[] = [];
  const trendPosts: number[] = [];
  for (let i = 0; i < Math.min(SAMPLES, 20); i++) {
    trendRollup.push(await timeOf(() => trendOf(k, last30)));
    trendPosts.push(await timeOf(() => trendCountedFromPosts(k, last30)));
  }
  const a = await trendOf(k, last30);
  const b = await trendCountedFromPosts(k, last30);
  if (JSON.stringify(a.buckets) !== JSON.stringify(b.buckets)) throw new Error('the 30-day trend from the roll-up differs from the one counted from posts');
  const ledger: number[] = [];
  let total = 0;
  for (let i = 0; i < SAMPLES; i++)
    ledger.push(
      await timeOf(async () => {
        total = (await listLedger(k, actor, { limit: 50 })).total;
      }),
    );
  const ledgerFiltered: number[] = [];
  for (let i = 0; i < SAMPLES; i++) ledgerFiltered.push(await timeOf(() => listLedger(k, actor, { limit: 50, state: ['assigned', 'drafting'], q: pick(ROADS) })));

  console.log(`query figures (${db.kind}, ${POSTS} posts, ${CASES} cases):`);
  line('search (all queries)', all, 50);
  line('  search, common words', commonT, 50);
  line('  search, rare words', rareT, 50);
  line('  common, responder scope', scopedT, 50);
  line('  common, one source', sourceT, 50);
  if (previousCommonT.length) {
    line('  previous plan, common', previousCommonT, 50, ' (same run, for comparison)');
    line('  previous plan, responder', previousScopedT, 50, ' (same run, for comparison)');
  }
  line('dashboard', dash, 200, ' (hot items cached 5 min as in serve)');
  line('  30-day trend, roll-up', trendRollup, 200);
  line('  30-day trend from posts', trendPosts, 200, ' (the previous way, same run; equal figures checked)');
  line('ledger, first page of 50', ledger, 300, ` (total ${total})`);
  line('ledger, state+text filter', ledgerFiltered, 300);
}

// ---------------------------------------------------------------- 3. ingest (PostgreSQL)

async function queuesReady(db: Db, first: ChildProcess): Promise<void> {
  let last = -1;
  let stableSince = 0;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && first.exitCode === null) {
    const r = await sql<{ n: string }>`select count(*) as n from information_schema.tables where table_schema = 'pgboss'`.execute(db.kysely);
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0 && n === last) {
      if (Date.now() - stableSince > 1500) return;
    } else {
      last = n;
      stableSince = Date.now();
    }
    await sleep(250);
  }
}

async function ingest(base: string) {
  const hosts = Math.min(SOURCES_N, 250);
  const feeds = createServer((req, res) => {
    const m = /^\/feed\/(\d+)\.xml$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    const n = Number(m[1]);
    const now = Date.now();
    const items = Array.from({ length: ITEMS_N }, (_, i) => {
      const seedBefore = seed;
      seed = n * 100_003 + i;
      const p = makePost();
      seed = seedBefore;
      return `<item><guid>s${n}-i${i}</guid><title>${p.title}（${n}-${i}）</title><link>http://127.0.0.1/t/${n}/${i}</link><description>${p.text}编号${n}-${i}</description><pubDate>${new Date(now - (i + 1) * 60_000).toUTCString()}</pubDate></item>`;
    });
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>源${n}</title><link>http://127.0.0.1/</link><description>基准</description>${items.join('')}</channel></rss>`);
  });
  await new Promise<void>((r) => feeds.listen(0, '0.0.0.0', () => r()));
  const port = (feeds.address() as AddressInfo).port;
  const total = SOURCES_N * ITEMS_N;
  const results: string[] = [];
  try {
    const runs = WORKERS.flatMap((n) => (flag('ab-rollup') ? [{ n, rollup: true }, { n, rollup: false }] : [{ n, rollup: true }]));
    for (const { n: nWorkers, rollup } of runs) {
      const fresh = await freshDatabase(base);
      const db = await openDatabase(fresh.url);
      const workers: ChildProcess[] = [];
      try {
        await migrateToLatest(db);
        // --ab-rollup: every worker count also without the roll-up's trigger, to see what it costs ingest.
        if (!rollup) await sql`drop trigger posts_daily on posts`.execute(db.kysely);
        const sources = Array.from({ length: SOURCES_N }, (_, n) => `  - { name: 源${n}, kind: feed, url: "http://127.0.0.${2 + (n % hosts)}:${port}/feed/${n}.xml", interval: 1h }`).join('\n');
        await applyWorkspace(
          db.kysely,
          cliActor(),
          `departments:\n  - { code: office, name: 局办公室, office: true }\n  - { code: jsk, name: 建设科 }\n  - { code: wyk, name: 物业管理科 }\nsources:\n${sources}\nwatch_rules:\n  - { name: 噪音投诉, expression: "噪音" }\n`,
        );
        const t0 = performance.now();
        for (let w = 0; w < nWorkers; w++) {
          // Workers started at the same instant on a fresh database can deadlock while pg-boss
          // creates its schema and queues ("deadlock detected", the worker exits): the others
          // start once the first has created its queues (the clock runs from the first spawn).
          if (w === 1) await queuesReady(db, workers[0]);
          const child = spawn(process.execPath, [BIN, 'worker', '--db', fresh.url], {
            env: { ...process.env, LOG_LEVEL: 'warn', MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          child.stdout!.on('data', (d) => process.env.SCALE_DEBUG && process.stderr.write(`[w${child.pid}] ${d}`));
          child.stderr!.on('data', (d) => process.env.SCALE_DEBUG && process.stderr.write(`[w${child.pid}] ${d}`));
          workers.push(child);
        }
        const rss = new Map<number, number[]>(workers.map((w) => [w.pid!, []]));
        const sampler = setInterval(() => {
          for (const w of workers) {
            const v = rssOf(w.pid!);
            if (v !== null) rss.get(w.pid!)!.push(v);
          }
        }, 1000);
        let stored = 0;
        let analysed = 0;
        let firstStoredAt: number | null = null;
        let allStoredAt: number | null = null;
        let lastAnalysed = -1;
        let lastAnalysedAt = performance.now();
        let stuck = 0;
        try {
          while (true) {
            const r = await db.kysely
              .selectFrom('posts')
              .select([(eb) => eb.fn.countAll().as('n'), sql<string>`count(analyzed_at)`.as('a')])
              .executeTakeFirstOrThrow();
            stored = Number(r.n);
            analysed = Number(r.a);
            const t = performance.now();
            if (stored > 0 && firstStoredAt === null) firstStoredAt = t;
            if (stored >= total && allStoredAt === null) allStoredAt = t;
            if (analysed !== lastAnalysed) {
              lastAnalysed = analysed;
              lastAnalysedAt = t;
            }
            if (stored >= total && analysed >= total) break;
            // A post whose analysis keeps failing is retried by analysis.pending every minute and
            // never completes: after STUCK_S seconds without progress, count it and stop the run.
            if (stored >= total && t - lastAnalysedAt > STUCK_S * 1000) {
              stuck = total - analysed;
              break;
            }
            if (workers.some((w) => w.exitCode !== null)) throw new Error('a worker exited early (SCALE_DEBUG=1 shows its output)');
            if (t - t0 > INGEST_TIMEOUT_S * 1000) throw new Error(`timeout: ${stored}/${total} stored, ${analysed} analysed`);
            await sleep(250);
          }
        } finally {
          clearInterval(sampler);
        }
        const end = stuck ? lastAnalysedAt : performance.now();
        const seconds = (end - t0) / 1000;
        const fromFirst = (end - firstStoredAt!) / 1000;
        const mem = [...rss.values()].map((s) => (s.length ? `${s[0].toFixed(0)}/${Math.max(...s).toFixed(0)}/${s[s.length - 1].toFixed(0)}` : 'n/a'));
        const text = `  ${nWorkers} worker(s)${flag('ab-rollup') ? (rollup ? ', roll-up trigger on ' : ', roll-up trigger off') : ''}: ${total} posts stored+analysed in ${seconds.toFixed(1)} s from spawn = ${(total / seconds).toFixed(1)} posts/s (${(total / fromFirst).toFixed(1)} posts/s from first stored post; all stored at ${((allStoredAt! - t0) / 1000).toFixed(1)} s); worker RSS start/peak/end MB: ${mem.join(', ')}${stuck ? `; ${stuck} post(s) NEVER analysed (analysis fails and is retried; timed to the last analysed post)` : ''}`;
        console.log(text);
        results.push(text);
      } catch (e) {
        const text = `  ${nWorkers} worker(s)${rollup ? '' : ', roll-up trigger off'}: failed: ${(e as Error).message}`;
        console.log(text);
        results.push(text);
      } finally {
        for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => (w.exitCode !== null ? undefined : Promise.race([new Promise((r) => w.once('exit', r)), sleep(10_000)]))));
        for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
        await db.close();
        await fresh.drop();
      }
    }
  } finally {
    feeds.close();
  }
  console.log(`ingest scaling curve (PostgreSQL, ${SOURCES_N} sources × ${ITEMS_N} items over ${hosts} loopback hosts):`);
  for (const r of results) console.log(r);
}

// ---------------------------------------------------------------- main
const isPg = DB_ARG !== '' && dbKindOf(DB_ARG) === 'postgres';
const REUSE = arg('reuse', '');
if (!flag('no-query')) {
  // --reuse measures a database a previous `--keep` run generated (migrated first, as an upgrade would).
  const fresh: Fresh = REUSE ? { url: REUSE, drop: async () => undefined } : await freshDatabase(DB_ARG);
  const db = await openDatabase(fresh.url);
  try {
    const m0 = performance.now();
    await migrateToLatest(db);
    if (REUSE) console.log(`scale benchmark (${db.kind}): reusing ${REUSE}; migrations took ${((performance.now() - m0) / 1000).toFixed(1)} s`);
    else {
      const g = await generate(db);
      console.log(`scale benchmark (${db.kind}): generated ${POSTS} posts in ${g.postSeconds.toFixed(1)} s (${(POSTS / g.postSeconds).toFixed(0)} posts/s, segmented + full-text indexed), ${CASES} cases, total ${g.seconds.toFixed(1)} s; bench process rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    }
    // What the report.rollup task does within a minute in serve or a worker (PostgreSQL appends deltas).
    const c0 = performance.now();
    const folded = await compactRollup(db.kysely);
    console.log(`  roll-up: folded ${folded} deltas in ${((performance.now() - c0) / 1000).toFixed(1)} s`);
    const departments = (await db.kysely.selectFrom('departments').select('id').orderBy('id').execute()).map((d) => d.id);
    await measure(db, departments);
  } finally {
    await db.close();
    if (flag('keep') || REUSE) console.log(`kept the database: ${fresh.url} (measure it again with --reuse ${fresh.url})`);
    else await fresh.drop();
  }
}
if (isPg && !flag('no-ingest')) await ingest(DB_ARG);
else if (!isPg) console.log('ingest throughput: skipped (needs --db postgres://…)');
