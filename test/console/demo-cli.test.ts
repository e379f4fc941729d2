import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/minsheng.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });

test('minsheng demo explains itself and refuses bad options with a one-line reason', () => {
  const help = run('demo', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--db <url>/);
  assert.match(help.stdout, /--reset/);
  const port = run('demo', '--port', 'abc');
  assert.equal(port.status, 1);
  assert.equal(port.stderr.trim(), 'minsheng: --port must be a number, got "abc"');
  const reset = run('demo', '--reset', '--db', 'postgres://nobody@127.0.0.1:1/none');
  assert.equal(reset.status, 1);
  assert.match(reset.stderr, /--reset works only with a SQLite demo database/);
});
