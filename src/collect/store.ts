import type { Kysely, Transaction } from 'kysely';
import { hammingDistance, parseSimhash, simhash, simhashHex } from './simhash.ts';
import type { Database } from '../db/schema.ts';
import { toJson } from '../db/values.ts';
import { canonicalUrl, dedupKey, normaliseForSimilarity } from './dedup.ts';
import type { CollectedItem, CollectedReply, SourceRow } from './types.ts';
import { standingOf, type StandingRules } from './standing.ts';

export interface StoreResult {
  created: number[];
  updated: number;
  unchanged: number;
  repliesAdded: number;
}

/** Near-duplicates: at most this many differing SimHash bits (of 64; unrelated texts differ in ~32) … */
export const NEAR_DUPLICATE_BITS = 6;
/** … within this window around the post's time, and only for texts this long. */
export const NEAR_DUPLICATE_WINDOW_MS = 3 * 24 * 3600 * 1000;
const MIN_SIMILARITY_CHARS = 20;
const BATCH = 200;

type Db = Kysely<Database> | Transaction<Database>;

interface Candidate {
  id: number;
  source: number;
  hash: bigint;
  at: number;
  root: number;
}

/**
 * Stores collected items for a source: new posts inserted, known ones (same dedup key) get
 * their metrics updated with a history row and their new replies added. Near-duplicates in
 * other sources are linked through posts.near_duplicate_of (to the earliest post of the group).
 * Each batch is one transaction, so a crash loses at most an uncommitted batch and a re-run
 * stores every post exactly once.
 */
export interface StoreOptions {
  /**
   * Whether a known post of this department may be updated. A person importing or entering posts
   * by hand changes only posts they may see; another department's post stays as it is (unchanged).
   */
  mayUpdate?: (departmentId: number | null) => boolean;
  /** What decides a new post's standing besides the post and its source (standing.ts). */
  standing?: StandingRules;
}

export async function storeItems(db: Kysely<Database>, source: SourceRow, items: CollectedItem[], now = new Date(), opts: StoreOptions = {}): Promise<StoreResult> {
  const result: StoreResult = { created: [], updated: 0, unchanged: 0, repliesAdded: 0 };
  if (!items.length) return result;
  const accounts = await accountMatcher(db, source);
  const candidates = await loadCandidates(db, source.id, now);
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    await db.transaction().execute(async (trx) => {
      const keys = [...new Set(batch.map((item) => dedupKey(item)))];
      const rows = await trx.selectFrom('posts').select(['id', 'dedup_key', 'views', 'replies_count', 'likes', 'reposts', 'title', 'text', 'department_id']).where('source_id', '=', source.id).where('dedup_key', 'in', keys).execute();
      const known = new Map(rows.map((r) => [r.dedup_key, { ...r, frozen: opts.mayUpdate ? !opts.mayUpdate(r.department_id) : false }]));
      for (const item of batch) await storeOne(trx, source, item, now, result, candidates, accounts, known, opts.standing);
    });
  }
  return result;
}

interface KnownPost {
  id: number;
  views: number;
  replies_count: number;
  likes: number;
  reposts: number;
  title: string;
  text: string;
  /** Not to be changed by this run (another department's post). */
  frozen?: boolean;
}

