import { LEXICON_FEATURES, type FeatureSet, type TextFeatures } from './features.ts';
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

function forEachIndex(f: TextFeatures, fs: FeatureSet, mask: number, fn: (idx: number) => void): void {
  const h = f.hashes;
  if (fs.words) for (let i = 0; i < f.contentEnd; i++) fn(h[i] & mask);
  if (fs.otherTokens ?? fs.words) for (let i = f.contentEnd; i < f.wordsEnd; i++) fn(h[i] & mask);
  if (fs.bigrams) for (let i = f.wordsEnd; i < f.bigramsEnd; i++) fn(h[i] & mask);
  if (fs.trigrams) for (let i = f.bigramsEnd; i < h.length; i++) fn(h[i] & mask);
}

export function trainCentroid(examples: Example[], opts: { bits: number; features: FeatureSet }): LinearModel {
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
    forEachIndex(e.features, opts.features, mask, (i) => {
      if (seen[i] !== n) {
        seen[i] = n;
        df[i]++;
      }
    });
  });
  const idf = new Float32Array(size);
  const N = examples.length;
  for (let i = 0; i < size; i++) idf[i] = Math.log((N + 1) / (df[i] + 1));
  const weights = new Float32Array(size * K + (LEXICON_FEATURES + 1) * K);
  const vec = new Map<number, number>();
  for (const e of examples) {
    vec.clear();
    forEachIndex(e.features, opts.features, mask, (i) => vec.set(i, (vec.get(i) ?? 0) + idf[i]));
    let norm = 0;
    for (const v of vec.values()) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    const k = classIndex.get(e.label)!;
    for (const [i, v] of vec) weights[i * K + k] += v / norm;
  }
  for (let k = 0; k < K; k++) {
    let norm = 0;
    for (let i = 0; i < size; i++) norm += weights[i * K + k] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < size; i++) weights[i * K + k] /= norm;
  }
  return { classes, bits: opts.bits, features: opts.features, weights, examples: examples.length, counts, idf, temperature: CENTROID_TEMPERATURE };
}

/** Cosine similarity to each centroid times the temperature, into `out` (the softmax gives probabilities). */
export function centroidLogits(model: LinearModel, f: TextFeatures, out: Float64Array): void {
  const K = model.classes.length;
  const w = model.weights;
  const idf = model.idf!;
  const mask = (1 << model.bits) - 1;
  out.fill(0);
  let norm = 0;
  forEachIndex(f, model.features, mask, (i) => {
    const v = idf[i];
    if (v === 0) return;
    norm += v * v;
    const base = i * K;
    for (let k = 0; k < K; k++) out[k] += w[base + k] * v;
  });
  const scale = (model.temperature ?? CENTROID_TEMPERATURE) / (Math.sqrt(norm) || 1);
  for (let k = 0; k < K; k++) out[k] *= scale;
}
