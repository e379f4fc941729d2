/**
 * The workspace time zone. Everything a person reads (alerts, console, CLI, files, reports) is in
 * it; stored times are UTC ISO strings. Asia/Shanghai (UTC+8, no daylight saving since 1991) is the
 * zone of every workspace today, so the offset is a constant: this is the one place that knows it.
 */
export const WORKSPACE_TIME_ZONE = 'Asia/Shanghai';
export const ZONE_OFFSET_MS = 8 * 3_600_000;

/** A Date whose UTC fields read the workspace wall clock at `at` (use getUTC…, toISOString().slice). */
export function wallClock(at: Date | string | number): Date {
  return new Date(new Date(at).getTime() + ZONE_OFFSET_MS);
}

/** The instant at which the workspace wall clock reads the given fields (month 1–12); null for a date that does not exist (2月30日). */
export function fromWallClock(y: number, month: number, day: number, hh = 0, mm = 0, ss = 0): Date | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return null;
  const t = Date.UTC(y, month - 1, day, hh, mm, ss) - ZONE_OFFSET_MS;
  const check = wallClock(t);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(t);
}

/** The instant of a wall-clock ISO text without a zone ("2026-10-01T00:00:00"), read in the workspace zone. */
export function fromLocalIso(local: string): Date {
  return new Date(`${local}+08:00`);
}
