import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli as run } from '../helpers/cli.ts';

test('minsheng demo explains itself and refuses bad options with a one-line reason', async () => {
  const help = await run(['demo', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--db <url>/);
  assert.match(help.stdout, /--reset/);
  const port = await run(['demo', '--port', 'abc']);
  assert.equal(port.code, 1);
  assert.equal(port.stderr.trim(), 'minsheng: --port must be a number, got "abc"');
  const reset = await run(['demo', '--reset', '--db', 'postgres://nobody@127.0.0.1:1/none']);
  assert.equal(reset.code, 1);
  assert.match(reset.stderr, /--reset works only with a SQLite demo database/);
});
