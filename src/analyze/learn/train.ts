import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { createLanguageAnalyzer, loadLanguageConfig, type LanguageAnalyzer } from '../language.ts';
import { bitsFor, deleteModel, MODEL_FEATURES, MODEL_NAMES, saveModel, type ModelName } from './models.ts';
import { normalizePost } from '../text/normalize.ts';
import { ledgerDepartmentExamples } from './ledger.ts';
import { trainCentroid } from './centroid.ts';
import { externalLexicon } from '../sentiment/external-lexicon.ts';
import type { FeatureSet } from './features.ts';
import { train, type Example, type LinearModel } from './linear.ts';
import { z } from 'zod';
import { shapeOf } from '../../shapes.ts';

/**
 * A model needs two classes to tell apart (so two examples); until then a correction still takes
 * effect at once through the memory of taught texts (learn/memory.ts), and the console says so.
 */
export const MIN_EXAMPLES = 2;
/** Average examples per class below which topic and department models are nearest-centroid. */
export const CENTROID_BELOW = 150;

export interface LabelledText {
  title?: string;
  text: string;
  label: string;
}

/** At most this many of the workspace's latest posts join topic self-training (centroid.ts). */
export const SELF_TRAINING_POSTS = 5000;

/**
 * Trains one model from labelled texts with the given analyzer's segmentation and lexicon.
 * `unlabeled` texts (the workspace's posts) refine a nearest-centroid topic model.
 */
export function trainModel(name: ModelName, analyzer: LanguageAnalyzer, items: LabelledText[], unlabeled: readonly { title?: string; text: string }[] = []): LinearModel | null {
  const classes = new Set(items.map((i) => i.label));
  if (items.length < MIN_EXAMPLES || classes.size < 2) return null;
  const external = name === 'sentiment' ? externalLexicon() : null;
  const features: FeatureSet = external ? { ...MODEL_FEATURES[name], externalLexicon: true } : MODEL_FEATURES[name];
  const featuresOf = (i: { title?: string; text: string }) => {
    const normalized = normalizePost(i);
    return analyzer.features(normalized, analyzer.segmenter.cut(normalized), external);
  };
  const examples: Example[] = items.map((i) => ({ features: featuresOf(i), label: i.label }));
  // Topics and departments start with few labels per class, where a nearest-centroid classifier
  // generalises better; with plenty of labels (or for sentiment) logistic regression wins.
  if ((name === 'topic' || name === 'department') && items.length / classes.size < CENTROID_BELOW) {
    const pool = name === 'topic' ? unlabeled.slice(0, SELF_TRAINING_POSTS).filter((u) => u.text.trim() || u.title?.trim()).map(featuresOf) : [];
    // Class offsets help topics (a few broad classes); departments are many classes of one or two examples, where they cost accuracy.
    return trainCentroid(examples, { bits: bitsFor(name, classes.size), features: name === 'topic' ? { ...MODEL_FEATURES[name], lead: true } : MODEL_FEATURES[name], unlabeled: pool, calibrate: name === 'topic' });
  }
  return train(examples, {
    features,
    bits: bitsFor(name, classes.size),
    epochs: name === 'topic' || name === 'department' ? 10 : 6,
    learningRate: name === 'topic' || name === 'department' ? 0.5 : 0.1,
    // Weighting rare sentiment classes up (0.6 before) cost macro-F1 on held-out training data
    // and on the evaluation (bench/eval-analysis.ts); topics keep it, as their classes are few-shot.
    // Emotions and appeal types have rare classes that matter (fear, surprise; help, praise): 0.5 raised
    // the emotion macro-F1 from 0.580/0.579 to 0.602/0.593 (bench/eval-signal.ts), 0.8 gave 0.597/0.580.
    balance: name === 'sentiment' ? 0 : 0.5,
  });
}

/**
 * The labels of a workspace, one per post (the latest correction of each field wins) plus
 * every label without a post. Older labels for the same post are kept in the table (audit)
 * but do not train.
 */
type LabelFields = Record<ModelName, string | null>;

