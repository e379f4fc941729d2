/**
 * Evaluation of the signal on real government text (issue 17).
 * Usage: node --import tsx bench/eval-signal.ts [--data ../shared/datasets] [--only gov,emotion,weibo]
 * Reads the datasets from the path given (never copies them); skips cleanly when they are absent.
 *
 * - gov: our own labels (bench/data/teddycup-test-signal.tsv: message number, polarity, appeal type;
 *   no text) of 300 random messages of teddycup2020c's unlabelled test file, read in full and
 *   labelled by hand. Out of the box: negative recall, the share of complaints called positive,
 *   appeal macro-F1 over complaint, inquiry, suggestion (and over every class present).
 * - emotion: SMP2020-EWECT's six classes. Out of the box on usual_eval and virus_eval; then learned:
 *   2 folds, learn virus_train + one half of each eval file through trainModel (the same code
 *   `learn` runs), test on the other halves, swap; macro-F1 per file.
 * - weibo: sentiment (3 classes) out of the box on both eval files, the figure issue 4 keeps (≥ 0.60).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLanguageAnalyzer } from '../src/analyze/language.ts';
import { trainModel } from '../src/analyze/learn/train.ts';
import { score, type Scores } from './eval-analysis.ts';

const f3 = (x: number) => x.toFixed(3);
function describe(s: Scores): string {
  const per = Object.entries(s.perClass)
    .map(([c, v]) => `${c} ${f3(v.f1)} (n=${v.support})`)
    .join(', ');
  return `macro-F1 ${f3(s.macroF1)}, accuracy ${f3(s.accuracy)} (n=${s.n}; F1: ${per})`;
}

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export const HAND_SIGNAL = new URL('./data/teddycup-test-signal.tsv', import.meta.url);

export function govSignal(data: string, log: (s: string) => void) {
  const byId = new Map(readJsonl(join(data, 'teddycup2020c/messages_unlabeled_test2801.jsonl')).map((r) => [String(r['留言编号']), r]));
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
  const gold = { polarity: [] as string[], appeal: [] as string[] };
  const pred = { polarity: [] as string[], appeal: [] as string[] };
  for (const line of readFileSync(HAND_SIGNAL, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [id, polarity, appeal] = line.split('\t');
    const r = byId.get(id);
    if (!r) continue;
    const res = analyzer.analyze({ title: String(r['留言主题'] ?? ''), text: String(r['留言详情'] ?? '') });
    gold.polarity.push(polarity);
    gold.appeal.push(appeal);
    pred.polarity.push(res.sentiment.label);
    pred.appeal.push(res.appeal.label);
  }
  const n = gold.polarity.length;
  const negatives = gold.polarity.filter((g) => g === 'negative').length;
  const negRecall = gold.polarity.filter((g, i) => g === 'negative' && pred.polarity[i] === 'negative').length / negatives;
  const complaints = gold.appeal.filter((g) => g === 'complaint').length;
  const complaintsPositive = gold.appeal.filter((g, i) => g === 'complaint' && pred.polarity[i] === 'positive').length / complaints;
  const anyPositive = pred.polarity.filter((p) => p === 'positive').length;
  const polarity = score(gold.polarity, pred.polarity, ['negative', 'neutral', 'positive']);
  const appealCore = score(gold.appeal, pred.appeal, ['complaint', 'inquiry', 'suggestion']);
  const appealAll = score(gold.appeal, pred.appeal, [...new Set(gold.appeal)].sort());
  log(`  ${n} messages: negative recall ${f3(negRecall)} (${negatives} negative), complaints called positive ${(complaintsPositive * 100).toFixed(1)}% (${complaints} complaints), posts called positive ${anyPositive}`);
  log(`  polarity: ${describe(polarity)}`);
  log(`  appeal over complaint, inquiry, suggestion: ${describe(appealCore)}`);
  log(`  appeal over every class labelled: ${describe(appealAll)}`);
  return { n, negRecall, complaintsPositive, appealMacroF1: appealCore.macroF1, appealAllMacroF1: appealAll.macroF1, polarityMacroF1: polarity.macroF1 };
}

interface Weibo {
  content: string;
  label: string;
}
const EMOTIONS = ['angry', 'sad', 'fear', 'happy', 'surprise', 'neutral'];
const POLARITY: Record<string, string> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };

function readWeibo(path: string): Weibo[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Weibo[];
}

export function weiboSentiment(data: string, log: (s: string) => void) {
  const dir = join(data, 'sentiment/smp2020_ewect');
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
  const gold: string[] = [];
  const pred: string[] = [];
  for (const file of ['usual_eval_labeled.json', 'virus_eval_labeled.json']) {
    for (const r of readWeibo(join(dir, file))) {
      gold.push(POLARITY[r.label]);
      pred.push(analyzer.analyze({ text: r.content }).sentiment.label);
    }
  }
  const s = score(gold, pred, ['negative', 'neutral', 'positive']);
  log(`  sentiment out of the box, both eval files (surprise → neutral): ${describe(s)}`);
  return s.macroF1;
}

export function emotion(data: string, log: (s: string) => void) {
  const dir = join(data, 'sentiment/smp2020_ewect');
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
  const files = ['usual_eval_labeled.json', 'virus_eval_labeled.json'];
  const evals = files.map((f) => readWeibo(join(dir, f)));
  const out: Record<string, number> = {};
  evals.forEach((rows, k) => {
    const s = score(
      rows.map((r) => r.label),
      rows.map((r) => analyzer.analyze({ text: r.content }).emotion.label),
      EMOTIONS,
    );
    log(`  out of the box, ${files[k]}: ${describe(s)}`);
    out[`box_${files[k]}`] = s.macroF1;
  });
  const train = readWeibo(join(dir, 'virus_train.json'));
  const gold: string[][] = [[], []];
  const pred: string[][] = [[], []];
  for (let fold = 0; fold < 2; fold++) {
    const started = performance.now();
    const halves = evals.map((rows) => ({ learn: rows.filter((_, i) => i % 2 === fold), test: rows.filter((_, i) => i % 2 !== fold) }));
    const items = [...train, ...halves.flatMap((h) => h.learn)].map((r) => ({ text: r.content, label: r.label }));
    const model = trainModel('emotion', analyzer, items);
    if (!model) throw new Error('no emotion model trained');
    const learned = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: { emotion: model } });
    halves.forEach((h, k) => {
      for (const r of h.test) {
        gold[k].push(r.label);
        pred[k].push(learned.analyze({ text: r.content }).emotion.label);
      }
    });
    log(`  fold ${fold + 1}: learned ${items.length} posts in ${Math.round(performance.now() - started)} ms`);
  }
  files.forEach((f, k) => {
    const s = score(gold[k], pred[k], EMOTIONS);
    log(`  learned (virus_train + half of each eval file, tested on the unseen halves), ${f}: ${describe(s)}`);
    out[`learned_${f}`] = s.macroF1;
  });
  return out;
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'));
if (isMain) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const data = arg('data') ?? '../shared/datasets';
  const only = arg('only')?.split(',');
  const want = (k: string) => !only || only.includes(k);
  const log = (s: string) => console.log(s);
  const gov = join(data, 'teddycup2020c/messages_unlabeled_test2801.jsonl');
  const smp = join(data, 'sentiment/smp2020_ewect/virus_train.json');
  if (want('gov')) {
    if (existsSync(gov)) {
      log('Government messages, our own labels (bench/data/teddycup-test-signal.tsv), out of the box:');
      govSignal(data, log);
    } else log(`skipped gov: ${gov} not found`);
  }
  if (want('weibo')) {
    if (existsSync(smp)) {
      log('Weibo (SMP2020-EWECT):');
      weiboSentiment(data, log);
    } else log(`skipped weibo: ${smp} not found`);
  }
  if (want('emotion')) {
    if (existsSync(smp)) {
      log('Emotion, six classes (SMP2020-EWECT):');
      emotion(data, log);
    } else log(`skipped emotion: ${smp} not found`);
  }
}
