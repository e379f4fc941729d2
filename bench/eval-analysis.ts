/**
 * Evaluation of the language layer (issue 4, part 1) on real public data nobody here wrote.
 * Usage: node --import tsx bench/eval-analysis.ts [--data ../shared/datasets] [--only sentiment,learned,topic,govtopic,department,speed] [--posts 50000]
 *    or: minsheng eval [--data …]
 * Reads the datasets from the path given (never copies them); skips cleanly when they are absent.
 *
 * - sentiment: the built-in lexicon, no learning, on SMP2020-EWECT usual_eval + virus_eval
 *   (angry/sad/fear → negative, happy → positive, neutral → neutral; surprise counted as neutral,
 *   and also reported with surprise left out).
 * - learned: 2-fold: learn virus_train (8,606) + one half of each eval file (2,000) = 10,606
 *   posts through `learnExamples` into a fresh SQLite workspace, reload the analyzer from the
 *   database, test on the other halves (2,000 unseen posts); then swap the halves. Reported
 *   twice: with 'surprise' left out of learning and testing (the 3-class mapping names no class
 *   for it), and with 'surprise' learned and tested as neutral; each also per eval file. Then
 *   10 folds (learn virus_train + 9/10 of each eval file = ~11,900 posts, test the other tenth),
 *   closer to learning all ~12.6k labelled posts as the acceptance check does.
 * - topic: online_shopping_10_cats, 5 folds: learn 400 reviews (40 per category, seeded
 *   sample), test on all the rest (~62k); the workspace taxonomy holds the 10 categories.
 *   Self-training: the next 6,000 reviews of each fold are the workspace's unlabelled posts;
 *   with and without them, tested on 20,000 further reviews.
 *   Then a SILVER government figure: teddycup2020c messages whose official reply names
 *   departments of exactly one of the 7 first-level classes (see silverTopic), at most 80 per
 *   class, 5 folds (learn 4/5 with `learnExamples` into a fresh workspace, test 1/5).
 * - department: teddycup2020c messages_with_replies_dev, the answering department parsed from
 *   each official reply's signature; sorted by message time, learn the older 70%, test the
 *   newer 30%.
 * - speed: ~50k posts of 200 characters cut from the same texts; bare @node-rs/jieba cutting
 *   vs loadLanguageAnalyzer().analyze (workspace with the learned sentiment model), same run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Jieba } from '@node-rs/jieba';
import { parse as parseCsv } from 'csv-parse/sync';
import { unzipSync } from 'fflate';
import { cliActor } from '../src/auth/actor.ts';
import { createLanguageAnalyzer, loadLanguageAnalyzer, type LanguageAnalyzer } from '../src/analyze/language.ts';
import { learnExamples, type LabelExample } from '../src/analyze/learn/labels.ts';
import { parseReplySignature } from '../src/analyze/learn/signature.ts';
import { trainModel } from '../src/analyze/learn/train.ts';
import { predict } from '../src/analyze/learn/linear.ts';
import { loadModels } from '../src/analyze/learn/models.ts';
import { normalizePost } from '../src/analyze/text/normalize.ts';
import type { SentimentLabel } from '../src/analyze/sentiment/score.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

export function score(gold: string[], pred: (string | null)[], classes?: string[]): Scores {
  const labels = classes ?? [...new Set(gold)].sort();
  const perClass: Scores['perClass'] = {};
  let correct = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) correct++;
  let sum = 0;
  for (const c of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === c && gold[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (gold[i] === c) fn++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision, recall, f1, support: tp + fn };
    sum += f1;
  }
  return { n: gold.length, accuracy: gold.length ? correct / gold.length : 0, macroF1: labels.length ? sum / labels.length : 0, perClass };
}

const f3 = (x: number) => x.toFixed(3);
function describe(s: Scores): string {
  const per = Object.entries(s.perClass)
    .map(([c, v]) => `${c} ${f3(v.f1)}`)
    .join(', ');
  return `macro-F1 ${f3(s.macroF1)}, accuracy ${f3(s.accuracy)} (n=${s.n}; per class F1: ${per})`;
}

const POLARITY: Record<string, SentimentLabel | null> = { angry: 'negative', sad: 'negative', fear: 'negative', happy: 'positive', neutral: 'neutral', surprise: 'neutral' };
interface Weibo {
  content: string;
  label: string;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A seeded shuffle, so that every run evaluates the same splits. */
