import type { Command } from 'commander';

export type CommandModule = (program: Command) => void;

/**
 * Every CLI command, loaded lazily: running one command imports only its own module, which keeps
 * start-up short for pipelines such as `minsheng analyze`. A stage adds its file and one line here.
 */
export const commandModules: Record<string, () => Promise<CommandModule>> = {
  serve: async () => (await import('./serve.ts')).serveCommand,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  workspace: async () => (await import('./workspace.ts')).workspaceCommand,
  worker: async () => (await import('./worker.ts')).workerCommand,
  demo: async () => (await import('./demo.ts')).demoCommand,
  channel: async () => (await import('./channel.ts')).channelCommand,
  analyze: async () => (await import('./analyze.ts')).analyzeCommand,
  report: async () => (await import('./report.ts')).reportCommand,
  learn: async () => (await import('./learn.ts')).learnCommand,
  eval: async () => (await import('./eval.ts')).evalCommand,
  collect: async () => (await import('./collect.ts')).collectCommand,
  posts: async () => (await import('./posts.ts')).postsCommand,
  import: async () => (await import('./import.ts')).importCommand,
  source: async () => (await import('./source.ts')).sourceCommand,
  case: async () => (await import('./case.ts')).caseCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
};

/** The modules to load for an argv: just the named command, or all of them (help, unknown command). */
export async function loadCommands(argv: string[]): Promise<CommandModule[]> {
  const name = argv[2];
  const only = name && Object.hasOwn(commandModules, name) ? [commandModules[name]] : Object.values(commandModules);
  return Promise.all(only.map((load) => load()));
}
