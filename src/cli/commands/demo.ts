import type { Command } from 'commander';
import { existsSync, rmSync } from 'node:fs';
import { loadConfig } from '../../config.ts';
import { dbKindOf, resolveDbUrl } from '../../db/connect.ts';
import { DEFAULT_DEMO_PATH, startDemo } from '../../demo/run.ts';
import { DEMO_DEPARTMENTS, DEMO_PASSWORD, DEMO_USERS } from '../../demo/workspace.ts';
import { createLogger } from '../../log.ts';
import { CliError } from '../context.ts';

const ROLE_NAMES: Record<string, string> = { admin: 'admin', office: 'office', responder: 'responder', head: 'head', leader: 'leader' };

export function demoCommand(program: Command) {
  program
    .command('demo')
    .description('run the console with a demo workspace: demo sites served in-process, posts keep arriving, fully offline')
    .option('--db <url>', 'SQLite path or postgres:// URL for the demo workspace', DEFAULT_DEMO_PATH)
    .option('--port <n>', 'port (default: PORT, else 3000)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--reset', 'start from an empty demo database (SQLite only)')
    .action(async (opts: { db: string; port?: string; host: string; reset?: boolean }) => {
      const dbUrl = resolveDbUrl(opts.db);
      if (opts.port !== undefined && !/^\d{1,5}$/.test(opts.port)) throw new CliError(`--port must be a number, got "${opts.port}"`);
      if (opts.reset) {
        if (dbKindOf(dbUrl) !== 'sqlite') throw new CliError('--reset works only with a SQLite demo database');
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbUrl + suffix)) rmSync(dbUrl + suffix);
      }
      const config = loadConfig();
      const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
      const demo = await startDemo({ dbUrl, config, log, port: opts.port ? Number(opts.port) : undefined, host: opts.host });
      const url = demo.server.url;
      const dept = new Map(DEMO_DEPARTMENTS.map((d) => [d.code, d.name]));
      const lines = [
        '',
        '==============================================================',
        ` 民声 Minsheng demo: ${url}`,
        ` workspace: ${dbUrl}   demo sites: ${demo.sites.url}`,
        ` every demo user's password: ${DEMO_PASSWORD}`,
        '',
        ...DEMO_USERS.map((u) => `   ${u.username.padEnd(13)} ${ROLE_NAMES[u.role].padEnd(10)} ${u.name}${u.department ? ` · ${dept.get(u.department)}` : ''}`),
        '',
        ' New posts arrive on the demo forum, message board and news feed every minute or so.',
        ' Press Ctrl+C to stop.',
        '==============================================================',
        '',
      ];
      process.stdout.write(lines.join('\n') + '\n');
      void demo.seeded.then((n) => {
        if (n > 0) process.stdout.write(`demo: ${n} cases opened in every state of the workflow (see 台账)\n`);
      });
      const shutdown = async () => {
        await demo.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
    });
}
