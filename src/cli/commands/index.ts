import type { Command } from 'commander';
import { analyzeCommand } from './analyze.ts';
import { caseCommand } from './case.ts';
import { channelCommand } from './channel.ts';
import { demoCommand } from './demo.ts';
import { evalCommand } from './eval.ts';
import { learnCommand } from './learn.ts';
import { migrateCommand } from './migrate.ts';
import { reportCommand } from './report.ts';
import { serveCommand } from './serve.ts';
import { workspaceCommand } from './workspace.ts';
import { workerCommand } from './worker.ts';
import { collectCommand } from './collect.ts';
import { postsCommand } from './posts.ts';
import { importCommand } from './import.ts';
import { sourceCommand } from './source.ts';

export type CommandModule = (program: Command) => void;

/** Every CLI command. A stage adds its file and one line here. */
export const commands: CommandModule[] = [serveCommand, migrateCommand, workspaceCommand, workerCommand, demoCommand, channelCommand, analyzeCommand, reportCommand, learnCommand, evalCommand, collectCommand, postsCommand, importCommand, sourceCommand, caseCommand];
