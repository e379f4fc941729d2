import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { listLedger, type LedgerQuery } from '../../cases/ledger.ts';
import { ledgerXlsx } from '../../cases/ledger-xlsx.ts';
import { checkDeadlines } from '../../cases/reminders.ts';
import { CASE_STATES } from '../../cases/states.ts';
import { verifyResponses } from '../../cases/verify.ts';
import type { AppContext } from '../../context.ts';
import { RISK_LEVELS } from '../../levels.ts';
import { CliError, withContext } from '../context.ts';
import { localDateTime } from '../../time/format.ts';

interface FilterOptions {
  db?: string;
  state?: string[];
  department?: string;
  level?: string;
  overdue?: boolean;
  from?: string;
  to?: string;
  q?: string;
}

async function toQuery(ctx: AppContext, o: FilterOptions): Promise<LedgerQuery> {
  for (const s of o.state ?? []) if (!(CASE_STATES as readonly string[]).includes(s)) throw new CliError(`unknown state "${s}" (one of ${CASE_STATES.join(', ')})`);
  if (o.level && !(RISK_LEVELS as readonly string[]).includes(o.level)) throw new CliError(`unknown level "${o.level}" (one of ${RISK_LEVELS.join(', ')})`);
  for (const d of [o.from, o.to]) if (d && !/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new CliError(`bad date "${d}" (YYYY-MM-DD)`);
  let department_id: number | undefined;
  if (o.department) {
    const row = await ctx.db.kysely.selectFrom('departments').select('id').where('code', '=', o.department).executeTakeFirst();
    if (!row) throw new CliError(`no department with code "${o.department}"`);
    department_id = row.id;
  }
  return { state: o.state as LedgerQuery['state'], department_id, level: o.level as LedgerQuery['level'], overdue: o.overdue, from: o.from, to: o.to, q: o.q };
}

function filters(cmd: Command): Command {
  return cmd
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .option('--state <state...>', `states: ${CASE_STATES.join(' ')}`)
    .option('--department <code>', 'lead or assisting department code')
    .option('--level <level>', `risk level: ${RISK_LEVELS.join(' ')}`)
    .option('--overdue', 'only overdue cases')
    .option('--from <date>', 'opened on or after (Beijing date YYYY-MM-DD)')
    .option('--to <date>', 'opened before (Beijing date YYYY-MM-DD)')
    .option('--q <text>', 'text in number, title or summary');
}

/** `minsheng case`: the ledger from the command line, and the deadline/verification round for cron. */
export function caseCommand(program: Command) {
  const c = program.command('case').description('the ledger (台账): list, export .xlsx, run the deadline and verification checks');
  filters(c.command('list').description('list cases (tab-separated, or JSON lines with --format jsonl)'))
    .option('--format <format>', 'tsv | jsonl', 'tsv')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (opts: FilterOptions & { format: string; limit: string }) => {
      if (!['tsv', 'jsonl'].includes(opts.format)) throw new CliError(`unknown format "${opts.format}" (tsv or jsonl)`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new CliError('--limit must be 1..10000');
      await withContext(opts, async (ctx) => {
        const { total, items } = await listLedger(ctx.db.kysely, cliActor(), { ...(await toQuery(ctx, opts)), limit });
        for (const i of items) {
          if (opts.format === 'jsonl') console.log(JSON.stringify(i));
          else console.log([i.number, i.state, i.level, i.lead_department ?? '-', i.deadline_at ? localDateTime(i.deadline_at) : '-', i.overdue ? 'overdue' : '', i.title].join('\t'));
        }
        console.error(`${items.length} of ${total} case(s)`);
      }, { mustExist: true });
    });
  filters(c.command('export').description('write the ledger as .xlsx'))
    .requiredOption('--out <file>', 'output .xlsx file')
    .action(async (opts: FilterOptions & { out: string }) => {
      if (!/\.xlsx$/i.test(opts.out)) throw new CliError('--out must end in .xlsx');
      await withContext(opts, async (ctx) => {
        writeFileSync(opts.out, await ledgerXlsx(ctx.db.kysely, cliActor(), await toQuery(ctx, opts)));
        console.log(`ledger written to ${opts.out}`);
      }, { mustExist: true });
    });
  c.command('check')
    .description('send due deadline reminders and overdue alerts, and verify posted replies, once (for cron)')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .action(async (opts: { db?: string }) => {
      await withContext(opts, async (ctx) => {
        const d = await checkDeadlines(ctx);
        const v = await verifyResponses(ctx);
        console.log(`reminders: ${d.reminders}, overdue alerts: ${d.overdue}, newly overdue cases: ${d.marked.length}; replies verified: ${v.verified.length}, warnings: ${v.warned.length}, found by collection: ${v.found.length}, follow-up items read: ${v.feedback}`);
      }, { mustExist: true });
    });
}
