/**
 * Conventions shared by both databases so that one code path serves SQLite and PostgreSQL:
 * timestamps are ISO-8601 UTC strings, booleans are 0/1 integers, JSON is stored as text,
 * and counts come back as strings on PostgreSQL (use `num`).
 */
export function nowIso(): string {
  return new Date().toISOString();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function bool(v: unknown): boolean {
  return v === 1 || v === true || v === '1';
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}
