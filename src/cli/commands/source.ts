import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { PRESETS } from '../../collect/parser/presets.ts';
import { fetcherFor } from '../../collect/collector.ts';
import { previewSource } from '../../collect/preview.ts';
import { CollectError } from '../../collect/types.ts';
import { createContext } from '../../context.ts';
import type { Db } from '../../db/connect.ts';
import { AppError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { CliError } from '../context.ts';
import { localDateTime } from '../../time/format.ts';

export function sourceCommand(program: Command) {
  const source = program.command('source').description('work with sources (信息源)');
  source
    .command('test')
    .description('fetch a URL once and print what would be collected (title, time, author, url) and the detected charset; stores nothing')
    .argument('<url>', 'the feed, list page or API to try')
    .option('--kind <kind>', 'feed, html or json (default: feed, or html with --preset)')
    .option('--preset <preset>', `html preset: ${PRESETS.join(' or ')}`)
    .option('--config <json>', 'kind-specific config as JSON, e.g. selectors or a JSON field mapping')
    .option('--format <format>', 'table or jsonl', 'table')
    .action(async (url: string, opts: { kind?: string; preset?: string; config?: string; format: string }) => {
      if (opts.kind && !['feed', 'html', 'json'].includes(opts.kind)) throw new CliError(`unknown --kind ${opts.kind}: use feed, html or json`);
      if (opts.preset && !(PRESETS as readonly string[]).includes(opts.preset)) throw new CliError(`unknown --preset ${opts.preset}: use ${PRESETS.join(' or ')}`);
      if (opts.preset && opts.kind && opts.kind !== 'html') throw new CliError('--preset applies to --kind html');
      if (!['table', 'jsonl'].includes(opts.format)) throw new CliError(`unknown --format ${opts.format}: use table or jsonl`);
      let config: Record<string, unknown> | undefined;
      if (opts.config) {
        try {
          config = JSON.parse(opts.config);
        } catch (err) {
          throw new CliError(`--config is not valid JSON: ${(err as Error).message}`);
        }
      }
      const cfg = loadConfig();
      // Nothing is stored, so no database is opened.
      const ctx = createContext({} as Db, cfg, createLogger(process.env.LOG_LEVEL ?? 'warn', { stderr: true }));
      const fetcher = fetcherFor(ctx);
      try {
        const p = await previewSource(ctx, { url, kind: opts.kind as 'feed' | undefined, preset: opts.preset as 'discuz' | undefined, config }, fetcher);
        if (opts.format === 'jsonl') {
          for (const i of p.items) process.stdout.write(`${JSON.stringify(i)}\n`);
        } else {
          console.log(`kind: ${p.kind}`);
          console.log(`charset: ${p.charset ?? '-'}${p.declaredCharset ? ` (declared: ${p.declaredCharset})` : ' (none declared)'}`);
          console.log(`items: ${p.items.length}`);
          p.items.forEach((i, n) => {
            console.log(`${n + 1}. ${i.title}`);
            console.log(`   time: ${i.published_at ? localDateTime(i.published_at) : '-'}  author: ${i.author ?? '-'}${i.replies ? `  replies: ${i.replies}` : ''}`);
            console.log(`   url: ${i.url ?? '-'}`);
          });
        }
        for (const w of p.warnings) console.error(`warning: ${w}`);
        if (opts.format === 'jsonl') console.error(`charset: ${p.charset ?? '-'}; ${p.items.length} item(s)`);
      } catch (err) {
        if (err instanceof CollectError) throw new CliError(`${url}: ${err.message}`);
        if (err instanceof AppError) throw new CliError(err.message);
        throw err;
      } finally {
        await fetcher.close();
      }
    });
}
