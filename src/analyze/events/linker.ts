import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { nowIso } from '../../db/values.ts';
import { atLeast, type RiskLevel } from '../../levels.ts';
import { BandIndex } from './band-index.ts';
import { matterName, placeKey, placesAgree, samePlace } from './matter.ts';
export { matterPairs } from './matter.ts';
import { BANDS, bandHashes, bandKeys, isEmptySignature, leastSame, parseSignature, sameAtLeast, SIGNATURE_SIZE, signatureHex, similarity } from './minhash.ts';

/**
 * Events (事件): posts about one matter (issue 17, part 5). A matter is the place or object a
 * post names (events/matter.ts: X路, X小区, X街道, X工程 …) and what it says about it:
 * - a post and an event's seed that name one place are one matter when their titles say the same
 *   about it (a pair of characters of the matter in common: 捆绑销售车位 / 捆绑车位销售) or their
 *   content words agree at least `matterThreshold` (MinHash over words without the boilerplate of
 *   a message to a government board), within `matterWindowHours` of the event's last post: a
 *   matter on a message board runs for weeks; one place with another matter (an estate's parking,
 *   its school) is another event;
 * - a post and a seed that both name places, none of them shared, are never one matter (three
 *   estates stay three events), however alike their words;
 * - otherwise (one of them names no place) they are one matter when their words agree at least
 *   `threshold` within `windowHours`.
 * A post joins the most similar event that qualifies; otherwise it starts a new event and becomes its seed.
 */
export interface EventOptions {
  threshold: number;
  windowHours: number;
  /** Similarity at which a post and an event naming the same place are one matter. */
  matterThreshold?: number;
  /** How long after an event's last post a post naming its place can still join it. */
  matterWindowHours?: number;
}

export const DEFAULT_EVENTS: EventOptions = { threshold: 0.3, windowHours: 72, matterThreshold: 0.15, matterWindowHours: 60 * 24 };

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
   * The places and objects the post names (events/matter.ts). A post and an event that both name
   * places, but none in common, are different matters however similar the rest of the words.
   */
  names?: string[];
  /** The matter its title states, as character pairs (events/matter.ts matterPairs). */
  matter?: string[];
  /** The post's words (title first), to name a new event between words. */
  words?: readonly string[];
  /** Stored posts already in an event keep it (re-analysis of a re-fetched post). */
  existingEventId?: number | null;
}

export interface LinkResult {
  eventId: number | string;
  created: boolean;
  similarity: number;
}

/**
 * An event's name: its place and matter in words people read (「魅力之城 油烟扰民」; events/matter.ts),
 * from the post that started it.
 */
export function eventTitle(title: string, text: string, names?: readonly string[], words?: readonly string[]): string {
  return matterName(title, text, names, words);
}

const HOUR = 3600_000;

/** Whether two sets of names allow the same matter (either side unnamed, or a place shared). */
export function namesCompatible(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a?.length || !b?.length) return true;
  return placesAgree(a, b);
}

/**
 * How a post and an event's seed may be one matter: 'place' (a place shared), 'unplaced' (neither
 * names one), 'words' (one of them names none), or not at all (both name places, none shared).
 */
export function matterBond(a: readonly string[] | undefined, b: readonly string[] | undefined): 'place' | 'unplaced' | 'words' | null {
  if (!a?.length && !b?.length) return 'unplaced';
  if (!a?.length || !b?.length) return 'words';
  return placesAgree(a, b) ? 'place' : null;
}

/** Places of one side that the other shares (two of them, 丽发新城 and its 搅拌站, say the matter as well as a title). */
function sharedPlaces(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  for (const x of a) if (b.some((y) => samePlace(x, y))) n++;
  return n;
}

/**
 * The least similarity of content words at which a post joins an event it has this bond with:
 * none needed for one place and one matter (the titles share a pair, or two places are shared).
 */
function leastSimilarity(bond: 'place' | 'unplaced' | 'words', input: LinkInput, names: readonly string[], matter: readonly string[], o: { threshold: number; matter: number }): number {
  if (bond === 'place') return mattersMeet(input.matter, matter) > 0 || sharedPlaces(input.names!, names) >= 2 ? 0 : o.matter;
  if (bond === 'unplaced') return mattersMeet(input.matter, matter) >= UNPLACED_MATTER_PAIRS ? Math.min(UNPLACED_THRESHOLD, o.threshold) : o.threshold;
  return o.threshold;
}

