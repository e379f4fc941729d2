import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { AuditLogTable, Database } from '../db/schema.ts';
import { maskSecrets, SECRET_MASK } from '../auth/secrets.ts';
import { t, catalogue } from '../i18n/index.ts';
import { RISK_LEVEL_LABELS, isRiskLevel } from '../levels.ts';
import { shapeOf } from '../shapes.ts';
import { localDateTime } from '../time/format.ts';
import { auditRowSchema } from './audit.ts';

/**
 * The audit trail as a person reads it: a sentence (张三 修改了预警渠道「办公室企业微信群」) and the
 * fields that changed, each with its Chinese label and its value before and after. The stored row
 * keeps codes and JSON (secrets already masked by recordAudit); this is the one place that turns
 * them into Chinese, for the console and any other reader.
 */
export interface AuditChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

export const auditChangeSchema = shapeOf<AuditChange>()({
  field: z.string().describe('the stored field name'),
  label: z.string().describe('its name for people'),
  before: z.string(),
  after: z.string(),
});

export type AuditEntry = Selectable<AuditLogTable> & { who: string; summary: string; changes: AuditChange[] };

export const auditEntrySchema = auditRowSchema.extend({
  who: z.string().describe('who acted, for people'),
  summary: z.string().describe('the entry as one Chinese sentence'),
  changes: z.array(auditChangeSchema).describe('changed fields (all fields of a created or deleted object)'),
});

/** Fields never shown in a diff: bookkeeping that changes with every write. */
const HIDDEN = new Set(['id', 'rule_ids', 'updated_at', 'password_hash', 'event', 'data', 'version', 'claim_token', 'lease_until']);
const BOOLEAN_FIELDS = new Set(['active', 'enabled', 'paused', 'hard', 'emergency', 'emergency_proposed', 'overdue', 'is_office', 'must_change_password', 'yearly', 'ok', 'standing']);
const NAME_KEYS = ['name', 'title', 'display_name', 'username', 'word', 'number', 'filename', 'code', 'path'] as const;
const MAX_VALUE = 300;

