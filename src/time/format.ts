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
