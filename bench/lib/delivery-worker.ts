// A platform process for bench/delivery-crash.ts: the real job runtime (pg-boss on PostgreSQL, the
// in-process queue on SQLite) running the alert tasks against the database at argv[2], until killed.
import { deliveryTask, escalationTask } from '../../src/alert/runner.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/connect.ts';
import { startJobRuntime } from '../../src/jobs/runtime.ts';
import { createLogger } from '../../src/log.ts';

const url = process.argv[2];
const db = await openDatabase(url);
const ctx = createContext(db, loadConfig({ ...process.env, MINSHENG_PUBLIC_URL: 'http://127.0.0.1', MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' }), createLogger('silent'));
await startJobRuntime(ctx, [deliveryTask, escalationTask], { databaseUrl: db.kind === 'postgres' ? url : undefined });
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
