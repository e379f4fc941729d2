import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';

/**
 * Issue 18, continued.
 * - departments.general_hours: the department's cases run the national 48-hour clock (国办发〔2016〕61号)
 *   instead of the same-working-day rule; 1 on, 0 off (the workspace-wide levels still apply).
 * - Alerts delivered in-app before migration 016 have no `alert_recipients` rows, so nobody counted
 *   them as unread and nobody could mark them read. Each gets the rows the routing of 016 gives at
 *   once, frozen here as it stood (a migration never follows later code): a post or event alert
 *   reaches the staff of its department (from 较大), the office (from 重大, or whatever its level
 *   when no department is named) and the leaders (from 重大), once per person per matter (before 016
 *   a post matching two rules made two alerts: the first one counts); system notices reach admins
 *   and the office; notices for a department reach its staff, and the office when it is the
 *   office's; anything else the office and the department's staff. Digest rows are not made (an
 *   old alert in tomorrow's digest would be noise), and what a person had read stays read.
 */
const MATTER = new Set(['post', 'event']);
const SYSTEM = new Set(['source.failing', 'channel.disabled']);
const DEPARTMENT_ONLY = new Set(['case.assigned', 'case.review', 'case.unverified']);
const RANK: Record<string, number> = { blue: 0, yellow: 1, orange: 2, red: 3 };

interface Person {
  id: number;
  role: string;
  department_id: number | null;
}

/** Whether the person takes the alert at once under the rules of migration 016 (see above). */
export function backfillTakes(alert: { kind: string; level: string; department_id: number | null }, person: Person, offices: ReadonlySet<number>): boolean {
  const rank = RANK[alert.level] ?? 0;
  const staff = person.role === 'responder' || person.role === 'head';
  const inDepartment = alert.department_id !== null && person.department_id === alert.department_id;
  if (SYSTEM.has(alert.kind)) return person.role === 'admin' || person.role === 'office';
  if (person.role === 'admin') return false;
  if (MATTER.has(alert.kind)) {
    if (staff) return inDepartment && rank >= RANK.yellow;
    if (person.role === 'office') return alert.department_id === null || rank >= RANK.orange;
    if (person.role === 'leader') return rank >= RANK.orange;
    return false;
  }
  if (DEPARTMENT_ONLY.has(alert.kind)) {
    if (staff) return inDepartment;
    return person.role === 'office' && alert.department_id !== null && offices.has(alert.department_id);
  }
  if (person.role === 'office') return true;
  if (staff) return inDepartment;
  return person.role === 'leader' && alert.kind === 'report' && alert.department_id === null;
}

function channelRoles(config: string): string[] | null {
  try {
    const roles = JSON.parse(config)?.roles;
    return Array.isArray(roles) && roles.length ? roles.map(String) : null;
  } catch {
    return null;
  }
}

export async function up(db: Kysely<any>, _kind: DbKind): Promise<void> {
  await db.schema.alterTable('departments').addColumn('general_hours', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  const people: Person[] = await db.selectFrom('users').select(['id', 'role', 'department_id']).where('active', '=', 1).orderBy('id').execute();
  if (!people.length) return;
  const offices = new Set<number>((await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute()).map((d: { id: number }) => d.id));
  const channels = new Map<number, { department_id: number | null; roles: string[] | null }>();
  for (const c of await db.selectFrom('channels').select(['id', 'department_id', 'config']).where('kind', '=', 'inapp').execute()) channels.set(c.id, { department_id: c.department_id, roles: channelRoles(c.config) });
  if (!channels.size) return;
  // In pages, so a large outbox never sits in memory at once.
  const seen = new Set<string>();
  let after = 0;
  for (;;) {
    const alerts: { id: number; channel_id: number; kind: string; level: string; department_id: number | null; matter_key: string | null; created_at: string }[] = await db
      .selectFrom('alerts')
      .select(['id', 'channel_id', 'kind', 'level', 'department_id', 'matter_key', 'created_at'])
      .where('id', '>', after)
      .where('channel_id', 'in', [...channels.keys()])
      .where('status', 'in', ['sent', 'digested'])
      .where('kind', '!=', 'digest')
      .where((eb: any) => eb.not(eb.exists(eb.selectFrom('alert_recipients').select('alert_recipients.alert_id').whereRef('alert_recipients.alert_id', '=', 'alerts.id'))))
      .orderBy('id')
      .limit(1000)
      .execute();
    if (!alerts.length) break;
    after = alerts[alerts.length - 1].id;
    const rows: { alert_id: number; user_id: number; mode: string; digest_id: null; created_at: string }[] = [];
    for (const a of alerts) {
      const channel = channels.get(a.channel_id)!;
      // Before 016 a matter's per-rule keys were `post:12|rule-id:3`: the matter is what precedes the first bar.
      const matter = MATTER.has(a.kind) && a.matter_key ? a.matter_key.split('|')[0] : null;
      for (const p of people) {
        if (channel.roles && !channel.roles.includes(p.role)) continue;
        if (channel.department_id !== null && p.department_id !== channel.department_id && !(offices.has(channel.department_id) && p.role === 'office')) continue;
        if (!backfillTakes(a, p, offices)) continue;
        if (matter) {
          const once = `${p.id}|${matter}`;
          if (seen.has(once)) continue;
          seen.add(once);
        }
        rows.push({ alert_id: a.id, user_id: p.id, mode: 'now', digest_id: null, created_at: a.created_at });
      }
    }
    for (let i = 0; i < rows.length; i += 200) await db.insertInto('alert_recipients').values(rows.slice(i, i + 200)).execute();
  }
}
