import { z } from 'zod';
import { centroidLogits } from './centroid.ts';
import { densePositions, forEachFeatureIndex, lexiconSize, type FeatureSet, type TextFeatures } from './features.ts';

/**
 * A multinomial logistic-regression classifier over hashed text features, trained with
 * AdaGrad SGD and class weighting (rare classes count more), in pure TypeScript. Thousands of
 * examples train in about a second on a small server; prediction is a sparse dot product.
 * Weights are stored feature-major (`index * classes + k`) for locality.
 */
export interface LinearModel {
  classes: string[];
  bits: number;
  features: FeatureSet;
  /** Length (1 << bits) * classes.length, then lexiconSize(features) * classes for the lexicon, then classes for the bias. */
  weights: Float32Array;
  examples: number;
  /** Examples per class at training time. */
  counts: number[];
  /** Present for a nearest-centroid model (centroid.ts): IDF per hashed feature. */
  idf?: Float32Array;
  temperature?: number;
}

export interface TrainOptions {
  bits?: number;
  epochs?: number;
  learningRate?: number;
  /** Exponent of the inverse-frequency class weight (0 none, 1 fully balanced). */
  balance?: number;
  l2?: number;
  features: FeatureSet;
  seed?: number;
  /** Average the weights over epochs (default true). */
  average?: boolean;
}

export interface Example {
  features: TextFeatures;
  label: string;
}

function lexOffset(bits: number, k: number): number {
  return (1 << bits) * k;
}


function activeCount(f: TextFeatures, fs: FeatureSet): number {
  return (fs.words ? f.contentEnd : 0) + ((fs.otherTokens ?? fs.words) ? f.wordsEnd - f.contentEnd : 0) + (fs.bigrams ? f.bigramsEnd - f.wordsEnd : 0) + (fs.trigrams ? f.hashes.length - f.bigramsEnd : 0);
}

/** Class scores (logits) into `out`. */
export function logits(model: LinearModel, f: TextFeatures, out: Float64Array): void {
  if (model.idf) return centroidLogits(model, f, out);
  const K = model.classes.length;
  const w = model.weights;
  const mask = (1 << model.bits) - 1;
  const fs = model.features;
  out.fill(0);
  const n = activeCount(f, fs);
  const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
  const h = f.hashes;
  // Up to three index ranges (content words, other tokens, bigrams) and trigrams; no allocation per call.
  const useWords = fs.words;
  const useOther = fs.otherTokens ?? fs.words;
  let s0 = 0;
  let e0 = 0;
  if (useWords && useOther) e0 = f.wordsEnd;
  else if (useWords) e0 = f.contentEnd;
  else if (useOther) {
    s0 = f.contentEnd;
    e0 = f.wordsEnd;
  }
  const s1 = f.wordsEnd;
  const e1 = fs.bigrams ? f.bigramsEnd : f.wordsEnd;
  const s2 = f.bigramsEnd;
  const e2 = fs.trigrams ? h.length : f.bigramsEnd;
  if (K === 3) {
    let a = 0;
    let b = 0;
    let c = 0;
    for (let r = 0; r < 3; r++) {
      const s = r === 0 ? s0 : r === 1 ? s1 : s2;
      const e = r === 0 ? e0 : r === 1 ? e1 : e2;
      for (let i = s; i < e; i++) {
        const base = (h[i] & mask) * 3;
        a += w[base];
        b += w[base + 1];
        c += w[base + 2];
      }
    }
    out[0] = a * scale;
    out[1] = b * scale;
    out[2] = c * scale;
  } else {
    for (let r = 0; r < 3; r++) {
      const s = r === 0 ? s0 : r === 1 ? s1 : s2;
      const e = r === 0 ? e0 : r === 1 ? e1 : e2;
      for (let i = s; i < e; i++) {
        const base = (h[i] & mask) * K;
        for (let k = 0; k < K; k++) out[k] += w[base + k];
      }
    }
    for (let k = 0; k < K; k++) out[k] *= scale;
  }
  const lo = lexOffset(model.bits, K);
  const L = lexiconSize(fs);
  if (fs.lexicon) {
    const pos = densePositions(fs);
    for (let j = 0; j < L; j++) {
      const v = f.lexicon[pos[j]];
      if (v === 0) continue;
      for (let k = 0; k < K; k++) out[k] += w[lo + j * K + k] * v;
    }
  }
  const bo = lo + L * K;
  for (let k = 0; k < K; k++) out[k] += w[bo + k];
}

