import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cliActor } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import { createContext } from '../context.ts';
import { dbKindOf, openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Logger } from '../log.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { applyWorkspace } from '../workspace/workspace.ts';
import { startDemoSites, type DemoSites } from './sites.ts';
import { demoWorkspaceYaml } from './workspace.ts';

export interface DemoOptions {
  dbUrl: string;
  config: Config;
  log: Logger;
  port?: number;
  host?: string;
  /** Run collection, analysis and alerts on their schedule (off in some tests). */
  scheduler?: boolean;
  sitesOptions?: Parameters<typeof startDemoSites>[0];
}

export interface RunningDemo {
  server: RunningServer;
  sites: DemoSites;
  close(): Promise<void>;
}

/**
 * Starts the demo: the in-process demo sites, the demo workspace applied to the database
 * (idempotent, so a second run reuses ./data/demo.db), then the ordinary server with its
 * scheduler collecting from the demo sites. Everything runs on 127.0.0.1, fully offline.
 */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  if (dbKindOf(opts.dbUrl) === 'sqlite' && opts.dbUrl !== ':memory:') mkdirSync(dirname(opts.dbUrl), { recursive: true });
  const sites = await startDemoSites(opts.sitesOptions);
  try {
    const db = await openDatabase(opts.dbUrl);
    try {
      await migrateToLatest(db);
      const ctx = createContext(db, opts.config, opts.log);
      await applyWorkspace(ctx.db.kysely, { ...cliActor(), name: 'demo' }, demoWorkspaceYaml(sites));
    } finally {
      await db.close();
    }
    // The demo sites live on 127.0.0.1, which collection refuses unless private networks are allowed.
    const config: Config = { ...opts.config, MINSHENG_ALLOW_PRIVATE_NETWORKS: true };
    const server = await startServer({ dbUrl: opts.dbUrl, config, log: opts.log, port: opts.port, host: opts.host, scheduler: opts.scheduler });
    return {
      server,
      sites,
      close: async () => {
        await server.close();
        await sites.close();
      },
    };
  } catch (err) {
    await sites.close();
    throw err;
  }
}
