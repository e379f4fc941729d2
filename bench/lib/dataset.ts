import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { cliActor } from '../../src/auth/actor.ts';
import { createAnalyzer } from '../../src/analyze/analyzer.ts';
import { learnExamples } from '../../src/analyze/learn/labels.ts';
import { eventTitle } from '../../src/analyze/events/linker.ts';
import { bandKeys, signatureHex } from '../../src/analyze/events/minhash.ts';
import { DEFAULT_TAXONOMY } from '../../src/analyze/topic/default-taxonomy.ts';
import { formatCaseNumber } from '../../src/cases/numbering.ts';
import { normaliseForSimilarity } from '../../src/collect/dedup.ts';
import { hammingDistance, simhash, simhashHex } from '../../src/collect/simhash.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { toJson } from '../../src/db/values.ts';
import { atLeast, type RiskLevel } from '../../src/levels.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { corpusFor, rng } from './corpus.ts';
import { freshDatabase, type Fresh } from './throwaway.ts';

/**
 * A workspace of realistic size for the benchmarks, built the way the product writes it and
 * kept for reuse: posts (real or generated texts, see corpus.ts) analysed by the product's own
 * analyzer (`createAnalyzer`, with the workspace's rules, taxonomy and a model learned from
 * labelled examples; events linked and bursts found as `minsheng analyze` does), with the
 * store's SimHash and near-duplicate links, segmented text (full-text index filled by the
 * migration's triggers), the daily roll-up (its triggers), a metrics row per post, events with
 * their LSH band keys, the alerts the watch rules raised, and cases with their posts. Posts
 * span `days` days up to the build time, denser towards the present as real traffic grows.
 *
 * Built once into a SQLite file under the cache directory (`~/.cache/minsheng-bench`, or
 * MINSHENG_BENCH_CACHE); each benchmark measures a copy of it (a SQLite file copy, or a
 * PostgreSQL database filled from it), so every run starts from the same data. A kept dataset
 * older than `maxAgeHours` is rebuilt, since its "today" has moved on.
 */
export interface DatasetOptions {
  posts: number;
  cases?: number;
  days?: number;
  seed?: number;
  /** The shared datasets directory for real texts; null or absent: generated texts. */
  data?: string | null;
  /** Rebuild even when a kept one exists. */
  rebuild?: boolean;
  maxAgeHours?: number;
  log?: (line: string) => void;
}

export interface DatasetInfo {
  path: string;
  posts: number;
  events: number;
  alerts: number;
  cases: number;
  corpus: string;
  builtAt: string;
  buildSeconds: number;
  /** The share of posts in the last 7 days and on the build day (Beijing), for reading the figures. */
  lastWeek: number;
  today: number;
}

const DAY = 86_400_000;

export const DATASET_DEPARTMENTS = [
  { code: 'office', name: '局办公室', office: true },
  { code: 'jsk', name: '建设科' },
  { code: 'fdc', name: '房地产市场监管科' },
  { code: 'wyk', name: '物业管理科' },
  { code: 'csk', name: '城市管理科' },
  { code: 'zsb', name: '征收办' },
  { code: 'hbk', name: '环境保护科' },
  { code: 'szk', name: '市政设施科' },
] as const;

const OWNERS: Record<string, string> = {
  '城乡建设/道路建设': 'jsk',
  '城乡建设/建筑施工': 'jsk',
  '城乡建设/房地产市场': 'fdc',
  '城乡建设/住房保障': 'fdc',
  '城乡建设/物业管理': 'wyk',
  '城乡建设/城管执法': 'csk',
  '城乡建设/违法建设': 'csk',
  '城乡建设/征地拆迁': 'zsb',
  环境保护: 'hbk',
  '城乡建设/市政设施': 'szk',
  '城乡建设/供水供电供气': 'szk',
};

