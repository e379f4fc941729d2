import { Help, type Command } from 'commander';

export type CommandModule = (program: Command) => void;

export interface CommandEntry {
  /** The command's term in the root help: its name, then `[options]` and its arguments, as commander prints them. */
  term: string;
  /** Its one-line description, exactly as its module declares it. */
  description: string;
  load: () => Promise<CommandModule>;
}

/**
 * Every CLI command, with what root help shows of it and a lazy loader. Running one command
 * imports only its own module, which keeps start-up short; root help, `--version` and an unknown
 * command (commander's "did you mean") need only the names and descriptions, so they import no
 * command module at all — each imports most of the application (measured: `--help` 3 s → well
 * under 1 s). A stage adds its file and one entry here; test/foundation/cli.test.ts checks that
 * the terms and descriptions match the modules.
 */
export const commandTable: Record<string, CommandEntry> = {
  serve: {
    term: 'serve [options]',
    description: 'run the web console, the API and the collectors (http://localhost:3000)',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  migrate: {
    term: 'migrate [options]',
    description: 'bring the database schema up to date (also done at every start)',
    load: async () => (await import('./migrate.ts')).migrateCommand,
  },
  workspace: {
    term: 'workspace',
    description: 'configuration as code: departments, users, sources, rules, channels …',
    load: async () => (await import('./workspace.ts')).workspaceCommand,
  },
  worker: {
    term: 'worker [options]',
    description: 'run collection, analysis, alert delivery, follow-up, scheduled reports and retraining from the shared PostgreSQL job queue (pg-boss); start as many as needed',
    load: async () => (await import('./worker.ts')).workerCommand,
  },
  demo: {
    term: 'demo [options]',
    description: 'run the console with a demo workspace: demo sites served in-process, posts keep arriving, fully offline',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  channel: {
    term: 'channel',
    description: 'alert channels: list, send a test message, re-enable, deliver pending alerts',
    load: async () => (await import('./channel.ts')).channelCommand,
  },
  analyze: {
    term: 'analyze [options]',
    description: 'analyse JSONL posts from stdin ({"id","title","text","source","published_at","metrics"}), one JSONL result per post on stdout',
    load: async () => (await import('./analyze.ts')).analyzeCommand,
  },
  report: {
    term: 'report [options]',
    description: 'write a brief (舆情日报/周报/月报/季报/年报, 专报), the department assessment, or the ledger and statistics as .xlsx',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  learn: {
    term: 'learn [options] [file]',
    description: 'learn labelled examples (JSONL: {"text","sentiment"?,"appeal"?,"emotion"?,"topic"?,"department"?}); same store as corrections in the console',
    load: async () => (await import('./learn.ts')).learnCommand,
  },
  eval: {
    term: 'eval [options]',
    description: 'evaluate sentiment, topic and routing learning and the language layer speed on public datasets (prints figures)',
    load: async () => (await import('./eval.ts')).evalCommand,
  },
  collect: {
    term: 'collect [options]',
    description: 'fetch every due source once (analyse, alert), then exit; for cron and tests',
    load: async () => (await import('./collect.ts')).collectCommand,
  },
  posts: {
    term: 'posts [options]',
    description: 'list stored posts with their analysis, newest first',
    load: async () => (await import('./posts.ts')).postsCommand,
  },
  import: {
    term: 'import [options] <file>',
    description: 'import posts from an .xlsx, .csv or .jsonl file (e.g. a 12345 hotline export) into a source',
    load: async () => (await import('./import.ts')).importCommand,
  },
  source: {
    term: 'source',
    description: 'work with sources (信息源)',
    load: async () => (await import('./source.ts')).sourceCommand,
  },
  case: {
    term: 'case',
    description: 'the ledger (台账): list, export .xlsx, run the deadline and verification checks',
    load: async () => (await import('./case.ts')).caseCommand,
  },
  bench: {
    term: 'bench [options] [name] [args...]',
    description: 'run the benchmarks and evaluations in bench/ and print their figures (speed goals live here, not in tests)',
    load: async () => (await import('./bench.ts')).benchCommand,
  },
};

/** Loaders by name (kept for callers that load one command's module). */
export const commandModules: Record<string, () => Promise<CommandModule>> = Object.fromEntries(Object.entries(commandTable).map(([name, e]) => [name, e.load]));

/**
 * A placeholder for a command whose module is not loaded: its name, description and help term
 * only, for root help and for commander's unknown-command suggestions. It has no action: it is
 * only ever added when argv names no known command, so commander never runs it.
 */
export function commandStub(name: string, entry: CommandEntry): CommandModule {
  return (program) => {
    stubTerms.set(program.command(name).description(entry.description), entry.term);
    // root help lists a stub by the term its module would give it ("import [options] <file>")
    program.configureHelp({ subcommandTerm: (cmd) => stubTerms.get(cmd) ?? new Help().subcommandTerm(cmd) });
  };
}

const stubTerms = new WeakMap<Command, string>();

/**
 * The modules to load for an argv: just the named command's; otherwise (root help, --version, no
 * command, an unknown one) a stub per command, importing nothing. `minsheng help posts` loads posts.
 */
export async function loadCommands(argv: string[]): Promise<CommandModule[]> {
  const known = (name: string | undefined): name is string => !!name && Object.hasOwn(commandTable, name);
  const name = argv[2] === 'help' && known(argv[3]) ? argv[3] : argv[2];
  if (known(name)) return [await commandTable[name].load()];
  return Object.entries(commandTable).map(([n, e]) => commandStub(n, e));
}
