/**
 * Evaluation of event linking on real government messages (issue 17, part 5: one matter, one event).
 * Usage: node --import tsx bench/eval-events.ts [--data ../shared/datasets]
 * Reads the datasets from the path given (never copies them); skips cleanly when they are absent.
 *
 * Every one of the 4,326 messages of teddycup2020c/messages_with_votes_4326.jsonl goes through the
 * analyzer in time order (`minsheng analyze`'s in-memory linking, a fresh workspace), then:
 * - pairs: pairwise precision and recall of "in one event" against our hand-labelled pairs
 *   (bench/data/teddycup-event-pairs.tsv: message numbers and same/different only);
 * - hot issues: the report's five hottest issues of the file (text clustering alone, without the
 *   events), and for each the events its messages fall in: the share in its largest event, and that
 *   event's size and name;
 * - the five largest events with their names.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer } from '../src/analyze/analyzer.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { eventTitle } from '../src/analyze/events/linker.ts';
import { hotIssues } from '../src/report/hot-issues.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const data = arg('--data') ?? '../shared/datasets';
const file = join(data, 'teddycup2020c', 'messages_with_votes_4326.jsonl');
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found (pass --data with the datasets folder)`);
  process.exit(0);
}

function isoOf(s: string): string {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(s.trim());
  if (!m) return '2019-01-01T00:00:00.000Z';
  const p = (x: string) => x.padStart(2, '0');
  return new Date(`${m[1]}-${p(m[2])}-${p(m[3])}T${p(m[4])}:${m[5]}:${m[6]}+08:00`).toISOString();
}

const messages = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .map((r) => ({
    id: Number(r['留言编号']),
    title: String(r['留言主题'] ?? ''),
    text: String(r['留言详情'] ?? ''),
    at: isoOf(String(r['留言时间'] ?? '')),
    engagement: Number(r['点赞数'] ?? 0) + Number(r['反对数'] ?? 0),
  }))
  .sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);

const tmp = mkdtempSync(join(tmpdir(), 'minsheng-events-'));
const db = await openDatabase(join(tmp, 'eval.db'));
const eventOf = new Map<number, string>();
const names = new Map<string, string>();
const sizes = new Map<string, number>();
try {
  await migrateToLatest(db);
  const analyzer = await createAnalyzer(db.kysely);
  const t0 = performance.now();
  for (const m of messages) {
    const r = analyzer.analyze({ id: m.id, title: m.title, text: m.text, source: '问政平台', published_at: m.at });
    const e = String(r.event ?? `#${m.id}`);
    eventOf.set(m.id, e);
    sizes.set(e, (sizes.get(e) ?? 0) + 1);
    if (!names.has(e)) names.set(e, eventTitle(m.title, m.text));
  }
  console.log(`${messages.length} messages analysed and linked in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${sizes.size} events`);
} finally {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
}

// pairs
const pairs = readFileSync(new URL('./data/teddycup-event-pairs.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.split('\t'));
let tp = 0;
let fp = 0;
let fn = 0;
let tn = 0;
const wrong: string[] = [];
for (const [a, b, label] of pairs) {
  const ea = eventOf.get(Number(a));
  const eb = eventOf.get(Number(b));
  if (!ea || !eb) continue;
  const linked = ea === eb;
  if (label === 'same') linked ? tp++ : fn++;
  else linked ? fp++ : tn++;
  if (linked !== (label === 'same')) wrong.push(`${a}-${b} (${label})`);
}
const f3 = (x: number) => x.toFixed(3);
console.log(`\npairs: ${tp + fn} same, ${fp + tn} different; precision ${f3(tp / Math.max(1, tp + fp))}, recall ${f3(tp / Math.max(1, tp + fn))} (tp ${tp}, fp ${fp}, fn ${fn}, tn ${tn})`);
if (process.argv.includes('--wrong')) console.log(`  wrong: ${wrong.join(', ')}`);

// hot issues of the report (text clustering alone), against the events
console.log('\nthe five hottest issues of the file (report clustering, without events) and their events:');
const issues = hotIssues(messages.map((m) => ({ id: m.id, title: m.title, text: m.text, engagement: m.engagement, at: m.at })), { limit: 5 });
for (const [i, h] of issues.entries()) {
  const counts = new Map<string, number>();
  for (const id of h.postIds) counts.set(eventOf.get(id)!, (counts.get(eventOf.get(id)!) ?? 0) + 1);
  const [top, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  console.log(
    `${i + 1}. ${h.posts} messages [${h.terms.slice(0, 3).join(' / ')}]: ${counts.size} events; ${n} (${((100 * n) / h.posts).toFixed(0)} %) in the largest, an event of ${sizes.get(top)} named 「${names.get(top)}」`,
  );
}
console.log('\nthe five largest events:');
for (const [e, n] of [...sizes.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  ${n} messages 「${names.get(e)}」`);
