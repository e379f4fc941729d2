/**
 * Past cases at hand (issue 21): lookup time at 100k answered cases, and hit@5 on real message→reply pairs.
 * Usage: npx minsheng bench similar-cases [--cases 100000] [--queries 200] [--db <new SQLite path | postgres://…>]
 *        [--data ../shared/datasets] [--skip-speed] [--skip-quality] [--keep] [--reuse <SQLite file kept by --keep>]
 *
 * Speed: a fresh database with `--cases` closed cases, each with one post (generated texts, or
 * variants of the real teddycup messages when --data holds them), segmented by the product's
 * segmenter, a lead department and an approved, posted reply; the index is built with
 * `indexSimilarCases` (timed), then `--queries` new messages are looked up as the office (every
 * case) and as a responder (department-scoped), after 20 warm-up lookups. Prints p50/p95/max and
 * the load average. --keep leaves the SQLite file (and prints its path); --reuse measures the
 * lookups on such a file again (its index is caught up first).
 *
 * Quality: `teddycup2020c/messages_with_replies_dev.jsonl` under --data (skipped with a message
 * when absent), read in time order: the answering department of each message is the signature of
 * its official reply, or else the first public body the reply names, by its function
 * (`answeringDepartment`: 教育, 住建, 城管执法 …, 17 in all); the oldest 80% become closed cases answered by
 * that department, and each newer message asks for its 5 most similar past cases. A hit: one of
 * them was answered by the same department. Baselines over the same past messages, in the same
 * run: a plain keyword search (SQLite FTS5 over the same segmented words, the query's words
 * joined with OR, BM25 order), and the console's search (every one of the query's 3 strongest
 * words, newest first), and the share of the most frequent department (a guess without the text).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { normalizePost } from '../src/analyze/text/normalize.ts';
import { createSegmenter } from '../src/analyze/text/segment.ts';
import { parseReplySignature } from '../src/analyze/learn/signature.ts';
import type { Actor } from '../src/auth/actor.ts';
import { lookup, indexSimilarCases, termVector, QUERY_TERMS } from '../src/cases/similar.ts';
import { openDatabase, type Db } from '../src/db/connect.ts';
import type { Database } from '../src/db/schema.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { nowIso } from '../src/db/values.ts';
import { corpusFor, rng } from './lib/corpus.ts';
import { freshDatabase } from './lib/throwaway.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const CASES = Number(arg('cases') ?? 100_000);
const QUERIES = Number(arg('queries') ?? 200);
const DATA = arg('data') ?? '../shared/datasets';
const DB_BASE = arg('db') ?? '';
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const seg = createSegmenter();
const office: Actor = { id: null, name: 'bench', role: 'office', departmentId: null, via: 'cli' };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

interface PastItem {
  title: string;
  text: string;
  reply: string;
  department: number;
  at: string;
}

/** Writes answered cases (one post each, closed, an approved and posted reply) in batches. */
async function writeCases(db: Kysely<Database>, items: Iterable<PastItem>, sourceId: number): Promise<Map<number, number>> {
  const caseOfPost = new Map<number, number>();
  let batch: PastItem[] = [];
  let seq = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      const posts = await trx
        .insertInto('posts')
        .values(
          batch.map((b, k) => ({
            source_id: sourceId,
            external_id: `m${seq + k}`,
            dedup_key: `m${seq + k}`,
            url: null,
            title: b.title,
            text: b.text,
            published_at: b.at,
            fetched_at: b.at,
            updated_at: now,
            views: 0,
            replies_count: 0,
            likes: 0,
            reposts: 0,
            abuse: 0,
            department_id: b.department,
            segmented: seg.cut(normalizePost(b)).join(' '),
          })),
        )
        .returning('id')
        .execute();
      const cases = await trx
        .insertInto('cases')
        .values(
          batch.map((b, k) => ({
            number: `B${seq + k}`,
            year: 2020,
            seq: seq + k + 1,
            title: b.title.slice(0, 200),
            state: 'closed' as const,
            level: 'blue' as const,
            lead_department_id: b.department,
            opened_at: b.at,
            closed_at: b.at,
            updated_at: b.at,
            overdue: 0,
          })),
        )
        .returning('id')
        .execute();
      await trx.insertInto('case_posts').values(cases.map((c, k) => ({ case_id: c.id, post_id: posts[k].id }))).execute();
      await trx
        .insertInto('responses')
        .values(cases.map((c, k) => ({ case_id: c.id, body: batch[k].reply, department_id: batch[k].department, status: 'posted' as const, drafted_at: batch[k].at, approved_at: batch[k].at, posted_at: batch[k].at, attachments: '[]', updated_at: batch[k].at })))
        .execute();
      posts.forEach((p, k) => caseOfPost.set(p.id, cases[k].id));
    });
    seq += batch.length;
    batch = [];
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return caseOfPost;
}

