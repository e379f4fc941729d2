import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../auth/actor.ts';
import { recordAudit } from '../../audit/audit.ts';
import { assertCan } from '../../auth/policy.ts';
import type { Database } from '../../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../../db/values.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { levelRank, type RiskLevel } from '../../levels.ts';
import { shapeOf } from '../../shapes.ts';
import { EVENT_CHANGE_KINDS } from '../vocabulary.ts';
import { matterName, matterPairs, matterPlaces, placeKey } from './matter.ts';

/**
 * The office corrects event linking by hand (issue 17, part 5): merges events that are one matter
 * and splits posts that are another matter off an event. Each change is kept in `event_changes`
 * (who, when, which posts) and in the audit trail, in one transaction with the change.
 *
 * - Merge: the posts of the merged events move into the kept one; a merged event keeps its row,
 *   pointing at the kept one (`merged_into`), takes no more posts and loses its lookup keys. Cases
 *   of a merged event now belong to the kept event, so later posts of the matter join the open one.
 * - Split: the posts chosen start a new event, named from its first post and found by the places
 *   and matter its posts name. Posts already in a case stay in their case.
 */
export const mergeEventsInput = z.object({
  /** The events merged into the one in the path. */
  events: z.array(z.number().int().positive()).min(1).max(50),
  note: z.string().max(500).optional(),
});
export const splitEventInput = z.object({
  /** The posts that are another matter. */
  post_ids: z.array(z.number().int().positive()).min(1).max(1000),
  note: z.string().max(500).optional(),
});

/** event_changes.post_ids: the posts that moved. */
export const eventChangePostsJson = jsonColumn('event_changes.post_ids', z.array(z.number()));

export interface EventChange {
  id: number;
  kind: (typeof EVENT_CHANGE_KINDS)[number];
  event_id: number;
  other_event_id: number | null;
  user_id: number | null;
  user_name: string | null;
  post_ids: number[];
  note: string | null;
  at: string;
}

export const eventChangeSchema = shapeOf<EventChange>()({
  id: z.number(),
  kind: z.enum(EVENT_CHANGE_KINDS),
  event_id: z.number(),
  other_event_id: z.number().nullable().describe('merge: the event merged in; split: the new event'),
  user_id: z.number().nullable(),
  user_name: z.string().nullable(),
  post_ids: z.array(z.number()),
  note: z.string().nullable(),
  at: z.string(),
});

/** Recomputes an event's post count, first and last time and highest level from its posts. */
async function refresh(trx: Transaction<Database>, eventId: number): Promise<void> {
  const posts = await trx.selectFrom('posts').select(['published_at', 'fetched_at', 'risk_level']).where('event_id', '=', eventId).execute();
  const times = posts.map((p) => p.published_at ?? p.fetched_at).sort();
  let level: RiskLevel | null = null;
  for (const p of posts) if (p.risk_level && (!level || levelRank(p.risk_level) > levelRank(level))) level = p.risk_level;
  const set: { post_count: number; updated_at: string; first_seen_at?: string; last_seen_at?: string; risk_level?: RiskLevel | null } = { post_count: posts.length, updated_at: nowIso() };
  if (times.length) Object.assign(set, { first_seen_at: times[0], last_seen_at: times[times.length - 1], risk_level: level });
  await trx.updateTable('events').set(set).where('id', '=', eventId).execute();
}

async function liveEvent(trx: Transaction<Database>, id: number) {
  const e = await trx.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
  if (!e) throw new NotFoundError(`event ${id}`);
  if (e.merged_into !== null) throw new ValidationError(`event ${id} was merged into ${e.merged_into}`, t('signal.events.error.merged', { id, into: e.merged_into }));
  return e;
}