/** Sources of the dataset: entrances nobody polls (pushes and imports), so a serving process leaves them alone. */
export const DATASET_SOURCES = ['市长信箱', '问政平台', '12345热线导入', '本地论坛推送', '微博推送', '新闻客户端推送', '县论坛推送', '网络问政导入'] as const;

/** Six watch rules, as an office has them. */
const RULES = [
  { name: '房屋质量', expression: '(漏水 OR 开裂) AND 开发商', department: 'fdc', min_level: 'blue' },
  { name: '夜间施工', expression: '"夜间施工" AND (凌晨 OR 打桩)', department: 'jsk', min_level: 'blue' },
  { name: '强拆', expression: '强拆 OR (拆迁 AND 过渡费)', department: 'zsb', min_level: 'yellow' },
  { name: '延期交房', expression: '"延期交房" AND 业主', department: 'fdc', min_level: 'yellow' },
  { name: '欠薪', expression: '讨薪 AND 农民工', min_level: 'yellow' },
  { name: '偷排污染', expression: '偷排 OR 焚烧垃圾', department: 'hbk', min_level: 'blue' },
];

function workspaceYaml(): string {
  const lines: string[] = ['version: 1', 'departments:'];
  for (const d of DATASET_DEPARTMENTS) lines.push(`  - { code: ${d.code}, name: ${d.name}${'office' in d ? ', office: true' : ''} }`);
  lines.push('sources:');
  DATASET_SOURCES.forEach((name, i) => lines.push(`  - { name: ${name}, kind: ${i % 3 === 2 ? 'import' : 'push'}, interval: 1h }`));
  lines.push('watch_rules:');
  for (const r of RULES) lines.push(`  - { name: ${r.name}, expression: ${JSON.stringify(r.expression)}, min_level: ${r.min_level}${r.department ? `, department: ${r.department}` : ''} }`);
  lines.push('channels:');
  // Disabled: the dataset's alerts count in the figures, but a serving process delivers only what a benchmark adds.
  lines.push('  - { name: 办公室群, kind: webhook, min_level: blue, enabled: false, config: { url: "http://127.0.0.1:9/hook", secret: dataset-secret } }');
  lines.push('  - { name: 领导群, kind: webhook, min_level: orange, enabled: false, config: { url: "http://127.0.0.1:9/leaders", secret: dataset-secret } }');
  lines.push('taxonomy:');
  for (const t of DEFAULT_TAXONOMY) {
    lines.push(`  - path: ${JSON.stringify(t.path)}`);
    if (t.keywords.length) lines.push(`    keywords: ${JSON.stringify(t.keywords)}`);
    if (OWNERS[t.path]) lines.push(`    department: ${OWNERS[t.path]}`);
  }
  return `${lines.join('\n')}\n`;
}

export function cacheDir(): string {
  return process.env.MINSHENG_BENCH_CACHE || join(homedir(), '.cache', 'minsheng-bench');
}

/** Bump when what the builder writes changes, so kept datasets are rebuilt. */
const BUILDER_VERSION = 2;

function datasetName(o: Required<Pick<DatasetOptions, 'posts' | 'cases' | 'days' | 'seed'>> & { corpus: string }): string {
  return `ds-v${BUILDER_VERSION}-${o.posts}-${o.cases}c-${o.days}d-s${o.seed}-${o.corpus.startsWith('real') ? 'real' : 'gen'}`;
}

