import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize, normalizePost } from './text.ts';

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