/** Merges `from` into event `into`; returns the ids of the posts that moved. */
export async function mergeEvents(db: Kysely<Database>, actor: Actor, into: number, data: z.infer<typeof mergeEventsInput>): Promise<number[]> {
  assertCan(actor, 'events.manage');
  return db.transaction().execute(async (trx) => {
    const kept = await liveEvent(trx, into);
    const from = [...new Set(data.events)];
    if (from.includes(into)) throw new ValidationError('an event cannot be merged into itself', t('signal.events.error.self'));
    const moved: number[] = [];
    const now = nowIso();
    for (const id of from) {
      const gone = await liveEvent(trx, id);
      const posts = (await trx.selectFrom('posts').select('id').where('event_id', '=', id).execute()).map((p) => p.id);
      if (posts.length) await trx.updateTable('posts').set({ event_id: into }).where('event_id', '=', id).execute();
      await trx.updateTable('cases').set({ event_id: into }).where('event_id', '=', id).execute();
      await trx.deleteFrom('event_keys').where('event_id', '=', id).execute();
      await trx.updateTable('events').set({ merged_into: into, post_count: 0, updated_at: now }).where('id', '=', id).execute();
      await trx.insertInto('event_changes').values({ event_id: into, kind: 'merge', other_event_id: id, user_id: actor.id, post_ids: toJson(posts), note: data.note ?? null, at: now }).execute();
      await recordAudit(trx, actor, { action: 'event.merge', entity: 'event', entityId: into, before: { event: id, title: gone.title, posts }, after: { event: into, title: kept.title } });
      moved.push(...posts);
    }
    await refresh(trx, into);
    return moved;
  });
}

/** Splits the posts given off event `id` into a new event; returns the new event's id. */
export async function splitEvent(db: Kysely<Database>, actor: Actor, id: number, data: z.infer<typeof splitEventInput>): Promise<number> {
  assertCan(actor, 'events.manage');
  return db.transaction().execute(async (trx) => {
    const from = await liveEvent(trx, id);
    const wanted = [...new Set(data.post_ids)];
    const posts = await trx.selectFrom('posts').select(['id', 'title', 'text', 'published_at', 'fetched_at']).where('id', 'in', wanted).where('event_id', '=', id).execute();
    if (posts.length !== wanted.length) throw new ValidationError('every post must belong to the event', t('signal.events.error.notMember'));
    if (posts.length >= from.post_count) throw new ValidationError('a split leaves posts in the event', t('signal.events.error.splitAll'));
    posts.sort((a, b) => (a.published_at ?? a.fetched_at).localeCompare(b.published_at ?? b.fetched_at) || a.id - b.id);
    const first = posts[0];
    const at = first.published_at ?? first.fetched_at;
    const now = nowIso();
    const places = matterPlaces(first.title, first.text);
    const created = await trx
      .insertInto('events')
      .values({
        title: matterName(first.title, first.text, places),
        signature: null,
        topic: from.topic,
        department_id: from.department_id,
        first_seen_at: at,
        last_seen_at: at,
        post_count: 0,
        risk_level: null,
        burst: 0,
        burst_reason: null,
        burst_at: null,
        merged_into: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // found again by the places and matter its posts name (it has no seed signature)
    const keys = new Set<string>();
    for (const p of posts) {
      const named = matterPlaces(p.title, p.text);
      if (p === first) for (const n of named) keys.add(`n:${n}`), keys.add(`t:${placeKey(n)}`);
      for (const m of matterPairs(p.title, named, p.text)) keys.add(`w:${m}`);
    }
    if (keys.size) await trx.insertInto('event_keys').values([...keys].map((key) => ({ event_id: created.id, key }))).execute();
    await trx.updateTable('posts').set({ event_id: created.id }).where('id', 'in', wanted).execute();
    await refresh(trx, id);
    await refresh(trx, created.id);
    await trx.insertInto('event_changes').values({ event_id: id, kind: 'split', other_event_id: created.id, user_id: actor.id, post_ids: toJson(wanted), note: data.note ?? null, at: now }).execute();
    await recordAudit(trx, actor, { action: 'event.split', entity: 'event', entityId: id, before: { event: id, posts: wanted }, after: { event: created.id } });
    return created.id;
  });
}

/** The merges and splits of an event (as the kept or split event, or as the one merged in or split off), newest first. */
export async function eventChanges(db: Kysely<Database>, id: number): Promise<EventChange[]> {
  const rows = await db
    .selectFrom('event_changes')
    .leftJoin('users', 'users.id', 'event_changes.user_id')
    .select(['event_changes.id', 'event_changes.kind', 'event_changes.event_id', 'event_changes.other_event_id', 'event_changes.user_id', 'users.display_name as user_name', 'event_changes.post_ids', 'event_changes.note', 'event_changes.at'])
    .where((eb) => eb.or([eb('event_changes.event_id', '=', id), eb('event_changes.other_event_id', '=', id)]))
    .orderBy('event_changes.at', 'desc')
    .orderBy('event_changes.id', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, post_ids: readJson(eventChangePostsJson, r.post_ids, []) }));
}
