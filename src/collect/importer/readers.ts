import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { decodeBody } from '../encoding/charset.ts';

/** One data row of an import file; `row` is the number a person sees (spreadsheet row / line). */
export interface ImportRow {
  row: number;
  values: Record<string, unknown>;
}

export interface ImportTable {
  headers: string[];
  rows: ImportRow[];
  /** Rows that could not even be read (a broken JSONL line). */
  broken: { row: number; message: string }[];
}

export class ImportFileError extends Error {}

export type ImportFormat = 'xlsx' | 'csv' | 'jsonl';

export function formatOf(filename: string): ImportFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (ext === 'xlsx' || ext === 'csv' || ext === 'jsonl') return ext;
  if (ext === 'ndjson') return 'jsonl';
  throw new ImportFileError(`unsupported file type ${ext ? `.${ext}` : '(no extension)'}: use .xlsx, .csv or .jsonl`);
}

export async function readImportFile(filename: string, bytes: Buffer): Promise<ImportTable> {
  const format = formatOf(filename);
  if (format === 'xlsx') return readXlsx(bytes);
  if (format === 'csv') return readCsv(bytes);
  return readJsonl(bytes);
}

async function readXlsx(bytes: Buffer): Promise<ImportTable> {
  // An .xlsx is a ZIP file; anything else (an old .xls, a renamed CSV) is refused clearly.
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) {
    const what = bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) ? 'an old Excel 97-2003 .xls file; save it as .xlsx' : 'not an .xlsx (Office Open XML) file';
    throw new ImportFileError(what);
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new ImportFileError(`not a readable .xlsx file: ${(err as Error).message}`);
  }
  const sheet = wb.worksheets.find((s) => s.actualRowCount > 0);
  if (!sheet) return { headers: [], rows: [], broken: [] };
  let headers: string[] = [];
  const rows: ImportRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    const cells = (r.values as unknown[]).slice(1).map(cellValue);
    if (!headers.length) {
      headers = cells.map((c) => String(c ?? '').trim());
      return;
    }
    const values: Record<string, unknown> = {};
    headers.forEach((h, i) => {
      if (h && cells[i] !== null && cells[i] !== undefined && cells[i] !== '') values[h] = cells[i];
    });
    if (Object.keys(values).length) rows.push({ row: n, values });
  });
  return { headers, rows, broken: [] };
}

function cellValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return excelWallClock(v);
  if (typeof v === 'object') {
    const o = v as { text?: string; result?: unknown; richText?: { text: string }[]; hyperlink?: string };
    if (o.richText) return o.richText.map((t) => t.text).join('');
    if (o.result !== undefined) return cellValue(o.result);
    if (o.text !== undefined) return o.text;
    if (o.hyperlink) return o.hyperlink;
  }
  return v;
}

/** Excel dates carry no zone; exceljs reads them as UTC. Keep the wall clock, read later as Beijing time. */
function excelWallClock(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

function readCsv(bytes: Buffer): ImportTable {
  // Hotline exports are often GBK; decode like a fetched page (BOM, valid UTF-8, else detection).
  const { text } = decodeBody(bytes, null);
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, bom: true, relax_quotes: true }) as string[][];
  } catch (err) {
    throw new ImportFileError(`not a readable CSV file: ${(err as Error).message}`);
  }
  if (!records.length) return { headers: [], rows: [], broken: [] };
  const headers = records[0].map((h) => h.trim());
  const rows: ImportRow[] = records.slice(1).map((cells, i) => {
    const values: Record<string, unknown> = {};
    headers.forEach((h, j) => {
      if (h && cells[j] !== undefined && cells[j] !== '') values[h] = cells[j];
    });
    return { row: i + 2, values };
  });
  return { headers, rows, broken: [] };
}

function readJsonl(bytes: Buffer): ImportTable {
  const { text } = decodeBody(bytes, null);
  const headers = new Set<string>();
  const rows: ImportRow[] = [];
  const broken: ImportTable['broken'] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
      for (const k of Object.keys(v)) headers.add(k);
      rows.push({ row: i + 1, values: v as Record<string, unknown> });
    } catch (err) {
      broken.push({ row: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
  });
  return { headers: [...headers], rows, broken };
}
