import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { resolveDbUrl } from '../../db/connect.ts';
import { createLogger } from '../../log.ts';
import { startServer } from '../../server/serve.ts';

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('run the web console, the API and the collectors (http://localhost:3000)')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .option('--port <n>', 'port (default: PORT, else 3000)')
    .option('--host <host>', 'address to listen on (default: HOST, else 0.0.0.0)')
    .option('--no-jobs', 'serve the console and API only; `minsheng worker` processes run collection, analysis and delivery')
    .action(async (opts: { db?: string; port?: string; host?: string; jobs: boolean }) => {
      const config = loadConfig();
      const log = createLogger(config.LOG_LEVEL);
      const server = await startServer({
        dbUrl: resolveDbUrl(opts.db),
        config,
        log,
        port: opts.port ? Number(opts.port) : undefined,
        host: opts.host,
        scheduler: opts.jobs,
        onAdminCreated: ({ username, password, generated }) => {
          const lines = [
            '',
            '==============================================================',
            ' 民声 Minsheng: first start, an administrator was created.',
            `   username: ${username}`,
            generated ? `   password: ${password}   (shown only this once; change it after logging in)` : '   password: the value of MINSHENG_ADMIN_PASSWORD',
            '==============================================================',
            '',
          ];
          process.stdout.write(lines.join('\n') + '\n');
        },
      });
      log.info({ url: server.url, database: server.ctx.db.kind, location: server.ctx.db.location }, 'minsheng is serving');
      process.stdout.write(`民声 Minsheng is running at ${server.url} (${server.ctx.db.kind})\n`);
      const shutdown = async (signal: string) => {
        log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
