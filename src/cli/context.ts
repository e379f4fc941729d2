import { existsSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { createContext, type AppContext } from '../context.ts';
import { dbKindOf, openDatabase, resolveDbUrl } from '../db/connect.ts';
import { loadWorkspaceZone } from '../time/settings.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { createLogger } from '../log.ts';
import { CliError } from './errors.ts';

export { CliError };

export interface DbOptions {
  db?: string;
}

/**
 * Opens the workspace database named by --db / DATABASE_URL / the default, brings its schema
 * up to date, runs `fn`, and closes it. CLI logs go to stderr so stdout stays clean for data.
 */
export async function withContext<T>(opts: DbOptions, fn: (ctx: AppContext) => Promise<T>, { mustExist = false } = {}): Promise<T> {
  const config = loadConfig();
  const url = resolveDbUrl(opts.db);
  if (mustExist && dbKindOf(url) === 'sqlite' && url !== ':memory:' && !existsSync(url)) {
    throw new CliError(`database file not found: ${url}`);
  }
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', { stderr: true }).child({ part: 'cli' });
  const db = await openDatabase(url);
  try {
    await migrateToLatest(db);
    await loadWorkspaceZone(db.kysely);
    return await fn(createContext(db, config, log));
  } finally {
    await db.close();
  }
}
