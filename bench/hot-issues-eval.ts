import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hotIssues, type ClusterPost } from '../src/report/hot-issues.ts';

/**
 * Evaluation of the report-side hot-issue clustering on the 4,326 real voted messages of the
 * 2020 泰迪杯 problem C (read in place, never copied): prints the top hot issues of the whole
 * file and of its busiest months with their sizes.
 * With --via-db the messages are loaded into a temporary SQLite workspace and the busiest
 * months go through the monthly brief's own statistics (period in Beijing time, from the database).
 * Usage: npx tsx bench/hot-issues-eval.ts [datasets-dir] [--via-db]
 */
const viaDb = process.argv.includes('--via-db');
const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/datasets';
const file = join(dir, 'teddycup2020c', 'messages_with_votes_4326.jsonl');
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found (pass the datasets folder as the first argument)`);
  process.exit(0);
}

function isoOf(s: string): string {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(s.trim());
  if (!m) return '1970-01-01T00:00:00Z';
  const p = (x: string) => x.padStart(2, '0');
  return new Date(`${m[1]}-${p(m[2])}-${p(m[3])}T${p(m[4])}:${m[5]}:${m[6]}+08:00`).toISOString();
}

const posts: ClusterPost[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .map((r) => ({
    id: Number(r['留言编号']),
    title: String(r['留言主题'] ?? ''),
    text: String(r['留言详情'] ?? ''),
    engagement: Number(r['点赞数'] ?? 0) + Number(r['反对数'] ?? 0),
    at: isoOf(String(r['留言时间'] ?? '')),
  }));

function show(label: string, list: ClusterPost[], limit = 10) {
  const t0 = performance.now();
  const issues = hotIssues(list, { limit });
  const ms = performance.now() - t0;
  console.log(`\n${label}: ${list.length} messages, clustered in ${ms.toFixed(0)} ms`);
  issues.forEach((h, i) =>
    console.log(`${String(i + 1).padStart(2)}. heat ${h.heat.toFixed(1).padStart(6)}  ${String(h.posts).padStart(3)} msgs  ${String(h.engagement).padStart(5)} votes  ${h.firstAt.slice(0, 10)}..${h.lastAt.slice(0, 10)}  「${h.name}」 [${h.terms.join(' / ')}]  ${h.title}`),
  );
}

show('whole file', posts, Number(process.env.TOP ?? 15));
const byMonth = new Map<string, ClusterPost[]>();
for (const p of posts) {
  const m = new Date(Date.parse(p.at) + 8 * 3_600_000).toISOString().slice(0, 7);
  byMonth.set(m, [...(byMonth.get(m) ?? []), p]);
}
const busiest = [...byMonth.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 4);
for (const [month, list] of busiest.sort((a, b) => a[0].localeCompare(b[0]))) show(`month ${month}`, list, 5);

if (viaDb) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { openDatabase } = await import('../src/db/connect.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { volumeStats } = await import('../src/report/stats.ts');
  const { parsePeriod } = await import('../src/report/period.ts');
  const tmp = mkdtempSync(join(tmpdir(), 'minsheng-eval-'));
  const db = await openDatabase(join(tmp, 'eval.db'));
  try {
    await migrateToLatest(db);
    const now = new Date().toISOString();
    const source = await db.kysely.insertInto('sources').values({ name: '问政平台', kind: 'import', config: '{}', interval_seconds: 300, weight: 1, paused: 0, error_streak: 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    for (let i = 0; i < posts.length; i += 500) {
      await db.kysely
        .insertInto('posts')
        .values(posts.slice(i, i + 500).map((p) => ({ source_id: source.id, external_id: String(p.id), dedup_key: `m${p.id}`, title: p.title, text: p.text, published_at: p.at, fetched_at: p.at, updated_at: now, views: 0, replies_count: 0, likes: p.engagement, reposts: 0, abuse: 0 })))
        .execute();
    }
    for (const [month] of busiest.sort((a, b) => a[0].localeCompare(b[0]))) {
      const t0 = performance.now();
      const stats = await volumeStats(db.kysely, parsePeriod(month), {}, { hotLimit: 5 });
      console.log(`\nmonthly brief ${month} from the database: ${stats.total} messages, ${(performance.now() - t0).toFixed(0)} ms`);
      stats.hotIssues.forEach((h, i) => console.log(`${i + 1}. ${String(h.posts).padStart(3)} msgs  heat ${h.heat}  ${h.title}`));
    }
  } finally {
    await db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
