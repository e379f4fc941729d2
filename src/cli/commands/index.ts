import type { Command } from 'commander';
import { analyzeCommand } from './analyze.ts';
import { channelCommand } from './channel.ts';
import { demoCommand } from './demo.ts';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';
import { workspaceCommand } from './workspace.ts';

export type CommandModule = (program: Command) => void;

/** Every CLI command. A stage adds its file and one line here. */
export const commands: CommandModule[] = [serveCommand, migrateCommand, workspaceCommand, demoCommand, channelCommand, analyzeCommand];
