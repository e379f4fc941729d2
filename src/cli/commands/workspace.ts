import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { cliActor } from '../../auth/actor.ts';
import { applyWorkspace, exportWorkspace, WorkspaceError } from '../../workspace/workspace.ts';
import { CliError, withContext } from '../context.ts';

export function workspaceCommand(program: Command) {
  const ws = program.command('workspace').description('configuration as code: departments, users, sources, rules, channels …');
  ws.command('apply')
    .description('apply a workspace YAML file; all or nothing, idempotent')
    .argument('<file>', 'workspace YAML file')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .option('--dry-run', 'validate only')
    .action(async (file: string, opts: { db?: string; dryRun?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await withContext(opts, async (ctx) => {
        try {
          if (opts.dryRun) {
            const { parseWorkspace } = await import('../../workspace/workspace.ts');
            await parseWorkspace(ctx.db.kysely, text);
            console.log(`${file}: valid`);
            return;
          }
          const result = await applyWorkspace(ctx.db.kysely, cliActor(), text);
          for (const [key, s] of Object.entries(result.sections)) {
            console.log(`${key}: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`);
          }
          for (const n of result.notices) console.log(n);
          console.log(result.changed === 0 ? 'no changes' : `${result.changed} change(s) applied`);
        } catch (err) {
          if (err instanceof WorkspaceError) {
            for (const i of err.issues) console.error(`${file}${i.line ? `:${i.line}` : ''}: ${i.where}: ${i.message}`);
            throw new CliError(`${file}: rejected with ${err.issues.length} error(s); nothing was changed`);
          }
          throw err;
        }
      });
    });
  ws.command('export')
    .description('write the workspace as YAML (stdout, or --out FILE)')
    .option('--db <url>', 'SQLite path or postgres:// URL')
    .option('--out <file>', 'write to this file')
    .action(async (opts: { db?: string; out?: string }) => {
      await withContext(opts, async (ctx) => {
        const yaml = await exportWorkspace(ctx.db.kysely);
        if (opts.out) writeFileSync(opts.out, yaml);
        else process.stdout.write(yaml);
      });
    });
}
