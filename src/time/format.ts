import { wallClock } from './zone.ts';

/** Wall-clock text in the workspace zone for people (alerts, exports, files): "2026-10-08 17:30". */
export function localDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return wallClock(t).toISOString().slice(0, 16).replace('T', ' ');
}

/** The wall-clock time of day, "17:30:05". */
export function localTimeOfDay(iso: string): string {
  return wallClock(iso).toISOString().slice(11, 19);
}

/** The workspace-zone date of an instant, "2026-10-08" (file names, ledgers). */
export function localDay(at: Date | string | number = new Date()): string {
  return wallClock(at).toISOString().slice(0, 10);
}

/**
 * A post's published time as people read it, at the precision its source gave: a date alone is
 * shown as the date (never as 00:00), a relative "3 小时前" to the hour.
 */
export function publishedText(iso: string | null | undefined, precision: string | null | undefined): string {
  if (!iso) return '';
  if (precision === 'day') return localDay(iso);
  if (precision === 'hour') return `${localDateTime(iso).slice(0, 13)}时许`;
  return localDateTime(iso);
}
