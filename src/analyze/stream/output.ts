import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AnalysisResult } from '../types.ts';

export interface StreamStats {
  lines: number;
  analysed: number;
  malformed: number;
}

/** Output lines are written in chunks of about this many characters. */
const FLUSH_AT = 65536;

/** Buffers output lines and writes them in chunks, waiting for the stream to drain when it asks to. */
export class Output {
  private buffer = '';
  constructor(private readonly out: Writable) {}
  push(s: string): void {
    this.buffer += s;
  }
  /** A chunk's worth is buffered: time to flush. */
  get full(): boolean {
    return this.buffer.length > FLUSH_AT;
  }
  async flush(): Promise<void> {
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}

/** One result as an output line (a post given without an id gets `"id": null`). */
export function resultLine(result: AnalysisResult, hasId: boolean): string {
  return `${JSON.stringify(hasId ? result : { id: null, ...result })}\n`;
}

/**
 * The output line of one post, counted in `stats`. An analysis that throws is reported on `err`
 * with the input line number and gives '' so the stream goes on.
 */
export function outputLine(stats: StreamStats, err: Writable, lineNo: number, hasId: boolean, analyse: () => AnalysisResult): string {
  let result: AnalysisResult;
  try {
    result = analyse();
  } catch (e) {
    stats.malformed++;
    err.write(`line ${lineNo}: analysis failed (${(e as Error).message})\n`);
    return '';
  }
  stats.analysed++;
  return resultLine(result, hasId);
}