function parse(json: string | null): unknown {
  if (json === null) return undefined;
  try {
    return maskSecrets(JSON.parse(json) as unknown);
  } catch {
    return json;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function has(key: string): boolean {
  return Object.hasOwn(catalogue(), key);
}

export function fieldLabel(field: string): string {
  const key = `audit.field.${field}`;
  return has(key) ? t(key) : field;
}

function clip(s: string): string {
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

/** A stored value as people read it: 是/否, 等级 and 状态 names, times on the workspace clock. */
export function valueText(field: string, value: unknown, entity?: string): string {
  if (value === null || value === undefined || value === '') return t('audit.value.empty');
  if (value === SECRET_MASK) return t('audit.value.masked');
  if (Array.isArray(value) && value.length === 0) return t('audit.value.empty');
  if (typeof value === 'boolean') return t(value ? 'audit.value.yes' : 'audit.value.no');
  if (BOOLEAN_FIELDS.has(field) && (value === 0 || value === 1)) return t(value === 1 ? 'audit.value.yes' : 'audit.value.no');
  if (typeof value === 'string') {
    if (/(^|_)level$/.test(field) && isRiskLevel(value)) return RISK_LEVEL_LABELS[value];
    if (field === 'role' && has(`role.${value}`)) return t(`role.${value}`);
    if (/(^|_)state$/.test(field) && has(`case.state.${value}`)) return t(`case.state.${value}`);
    if (field === 'kind' && entity === 'source' && has(`collect.kind.${value}`)) return t(`collect.kind.${value}`);
    if (field === 'kind' && entity === 'channel' && has(`web.channels.kind.${value}`)) return t(`web.channels.kind.${value}`);
    if (field === 'audience' && has(`web.channels.audience.${value}`)) return t(`web.channels.audience.${value}`);
    if (/_at$/.test(field) || field === 'at') {
      const local = localDateTime(value);
      if (local) return local;
    }
    return clip(value);
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((x) => typeof x === 'string' || typeof x === 'number')) return clip(value.join('、'));
  return clip(JSON.stringify(value));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Changed fields between before and after; every shown field of a created or deleted object. */
export function auditChanges(entity: string, before: unknown, after: unknown): AuditChange[] {
  const b = isRecord(before) ? before : undefined;
  const a = isRecord(after) ? after : undefined;
  const out: AuditChange[] = [];
  if (!b && !a) {
    // A list (sensitive terms) or a scalar.
    if (before === undefined && after === undefined) return [];
    if (same(before, after)) return [];
    return [{ field: 'value', label: fieldLabel('value'), before: valueText('value', before, entity), after: valueText('value', after, entity) }];
  }
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  for (const k of keys) {
    if (HIDDEN.has(k)) continue;
    const x = b?.[k];
    const y = a?.[k];
    // On an update, a key only one side carries is context, not a change (the case row's comment is kept).
    if (b && a && (!(k in b) || !(k in a)) && k !== 'comment') continue;
    if (b && a && same(x, y)) continue;
    if ((!b || !a) && (x ?? y) === null) continue;
    out.push({ field: k, label: fieldLabel(k), before: b ? valueText(k, x, entity) : '', after: a ? valueText(k, y, entity) : '' });
  }
  return out;
}

function nameIn(v: unknown): string | null {
  if (!isRecord(v)) return null;
  for (const k of NAME_KEYS) {
    const x = v[k];
    if (typeof x === 'string' && x.trim()) return x.trim();
  }
  return null;
}

function caseIdIn(v: unknown): number | null {
  return isRecord(v) && typeof v.case_id === 'number' ? v.case_id : null;
}

export function whoText(row: Pick<Selectable<AuditLogTable>, 'actor_name' | 'via'>): string {
  if (row.via === 'system' || row.actor_name === 'system') return t('audit.who.system');
  if (row.actor_name.startsWith('cli:')) return t('audit.who.cli', { name: row.actor_name.slice(4) });
  if (row.actor_name.startsWith('push:')) return t('audit.who.push', { name: row.actor_name.slice(5) });
  return row.actor_name;
}

export interface AuditNames {
  users: Map<number, string>;
  cases: Map<number, string>;
}

/** One row as people read it, given the names of the users and cases it refers to. */
export function describeAudit(row: Selectable<AuditLogTable>, names: AuditNames): AuditEntry {
  const before = parse(row.before);
  const after = parse(row.after);
  const who = whoText(row);
  const id = row.entity_id;
  let target = '';
  const own = nameIn(after) ?? nameIn(before);
  const caseId = row.entity === 'case' && id ? Number(id) : (caseIdIn(after) ?? caseIdIn(before));
  const caseNumber = caseId !== null ? names.cases.get(caseId) : undefined;
  if (row.entity === 'case') {
    target = t('audit.target.case', { number: caseNumber ?? nameIn(after) ?? nameIn(before) ?? id ?? '' });
  } else if (row.entity === 'user' && id && names.users.has(Number(id))) {
    target = t('audit.target.named', { name: names.users.get(Number(id))! });
  } else if (own) {
    target = t('audit.target.named', { name: own });
  } else if (caseNumber) {
    target = t('audit.target.caseOf', { number: caseNumber });
  } else if (id && /^\d+$/.test(id)) {
    target = t('audit.target.numbered', { id });
  }
  if (own && caseNumber && row.entity !== 'case') target += t('audit.target.caseOf', { number: caseNumber });
  const vars = { who, target };
  let summary: string;
  const key = `audit.action.${row.action}`;
  if (has(key)) summary = t(key, vars);
  else if (row.action.startsWith('case.') && has(`web.caseEvent.${row.action.slice(5)}`)) summary = t('audit.action.case.event', { ...vars, event: t(`web.caseEvent.${row.action.slice(5)}`) });
  else summary = t('audit.unknownAction', { ...vars, entity: t(`audit.entity.${row.entity}`) });
  return { ...row, who, summary, changes: auditChanges(row.entity, before, after) };
}

/** Describes rows read from the trail, looking up the names of the users and cases they refer to. */
export async function describeAuditRows(db: Kysely<Database>, rows: Selectable<AuditLogTable>[]): Promise<AuditEntry[]> {
  const userIds = new Set<number>();
  const caseIds = new Set<number>();
  for (const r of rows) {
    if (r.entity === 'user' && r.entity_id && /^\d+$/.test(r.entity_id)) userIds.add(Number(r.entity_id));
    if (r.entity === 'case' && r.entity_id && /^\d+$/.test(r.entity_id)) caseIds.add(Number(r.entity_id));
    for (const v of [parse(r.before), parse(r.after)]) {
      const c = caseIdIn(v);
      if (c !== null) caseIds.add(c);
    }
  }
  const users = new Map<number, string>();
  const cases = new Map<number, string>();
  if (userIds.size) {
    for (const u of await db.selectFrom('users').select(['id', 'display_name', 'username']).where('id', 'in', [...userIds]).execute()) users.set(u.id, u.display_name || u.username);
  }
  if (caseIds.size) {
    for (const c of await db.selectFrom('cases').select(['id', 'number']).where('id', 'in', [...caseIds]).execute()) cases.set(c.id, c.number);
  }
  return rows.map((r) => describeAudit(r, { users, cases }));
}

/** An action's short name for a filter: its sentence without who and what (修改了预警渠道). */
export function actionName(action: string): string {
  const key = `audit.action.${action}`;
  if (has(key)) return t(key, { who: '', target: '' }).trim();
  if (action.startsWith('case.') && has(`web.caseEvent.${action.slice(5)}`)) return `${t('audit.entity.case')}：${t(`web.caseEvent.${action.slice(5)}`)}`;
  return action;
}

export interface AuditFacets {
  actions: { action: string; name: string }[];
  actors: { actor_name: string; who: string }[];
}

export const auditFacetsSchema = shapeOf<AuditFacets>()({
  actions: z.array(shapeOf<AuditFacets['actions'][number]>()({ action: z.string(), name: z.string() })),
  actors: z.array(shapeOf<AuditFacets['actors'][number]>()({ actor_name: z.string(), who: z.string() })),
});

export function auditFacetsView(f: { actions: string[]; actors: { actor_name: string; via: 'api' | 'cli' | 'system' }[] }): AuditFacets {
  const actors = new Map<string, string>();
  for (const a of f.actors) actors.set(a.actor_name, whoText(a));
  return {
    actions: f.actions.map((action) => ({ action, name: actionName(action) })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    actors: [...actors].map(([actor_name, who]) => ({ actor_name, who })),
  };
}