function shuffled<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function tempWorkspace() {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-eval-'));
  const db = await openDatabase(join(dir, 'eval.db'));
  await migrateToLatest(db);
  return {
    db,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sentimentOutOfBox(data: string, log: (s: string) => void) {
  const dir = join(data, 'sentiment/smp2020_ewect');
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
  const all: { gold: string[]; pred: string[] } = { gold: [], pred: [] };
  const noSurprise: { gold: string[]; pred: string[] } = { gold: [], pred: [] };
  const out: Record<string, number> = {};
  for (const file of ['usual_eval_labeled.json', 'virus_eval_labeled.json']) {
    const rows = readJson<Weibo[]>(join(dir, file));
    const gold: string[] = [];
    const pred: string[] = [];
    for (const r of rows) {
      const g = POLARITY[r.label];
      if (!g) continue;
      const p = analyzer.analyze({ text: r.content }).sentiment.label;
      gold.push(g);
      pred.push(p);
      if (r.label !== 'surprise') {
        noSurprise.gold.push(g);
        noSurprise.pred.push(p);
      }
    }
    const s = score(gold, pred, ['negative', 'neutral', 'positive']);
    log(`  ${file}: ${describe(s)}`);
    out[file] = s.macroF1;
    all.gold.push(...gold);
    all.pred.push(...pred);
  }
  const both = score(all.gold, all.pred, ['negative', 'neutral', 'positive']);
  log(`  both files (surprise → neutral): ${describe(both)}`);
  const ns = score(noSurprise.gold, noSurprise.pred, ['negative', 'neutral', 'positive']);
  log(`  both files, surprise left out: ${describe(ns)}`);
  return { ...out, both: both.macroF1, withoutSurprise: ns.macroF1 };
}

/**
 * How the learned-sentiment figure treats SMP2020's 'surprise' posts, which the 3-class mapping
 * leaves out: 'neutral' learns and tests them as neutral; 'drop' neither learns nor tests them.
 */
export type SurpriseMode = 'neutral' | 'drop';

async function sentimentLearned(
  data: string,
  log: (s: string) => void,
  surprise: SurpriseMode,
  keepAnalyzer: boolean,
  folds = 2,
  quiet = false,
): Promise<{ macroF1: number; negativeF1: number; analyzer: LanguageAnalyzer | null; close: () => Promise<void> }> {
  const dir = join(data, 'sentiment/smp2020_ewect');
  const polarity = (label: string) => (surprise === 'drop' && label === 'surprise' ? null : POLARITY[label]);
  const toExample = (r: Weibo): LabelExample => ({ text: r.content, sentiment: polarity(r.label)! });
  const load = (file: string) => readJson<Weibo[]>(join(dir, file)).filter((r) => polarity(r.label) && r.content.trim());
  const train = load('virus_train.json');
  const usual = load('usual_eval_labeled.json');
  const virus = load('virus_eval_labeled.json');
  // Fold i tests on every `folds`-th post of each eval file (offset i) and learns everything else.
  const part = (rows: Weibo[], i: number, test: boolean) => rows.filter((_, j) => (j % folds === i) === test);
  const plan = Array.from({ length: folds }, (_, i) => ({
    learn: [...train, ...part(usual, i, false), ...part(virus, i, false)],
    test: { usual: part(usual, i, true), virus: part(virus, i, true) },
  }));
  const classes = ['negative', 'neutral', 'positive'];
  const all = { gold: [] as string[], pred: [] as string[] };
  const byFile = { usual: { gold: [] as string[], pred: [] as string[] }, virus: { gold: [] as string[], pred: [] as string[] } };
  let keep: { analyzer: LanguageAnalyzer; close: () => Promise<void> } | null = null;
  for (const [i, fold] of plan.entries()) {
    const ws = await tempWorkspace();
    const started = performance.now();
    const result = await learnExamples(ws.db.kysely, cliActor(), fold.learn.map(toExample), 'cli');
    const learnMs = performance.now() - started;
    const analyzer = await loadLanguageAnalyzer(ws.db.kysely);
    const g: string[] = [];
    const p: string[] = [];
    for (const part of ['usual', 'virus'] as const) {
      for (const r of fold.test[part]) {
        const gold = polarity(r.label)!;
        const pred = analyzer.analyze({ text: r.content }).sentiment.label;
        g.push(gold);
        p.push(pred);
        byFile[part].gold.push(gold);
        byFile[part].pred.push(pred);
      }
    }
    const s = score(g, p, classes);
    const trainMs = result.retrained.find((r) => r.name === 'sentiment')?.ms ?? 0;
    if (!quiet) log(`    fold ${i + 1}: learned ${result.stored} posts (store + retrain ${Math.round(learnMs)} ms, of which training ${trainMs} ms); unseen ${describe(s)}`);
    all.gold.push(...g);
    all.pred.push(...p);
    if (i === 0 && keepAnalyzer) keep = { analyzer, close: ws.close };
    else await ws.close();
  }
  for (const file of ['usual', 'virus'] as const) log(`    ${file}_eval ${folds === 2 ? 'halves' : 'parts'} only: ${describe(score(byFile[file].gold, byFile[file].pred, classes))}`);
  const s = score(all.gold, all.pred, classes);
  log(`    ${folds === 2 ? 'both' : `all ${folds}`} folds: ${describe(s)}`);
  return { macroF1: s.macroF1, negativeF1: s.perClass.negative.f1, analyzer: keep?.analyzer ?? null, close: keep?.close ?? (async () => undefined) };
}

function topicLearned(data: string, log: (s: string) => void, perClass = 40, folds = 5) {
  const zip = unzipSync(new Uint8Array(readFileSync(join(data, 'sentiment/online_shopping_10_cats/online_shopping_10_cats.zip'))));
  const name = Object.keys(zip).find((n) => n.endsWith('.csv'));
  if (!name) throw new Error('no CSV in online_shopping_10_cats.zip');
  const rows = (parseCsv(Buffer.from(zip[name]).toString('utf8'), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as { cat: string; review: string }[]).filter(
    (r) => r.cat && r.review && r.review.trim(),
  );
  const classes = [...new Set(rows.map((r) => r.cat))].sort();
  const taxonomy = classes.map((c) => ({ path: c, keywords: [], department: null }));
  const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
  const results: number[] = [];
  const selfResults: [number, number][] = [];
  for (let f = 0; f < folds; f++) {
    const order = shuffled(rows.map((_, i) => i), 1000 + f);
    const taken = new Map<string, number>();
    const learnIdx = new Set<number>();
    for (const i of order) {
      const c = rows[i].cat;
      if ((taken.get(c) ?? 0) >= perClass) continue;
      taken.set(c, (taken.get(c) ?? 0) + 1);
      learnIdx.add(i);
    }
    const started = performance.now();
    const model = trainModel('topic', base, [...learnIdx].map((i) => ({ text: rows[i].review, label: rows[i].cat })));
    const ms = performance.now() - started;
    const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy, models: model ? { topic: model } : {} });
    const gold: string[] = [];
    const pred: (string | null)[] = [];
    rows.forEach((r, i) => {
      if (learnIdx.has(i)) return;
      gold.push(r.cat);
      pred.push(analyzer.analyze({ text: r.review }).topic);
    });
    const s = score(gold, pred, classes);
    results.push(s.macroF1);
    log(`  fold ${f + 1}: learned ${learnIdx.size} (training ${Math.round(ms)} ms); rest ${describe(s)}`);
    // Self-training: the next 6,000 reviews play the workspace's unlabelled posts; both models
    // are then tested on 20,000 further reviews that neither saw.
    const rest = order.filter((i) => !learnIdx.has(i));
    const pool = rest.slice(0, 6000);
    const heldOut = rest.slice(6000, 26000);
    const withPosts = trainModel('topic', base, [...learnIdx].map((i) => ({ text: rows[i].review, label: rows[i].cat })), pool.map((i) => ({ text: rows[i].review })));
    const selfAnalyzer = createLanguageAnalyzer({ userWords: [], taxonomy, models: withPosts ? { topic: withPosts } : {} });
    const g = heldOut.map((i) => rows[i].cat);
    const without = score(g, heldOut.map((i) => analyzer.analyze({ text: rows[i].review }).topic), classes).macroF1;
    const withSelf = score(g, heldOut.map((i) => selfAnalyzer.analyze({ text: rows[i].review }).topic), classes).macroF1;
    selfResults.push([without, withSelf]);
    log(`    with 6,000 unlabelled posts (self-training), on 20,000 reviews outside labels and posts: macro-F1 ${f3(withSelf)} (without posts ${f3(without)})`);
  }
  const mean = results.reduce((a, b) => a + b, 0) / results.length;
  log(`  mean macro-F1 over ${folds} folds: ${f3(mean)}`);
  const avg = (k: 0 | 1) => selfResults.reduce((a, r) => a + r[k], 0) / selfResults.length;
  log(`  with 6,000 unlabelled posts in the workspace (self-training): mean ${f3(avg(1))} against ${f3(avg(0))} without, same test reviews`);
  return mean;
}

/**
 * A silver-labelled stand-in for the government topic target (the labelled messages are held by
 * acceptance): teddycup2020c messages whose official reply names departments of exactly one of
 * the seven first-level classes (住建/房产/城管 → 城乡建设, 环保 → 环境保护, 交通/交警/公交 →
 * 交通运输, 教育/文体 → 教育文体, 人社/社保/医保 → 劳动和社会保障, 商务/旅游/市场监管 →
 * 商贸旅游, 卫健/卫计 → 卫生计生). Silver: the mapping is ours and the labels are noisy.
 */
const SILVER_CLASSES: [string, RegExp][] = [
  ['城乡建设', /住建|住房|城乡建设|城乡规划|规划局|城管|城市管理|房产|房管|自来水|供水|燃气|市政|建设局|城建/],
  ['环境保护', /环保|环境保护|生态环境|环境局/],
  ['交通运输', /交通|交警|公交|运输管理|公路|运管/],
  ['教育文体', /教育|文体|文化体育|体育局|文化局|文广|文教/],
  ['劳动和社会保障', /人社|人力资源|社保|社会保障|社会保险|劳动|医保|医疗保险/],
  ['商贸旅游', /商务|旅游|市场监管|市场监督|工商|物价|商粮/],
  ['卫生计生', /卫健|卫生局|卫计|计生|卫生和计划生育|卫生健康/],
];
const BODY_NAME = /[\u4e00-\u9fa5A-Z0-9]{0,12}?(?:局|委员会|委|厅|办公室|办|中心|大队|支队|公司|所|站)/g;

export function silverTopic(reply: string): string | null {
  const hit = new Set<string>();
  for (const name of reply.match(BODY_NAME) ?? []) for (const [cls, re] of SILVER_CLASSES) if (re.test(name)) hit.add(cls);
  return hit.size === 1 ? [...hit][0] : null;
}

interface TopicSample {
  title: string;
  text: string;
  topic: string;
}

/**
 * Learn 4/5 with `learnExamples` into a fresh workspace (as `minsheng learn` does), test 1/5, for
 * each fold; with `learnAtMost`, a seeded sample of that many of the 4/5 is learned.
 */
async function topicFolds(sample: TopicSample[], log: (s: string) => void, folds = 5, learnAtMost = Infinity) {
  const classes = [...new Set(sample.map((r) => r.topic))].sort();
  const gold: string[] = [];
  const pred: (string | null)[] = [];
  const bare: string[] = [];
  for (let f = 0; f < folds; f++) {
    const learn = shuffled(
      sample.filter((_, i) => i % folds !== f),
      f + 1,
    ).slice(0, learnAtMost);
    const test = sample.filter((_, i) => i % folds === f);
    const ws = await tempWorkspace();
    await learnExamples(ws.db.kysely, cliActor(), learn.map((r) => ({ title: r.title, text: r.text, topic: r.topic })), 'cli');
    const analyzer = await loadLanguageAnalyzer(ws.db.kysely);
    const model = (await loadModels(ws.db.kysely)).topic?.model;
    for (const r of test) {
      gold.push(r.topic);
      const a = analyzer.analyze({ title: r.title, text: r.text });
      pred.push(a.topic);
      if (process.env.MINSHENG_EVAL_ERRORS && a.topic !== r.topic) log(`    ✗ ${r.topic} → ${a.topic}: ${r.title} | ${a.topicReasons.join('; ')}`);
      if (model) {
        const normalized = normalizePost(r);
        bare.push(predict(model, analyzer.features(normalized, analyzer.segmenter.cut(normalized))).label);
      }
    }
    await ws.close();
  }
  const s = score(gold, pred, classes);
  const unanswered = pred.filter((p) => p === null).length;
  log(`  learned model alone (argmax, no keywords): ${describe(score(gold, bare, classes))}`);
  log(`  analyze (learned model + built-in topic keywords), ${folds} folds, ${Number.isFinite(learnAtMost) ? `learning ${learnAtMost} each` : 'learning 4/5'}: ${describe(s)}; no topic for ${unanswered}`);
  return s.macroF1;
}

function readJsonl(path: string): Record<string, string>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, string>);
}

