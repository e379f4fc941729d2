import { sql, type Kysely, type Transaction } from 'kysely';
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
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    await db.transaction().execute(async (trx) => {
      const keys = [...new Set(batch.map((item) => dedupKey(item)))];
      const rows = await trx.selectFrom('posts').select(['id', 'dedup_key', 'views', 'replies_count', 'likes', 'reposts', 'title', 'text', 'department_id']).where('source_id', '=', source.id).where('dedup_key', 'in', keys).execute();
      const known = new Map(rows.map((r) => [r.dedup_key, { ...r, frozen: opts.mayUpdate ? !opts.mayUpdate(r.department_id) : false }]));
      for (const item of batch) await storeOne(trx, source, item, now, result, accounts, known, opts.standing);
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

async function storeOne(trx: Transaction<Database>, source: SourceRow, item: CollectedItem, now: Date, result: StoreResult, accounts: AccountMatcher, known: Map<string, KnownPost>, standing?: StandingRules) {
  const at = now.toISOString();
  const key = dedupKey(item);
  const m = { views: item.metrics.views ?? 0, replies_count: item.metrics.replies ?? item.replies?.length ?? 0, likes: item.metrics.likes ?? 0, reposts: item.metrics.reposts ?? 0 };
  const existing = known.get(key);
  if (!existing) {
    const norm = normaliseForSimilarity(item.title, item.text);
    const hash = norm.length >= MIN_SIMILARITY_CHARS ? simhash(norm) : null;
    const when = Date.parse(item.publishedAt ?? at);
    const dupOf = hash === null || Number.isNaN(when) ? null : await nearDuplicateOf(trx, source.id, hash, when);
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

/** SimHash bands (16 bits, 4 hex digits each), indexed by migration 018 with the post's time. */
const BANDS = 4;

/** A band's 4 hex digits and its 16 one-bit neighbours. */
function bandProbes(hex: string, band: number): string[] {
  const value = parseInt(hex.slice(band * 4, band * 4 + 4), 16);
  const out = [hex.slice(band * 4, band * 4 + 4)];
  for (let bit = 0; bit < 16; bit++) out.push((value ^ (1 << bit)).toString(16).padStart(4, '0'));
  return out;
}

/**
 * The earliest post of the group this post nearly duplicates (within NEAR_DUPLICATE_BITS, in
 * another source, within the window of its time), or null. Posts within 6 bits agree to within
 * 1 bit in at least one of the four bands, so probing each band's value and its one-bit
 * neighbours finds every candidate through the band indexes; the nearest wins, the earliest
 * root on a tie.
 */
export async function nearDuplicateOf(db: Db, sourceId: number, hash: bigint, at: number): Promise<number | null> {
  let best: { root: number; dist: number } | null = null;
  for (const c of await nearDuplicateCandidates(db, hash, at).execute()) {
    if (c.source_id === sourceId) continue;
    const dist = hammingDistance(parseSimhash(c.simhash!), hash);
    if (dist > NEAR_DUPLICATE_BITS) continue;
    const root = c.near_duplicate_of ?? c.id;
    if (!best || dist < best.dist || (dist === best.dist && root < best.root)) best = { root, dist };
  }
  return best ? best.root : null;
}

/** Posts sharing a band with `hash` up to one bit, within the window of `at`: one indexed probe per band. */
export function nearDuplicateCandidates(db: Db, hash: bigint, at: number) {
  const hex = simhashHex(hash);
  const from = new Date(at - NEAR_DUPLICATE_WINDOW_MS).toISOString();
  const to = new Date(at + NEAR_DUPLICATE_WINDOW_MS).toISOString();
  const when = sql<string>`coalesce(published_at, fetched_at)`;
  // The band expression is written exactly as the index's (literal positions), so that both planners use it.
  const band = (b: number) =>
    db
      .selectFrom('posts')
      .select(['id', 'source_id', 'simhash', 'near_duplicate_of'])
      .where('simhash', 'is not', null)
      .where(sql`substr(simhash, ${sql.lit(b * 4 + 1)}, 4)`, 'in', bandProbes(hex, b))
      .where(when, '>=', from)
      .where(when, '<=', to);
  let q = band(0);
  for (let b = 1; b < BANDS; b++) q = q.union(band(b));
  return q;
}
