import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hotIssues, type ClusterPost } from '../src/report/hot-issues.ts';

/**
 * Evaluation of the report-side hot-issue clustering on the 4,326 real voted messages of the
 * 2020 泰迪杯 problem C (read in place, never copied): prints the top hot issues of the whole
 * file and of its busiest months with their sizes.
 * Usage: npx tsx bench/hot-issues-eval.ts [datasets-dir]
 */
const dir = process.argv[2] ?? '../shared/datasets';
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
    console.log(`${String(i + 1).padStart(2)}. heat ${h.heat.toFixed(1).padStart(6)}  ${String(h.posts).padStart(3)} msgs  ${String(h.engagement).padStart(5)} votes  ${h.firstAt.slice(0, 10)}..${h.lastAt.slice(0, 10)}  [${h.terms.join(' / ')}]  ${h.title}`),
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
