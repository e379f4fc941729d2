import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.ts';
import { migrateToLatest, schemaVersion } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { freshDatabaseUrl, testDatabases } from '../helpers/db.ts';

const GLOSSARY_TABLES = [
  'departments', 'users', 'sources', 'posts', 'post_replies', 'watch_rules', 'watch_periods', 'channels', 'alerts',
  'alert_attempts', 'cases', 'case_events', 'responses', 'memos', 'instructions', 'commitments', 'responder_accounts',
  'labels', 'audit_log', 'events', 'taxonomy_topics',
];

for (const tdb of testDatabases) {
  describe(`migrations [${tdb.kind}]`, () => {
    test('a new database gets every table, and migrating again is a no-op', async () => {
      const fresh = await freshDatabaseUrl(tdb.kind);
      const db = await openDatabase(fresh.url);
      try {
        const applied = await migrateToLatest(db);
        assert.deepEqual(applied, Object.keys(migrations).sort());
        assert.deepEqual(await migrateToLatest(db), []);
        const tables = (await db.kysely.introspection.getTables()).map((t) => t.name);
        for (const t of GLOSSARY_TABLES) assert.ok(tables.includes(t), `table ${t} exists`);
        const v = await schemaVersion(db);
        assert.equal(v.version, v.latest);
        // The same insert/select code works on both: ISO timestamps and 0/1 flags round-trip.
        const now = new Date().toISOString();
        const row = await db.kysely
          .insertInto('departments')
          .values({ code: 'd1', name: '部门', phone: null, is_office: 1, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        assert.equal(typeof row.id, 'number');
        assert.equal(row.is_office, 1);
        assert.equal(row.created_at, now);
        const n = await sql<{ n: number }>`select count(*) as n from departments`.execute(db.kysely);
        assert.equal(Number(n.rows[0].n), 1);
      } finally {
        await db.close();
        await fresh.drop();
      }
    });
  });
}