async function topicSilver(data: string, log: (s: string) => void, perClass = 80, folds = 5) {
  const rows = readJsonl(join(data, 'teddycup2020c/messages_with_replies_dev.jsonl'));
  const labelled = rows.flatMap((r) => {
    const topic = silverTopic(r['答复意见'] ?? '');
    return topic ? [{ title: r['留言主题'] ?? '', text: r['留言详情'] ?? '', topic }] : [];
  });
  const taken = new Map<string, number>();
  const sample = shuffled(labelled, 42).filter((r) => {
    const n = taken.get(r.topic) ?? 0;
    taken.set(r.topic, n + 1);
    return n < perClass;
  });
  log(`  ${labelled.length} of ${rows.length} messages get a silver class; sampled ${sample.length} (at most ${perClass} per class: ${classCounts(sample)})`);
  return topicFolds(sample, log, folds);
}

function classCounts(sample: TopicSample[]): string {
  return [...new Set(sample.map((r) => r.topic))]
    .sort()
    .map((c) => `${c} ${sample.filter((r) => r.topic === c).length}`)
    .join(', ');
}

/**
 * Our own annotation (bench/data/teddycup-test-topics.tsv: message number and class, no text) of
 * 800 messages drawn at random from teddycup2020c's unlabelled test file, the same kind of
 * message the acceptance set holds, each filed under one of the 7 first-level classes by reading
 * it against the real 3-level taxonomy. A closer stand-in than the silver labels; still ours.
 */
