import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { jsonColumn, readJson, setJsonLogger, StoredJsonError } from './values.ts';

const ids = jsonColumn('test.ids', z.array(z.number().int()));

function capture<T>(fn: () => T): { value: T; warnings: { column: string; problem: string }[] } {
  const warnings: { column: string; problem: string }[] = [];
  const previous = setJsonLogger({ warn: ((obj: { column: string; problem: string }) => void warnings.push(obj)) as never });
  try {
    return { value: fn(), warnings };
  } finally {
    setJsonLogger(previous);
  }
}

test('readJson gives the stored value when it matches the column, the fallback silently when nothing is stored', () => {
  const r = capture(() => [readJson(ids, '[1,2,3]', []), readJson(ids, null, []), readJson(ids, '', null), readJson(ids, undefined, [7])]);
  assert.deepEqual(r.value, [[1, 2, 3], [], null, [7]]);
  assert.deepEqual(r.warnings, []);
});

test('a stored value that does not match gives the fallback and a warning naming the column and the problem', () => {
  const r = capture(() => [readJson(ids, '["a"]', []), readJson(ids, '{"x":1}', null), readJson(ids, 'not json', [0])]);
  assert.deepEqual(r.value, [[], null, [0]]);
  assert.equal(r.warnings.length, 3);
  assert.ok(r.warnings.every((w) => w.column === 'test.ids'));
  assert.match(r.warnings[0].problem, /^0: /);
  assert.match(r.warnings[2].problem, /not JSON/);
});

test('strict reading throws a clear error instead of passing a bad value on', () => {
  const r = capture(() => assert.throws(() => readJson(ids, '[1.5]', [], { strict: true }), (e: unknown) => e instanceof StoredJsonError && e instanceof AppError && /test\.ids/.test(e.message) && e.userMessage.includes('test.ids')));
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(readJson(ids, '[4]', [], { strict: true }), [4]);
});

test('the schema shapes what is read (defaults filled in)', () => {
  const col = jsonColumn('test.settings', z.object({ n: z.number().default(5) }));
  assert.deepEqual(readJson(col, '{}', { n: 0 }), { n: 5 });
});