async function storeOne(trx: Transaction<Database>, source: SourceRow, item: CollectedItem, now: Date, result: StoreResult, candidates: Candidate[], accounts: AccountMatcher, known: Map<string, KnownPost>, standing?: StandingRules) {
  const at = now.toISOString();
  const key = dedupKey(item);
  const m = { views: item.metrics.views ?? 0, replies_count: item.metrics.replies ?? item.replies?.length ?? 0, likes: item.metrics.likes ?? 0, reposts: item.metrics.reposts ?? 0 };
  const existing = known.get(key);
  if (!existing) {
    const norm = normaliseForSimilarity(item.title, item.text);
    const hash = norm.length >= MIN_SIMILARITY_CHARS ? simhash(norm) : null;
    const when = Date.parse(item.publishedAt ?? at);
    const dupOf = hash === null ? null : nearest(candidates, source.id, hash, when);
    const row = await trx
      .insertInto('posts')
      .values({
        source_id: source.id,
        external_id: item.externalId,
        dedup_key: key,
        url: item.url ? canonicalUrl(item.url) : null,
        title: item.title.slice(0, 1000),
        text: item.text,
        content_html: item.contentHtml,
        author: item.author?.slice(0, 200) ?? null,
        published_at: item.publishedAt,
        published_precision: item.publishedAt ? (item.publishedPrecision ?? null) : null,
        standing: standingOf(item, source, accounts, standing),
        fetched_at: at,
        updated_at: at,
        ...m,
        near_duplicate_of: dupOf,
        department_id: source.department_id,
        abuse: 0,
        simhash: hash === null ? null : simhashHex(hash),
        extra: item.extra && Object.keys(item.extra).length ? toJson(item.extra) : null,
      })
      .onConflict((oc) => oc.columns(['source_id', 'dedup_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) {
      result.unchanged++; // stored meanwhile by a concurrent run
      return;
    }
    result.created.push(row.id);
    known.set(key, { id: row.id, ...m, title: item.title.slice(0, 1000), text: item.text });
    await trx.insertInto('post_metrics').values({ post_id: row.id, at, views: m.views, replies: m.replies_count, likes: m.likes, reposts: m.reposts }).execute();
    result.repliesAdded += await storeReplies(trx, row.id, item.replies ?? [], at, accounts);
    return;
  }
  if (existing.frozen) {
    result.unchanged++;
    return;
  }
  const metricsChanged = m.views !== existing.views || m.replies_count !== existing.replies_count || m.likes !== existing.likes || m.reposts !== existing.reposts;
  const textChanged = item.text !== '' && (item.text !== existing.text || item.title !== existing.title);
  const added = await storeReplies(trx, existing.id, item.replies ?? [], at, accounts);
  result.repliesAdded += added;
  if (!metricsChanged && !textChanged) {
    if (added) result.updated++;
    else result.unchanged++;
    return;
  }
  // A metric only grows on the site; a list page that omits it must not reset it to zero.
  const next = {
    views: Math.max(m.views, existing.views),
    replies_count: Math.max(m.replies_count, existing.replies_count),
    likes: Math.max(m.likes, existing.likes),
    reposts: Math.max(m.reposts, existing.reposts),
  };
  await trx
    .updateTable('posts')
    .set({ ...next, updated_at: at, ...(textChanged ? { title: item.title.slice(0, 1000), text: item.text, content_html: item.contentHtml } : {}) })
    .where('id', '=', existing.id)
    .execute();
  if (metricsChanged) await trx.insertInto('post_metrics').values({ post_id: existing.id, at, views: next.views, replies: next.replies_count, likes: next.likes, reposts: next.reposts }).execute();
  result.updated++;
}

/** Adds replies not seen before; a reply by a registered responder account is marked as ours. */
export async function storeReplies(trx: Db, postId: number, replies: CollectedReply[], at: string, accounts: AccountMatcher): Promise<number> {
  let added = 0;
  for (const r of replies) {
    const row = await trx
      .insertInto('post_replies')
      .values({ post_id: postId, external_id: r.externalId.slice(0, 300), author: r.author?.slice(0, 200) ?? null, text: r.text, published_at: r.publishedAt, fetched_at: at, responder_account_id: accounts(r.author) })
      .onConflict((oc) => oc.columns(['post_id', 'external_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) added++;
  }
  return added;
}

export type AccountMatcher = (author: string | null) => number | null;

/** Responder accounts registered for this source's site (by source name or host). */
export async function accountMatcher(db: Db, source: Pick<SourceRow, 'name' | 'url'>): Promise<AccountMatcher> {
  const sites = new Set([source.name.toLowerCase()]);
  if (source.url) {
    try {
      const host = new URL(source.url).hostname.toLowerCase();
      sites.add(host);
      sites.add(host.replace(/^www\./, ''));
    } catch {
      /* not a URL */
    }
  }
  const rows = await db.selectFrom('responder_accounts').select(['id', 'site', 'username']).execute();
  const byName = new Map<string, number>();
  for (const r of rows) {
    const site = r.site.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (sites.has(site) || sites.has(site.replace(/^www\./, ''))) byName.set(r.username.trim(), r.id);
  }
  return (author) => (author ? (byName.get(author.trim()) ?? null) : null);
}

async function loadCandidates(db: Db, sourceId: number, now: Date): Promise<Candidate[]> {
  const since = new Date(now.getTime() - 2 * NEAR_DUPLICATE_WINDOW_MS).toISOString();
  const rows = await db
    .selectFrom('posts')
    .select(['id', 'source_id', 'simhash', 'published_at', 'fetched_at', 'near_duplicate_of'])
    .where('source_id', '!=', sourceId)
    .where('simhash', 'is not', null)
    .where((eb) => eb.or([eb('published_at', '>=', since), eb('fetched_at', '>=', since)]))
    .orderBy('id', 'desc')
    .limit(20000)
    .execute();
  return rows.map((r) => ({ id: r.id, source: r.source_id, hash: parseSimhash(r.simhash!), at: Date.parse(r.published_at ?? r.fetched_at), root: r.near_duplicate_of ?? r.id }));
}

function nearest(candidates: Candidate[], sourceId: number, hash: bigint, at: number): number | null {
  let best: Candidate | null = null;
  let bestDist = NEAR_DUPLICATE_BITS + 1;
  for (const c of candidates) {
    if (c.source === sourceId || Math.abs(c.at - at) > NEAR_DUPLICATE_WINDOW_MS) continue;
    const d = hammingDistance(c.hash, hash);
    if (d < bestDist || (d === bestDist && best && c.root < best.root)) {
      best = c;
      bestDist = d;
    }
  }
  return best ? best.root : null;
}