export const HAND_TOPICS = new URL('./data/teddycup-test-topics.tsv', import.meta.url);

/** The acceptance check learns ~400 labelled messages 5-fold, so 320 at a time. */
const ACCEPTANCE_LEARNS = 320;

async function topicHand(data: string, log: (s: string) => void, folds = 5) {
  const byId = new Map(readJsonl(join(data, 'teddycup2020c/messages_unlabeled_test2801.jsonl')).map((r) => [String(r['留言编号']), r]));
  const all = readFileSync(HAND_TOPICS, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .flatMap((l) => {
      const [id, topic, outside] = l.split('\t');
      const r = byId.get(id);
      return r && topic ? [{ title: r['留言主题'] ?? '', text: r['留言详情'] ?? '', topic, outside: !!outside }] : [];
    });
  // The acceptance set's messages all belong to one of the 7 classes; a fifth of the test file's
  // (police, village affairs, discipline …) belong to none, and were filed under the closest.
  const inside = shuffled(
    all.filter((r) => !r.outside),
    7,
  );
  log(`  the ${inside.length} messages inside the 7 classes (${classCounts(inside)}):`);
  const insideScore = await topicFolds(inside, log, folds, ACCEPTANCE_LEARNS);
  log(`  the same ${inside.length} without their titles (text only, learned and analysed):`);
  const untitled = await topicFolds(
    inside.map((r) => ({ ...r, title: '' })),
    log,
    folds,
    ACCEPTANCE_LEARNS,
  );
  log(`  all ${all.length} messages, those outside the 7 classes filed under the closest (${classCounts(all)}):`);
  return { inside: insideScore, untitled, all: await topicFolds(shuffled(all, 7), log, folds, ACCEPTANCE_LEARNS) };
}

function departmentLearned(data: string, log: (s: string) => void) {
  const rows = readJsonl(join(data, 'teddycup2020c/messages_with_replies_dev.jsonl'));
  const parseTime = (s: string) => {
    const m = /(\d{4})\/(\d{1,2})\/(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})/.exec(s ?? '');
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : 0;
  };
  const signed = rows
    .map((r) => ({ title: r['留言主题'] ?? '', text: r['留言详情'] ?? '', at: parseTime(r['留言时间']), department: parseReplySignature(r['答复意见']) }))
    .filter((r): r is typeof r & { department: string } => !!r.department)
    .sort((a, b) => a.at - b.at);
  log(`  ${signed.length} of ${rows.length} replies carry a parsable department signature (${new Set(signed.map((s) => s.department)).size} departments)`);
  const cut = Math.floor(signed.length * 0.7);
  const learn = signed.slice(0, cut);
  const test = signed.slice(cut);
  const base = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
  const model = trainModel('department', base, learn.map((r) => ({ title: r.title, text: r.text, label: r.department })));
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: model ? { department: model } : {} });
  const known = new Set(learn.map((r) => r.department));
  const gold = test.map((r) => r.department);
  const pred = test.map((r) => analyzer.analyze({ title: r.title, text: r.text }).learnedDepartment);
  const answered = pred.filter((p) => p !== null).length;
  const correct = pred.filter((p, i) => p !== null && p === gold[i]).length;
  const seenBefore = gold.filter((g) => known.has(g)).length;
  log(`  learned the older ${learn.length} (up to ${new Date(learn[learn.length - 1]?.at ?? 0).toISOString().slice(0, 10)}), tested the newer ${test.length}`);
  log(`  ${seenBefore} of ${test.length} test messages went to a department seen in the older part (the ceiling for learning)`);
  log(`  suggested for ${answered} of ${test.length}; correct ${correct} (precision ${f3(answered ? correct / answered : 0)}, accuracy over all ${f3(correct / Math.max(1, test.length))}, over reachable ${f3(correct / Math.max(1, seenBefore))})`);
  return { accuracy: correct / Math.max(1, test.length), precision: answered ? correct / answered : 0 };
}