/** How many pairs of characters the titles' matters share. */
export function mattersMeet(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (!a?.length || !b?.length) return 0;
  let n = 0;
  for (const x of a) if (b.includes(x)) n++;
  return n;
}

/** Pairs of characters two titles must share to be one matter when neither names a place (人才购房补贴 / 购房补贴申请). */
export const UNPLACED_MATTER_PAIRS = 3;
/** The content words such titles must still share (a MinHash similarity). */
export const UNPLACED_THRESHOLD = 0.1;

/** The most matter pairs an event keeps (its posts' titles add theirs as they join). */
export const MAX_MATTER_PAIRS = 48;

/** An event's matter with a joining post's added (at most MAX_MATTER_PAIRS). */
function growMatter(into: string[], add: readonly string[] | undefined): string[] {
  if (!add?.length || into.length >= MAX_MATTER_PAIRS) return into;
  const out = into.slice();
  for (const m of add) if (out.length < MAX_MATTER_PAIRS && !out.includes(m)) out.push(m);
  return out;
}

function matterOptions(o: EventOptions): { threshold: number; window: number } {
  return { threshold: o.matterThreshold ?? o.threshold, window: (o.matterWindowHours ?? o.windowHours) * HOUR };
}

/** Candidate events remembered per band key (the most recent); bounds time on floods of look-alike posts. */
const PER_BAND = 12;
/** What naming one of a post's places counts for among an event's band hits. */
const PLACE_HITS = BANDS / 4;
/** Candidates whose similarity is computed, those sharing the most bands first. */
const MAX_SCORED = 16;
/**
 * Events kept in memory at most. Posts without a time all fall inside one window, so without
 * this bound a long stream of distinct posts would grow memory without end; the events quiet
 * the longest go first.
 */
export const MAX_LIVE_EVENTS = 20_000;

/**
 * Stream mode (`minsheng analyze`): events live in memory and are forgotten once they have been
 * quiet for the window (or are the quietest beyond MAX_LIVE_EVENTS), so memory stays bounded
 * however long the stream is. Each event is a slot in typed arrays; a forgotten event's slot is
 * skipped until the next rebuild of the band index frees it.
 */
export class MemoryEventLinker {
  private readonly index = new BandIndex(BANDS);
  private capacity = 0;
  /** Per slot: the seed's signature (in `pool`), band keys, last activity, creation order, state. */
  private pool = new Uint32Array(0);
  private sigs: Uint32Array[] = [];
  private keysOf = new Int32Array(0);
  private lastSeen = new Float64Array(0);
  private born = new Float64Array(0);
  /** The link call that created or last joined the event (orders events of equal time). */
  private touched = new Float64Array(0);
  /** 0 free, 1 live, 2 forgotten (still in the band index until the next rebuild). */
  private state = new Uint8Array(0);
  private stamps = new Uint32Array(0);
  private hits = new Uint8Array(0);
  private ids: (string | number)[] = [];
  private names: string[][] = [];
  private matters: string[][] = [];
  private readonly slotOfKey = new Map<string, number>();
  /** The live events naming a place, by placeKey (latest last; pruned when events are forgotten). */
  private readonly byPlace = new Map<string, number[]>();
  private readonly free: number[] = [];
  private top = 0;
  private live = 0;
  private forgotten = 0;
  private maxSeen = 0;
  private linked = 0;

  private readonly leastSame: number;
  private readonly matter: { threshold: number; window: number };
  /** Scratch: the band keys of the post being linked, its candidates, one chain. */
  private readonly bands = new Int32Array(BANDS);
  private readonly candidates: number[] = [];
  private readonly chain = new Int32Array(PER_BAND);

  constructor(
    private readonly options: EventOptions = DEFAULT_EVENTS,
    private readonly maxLive = MAX_LIVE_EVENTS,
  ) {
    this.leastSame = leastSame(options.threshold);
    this.matter = matterOptions(options);
  }

