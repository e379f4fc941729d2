/**
 * Times are shown in the workspace time zone (from /api/auth/me, default Asia/Shanghai), whatever
 * zone the browser is in: the same wall clock as alert texts, the CLI and reports. Stored times are UTC.
 */
let displayZone = 'Asia/Shanghai';
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Set by the session when it learns the workspace zone. */
export function setDisplayZone(zone: string | null | undefined): void {
  if (!zone) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    displayZone = zone;
  } catch {
    /* an unknown zone keeps the default */
  }
}

export function displayTimeZone(): string {
  return displayZone;
}

/** "2026-12-08 00:26" (or the date alone) of an instant on the workspace wall clock. */
function wall(iso: string, withTime: boolean): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  let f = formatters.get(displayZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: displayZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(displayZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  return withTime ? `${date} ${p.hour}:${p.minute}` : date;
}

/** Date-time in the workspace zone for an ISO timestamp (the server stores UTC). */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return wall(iso, true) ?? iso;
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return wall(iso, false) ?? iso;
}

/** A post's published time at the precision its source gave: a date alone is shown as the date, never as 00:00. */
export function fmtPublished(iso: string | null | undefined, precision: string | null | undefined): string {
  if (!iso) return '—';
  if (precision === 'day') return fmtDate(iso);
  if (precision === 'hour') return `${fmtTime(iso).slice(0, 13)}时许`;
  return fmtTime(iso);
}

export function fmtPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}
