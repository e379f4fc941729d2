import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cliActor } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import { createContext } from '../context.ts';
import { dbKindOf, openDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Logger } from '../log.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { applyWorkspace } from '../workspace/workspace.ts';
import { freePosts, seedDemoCases } from './seed.ts';
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
  /** How long to wait for the first collection before giving up on seeding cases. */
  seedTimeoutMs?: number;
}

export interface RunningDemo {
  server: RunningServer;
  sites: DemoSites;
  /** Resolves with the number of cases seeded (0 when the workspace already had them). */
  seeded: Promise<number>;
  close(): Promise<void>;
}

/** Waits until the first collection has brought in enough posts, then seeds the demo cases. */
async function seedWhenCollected(server: RunningServer, sites: DemoSites, timeoutMs: number, stopped: () => boolean): Promise<number> {
  const db = server.ctx.db.kysely;
  const deadline = Date.now() + timeoutMs;
  while (!stopped() && Date.now() < deadline) {
    // Enough analysed forum and board posts that are not in a case yet for one case per state.
    if ((await freePosts(db)).length >= 12) return seedDemoCases(db, sites, server.ctx.log);
    await new Promise((r) => setTimeout(r, 1000));
  }
  return 0;
}

/** Where `minsheng demo` keeps its workspace unless told otherwise. */
export const DEFAULT_DEMO_PATH = './data/demo.db';

/**
 * Starts the demo: the in-process demo sites, the demo workspace applied to the database
 * (idempotent, so a second run reuses ./data/demo.db), then the ordinary server with its
 * scheduler collecting from the demo sites. Everything runs on 127.0.0.1, fully offline.
 */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  // the default demo database's folder is created; another path's folder must exist (db/connect.ts)
  if (dbKindOf(opts.dbUrl) === 'sqlite' && resolve(opts.dbUrl) === resolve(DEFAULT_DEMO_PATH)) mkdirSync(dirname(opts.dbUrl), { recursive: true });
  const sites = await startDemoSites(opts.sitesOptions);
  try {
    const db = await openDatabase(opts.dbUrl);
    try {
      await migrateToLatest(db);
      const ctx = createContext(db, opts.config, opts.log);
      await applyWorkspace(ctx.db.kysely, { ...cliActor(), name: 'demo' }, demoWorkspaceYaml(sites));
      // The demo's story is a county that has watched these sites for a week: its posts of the last days are news,
      // not the backlog a newly added source brings (which is stored as 旧帖 and alerts nobody, collect/standing.ts).
      const watchedSince = new Date(Date.now() - 7 * 86_400_000).toISOString();
      await ctx.db.kysely.updateTable('sources').set({ created_at: watchedSince }).where('created_at', '>', watchedSince).execute();
    } finally {
      await db.close();
    }
    // The demo sites live on 127.0.0.1, which collection refuses unless private networks are allowed.
    const config: Config = { ...opts.config, MINSHENG_ALLOW_PRIVATE_NETWORKS: true };
    const server = await startServer({ dbUrl: opts.dbUrl, config, log: opts.log, port: opts.port, host: opts.host, scheduler: opts.scheduler });
    let stopped = false;
    const seeded = seedWhenCollected(server, sites, opts.seedTimeoutMs ?? 120_000, () => stopped).catch((err: Error) => {
      opts.log.error({ err }, 'demo cases could not be seeded');
      return 0;
    });
    return {
      server,
      sites,
      seeded,
      close: async () => {
        stopped = true;
        await seeded;
        await server.close();
        await sites.close();
      },
    };
  } catch (err) {
    await sites.close();
    throw err;
  }
}
