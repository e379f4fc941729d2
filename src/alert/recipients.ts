import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Role } from '../auth/roles.ts';
import type { ChannelTable, Database } from '../db/schema.ts';
import { readJson } from '../db/values.ts';
import { atLeast } from '../levels.ts';
import { inappConfigJson } from './channels/inapp.ts';
import type { Notice } from './outbox.ts';
import { effectivePreferences, loadPreferences, type EffectivePreferences } from './preferences.ts';
import { loadAlertSettings, type AlertSettings } from './settings.ts';
import type { AlertKind, RecipientMode } from './vocabulary.ts';

type Db = Kysely<Database> | Transaction<Database>;
type ChannelRow = Selectable<ChannelTable>;

/** A post or event alert: the matter itself. */
export const MATTER_KINDS: ReadonlySet<AlertKind> = new Set(['post', 'event']);
/** Notices about the system itself: admins get these, and only these. */
export const SYSTEM_KINDS: ReadonlySet<AlertKind> = new Set(['source.failing', 'channel.disabled']);
/**
 * Notices meant for the departments they name ("由你部门主办", a reply to approve, a reply not
 * found on its thread): the office gets them only when it is one of them. Deadlines coming and
 * overdue cases still reach the office, which supervises them.
 */
export const DEPARTMENT_ONLY_KINDS: ReadonlySet<AlertKind> = new Set(['case.assigned', 'case.review', 'case.unverified']);

/** The departments a notice concerns: its department and those of every matched rule. */
export function departmentsOf(notice: Pick<Notice, 'departmentId' | 'departmentIds'>): Set<number> {
  const out = new Set<number>(notice.departmentIds ?? []);
  if (notice.departmentId !== null) out.add(notice.departmentId);
  return out;
}

export interface Person {
  id: number;
  role: Role;
  department_id: number | null;
  email: string | null;
}

/**
 * How one person gets a notice, before their flood limit: at once, in their digest, or not at all.
 * Post and event alerts go to the departments concerned and to the office for triage (at once
 * from the office's level, and always when no department is concerned; below it in the office's
 * digest); leaders take them at once from their level and the rest in their digest; a 参考 item
 * goes to the office's digest only; admins take system notices only. Each person's own "at
 * once" level and digest choice apply within what the office allows; red always comes at once.
 */
export function personMode(notice: Notice, person: Person, prefs: EffectivePreferences, offices: ReadonlySet<number>): RecipientMode | null {
  const departments = departmentsOf(notice);
  const inDepartment = person.department_id !== null && departments.has(person.department_id);
  const staff = person.role === 'responder' || person.role === 'head';
  if (notice.audience === 'leaders') return person.role === 'leader' ? 'now' : null;
  // The emergency clocks proposed: the office decides, the leaders know at once.
  if (notice.kind === 'case.emergency') return person.role === 'office' || person.role === 'leader' ? 'now' : null;
  if (SYSTEM_KINDS.has(notice.kind)) return person.role === 'admin' || person.role === 'office' ? 'now' : null;
  if (person.role === 'admin') return null;
  if (notice.officeOnly) return person.role === 'office' ? 'now' : null;
  if (MATTER_KINDS.has(notice.kind)) {
    if (notice.reference) return person.role === 'office' ? 'digest' : null;
    if (staff && !inDepartment) return null;
    let mode: RecipientMode = atLeast(notice.level, prefs.nowLevel) ? 'now' : 'digest';
    // Nobody else hears of a post routed to no department: the office takes it at once.
    if (person.role === 'office' && departments.size === 0) mode = 'now';
    if (notice.level === 'red') mode = 'now';
    return mode === 'digest' && !prefs.digest ? null : mode;
  }
  if (DEPARTMENT_ONLY_KINDS.has(notice.kind)) {
    if (staff) return inDepartment ? 'now' : null;
    if (person.role === 'office') return [...departments].some((d) => offices.has(d)) ? 'now' : null;
    return null;
  }
  // Overdue cases, reports, anything else: the departments concerned and the office; leaders take reports addressed to nobody in particular.
  if (person.role === 'office') return 'now';
  if (staff) return inDepartment ? 'now' : null;
  if (person.role === 'leader') return notice.kind === 'report' && departments.size === 0 ? 'now' : null;
  return null;
}

