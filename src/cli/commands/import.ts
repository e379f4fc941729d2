import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { parseMapOption } from '../../collect/importer/columns.ts';
import { importFile } from '../../collect/importer/import.ts';
import { formatOf } from '../../collect/importer/readers.ts';
import { createSource } from '../../collect/manage.ts';
import { AppError, NotFoundError } from '../../errors.ts';
import { CliError, withContext } from '../context.ts';

export function importCommand(program: Command) {
  program
    .command('import')
    .description('import posts from an .xlsx, .csv or .jsonl file (e.g. a 12345 hotline export) into a source')
    .argument('<file>', '.xlsx, .csv or .jsonl file; Chinese column names such as 留言编号/留言主题/留言时间/留言详情 work without --map')
    .requiredOption('--source <name>', 'the import source to store into (created as kind "import" if it does not exist)')
    .option('--map <pairs>', 'column=field pairs, comma separated; fields: id,title,text,author,published_at,url,views,replies,likes,reposts,dislikes,reply_text,reply_time,reply_author,ignore')
    .option('--history', 'the file is history (e.g. last year\'s export): store and analyse its posts, but alert nobody and open no case')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .action(async (file: string, opts: { source: string; map?: string; db?: string; history?: boolean }) => {
      try {
        formatOf(file);
      } catch (err) {
        throw new CliError(`${file}: ${(err as Error).message}`);
      }
      let map: Record<string, string> = {};
      try {
        if (opts.map) map = parseMapOption(opts.map);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await withContext(opts, async (ctx) => {
        const actor = cliActor();
        let source = await ctx.db.kysely.selectFrom('sources').selectAll().where('name', '=', opts.source).executeTakeFirst();
        if (!source) {
          await createSource(ctx.db.kysely, actor, { name: opts.source, kind: 'import' });
          source = await ctx.db.kysely.selectFrom('sources').selectAll().where('name', '=', opts.source).executeTakeFirstOrThrow();
          console.error(`created import source "${opts.source}"`);
        }
        let result;
        try {
          result = await importFile(ctx, actor, source, basename(file), bytes, map, { history: opts.history === true });
        } catch (err) {
          if (err instanceof AppError && !(err instanceof NotFoundError)) throw new CliError(err.message);
          throw err;
        }
        for (const e of result.errors) console.error(`${file}: row ${e.row}: ${e.message}`);
        for (const w of result.warnings) console.error(`${file}: row ${w.row}: warning: ${w.message}`);
        const cols = Object.entries(result.columns).map(([c, f]) => `${c}→${f}`).join(', ');
        console.log(`columns: ${cols || '(none recognised)'}`);
        console.log(`${file}: ${result.rows} row(s): ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.errors.length} rejected`);
        if (result.created + result.updated + result.unchanged === 0 && result.errors.length) throw new CliError(`${file}: no row could be imported`);
      });
    });
}
