import { t } from '../../i18n/index.ts';
import { hashToken } from '../learn/features.ts';

/** One topic of the workspace taxonomy as analysis uses it. */
export interface TaxonomyTopic {
  path: string;
  keywords: string[];
  /** Owner department code, if the taxonomy names one. */
  department: string | null;
}

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
  /** Keyword hashes (the features' token hash): a number-keyed probe per token is cheaper than a string one. */
  private readonly byHash = new Map<number, string>();
  private readonly depth: number[];
  constructor(private readonly topics: readonly TaxonomyTopic[]) {
    this.depth = topics.map((tp) => tp.path.split('/').length);
    topics.forEach((tp, i) => {
      for (const kw of tp.keywords) {
        const k = kw.trim();
        if (!k) continue;
        const list = this.byKeyword.get(k) ?? [];
        if (!list.includes(i)) list.push(i);
        this.byKeyword.set(k, list);
        this.byHash.set(hashToken(k), k);
        this.minLength = this.byHash.size === 1 ? k.length : Math.min(this.minLength, k.length);
      }
    });
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
    let hits: Map<number, string[]> | null = null;
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].length < this.shortest) continue;
      if (hashes) {
        const k = this.byHash.get(hashes[i]);
        if (k === undefined || k !== tokens[i]) continue;
      }
      const list = this.byKeyword.get(tokens[i]);
      if (list === undefined) continue;
      hits ??= new Map();
      for (const ti of list) {
        const words = hits.get(ti) ?? [];
        if (!words.includes(tokens[i])) words.push(tokens[i]);
        hits.set(ti, words);
      }
    }
    if (!hits) return null;
    let best = -1;
    let bestWords: string[] = [];
    for (const [ti, words] of hits) {
      if (best < 0 || words.length > bestWords.length || (words.length === bestWords.length && this.depth[ti] > this.depth[best])) {
        best = ti;
        bestWords = words;
      }
    }
    const topic = this.topics[best];
    return { topic: topic.path, department: topic.department, reasons: [`${KEYWORD}：${bestWords.slice(0, 5).join('、')}`] };
  }
}
