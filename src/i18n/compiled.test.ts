import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogue, t } from './index.ts';
import { compileMessage } from './compiled.ts';

test('a compiled message reads exactly like t() for every catalogue entry, with and without values', () => {
  const vars = { score: -0.8, detail: '浏览 5', name: '两会', terms: '拆迁、补偿', kind: '社会热点', rule: '夜间施工', level: '重大', count: 3, p: '72%' };
  for (const key of Object.keys(catalogue())) {
    assert.equal(compileMessage(key)(vars), t(key, vars), key);
    assert.equal(compileMessage(key)(), t(key), key);
    assert.equal(compileMessage(key)({ score: '{level}' }), t(key, { score: '{level}' }), key);
  }
  assert.equal(compileMessage('no.such.key')(), t('no.such.key'));
});
