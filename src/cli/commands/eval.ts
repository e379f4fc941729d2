import type { Command } from 'commander';
import { CliError } from '../context.ts';

export function evalCommand(program: Command) {
  program
    .command('eval')
    .description('evaluate sentiment, topic and routing learning and the language layer speed on public datasets (prints figures)')
    .option('--data <dir>', 'datasets folder', '../shared/datasets')
    .option('--only <parts>', 'comma-separated: sentiment,learned,topic,govtopic,department,speed')
    .option('--posts <n>', 'posts for the speed measurement', '50000')
    .action(async (opts: { data: string; only?: string; posts: string }) => {
      const posts = Number(opts.posts);
      if (!Number.isInteger(posts) || posts < 1000) throw new CliError(`--posts must be an integer ≥ 1000 (got ${opts.posts})`);
      const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
      const known = ['sentiment', 'learned', 'topic', 'govtopic', 'department', 'speed'];
      const unknown = only?.filter((o) => !known.includes(o)) ?? [];
      if (unknown.length) throw new CliError(`--only: unknown part(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
      const { runEvaluation } = await import('../../../bench/eval-analysis.ts');
      await runEvaluation({ data: opts.data, only, posts });
    });
}
