import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { officeDepartmentIds } from '../auth/departments.ts';
import { assertCan, assertSeesDepartment, can, departmentScope } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { shapeOf } from '../shapes.ts';
import { RESPONSE_KINDS } from './vocabulary.ts';

/**
 * The responder accounts registry (网评员账号): the usernames each responder replies under on
 * each site, kept by the office so that it can see who replied where, and so that collection
 * recognises our own replies on a thread.
 */
export const accountInput = z.object({
  site: z.string().min(1).max(200).describe('site host or source name, e.g. bbs.example.gov.cn'),
  username: z.string().min(1).max(100),
  user_id: z.number().int().optional().describe('owner; defaults to the caller (office may register for others)'),
});
export type AccountInput = z.infer<typeof accountInput>;

const columns = [
  'responder_accounts.id',
  'responder_accounts.site',
  'responder_accounts.username',
  'responder_accounts.user_id',
  'responder_accounts.created_at',
  'users.display_name as user_name',
  'users.department_id',
  'departments.name as department_name',
] as const;

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('responder_accounts')
    .innerJoin('users', 'users.id', 'responder_accounts.user_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select(columns);
}

/** A registered account with its owner, as the API sends it. */
export const accountSchema = shapeOf<Awaited<ReturnType<typeof getAccount>>>()({
  id: z.number(),
  site: z.string(),
  username: z.string(),
  user_id: z.number(),
  created_at: z.string(),
  user_name: z.string(),
  department_id: z.number().nullable(),
  department_name: z.string().nullable(),
});

/** The row a registration stores. */
export const accountRowSchema = shapeOf<Awaited<ReturnType<typeof registerAccount>>>()({
  id: z.number(),
  user_id: z.number(),
  site: z.string(),
  username: z.string(),
  created_at: z.string(),
});

export async function listAccounts(db: Kysely<Database>, actor: Actor) {
  const q = baseQuery(db).orderBy('responder_accounts.site').orderBy('responder_accounts.username');
  return can(actor, 'accounts.readAll') ? q.execute() : q.where(departmentScope(actor, 'users.department_id')).execute();
}

export async function getAccount(db: Kysely<Database>, actor: Actor, id: number) {
  const row = await baseQuery(db).where('responder_accounts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`responder account ${id}`);
  if (!can(actor, 'accounts.readAll')) assertSeesDepartment(actor, row.department_id, await officeDepartmentIds(db));
  return row;
}

export async function registerAccount(db: Kysely<Database>, actor: Actor, input: AccountInput) {
  assertCan(actor, 'accounts.register');
  const data = accountInput.parse(input);
  const ownerId = data.user_id ?? actor.id;
  if (ownerId === null) throw new ForbiddenError('an account needs an owner');
  if (ownerId !== actor.id && actor.role !== 'office') throw new ForbiddenError('only the office registers accounts for others');
  return db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('responder_accounts').select('id').where('site', '=', data.site).where('username', '=', data.username).executeTakeFirst();
    if (dup) throw new ConflictError(`account ${data.username}@${data.site} is registered`, `账号“${data.username}”在“${data.site}”已登记`);
    const row = await trx
      .insertInto('responder_accounts')
      .values({ user_id: ownerId, site: data.site, username: data.username, created_at: nowIso() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'account.register', entity: 'responder_account', entityId: row.id, after: row });
    return row;
  });
}

export async function removeAccount(db: Kysely<Database>, actor: Actor, id: number) {
  const row = await getAccount(db, actor, id);
  if (row.user_id !== actor.id && actor.role !== 'office') throw new ForbiddenError('only the owner or the office removes an account');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('post_replies').set({ responder_account_id: null }).where('responder_account_id', '=', id).execute();
    await trx.deleteFrom('responder_accounts').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'account.remove', entity: 'responder_account', entityId: id, before: row });
  });
}

/**
 * Who replied where: the replies collection found on threads under this account, and the
 * responses recorded as posted with it (with their verification).
 */
type Activity = Awaited<ReturnType<typeof accountActivity>>;

export const accountActivitySchema = shapeOf<Activity>()({
  account: accountSchema,
  replies: z.array(
    shapeOf<Activity['replies'][number]>()({
      id: z.number(),
      post_id: z.number(),
      post_title: z.string(),
      post_url: z.string().nullable(),
      source_name: z.string(),
      text: z.string().describe('the first 300 characters'),
      published_at: z.string().nullable(),
      fetched_at: z.string(),
    }),
  ),
  responses: z.array(
    shapeOf<Activity['responses'][number]>()({
      id: z.number(),
      case_id: z.number(),
      case_number: z.string(),
      case_title: z.string(),
      kind: z.enum(RESPONSE_KINDS),
      url: z.string().nullable(),
      posted_at: z.string().nullable(),
      verified_at: z.string().nullable(),
    }),
  ),
});

export async function accountActivity(db: Kysely<Database>, actor: Actor, id: number, limit = 200) {
  const account = await getAccount(db, actor, id);
  const [replies, responses] = await Promise.all([
    db
      .selectFrom('post_replies')
      .innerJoin('posts', 'posts.id', 'post_replies.post_id')
      .innerJoin('sources', 'sources.id', 'posts.source_id')
      .select(['post_replies.id', 'post_replies.post_id', 'posts.title as post_title', 'posts.url as post_url', 'sources.name as source_name', 'post_replies.text', 'post_replies.published_at', 'post_replies.fetched_at'])
      .where('post_replies.responder_account_id', '=', id)
      .orderBy('post_replies.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('responses')
      .innerJoin('cases', 'cases.id', 'responses.case_id')
      .select(['responses.id', 'responses.case_id', 'cases.number as case_number', 'cases.title as case_title', 'responses.kind', 'responses.url', 'responses.posted_at', 'responses.verified_at'])
      .where('responses.responder_account_id', '=', id)
      .orderBy('responses.id', 'desc')
      .limit(limit)
      .execute(),
  ]);
  return { account, replies: replies.map((r) => ({ ...r, text: r.text.slice(0, 300) })), responses };
}
