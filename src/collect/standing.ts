import type { PostStanding, PublishedPrecision } from './vocabulary.ts';
import type { AccountMatcher } from './store.ts';
import type { CollectedItem, SourceRow } from './types.ts';

/** What an entrance tells the store about the standing of the posts it brings (pipeline `IngestOptions`). */
export interface StandingRules {
  /** The posts are imported as history (`import --history`): stored and analysed, never alerting. */
  history?: boolean;
  /** Posts published before this instant (the workspace's age limit, ISO) are old. */
  notBefore?: string | null;
}

/** How long a published time may stand for: a date alone covers its whole day. */
const SPAN_MS: Record<PublishedPrecision, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Why a new post will neither alert nor open a case (`posts.standing`), or null for an ordinary
 * post. In order: written by one of our registered responder accounts (our reply or statement,
 * collected back); from a source watched for reference (参考); imported as history; published
 * before its source was added, or before the workspace's age limit. A post entered by hand is
 * never old: a person entered it to have it handled.
 */
export function standingOf(item: Pick<CollectedItem, 'author' | 'publishedAt' | 'publishedPrecision'>, source: Pick<SourceRow, 'kind' | 'created_at' | 'reference'>, accounts: AccountMatcher, rules: StandingRules = {}): PostStanding | null {
  if (accounts(item.author) !== null) return 'ours';
  if (source.reference === 1) return 'reference';
  if (rules.history) return 'history';
  if (item.publishedAt && source.kind !== 'manual') {
    // The latest the post can have been published, at the precision the source gave.
    const latest = Date.parse(item.publishedAt) + SPAN_MS[item.publishedPrecision ?? 'second'] - 1;
    if (latest < Date.parse(source.created_at)) return 'old';
    if (rules.notBefore && latest < Date.parse(rules.notBefore)) return 'old';
  }
  return null;
}
