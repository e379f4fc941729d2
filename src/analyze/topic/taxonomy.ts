import { z } from 'zod';
import { jsonColumn } from '../../db/values.ts';
import { t } from '../../i18n/index.ts';
import { hashToken } from '../learn/features.ts';
import { IntIndex } from '../text/int-index.ts';

/** One topic of the workspace taxonomy as analysis uses it. */
export interface TaxonomyTopic {
  path: string;
  keywords: string[];
  /** Owner department code, if the taxonomy names one. */
  department: string | null;
}

/** `taxonomy_topics.keywords`. */
export const topicKeywordsJson = jsonColumn('taxonomy_topics.keywords', z.array(z.string()));

export interface TopicMatch {
  topic: string;
  department: string | null;
  reasons: string[];
}

const KEYWORD = t('language.topic.keyword');

/** Splits a path "一级/二级/三级" into its trimmed parts; null when malformed. */
export function topicPathParts(path: string): string[] | null {
  const parts = path.split('/').map((p) => p.trim());
  if (parts.length === 0 || parts.length > 5 || parts.some((p) => p.length === 0 || p.length > 40)) return null;
  return parts;
}

/**
 * Classifies tokens against the taxonomy's keywords (rules first, DESIGN §4). The topic with
 * the most distinct keywords present wins; a deeper topic wins a tie, as it is more specific.
 * Keywords are also loaded into the segmenter's dictionary, so matching is a token lookup.
 */
export class TopicMatcher {
  private readonly byKeyword = new Map<string, number[]>();
  /** Keyword hashes (the features' token hash) → index into `words`: a typed probe per token is cheaper than a string one. */
  private readonly byHash: IntIndex;
  private readonly words: string[];
  /** For each of `words`, the topics it belongs to. */
  private readonly lists: number[][];
  // per-call scratch (stamped, so nothing is cleared per post)
  private readonly seen: Int32Array;
  private readonly found: string[][];
  private readonly order: number[] = [];
  private stamp = 0;
  private readonly depth: number[];
  constructor(private readonly topics: readonly TaxonomyTopic[]) {
    this.depth = topics.map((tp) => tp.path.split('/').length);
    // keyword hash → the keyword last given with that hash
    const byHash = new Map<number, string>();
    topics.forEach((tp, i) => {
      for (const kw of tp.keywords) {
        const k = kw.trim();
        if (!k) continue;
        const list = this.byKeyword.get(k) ?? [];
        if (!list.includes(i)) list.push(i);
        this.byKeyword.set(k, list);
        byHash.set(hashToken(k), k);
        this.minLength = byHash.size === 1 ? k.length : Math.min(this.minLength, k.length);
      }
    });
    this.words = [...byHash.values()];
    this.lists = this.words.map((w) => this.byKeyword.get(w)!);
    this.byHash = new IntIndex([...byHash.keys()].map((h, i) => [h, i]));
    this.seen = new Int32Array(topics.length);
    this.found = new Array<string[]>(topics.length);
  }

  /** Length of the shortest keyword: shorter tokens are skipped without a lookup. */
  private get shortest(): number {
    return this.minLength;
  }
  private minLength = 1;

  get size(): number {
    return this.topics.length;
  }

  keywords(): string[] {
    return [...this.byKeyword.keys()];
  }

  /** `hashes` are the tokens' hashes (viewTokens), when the caller has them. */
  match(tokens: readonly string[], hashes?: Int32Array): TopicMatch | null {
    if (this.byKeyword.size === 0) return null;
    // topics hit, in order of their first keyword, and the distinct keywords of each
    const order = this.order;
    order.length = 0;
    if (++this.stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i];
      if (tok.length < this.shortest) continue;
      let list: number[] | undefined;
      if (hashes) {
        const k = this.byHash.get(hashes[i]);
        if (k < 0 || this.words[k] !== tok) continue;
        list = this.lists[k];
      } else {
        list = this.byKeyword.get(tok);
        if (list === undefined) continue;
      }
      for (const ti of list) {
        if (this.seen[ti] !== this.stamp) {
          this.seen[ti] = this.stamp;
          this.found[ti] = [tok];
          order.push(ti);
        } else if (!this.found[ti].includes(tok)) this.found[ti].push(tok);
      }
    }
    if (!order.length) return null;
    let best = -1;
    let bestWords: string[] = [];
    for (const ti of order) {
      const words = this.found[ti];
      if (best < 0 || words.length > bestWords.length || (words.length === bestWords.length && this.depth[ti] > this.depth[best])) {
        best = ti;
        bestWords = words;
      }
    }
    const topic = this.topics[best];
    return { topic: topic.path, department: topic.department, reasons: [`${KEYWORD}：${bestWords.slice(0, 5).join('、')}`] };
  }
}
