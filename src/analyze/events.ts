import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { atLeast, type RiskLevel } from '../levels.ts';
import { BANDS, bandHashes, bandKeys, isEmptySignature, leastSame, parseSignature, sameAtLeast, SIGNATURE_SIZE, signatureHex, similarity } from './minhash.ts';

/**
 * Events (事件): posts about the same matter, linked by the MinHash similarity of their content
 * words within a time window. A post joins the most similar event whose seed post is at least
 * `threshold` similar and which was active within `windowHours` of the post; otherwise it
 * starts a new event and becomes its seed.
 */
export interface EventOptions {
  threshold: number;
  windowHours: number;
}

export const DEFAULT_EVENTS: EventOptions = { threshold: 0.3, windowHours: 72 };

export interface LinkInput {
  /** The post's id (stored) or key (stream). */
  postKey: string | number;
  /** ISO time of the post (published, else fetched). */
  at: string;
  title: string;
  text: string;
  topic: string | null;
  departmentId?: number | null;
  signature: Uint32Array;
  /**
   * Dictionary names (places, roads, estates) in the post. A post and an event that both name
   * places, but none in common, are different matters however similar the rest of the words.
   */
  names?: string[];
  /** Stored posts already in an event keep it (re-analysis of a re-fetched post). */
  existingEventId?: number | null;
}

export interface LinkResult {
  eventId: number | string;
  created: boolean;
  similarity: number;
}

export function eventTitle(title: string, text: string): string {
  const base = (title || text).replace(/\s+/g, ' ').trim();
  return base.length > 60 ? `${base.slice(0, 60)}…` : base || '（无标题）';
}

const HOUR = 3600_000;

/** Whether two sets of names allow the same matter (either side unnamed, or a name shared). */
export function namesCompatible(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a?.length || !b?.length) return true;
  return a.some((n) => b.includes(n));
}

/** Candidate events remembered per band key (the most recent); bounds time and memory on floods of look-alike posts. */
const PER_BAND = 12;
/** Candidates whose similarity is computed, those sharing the most bands first. */
const MAX_SCORED = 16;

interface MemoryEvent {
  key: string;
  /** The first post's id as given (number or string): the event's id in the stream's output. */
  id: string | number;
  sig: Uint32Array;
  names: string[];
  lastSeen: number;
  /** The link call that last looked at this event, and how many of its bands matched then. */
  stamp: number;
  hits: number;
}

/**
 * Stream mode (`minsheng analyze`): events live in memory and are forgotten once they have been
 * quiet for the window, so memory stays bounded however long the stream is.
 */
export class MemoryEventLinker {
  private readonly events = new Map<string, MemoryEvent>();
  /** Per band: band key → the events with that key (the latest PER_BAND). */
  private readonly index = Array.from({ length: BANDS }, () => new Map<number, MemoryEvent[]>());
  private maxSeen = 0;
  private linked = 0;

  private readonly leastSame: number;
  /** The band keys of the post being linked (scratch). */
  private readonly bands = new Int32Array(BANDS);

  constructor(private readonly options: EventOptions = DEFAULT_EVENTS) {
    this.leastSame = leastSame(options.threshold);
  }

