import { sql } from 'kysely';
import { z } from 'zod';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, assertSeesDepartment, departmentScope } from '../../auth/policy.ts';
import { num } from '../../db/values.ts';
import { NotFoundError } from '../../errors.ts';
import { RISK_LEVELS } from '../../levels.ts';
import { actorOf } from '../session.ts';
import { typed, type RouteModule } from './types.ts';
import { eventDetailSchema, eventPageSchema, labelCounts } from '../answers.ts';
import { eventChanges, mergeEvents, mergeEventsInput, splitEvent, splitEventInput } from '../../analyze/events/manage.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

const listQuery = z.object({
  /** Minimum level: orange lists orange and red events. */
  level: z.enum(RISK_LEVELS).optional(),
  burst: z.enum(['0', '1', 'true', 'false']).optional(),
  /** A taxonomy path; its sub-topics are included. */
  topic: z.string().max(200).optional(),
  /** Events active since this time (ISO). */
  since: z.string().max(40).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const HOUR = 3600_000;

/** Events (事件): clusters of posts about one matter, with their posts and hourly timeline. */
export const eventRoutes: RouteModule = (app, ctx) => {
  const db = ctx.db.kysely;
  const r = typed(app);

  r.get('/api/events', { schema: { tags: ['events'], summary: 'Events, most recently active first', querystring: listQuery, response: { 200: eventPageSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'posts.read');
    const f = request.query;
    // events merged into another by the office are listed as the one they went into
    let q = db.selectFrom('events').leftJoin('departments', 'departments.id', 'events.department_id').where(departmentScope(actor, 'events.department_id')).where('events.merged_into', 'is', null);
    if (f.level) q = q.where('events.risk_level', 'in', RISK_LEVELS.slice(RISK_LEVELS.indexOf(f.level)));
    if (f.burst === '1' || f.burst === 'true') q = q.where('events.burst', '=', 1);
    if (f.burst === '0' || f.burst === 'false') q = q.where('events.burst', '=', 0);
    if (f.topic) q = q.where((eb) => eb.or([eb('events.topic', '=', f.topic!), eb('events.topic', 'like', `${f.topic}/%`)]));
    if (f.since) q = q.where('events.last_seen_at', '>=', f.since);
    if (f.q) q = q.where('events.title', 'like', `%${f.q.replace(/[%_]/g, '')}%`);
    const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    const items = await q
      .selectAll('events')
      .select(['departments.code as department', 'departments.name as department_name'])
      .orderBy('events.last_seen_at', 'desc')
      .orderBy('events.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute();
    return { total: num(total?.n), items: items.map(({ signature: _s, ...e }) => e) };
  });

  r.get('/api/events/:id', { schema: { tags: ['events'], summary: 'One event with its posts and hourly timeline', params: idParam, response: { 200: eventDetailSchema } } }, async (request) => {
    const actor = actorOf(request);
    assertCan(actor, 'posts.read');
    const event = await db
      .selectFrom('events')
      .leftJoin('departments', 'departments.id', 'events.department_id')
      .selectAll('events')
      .select(['departments.code as department', 'departments.name as department_name'])
      .where('events.id', '=', request.params.id)
      .executeTakeFirst();
    if (!event) throw new NotFoundError(`event ${request.params.id}`);
    assertSeesDepartment(actor, event.department_id, await officeDepartmentIds(db));
    const time = sql<string>`coalesce(posts.published_at, posts.fetched_at)`;
    const posts = await db
      .selectFrom('posts')
      .innerJoin('sources', 'sources.id', 'posts.source_id')
      .select([
        'posts.id',
        'posts.title',
        'posts.url',
        'posts.author',
        'posts.published_at',
        'posts.fetched_at',
        'posts.sentiment_label',
        'posts.appeal_label',
        'posts.emotion_label',
        'posts.risk_level',
        'posts.risk_score',
        'posts.topic',
        'posts.department_id',
        'posts.views',
        'posts.replies_count',
        'posts.likes',
        'posts.reposts',
        'sources.name as source',
      ])
      .select(time.as('at'))
      .where('posts.event_id', '=', event.id)
      .where(departmentScope(actor, 'posts.department_id'))
      .orderBy(time)
      .limit(1000)
      .execute();
    const buckets = new Map<string, number>();
    for (const p of posts) {
      const ms = Date.parse(p.at);
      if (Number.isNaN(ms)) continue;
      const hour = new Date(Math.floor(ms / HOUR) * HOUR).toISOString();
      buckets.set(hour, (buckets.get(hour) ?? 0) + 1);
    }
    const timeline = [...buckets.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([hour, count]) => ({ hour, count }));
    const { signature: _s, ...rest } = event;
    return {
      event: rest,
      posts,
      timeline,
      emotions: labelCounts(posts.map((p) => p.emotion_label)),
      appeals: labelCounts(posts.map((p) => p.appeal_label)),
      changes: await eventChanges(db, event.id),
    };
  });

  const mergeAnswer = z.object({ event_id: z.number(), moved_posts: z.array(z.number()).describe('the posts that moved into the event') });
  r.post(
    '/api/events/:id/merge',
    { schema: { tags: ['events'], summary: 'Merge other events into this one (one matter; office)', params: idParam, body: mergeEventsInput, response: { 200: mergeAnswer } } },
    async (request) => {
      const moved = await mergeEvents(db, actorOf(request), request.params.id, request.body);
      return { event_id: request.params.id, moved_posts: moved };
    },
  );

  const splitAnswer = z.object({ event_id: z.number().describe('the new event the posts went to') });
  r.post(
    '/api/events/:id/split',
    { schema: { tags: ['events'], summary: 'Split posts that are another matter off this event into a new one (office)', params: idParam, body: splitEventInput, response: { 200: splitAnswer } } },
    async (request) => ({ event_id: await splitEvent(db, actorOf(request), request.params.id, request.body) }),
  );
};
