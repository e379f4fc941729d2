import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import type { Analyzer } from '../../analyze/analyzer.ts';
import { parseLine } from '../../analyze/stream/input.ts';
import { Output, outputLine, type StreamStats } from '../../analyze/stream/output.ts';
import { resolveDbUrl } from '../../db/connect.ts';
import { CliError, withContext } from '../context.ts';

/**
 * JSONL in, JSONL out, line by line in this thread: reading pauses while output waits to drain,
 * so memory stays flat whatever the input size. A malformed line is reported on `err` with its
 * number and skipped; events are linked across the posts of the stream.
 */
export async function analyzeStream(analyzer: Analyzer, input: Readable, output: Writable, err: Writable): Promise<StreamStats> {
  const stats: StreamStats = { lines: 0, analysed: 0, malformed: 0 };
  const rl = createInterface({ input, crlfDelay: Infinity });
  const out = new Output(output);
  for await (const raw of rl) {
    stats.lines++;
    const parsed = parseLine(raw);
    if (!parsed) continue;
    if ('error' in parsed) {
      stats.malformed++;
      err.write(`line ${stats.lines}: ${parsed.error}\n`);
      continue;
    }
    const post = parsed.post;
    out.push(outputLine(stats, err, stats.lines, parsed.hasId, () => analyzer.analyze(post)));
    if (out.full) await out.flush();
  }
  await out.flush();
  return stats;
}

/**
 * Threads by default: none on one core; on two cores one reading thread (it parses, normalises
 * and cuts while this thread analyses: a pipeline, stream/piped.ts); on more, one fewer worker
 * than the cores, at most four, each preparing whole posts (stream/pool.ts).
 */
function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : cores < 3 ? 1 : Math.min(4, cores - 1);
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
    .option(
      '--workers <n>',
      'threads besides this one (0: all in this thread; 1: a second thread parses, normalises and cuts posts while this one analyses; 2 or more: workers preparing whole posts; default: 0 on one core, 1 on two, else cores − 1, at most 4)',
    )
    .action(async (opts: { db?: string; workers?: string }) => {
      let workers = opts.workers === undefined ? defaultWorkers() : Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new CliError(`--workers must be an integer from 0 to 64, got "${opts.workers}"`);
      // an in-memory database exists only in this thread (the reading thread needs none)
      if (workers > 1 && /^(sqlite:)?:memory:$/i.test(resolveDbUrl(opts.db))) workers = 0;
      // started first, so that jieba loads in that thread while this one opens the workspace
      const reader = workers === 1 ? (await import('../../analyze/stream/piped.ts')).startReadingThread() : null;
      try {
        await withContext(opts, async (ctx) => {
          const { createAnalyzer } = await import('../../analyze/analyzer.ts');
          const analyzer = await createAnalyzer(ctx.db.kysely, { withoutLanguage: workers > 1 });
          for (const b of analyzer.brokenRules) process.stderr.write(`warning: watch rule "${b.name}" skipped: ${b.error}\n`);
          let stats: StreamStats;
          if (reader) {
            const { analyzeStreamPiped } = await import('../../analyze/stream/piped.ts');
            stats = await analyzeStreamPiped(analyzer, reader, process.stdin, process.stdout, process.stderr);
          } else if (workers > 1) {
            const { analyzeStreamParallel } = await import('../../analyze/stream/pool.ts');
            stats = await analyzeStreamParallel(analyzer, resolveDbUrl(opts.db), workers, process.stdin, process.stdout, process.stderr);
          } else {
            stats = await analyzeStream(analyzer, process.stdin, process.stdout, process.stderr);
          }
          if (stats.malformed) process.stderr.write(`analysed ${stats.analysed} post(s); skipped ${stats.malformed} malformed line(s)\n`);
        });
      } finally {
        await reader?.stop();
      }
    });
}
