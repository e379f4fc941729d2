import { forEachFeatureIndex, lexiconSize, type FeatureSet, type TextFeatures } from './features.ts';
import type { Example, LinearModel } from './linear.ts';

/**
 * A nearest-centroid (Rocchio) classifier over TF-IDF weighted hashed features: each class is
 * the normalised mean of its examples, a text goes to the most similar class. With few labelled
 * examples per class (a workspace's first few hundred topic or routing labels) it generalises
 * better than logistic regression, which needs more data to find the distinctive words.
 * It is stored in the LinearModel shape (weights = centroids, plus `idf`), so prediction,
 * storage and reasons are shared; the class scores are cosine similarities times a temperature.
 */
export const CENTROID_TEMPERATURE = 100;


/**
 * Self-training over the workspace's unlabelled posts: a post whose nearest centroid is clearly
 * nearer than the next (cosine margin at least SELF_MARGIN) joins that class with weight
 * SELF_WEIGHT, once. On 400 labelled reviews with 6,000 unlabelled ones it lifted macro-F1 on
 * 20,000 further reviews from 0.688 to 0.706, in each of 5 folds (bench/eval-analysis.ts, topic);
 * a workspace with few posts gains nothing.
 */
export const SELF_MARGIN = 0.03;
export const SELF_WEIGHT = 0.3;

export interface CentroidOptions {
  bits: number;
  features: FeatureSet;
  /** Features of unlabelled posts for one round of self-training. */
  unlabeled?: readonly TextFeatures[];
}

export function trainCentroid(examples: Example[], opts: CentroidOptions): LinearModel {
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  const K = classes.length;
  const size = 1 << opts.bits;
  const mask = size - 1;
  const counts = classes.map(() => 0);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const df = new Float32Array(size);
  const seen = new Int32Array(size).fill(-1);
  examples.forEach((e, n) => {
    counts[classIndex.get(e.label)!]++;
    forEachFeatureIndex(e.features, opts.features, mask, (i) => {
      if (seen[i] !== n) {
        seen[i] = n;
        df[i]++;
      }
    });
  });
  const idf = new Float32Array(size);
  const N = examples.length;
  for (let i = 0; i < size; i++) idf[i] = Math.log((N + 1) / (df[i] + 1));
  const weights = new Float32Array(size * K + (lexiconSize(opts.features) + 1) * K);
  const vec = new Map<number, number>();
  for (const e of examples) {
    vec.clear();
    forEachFeatureIndex(e.features, opts.features, mask, (i) => vec.set(i, (vec.get(i) ?? 0) + idf[i]));
    let norm = 0;
    for (const v of vec.values()) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    const k = classIndex.get(e.label)!;
    for (const [i, v] of vec) weights[i * K + k] += v / norm;
  }
  const sums = opts.unlabeled?.length ? weights.slice(0, size * K) : null;
  normalizeColumns(weights, size, K);
  const model: LinearModel = { classes, bits: opts.bits, features: opts.features, weights, examples: examples.length, counts, idf, temperature: CENTROID_TEMPERATURE };
  if (sums && opts.unlabeled) {
    const sim = new Float64Array(K);
    const joins: { f: TextFeatures; k: number }[] = [];
    for (const f of opts.unlabeled) {
      centroidLogits(model, f, sim);
      let best = 0;
      for (let k = 1; k < K; k++) if (sim[k] > sim[best]) best = k;
      let second = -Infinity;
      for (let k = 0; k < K; k++) if (k !== best && sim[k] > second) second = sim[k];
      if ((sim[best] - second) / CENTROID_TEMPERATURE >= SELF_MARGIN) joins.push({ f, k: best });
    }
    // Centroids are updated after every post is scored, so the order of posts does not matter.
    for (const { f, k } of joins) {
      vec.clear();
      forEachFeatureIndex(f, opts.features, mask, (i) => vec.set(i, (vec.get(i) ?? 0) + idf[i]));
      let norm = 0;
      for (const v of vec.values()) norm += v * v;
      norm = Math.sqrt(norm) || 1;
      for (const [i, v] of vec) sums[i * K + k] += (SELF_WEIGHT * v) / norm;
    }
    weights.set(sums, 0);
    normalizeColumns(weights, size, K);
  }
  return model;
}

function normalizeColumns(weights: Float32Array, size: number, K: number): void {
  for (let k = 0; k < K; k++) {
    let norm = 0;
    for (let i = 0; i < size; i++) norm += weights[i * K + k] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < size; i++) weights[i * K + k] /= norm;
  }
}

/** Cosine similarity to each centroid times the temperature, into `out` (the softmax gives probabilities). */
export function centroidLogits(model: LinearModel, f: TextFeatures, out: Float64Array): void {
  const K = model.classes.length;
  const w = model.weights;
  const idf = model.idf!;
  const mask = (1 << model.bits) - 1;
  out.fill(0);
  let norm = 0;
  forEachFeatureIndex(f, model.features, mask, (i) => {
    const v = idf[i];
    if (v === 0) return;
    norm += v * v;
    const base = i * K;
    for (let k = 0; k < K; k++) out[k] += w[base + k] * v;
  });
  const scale = (model.temperature ?? CENTROID_TEMPERATURE) / (Math.sqrt(norm) || 1);
  for (let k = 0; k < K; k++) out[k] *= scale;
}
