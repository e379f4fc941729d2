import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { SAME_MATTER } from './helpers.ts';

/** In this process; test/foundation/cli-process.test.ts pipes posts through the real binary and its bundle. */
const run = (args: string[], stdin?: string) => runCli(args, { stdin });

const lines = (s: string) => s.split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('minsheng analyze (JSONL in, JSONL out)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-analyze-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('creates the workspace when --db names a new file; one result per good line; a malformed line is reported by number', async () => {
    const dbPath = join(dir, 'new.db');
    assert.equal(existsSync(dbPath), false);
    const input = [
      JSON.stringify({ id: 'a1', title: '沿港西路夜间施工', text: '沿港西路工地夜里打桩，噪音扰民，投诉无门，没人管！', source: '县论坛', published_at: '2026-11-20T14:00:00Z', metrics: { views: 3000, replies: 80 } }),
      '{"id": "broken", "text": ',
      JSON.stringify({ id: 7, text: '城北公园的樱花开了，欢迎市民周末来赏花。' }),
      JSON.stringify({ id: 8, text: 42 }),
      '',
      JSON.stringify({ text: '没有编号的帖子也有结果' }),
    ].join('\n');
    const r = await run(['analyze', '--db', dbPath], `${input}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(dbPath));
    const out = lines(r.stdout);
    assert.deepEqual(out.map((o) => o.id), ['a1', 7, null]);
    assert.match(r.stderr, /^line 2: invalid JSON/m);
    assert.match(r.stderr, /^line 4: "text" must be a string$/m);
    const first = out[0];
    for (const key of ['id', 'sentiment', 'appeal', 'emotion', 'topic', 'department', 'risk', 'keywords', 'rules', 'event', 'abuse']) assert.ok(key in first, key);
    assert.equal(first.sentiment.label, 'negative');
    // 投诉无门、没人管: a complaint, angry at what it complains of; the invitation to come and see the blossom is neither
    assert.deepEqual([first.appeal.label, first.emotion.label], ['complaint', 'angry']);
    assert.equal(typeof first.appeal.score, 'number');
    assert.notEqual(out[1].appeal.label, 'complaint');
    assert.equal(typeof first.sentiment.score, 'number');
    assert.ok(['blue', 'yellow', 'orange', 'red'].includes(first.risk.level));
    assert.ok(first.risk.reasons.length > 0);
    assert.ok(Array.isArray(first.keywords));
    assert.equal(out[1].sentiment.label === 'negative', false);
  });

  test("uses the workspace's watch rules and departments, and links events across the stream", async () => {
    const dbPath = join(dir, 'ws.db');
    const ws = join(dir, 'ws.yaml');
    writeFileSync(
      ws,
      `departments:
  - { code: jsk, name: 建设科 }
watch_rules:
  - name: 夜间施工
    expression: '(施工 OR 打桩) NEAR/10 (噪音 OR 扰民) -广告'
    department: jsk
    min_level: orange
`,
    );
    const applied = await run(['workspace', 'apply', ws, '--db', dbPath]);
    assert.equal(applied.code, 0, applied.stderr);
    const posts = [
      { id: 1, text: '沿港西路工地夜里打桩，噪音扰民，投诉无门！', published_at: '2026-11-20T14:00:00Z' },
      { id: 2, text: SAME_MATTER[0], published_at: '2026-11-20T14:10:00Z' },
      { id: 3, text: SAME_MATTER[1], published_at: '2026-11-20T14:20:00Z' },
    ];
    const r = await run(['analyze', '--db', dbPath], posts.map((p) => JSON.stringify(p)).join('\n'));
    assert.equal(r.code, 0, r.stderr);
    const [a, b, c] = lines(r.stdout);
    assert.equal(a.rules[0].rule, '夜间施工');
    assert.deepEqual(
      a.rules[0].hits.map((h: { term: string; field: string; offset: number }) => `${h.field}:${h.term}@${h.offset}`),
      ['text:打桩@8', 'text:噪音@11', 'text:扰民@13'],
    );
    assert.equal(a.department, 'jsk');
    assert.equal(a.risk.level, 'orange');
    assert.ok(a.risk.reasons.includes('监测规则“夜间施工”要求至少为“重大”'));
    assert.deepEqual(b.rules, []);
    assert.equal(b.event, c.event, 'the same matter is one event');
    assert.notEqual(a.event, b.event);
  });

  test('worker threads give the same results, in input order, as one thread', async () => {
    const dbPath = join(dir, 'ws.db');
    const posts = [];
    for (let i = 0; i < 400; i++) {
      const text = i % 3 === 0 ? SAME_MATTER[i % SAME_MATTER.length] : i % 3 === 1 ? `第${i}号：城北公园的樱花开了，欢迎市民周末来赏花。` : `沿港西路工地夜里打桩，噪音扰民，第${i}次投诉！`;
      posts.push(JSON.stringify({ id: i, text, published_at: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString() }));
    }
    posts.splice(123, 0, '{oops');
    const input = posts.join('\n');
    const one = await run(['analyze', '--workers', '0', '--db', dbPath], input);
    const three = await run(['analyze', '--workers', '3', '--db', dbPath], input);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(three.code, 0, three.stderr);
    assert.equal(three.stdout, one.stdout);
    assert.equal(lines(three.stdout).length, 400);
    assert.match(three.stderr, /^line 124: invalid JSON/m);
    assert.notEqual((await run(['analyze', '--workers', 'many', '--db', dbPath], '')).code, 0);
  });

  test('a reading thread (the default on two cores) gives the same output as one thread', async () => {
    const dbPath = join(dir, 'ws.db');
    const posts = [];
    for (let i = 0; i < 300; i++) {
      const text = i % 3 === 0 ? SAME_MATTER[i % SAME_MATTER.length] : i % 3 === 1 ? `第${i}号：這個社區的電梯壞了，物業說會處理！😭` : `沿港西路工地夜里打桩，噪音扰民，第${i}次投诉！`;
      posts.push(JSON.stringify({ id: i, title: i % 2 ? '' : `反映${i}`, text, published_at: new Date(Date.UTC(2026, 10, 20, 0, i)).toISOString() }));
    }
    posts.splice(77, 0, '{oops', '');
    const input = `${posts.join('\r\n')}\n`;
    const reference = await run(['analyze', '--workers', '0', '--db', dbPath], input);
    assert.equal(reference.code, 0, reference.stderr);
    assert.equal(lines(reference.stdout).length, 300);
    assert.match(reference.stderr, /^line 78: invalid JSON/m);
    const piped = await run(['analyze', '--workers', '1', '--db', dbPath], input);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, reference.stdout);
    assert.equal(piped.stderr, reference.stderr);
    // a workspace that cannot be opened: one line and a non-zero exit (cli-process.test.ts: nor does the thread keep the process alive)
    const bad = await run(['analyze', '--workers', '1', '--db', dir], input);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^minsheng: cannot open SQLite database/m);
  });

  test('--help describes the contract', async () => {
    const r = await run(['analyze', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /JSONL/);
    assert.match(r.stdout, /--db/);
  });
});
