/** "22:00-07:00" → { start, end }; empty → null; anything else → undefined (invalid). */
export function parseQuietHours(text: string): { start: string; end: string } | null | undefined {
  const s = text.trim();
  if (!s) return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)\s*[-~～至]\s*([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  if (!m) return undefined;
  const start = `${m[1]}:${m[2]}`;
  const end = `${m[3]}:${m[4]}`;
  return start === end ? undefined : { start, end };
}