export function softmax(z: Float64Array): void {
  let m = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k] > m) m = z[k];
  let s = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k] - m);
    s += z[k];
  }
  for (let k = 0; k < z.length; k++) z[k] /= s;
}

export interface Prediction {
  label: string;
  p: number;
  probs: Float64Array;
}

export function predict(model: LinearModel, f: TextFeatures, buf?: Float64Array): Prediction {
  const probs = buf && buf.length === model.classes.length ? buf : new Float64Array(model.classes.length);
  logits(model, f, probs);
  softmax(probs);
  let best = 0;
  for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
  return { label: model.classes[best], p: probs[best], probs };
}

/** A small deterministic PRNG so that training is reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function train(examples: Example[], opts: TrainOptions): LinearModel {
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  const K = classes.length;
  const bits = opts.bits ?? 18;
  const L = lexiconSize(opts.features);
  const dim = (1 << bits) * K + (L + 1) * K;
  const weights = new Float32Array(dim);
  const model: LinearModel = { classes, bits, features: opts.features, weights, examples: examples.length, counts: classes.map(() => 0) };
  if (K < 2) return model;
  const y = new Int32Array(examples.length);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  for (let i = 0; i < examples.length; i++) {
    y[i] = classIndex.get(examples[i].label)!;
    model.counts[y[i]]++;
  }
  const balance = opts.balance ?? 0.5;
  const classWeight = model.counts.map((n) => Math.pow(examples.length / (K * n), balance));
  const g2 = new Float32Array(dim);
  const lr = opts.learningRate ?? 0.5;
  const l2 = opts.l2 ?? 0;
  const epochs = opts.epochs ?? 6;
  const order = Array.from(examples.keys());
  const rand = rng(opts.seed ?? 1234);
  const probs = new Float64Array(K);
  const grad = new Float64Array(K);
  const mask = (1 << bits) - 1;
  const lo = lexOffset(bits, K);
  const bo = lo + L * K;
  const pos = densePositions(opts.features);
  const eps = 1e-6;
  const idx: number[] = [];
  // Weights are averaged over the epochs after the first (a cheap form of Polyak averaging): steadier than the last iterate.
  const average = opts.average ?? true;
  const sum = average && epochs > 1 ? new Float32Array(dim) : null;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const e of order) {
      const f = examples[e].features;
      logits(model, f, probs);
      softmax(probs);
      const cw = classWeight[y[e]];
      for (let k = 0; k < K; k++) grad[k] = (probs[k] - (k === y[e] ? 1 : 0)) * cw;
      const n = activeCount(f, opts.features);
      const scale = n > 0 ? 1 / Math.sqrt(n) : 0;
      idx.length = 0;
      forEachFeatureIndex(f, opts.features, mask, (x) => idx.push(x));
      for (const x of idx) {
        const base = x * K;
        for (let k = 0; k < K; k++) {
          const g = grad[k] * scale + l2 * weights[base + k];
          g2[base + k] += g * g;
          weights[base + k] -= (lr * g) / Math.sqrt(g2[base + k] + eps);
        }
      }
      if (opts.features.lexicon) {
        for (let j = 0; j < L; j++) {
          const v = f.lexicon[pos[j]];
          if (v === 0) continue;
          for (let k = 0; k < K; k++) {
            const p = lo + j * K + k;
            const g = grad[k] * v;
            g2[p] += g * g;
            weights[p] -= (lr * g) / Math.sqrt(g2[p] + eps);
          }
        }
      }
      for (let k = 0; k < K; k++) {
        const p = bo + k;
        g2[p] += grad[k] * grad[k];
        weights[p] -= (lr * grad[k]) / Math.sqrt(g2[p] + eps);
      }
    }
    if (sum && epoch > 0) for (let i = 0; i < dim; i++) sum[i] += weights[i];
  }
  if (sum) {
    const inv = 1 / (epochs - 1);
    for (let i = 0; i < dim; i++) weights[i] = sum[i] * inv;
  }
  return model;
}

/** Compact storage: only the hashed rows that carry weight, as base64 of typed arrays. */
export interface StoredLinearModel {
  kind: 'linear';
  format: 1;
  classes: string[];
  bits: number;
  features: FeatureSet;
  examples: number;
  counts: number[];
  rows: string;
  values: string;
  tail: string;
  /** Nearest-centroid models: IDF per hashed feature, and the temperature. */
  idf?: string;
  temperature?: number;
}

