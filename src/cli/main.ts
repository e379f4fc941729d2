import { Command, CommanderError } from 'commander';
import { loadCommands, type CommandModule } from './commands/index.ts';
import { CliError } from './errors.ts';

/**
 * Whether a failure is a known one (one line, exit 1) rather than a bug (exit 70). The error
 * classes of the application are imported only here, on the way out, so that root help and the
 * entry itself import nothing of the application (src/cli/commands/index.ts); a module that threw
 * one is already loaded, so the import costs nothing then.
 */
async function isKnownFailure(err: unknown): Promise<boolean> {
  if (err instanceof CliError) return true;
  const [{ ConfigError }, { DatabaseOpenError }, { MigrationError }, { AppError }] = await Promise.all([
    import('../config.ts'),
    import('../db/connect.ts'),
    import('../db/migrate.ts'),
    import('../errors.ts'),
  ]);
  return err instanceof ConfigError || err instanceof DatabaseOpenError || err instanceof MigrationError || err instanceof AppError;
}

export function buildProgram(commands: CommandModule[]): Command {
  const program = new Command('minsheng')
    .description('民声 Minsheng — public-opinion monitoring and response')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const add of commands) add(program);
  return program;
}

/**
 * Runs the CLI and says how it ended, without exiting: `null` when the command finished normally
 * (the process then ends once nothing is left to do, or keeps serving), else the code to exit with
 * at once: 0 after help or the version, commander's code after a usage error it printed, 1 after
 * a known failure and 70 after an unexpected one, each printed as one line on stderr. Tests run
 * commands in-process through this (test/helpers/cli.ts); `main` is the binary's entry.
 */
export async function runProgram(argv: string[]): Promise<number | null> {
  const program = buildProgram(await loadCommands(argv));
  try {
    await program.parseAsync(argv);
    return null;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return err.exitCode;
    }
    const known = await isKnownFailure(err);
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`minsheng: ${message.split('\n')[0]}\n`);
    if (!known && process.env.MINSHENG_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return known ? 1 : 70;
  }
}

/** The binary's entry: runs the CLI; any failure prints one line and exits non-zero at once. */
export async function main(argv: string[]): Promise<void> {
  const code = await runProgram(argv);
  if (code !== null) process.exit(code);
}
