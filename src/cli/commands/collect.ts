import type { Command } from 'commander';
import { deliverPendingNow } from '../../alert/runner.ts';
import { collectDue } from '../../collect/collector.ts';
import { CollectError } from '../../collect/types.ts';
import { followUpCases } from '../../pipeline/followup.ts';
import { CliError, withContext } from '../context.ts';

export function collectCommand(program: Command) {
  program
    .command('collect')
    .description('fetch every due source once (analyse, alert), then exit; for cron and tests')
    .requiredOption('--once', 'run one collection round and exit (required; `serve` collects continuously)')
    .option('--source <name>', 'only this source, due or not')
    .option('--follow-up', 'also re-fetch the threads of open cases for new replies')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .action(async (opts: { once: boolean; source?: string; followUp?: boolean; db?: string }) => {
      await withContext(opts, async (ctx) => {
        let results;
        try {
          results = await collectDue(ctx, { sourceName: opts.source });
        } catch (err) {
          if (err instanceof CollectError) throw new CliError(err.message);
          throw err;
        }
        for (const r of results) {
          const what = r.ok ? (r.notModified ? 'not modified' : `${r.created} new, ${r.updated} updated`) : `FAILED: ${r.error}${r.paused ? ' (source paused itself)' : ''}`;
          console.log(`${r.source}: ${what}`);
          for (const w of r.warnings) console.log(`  warning: ${w}`);
        }
        const created = results.reduce((n, r) => n + r.created, 0);
        const failed = results.filter((r) => !r.ok).length;
        console.log(results.length ? `${results.length} source(s) collected, ${created} new post(s), ${failed} failed` : 'no source is due');
        if (opts.followUp) {
          const f = await followUpCases(ctx);
          console.log(`follow-up: ${f.threads} thread(s), ${f.repliesAdded} new repl${f.repliesAdded === 1 ? 'y' : 'ies'} (${f.oursAdded} by our accounts), ${f.errors.length} failed`);
          if (f.ledger) console.log(`ledger: ${f.ledger.found.length} reply(ies) by our accounts recorded, ${f.ledger.verified.length} verified, ${f.ledger.feedback} follow-up item(s) read`);
        }
        const alerts = await deliverPendingNow(ctx);
        if (alerts.sent || alerts.failed) console.log(`alerts: ${alerts.sent} sent, ${alerts.failed} failed, ${alerts.waiting} waiting`);
        if (opts.source && failed) throw new CliError(`source "${opts.source}" failed: ${results[0].error}`);
      });
    });
}