/** ~200-character slices of the datasets' Weibo posts and messages (the speed figures' input). */
export function speedPosts(data: string, count: number): string[] {
  const texts: string[] = [];
  for (const file of ['virus_train.json', 'usual_eval_labeled.json', 'virus_eval_labeled.json']) {
    for (const r of readJson<Weibo[]>(join(data, 'sentiment/smp2020_ewect', file))) texts.push(r.content);
  }
  const msgs = join(data, 'teddycup2020c/messages_with_votes_4326.jsonl');
  if (existsSync(msgs)) for (const l of readFileSync(msgs, 'utf8').split('\n')) if (l) texts.push((JSON.parse(l) as Record<string, string>)['留言详情'] ?? '');
  const all = Array.from(texts.join('\n').replace(/\s+/g, ' '));
  const posts: string[] = [];
  for (let i = 0; posts.length < count; i = (i + 200) % Math.max(1, all.length - 200)) posts.push(all.slice(i, i + 200).join(''));
  return posts;
}

function speed(data: string, analyzer: LanguageAnalyzer, count: number, log: (s: string) => void) {
  const posts = speedPosts(data, count);
  const require = createRequire(import.meta.url);
  const jieba = Jieba.withDict((require('@node-rs/jieba/dict.js') as { dict: Buffer }).dict);
  for (let i = 0; i < 2000; i++) {
    jieba.cut(posts[i], true);
    analyzer.analyze({ text: posts[i] });
  }
  // Interleaved batches, so that load from other processes falls on both measurements alike.
  let bare = 0;
  let full = 0;
  let tokens = 0;
  let n = 0;
  const batch = 500;
  for (let b = 0; b < posts.length; b += batch) {
    const end = Math.min(posts.length, b + batch);
    let t = performance.now();
    for (let i = b; i < end; i++) tokens += jieba.cut(posts[i], true).length;
    bare += performance.now() - t;
    t = performance.now();
    for (let i = b; i < end; i++) n += analyzer.analyze({ text: posts[i] }).tokens.length;
    full += performance.now() - t;
  }
  const chars = posts.reduce((a, p) => a + p.length, 0);
  log(`  ${posts.length} posts, ${chars} characters (${tokens} jieba tokens / ${n} analyzer tokens)`);
  log(`  bare @node-rs/jieba cut: ${Math.round(bare)} ms (${Math.round(posts.length / (bare / 1000))} posts/s)`);
  log(`  language layer analyze (normalise, segment with user dictionary, lexicon, learned sentiment model, abuse, topic, keywords): ${Math.round(full)} ms (${Math.round(posts.length / (full / 1000))} posts/s)`);
  log(`  time ratio analyze / bare jieba = ${(full / bare).toFixed(2)}× (target ≤ ~2×); throughput ratio ${(bare / full).toFixed(2)}`);
  return { bareMs: bare, analyzeMs: full, ratio: full / bare };
}

