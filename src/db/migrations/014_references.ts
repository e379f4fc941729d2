import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/** The part of a post/event alert's matter key that named its watch rule (before 014). */
const NAME_TOKEN = '|rule:';

/** What a matter key names a watch rule by from 014 on: its id (as `ruleMatterKey` in alert/hook.ts). */
function ruleMatterKey(matter: string, ruleId: number): string {
  return `${matter}|rule-id:${ruleId}`;
}

function names(json: string | null): string[] {
  try {
    const v = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Issue 16: references go by id. A channel limited to some watch rules lists them in
 * `channel_rules`, a watch rule limited to some sources lists them in `rule_sources`; the JSON
 * name lists `channels.rule_names` and `watch_rules.scope_sources` are converted and dropped
 * (a name that matched nothing is dropped with them). The outbox keys of rule alerts named the
 * rule (`post:12|rule:漏水`); they are rewritten to its id (`post:12|rule-id:3`), with the
 * escalations that refer to them, so that a post already alerted never alerts again.
 */
export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema
    .createTable('channel_rules')
    .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('watch_rules.id'))
    .addPrimaryKeyConstraint('channel_rules_pk', ['channel_id', 'rule_id'])
    .execute();
  await db.schema.createIndex('channel_rules_rule').on('channel_rules').column('rule_id').execute();
  await db.schema
    .createTable('rule_sources')
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('watch_rules.id').onDelete('cascade'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addPrimaryKeyConstraint('rule_sources_pk', ['rule_id', 'source_id'])
    .execute();
  await db.schema.createIndex('rule_sources_source').on('rule_sources').column('source_id').execute();

  const rules = (await db.selectFrom('watch_rules').select(['id', 'name', 'scope_sources']).execute()) as { id: number; name: string; scope_sources: string }[];
  const ruleId = new Map(rules.map((r) => [r.name, r.id]));
  const sourceId = new Map(((await db.selectFrom('sources').select(['id', 'name']).execute()) as { id: number; name: string }[]).map((s) => [s.name, s.id]));

  for (const c of (await db.selectFrom('channels').select(['id', 'rule_names']).execute()) as { id: number; rule_names: string }[]) {
    const ids = [...new Set(names(c.rule_names).map((n) => ruleId.get(n)).filter((id): id is number => id !== undefined))];
    if (ids.length) await db.insertInto('channel_rules').values(ids.map((id) => ({ channel_id: c.id, rule_id: id }))).execute();
  }
  for (const r of rules) {
    const ids = [...new Set(names(r.scope_sources).map((n) => sourceId.get(n)).filter((id): id is number => id !== undefined))];
    if (ids.length) await db.insertInto('rule_sources').values(ids.map((id) => ({ rule_id: r.id, source_id: id }))).execute();
  }
  await db.schema.alterTable('channels').dropColumn('rule_names').execute();
  await db.schema.alterTable('watch_rules').dropColumn('scope_sources').execute();

  // Outbox keys: `<matter>|rule:<name>` (+ `|ch<channel>` for the idempotency key) become `<matter>|rule-id:<id>`.
  const rekey = (key: string | null, id: number): string | null => {
    if (key === null) return null;
    const at = key.indexOf(NAME_TOKEN);
    return at < 0 ? key : ruleMatterKey(key.slice(0, at), id);
  };
  const alerts = (await db
    .selectFrom('alerts')
    .select(['id', 'idempotency_key', 'matter_key', 'escalation_of', 'rule_id'])
    .where('rule_id', 'is not', null)
    .where((eb) => eb.or([eb('matter_key', 'like', `%${NAME_TOKEN}%`), eb('escalation_of', 'like', `%${NAME_TOKEN}%`)]))
    .orderBy('id')
    .execute()) as { id: number; idempotency_key: string; matter_key: string | null; escalation_of: string | null; rule_id: number }[];
  const taken = new Set<string>();
  for (const a of alerts) {
    const matter = rekey(a.matter_key, a.rule_id);
    const set: Record<string, string | null> = { matter_key: matter, escalation_of: rekey(a.escalation_of, a.rule_id) };
    if (a.matter_key !== null && matter !== null && a.idempotency_key.startsWith(a.matter_key)) {
      const key = matter + a.idempotency_key.slice(a.matter_key.length);
      // The same rule under two names alerted twice before: the later row keeps its old key.
      const clash = taken.has(key) || (await db.selectFrom('alerts').select('id').where('idempotency_key', '=', key).executeTakeFirst());
      if (!clash) {
        set.idempotency_key = key;
        taken.add(key);
      }
    }
    await db.updateTable('alerts').set(set).where('id', '=', a.id).execute();
  }
}
