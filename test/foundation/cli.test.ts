import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli as run } from '../helpers/cli.ts';
import { ORG_YAML } from '../helpers/fixtures.ts';

describe('command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-cli-'));
  const dbPath = join(dir, 'ws.db');

  test('--help lists the commands', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['serve', 'migrate', 'workspace']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
    assert.equal((await run(['workspace', 'apply', '--help'])).code, 0);
  });

  test('workspace apply then apply again reports no changes; export round-trips', async () => {
    const file = join(dir, 'org.yaml');
    writeFileSync(file, ORG_YAML);
    const first = await run(['workspace', 'apply', file, '--db', dbPath]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /departments: 3 created/);
    const second = await run(['workspace', 'apply', file, '--db', dbPath]);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /no changes/);
    const exp = await run(['workspace', 'export', '--db', dbPath]);
    assert.equal(exp.code, 0);
    assert.match(exp.stdout, /住房保障科/);
  });

  test('bad input exits non-zero with a one-line reason', async () => {
    const missing = await run(['workspace', 'apply', join(dir, 'nope.yaml'), '--db', dbPath]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /^minsheng: cannot read .*nope\.yaml: ENOENT\n$/);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'users:\n  - { username: x1, name: X, role: head, department: ghost }\n');
    const r = await run(['workspace', 'apply', bad, '--db', dbPath]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad\.yaml:2: users\[0\]\.department: department "ghost" does not exist/);
    assert.match(r.stderr, /nothing was changed/);

    const pg = await run(['migrate', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /^minsheng: cannot connect to PostgreSQL/);
    assert.equal(pg.stderr.trim().split('\n').length, 1);

    const notDb = join(dir, 'not-a-db.db');
    writeFileSync(notDb, 'this is not sqlite '.repeat(100));
    const r2 = await run(['migrate', '--db', notDb]);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /^minsheng: cannot open SQLite database/);

    const unknown = await run(['frobnicate']);
    assert.notEqual(unknown.code, 0);
  });
});