/** The kept dataset for these options, built first when missing or stale. */
export async function ensureDataset(opts: DatasetOptions): Promise<DatasetInfo> {
  const o = { cases: 10_000, days: 90, seed: 20260901, maxAgeHours: 20, data: null, rebuild: false, log: (l: string) => console.log(l), ...opts };
  const corpus = corpusFor(o.data, o.seed);
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  const name = datasetName({ ...o, corpus: corpus.kind });
  const path = join(dir, `${name}.db`);
  const infoPath = join(dir, `${name}.json`);
  if (!o.rebuild && existsSync(path) && existsSync(infoPath)) {
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as DatasetInfo;
    const ageH = (Date.now() - Date.parse(info.builtAt)) / 3_600_000;
    if (ageH < o.maxAgeHours) {
      o.log(`dataset: reusing ${path} (${info.posts} posts, built ${ageH.toFixed(1)} h ago in ${info.buildSeconds.toFixed(0)} s; ${info.corpus})`);
      return info;
    }
    o.log(`dataset: ${path} is ${ageH.toFixed(1)} h old; rebuilding`);
  }
  const building = `${path}.building`;
  for (const p of [building, `${building}-wal`, `${building}-shm`]) rmSync(p, { force: true });
  const db = await openDatabase(building);
  let info: DatasetInfo;
  try {
    await migrateToLatest(db);
    info = await build(db, { ...o, corpusKind: corpus.kind, next: corpus.next });
  } finally {
    await db.close();
  }
  renameSync(building, path);
  info.path = path;
  writeFileSync(infoPath, JSON.stringify(info, null, 2));
  return info;
}

interface EventAcc {
  id: number;
  title: string;
  signature: string;
  keys: string[];
  topic: string | null;
  department: number | null;
  first: string;
  last: string;
  count: number;
  risk: RiskLevel;
}

