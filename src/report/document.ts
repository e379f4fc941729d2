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
  /** e.g. 局办公室 编 */
  issuer: string;
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
