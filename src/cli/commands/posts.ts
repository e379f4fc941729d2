import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { sourceByName } from '../../collect/manage.ts';
import { parseDate } from '../../collect/parser/dates.ts';
import { searchPosts } from '../../collect/search.ts';
import { postAnalysisJson } from '../../analyze/types.ts';
import { postExtraJson } from '../../collect/types.ts';
import { readJson } from '../../db/values.ts';
import { AppError } from '../../errors.ts';
import { CliError, withContext } from '../context.ts';
import { localDateTime, publishedText } from '../../time/format.ts';
import { localIso } from '../../time/zone.ts';

type Row = Awaited<ReturnType<typeof searchPosts>>[number];

function jsonl(r: Row) {
  return {
    id: r.id,
    source: r.source,
    external_id: r.external_id,
    url: r.url,
    title: r.title,
    text: r.text,
    author: r.author,
    // ISO with the workspace offset (2026-12-08T00:26:00+08:00): machines read the instant, people the wall clock.
    published_at: localIso(r.published_at),
    published_precision: r.published_precision,
    standing: r.standing,
    fetched_at: localIso(r.fetched_at),
    metrics: { views: r.views, replies: r.replies_count, likes: r.likes, reposts: r.reposts },
    near_duplicate_of: r.near_duplicate_of,
    sentiment: r.sentiment_label ? { label: r.sentiment_label, score: r.sentiment_score } : null,
    topic: r.topic,
    department_id: r.department_id,
    risk: r.risk_level ? { level: r.risk_level, score: r.risk_score } : null,
    event: r.event_id,
    analysis: readJson(postAnalysisJson, r.analysis, null),
    extra: readJson(postExtraJson, r.extra, null),
  };
}

function cut(s: string | null | undefined, n: number) {
  const v = (s ?? '').replace(/\s+/g, ' ');
  return v.length > n ? `${v.slice(0, n - 1)}…` : v;
}

export function postsCommand(program: Command) {
  program
    .command('posts')
    .description('list stored posts with their analysis, newest first')
    .option('--q <text>', 'words that must all appear in the title or text')
    .option('--since <date>', 'published (or fetched) at or after this date, e.g. 2024-11-01')
    .option('--until <date>', 'before this date')
    .option('--source <name>', 'only this source')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .option('--format <format>', 'jsonl or table', 'table')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .action(async (opts: { q?: string; since?: string; until?: string; source?: string; limit: string; format: string; db?: string }) => {
      if (!['jsonl', 'table'].includes(opts.format)) throw new CliError(`unknown --format ${opts.format}: use jsonl or table`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100000) throw new CliError(`bad --limit ${opts.limit}: a whole number from 1 to 100000`);
      const since = opts.since ? parseDate(opts.since) : undefined;
      if (opts.since && !since) throw new CliError(`bad --since ${opts.since}: use a date such as 2024-11-01`);
      const until = opts.until ? parseDate(opts.until) : undefined;
      if (opts.until && !until) throw new CliError(`bad --until ${opts.until}: use a date such as 2024-11-30`);
      await withContext(opts, async (ctx) => {
        let sourceId: number | undefined;
        if (opts.source) {
          try {
            sourceId = (await sourceByName(ctx.db.kysely, opts.source)).id;
          } catch (err) {
            if (err instanceof AppError && err.status === 404) throw new CliError(`source "${opts.source}" does not exist`);
            throw err;
          }
        }
        const rows = await searchPosts(ctx.db.kysely, cliActor(), { q: opts.q, since: since ?? undefined, until: until ?? undefined, sourceId, limit });
        if (opts.format === 'jsonl') {
          for (const r of rows) process.stdout.write(`${JSON.stringify(jsonl(r))}\n`);
          return;
        }
        const lines = [['id', 'published', 'source', 'risk', 'sentiment', 'title'].join('\t')];
        for (const r of rows) lines.push([r.id, r.published_at ? publishedText(r.published_at, r.published_precision) : localDateTime(r.fetched_at), cut(r.source, 16), r.risk_level ?? '-', r.sentiment_label ?? '-', cut(r.title, 60)].join('\t'));
        process.stdout.write(`${lines.join('\n')}\n${rows.length} post(s)\n`);
      });
    });
}
