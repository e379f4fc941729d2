/** Beijing wall-clock text for people (alerts, exports): "2026-10-08 17:30". */
export function localDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}
