import type { AlertRow } from './types.ts';

export type { AlertRow };

/** One row per matter: the same notice sent through several channels is shown once, with its channels. */
export function groupByMatter(rows: AlertRow[]): (AlertRow & { channels: string[] })[] {
  const out = new Map<string, AlertRow & { channels: string[] }>();
  for (const r of rows) {
    const key = r.matter_key ?? `alert:${r.id}`;
    const seen = out.get(key);
    if (seen) {
      if (!seen.channels.includes(r.channel_name)) seen.channels.push(r.channel_name);
      if (!seen.acknowledged_at && r.acknowledged_at) seen.acknowledged_at = r.acknowledged_at;
    } else out.set(key, { ...r, channels: [r.channel_name] });
  }
  return [...out.values()];
}
