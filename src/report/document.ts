import type { Chart } from './charts.ts';
import { localDateTime } from '../time/format.ts';

/**
 * A brief as a format-neutral document: the docx and pdf writers render the same blocks, the
 * xlsx writer the same data as sheets, so the three formats never disagree.
 */
export type Cell = string | number | null;

export type Block =
  | { type: 'heading'; text: string; level: 1 | 2 }
  | { type: 'paragraph'; text: string }
  | { type: 'bullets'; items: string[] }
  | { type: 'table'; columns: string[]; rows: Cell[][] }
  | { type: 'chart'; chart: Chart };

export interface Sheet {
  name: string;
  columns: { header: string; width?: number; format?: 'percent' | 'number' | 'text' }[];
  rows: Cell[][];
}

export interface ReportDocument {
  /** e.g. 舆情月报 */
  title: string;
  /** e.g. 2026年10月 */
  subtitle: string;
  /** 发文单位: the bureau's name (case settings), else the office department's */
  issuer: string;
  /** 期号, e.g. 2026年第12期 (a month's number, a week's, a day's of its year); null for a year or a range */
  issue: string | null;
  /** 编辑：王芳　审核：李伟　签发：陈局长 (the names the case settings give); null when none is set */
  credits: string | null;
  generatedAt: string;
  blocks: Block[];
  sheets: Sheet[];
  /** Base of the file name, e.g. 舆情月报-2026-10 */
  fileBase: string;
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
}

export function fmt(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '—' : Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

/** Workspace time for people, e.g. 2026-10-05 14:30. */
export const beijing = (iso: string): string => localDateTime(iso);

/** The 期号 of a brief from its period: the number of the day, ISO week, month or quarter within its year. */
export function issueOf(key: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (m) {
    const day = Math.round((Date.UTC(+m[1], +m[2] - 1, +m[3]) - Date.UTC(+m[1], 0, 1)) / 86_400_000) + 1;
    return `${m[1]}年第${day}期`;
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(key))) return `${m[1]}年第${Number(m[2])}期`;
  if ((m = /^(\d{4})-(\d{2})$/.exec(key))) return `${m[1]}年第${Number(m[2])}期`;
  if ((m = /^(\d{4})-Q(\d)$/.exec(key))) return `${m[1]}年第${m[2]}期`;
  return null;
}
