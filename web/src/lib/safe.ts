/** Only absolute http(s) links become clickable; anything else (javascript:, data:, relative) stays text. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Splits text into plain and highlighted runs for the given terms (longest first, case-insensitive). */
export function highlightRuns(text: string, terms: string[]): { text: string; hit: boolean }[] {
  const list = [...new Set(terms.map((h) => h.trim()).filter((h) => h.length > 0))].sort((a, b) => b.length - a.length);
  if (!list.length || !text) return [{ text, hit: false }];
  const pattern = new RegExp(list.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  const runs: { text: string; hit: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), hit: false });
    runs.push({ text: m[0], hit: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last), hit: false });
  return runs;
}