/** Whether a channel writes to people one by one (in-app; e-mail to each recipient's own address) rather than to a group. */
export function isPersonalChannel(channel: Pick<ChannelRow, 'kind' | 'config'>): boolean {
  if (channel.kind === 'inapp') return true;
  if (channel.kind === 'email') {
    try {
      return JSON.parse(channel.config)?.to_recipients === true;
    } catch {
      return false;
    }
  }
  return false;
}

/** People a personal channel may reach: its department's (the office's people too for an office channel), and for in-app the roles it names. */
export function channelReaches(channel: ChannelRow, person: Person, offices: ReadonlySet<number>): boolean {
  if (channel.department_id !== null && person.department_id !== channel.department_id && !(offices.has(channel.department_id) && person.role === 'office')) return false;
  if (channel.kind === 'inapp') {
    const roles = readJson(inappConfigJson, channel.config, {}).roles;
    if (roles && roles.length && !roles.includes(person.role)) return false;
  }
  if (channel.kind === 'email' && !person.email) return false;
  return true;
}

export interface RecipientContext {
  people: Person[];
  prefs: Map<number, EffectivePreferences>;
  offices: Set<number>;
  settings: AlertSettings;
}

/** Everything the routing needs, read once per notice. */
export async function recipientContext(db: Db): Promise<RecipientContext> {
  const settings = await loadAlertSettings(db);
  const people = await db.selectFrom('users').select(['id', 'role', 'department_id', 'email']).where('active', '=', 1).orderBy('id').execute();
  const chosen = await loadPreferences(db);
  const prefs = new Map<number, EffectivePreferences>();
  for (const p of people) prefs.set(p.id, effectivePreferences(p.role, chosen.get(p.id) ?? { nowLevel: null, digest: null, digestTimes: null, email: true }, settings));
  const offices = new Set((await db.selectFrom('departments').select('id').where('is_office', '=', 1).execute()).map((d) => d.id));
  return { people, prefs, offices, settings };
}

/**
 * The people a personal channel writes this notice to, and how. `covered` holds the people this
 * notice already reached through another channel of the same kind: one message per matter per
 * person. A person who took `personalFloodLimit` alerts at once within the digest window gets
 * further ones (below red) held back, in one digest at the end of the window.
 */
export async function recipientsFor(db: Db, rc: RecipientContext, notice: Notice, channel: ChannelRow, covered: Set<number>, now: Date): Promise<{ userId: number; mode: RecipientMode }[]> {
  const out: { userId: number; mode: RecipientMode }[] = [];
  for (const person of rc.people) {
    if (covered.has(person.id) || !channelReaches(channel, person, rc.offices)) continue;
    const prefs = rc.prefs.get(person.id)!;
    if (channel.kind === 'email' && !prefs.email) continue;
    const mode = personMode(notice, person, prefs, rc.offices);
    if (mode === null) continue;
    // E-mail writes only what comes at once; digests are read in the console.
    if (channel.kind === 'email' && mode !== 'now') continue;
    out.push({ userId: person.id, mode });
  }
  if (channel.kind !== 'inapp' || !MATTER_KINDS.has(notice.kind) || notice.level === 'red') return out;
  const atOnce = out.filter((r) => r.mode === 'now').map((r) => r.userId);
  if (!atOnce.length) return out;
  const since = new Date(now.getTime() - rc.settings.digestWindowMinutes * 60_000).toISOString();
  const recent = await db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .select(['r.user_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('r.user_id', 'in', atOnce)
    .where('r.mode', '=', 'now')
    .where('r.created_at', '>=', since)
    .where('a.kind', 'in', [...MATTER_KINDS])
    .where('a.level', '!=', 'red')
    .groupBy('r.user_id')
    .execute();
  const counts = new Map(recent.map((r) => [r.user_id, Number(r.n)]));
  return out.map((r) => (r.mode === 'now' && (counts.get(r.userId) ?? 0) >= rc.settings.personalFloodLimit ? { ...r, mode: 'flood' as const } : r));
}
