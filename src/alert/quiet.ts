import { z } from 'zod';
import { jsonColumn } from '../db/values.ts';
import { WORKSPACE_TIME_ZONE } from '../time/zone.ts';

/**
 * Quiet hours of a channel, e.g. 22:00–07:00 Beijing time: alerts below red are held and go
 * out when the quiet time ends. Times are wall-clock in `timezone` (default Asia/Shanghai).
 */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
export const quietHoursSchema = z
  .object({
    start: hhmm,
    end: hhmm,
    timezone: z.string().default(WORKSPACE_TIME_ZONE),
  })
  .strict()
  .refine((q) => q.start !== q.end, 'start and end must differ')
  .refine((q) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: q.timezone });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');
/** `channels.quiet_hours`. */
export const quietHoursJson = jsonColumn('channels.quiet_hours', quietHoursSchema);

export type QuietHours = z.infer<typeof quietHoursSchema>;

function minutesOf(s: string): number {
  const [h, m] = s.split(':').map(Number);
  return h * 60 + m;
}

/** Wall-clock minutes since midnight and the offset to UTC at `at`, in the zone. */
function wallClock(at: Date, timeZone: string): { minutes: number; seconds: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second') };
}

/** When quiet hours are in effect at `at`, the moment they end; otherwise null. */
export function quietUntil(q: QuietHours | null | undefined, at: Date = new Date()): Date | null {
  if (!q) return null;
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  const { minutes, seconds } = wallClock(at, q.timezone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  const untilEnd = (end - minutes + 1440) % 1440;
  return new Date(at.getTime() + (untilEnd * 60 - seconds) * 1000 - at.getMilliseconds());
}
