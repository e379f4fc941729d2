import { EventEmitter } from 'node:events';
import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Logger } from './log.ts';

/**
 * What every part of a running process shares: the database, the parsed config, the logger,
 * and an in-process bus for live notifications (the in-app channel and console updates).
 */
export interface AppContext {
  db: Db;
  config: Config;
  log: Logger;
  bus: EventEmitter;
  /** The job queue when this process runs or sends jobs (serve, worker); absent in one-shot CLI commands. */
  jobs?: JobQueue;
}

export function createContext(db: Db, config: Config, log: Logger): AppContext {
  const bus = new EventEmitter();
  bus.setMaxListeners(1000);
  return { db, config, log, bus };
}
