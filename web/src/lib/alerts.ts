export interface AlertRow {
  id: number;
  kind: string;
  level: string;
  title: string;
  body: string;
  status: string;
  sent_at: string | null;
  acknowledged_by: number | null;
  acknowledged_at: string | null;
  escalated_at: string | null;
  created_at: string;
  post_id: number | null;
  event_id: number | null;
  case_id: number | null;
  department_id: number | null;
  matter_key: string | null;
  channel_name: string;
  channel_kind: string;
}

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
