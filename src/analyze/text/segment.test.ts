import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropSpaces } from './segment.ts';

const reference = (raw: string[]) => (raw.some((t) => { const c = t.charCodeAt(0); return (c <= 0x20 || c === 0x3000 || c === 0xa0) && t.trim() === ''; }) ? raw.filter((t) => t.trim() !== '') : raw);

test('whitespace tokens are dropped exactly as trimming each token would, and a clean list comes back as it is', () => {
  const cases = [
    ['标题', '\n', '正文', '，', '内容'],
    ['a', ' ', ' ', 'b', '\u2003', 'c'],
    ['\u2003', '中文', '\u200b'],
    ['\u3000', '\u00a0', '\ufeff', 'x', '\u2028'],
    ['干净', '的', '词'],
    [],
  ];
  for (const raw of cases) {
    const got = dropSpaces(raw);
    assert.deepEqual(got, reference(raw), JSON.stringify(raw));
  }
  const clean = ['干净', '的', '词'];
  assert.equal(dropSpaces(clean), clean, 'no copy when nothing is dropped');
  assert.deepEqual(dropSpaces(['\u2003', '中文']), ['\u2003', '中文'], 'only a space, line break or ideographic space starts the dropping');
});
