import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Analyzer } from '../../analyze/analyzer.ts';
import type { PostSubject } from '../../analyze/analyzer.ts';
import { withContext } from '../context.ts';

export interface StreamStats {
  lines: number;
  analysed: number;
  malformed: number;
}

/** Checks one parsed line against the contract input; returns the reason it is unusable, or null. */
function problem(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'expected a JSON object';
  const o = v as Record<string, unknown>;
  if (o.text !== undefined && o.text !== null && typeof o.text !== 'string') return '"text" must be a string';
  if (o.title !== undefined && o.title !== null && typeof o.title !== 'string') return '"title" must be a string';
  if (typeof o.text !== 'string' && typeof o.title !== 'string') return 'needs "text" (or "title")';
  if (o.id !== undefined && o.id !== null && typeof o.id !== 'string' && typeof o.id !== 'number') return '"id" must be a string or a number';
  if (o.source !== undefined && o.source !== null && typeof o.source !== 'string') return '"source" must be a string';
  if (o.metrics !== undefined && o.metrics !== null && (typeof o.metrics !== 'object' || Array.isArray(o.metrics))) return '"metrics" must be an object';
  return null;
}

/**
 * JSONL in, JSONL out, line by line: reading pauses while output waits to drain, so memory
 * stays flat whatever the input size. A malformed line is reported on `err` with its number
 * and skipped; events are linked across the posts of the stream.
 */
export async function analyzeStream(analyzer: Analyzer, input: Readable, output: Writable, err: Writable): Promise<StreamStats> {
  const stats: StreamStats = { lines: 0, analysed: 0, malformed: 0 };
  const rl = createInterface({ input, crlfDelay: Infinity });
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  for await (const raw of rl) {
    stats.lines++;
    const line = raw.trim();
    if (!line) continue;
    let post: unknown;
    try {
      post = JSON.parse(line);
    } catch (e) {
      stats.malformed++;
      err.write(`line ${stats.lines}: invalid JSON (${(e as Error).message.split('\n')[0]})\n`);
      continue;
    }
    const why = problem(post);
    if (why) {
      stats.malformed++;
      err.write(`line ${stats.lines}: ${why}\n`);
      continue;
    }
    const p = post as PostSubject & { id?: string | number | null };
    const subject: PostSubject = { ...p, id: p.id ?? undefined, text: typeof p.text === 'string' ? p.text : '', metrics: p.metrics ?? undefined };
    let result;
    try {
      result = analyzer.analyze(subject);
    } catch (e) {
      stats.malformed++;
      err.write(`line ${stats.lines}: analysis failed (${(e as Error).message})\n`);
      continue;
    }
    buffer += `${JSON.stringify(p.id === undefined || p.id === null ? { id: null, ...result } : result)}\n`;
    stats.analysed++;
    if (buffer.length > 65536) await flush();
  }
  await flush();
  return stats;
}

export function analyzeCommand(program: Command) {
  program
    .command('analyze')
    .description('analyse JSONL posts from stdin ({"id","title","text","source","published_at","metrics"}), one JSONL result per post on stdout')
    .option('--db <url>', 'workspace whose rules and learned models to use: SQLite path or postgres:// URL (created when new)')
    .addHelpText(
      'after',
      '\nEach output line: {"id","sentiment":{"label","score"},"topic","department","risk":{"level","score","reasons"},"keywords","rules","event","abuse"}.\nA malformed line is reported on stderr with its line number; the other lines still go through.',
    )
    .action(async (opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        const { createAnalyzer } = await import('../../analyze/analyzer.ts');
        const analyzer = await createAnalyzer(ctx.db.kysely);
        for (const b of analyzer.brokenRules) process.stderr.write(`warning: watch rule "${b.name}" skipped: ${b.error}\n`);
        const stats = await analyzeStream(analyzer, process.stdin, process.stdout, process.stderr);
        if (stats.malformed) process.stderr.write(`analysed ${stats.analysed} post(s); skipped ${stats.malformed} malformed line(s)\n`);
      });
    });
}
