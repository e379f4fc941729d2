import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase, withStatementCache } from '../../src/db/connect.ts';

/** SQLite connections keep their prepared statements (issue 23: Kysely prepares every query afresh). */
describe('the SQLite statement cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-stmt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('gives the same statement for the same SQL, a new one while it is busy, and drops the least recently used', () => {
    const raw = new Database(':memory:');
    let prepared = 0;
    const counting = { close: () => raw.close(), prepare: (s: string) => (prepared++, raw.prepare(s)) };
    const c = withStatementCache(counting, 2);
    raw.exec('create table t (x integer); insert into t values (1), (2), (3)');
    const a = c.prepare('select x from t');
    assert.equal(c.prepare('select x from t'), a);
    assert.equal(prepared, 1);
    // iterating keeps the statement busy: the same SQL meanwhile gets its own statement
    const seen: number[] = [];
    for (const row of a.iterate() as Iterable<{ x: number }>) {
      const inner = c.prepare('select x from t');
      assert.notEqual(inner, a);
      seen.push(row.x, (inner.all() as { x: number }[]).length);
    }
    assert.deepEqual(seen, [1, 3, 2, 3, 3, 3]);
    assert.equal(c.prepare('select x from t'), a);
    c.prepare('select 1');
    c.prepare('select 2'); // drops 'select x from t', the least recently used
    assert.equal(c.cached, 2);
    const before = prepared;
    assert.notEqual(c.prepare('select x from t'), a);
    assert.equal(prepared, before + 1);
    c.close();
  });

  test('serves Kysely: repeated, streamed and changed-schema queries answer right', async () => {
    const db = await openDatabase(join(dir, 'k.db'));
    try {
      await sql`create table n (v integer)`.execute(db.kysely);
      for (let i = 0; i < 5; i++) await sql`insert into n (v) values (${i})`.execute(db.kysely);
      const q = () => sql<{ s: number }>`select sum(v) as s from n`.execute(db.kysely);
      assert.equal((await q()).rows[0].s, 10);
      await sql`insert into n (v) values (${10})`.execute(db.kysely);
      assert.equal((await q()).rows[0].s, 20);
      // a column added after the statement was first prepared shows in `select *`
      const all = () => sql<Record<string, unknown>>`select * from n order by v limit 1`.execute(db.kysely);
      assert.deepEqual(Object.keys((await all()).rows[0]), ['v']);
      await sql`alter table n add column w text`.execute(db.kysely);
      assert.deepEqual(Object.keys((await all()).rows[0]), ['v', 'w']);
    } finally {
      await db.close();
    }
  });
});