async function build(
  db: Db,
  o: Required<Pick<DatasetOptions, 'posts' | 'cases' | 'days' | 'seed'>> & { log: (l: string) => void; corpusKind: string; next: (i: number) => { title: string; text: string; sentiment?: string } },
): Promise<DatasetInfo> {
  const k = db.kysely;
  const t0 = performance.now();
  const r = rng(o.seed + 1);
  await applyWorkspace(k, cliActor(), workspaceYaml());
  const departments = new Map((await k.selectFrom('departments').select(['id', 'code', 'name']).execute()).flatMap((d) => [[d.code, d.id] as const, [d.name, d.id] as const]));
  const sources = await k.selectFrom('sources').select(['id', 'name', 'weight']).orderBy('id').execute();
  const rules = new Map((await k.selectFrom('watch_rules').select(['id', 'name', 'department_id', 'min_level']).execute()).map((w) => [w.id, w]));
  const channels = await k.selectFrom('channels').select(['id', 'min_level']).orderBy('id').execute();

  // A learned model, as a workspace that has corrected posts has (generated, labelled by their generator).
  const labelled = corpusFor(null, o.seed + 7).next;
  const examples = Array.from({ length: 1500 }, (_, i) => {
    const p = labelled(i);
    return { title: p.title, text: p.text, sentiment: p.sentiment as 'negative' | 'neutral' | 'positive' };
  });
  await learnExamples(k, cliActor(), examples, 'cli');
  const analyzer = await createAnalyzer(k);

  const end = Date.now() - 60_000;
  const start = end - o.days * DAY;
  const events = new Map<string | number, EventAcc>();
  let nextEvent = 1;
  // Near-duplicates as the store links them: recent SimHashes by 16-bit band (exact band match then distance).
  const recent: { id: number; source: number; hash: bigint; at: number; root: number }[] = [];
  const bands = new Map<string, number[]>();
  let recentFrom = 0;
  let alerts = 0;
  const alertSeen = new Set<string>();
  let lastWeek = 0;
  let today = 0;
  const todayStart = Math.floor((end + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;

  const TX = 20_000;
  const BATCH = 400;
  const postRows: Record<string, unknown>[] = [];
  const metricRows: Record<string, unknown>[] = [];
  const alertRows: Record<string, unknown>[] = [];
  let lastLog = performance.now();
  const flush = async (trx: typeof k) => {
    for (let i = 0; i < postRows.length; i += BATCH) await trx.insertInto('posts').values(postRows.slice(i, i + BATCH) as never).execute();
    for (let i = 0; i < metricRows.length; i += BATCH * 2) await trx.insertInto('post_metrics').values(metricRows.slice(i, i + BATCH * 2) as never).execute();
    for (let i = 0; i < alertRows.length; i += BATCH) await trx.insertInto('alerts').values(alertRows.slice(i, i + BATCH) as never).execute();
    postRows.length = metricRows.length = alertRows.length = 0;
  };
  // Events are written after the posts (the build connection defers the foreign key), once their counts are known.
  await sql`pragma foreign_keys = off`.execute(k);
  for (let done = 0; done < o.posts; ) {
    const txEnd = Math.min(o.posts, done + TX);
    await k.transaction().execute(async (trx) => {
      for (let i = done; i < txEnd; i++) {
        const id = i + 1;
        const f = (i + r()) / o.posts;
        const pub = end - Math.pow(1 - f, 1.3) * o.days * DAY;
        const fetched = pub + 30_000 + r() * 570_000;
        const source = sources[i % sources.length];
        const post = o.next(i);
        const views = Math.floor(Math.pow(r(), 3) * 20_000);
        const metrics = { views, replies: Math.floor((views / 200) * r()), likes: Math.floor((views / 50) * r()), reposts: Math.floor((views / 500) * r()) };
        const publishedAt = new Date(pub).toISOString();
        const fetchedAt = new Date(fetched).toISOString();
        const prepared = analyzer.prepare({
          id,
          title: post.title,
          text: post.text,
          author: `网友${Math.floor(r() * 50_000)}`,
          source: source.name,
          sourceId: source.id,
          sourceWeight: Number(source.weight),
          published_at: publishedAt,
          metrics,
          velocity: null,
        });
        const result = analyzer.link(prepared);
        let eventId: number | null = null;
        const departmentId = result.department ? (departments.get(result.department) ?? null) : null;
        if (result.event !== null) {
          let e = events.get(result.event);
          if (!e) {
            e = {
              id: nextEvent++,
              title: eventTitle(prepared.title, prepared.text),
              signature: signatureHex(prepared.signature),
              keys: [...bandKeys(prepared.signature), ...(prepared.names ?? []).map((n: string) => `n:${n}`)],
              topic: result.topic,
              department: departmentId,
              first: publishedAt,
              last: publishedAt,
              count: 0,
              risk: result.risk.level,
            };
            events.set(result.event, e);
          }
          e.count++;
          e.department ??= departmentId;
          if (publishedAt > e.last) e.last = publishedAt;
          if (publishedAt < e.first) e.first = publishedAt;
          if (atLeast(result.risk.level, e.risk)) e.risk = result.risk.level;
          eventId = e.id;
          result.event = e.id;
        }
        // SimHash and the near-duplicate link, as collect/store.ts computes them.
        const norm = normaliseForSimilarity(post.title, post.text);
        const hash = norm.length >= 20 ? simhash(norm) : null;
        let dupOf: number | null = null;
        if (hash !== null) {
          while (recentFrom < recent.length && recent[recentFrom].at < pub - 3 * DAY) recentFrom++;
          const hex = simhashHex(hash);
          let best: (typeof recent)[number] | null = null;
          let bestD = 7;
          for (let b = 0; b < 4; b++) {
            for (const idx of bands.get(`${b}${hex.slice(b * 4, b * 4 + 4)}`) ?? []) {
              if (idx < recentFrom) continue;
              const c = recent[idx];
              if (c.source === source.id) continue;
              const d = hammingDistance(c.hash, hash);
              if (d < bestD || (d === bestD && best && c.root < best.root)) {
                best = c;
                bestD = d;
              }
            }
          }
          dupOf = best ? best.root : null;
          const idx = recent.push({ id, source: source.id, hash, at: pub, root: dupOf ?? id }) - 1;
          for (let b = 0; b < 4; b++) {
            const key = `${b}${hex.slice(b * 4, b * 4 + 4)}`;
            const list = bands.get(key);
            if (list) {
              while (list.length && list[0] < recentFrom) list.shift();
              list.push(idx);
            } else bands.set(key, [idx]);
          }
        }
        postRows.push({
          id,
          source_id: source.id,
          external_id: `m${id}`,
          dedup_key: `id:m${id}`,
          url: `https://bbs.example.gov.cn/thread-${id}-1-1.html`,
          title: post.title.slice(0, 1000),
          text: post.text,
          content_html: null,
          author: `网友${Math.floor(r() * 50_000)}`,
          published_at: publishedAt,
          fetched_at: fetchedAt,
          updated_at: fetchedAt,
          views: metrics.views,
          replies_count: metrics.replies,
          likes: metrics.likes,
          reposts: metrics.reposts,
          near_duplicate_of: dupOf,
          event_id: eventId,
          sentiment_label: result.sentiment.label,
          sentiment_score: result.sentiment.score,
          topic: result.topic,
          department_id: departmentId,
          risk_level: result.risk.level,
          risk_score: result.risk.score,
          abuse: result.abuse.flagged ? 1 : 0,
          analysis: toJson(result),
          analyzed_at: new Date(fetched + 2_000).toISOString(),
          segmented: prepared.language.tokens.join(' '),
          simhash: hash === null ? null : simhashHex(hash),
          extra: null,
        });
        metricRows.push({ post_id: id, at: fetchedAt, views: metrics.views, replies: metrics.replies, likes: metrics.likes, reposts: metrics.reposts });
        // The alerts the watch rules raised (delivered long ago), as alert/hook.ts keys them.
        const matter = eventId ? `event:${eventId}` : `post:${id}`;
        const seen = new Set<number>();
        for (const m of result.rules) {
          const rule = m.ruleId ? rules.get(m.ruleId) : undefined;
          if (!rule || seen.has(rule.id) || !atLeast(result.risk.level, rule.min_level)) continue;
          seen.add(rule.id);
          for (const ch of channels) {
            if (!atLeast(result.risk.level, ch.min_level)) continue;
            const key = `${matter}|rule-id:${rule.id}`;
            // a matter alerts each channel once: later posts of the event add nothing
            if (alertSeen.has(`${key}|ch${ch.id}`)) continue;
            alertSeen.add(`${key}|ch${ch.id}`);
            alertRows.push({
              idempotency_key: `${key}|ch${ch.id}`,
              post_id: id,
              event_id: eventId,
              rule_id: rule.id,
              channel_id: ch.id,
              kind: eventId ? 'event' : 'post',
              level: result.risk.level,
              title: post.title.slice(0, 60),
              body: post.text.slice(0, 200),
              status: 'sent',
              attempts: 1,
              next_attempt_at: fetchedAt,
              sent_at: new Date(fetched + 3_000).toISOString(),
              acknowledged_at: r() < 0.7 ? new Date(fetched + 600_000).toISOString() : null,
              created_at: new Date(fetched + 2_000).toISOString(),
              matter_key: key,
              department_id: rule.department_id ?? departmentId,
            });
          }
        }
        if (pub >= end - 7 * DAY) lastWeek++;
        if (pub >= todayStart) today++;
      }
      alerts += alertRows.length;
      await flush(trx as never);
    });
    done = txEnd;
    if (performance.now() - lastLog > 20_000 || done === o.posts) {
      lastLog = performance.now();
      o.log(`  … ${done} posts analysed and stored (${((performance.now() - t0) / 1000).toFixed(0)} s, ${events.size} events, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB)`);
    }
  }
  // Events and their band keys.
  const evs = [...events.values()].sort((a, b) => a.id - b.id);
  await k.transaction().execute(async (trx) => {
    for (let i = 0; i < evs.length; i += BATCH) {
      const part = evs.slice(i, i + BATCH);
      await trx
        .insertInto('events')
        .values(part.map((e) => ({ id: e.id, title: e.title, signature: e.signature, topic: e.topic, department_id: e.department, first_seen_at: e.first, last_seen_at: e.last, post_count: e.count, risk_level: e.risk, burst: 0, created_at: e.first, updated_at: e.last })) as never)
        .execute();
      const keys = part.flatMap((e) => e.keys.map((key) => ({ event_id: e.id, key })));
      for (let j = 0; j < keys.length; j += 2000) await trx.insertInto('event_keys').values(keys.slice(j, j + 2000)).execute();
    }
  });
  await sql`pragma foreign_keys = on`.execute(k);
  const cases = await buildCases(db, o, departments, end, r);
  const buildSeconds = (performance.now() - t0) / 1000;
  o.log(`  dataset built: ${o.posts} posts, ${evs.length} events, ${alerts} alerts, ${cases} cases in ${buildSeconds.toFixed(0)} s`);
  return { path: '', posts: o.posts, events: evs.length, alerts, cases, corpus: o.corpusKind, builtAt: new Date(end + 60_000).toISOString(), buildSeconds, lastWeek, today };
}
const CASE_STATES_MIX = ['triage', 'assigned', 'drafting', 'awaiting_approval', 'replied', 'following_up', 'closed', 'closed', 'closed', 'closed'];
const LEVELS = ['blue', 'blue', 'blue', 'blue', 'yellow', 'yellow', 'orange', 'red'] as const;

/** Cases over the period, each opened from a post of its time, numbers unique per year, deadlines by level. */
async function buildCases(db: Db, o: { cases: number; posts: number; days: number }, departments: Map<string, number>, end: number, r: () => number): Promise<number> {
  const k = db.kysely;
  const deptIds = [...new Set(departments.values())].slice(1);
  const seqByYear = new Map<number, number>();
  const chosen = Array.from({ length: o.cases }, () => 1 + Math.floor(r() * o.posts)).sort((a, b) => a - b);
  const posts = new Map<number, { title: string; text: string; at: string }>();
  for (let i = 0; i < chosen.length; i += 500) {
    for (const p of await k.selectFrom('posts').select(['id', 'title', 'text', 'published_at']).where('id', 'in', chosen.slice(i, i + 500)).execute()) posts.set(p.id, { title: p.title, text: p.text, at: p.published_at! });
  }
  await k.transaction().execute(async (trx) => {
    const caseRows: Record<string, unknown>[] = [];
    const links: { case_id: number; post_id: number }[] = [];
    chosen.forEach((postId, j) => {
      const p = posts.get(postId)!;
      const at = Date.parse(p.at) + 1_800_000;
      const year = new Date(at + 8 * 3_600_000).getUTCFullYear();
      const seq = (seqByYear.get(year) ?? 0) + 1;
      seqByYear.set(year, seq);
      const level = LEVELS[Math.floor(r() * LEVELS.length)];
      const state = end - at > 20 * DAY ? ['replied', 'following_up', 'closed', 'closed', 'closed', 'assigned'][Math.floor(r() * 6)] : CASE_STATES_MIX[Math.floor(r() * CASE_STATES_MIX.length)];
      const replied = state === 'replied' || state === 'following_up' || state === 'closed';
      const emergency = level === 'red';
      const deadline = emergency ? at + 5 * 3_600_000 : level === 'orange' ? at + 10 * 3_600_000 : at + 48 * 3_600_000;
      caseRows.push({
        id: j + 1,
        number: formatCaseNumber(year, seq),
        year,
        seq,
        title: p.title.slice(0, 200),
        summary: p.text.slice(0, 500),
        state,
        level,
        lead_department_id: state === 'triage' ? null : deptIds[Math.floor(r() * deptIds.length)],
        opened_by: null,
        opened_at: new Date(at).toISOString(),
        deadline_at: new Date(deadline).toISOString(),
        deadline_kind: emergency ? 'emergency_5h' : level === 'orange' ? 'same_day' : 'hours_48',
        overdue: !replied && deadline < end ? 1 : 0,
        emergency: emergency ? 1 : 0,
        replied_at: replied ? new Date(at + r() * (deadline - at) * 1.2).toISOString() : null,
        closed_at: state === 'closed' ? new Date(at + 3 * DAY).toISOString() : null,
        updated_at: new Date(at).toISOString(),
      });
      links.push({ case_id: j + 1, post_id: postId });
    });
    for (let i = 0; i < caseRows.length; i += 400) await trx.insertInto('cases').values(caseRows.slice(i, i + 400) as never).execute();
    for (let i = 0; i < links.length; i += 1000) await trx.insertInto('case_posts').values(links.slice(i, i + 1000) as never).onConflict((oc) => oc.doNothing()).execute();
    for (const [year, last] of seqByYear) await trx.insertInto('case_counters').values({ year, last_seq: last }).execute();
  });
  return chosen.length;
}

/**
 * A throwaway copy of the dataset to measure: a copy of the SQLite file (at `base` or in a temp
 * directory), or a new PostgreSQL database on the server of `base`, filled from it table by table
 * (ids kept, triggers and foreign keys off while copying, the roll-up copied as it is, sequences
 * moved past the ids) and then migrated like any workspace. No `ANALYZE` is run on either: the
 * planner knows what the product's own maintenance tells it.
 */
export async function copyDataset(info: DatasetInfo, base: string, log: (l: string) => void = console.log): Promise<Fresh> {
  const fresh = await freshDatabase(base);
  const t0 = performance.now();
  if (!base.startsWith('postgres')) {
    copyFileSync(info.path, fresh.url);
    log(`dataset: copied ${(statSync(info.path).size / 1048576).toFixed(0)} MB SQLite file in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return fresh;
  }
  const src = await openDatabase(info.path);
  const dst = await openDatabase(fresh.url);
  try {
    await migrateToLatest(dst);
    const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'posts_fts%' and name not like 'kysely_%'`.execute(src.kysely)).rows.map((t) => t.name);
    const pgTables = new Set((await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(dst.kysely)).rows.map((t) => t.table_name));
    const counts: string[] = [];
    await dst.kysely.connection().execute(async (c) => {
      await sql`set session_replication_role = replica`.execute(c);
      await sql`truncate ${sql.join(tables.filter((t) => pgTables.has(t)).map((t) => sql.id(t)))} restart identity cascade`.execute(c);
      for (const table of tables) {
        if (!pgTables.has(table)) continue;
        const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_schema = 'public' and table_name = ${table}`.execute(c)).rows.map((x) => x.column_name);
        const hasId = columns.includes('id');
        let n = 0;
        let last = 0;
        const PAGE = 5000;
        for (let offset = 0; ; offset += PAGE) {
          const q = hasId
            ? sql<Record<string, unknown>>`select * from ${sql.id(table)} where id > ${last} order by id limit ${PAGE}`
            : sql<Record<string, unknown>>`select * from ${sql.id(table)} limit ${PAGE} offset ${offset}`;
          const rows = (await q.execute(src.kysely)).rows;
          if (!rows.length) break;
          const width = Object.keys(rows[0]).filter((col) => columns.includes(col)).length;
          const per = Math.max(1, Math.floor(30_000 / width));
          await sql`begin`.execute(c);
          for (let i = 0; i < rows.length; i += per) {
            const part = rows.slice(i, i + per).map((row) => Object.fromEntries(Object.entries(row).filter(([col]) => columns.includes(col))));
            await c.insertInto(table as never).values(part as never).execute();
          }
          await sql`commit`.execute(c);
          n += rows.length;
          if (hasId) last = Number(rows[rows.length - 1].id);
          if (rows.length < PAGE) break;
        }
        if (hasId) await sql`select setval(pg_get_serial_sequence(${table}, 'id'), greatest(1, (select coalesce(max(id), 0) from ${sql.id(table)})))`.execute(c);
        if (n) counts.push(`${table} ${n}`);
      }
      await sql`set session_replication_role = origin`.execute(c);
    });
    log(`dataset: filled PostgreSQL database in ${((performance.now() - t0) / 1000).toFixed(0)} s (${counts.join(', ')})`);
  } finally {
    await src.close();
    await dst.close();
  }
  return fresh;
}
