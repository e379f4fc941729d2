import { t } from '../../i18n/index.ts';

/** One data row of an import file; `row` is the number a person sees (spreadsheet row / line). */
export interface ImportRow {
  row: number;
  values: Record<string, unknown>;
  /** Hyperlink targets of .xlsx cells by column; a column mapped to `url` takes the target, not the text shown. */
  links?: Record<string, string>;
}

/** A problem with one row: `message` in English (CLI, logs), `user_message` in zh-CN where given. */
export interface ImportIssue {
  row: number;
  message: string;
  column?: string;
  user_message?: string;
}

export interface ImportTable {
  headers: string[];
  rows: ImportRow[];
  /** Rows that could not be read (a broken JSONL line, bytes invalid in the file's charset); not imported. */
  broken: ImportIssue[];
  /** Rows imported with a field left empty or a header that cannot be used (formula without result, error value). */
  warnings: ImportIssue[];
}

export class ImportFileError extends Error {}

/** A row refused because some of its fields held bytes invalid in the file's charset. */
export function badBytesIssue(row: number, columns: string[], charset: string): ImportIssue {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return {
    row,
    column: columns[0],
    message: `${list}: bytes that are not valid ${charset} (shown as U+FFFD); the row was not imported — fix the file and import it again`,
    user_message: t('collect.importInvalidBytes', { row, columns: columns.map((c) => `“${c}”`).join('、'), charset }),
  };
}
