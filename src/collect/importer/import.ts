import { recordAudit } from '../../audit/audit.ts';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, canSeeDepartment } from '../../auth/policy.ts';
import { assertSourceVisible } from '../manage.ts';
import type { AppContext } from '../../context.ts';
import { readJson } from '../../db/values.ts';
import { importConfigJson } from '../sources/import.ts';
import { ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { parseDateDetail } from '../parser/dates.ts';
import { ingestPosts } from '../../pipeline/index.ts';
import { plainText } from '../sanitize.ts';
import type { CollectedItem, SourceRow } from '../types.ts';
import { resolveColumns, type ImportField, IMPORT_FIELDS } from './columns.ts';
import { ImportFileError, readImportFile, type ImportIssue, type ImportRow } from './readers.ts';
import { z } from 'zod';
import { shapeOf } from '../../shapes.ts';

export interface ImportResult {
  source: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows not imported, by row number (bytes invalid in the file's charset name the columns). */
  errors: ImportIssue[];
  /** Rows imported with a field left empty: a formula without a saved result, an Excel error value. */
  warnings: ImportIssue[];
  /** Which field each column filled. */
  columns: Record<string, ImportField>;
}

const importIssueSchema = shapeOf<ImportIssue>()({ row: z.number(), message: z.string(), column: z.string().optional(), user_message: z.string().optional().describe('zh-CN') });

export const importResultSchema = shapeOf<ImportResult>()({
  source: z.string(),
  rows: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(importIssueSchema).describe('rows not imported'),
  warnings: z.array(importIssueSchema).describe('rows imported with a field left empty'),
  columns: z.record(z.string(), z.enum(IMPORT_FIELDS)).describe('which field each column filled'),
});

/** Rows stored per transaction: a crash loses at most one uncommitted chunk, and a re-run skips what is stored. */
const CHUNK = 500;

function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s || null;
}

function metric(v: unknown, column: string): number {
  if (v === null || v === undefined || v === '') return 0;
  const n = Number(String(v).replace(/,/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${column}: "${v}" is not a count`);
  return Math.round(n);
}

export function rowToItem(row: ImportRow, columns: Map<string, ImportField>, now = new Date()): CollectedItem {
  const get: Partial<Record<ImportField, { column: string; value: unknown }>> = {};
  const extra: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row.values)) {
    const f = columns.get(column);
    if (f === 'ignore') continue;
    if (f) get[f] = { column, value };
    else extra[column] = value;
  }
  const date = (f: 'published_at' | 'reply_time') => {
    const v = get[f];
    if (!v || str(v.value) === null) return null;
    const at = parseDateDetail(typeof v.value === 'number' ? v.value : String(v.value), now);
    if (!at) throw new Error(`${v.column}: cannot read the date "${v.value}"`);
    return at;
  };
  const title = plainText(str(get.title?.value) ?? '');
  const text = plainText(str(get.text?.value) ?? '');
  if (!title && !text) throw new Error('no title or text (map the columns with --map column=title,column=text)');
  const published = date('published_at');
  const metrics: CollectedItem['metrics'] = {};
  for (const k of ['views', 'replies', 'likes', 'reposts'] as const) if (get[k]) metrics[k] = metric(get[k]!.value, get[k]!.column);
  if (get.dislikes) extra.dislikes = metric(get.dislikes.value, get.dislikes.column);
  const replyText = plainText(str(get.reply_text?.value) ?? '');
  return {
    externalId: str(get.id?.value),
    url: str((get.url && row.links?.[get.url.column]) ?? get.url?.value),
    title: title || text.slice(0, 60),
    text,
    contentHtml: null,
    author: str(get.author?.value),
    publishedAt: published?.iso ?? null,
    publishedPrecision: published?.precision ?? null,
    metrics,
    replies: replyText ? [{ externalId: 'official-reply', author: str(get.reply_author?.value), text: replyText, publishedAt: date('reply_time')?.iso ?? null }] : [],
    extra,
  };
}

/**
 * Imports an .xlsx/.csv/.jsonl file into an import (or push/manual) source. Bad rows are
 * reported with their row number and skipped; the others are stored, in chunks, deduplicated
 * by id column (or content), so re-running an interrupted import stores each post once.
 * `history`: the file is history (last year's export): its posts are stored and analysed but
 * neither alert nor open a case (`posts.standing` 'history'); rows published before the source
 * was added are 'old' and do not alert either way.
 */
export async function importFile(ctx: AppContext, actor: Actor, source: SourceRow, filename: string, bytes: Buffer, map: Record<string, string> = {}, opts: { history?: boolean } = {}): Promise<ImportResult> {
  assertCan(actor, 'posts.create');
  // Posts stored here join the source's department: a responder or head imports only into sources they may see.
  const offices = await officeDepartmentIds(ctx.db.kysely);
  assertSourceVisible(actor, source, offices);
  const mayUpdate = (departmentId: number | null) => canSeeDepartment(actor, departmentId, offices);
  if (!['import', 'manual', 'push'].includes(source.kind)) {
    throw new ValidationError(`source ${source.name} is a ${source.kind} source; import into an import source`, t('collect.wrongKind', { name: source.name, kind: source.kind, what: '文件导入' }));
  }
  let table;
  try {
    table = await readImportFile(filename, bytes);
  } catch (err) {
    if (err instanceof ImportFileError) throw new ValidationError(`${filename}: ${err.message}`, t('collect.importBadFile', { file: filename, reason: err.message }));
    throw err;
  }
  const sourceMap = readJson(importConfigJson, source.config, {}).map ?? {};
  const columns = resolveColumns(table.headers, { ...sourceMap, ...map });
  const result: ImportResult = { source: source.name, rows: table.rows.length + table.broken.length, created: 0, updated: 0, unchanged: 0, errors: [...table.broken], warnings: table.warnings, columns: Object.fromEntries(columns) };
  if (!table.rows.length && !table.broken.length) throw new ValidationError(`${filename}: no data rows`, t('collect.importEmpty'));
  const now = new Date();
  for (let i = 0; i < table.rows.length; i += CHUNK) {
    const items: CollectedItem[] = [];
    for (const row of table.rows.slice(i, i + CHUNK)) {
      try {
        items.push(rowToItem(row, columns, now));
      } catch (err) {
        result.errors.push({ row: row.row, message: (err as Error).message });
      }
    }
    await ingestPosts(ctx, source, items, {
      now,
      mayUpdate,
      standing: { history: opts.history === true },
      onStored: async (stored) => {
        result.created += stored.created.length;
        result.updated += stored.updated;
        result.unchanged += stored.unchanged;
      },
    });
  }
  result.errors.sort((a, b) => a.row - b.row);
  if (result.warnings.length || table.broken.length) ctx.log.warn({ file: filename, source: source.name, refused: table.broken.length, warnings: result.warnings.length }, 'import: rows refused or fields left empty');
  await recordAudit(ctx.db.kysely, actor, {
    action: 'posts.import',
    entity: 'source',
    entityId: source.id,
    after: { file: filename, history: opts.history === true, rows: result.rows, created: result.created, updated: result.updated, rejected: result.errors.length, warnings: result.warnings.length },
  });
  return result;
}
