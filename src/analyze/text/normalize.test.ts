import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize, normalizePost } from './normalize.ts';

const SAMPLES = [
  '沿港西路　夜间施工，噪音扰民！！ＡＢＣ１２３',
  '  leading and trailing  ',
  'tabs\tand\nnew lines\r\n\u00a0nbsp\u2003em space\u200bzero width',
  '這個社區的電梯壞了三個月，物業說會處理',
  '简体中文，没有需要改的',
  '[心][怒]😭👍 emoji stay',
  '',
  '　',
];

test('normalising text that is already normalised changes nothing, so normalising twice equals once', () => {
  for (const s of SAMPLES) {
    const once = normalize(s);
    assert.equal(normalize(once), once, JSON.stringify(s));
    // interleaved with other texts (the analyzer normalises title and text, then the post)
    for (const other of SAMPLES) normalize(other);
    assert.equal(normalize(s), once);
  }
  assert.equal(normalize('ＡＢＣ　　ｄｅｆ'), 'ABC def');
  assert.equal(normalize('這個社區'), '这个社区');
  assert.equal(normalizePost({ title: '路灯坏了', text: '路灯坏了一个月' }), '路灯坏了一个月');
  assert.equal(normalizePost({ title: 'ＡＢ', text: '正文' }), 'AB\n正文');
});

// The normalisation as first written (a scan for what needs doing, then a rewrite): the reference.
function referenceNormalize(text: string, toSimplified: (s: string) => string): string {
  if (!text) return '';
  const plain = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  const odd = (c: number) => c === 0x3000 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0xfeff;
  const trad = (c: number) => c >= 0x3400 && c <= 0xfaff && toSimplified(String.fromCharCode(c)) !== String.fromCharCode(c);
  let width = false;
  let space = false;
  let hasTrad = false;
  let prevSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      const sp = plain(c);
      if (sp && (prevSpace || c !== 0x20)) space = true;
      prevSpace = sp;
      continue;
    }
    prevSpace = false;
    if (c >= 0xff01 && c <= 0xff5e) width = true;
    else if (odd(c)) space = true;
    else if (!hasTrad && trad(c)) hasTrad = true;
  }
  if (prevSpace) space = true;
  let out = text;
  if (width || space) {
    let s = '';
    let pending = false;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (plain(c) || odd(c)) {
        pending = s.length > 0;
        continue;
      }
      if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
      if (pending) {
        s += ' ';
        pending = false;
      }
      s += String.fromCharCode(c);
    }
    out = s;
  }
  return hasTrad ? toSimplified(out) : out;
}

test('one pass normalises exactly as a scan followed by a rewrite, for any mix of widths, spaces and scripts', async () => {
  const OpenCC = await import('opencc-js');
  const convert = OpenCC.Converter({ from: 't', to: 'cn' });
  const toSimplified = (s: string) => String(convert(s));
  const pieces = [' ', '  ', '\t', '\n', '\r\n', '\u3000', '\u00a0', '\u200b', '\u2003', '\ufeff', 'Ａ', '１', '！', '，', 'a', 'Z', '9', '中', '這', '個', '电', '😭', '[心]', '.', 'x'];
  let seed = 3;
  const r = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let k = 0; k < 3000; k++) {
    let s = '';
    const n = Math.floor(r() * 12);
    for (let i = 0; i < n; i++) s += pieces[Math.floor(r() * pieces.length)];
    assert.equal(normalize(s), referenceNormalize(s, toSimplified), JSON.stringify(s));
  }
  const same = '沿港西路的施工进度太慢了。';
  assert.equal(normalize(same), same);
});