/** A StoredLinearModel as kept in `models.data`. */
export const storedLinearModelSchema = z.object({
  kind: z.literal('linear'),
  format: z.literal(1),
  classes: z.array(z.string()),
  bits: z.number().int(),
  features: z.object({
    words: z.boolean(),
    otherTokens: z.boolean().optional(),
    bigrams: z.boolean(),
    trigrams: z.boolean(),
    lexicon: z.boolean(),
    externalLexicon: z.boolean().optional(),
    lead: z.boolean().optional(),
    emotion: z.boolean().optional(),
    appeal: z.boolean().optional(),
  }),
  examples: z.number(),
  counts: z.array(z.number()),
  rows: z.string(),
  values: z.string(),
  tail: z.string(),
  idf: z.string().optional(),
  temperature: z.number().optional(),
}) satisfies z.ZodType<StoredLinearModel>;

export function serialize(model: LinearModel, prune = 1e-4): StoredLinearModel {
  const K = model.classes.length;
  const size = 1 << model.bits;
  const rows: number[] = [];
  for (let r = 0; r < size; r++) {
    const base = r * K;
    for (let k = 0; k < K; k++) {
      if (Math.abs(model.weights[base + k]) > prune) {
        rows.push(r);
        break;
      }
    }
  }
  const values = new Float32Array(rows.length * K);
  rows.forEach((r, i) => values.set(model.weights.subarray(r * K, r * K + K), i * K));
  const tail = model.weights.slice(size * K);
  const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    kind: 'linear',
    format: 1,
    classes: model.classes,
    bits: model.bits,
    features: model.features,
    examples: model.examples,
    counts: model.counts,
    rows: b64(Uint32Array.from(rows)),
    values: b64(values),
    tail: b64(tail),
    ...(model.idf ? { idf: b64(model.idf), temperature: model.temperature } : {}),
  };
}

function decode<T>(b64: string, ctor: new (buf: ArrayBuffer) => T): T {
  const buf = Buffer.from(b64, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new ctor(copy);
}

export function deserialize(stored: StoredLinearModel): LinearModel {
  if (stored.kind !== 'linear' || stored.format !== 1) throw new Error(`unsupported model format ${stored.kind}/${stored.format}`);
  const K = stored.classes.length;
  const size = 1 << stored.bits;
  const weights = new Float32Array(size * K + (lexiconSize(stored.features) + 1) * K);
  const rows = decode(stored.rows, Uint32Array);
  const values = decode(stored.values, Float32Array);
  for (let i = 0; i < rows.length; i++) weights.set(values.subarray(i * K, i * K + K), rows[i] * K);
  weights.set(decode(stored.tail, Float32Array), size * K);
  const out: LinearModel = { classes: stored.classes, bits: stored.bits, features: stored.features, weights, examples: stored.examples, counts: stored.counts };
  if (stored.idf) {
    out.idf = decode(stored.idf, Float32Array);
    out.temperature = stored.temperature;
  }
  return out;
}
