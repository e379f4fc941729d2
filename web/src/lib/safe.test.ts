import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlightRuns, safeHref } from './safe.ts';

test('only http and https links are made clickable', () => {
  assert.equal(safeHref('https://bbs.example.gov.cn/thread-1-1-1.html'), 'https://bbs.example.gov.cn/thread-1-1-1.html');
  assert.equal(safeHref('http://example.com/a?b=1'), 'http://example.com/a?b=1');
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref(' JavaScript:alert(1)'), null);
  assert.equal(safeHref('data:text/html,<script>alert(1)</script>'), null);
  assert.equal(safeHref('vbscript:msgbox'), null);
  assert.equal(safeHref('/relative/path'), null);
  assert.equal(safeHref(''), null);
  assert.equal(safeHref(null), null);
});

test('highlighting splits text into runs without producing markup', () => {
  assert.deepEqual(highlightRuns('建设路施工太慢，建设路堵车', ['建设路']), [
    { text: '建设路', hit: true },
    { text: '施工太慢，', hit: false },
    { text: '建设路', hit: true },
    { text: '堵车', hit: false },
  ]);
  // The longer term wins where terms overlap; regex characters in terms are literal.
  assert.deepEqual(highlightRuns('延期交房(锦绣华庭)', ['延期', '延期交房', '(锦绣']).map((r) => r.text), ['延期交房', '(锦绣', '华庭)']);
  assert.deepEqual(highlightRuns('<script>x</script>', ['script']).map((r) => r.hit), [false, true, false, true, false]);
  assert.deepEqual(highlightRuns('无关内容', []), [{ text: '无关内容', hit: false }]);
});

test('server match ranges become marked runs, overlapping or out-of-range ones clipped', async () => {
  const { rangeRuns } = await import('./safe.ts');
  assert.deepEqual(rangeRuns('锦绣华庭延期交房', [[4, 8]]), [
    { text: '锦绣华庭', hit: false },
    { text: '延期交房', hit: true },
  ]);
  assert.deepEqual(rangeRuns('abcdef', [[3, 5], [0, 2], [1, 4]]).map((r) => `${r.hit ? '[' : ''}${r.text}${r.hit ? ']' : ''}`).join(''), '[ab][cd][e]f');
  assert.deepEqual(rangeRuns('abc', [[2, 99]]), [
    { text: 'ab', hit: false },
    { text: 'c', hit: true },
  ]);
  assert.deepEqual(rangeRuns('abc', []), [{ text: 'abc', hit: false }]);
});
