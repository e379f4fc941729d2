/**
 * Evaluation of the feedback classes (issue 19: 满意/认可, 继续追问, 升级苗头, 其他) on real text.
 * Usage: node --import tsx bench/eval-feedback.ts [--data ../shared/datasets]
 * Reads the datasets from the path given (never copies them); skips cleanly when they are absent.
 *
 * The labels are ours (bench/data/feedback-labels.tsv: set, id, class; no text): 100 teddycup2020c
 * messages that mention a government reply (citizens writing back after one: still waiting, disputing
 * it, threatening to go further, now and then thanking) and 50 Weibo posts naming a public body
 * (SMP2020-EWECT virus_eval: approval, demands, attacks, plain news). Each text is read as labelled:
 * 主题｜详情 without whitespace, first 400 characters; a Weibo post's first 300.
 *
 * The cue lists were corrected against the first 150 (split `tuned`); 20 more read afterwards (`heldout`) are
 * reported apart.
 *
 * Printed: per-class precision and recall and the confusion, classifying as the pipeline does —
 * the cues, then the workspace analyzer's sentiment and abuse flag (out of the box, nothing learned) —
 * and with the cues alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { classifyFeedback } from '../src/cases/feedback.ts';
import { FEEDBACK_CLASSES, type FeedbackClass } from '../src/cases/vocabulary.ts';

const args = process.argv.slice(2);
const data = args.includes('--data') ? args[args.indexOf('--data') + 1] : '../shared/datasets';
const files = {
  teddycup: ['teddycup2020c/messages_with_votes_4326.jsonl', 'teddycup2020c/messages_with_replies_dev.jsonl', 'teddycup2020c/messages_unlabeled_test2801.jsonl'],
  weibo: 'sentiment/smp2020_ewect/virus_eval_labeled.json',
};
if (!existsSync(join(data, files.weibo)) || files.teddycup.some((f) => !existsSync(join(data, f)))) {
  console.log(`eval-feedback: datasets not found under ${data} (pass --data PATH); skipping`);
  process.exit(0);
}

const squeeze = (s: string, max: number) => Array.from(s.replace(/\s+/g, '')).slice(0, max).join('');
const texts = new Map<string, string>();
for (const f of files.teddycup) {
  for (const line of readFileSync(join(data, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    texts.set(`teddycup:${String(r['留言编号'])}`, squeeze(`${String(r['留言主题'])}｜${String(r['留言详情'])}`, 400));
  }
}
for (const r of JSON.parse(readFileSync(join(data, files.weibo), 'utf8')) as { id: number; content: string }[]) texts.set(`weibo:${r.id}`, squeeze(r.content, 300));

const labels = readFileSync(new URL('./data/feedback-labels.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [set, id, cls, split] = l.split('\t');
    return { key: `${set}:${id}`, set, gold: cls as FeedbackClass, split };
  });
const missing = labels.filter((l) => !texts.has(l.key));
if (missing.length) throw new Error(`labelled items not in the datasets: ${missing.map((m) => m.key).join(', ')}`);

const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
const pct = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(2));

function report(name: string, predict: (text: string) => { class: FeedbackClass; cues: string[] }, verbose: boolean, split = 'tuned') {
  const rows = labels.filter((l) => l.split === split).map((l) => ({ ...l, ...predict(texts.get(l.key)!) }));
  console.log(`\n${name}: ${rows.filter((r) => r.class === r.gold).length}/${rows.length} right`);
  console.log('  class        n   precision  recall');
  for (const c of FEEDBACK_CLASSES) {
    const tp = rows.filter((r) => r.gold === c && r.class === c).length;
    const predicted = rows.filter((r) => r.class === c).length;
    const gold = rows.filter((r) => r.gold === c).length;
    console.log(`  ${c.padEnd(11)} ${String(gold).padStart(3)}   ${pct(tp / predicted).padStart(9)}  ${pct(tp / gold).padStart(6)}`);
  }
  console.log(`  confusion (gold → predicted): ${FEEDBACK_CLASSES.map((g) => `${g}: ${FEEDBACK_CLASSES.map((p) => rows.filter((r) => r.gold === g && r.class === p).length).join('/')}`).join('; ')}  (order ${FEEDBACK_CLASSES.join('/')})`);
  if (verbose) for (const r of rows.filter((x) => x.class !== x.gold)) console.log(`  ✗ ${r.key} gold ${r.gold}, said ${r.class} [${r.cues.join(' ')}] ${texts.get(r.key)!.slice(0, 60)}`);
}

console.log(`eval-feedback: ${labels.length} labelled items (${labels.filter((l) => l.set === 'teddycup').length} teddycup, ${labels.filter((l) => l.set === 'weibo').length} weibo; ${labels.filter((l) => l.split === 'heldout').length} held out)`);
const pipeline = (text: string) => {
  const a = analyzer.analyze({ text });
  return classifyFeedback(text, a.sentiment.label, a.abuse.flagged);
};
report('tuned set, cues + analyzer sentiment and abuse (as the pipeline reads them)', pipeline, args.includes('--errors'));
report('tuned set, cues alone', (text) => classifyFeedback(text, null, false), false);
report('held-out set, cues + analyzer sentiment and abuse', pipeline, args.includes('--errors'), 'heldout');