  link(input: LinkInput): LinkResult | null {
    if (isEmptySignature(input.signature)) return null;
    const at = Date.parse(input.at) || this.maxSeen || 0;
    if (at > this.maxSeen) this.maxSeen = at;
    if (++this.linked % 1000 === 0) this.evict();
    const window = this.options.windowHours * HOUR;
    const bands = bandHashes(input.signature, this.bands);
    const { stamps, hits, state, candidates, chain, index } = this;
    const stamp = this.linked;
    candidates.length = 0;
    for (let b = 0; b < BANDS; b++) {
      // the band's latest PER_BAND events, visited oldest first
      let n = 0;
      for (let e = index.head(b, bands[b]); e >= 0 && n < PER_BAND; e = index.next(e)) chain[n++] = e;
      while (n-- > 0) {
        const slot = (chain[n] / BANDS) | 0;
        if (state[slot] !== 1) continue;
        if (stamps[slot] !== stamp) {
          stamps[slot] = stamp;
          hits[slot] = 0;
          candidates.push(slot);
        }
        hits[slot]++;
      }
    }
    // events naming one of the post's places are candidates whatever their words (a matter told twice in other words)
    if (input.names?.length) {
      for (const name of input.names) {
        const list = this.byPlace.get(placeKey(name));
        if (!list) continue;
        for (let i = list.length - 1, n = 0; i >= 0 && n < PER_BAND; i--) {
          const slot = list[i];
          if (state[slot] !== 1) continue;
          n++;
          if (stamps[slot] !== stamp) {
            stamps[slot] = stamp;
            hits[slot] = 0;
            candidates.push(slot);
          }
          // a shared place counts as much as a quarter of the bands: it is kept among the few scored
          hits[slot] = Math.min(BANDS, hits[slot] + PLACE_HITS);
        }
      }
    }
    // The events sharing the most bands are the most similar: score only the best few. The
    // answer is the most similar at or above the threshold, the first in `scored` on a tie; they
    // are scored most shared bands first, so that a good match early lets the others stop early.
    const scored = candidates.length > MAX_SCORED ? mostHits(candidates, hits) : candidates;
    let best = -1;
    let bestSame = 0;
    let bestAt = -1;
    for (const p of byHitsDescending(scored, hits)) {
      const slot = scored[p];
      const bond = matterBond(input.names, this.names[slot]);
      if (bond === null) continue;
      const least = leastSame(leastSimilarity(bond, input, this.names[slot], this.matters[slot], { threshold: this.options.threshold, matter: this.matter.threshold }));
      // a matter at one place runs for weeks; other likeness counts only within the window
      if (Math.abs(at - this.lastSeen[slot]) > (bond === 'place' ? this.matter.window : window)) continue;
      const same = sameAtLeast(input.signature, this.sigs[slot], Math.max(least, best < 0 ? 0 : p < bestAt ? bestSame : bestSame + 1));
      if (same >= 0) {
        best = slot;
        bestSame = same;
        bestAt = p;
      }
    }
    if (best >= 0) {
      if (at > this.lastSeen[best]) this.lastSeen[best] = at;
      this.matters[best] = growMatter(this.matters[best], input.matter);
      this.touched[best] = stamp;
      return { eventId: this.ids[best], created: false, similarity: bestSame / SIGNATURE_SIZE };
    }
    const key = String(input.postKey);
    const existing = this.slotOfKey.get(key);
    if (existing !== undefined) return { eventId: this.ids[existing], created: false, similarity: 1 };
    const slot = this.allocate();
    this.sigs[slot].set(input.signature);
    this.keysOf.set(bands, slot * BANDS);
    this.lastSeen[slot] = at;
    this.born[slot] = stamp;
    this.touched[slot] = stamp;
    this.state[slot] = 1;
    this.ids[slot] = input.postKey;
    this.names[slot] = input.names ?? [];
    this.matters[slot] = input.matter ?? [];
    for (const name of this.names[slot]) {
      const k = placeKey(name);
      const list = this.byPlace.get(k);
      if (list) list.push(slot);
      else this.byPlace.set(k, [slot]);
    }
    this.slotOfKey.set(key, slot);
    this.live++;
    index.add(slot, bands);
    if (this.live > this.maxLive) this.evict();
    return { eventId: input.postKey, created: true, similarity: 1 };
  }

