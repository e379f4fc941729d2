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

/** Runs of text for character ranges [start, end) marked by the server (e.g. rule match highlights). */
export function rangeRuns(text: string, ranges: [number, number][]): { text: string; hit: boolean }[] {
  const sorted = [...ranges].filter(([a, b]) => b > a && a >= 0).sort((x, y) => x[0] - y[0]);
  const runs: { text: string; hit: boolean }[] = [];
  let pos = 0;
  for (const [a0, b0] of sorted) {
    const a = Math.max(a0, pos);
    const b = Math.min(b0, text.length);
    if (b <= a) continue;
    if (a > pos) runs.push({ text: text.slice(pos, a), hit: false });
    runs.push({ text: text.slice(a, b), hit: true });
    pos = b;
  }
  if (pos < text.length) runs.push({ text: text.slice(pos), hit: false });
  return runs.length ? runs : [{ text, hit: false }];
}
