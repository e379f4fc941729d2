import type { Command } from 'commander';
import { schemaVersion, migrateToLatest } from '../../db/migrate.ts';
import { openDatabase, resolveDbUrl } from '../../db/connect.ts';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('bring the database schema up to date (also done at every start)')
    .option('--db <url>', 'SQLite path or postgres:// URL (default: DATABASE_URL, else ./data/minsheng.db)')
    .option('--rebuild-rollup', "recount the dashboard's daily roll-up of posts from the posts themselves")
    .action(async (opts: { db?: string; rebuildRollup?: boolean }) => {
      const db = await openDatabase(resolveDbUrl(opts.db));
      try {
        const applied = await migrateToLatest(db);
        const v = await schemaVersion(db);
        console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : 'schema already up to date');
        console.log(`${db.kind} ${db.location}: schema ${v.version} (${v.applied} migrations)`);
        if (opts.rebuildRollup) {
          const { rebuildRollup } = await import('../../report/rollup.ts');
          const r = await rebuildRollup(db.kysely);
          console.log(`daily roll-up rebuilt: ${r.posts} posts over ${r.days} days`);
        }
      } finally {
        await db.close();
      }
    });
}
