import { parse as parseCsv } from 'csv-parse/sync';
import { t } from '../../i18n/index.ts';
import { pathsWithInvalidUtf8 } from '../encoding/invalid-utf8.ts';
import { decodeBody } from '../encoding/charset.ts';
import { badBytesIssue, ImportFileError, type ImportRow, type ImportTable } from './table.ts';
import { readXlsx } from './xlsx.ts';

export { ImportFileError, type ImportIssue, type ImportRow, type ImportTable } from './table.ts';

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

/**
 * Hotline exports are often GBK; decode like a fetched page (BOM, valid UTF-8, else detection).
 * A file in one charset with a few bad bytes stays in that charset (see encoding/charset.ts);
 * the rows holding the replaced bytes are refused by name, the others imported.
 */
function readCsv(bytes: Buffer): ImportTable {
  const decoded = decodeBody(bytes, null);
  let records: string[][];
  try {
    records = parseCsv(decoded.text, { relax_column_count: true, skip_empty_lines: true, bom: true, relax_quotes: true }) as string[][];
  } catch (err) {
    throw new ImportFileError(`not a readable CSV file: ${(err as Error).message}`);
  }
  const table: ImportTable = { headers: [], rows: [], broken: [], warnings: [] };
  if (!records.length) return table;
  table.headers = records[0].map((h) => h.trim());
  const name = (j: number) => table.headers[j] || `column ${j + 1}`;
  const replacedIn = (cells: string[]) => (decoded.invalid ? cells.flatMap((c, j) => (c.includes('\ufffd') ? [name(j)] : [])) : []);
  const badHeaders = replacedIn(records[0]);
  for (const h of badHeaders) {
    table.warnings.push({ row: 1, column: h, message: `header "${h}": bytes that are not valid ${decoded.charset}; the column cannot be mapped`, user_message: t('collect.importBadHeader', { column: h, charset: decoded.charset }) });
  }
  records.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const bad = replacedIn(cells);
    if (bad.length) return void table.broken.push(badBytesIssue(row, bad, decoded.charset));
    const values: Record<string, unknown> = {};
    table.headers.forEach((h, j) => {
      if (h && cells[j] !== undefined && cells[j] !== '') values[h] = cells[j];
    });
    table.rows.push({ row, values });
  });
  return table;
}

function readJsonl(bytes: Buffer): ImportTable {
  const decoded = decodeBody(bytes, null);
  const headers = new Set<string>();
  const rows: ImportRow[] = [];
  const broken: ImportTable['broken'] = [];
  decoded.text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const v = JSON.parse(line);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
      const bad = decoded.invalid ? pathsWithInvalidUtf8(v, '\ufffd') : [];
      if (bad.length) return void broken.push(badBytesIssue(i + 1, bad, decoded.charset));
      for (const k of Object.keys(v)) headers.add(k);
      rows.push({ row: i + 1, values: v as Record<string, unknown> });
    } catch (err) {
      broken.push({ row: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
  });
  return { headers: [...headers], rows, broken, warnings: [] };
}
