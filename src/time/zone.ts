/**
 * The workspace time zone. Everything a person reads (alerts, console, CLI, files, reports) is in
 * it; stored times are UTC ISO strings. It is a workspace setting (settings key `time`,
 * src/time/settings.ts), default Asia/Shanghai; each process loads it when it opens the database
 * (`loadWorkspaceZone`) and whenever it is changed. This is the one place that turns an instant
 * into the workspace's wall clock and back: the offset comes from the zone's rules (IANA, through
 * Intl), so a zone with daylight saving is right on both sides of a change.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** @deprecated the zone is a setting now: use `workspaceZone()`. Kept as the default's name. */
export const WORKSPACE_TIME_ZONE = DEFAULT_TIME_ZONE;

const SHANGHAI_MS = 8 * 3_600_000;
/** China has kept UTC+8 without daylight saving since 1991-09-15 (the last DST end). */
const SHANGHAI_FIXED_SINCE = Date.UTC(1991, 8, 14, 17);

let current = DEFAULT_TIME_ZONE;

/** Whether `zone` is a time zone this runtime knows (an IANA name such as Asia/Shanghai, or UTC). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The workspace zone this process uses now. */
export function workspaceZone(): string {
  return current;
}

/** Sets the zone this process uses (settings.ts calls it when the setting is loaded or changed). */
export function setWorkspaceZone(zone: string): void {
  if (!isTimeZone(zone)) throw new Error(`unknown time zone ${zone}`);
  current = canonical(zone);
}

function canonical(zone: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** Offsets by zone and quarter hour (zones change offset on quarter-hour boundaries at most). */
const offsets = new Map<string, number>();
const QUARTER = 900_000;

/** The zone's offset from UTC at instant `t`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(t: number, zone: string = current): number {
  if (zone === DEFAULT_TIME_ZONE && t >= SHANGHAI_FIXED_SINCE) return SHANGHAI_MS;
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const key = `${zone}|${Math.floor(t / QUARTER)}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const parts = formatter(zone).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = asUtc - (t - (((t % 1000) + 1000) % 1000));
  if (offsets.size > 20_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** A Date whose UTC fields read the workspace wall clock at `at` (use getUTC…, toISOString().slice). */
export function wallClock(at: Date | string | number): Date {
  const t = new Date(at).getTime();
  return new Date(t + zoneOffsetMs(t));
}

/** The instant at which the workspace wall clock reads the given fields (month 1–12); null for a date that does not exist (2月30日). */
export function fromWallClock(y: number, month: number, day: number, hh = 0, mm = 0, ss = 0): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return null;
  const fields = Date.UTC(y, month - 1, day, hh, mm, ss);
  const probe = new Date(fields);
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  // The offset at the guess, then at the instant it gives (right on both sides of a DST change).
  let t = fields - zoneOffsetMs(fields);
  t = fields - zoneOffsetMs(t);
  return new Date(t);
}

/** The instant of a wall-clock ISO text without a zone ("2026-10-01T00:00:00"), read in the workspace zone. */
export function fromLocalIso(local: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/.exec(local);
  if (!m) return new Date(Number.NaN);
  const at = fromWallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  if (!at) return new Date(Number.NaN);
  return new Date(at.getTime() + Number((m[7] ?? '0').padEnd(3, '0')));
}

/** The zone's offset at an instant as people write it: "+08:00". */
export function offsetText(at: Date | string | number): string {
  const t = new Date(at).getTime();
  const minutes = Math.round(zoneOffsetMs(t) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * An instant as ISO-8601 with the workspace offset, for machine-readable output people also read
 * (the CLI's JSONL): "2026-12-08T00:26:00+08:00". Null and unreadable values stay as they are.
 */
export function localIso<T extends string | null | undefined>(iso: T): T | string {
  if (!iso) return iso;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${wallClock(t).toISOString().slice(0, 19)}${offsetText(t)}`;
}
