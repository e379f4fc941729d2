import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { AuditLogTable, Database } from '../db/schema.ts';
import { nowIso, toJson } from '../db/values.ts';
import { maskSecrets } from '../auth/secrets.ts';
import { shapeOf } from '../shapes.ts';
import { AUDIT_ENTITIES, isAuditEntity, type AuditEntity } from './vocabulary.ts';

export interface AuditEntry {
  action: string;
  entity: AuditEntity;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Secrets never enter the audit trail: the same rule as for API answers (auth/secrets.ts). */
const redact = (value: unknown) => maskSecrets(value);

/** Appends one row to the audit trail, inside the caller's transaction. Rows are never updated or deleted. */
export async function recordAudit(db: Kysely<Database> | Transaction<Database>, actor: Actor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      actor_id: actor.id,
      actor_name: actor.name,
      via: actor.via,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      before: entry.before === undefined ? null : toJson(redact(entry.before)),
      after: entry.after === undefined ? null : toJson(redact(entry.after)),
    })
    .execute();
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actorId?: number;
  /** Exactly this action code (`channel.update`). */
  action?: string;
  /** Exactly this actor name as stored (a person's display name, `cli:…`, `system`). */
  actor?: string;
  /** UTC instants bounding `at`: from inclusive, to exclusive. */
  fromAt?: string;
  toAt?: string;
  limit?: number;
  beforeId?: number;
}

/** A row of the audit trail as the API sends it; before/after are JSON text. */
export const auditRowSchema = shapeOf<Selectable<AuditLogTable>>()({
  id: z.number(),
  at: z.string(),
  actor_id: z.number().nullable(),
  actor_name: z.string(),
  via: z.enum(['api', 'cli', 'system']),
  action: z.string(),
  entity: z.enum(AUDIT_ENTITIES),
  entity_id: z.string().nullable(),
  before: z.string().nullable().describe('JSON'),
  after: z.string().nullable().describe('JSON'),
});

export async function listAudit(db: Kysely<Database>, q: AuditQuery = {}) {
  // The console's filter is free text: a word that names no entity finds nothing.
  const entity = q.entity || undefined;
  if (entity !== undefined && !isAuditEntity(entity)) return [];
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(Math.min(q.limit ?? 100, 1000));
  if (entity !== undefined) query = query.where('entity', '=', entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actor) query = query.where('actor_name', '=', q.actor);
  if (q.fromAt) query = query.where('at', '>=', q.fromAt);
  if (q.toAt) query = query.where('at', '<', q.toAt);
  if (q.beforeId) query = query.where('id', '<', q.beforeId);
  return query.execute();
}

/** The actions and actors present in the trail, for the console's filters. */
export async function auditFacets(db: Kysely<Database>): Promise<{ actions: string[]; actors: { actor_name: string; via: 'api' | 'cli' | 'system' }[] }> {
  const actions = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  const actors = await db.selectFrom('audit_log').select(['actor_name', 'via']).distinct().orderBy('actor_name').execute();
  return { actions: actions.map((r) => r.action), actors };
}
