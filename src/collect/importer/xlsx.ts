import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { t } from '../../i18n/index.ts';
import { badBytesIssue, ImportFileError, type ImportRow, type ImportTable } from './table.ts';

/** A cell read for import: its value, or null with the reason it was left empty. */
interface CellRead {
  value: unknown;
  /** A hyperlink cell's target (its value is the text shown). */
  link?: string;
  problem?: { message: string; user: string };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cell as exceljs gives it: plain values, dates, rich text, hyperlinks (whose text may be rich
 * text), formulas (their saved result, which may itself be a date or an error) and error values.
 * A formula without a saved result or an error value is left empty with a warning, never
 * turned into "[object Object]".
 */
export function readCell(v: unknown): CellRead {
  if (v === null || v === undefined) return { value: null };
  if (v instanceof Date) return { value: excelWallClock(v) };
  if (typeof v !== 'object') return { value: v };
  const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[]; hyperlink?: string; formula?: string; sharedFormula?: string; error?: string };
  if (Array.isArray(o.richText)) return { value: o.richText.map((r) => r.text ?? '').join('') };
  if (o.formula !== undefined || o.sharedFormula !== undefined) {
    if (o.result !== undefined && o.result !== null) return readCell(o.result);
    const formula = o.formula ?? o.sharedFormula ?? '';
    return { value: null, problem: { message: `formula =${formula} has no saved result (open and save the file in Excel, or paste values); left empty`, user: t('collect.importFormulaNoResult', { formula }) } };
  }
  if (o.error !== undefined) return { value: null, problem: { message: `Excel error value ${o.error}; left empty`, user: t('collect.importErrorValue', { error: String(o.error) }) } };
  if (o.hyperlink !== undefined || o.text !== undefined) {
    const text = o.text === undefined ? null : readCell(o.text).value;
    return { value: text !== null && text !== '' ? text : (o.hyperlink ?? null), link: o.hyperlink };
  }
  return { value: null, problem: { message: 'a cell of a kind that cannot be read; left empty', user: t('collect.importUnreadableCell') } };
}

/** Excel dates carry no zone; exceljs reads them as UTC. Keep the wall clock, read later as Beijing time. */
function excelWallClock(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Whether an XML part of the .xlsx holds bytes that are not UTF-8 (their text then shows U+FFFD). */
function xmlHasInvalidUtf8(bytes: Buffer): boolean {
  const parts = unzipSync(bytes, { filter: (f) => f.name.endsWith('.xml') });
  return Object.values(parts).some((part) => {
    try {
      strictUtf8.decode(part);
      return false;
    } catch {
      return true;
    }
  });
}

export async function readXlsx(bytes: Buffer): Promise<ImportTable> {
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
  const table: ImportTable = { headers: [], rows: [], broken: [], warnings: [] };
  if (!sheet) return table;
  const replaced: { row: ImportRow; columns: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    const cells = (r.values as unknown[]).slice(1).map(readCell);
    const name = (i: number) => table.headers[i] || `column ${i + 1}`;
    const warn = (i: number, p: NonNullable<CellRead['problem']>) =>
      table.warnings.push({ row: n, column: name(i), message: `column "${name(i)}": ${p.message}`, user_message: t('collect.importCellWarning', { row: n, column: name(i), problem: p.user }) });
    if (!table.headers.length) {
      table.headers = cells.map((c) => String(c.value ?? '').trim());
      cells.forEach((c, i) => c.problem && warn(i, c.problem));
      return;
    }
    const values: Record<string, unknown> = {};
    const links: Record<string, string> = {};
    const withFffd: string[] = [];
    cells.forEach((c, i) => {
      const h = table.headers[i];
      if (c.problem && h) warn(i, c.problem);
      if (typeof c.value === 'string' && c.value.includes('\ufffd')) withFffd.push(name(i));
      if (h && c.value !== null && c.value !== undefined && c.value !== '') values[h] = c.value;
      if (h && c.link) links[h] = c.link;
    });
    if (!Object.keys(values).length) return;
    const row: ImportRow = { row: n, values, ...(Object.keys(links).length ? { links } : {}) };
    table.rows.push(row);
    if (withFffd.length) replaced.push({ row, columns: withFffd });
  });
  // U+FFFD in a cell is a bad byte only if the file's XML was not valid UTF-8; then the rows holding it are refused.
  if (replaced.length && xmlHasInvalidUtf8(bytes)) {
    const refused = new Set(replaced.map((r) => r.row));
    table.rows = table.rows.filter((r) => !refused.has(r));
    for (const r of replaced) table.broken.push(badBytesIssue(r.row.row, r.columns, 'utf-8'));
  }
  return table;
}
