import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { createLogger, type Logger } from '../log.ts';

/**
 * Conventions shared by both databases so that one code path serves SQLite and PostgreSQL:
 * timestamps are ISO-8601 UTC strings, booleans are 0/1 integers, JSON is stored as text (read
 * it with `readJson` and the column's schema), and counts come back as strings on PostgreSQL
 * (use `num`).
 */
export function nowIso(): string {
  return new Date().toISOString();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * A JSON column and the schema of what it holds, defined once beside the code that owns the
 * column (e.g. `responses.attachments` in cases/attachments.ts).
 */
export interface JsonColumn<T> {
  readonly column: string;
  readonly schema: z.ZodType<T>;
}

export function jsonColumn<T>(column: string, schema: z.ZodType<T>): JsonColumn<T> {
  return { column, schema };
}

/** Stored JSON that is not what its column holds, for readers that must not go on with it. */
export class StoredJsonError extends AppError {
  constructor(column: string, detail: string) {
    super(`stored ${column} is not valid: ${detail}`, 500, 'stored_json', t('error.storedJson', { column }));
  }
}

type WarnLogger = Pick<Logger, 'warn'>;
let jsonLog: WarnLogger | null = null;

/** Where readJson warns about stored values that do not match (default: a logger on stderr). Returns the previous one. */
export function setJsonLogger(log: WarnLogger | null): WarnLogger | null {
  const previous = jsonLog;
  jsonLog = log;
  return previous;
}

/** The parsed value, or why the stored text is not what the column holds. */
function check<T>(col: JsonColumn<T>, text: string): { ok: true; value: T } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  const parsed = col.schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ') };
}

/**
 * Reads a JSON column: parses the stored text and checks it with the column's schema. Nothing
 * stored (null or '') gives `fallback`. Text that is not JSON or does not match the schema also
 * gives `fallback`, with a warning naming the column; with `{ strict: true }` it throws a
 * StoredJsonError instead (for readers that would write the fallback back over the stored value).
 */
export function readJson<T>(col: JsonColumn<T>, text: string | null | undefined, fallback: NoInfer<T>, opts?: { strict?: boolean }): T;
export function readJson<T>(col: JsonColumn<T>, text: string | null | undefined, fallback: null, opts?: { strict?: boolean }): T | null;
export function readJson<T>(col: JsonColumn<T>, text: string | null | undefined, fallback: T | null, opts: { strict?: boolean } = {}): T | null {
  if (text === null || text === undefined || text === '') return fallback;
  const read = check(col, text);
  if (read.ok) return read.value;
  if (opts.strict) throw new StoredJsonError(col.column, read.problem);
  (jsonLog ??= createLogger(process.env.LOG_LEVEL ?? 'warn', { stderr: true }).child({ part: 'db' })).warn(
    { column: col.column, problem: read.problem },
    'stored JSON does not match its column; using the fallback',
  );
  return fallback;
}

export function bool(v: unknown): boolean {
  return v === 1 || v === true || v === '1';
}

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}