  link(input: LinkInput): LinkResult | null {
    if (isEmptySignature(input.signature)) return null;
    const at = Date.parse(input.at) || this.maxSeen || 0;
    if (at > this.maxSeen) this.maxSeen = at;
    if (++this.linked % 1000 === 0) this.evict();
    const window = this.options.windowHours * HOUR;
    const bands = bandHashes(input.signature, this.bands);
    let best: MemoryEvent | null = null;
    let bestSame = 0;
    const stamp = this.linked;
    const candidates: MemoryEvent[] = [];
    for (let b = 0; b < BANDS; b++) {
      const list = this.index[b].get(bands[b]);
      if (!list) continue;
      for (const e of list) {
        if (e.stamp !== stamp) {
          e.stamp = stamp;
          e.hits = 0;
          candidates.push(e);
        }
        e.hits++;
      }
    }
    // The events sharing the most bands are the most similar: score only the best few. The
    // answer is the most similar at or above the threshold, the first in `scored` on a tie; they
    // are scored most shared bands first, so that a good match early lets the others stop early.
    const scored = candidates.length > MAX_SCORED ? mostHits(candidates) : candidates;
    let bestAt = -1;
    for (const p of byHitsDescending(scored)) {
      const e = scored[p];
      if (Math.abs(at - e.lastSeen) > window) continue;
      if (!namesCompatible(input.names, e.names)) continue;
      const same = sameAtLeast(input.signature, e.sig, Math.max(this.leastSame, best === null ? 1 : p < bestAt ? bestSame : bestSame + 1));
      if (same >= 0) {
        best = e;
        bestSame = same;
        bestAt = p;
      }
    }
    if (best) {
      if (at > best.lastSeen) best.lastSeen = at;
      return { eventId: best.id, created: false, similarity: bestSame / SIGNATURE_SIZE };
    }
    const key = String(input.postKey);
    const existing = this.events.get(key);
    if (existing) return { eventId: existing.id, created: false, similarity: 1 };
    const e: MemoryEvent = { key, id: input.postKey, sig: input.signature, names: input.names ?? [], lastSeen: at, stamp, hits: 0 };
    this.events.set(key, e);
    for (let b = 0; b < BANDS; b++) {
      let list = this.index[b].get(bands[b]);
      if (!list) this.index[b].set(bands[b], (list = []));
      list.push(e);
      if (list.length > PER_BAND) list.shift();
    }
    return { eventId: input.postKey, created: true, similarity: 1 };
  }

  private evict(): void {
    const cutoff = this.maxSeen - this.options.windowHours * HOUR;
    const gone = new Set<MemoryEvent>();
    for (const [key, e] of this.events) {
      if (e.lastSeen >= cutoff) continue;
      this.events.delete(key);
      gone.add(e);
    }
    if (!gone.size) return;
    for (const index of this.index) {
      for (const [key, list] of index) {
        const kept = list.filter((e) => !gone.has(e));
        if (!kept.length) index.delete(key);
        else if (kept.length !== list.length) index.set(key, kept);
      }
    }
  }

  get size(): number {
    return this.events.size;
  }
}

const order: number[] = [];

