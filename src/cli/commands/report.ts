import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { REPORT_FORMATS, REPORT_KINDS } from '../../report/kinds.ts';
import { CliError, withContext } from '../context.ts';

const FORMATS = [...REPORT_FORMATS, 'json'];

interface ReportOptions {
  db?: string;
  kind: string;
  period?: string;
  format: string;
  out?: string;
  event?: string;
  department?: string;
  weights?: string;
}

function writeOut(file: string, data: string | Buffer) {
  try {
    writeFileSync(file, data);
  } catch (err) {
    throw new CliError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function reportCommand(program: Command) {
  program
    .command('report')
    .description('write a brief (舆情日报/周报/月报/季报/年报, 专报), the department assessment, or the ledger and statistics as .xlsx')
    .requiredOption('--kind <kind>', `${REPORT_KINDS.join('|')}`)
    .option('--period <period>', 'day 2026-10-05, ISO week 2026-W41, month 2026-10, quarter 2026-Q4, year 2026, or 2026-10-01..2026-10-15 (default: the last complete period; this year for an assessment)')
    .option('--format <format>', `${FORMATS.join('|')} (json: the figures, for scripts)`, 'docx')
    .option('--out <file>', 'output file (default: the report name in the current folder; json goes to stdout)')
    .option('--event <id>', 'special: the event the 专报 is about')
    .option('--department <code>', "only this department's figures")
    .option('--weights <list>', 'assessment weights, e.g. timely=0.5,received=0.3,prevented=0.2 (default: the workspace setting)')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .action(async (opts: ReportOptions) => {
      if (!(REPORT_KINDS as readonly string[]).includes(opts.kind)) throw new CliError(`--kind must be one of ${REPORT_KINDS.join(', ')} (got "${opts.kind}")`);
      if (!FORMATS.includes(opts.format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')} (got "${opts.format}")`);
      let eventId: number | undefined;
      if (opts.event !== undefined) {
        eventId = Number(opts.event);
        if (!Number.isInteger(eventId) || eventId <= 0) throw new CliError(`--event must be an event id (got "${opts.event}")`);
      }
      const { parseWeights } = await import('../../report/assessment.ts');
      const { buildReport } = await import('../../report/render.ts');
      let weights;
      try {
        weights = opts.weights ? parseWeights(opts.weights) : undefined;
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      await withContext(
        opts,
        async (ctx) => {
          let departmentId: number | undefined;
          if (opts.department) {
            const row = await ctx.db.kysely.selectFrom('departments').select('id').where('code', '=', opts.department).executeTakeFirst();
            if (!row) throw new CliError(`--department: no department with code "${opts.department}"`);
            departmentId = row.id;
          }
          if (opts.format === 'json') {
            const { reportFigures } = await import('../../report/figures.ts');
            const json = `${JSON.stringify(await reportFigures(ctx.db.kysely, cliActor(), { kind: opts.kind, period: opts.period, eventId, departmentId, weights }), null, 2)}\n`;
            if (!opts.out || opts.out === '-') process.stdout.write(json);
            else writeOut(opts.out, json);
            return;
          }
          const file = await buildReport(ctx.db.kysely, cliActor(), { kind: opts.kind, format: opts.format, period: opts.period, eventId, departmentId, weights });
          const out = opts.out ?? file.filename;
          writeOut(out, file.data);
          console.log(`${out}: ${file.document.title} (${file.period.key}), ${file.data.length} bytes`);
        },
        { mustExist: true },
      );
    });
}