export interface EvalOptions {
  data: string;
  only?: string[];
  posts?: number;
  log?: (s: string) => void;
}

/** Runs the evaluation; returns the headline figures, or null when the datasets are absent. */
export async function runEvaluation(opts: EvalOptions): Promise<Record<string, unknown> | null> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const data = resolve(opts.data);
  if (!existsSync(join(data, 'sentiment/smp2020_ewect'))) {
    log(`datasets not found under ${data}; skipping the evaluation (give --data PATH)`);
    return null;
  }
  const want = (k: string) => !opts.only || opts.only.includes(k);
  const out: Record<string, unknown> = {};
  if (want('sentiment')) {
    log('Sentiment out of the box (lexicon only, no learning), SMP2020-EWECT, 3-class polarity:');
    out.sentiment = sentimentOutOfBox(data, log);
  }
  let learned: Awaited<ReturnType<typeof sentimentLearned>> | null = null;
  if (want('learned') || want('speed')) {
    log('Sentiment after learning (virus_train + half of each eval file, 2 folds, tested on the unseen halves):');
    log('  surprise left out of learning and testing (the 3-class mapping names no class for it):');
    learned = await sentimentLearned(data, log, 'drop', true);
    out.learned = { macroF1: learned.macroF1, negativeF1: learned.negativeF1 };
    if (want('learned')) {
      log('  surprise learned and tested as neutral:');
      const asNeutral = await sentimentLearned(data, log, 'neutral', false);
      out.learnedSurpriseNeutral = { macroF1: asNeutral.macroF1, negativeF1: asNeutral.negativeF1 };
      // Closer to learning all ~12.6k labelled posts and testing on unseen ones: 10 folds, each
      // learning virus_train and 9/10 of each eval file (11,900 posts), testing the other tenth.
      log('  10 folds (learn virus_train + 9/10 of each eval file, test the other tenth), surprise left out:');
      const ten = await sentimentLearned(data, log, 'drop', false, 10, true);
      out.learnedTenFolds = { macroF1: ten.macroF1, negativeF1: ten.negativeF1 };
    }
  }
  try {
    if (want('topic') && existsSync(join(data, 'sentiment/online_shopping_10_cats'))) {
      log('Topic after learning 400 examples (online_shopping_10_cats, 40 per category, 5 folds, tested on the rest):');
      out.topic = topicLearned(data, log);
    }
    if (want('govtopic') && existsSync(join(data, 'teddycup2020c/messages_with_replies_dev.jsonl'))) {
      log('Topic on government messages, SILVER labels (class from the departments named in the official reply; ~80 per class, 5 folds, learn 4/5, test 1/5):');
      out.topicSilver = await topicSilver(data, log);
    }
    if (want('govtopic') && existsSync(join(data, 'teddycup2020c/messages_unlabeled_test2801.jsonl'))) {
      log('Topic on government messages, our own labels (800 messages of the unlabelled test file, 7 first-level classes, 5 folds, learn 320 of the other 4/5, test 1/5):');
      out.topicHand = await topicHand(data, log);
    }
    if (want('department') && existsSync(join(data, 'teddycup2020c/messages_with_replies_dev.jsonl'))) {
      log('Department routing learned from reply signatures (teddycup2020c, older 70% → newer 30%):');
      out.department = departmentLearned(data, log);
    }
    if (want('speed') && learned?.analyzer) {
      log(`Speed (${opts.posts ?? 50000} posts of 200 characters):`);
      out.speed = speed(data, learned.analyzer, opts.posts ?? 50000, log);
    }
  } finally {
    await learned?.close();
  }
  return out;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === new URL(import.meta.url).pathname;
if (isMain) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  await runEvaluation({ data: arg('data') ?? '../shared/datasets', only: arg('only')?.split(','), posts: arg('posts') ? Number(arg('posts')) : undefined });
}
