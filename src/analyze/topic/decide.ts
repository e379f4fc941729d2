import { t } from '../../i18n/index.ts';
import { hashToken, type TextFeatures } from '../learn/features.ts';
import { logits, softmax, type LinearModel } from '../learn/linear.ts';
import { DEFAULT_TAXONOMY } from './default-taxonomy.ts';
import type { TaxonomyTopic, TopicMatch } from './taxonomy.ts';

/**
 * How the taxonomy's keyword rules and the learned topic classifier combine (DESIGN §4: rules
 * first, then the learned classifier).
 *
 * - Without a learned model the keyword rule decides alone.
 * - A keyword rule whose topic lies outside every learned class stands: the model can only
 *   answer among the topics people have labelled, and says nothing about the others.
 * - Otherwise the keywords are evidence for the learned classes they belong to (a keyword of
 *   "城乡建设/物业管理" speaks for the learned class "城乡建设"), added to the model's scores.
 *   A learned class without keywords of its own in the workspace borrows those of the same
 *   path in the built-in default taxonomy: a workspace that learned first-level topics from a
 *   file still knows that "物业" and "拆迁" belong to 城乡建设.
 * - The answer is the learned class, or the keyword rule's deeper topic when it lies inside it.
 */
export interface TopicDecision {
  topic: string | null;
  reasons: string[];
  department: string | null;
}

/** Least probability, after keyword evidence, for a learned topic to be proposed. */
export const TOPIC_MIN_P = 0.35;

/**
 * Weight of keyword evidence per log(1 + distinct keywords), in units of the model's scores.
 * Nearest-centroid scores are cosine similarities times the temperature, so the weight scales
 * with it (0.04 of cosine per unit: one keyword outweighs a small difference in similarity).
 * Chosen on a silver-labelled set of government messages (bench/eval-analysis.ts: 0.03, 0.04,
 * 0.05 and 0.08 all within its noise, 0.02 of macro-F1).
 */
export function keywordWeight(model: LinearModel): number {
  return model.idf ? 0.04 * (model.temperature ?? 100) : 1;
}

const PRIOR = t('learn.topic.prior');

/** Whether a topic path is the class itself or lies under it. */
function within(path: string, cls: string): boolean {
  return path === cls || path.startsWith(cls + '/');
}

/**
 * Keywords a workspace topic borrows from the built-in default taxonomy: a topic whose subtree
 * has no keywords of its own, at a path the default taxonomy also has, takes the default
 * keywords of that subtree. Depends on the taxonomy alone, so training and analysis segment alike.
 */
export function borrowedKeywords(taxonomy: readonly TaxonomyTopic[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tp of taxonomy) {
    if (taxonomy.some((o) => within(o.path, tp.path) && o.keywords.some((k) => k.trim()))) continue;
    const words = DEFAULT_TAXONOMY.filter((d) => within(d.path, tp.path)).flatMap((d) => d.keywords);
    if (words.length) out.set(tp.path, [...new Set(words)]);
  }
  return out;
}

/** Every borrowed keyword, for the segmenter's dictionary (so that "延期交房" stays one token). */
export function borrowedWords(taxonomy: readonly TaxonomyTopic[]): string[] {
  return [...new Set([...borrowedKeywords(taxonomy).values()].flat())];
}

export class TopicDecider {
  private readonly classes: string[];
  /** Keyword hash → the word and the learned classes it speaks for. */
  private readonly evidence = new Map<number, { word: string; classes: number[] }>();
  private readonly owner: Map<string, string | null>;
  private readonly weight: number;
  private readonly buf: Float64Array;
  private readonly hits: Float64Array;
  private readonly modelReason: ((p: number) => string) | null;

  constructor(
    taxonomy: readonly TaxonomyTopic[],
    private readonly model: LinearModel | undefined,
    modelReason: ((p: number) => string) | null,
  ) {
    this.owner = new Map(taxonomy.map((tp) => [tp.path, tp.department]));
    this.classes = model?.classes ?? [];
    this.weight = model ? keywordWeight(model) : 0;
    this.buf = new Float64Array(this.classes.length);
    this.hits = new Float64Array(this.classes.length);
    this.modelReason = modelReason;
    const borrowed = borrowedKeywords(taxonomy);
    this.classes.forEach((cls, k) => {
      const topics = taxonomy.filter((tp) => within(tp.path, cls));
      let words = topics.flatMap((tp) => [...tp.keywords, ...(borrowed.get(tp.path) ?? [])]);
      if (topics.length === 0) words = DEFAULT_TAXONOMY.filter((d) => within(d.path, cls)).flatMap((d) => d.keywords);
      for (const raw of words) {
        const word = raw.trim();
        if (!word) continue;
        const h = hashToken(word);
        const e = this.evidence.get(h) ?? { word, classes: [] };
        if (e.word !== word) continue;
        if (!e.classes.includes(k)) e.classes.push(k);
        this.evidence.set(h, e);
      }
    });
  }

  /** Whether the model knows a class that the path lies in, contains, or equals. */
  private related(path: string): boolean {
    return this.classes.some((c) => within(path, c) || within(c, path));
  }

  decide(tokens: readonly string[], hashes: Int32Array, features: TextFeatures | null, rule: TopicMatch | null): TopicDecision {
    const model = this.model;
    if (!model || !features) return rule ? { topic: rule.topic, reasons: rule.reasons, department: rule.department } : { topic: null, reasons: [], department: null };
    if (rule && !this.related(rule.topic)) return { topic: rule.topic, reasons: rule.reasons, department: rule.department };
    const z = this.buf;
    logits(model, features, z);
    const hits = this.hits.fill(0);
    let words: string[] | null = null;
    if (this.evidence.size) {
      // A keyword of the title (features.ts: LEAD_CHARS) counts once more.
      const leadEnd = features.leadTokens;
      for (let i = 0; i < tokens.length; i++) {
        const e = this.evidence.get(hashes[i]);
        if (!e || e.word !== tokens[i]) continue;
        if (i < leadEnd) for (const k of e.classes) hits[k]++;
        words ??= [];
        if (words.includes(e.word)) continue;
        words.push(e.word);
        for (const k of e.classes) hits[k]++;
      }
    }
    if (words) for (let k = 0; k < z.length; k++) z[k] += this.weight * Math.log1p(hits[k]);
    softmax(z);
    let best = 0;
    for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
    const p = z[best];
    if (p < TOPIC_MIN_P) return rule ? { topic: rule.topic, reasons: rule.reasons, department: rule.department } : { topic: null, reasons: [], department: null };
    const cls = this.classes[best];
    const topic = rule && within(rule.topic, cls) ? rule.topic : cls;
    const reasons = this.modelReason ? [this.modelReason(p)] : [];
    if (rule && within(rule.topic, cls)) reasons.push(...rule.reasons);
    else if (words && hits[best] > 0) {
      const own = words.filter((w) => this.evidence.get(hashToken(w))?.classes.includes(best));
      reasons.push(`${PRIOR}：${own.slice(0, 5).join('、')}`);
    }
    const department = (topic === rule?.topic ? rule.department : null) ?? this.owner.get(topic) ?? this.owner.get(cls) ?? null;
    return { topic, reasons, department };
  }
}