  get size(): number {
    return this.live;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.top === this.capacity) this.grow(Math.max(256, this.capacity * 2));
    return this.top++;
  }

  private grow(capacity: number): void {
    const widen = <T extends Uint32Array | Int32Array | Float64Array | Uint8Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity * per);
      b.set(a);
      return b;
    };
    this.pool = widen(this.pool, SIGNATURE_SIZE);
    this.sigs = Array.from({ length: capacity }, (_, i) => this.pool.subarray(i * SIGNATURE_SIZE, (i + 1) * SIGNATURE_SIZE));
    this.keysOf = widen(this.keysOf, BANDS);
    this.lastSeen = widen(this.lastSeen);
    this.born = widen(this.born);
    this.touched = widen(this.touched);
    this.state = widen(this.state);
    this.stamps = widen(this.stamps);
    this.hits = widen(this.hits);
    this.capacity = capacity;
  }

  private forget(slot: number): void {
    this.state[slot] = 2;
    this.slotOfKey.delete(String(this.ids[slot]));
    for (const name of this.names[slot]) {
      const k = placeKey(name);
      const list = this.byPlace.get(k);
      if (!list) continue;
      const i = list.indexOf(slot);
      if (i >= 0) list.splice(i, 1);
      if (!list.length) this.byPlace.delete(k);
    }
    this.names[slot] = [];
    this.matters[slot] = [];
    this.live--;
    this.forgotten++;
  }

  private evict(): void {
    const cutoff = this.maxSeen - this.options.windowHours * HOUR;
    // an event naming a place stays joinable for the matter window
    const namedCutoff = this.maxSeen - Math.max(this.matter.window, this.options.windowHours * HOUR);
    for (let s = 0; s < this.top; s++) if (this.state[s] === 1 && this.lastSeen[s] < (this.names[s].length ? namedCutoff : cutoff)) this.forget(s);
    if (this.live > this.maxLive) this.forgetQuietest(this.live - Math.floor(this.maxLive * 0.9));
    // Forgotten slots are skipped in the band index; rebuilding it once they outnumber the live
    // events keeps the cost per forgotten event constant.
    if (this.forgotten > Math.max(1000, this.live)) this.rebuild();
  }

  /** Forgets the `count` live events quiet the longest (by time, then by the last post joined). */
  private forgetQuietest(count: number): void {
    const slots: number[] = [];
    for (let s = 0; s < this.top; s++) if (this.state[s] === 1) slots.push(s);
    slots.sort((a, b) => this.lastSeen[a] - this.lastSeen[b] || this.touched[a] - this.touched[b]);
    for (let i = 0; i < count; i++) this.forget(slots[i]);
  }

  private rebuild(): void {
    const slots: number[] = [];
    for (let s = 0; s < this.top; s++) {
      if (this.state[s] === 1) slots.push(s);
      else if (this.state[s] === 2) {
        this.state[s] = 0;
        this.free.push(s);
      }
    }
    this.forgotten = 0;
    slots.sort((a, b) => this.born[a] - this.born[b]);
    this.index.clear(slots.length);
    for (const s of slots) this.index.add(s, this.keysOf.subarray(s * BANDS, (s + 1) * BANDS));
  }
}

const order: number[] = [];