async function currentLabels(db: Kysely<Database>): Promise<({ text: string } & LabelFields)[]> {
  const rows = await db.selectFrom('labels').select(['id', 'post_id', 'text', 'sentiment', 'appeal', 'emotion', 'topic', 'department']).orderBy('id', 'desc').execute();
  const perPost = new Map<number, Set<ModelName>>();
  const out: ({ text: string } & LabelFields)[] = [];
  for (const r of rows) {
    if (r.post_id === null) {
      out.push(r);
      continue;
    }
    const taken = perPost.get(r.post_id) ?? new Set<ModelName>();
    const next: { text: string } & LabelFields = { text: r.text, sentiment: null, appeal: null, emotion: null, topic: null, department: null };
    let any = false;
    for (const f of MODEL_NAMES) {
      const v = r[f];
      if (!v || taken.has(f)) continue;
      next[f] = v;
      taken.add(f);
      any = true;
    }
    perPost.set(r.post_id, taken);
    if (any) out.push(next);
  }
  return out.reverse();
}

export interface RetrainResult {
  name: ModelName;
  examples: number;
  classes: number;
  /** False when there was too little to learn from (the model is removed). */
  trained: boolean;
  ms: number;
}

export const retrainResultSchema = shapeOf<RetrainResult>()({
  name: z.enum(MODEL_NAMES),
  examples: z.number(),
  classes: z.number(),
  trained: z.boolean().describe('false when there was too little to learn from (the model is removed)'),
  ms: z.number(),
});

/** Retrains the named models from the workspace's labels (and, for routing, its ledger). */
export async function retrainModels(db: Kysely<Database>, names: readonly ModelName[]): Promise<RetrainResult[]> {
  if (names.length === 0) return [];
  const config = await loadLanguageConfig(db);
  const analyzer = createLanguageAnalyzer({ ...config, models: {} });
  const labels = await currentLabels(db);
  const results: RetrainResult[] = [];
  for (const name of names) {
    const started = performance.now();
    let items: LabelledText[];
    if (name === 'department') {
      items = labels.filter((l) => l.department).map((l) => ({ text: l.text, label: l.department! }));
      for (const e of await ledgerDepartmentExamples(db)) items.push({ title: e.title, text: e.text, label: e.department });
    } else {
      items = labels.filter((l) => l[name]).map((l) => ({ text: l.text, label: l[name]! }));
    }
    const posts =
      name === 'topic' && items.length > 0
        ? await db.selectFrom('posts').select(['title', 'text']).orderBy('id', 'desc').limit(SELF_TRAINING_POSTS).execute()
        : [];
    const model = trainModel(name, analyzer, items, posts);
    if (model) await saveModel(db, name, model);
    else await deleteModel(db, name);
    results.push({ name, examples: items.length, classes: new Set(items.map((i) => i.label)).size, trained: !!model, ms: Math.round(performance.now() - started) });
  }
  return results;
}

/**
 * Retraining runs one at a time per database within a process; requests that arrive while
 * one runs are merged into the next run.
 */
const queues = new WeakMap<Kysely<Database>, { running: Promise<void>; pending: Set<ModelName> | null; next: Promise<RetrainResult[]> | null }>();

export function scheduleRetrain(db: Kysely<Database>, names: readonly ModelName[]): Promise<RetrainResult[]> {
  let q = queues.get(db);
  if (!q) {
    q = { running: Promise.resolve(), pending: null, next: null };
    queues.set(db, q);
  }
  const state = q;
  if (state.pending && state.next) {
    for (const n of names) state.pending.add(n);
    return state.next;
  }
  const pending = new Set(names);
  state.pending = pending;
  const next = state.running.then(async () => {
    state.pending = null;
    state.next = null;
    return retrainModels(db, [...pending]);
  });
  state.next = next;
  state.running = next.then(
    () => undefined,
    () => undefined,
  );
  return next;
}

/** Resolves when no retraining is queued or running for this database. */
export async function retrainIdle(db: Kysely<Database>): Promise<void> {
  for (;;) {
    const q = queues.get(db);
    if (!q) return;
    const running = q.running;
    await running;
    if (q.running === running && !q.next) return;
  }
}
