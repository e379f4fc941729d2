import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchRules, type CompiledRule } from '../../src/analyze/rules/compiled.ts';
import { normalize } from '../../src/analyze/language.ts';
import { prepareDoc, RuleMatcher, type Hit } from '../../src/analyze/rules/matcher.ts';
import { highlights } from '../../src/analyze/rules/try-rule.ts';

const post = {
  title: '沿港西路施工噪音扰民',
  text: '沿港西路晚上十一点还在施工，噪音太大，投诉无门。物业说不归他们管。',
  author: '老街坊',
  source: '县论坛',
};

function match(expr: string, p: Partial<typeof post> = post): Hit[] | null {
  return new RuleMatcher(expr, normalize).match(prepareDoc(p, normalize));
}

const at = (hits: Hit[] | null) => (hits ?? []).map((h) => `${h.field}:${h.term}@${h.offset}`);

describe('watch-rule expressions: matching', () => {
  test('each match reports the term, the field and the offset in the normalised field', () => {
    const hits = match('沿港西路 噪音');
    assert.deepEqual(at(hits), ['title:沿港西路@0', 'title:噪音@6', 'text:沿港西路@0', 'text:噪音@14']);
    assert.equal(hits![0].length, 4);
  });

  test('AND needs every side, OR any side, NOT none', () => {
    assert.ok(match('施工 AND 噪音'));
    assert.equal(match('施工 AND 拆迁'), null);
    assert.ok(match('拆迁 OR 噪音'));
    assert.equal(match('拆迁 OR 征收'), null);
    assert.ok(match('施工 -拆迁'));
    assert.equal(match('施工 -物业'), null);
    assert.deepEqual(at(match('拆迁 OR 扰民')), ['title:扰民@8']);
  });

  test('field scope limits where a term may match', () => {
    assert.deepEqual(at(match('title:扰民')), ['title:扰民@8']);
    assert.equal(match('text:扰民'), null);
    assert.ok(match('author:老街坊 施工'));
    assert.equal(match('author:施工'), null);
    assert.ok(match('source:县论坛 噪音'));
    assert.equal(match('source:政务留言板 噪音'), null);
    // unscoped terms look at title and text, never author or source
    assert.equal(match('老街坊'), null);
  });

  test('NEAR/n: at most n characters between the two, in either order, within one field', () => {
    // "施工" ends at 13 and "噪音" starts at 14 in the text: one character (，) between them
    assert.ok(match('施工 NEAR/1 噪音'));
    assert.ok(match('噪音 NEAR/1 施工'));
    // "沿港西路" (0–4) and "投诉无门" (text offset 19): 15 characters between
    assert.equal(match('沿港西路 NEAR/14 投诉无门'), null);
    assert.deepEqual(at(match('text:沿港西路 NEAR/15 投诉无门')), ['text:沿港西路@0', 'text:投诉无门@19']);
    // title has "沿港西路" and "扰民", the text "投诉无门": different fields never pair
    assert.equal(match('扰民 NEAR/200 投诉无门'), null);
    assert.ok(match('(拆迁 OR 施工) NEAR/3 噪音'));
  });

  test('matching ignores width, case and traditional/simplified form', () => {
    assert.ok(match('沿港西路', { title: '', text: '沿港西路施工' }));
    assert.ok(match('噪音', { title: '', text: '沿港西路施工噪音擾民' }));
    assert.ok(match('扰民', { title: '', text: '施工噪音擾民' }), 'traditional text, simplified rule');
    assert.ok(match('擾民', { title: '', text: '施工噪音扰民' }), 'simplified text, traditional rule');
    assert.ok(match('wifi', { title: '', text: '小区ＷｉＦｉ信号差' }));
    assert.ok(match('"G20 峰会"', { title: '', text: 'g20  峰会期间' }));
  });

  test('a phrase must appear as written', () => {
    assert.ok(match('"施工，噪音"'));
    assert.equal(match('"噪音 施工"'), null);
  });

  test('rules limited to sources match only posts from those sources', () => {
    const rule = (name: string, expr: string, sources: string[]): CompiledRule => ({
      id: null,
      name,
      matcher: new RuleMatcher(expr, normalize),
      sources,
      department: 'jsk',
      departmentId: null,
      minLevel: 'yellow',
    });
    const rules = [rule('论坛施工', '施工', ['县论坛']), rule('留言板施工', '施工', ['留言板']), rule('所有噪音', '噪音', [])];
    const doc = prepareDoc(post, normalize);
    const found = matchRules(rules, doc, '县论坛');
    assert.deepEqual(found.map((m) => m.rule), ['论坛施工', '所有噪音']);
    assert.equal(found[0].department, 'jsk');
    assert.equal(found[0].minLevel, 'yellow');
    assert.deepEqual(matchRules(rules, doc, null).map((m) => m.rule), ['所有噪音']);
  });

  test('highlights are merged ranges over the normalised text', () => {
    const hits = match('沿港 OR 沿港西路 OR 噪音')!;
    const h = highlights({ title: normalize(post.title), text: normalize(post.text), author: '', source: '' }, hits);
    assert.deepEqual(h.title!.ranges, [
      [0, 4],
      [6, 8],
    ]);
    assert.equal(h.title!.text.slice(0, 4), '沿港西路');
  });
});
