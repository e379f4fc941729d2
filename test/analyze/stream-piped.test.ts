import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { composeAnalyzer, type AnalyzerParts } from '../../src/analyze/analyzer.ts';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { LineSplitter } from '../../src/analyze/stream/line-splitter.ts';
import { RuleMatcher } from '../../src/analyze/rules/matcher.ts';
import { compileSensitive, DEFAULT_SENSITIVE_TERMS } from '../../src/analyze/rules/sensitive.ts';
import { analyzeStreamPiped, startReadingThread } from '../../src/analyze/stream/piped.ts';
import { normalize } from '../../src/analyze/text/normalize.ts';
import { toActivePeriod } from '../../src/analyze/risk/periods.ts';
import { DEFAULT_TAXONOMY } from '../../src/analyze/topic/default-taxonomy.ts';
import { analyzeStream } from '../../src/cli/commands/analyze.ts';

/** Posts a county forum could hold, with the awkward cases of real input mixed in. */
function inputLines(count: number): string[] {
  const texts = [
    '沿港西路工地夜里打桩，噪音扰民，投诉无门，没人管！',
    '這個社區的電梯壞了三個月，物業說會處理卻一直沒人管',
    'ＡＢＣ物业　　收费太贵！！！[怒][怒]😭😭',
    '感谢住建局的帮助，路灯修好了👍，非常满意',
    '幸福花园交房一拖再拖，业主拉横幅维权，网传有人被打',
    'tabs\tand  spaces\u00a0and\u3000ideographic space 物业',
    `lone surrogate ${String.fromCharCode(0xd800)} inside 停水三天 ${String.fromCharCode(0xdc00)}`,
    '狗官！删前速看，转疯了',
  ];
  const lines: string[] = [];
  const start = Date.parse('2026-10-01T08:00:00Z');
  for (let i = 0; i < count; i++) {
    const post: Record<string, unknown> = { id: i % 9 === 0 ? `s${i}` : i, title: i % 4 === 0 ? '' : `第${i % 7}号反映`, text: `${texts[i % texts.length]}（${i % 13}）`, source: i % 3 ? '县论坛' : '政务留言板' };
    if (i % 5) post.published_at = new Date(start + i * 120_000).toISOString();
    if (i % 6 === 0) post.metrics = { views: i * 37, replies: i % 50 };
    if (i % 11 === 0) delete post.id;
    lines.push(JSON.stringify(post));
    if (i % 40 === 7) lines.push('{"id": 1, "text": ');
    if (i % 40 === 9) lines.push('');
    if (i % 40 === 11) lines.push(JSON.stringify({ id: 5, text: 42 }));
  }
  return lines;
}

function parts(): AnalyzerParts {
  return {
    language: createLanguageAnalyzer({ userWords: ['沿港西路', '幸福花园'], taxonomy: DEFAULT_TAXONOMY.map((d) => ({ ...d, department: null })), models: {} }),
    rules: [{ id: 1, name: '夜间施工', matcher: new RuleMatcher('(施工 OR 打桩) NEAR/10 (噪音 OR 扰民)', normalize), sources: [], department: 'jsk', departmentId: null, minLevel: 'orange' }],
    periods: [toActivePeriod({ name: '开盘专题', keywords: ['幸福花园'], starts_at: '2026-10-01T00:00:00.000Z', ends_at: '2026-10-02T00:00:00.000Z', boost: 1 }, normalize)],
    sensitive: compileSensitive(DEFAULT_SENSITIVE_TERMS, normalize),
    routing: { departments: new Map([['jsk', '建设科']]), topics: new Map() },
    names: new Set(['沿港西路', '幸福花园']),
  };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { stream, text: () => text };
}

/** The input in chunks of awkward sizes, cutting lines and multi-byte characters anywhere. */
function chunked(bytes: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    chunks.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(chunks);
}

async function runBoth(input: Buffer, sizes: number[]) {
  const one = { out: collect(), err: collect() };
  const oneStats = await analyzeStream(composeAnalyzer(parts(), { now: () => '2026-10-05T00:00:00.000Z' }), chunked(input, sizes), one.out.stream, one.err.stream);
  const two = { out: collect(), err: collect() };
  const twoStats = await analyzeStreamPiped(composeAnalyzer(parts(), { now: () => '2026-10-05T00:00:00.000Z' }), startReadingThread(), chunked(input, sizes), two.out.stream, two.err.stream);
  return { one: { out: one.out.text(), err: one.err.text(), stats: oneStats }, two: { out: two.out.text(), err: two.err.text(), stats: twoStats } };
}

describe('minsheng analyze over two threads (a reading thread cuts, this one analyses)', () => {
  test('gives exactly the results and the line-numbered errors of one thread, in input order', async () => {
    const input = Buffer.from(`${inputLines(600).join('\n')}\n`);
    const { one, two } = await runBoth(input, [65536, 7, 4096, 1, 333]);
    assert.equal(two.out, one.out);
    assert.equal(two.err, one.err);
    assert.deepEqual({ analysed: two.stats.analysed, malformed: two.stats.malformed }, { analysed: one.stats.analysed, malformed: one.stats.malformed });
    const results = one.out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(results.length, 600);
    assert.ok(results.some((r) => r.rules.length && r.department === 'jsk'), 'watch rules matched');
    assert.ok(results.some((r) => r.risk.reasons.some((x: string) => x.includes('开盘专题'))), 'watch period applied');
    assert.ok(new Set(results.map((r) => r.event)).size < 100, 'posts linked into events');
    assert.match(one.err, /^line 9: invalid JSON/m);
    assert.match(one.err, /"text" must be a string/);
  });

  test('handles CRLF and lone CR line endings, a last line without a newline, and empty input, like one thread', async () => {
    const lines = inputLines(40);
    const input = Buffer.from(lines.map((l, i) => l + (i % 3 === 0 ? '\r\n' : i % 3 === 1 ? '\r' : '\n')).join('').replace(/\n$/, ''));
    for (const sizes of [[1], [2, 3], [4096]]) {
      const { one, two } = await runBoth(input, sizes);
      assert.equal(two.out, one.out, `chunks ${sizes}`);
      assert.equal(two.err, one.err, `chunks ${sizes}`);
    }
    const empty = await runBoth(Buffer.alloc(0), [1]);
    assert.equal(empty.two.out, '');
    assert.equal(empty.one.out, '');
  });

  test('a reading thread that dies is reported, not waited for', async () => {
    const reader = startReadingThread();
    await reader.worker.terminate();
    const out = collect();
    await assert.rejects(analyzeStreamPiped(composeAnalyzer(parts()), reader, Readable.from([Buffer.from(`${inputLines(3).join('\n')}\n`)]), out.stream, collect().stream), /reading thread/);
  });
});

describe('line splitting in the reading thread', () => {
  test('splits exactly as readline does, wherever the chunks cut', async () => {
    const text = 'a\r\nb\rc\n\n\r\r\n中文😭\r\n最后一行';
    const bytes = Buffer.from(text);
    const want: string[] = [];
    for await (const line of createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity })) want.push(line);
    for (let size = 1; size <= bytes.length; size++) {
      const s = new LineSplitter();
      const got: string[] = [];
      for (let at = 0; at < bytes.length; at += size) got.push(...s.push(bytes.subarray(at, at + size)));
      got.push(...s.end());
      assert.deepEqual(got, want, `chunks of ${size} bytes`);
    }
  });
});
