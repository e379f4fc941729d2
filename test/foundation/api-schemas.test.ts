import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import type { Db } from '../../src/db/connect.ts';
import { droppedKeys, responseSerializerCompiler } from '../../src/server/responses.ts';
import { testDatabases } from '../helpers/db.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface Answer {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}
type Doc = { paths: Record<string, Record<string, { responses?: Record<string, Answer> }>> };

/**
 * Operations allowed to answer without a documented success schema, each with its reason. Empty:
 * every route declares what it answers (JSON with zod; files, pages and streams with their type).
 */
const UNDOCUMENTED = new Map<string, string>([]);

const SUCCESS = ['200', '201', '204'];

/** Why an operation's answers fall short, or null when its success and error answers are documented. */
function shortfall(responses: Record<string, Answer> | undefined): string | null {
  if (!responses) return 'no responses';
  const success = SUCCESS.filter((code) => responses[code]);
  if (!success.length) return 'no 200/201/204 answer';
  for (const code of success) {
    if (code === '204') continue;
    const content = Object.entries(responses[code]!.content ?? {});
    if (!content.length) return `${code} has no content`;
    for (const [type, { schema }] of content) {
      if (!schema || Object.keys(schema).length === 0) return `${code} ${type} has no schema`;
    }
  }
  const error = responses['4XX']?.content?.['application/json']?.schema as { properties?: Record<string, unknown> } | undefined;
  if (!error?.properties?.error) return 'no 4XX error schema';
  return null;
}

describe('API schemas', () => {
  let server: TestServer;
  let drop: () => Promise<void>;
  let doc: Doc;

  before(async () => {
    let db: Db;
    ({ db, drop } = await testDatabases[0]!.create());
    server = await startTestServer(db);
    doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Doc;
  });
  after(async () => {
    await server.close();
    await drop();
  });

  test('every operation documents its success answer with a schema, and the shared error answer', () => {
    const missing: string[] = [];
    let operations = 0;
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) {
        operations++;
        const key = `${method.toUpperCase()} ${path}`;
        const why = shortfall(op.responses);
        if (why && !UNDOCUMENTED.has(key)) missing.push(`${key}: ${why}`);
      }
    }
    assert.ok(operations > 100, `${operations} operations`);
    assert.deepEqual(missing, [], `operations without a documented answer:\n${missing.join('\n')}`);
    for (const key of UNDOCUMENTED.keys()) {
      const [method, path] = key.split(' ');
      assert.ok(doc.paths[path!]?.[method!.toLowerCase()], `listed exception ${key} is an operation`);
    }
  });

  test('the walk notices an operation without a success schema', () => {
    assert.equal(shortfall({ '4XX': { content: { 'application/json': { schema: { properties: { error: {} } } } } } }), 'no 200/201/204 answer');
    assert.equal(shortfall({ '200': { content: { 'application/json': { schema: {} } } } }), '200 application/json has no schema');
    assert.equal(shortfall({ '200': { content: { 'application/json': { schema: { type: 'object' } } } } }), 'no 4XX error schema');
  });

  test('files, pages and streams are declared with their content type', () => {
    const types = (path: string, method = 'get') => Object.keys(doc.paths[path]?.[method]?.responses?.['200']?.content ?? {});
    assert.deepEqual(types('/api/cases/export.xlsx'), ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    assert.deepEqual(types('/api/memos/{id}/docx'), ['application/vnd.openxmlformats-officedocument.wordprocessingml.document']);
    assert.ok(types('/api/workspace').includes('application/yaml'));
    assert.ok(types('/api/alerts/stream').includes('text/event-stream'));
    assert.ok(types('/api/alerts/{id}/ack-link').includes('text/html'));
  });

  test('under the test suite, an answer that loses a field to its schema is an error', () => {
    const schema = z.object({ id: z.number(), nested: z.object({ a: z.string() }) });
    const serialize = responseSerializerCompiler(true)({ schema, method: 'GET', url: '/api/x', httpStatus: '200' });
    assert.equal(serialize({ id: 1, nested: { a: 'x' } }), '{"id":1,"nested":{"a":"x"}}');
    const quiet = console.error;
    console.error = () => undefined;
    try {
      assert.throws(() => serialize({ id: 1, nested: { a: 'x', b: 2 }, extra: true }), /nested\.b, extra/);
    } finally {
      console.error = quiet;
    }
    const lenient = responseSerializerCompiler(false)({ schema, method: 'GET', url: '/api/x', httpStatus: '200' });
    assert.equal(lenient({ id: 1, nested: { a: 'x', b: 2 } }), '{"id":1,"nested":{"a":"x"}}');
    assert.deepEqual(droppedKeys([{ a: 1, b: undefined }], [{ a: 1 }]), []);
  });
});

/** The console takes its API types from the server as types only: no server code enters the bundle. */
test('the console imports server modules as types only (besides the message catalogue and the permission table)', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const allowed = new Set(['src/i18n/zh-CN/web.ts', 'src/auth/permissions.ts']);
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name)) files.push(p);
    }
  };
  walk(join(root, 'web/src'));
  const offending: string[] = [];
  let typeImports = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s+(type\s+)?[^;]*?from\s+'((?:\.\.\/)+src\/[^']+)'/g)) {
      const target = relative(root, join(file, '..', m[2]!));
      if (m[1]) typeImports++;
      else if (!allowed.has(target)) offending.push(`${relative(root, file)} → ${target}`);
    }
  }
  assert.deepEqual(offending, []);
  assert.ok(typeImports > 0, 'the console takes its API types from the server');
});