/** Positions of the candidates, most band hits first (stable; insertion sort: at most MAX_SCORED). */
function byHitsDescending(candidates: number[], hits: Uint8Array): number[] {
  order.length = 0;
  for (let i = 0; i < candidates.length; i++) {
    let j = i;
    while (j > 0 && hits[candidates[order[j - 1]]] < hits[candidates[i]]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order;
}

const counts = new Array<number>(BANDS + 1);
const most: number[] = [];

/** The MAX_SCORED candidates with the most band hits, in one counting pass (hits ≤ BANDS). */
function mostHits(candidates: number[], hits: Uint8Array): number[] {
  counts.fill(0);
  for (const s of candidates) counts[hits[s]]++;
  let cut = BANDS;
  for (let taken = counts[cut]; cut > 0 && taken < MAX_SCORED; ) taken += counts[--cut];
  most.length = 0;
  for (const s of candidates) if (hits[s] > cut) most.push(s);
  for (const s of candidates) {
    if (most.length >= MAX_SCORED) break;
    if (hits[s] === cut) most.push(s);
  }
  return most;
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
  const matter = matterOptions(options);
  const columns = ['events.id', 'events.signature', 'events.first_seen_at', 'events.last_seen_at', 'events.topic', 'events.department_id'] as const;
  const byWords = await trx
    .selectFrom('event_keys')
    .innerJoin('events', 'events.id', 'event_keys.event_id')
    .select(columns)
    .distinct()
    .where('event_keys.key', 'in', bands)
    .where('events.merged_into', 'is', null)
    .where('events.last_seen_at', '>=', shift(input.at, -window))
    .where('events.first_seen_at', '<=', shift(input.at, window))
    .execute();
  // events naming one of the post's places, over the longer window of a matter
  const placeKeys = [...new Set((input.names ?? []).map((n) => `t:${placeKey(n)}`))];
  const byPlace = placeKeys.length
    ? await trx
        .selectFrom('event_keys')
        .innerJoin('events', 'events.id', 'event_keys.event_id')
        .select(columns)
        .distinct()
        .where('event_keys.key', 'in', placeKeys)
        .where('events.merged_into', 'is', null)
        .where('events.last_seen_at', '>=', shift(input.at, -matter.window))
        .where('events.first_seen_at', '<=', shift(input.at, matter.window))
        .orderBy('events.last_seen_at', 'desc')
        .limit(64)
        .execute()
    : [];
  const candidates = [...byWords, ...byPlace.filter((c) => !byWords.some((w) => w.id === c.id))];
  const names = new Map<number, string[]>();
  const matters = new Map<number, string[]>();
  if (candidates.length) {
    const rows = await trx
      .selectFrom('event_keys')
      .select(['event_id', 'key'])
      .where('event_id', 'in', candidates.map((c) => c.id))
      .where((eb) => eb.or([eb('key', 'like', 'n:%'), eb('key', 'like', 'w:%')]))
      .execute();
    for (const r of rows) {
      const into = r.key.startsWith('n:') ? names : matters;
      into.set(r.event_id, [...(into.get(r.event_id) ?? []), r.key.slice(2)]);
    }
  }
  let best: (typeof candidates)[number] | null = null;
  let bestSim = 0;
  for (const c of candidates) {
    const bond = matterBond(input.names, names.get(c.id));
    if (bond === null) continue;
    const least = leastSimilarity(bond, input, names.get(c.id) ?? [], matters.get(c.id) ?? [], { threshold: options.threshold, matter: matter.threshold });
    const reach = bond === 'place' ? matter.window : window;
    if (c.last_seen_at < shift(input.at, -reach) || c.first_seen_at > shift(input.at, reach)) continue;
    // an event split off by hand has no seed signature: only one place and one matter join it
    const sig = parseSignature(c.signature);
    if (!sig && least > 0) continue;
    const s = sig ? similarity(input.signature, sig) : 0;
    if (s >= least && (!best || s > bestSim || (s === bestSim && c.id < best.id))) {
      best = c;
      bestSim = s;
    }
  }
  if (best) {
    // the event's matter grows by the titles of the posts that join it (a matter is told in many ways)
    const had = matters.get(best.id) ?? [];
    const grown = growMatter(had, input.matter).slice(had.length);
    if (grown.length) await trx.insertInto('event_keys').values(grown.map((m) => ({ event_id: best.id, key: `w:${m}` }))).execute();
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
      title: eventTitle(input.title, input.text, input.names, input.words),
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
    .values(
      [...new Set([...bands, ...(input.names ?? []).flatMap((n) => [`n:${n}`, `t:${placeKey(n)}`]), ...(input.matter ?? []).map((m) => `w:${m}`)])].map((key) => ({
        event_id: created.id,
        key,
      })),
    )
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
  const set: { risk_level?: RiskLevel; burst?: number; burst_reason?: string | null; burst_at?: string | null; updated_at: string } = { updated_at: nowIso() };
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
