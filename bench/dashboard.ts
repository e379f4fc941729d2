import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { cliActor } from '../src/auth/actor.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createLogger } from '../src/log.ts';
import { buildApp } from '../src/server/app.ts';
import { applyWorkspace } from '../src/workspace/workspace.ts';

/**
 * Benchmark: how fast the console's 总览 answers (GET /api/reports/dashboard, through the real
 * HTTP server with a logged-in office user) over N posts spread across the last 30 days, with
 * events, cases and alerts. Prints the cold first answer and the median/p95/max of the runs.
 * Usage: npx tsx bench/dashboard.ts [--posts 100000] [--runs 30] [--db postgres://…] [--vacuum]
 * --vacuum first runs VACUUM ANALYZE (PostgreSQL) / ANALYZE (SQLite), the state autovacuum
 * reaches on a table in service (PostgreSQL answers counts from an index only after it).
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const POSTS = Number(arg('posts', '100000'));
const RUNS = Number(arg('runs', '30'));
const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-dash-'));
const url = arg('db', join(dir, 'bench.db'));

let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];

const TOPICS = ['城乡建设/道路建设', '城乡建设/房地产市场', '城乡建设/物业管理', '城乡建设/市政设施', '城乡建设/违法建设', '城乡建设/征地拆迁'];
const LEVELS = ['blue', 'blue', 'blue', 'yellow', 'yellow', 'orange', 'red'];
const SENTIMENTS = ['negative', 'negative', 'neutral', 'neutral', 'neutral', 'positive'];
const STATES = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'replied', 'following_up', 'closed', 'closed', 'closed'];
const PASSWORD = 'bench-password-1';

const db = await openDatabase(url);
try {
  await migrateToLatest(db);
  await applyWorkspace(
    db.kysely,
    cliActor(),
    `departments:
  - { code: office, name: 局办公室, office: true }
  - { code: jsk, name: 建设科 }
  - { code: fdc, name: 房地产科 }
  - { code: wyk, name: 物业科 }
users:
  - { username: office1, name: 办公室, role: office, department: office, password: "${PASSWORD}" }
`,
  );
  const depts = (await db.kysely.selectFrom('departments').select('id').execute()).map((d) => d.id);
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const source = await db.kysely
    .insertInto('sources')
    .values({ name: 'bench', kind: 'manual', url: null, config: '{}', interval_seconds: 300, weight: 1, department_id: null, paused: 0, error_streak: 0, created_at: iso(now), updated_at: iso(now) } as never)
    .returning('id')
    .executeTakeFirstOrThrow();

  const t0 = performance.now();
  const EVENTS = Math.max(1, Math.floor(POSTS / 50));
  const eventRows = [];
  for (let i = 0; i < EVENTS; i++) {
    const at = now - rnd() * 30 * 86400_000;
    eventRows.push({ title: `事件 ${i}`, signature: null, topic: pick(TOPICS), first_seen_at: iso(at), last_seen_at: iso(at + rnd() * 86400_000), post_count: 50, risk_level: pick(LEVELS), burst: rnd() < 0.05 ? 1 : 0, created_at: iso(at), updated_at: iso(at) });
  }
  for (let i = 0; i < eventRows.length; i += 500) await db.kysely.insertInto('events').values(eventRows.slice(i, i + 500) as never).execute();

  const BATCH = 500;
  for (let i = 0; i < POSTS; i += BATCH) {
    const rows = [];
    for (let j = i; j < Math.min(POSTS, i + BATCH); j++) {
      const at = now - rnd() * 30 * 86400_000;
      const sentiment = pick(SENTIMENTS);
      const place = pick(['建设路', '锦绣华庭', '翡翠湾', '人民大道']);
      const issue = pick(['施工太慢', '延期交房', '物业乱收费', '路灯不亮', '违章搭建']);
      rows.push({
        source_id: source.id,
        external_id: `p${j}`,
        dedup_key: `bench:${j}`,
        url: `https://bbs.example.gov.cn/thread-${j}-1-1.html`,
        title: `${place}${issue} ${j}`,
        text: `${place}${issue}，附近居民反映多次，希望有关部门尽快处理。`,
        // As analysis stores it: the jieba-segmented title and text, space separated.
        segmented: `${place} ${issue} 附近 居民 反映 多次 希望 有关部门 尽快 处理`,
        author: `网友${j % 997}`,
        published_at: iso(at),
        fetched_at: iso(at + 60_000),
        updated_at: iso(at + 60_000),
        views: Math.floor(rnd() * 5000),
        replies_count: Math.floor(rnd() * 50),
        likes: Math.floor(rnd() * 100),
        reposts: Math.floor(rnd() * 20),
        event_id: 1 + Math.floor(rnd() * EVENTS),
        sentiment_label: sentiment,
        sentiment_score: sentiment === 'negative' ? -0.6 : sentiment === 'positive' ? 0.5 : 0,
        topic: pick(TOPICS),
        department_id: pick(depts),
        risk_level: pick(LEVELS),
        risk_score: Math.floor(rnd() * 100),
        abuse: 0,
        analysis: null,
        analyzed_at: iso(at + 61_000),
      });
    }
    await db.kysely.insertInto('posts').values(rows as never).execute();
  }
  const CASES = Math.floor(POSTS / 100);
  const caseRows = [];
  for (let i = 0; i < CASES; i++) {
    const at = now - rnd() * 30 * 86400_000;
    const state = pick(STATES);
    const replied = state === 'replied' || state === 'following_up' || state === 'closed';
    caseRows.push({
      number: `2026-${String(i + 1).padStart(5, '0')}`,
      year: 2026,
      seq: i + 1,
      title: `处置单 ${i}`,
      summary: null,
      state,
      level: pick(LEVELS),
      lead_department_id: pick(depts),
      opened_by: null,
      opened_at: iso(at),
      deadline_at: iso(at + 8 * 3600_000),
      deadline_kind: 'same_day',
      overdue: !replied && rnd() < 0.3 ? 1 : 0,
      closed_at: state === 'closed' ? iso(at + 2 * 86400_000) : null,
      replied_at: replied ? iso(at + rnd() * 12 * 3600_000) : null,
      updated_at: iso(at),
    });
  }
  for (let i = 0; i < caseRows.length; i += 500) await db.kysely.insertInto('cases').values(caseRows.slice(i, i + 500) as never).execute();
  if (process.argv.includes('--vacuum')) await sql.raw(db.kind === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db.kysely);
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);

  const app = await buildApp(createContext(db, loadConfig({ ...process.env }), createLogger('silent')));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'office1', password: PASSWORD }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const once = async () => {
      const s = performance.now();
      const res = await fetch(`${base}/api/reports/dashboard`, { headers: { cookie } });
      const body = (await res.json()) as { today?: { posts: number } };
      if (res.status !== 200) throw new Error(`dashboard answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      return performance.now() - s;
    };
    const cold = await once();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await once());
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    console.log(`dashboard benchmark (${db.kind}): ${POSTS} posts over 30 days, ${EVENTS} events, ${CASES} cases (generated in ${seconds} s${process.argv.includes('--vacuum') ? ', then vacuumed/analyzed' : ''})`);
    console.log(`  GET /api/reports/dashboard  cold ${cold.toFixed(0)} ms; ${RUNS} runs: median ${q(0.5).toFixed(0)} ms, p95 ${q(0.95).toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms  (target < 200 ms)`);
  } finally {
    await app.close();
  }
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
