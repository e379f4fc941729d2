import { accessSync, constants } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { readLabelFile } from '../../analyze/learn/jsonl.ts';
import { LabelChecker, learnExamples } from '../../analyze/learn/labels.ts';
import { retrainModels } from '../../analyze/learn/train.ts';
import { MODEL_NAMES } from '../../analyze/learn/models.ts';
import { CliError, withContext } from '../context.ts';

export function learnCommand(program: Command) {
  program
    .command('learn')
    .description('learn labelled examples (JSONL: {"text","sentiment"?,"appeal"?,"emotion"?,"topic"?,"department"?}); same store as corrections in the console')
    .argument('[file]', 'JSONL file of labelled examples')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .option('--retrain', 'only retrain every model from the labels and ledger already stored')
    .action(async (file: string | undefined, opts: { db?: string; retrain?: boolean }) => {
      if (!file && !opts.retrain) throw new CliError('learn: give a JSONL file (or --retrain)');
      if (file) {
        try {
          accessSync(file, constants.R_OK);
        } catch (err) {
          throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      await withContext(opts, async (ctx) => {
        const db = ctx.db.kysely;
        if (!file) {
          for (const r of await retrainModels(db, MODEL_NAMES)) {
            console.log(r.trained ? `${r.name}: trained on ${r.examples} examples, ${r.classes} classes (${r.ms} ms)` : `${r.name}: not enough examples (${r.examples}), no model`);
          }
          return;
        }
        const checker = await LabelChecker.load(db);
        const parsed = await readLabelFile(file, checker);
        for (const b of parsed.bad) process.stderr.write(`${file}:${b.line}: ${b.reason}\n`);
        if (parsed.examples.length === 0) {
          throw new CliError(`${file}: nothing learned (${parsed.bad.length} bad line(s) of ${parsed.lines})`);
        }
        const result = await learnExamples(db, cliActor(), parsed.examples, 'cli');
        const count = (k: 'sentiment' | 'appeal' | 'emotion' | 'topic' | 'department') => parsed.examples.filter((e) => e[k]).length;
        console.log(
          `learned ${result.stored} example(s): sentiment ${count('sentiment')}, appeal ${count('appeal')}, emotion ${count('emotion')}, topic ${count('topic')}, department ${count('department')}`,
        );
        if (result.topicsAdded.length) console.log(`taxonomy: added ${result.topicsAdded.join(', ')}`);
        if (checker.unknownDepartments.size) {
          const names = [...checker.unknownDepartments];
          console.log(`note: ${names.length} department label(s) name no department of this workspace and were learned by name: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ' …' : ''}`);
        }
        for (const r of result.retrained) {
          console.log(r.trained ? `${r.name}: retrained on ${r.examples} examples, ${r.classes} classes (${r.ms} ms)` : `${r.name}: not enough examples yet (${r.examples}); no model`);
        }
        if (parsed.bad.length) console.log(`${parsed.bad.length} bad line(s) skipped (see stderr)`);
      });
    });
}