/** Positions of the candidates, most band hits first (stable; insertion sort: at most MAX_SCORED). */
function byHitsDescending(candidates: MemoryEvent[]): number[] {
  order.length = 0;
  for (let i = 0; i < candidates.length; i++) {
    let j = i;
    while (j > 0 && candidates[order[j - 1]].hits < candidates[i].hits) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order;
}

/** The MAX_SCORED candidates with the most band hits, in one counting pass (hits ≤ BANDS). */
function mostHits(candidates: MemoryEvent[]): MemoryEvent[] {
  const counts = new Array<number>(BANDS + 1).fill(0);
  for (const e of candidates) counts[e.hits]++;
  let cut = BANDS;
  for (let taken = counts[cut]; cut > 0 && taken < MAX_SCORED; ) taken += counts[--cut];
  const out: MemoryEvent[] = [];
  for (const e of candidates) if (e.hits > cut) out.push(e);
  for (const e of candidates) {
    if (out.length >= MAX_SCORED) break;
    if (e.hits === cut) out.push(e);
  }
  return out;
}

function shift(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

/** Stored posts: events are rows, found through their seed's LSH band keys (event_keys). */
export async function linkStoredPost(trx: Transaction<Database>, input: LinkInput, options: EventOptions = DEFAULT_EVENTS): Promise<LinkResult | null> {
  const now = nowIso();
  if (input.existingEventId) {
    const e = await trx.selectFrom('events').selectAll().where('id', '=', input.existingEventId).executeTakeFirst();
    if (e) {
      await trx
        .updateTable('events')
        .set({
          last_seen_at: input.at > e.last_seen_at ? input.at : e.last_seen_at,
          first_seen_at: input.at < e.first_seen_at ? input.at : e.first_seen_at,
          topic: e.topic ?? input.topic,
          department_id: e.department_id ?? input.departmentId ?? null,
          updated_at: now,
        })
        .where('id', '=', e.id)
        .execute();
      return { eventId: e.id, created: false, similarity: 1 };
    }
  }
  if (isEmptySignature(input.signature)) return null;
  const bands = bandKeys(input.signature);
  const window = options.windowHours * HOUR;
  const candidates = await trx
    .selectFrom('event_keys')
    .innerJoin('events', 'events.id', 'event_keys.event_id')
    .select(['events.id', 'events.signature', 'events.first_seen_at', 'events.last_seen_at', 'events.topic', 'events.department_id'])
    .distinct()
    .where('event_keys.key', 'in', bands)
    .where('events.last_seen_at', '>=', shift(input.at, -window))
    .where('events.first_seen_at', '<=', shift(input.at, window))
    .execute();
  const names = new Map<number, string[]>();
  if (candidates.length && input.names?.length) {
    const rows = await trx.selectFrom('event_keys').select(['event_id', 'key']).where('event_id', 'in', candidates.map((c) => c.id)).where('key', 'like', 'n:%').execute();
    for (const r of rows) names.set(r.event_id, [...(names.get(r.event_id) ?? []), r.key.slice(2)]);
  }
  let best: (typeof candidates)[number] | null = null;
  let bestSim = 0;
  for (const c of candidates) {
    if (!namesCompatible(input.names, names.get(c.id))) continue;
    const sig = parseSignature(c.signature);
    if (!sig) continue;
    const s = similarity(input.signature, sig);
    if (s >= options.threshold && (s > bestSim || (s === bestSim && best && c.id < best.id))) {
      best = c;
      bestSim = s;
    }
  }
  if (best) {
    await trx
      .updateTable('events')
      .set((eb) => ({
        post_count: eb('post_count', '+', 1),
        last_seen_at: input.at > best.last_seen_at ? input.at : best.last_seen_at,
        first_seen_at: input.at < best.first_seen_at ? input.at : best.first_seen_at,
        topic: best.topic ?? input.topic,
        department_id: best.department_id ?? input.departmentId ?? null,
        updated_at: now,
      }))
      .where('id', '=', best.id)
      .execute();
    return { eventId: best.id, created: false, similarity: bestSim };
  }
  const created = await trx
    .insertInto('events')
    .values({
      title: eventTitle(input.title, input.text),
      signature: signatureHex(input.signature),
      topic: input.topic,
      department_id: input.departmentId ?? null,
      first_seen_at: input.at,
      last_seen_at: input.at,
      post_count: 1,
      risk_level: null,
      burst: 0,
      burst_reason: null,
      burst_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('event_keys')
    .values([...bands, ...(input.names ?? []).map((n) => `n:${n}`)].map((key) => ({ event_id: created.id, key })))
    .execute();
  return { eventId: created.id, created: true, similarity: 1 };
}

/** Raises the event's level to the post's when higher, and records or clears its burst. */
export async function updateStoredEvent(
  trx: Transaction<Database>,
  eventId: number,
  level: RiskLevel,
  burst: { reason: string; at: string } | null,
  at: string,
): Promise<void> {
  const e = await trx.selectFrom('events').select(['risk_level', 'burst', 'burst_at']).where('id', '=', eventId).executeTakeFirst();
  if (!e) return;
  const set: { risk_level?: string; burst?: number; burst_reason?: string | null; burst_at?: string | null; updated_at: string } = { updated_at: nowIso() };
  if (!e.risk_level || (atLeast(level, e.risk_level) && level !== e.risk_level)) set.risk_level = level;
  if (burst) {
    set.burst = 1;
    set.burst_reason = burst.reason;
    set.burst_at = burst.at;
  } else if (e.burst && e.burst_at && Date.parse(at) - Date.parse(e.burst_at) > HOUR) {
    set.burst = 0;
  }
  await trx.updateTable('events').set(set).where('id', '=', eventId).execute();
}
