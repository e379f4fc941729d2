import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkCycles, importGraph } from '../../scripts/check-cycles.mjs';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** A throwaway source tree: path → text. */
function tree(files: Record<string, string>): { root: string; [Symbol.dispose](): void } {
  const root = mkdtempSync(join(tmpdir(), 'minsheng-cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}

describe('import cycles', () => {
  test('src/ has none (static or dynamic imports; type-only imports do not count)', () => {
    const cycles = checkCycles(src);
    assert.deepEqual(cycles.map((c) => c.cycle.join(' → ')), []);
  });

  test('the check finds a cycle closed by a static import, a dynamic import() or a re-export', () => {
    for (const closing of ["import { a } from '../a.ts';", "export async function later() { return (await import('../a.ts')).a; }", "export { a } from '../a.ts';"]) {
      using t = tree({
        'a.ts': "import { b } from './stage/b.ts';\nexport const a = b + 1;\n",
        'stage/b.ts': "import { c } from './c.ts';\nexport const b = c;\n",
        'stage/c.ts': `${closing}\nexport const c = 1;\n`,
        'leaf.ts': "import { a } from './a.ts';\nexport const leaf = a;\n",
      });
      const cycles = checkCycles(t.root);
      assert.equal(cycles.length, 1, closing);
      assert.deepEqual(cycles[0].files, ['a.ts', 'stage/b.ts', 'stage/c.ts']);
      assert.deepEqual(cycles[0].cycle, ['a.ts', 'stage/b.ts', 'stage/c.ts', 'a.ts']);
    }
  });

  test('type-only imports do not make a cycle; a module importing itself does', () => {
    {
      using t = tree({
        'a.ts': "import { b } from './b.ts';\nexport interface A { n: number }\nexport const a = b;\n",
        'b.ts': "import type { A } from './a.ts';\nimport { type A as A2 } from './a.ts';\nexport type { A } from './a.ts';\nexport const b: A | A2 | null = null;\n",
      });
      assert.deepEqual(checkCycles(t.root), []);
    }
    {
      using t = tree({ 'self.ts': "export const x = 1;\nexport const y = async () => (await import('./self.ts')).x;\n" });
      assert.deepEqual(checkCycles(t.root).map((c) => c.cycle), [['self.ts', 'self.ts']]);
    }
  });
});

/** Which way the stages may reach: the spine (src/pipeline) wires them; they do not reach forward. */
describe('stage directions', () => {
  const graph = importGraph(src);
  const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from: relative(src, from), to: relative(src, to) })));
  const room = (path: string) => path.split('/')[0];

  test('collect imports nothing from analyze, alert, cases (reads back, named here)', () => {
    const allowed = new Set([
      // The outbox is how any stage tells people: a source that keeps failing tells the office.
      'collect/health.ts → alert/outbox.ts',
      // Post search reads what analysis stored (posts.segmented): the query is cut by the same segmenter.
      'collect/search.ts → analyze/language.ts',
      // A post is shown with its stored analysis: the column's schema is the analysis contract (pure data).
      'collect/posts.ts → analyze/types.ts',
      // …and its sentiment label column is declared in the answer with the analysis's words (pure data).
      'collect/posts.ts → analyze/vocabulary.ts',
    ]);
    const forward = edges.filter((e) => room(e.from) === 'collect' && ['analyze', 'alert', 'cases'].includes(room(e.to))).map((e) => `${e.from} → ${e.to}`);
    assert.deepEqual(forward.filter((e) => !allowed.has(e)), []);
  });

  test('analyze, alert and cases do not load the pipeline (its contracts are imported as types)', () => {
    const back = edges.filter((e) => ['analyze', 'alert', 'cases'].includes(room(e.from)) && room(e.to) === 'pipeline');
    assert.deepEqual(back, []);
  });

  test('jobs/ is queue infrastructure: only its two registries name the stages', () => {
    const registries = new Set(['jobs/definitions.ts', 'jobs/tasks.ts']);
    const infra = new Set(['jobs', 'db', 'context.ts', 'config.ts', 'log.ts']);
    const reaching = edges.filter((e) => room(e.from) === 'jobs' && !registries.has(e.from) && !infra.has(room(e.to)));
    assert.deepEqual(reaching, []);
  });
});
