import type { PostSubject } from '../analyzer.ts';

/** One line of `minsheng analyze` input: the post, or why the line is unusable. */
export type ParsedLine = { post: PostSubject; hasId: boolean } | { error: string } | null;

function problem(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'expected a JSON object';
  const o = v as Record<string, unknown>;
  if (o.text !== undefined && o.text !== null && typeof o.text !== 'string') return '"text" must be a string';
  if (o.title !== undefined && o.title !== null && typeof o.title !== 'string') return '"title" must be a string';
  if (typeof o.text !== 'string' && typeof o.title !== 'string') return 'needs "text" (or "title")';
  if (o.id !== undefined && o.id !== null && typeof o.id !== 'string' && typeof o.id !== 'number') return '"id" must be a string or a number';
  for (const k of ['source', 'author', 'published_at'] as const) {
    if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'string') return `"${k}" must be a string`;
  }
  if (o.metrics !== undefined && o.metrics !== null && (typeof o.metrics !== 'object' || Array.isArray(o.metrics))) return '"metrics" must be an object';
  return null;
}

/** Parses and checks one JSONL line against the contract input; blank lines give null. */
export function parseLine(raw: string): ParsedLine {
  const line = raw.trim();
  if (!line) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return { error: `invalid JSON (${(e as Error).message.split('\n')[0]})` };
  }
  const why = problem(v);
  if (why) return { error: why };
  const o = v as Record<string, unknown> & PostSubject;
  const hasId = o.id !== undefined && o.id !== null;
  return {
    hasId,
    post: {
      id: hasId ? o.id : undefined,
      title: typeof o.title === 'string' ? o.title : undefined,
      text: typeof o.text === 'string' ? o.text : '',
      source: o.source ?? undefined,
      author: o.author ?? undefined,
      published_at: o.published_at ?? undefined,
      metrics: o.metrics ?? undefined,
    },
  };
}