async function departments(db: Kysely<Database>, names: string[]): Promise<number[]> {
  const now = nowIso();
  const rows = await db
    .insertInto('departments')
    .values(names.map((name, i) => ({ code: `d${i}`, name, phone: null, is_office: 0, created_at: now, updated_at: now })))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

async function source(db: Kysely<Database>): Promise<number> {
  const now = nowIso();
  const s = await db
    .insertInto('sources')
    .values({ name: '问政平台', kind: 'import', url: null, config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return s.id;
}

const DEPARTMENTS = ['建设科', '住房保障科', '城管执法大队', '交通运输局', '生态环境局', '教育局', '卫生健康局', '市场监管局', '人社局', '自然资源局'];

async function speed(): Promise<void> {
  const corpus = corpusFor(existsSync(DATA) ? DATA : null, 21);
  const reuse = arg('reuse');
  const fresh = reuse ? { url: reuse, drop: async () => undefined } : await freshDatabase(DB_BASE, 'minsheng_bench_similar');
  const db: Db = await openDatabase(fresh.url);
  try {
    await migrateToLatest(db);
    const k = db.kysely;
    if (reuse) {
      const depts = (await k.selectFrom('departments').select('id').orderBy('id').execute()).map((d) => d.id);
      const n = Number((await k.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      console.log(`speed: reusing ${reuse} (${n} cases) on ${db.kind}; cores ${availableParallelism()}, load ${load()}`);
      const t0 = performance.now();
      const caught = await indexSimilarCases(k, n + 1);
      console.log(`  index caught up ${caught} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await measure(k, depts, corpus, n);
      return;
    }
    const depts = await departments(k, DEPARTMENTS);
    const sourceId = await source(k);
    const r = rng(7);
    const start = Date.parse('2024-01-01T00:00:00Z');
    console.log(`speed: ${CASES} answered cases from ${corpus.kind}, on ${db.kind}; cores ${availableParallelism()}, load ${load()}`);
    let t0 = performance.now();
    function* items(): Generator<PastItem> {
      for (let i = 0; i < CASES; i++) {
        const p = corpus.next(i);
        const d = depts[Math.floor(r() * depts.length)];
        yield { ...p, department: d, at: new Date(start + i * 600_000).toISOString(), reply: `网友您好！感谢您对我们工作的关注。关于您反映的“${p.title}”，经核实，已安排专人现场处理。如有疑问，请致电 0571-8123${String(i % 10000).padStart(4, '0')}。` };
      }
    }
    await writeCases(k, items(), sourceId);
    console.log(`  wrote ${CASES} cases with posts and replies in ${((performance.now() - t0) / 1000).toFixed(1)} s (segmenting included), load ${load()}`);
    t0 = performance.now();
    const indexed = await indexSimilarCases(k, CASES + 1);
    const rows = await k.selectFrom('case_terms').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    console.log(`  index: ${indexed} cases, ${Number(rows.n)} term rows in ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${load()}`);
    await measure(k, depts, corpus, CASES);
    if (flag('keep') && db.kind === 'sqlite') console.log(`  kept ${fresh.url} (--reuse it)`);
  } finally {
    await db.close();
    if (!flag('keep')) await fresh.drop();
  }
}

async function measure(k: Kysely<Database>, depts: number[], corpus: ReturnType<typeof corpusFor>, cases: number): Promise<void> {
  {
    const responder: Actor = { id: null, name: 'bench-responder', role: 'responder', departmentId: depts[0], via: 'cli' };
    const queries = Array.from({ length: QUERIES + 20 }, (_, i) => seg.cut(normalizePost(corpus.next(cases + 7919 * (i + 1)))).join(' '));
    for (const actor of [office, responder]) {
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < queries.length; i++) {
        const t = performance.now();
        const res = await lookup(k, actor, [queries[i]], [], { limit: 5 });
        if (i >= 20) {
          times.push(performance.now() - t);
          if (res.cases.length) found++;
        }
      }
      times.sort((a, b) => a - b);
      console.log(
        `  lookup as ${actor.role.padEnd(9)} (${QUERIES} queries, 5 answers with replies): p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; ${found} found cases; load ${load()}`,
      );
    }
    // Baseline in the same run (SQLite): the plain keyword search over the same posts, the same words OR-ed, BM25 order.
    const kind = (await sql<{ n: number }>`select count(*) as n from sqlite_master where name = 'posts_fts'`.execute(k).catch(() => ({ rows: [] as { n: number }[] }))).rows[0]?.n;
    if (kind) {
      const times: number[] = [];
      for (let i = 0; i < queries.length; i++) {
        const words = termVector([queries[i]], QUERY_TERMS).map((x) => `"${x.word.replace(/"/g, '')}"`);
        const t = performance.now();
        if (words.length) await sql`select rowid from posts_fts where posts_fts match ${words.join(' OR ')} order by bm25(posts_fts) limit 5`.execute(k);
        if (i >= 20) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(`  baseline: keyword search (FTS5, same words OR-ed, BM25, no scope, no replies): p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms; load ${load()}`);
    }
  }
}

interface Message {
  title: string;
  text: string;
  reply: string;
  at: number;
  department: string;
}

/**
 * The department a reply comes from, as one of the functional departments below: few teddycup
 * replies are signed, so the first public body the reply names (its signature first, then the
 * bodies it mentions: "已转交县住建局", "请与我乡政府联系", "经交警大队核实") is read as the
 * answering department, by the function its name carries. Null when the reply names none.
 */
const FUNCTIONS: [string, RegExp][] = [
  ['教育', /教育|学校|教委/],
  ['公安交警', /交警|交通警察/],
  ['公安', /公安|派出所|警/],
  ['交通运输', /交通|运输|公路|道路运输|公交/],
  ['住建', /住建|住房和城乡建设|城乡建设|建设局|建委|房产|房管|物业/],
  ['城管执法', /城管|城市管理|行政执法|执法局/],
  ['人社', /人社|人力资源|社会保障|社保|劳动/],
  ['公积金', /公积金/],
  ['自然资源', /国土|不动产|自然资源|规划/],
  ['卫健', /卫生|卫健|计划生育|医院|医保|医疗保障/],
  ['生态环境', /环保|环境保护|生态环境/],
  ['市场监管', /市场监|工商|食品药品|质监|物价/],
  ['民政', /民政|残联|老龄/],
  ['水电气', /电力|供电|水务|自来水|燃气|供水/],
  ['农业农村', /农业|农村|林业|水利|畜牧/],
  ['乡镇街道', /乡|镇|街道|社区|村委/],
  ['政府办', /人民政府|政府办|县委|市委|区委|党委/],
];
const BODY = /[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|管理处|中心|政府|办事处|派出所|支队|大队|管委会|医院|公司|社区|街道|党委)/g;
function answeringDepartment(reply: string): string | null {
  const names = [parseReplySignature(reply) ?? '', ...(reply.replace(/[A-Z][0-9]*(?:市|区|县)/g, '').match(BODY) ?? []).filter((n) => !/有关|相关|上级|职能|主管|各级/.test(n))];
  for (const n of names) {
    if (!n) continue;
    const f = FUNCTIONS.find(([, re]) => re.test(n));
    if (f) return f[0];
  }
  return null;
}

function readMessages(path: string): Message[] {
  const out: Message[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as Record<string, unknown>;
    const reply = String(m['答复意见'] ?? '');
    const department = answeringDepartment(reply);
    const d = /^(\d{4})\/(\d{1,2})\/(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(String(m['留言时间'] ?? ''));
    const at = d ? Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4] - 8, +d[5], +d[6]) : NaN;
    if (!department || Number.isNaN(at)) continue;
    out.push({ title: String(m['留言主题'] ?? ''), text: String(m['留言详情'] ?? '').replace(/\s+/g, ''), reply, at, department });
  }
  return out.sort((a, b) => a.at - b.at);
}

async function quality(): Promise<void> {
  const path = join(DATA, 'teddycup2020c', 'messages_with_replies_dev.jsonl');
  if (!existsSync(path)) {
    console.log(`quality: skipped (no ${path}; give --data <shared datasets directory>)`);
    return;
  }
  const messages = readMessages(path);
  const cut = Math.floor(messages.length * 0.8);
  const past = messages.slice(0, cut);
  const newer = messages.slice(cut);
  const names = [...new Set(messages.map((m) => m.department))];
  const fresh = await freshDatabase('', 'minsheng_bench_similar_q');
  const db = await openDatabase(fresh.url);
  try {
    await migrateToLatest(db);
    const k = db.kysely;
    const ids = await departments(k, names);
    const idOf = new Map(names.map((n, i) => [n, ids[i]]));
    const sourceId = await source(k);
    await writeCases(k, past.map((m) => ({ title: m.title, text: m.text, reply: m.reply, department: idOf.get(m.department)!, at: new Date(m.at).toISOString() })), sourceId);
    await indexSimilarCases(k, past.length + 1);
    const caseDept = new Map((await k.selectFrom('cases').select(['id', 'lead_department_id']).execute()).map((c) => [c.id, c.lead_department_id]));
    const postDept = new Map((await k.selectFrom('posts').select(['id', 'department_id']).execute()).map((p) => [p.id, p.department_id]));
    const counts = new Map<string, number>();
    for (const m of past) counts.set(m.department, (counts.get(m.department) ?? 0) + 1);
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    const top5 = new Set(top.slice(0, 5).map(([n]) => n));
    let ours = 0;
    let ours1 = 0;
    let bm25 = 0;
    let bm251 = 0;
    let console3 = 0;
    let prior = 0;
    const empty = { ours: 0, bm25: 0, console: 0 };
    const times: number[] = [];
    for (const m of newer) {
      const want = idOf.get(m.department);
      const segmented = seg.cut(normalizePost(m)).join(' ');
      const t = performance.now();
      const res = await lookup(k, office, [segmented], [], { limit: 5 });
      times.push(performance.now() - t);
      const got = res.cases.map((c) => caseDept.get(c.id));
      if (got.includes(want)) ours++;
      if (got[0] === want) ours1++;
      if (got.length === 0) empty.ours++;
      const words = termVector([segmented], QUERY_TERMS).map((x) => x.word);
      const quoted = (w: string[]) => w.map((x) => `"${x.replace(/"/g, '')}"`);
      let kw: { id: number }[] = [];
      if (words.length) {
        kw = (await sql<{ id: number }>`select rowid as id from posts_fts where posts_fts match ${quoted(words).join(' OR ')} order by bm25(posts_fts) limit 5`.execute(k)).rows;
      }
      const kwDept = kw.map((p) => postDept.get(p.id));
      if (kwDept.includes(want)) bm25++;
      if (kwDept[0] === want) bm251++;
      if (kw.length === 0) empty.bm25++;
      let all: { id: number }[] = [];
      if (words.length) {
        all = (await sql<{ id: number }>`select posts.id from posts_fts join posts on posts.id = posts_fts.rowid where posts_fts match ${quoted(words.slice(0, 3)).join(' AND ')} order by posts.published_at desc limit 5`.execute(k)).rows;
      }
      if (all.map((p) => postDept.get(p.id)).includes(want)) console3++;
      if (all.length === 0) empty.console++;
      if (top5.has(m.department)) prior++;
    }
    times.sort((a, b) => a - b);
    const share = (n: number) => `${((100 * n) / newer.length).toFixed(1)}%`;
    console.log(`quality: ${messages.length} messages whose reply names its department (${names.length} departments); ${past.length} oldest as answered cases, ${newer.length} newer as queries; load ${load()}`);
    console.log(`  similar cases (this feature)      hit@5 ${share(ours)}  hit@1 ${share(ours1)}  (no answer for ${empty.ours})`);
    console.log(`  keyword search, OR + BM25 (FTS5)  hit@5 ${share(bm25)}  hit@1 ${share(bm251)}  (no answer for ${empty.bm25})`);
    console.log(`  console search, 3 words AND       hit@5 ${share(console3)}  (no answer for ${empty.console})`);
    console.log(`  the 5 most frequent departments   hit@5 ${share(prior)}  (a guess without the text)`);
    console.log(`  lookup time at ${past.length} cases: p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms`);
  } finally {
    await db.close();
    await fresh.drop();
  }
}

if (!flag('skip-quality')) await quality();
if (!flag('skip-speed')) await speed();
