import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { EXTERNAL_LEXICON_FEATURES, LEXICON_FEATURES } from '../../src/analyze/learn/features.ts';
import { deserialize, predict, serialize } from '../../src/analyze/learn/linear.ts';
import { trainModel } from '../../src/analyze/learn/train.ts';
import { externalLexicon } from '../../src/analyze/sentiment/external-lexicon.ts';
import { normalizePost } from '../../src/analyze/text/normalize.ts';

const base = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} });
const cut = (text: string) => {
  const normalized = normalizePost({ text });
  return { normalized, tokens: base.segmenter.cut(normalized) };
};
const externalOf = (text: string) => {
  const { normalized, tokens } = cut(text);
  return base.features(normalized, tokens, externalLexicon()).lexicon.slice(LEXICON_FEATURES, LEXICON_FEATURES + EXTERNAL_LEXICON_FEATURES);
};

// Labels that never use the words tested below; 悲愤, 恬静 and 愉悦 are unknown to the built-in lexicon.
const LABELS = [
  ...['倒霉透了', '真是坑人', '太闹心了', '让人心寒', '又在扯皮推诿', '敷衍了事', '办事拖拉没人管', '气死人了'].map((text) => ({ text, label: 'negative' })),
  ...['暖心的服务', '贴心周到', '点赞工作人员', '感谢帮忙', '办得真好', '非常满意'].map((text) => ({ text, label: 'positive' })),
  ...['下午三点开会', '明天报名截止', '本周五发布通知', '会议地点在三楼', '请带身份证', '周末正常上班'].map((text) => ({ text, label: 'neutral' })),
];

describe('external sentiment lexicons', () => {
  afterEach(() => {
    delete process.env.MINSHENG_EXTERNAL_LEXICON;
  });

  test('are installed with the platform and know social-media words the built-in lexicon lacks', () => {
    const lex = externalLexicon();
    assert.ok(lex, 'the @cycjimmy/chinese-sentiment package is a dependency');
    assert.ok(lex.size > 100_000, `${lex.size} words`);
    const angry = externalOf('这事真让人悲愤');
    assert.ok(angry[0] < -0.3, `BosonNLP sum for 悲愤: ${angry[0]}`);
    const pleased = externalOf('环境恬静愉悦');
    assert.ok(pleased[0] > 0.2, `BosonNLP sum for 恬静: ${pleased[0]}`);
    assert.equal(externalOf('').every((v) => v === 0), true);
  });

  test('a negation flips the polarity of the words after it, within the clause', () => {
    assert.ok(externalOf('很开心')[0] > 0);
    assert.ok(externalOf('不是很开心')[0] < 0);
    assert.ok(externalOf('不是，很开心')[0] > 0, 'a comma ends the negation');
  });

  test('a mention names a person, not a feeling: its words are not read', () => {
    assert.deepEqual(Array.from(externalOf('@快乐小熊: 明天开会')), Array.from(externalOf('@小熊: 明天开会')));
    assert.ok(externalOf('真快乐')[0] > 0);
  });

  test('DUTIR emotion classes and HowNet evaluation words are counted', () => {
    const f = externalOf('愤怒');
    // features 6..12: 乐 好 怒 哀 惧 恶 惊
    assert.ok(f[6 + 2] > 0, '怒');
    assert.equal(f[6 + 0], 0, '乐');
    const h = externalOf('美丽');
    assert.ok(h[13] > 0 && h[14] === 0, 'HowNet positive only');
  });

  test('a learned sentiment model uses them, reads an unlabelled word by its published polarity, and survives storage', () => {
    const model = trainModel('sentiment', base, LABELS)!;
    assert.equal(model.features.externalLexicon, true);
    const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: { sentiment: deserialize(serialize(model)) } });
    const angry = analyzer.analyze({ text: '这事真让人悲愤' }).sentiment;
    assert.equal(angry.label, 'negative');
    // the reason names the word that the lexicon knows
    assert.ok(angry.reasons.includes('情感词典负面词：悲愤'), angry.reasons.join(' | '));
    const pleased = analyzer.analyze({ text: '环境恬静愉悦' }).sentiment;
    assert.equal(pleased.label, 'positive');
    assert.ok(pleased.reasons.some((r) => r.startsWith('情感词典正面词：') && r.includes('愉悦')), pleased.reasons.join(' | '));
    // words the built-in lexicon already names are not named twice; a negated word is not named
    const named = analyzer.analyze({ text: '又在扯皮推诿，真让人悲愤' }).sentiment.reasons;
    assert.ok(!named.some((r) => r.startsWith('情感词典') && r.includes('推诿')), named.join(' | '));
    assert.ok(!analyzer.analyze({ text: '一点也不愉悦' }).sentiment.reasons.some((r) => r.includes('愉悦') && r.startsWith('情感词典正面词')));

    process.env.MINSHENG_EXTERNAL_LEXICON = '0';
    const without = trainModel('sentiment', base, LABELS)!;
    assert.equal(without.features.externalLexicon, undefined);
    const pNegative = (m: typeof model, text: string) => {
      const { normalized, tokens } = cut(text);
      const p = predict(m, base.features(normalized, tokens, m.features.externalLexicon ? externalLexicon() ?? null : null));
      return p.probs[m.classes.indexOf('negative')];
    };
    delete process.env.MINSHENG_EXTERNAL_LEXICON;
    assert.ok(pNegative(model, '这事真让人悲愤') > pNegative(without, '这事真让人悲愤') + 0.1, 'the lexicon moves an unseen word');
  });

  test('a model trained without them (stored before they existed, or turned off) keeps predicting the same', () => {
    process.env.MINSHENG_EXTERNAL_LEXICON = 'off';
    assert.equal(externalLexicon(), null);
    const old = trainModel('sentiment', base, LABELS)!;
    const stored = serialize(old);
    assert.equal(stored.features.externalLexicon, undefined);
    delete process.env.MINSHENG_EXTERNAL_LEXICON;
    const reloaded = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: { sentiment: deserialize(stored) } });
    const direct = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: { sentiment: old } });
    for (const text of ['这事真让人悲愤', '暖心的服务', '下午开会']) assert.deepEqual(reloaded.analyze({ text }).sentiment, direct.analyze({ text }).sentiment);
  });

  test('turned off after a model learned with them, analysis still answers (their features read as zero)', () => {
    const model = trainModel('sentiment', base, LABELS)!;
    process.env.MINSHENG_EXTERNAL_LEXICON = '0';
    const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy: [], models: { sentiment: model } });
    const r = analyzer.analyze({ text: '又在扯皮推诿' });
    assert.equal(r.sentiment.label, 'negative');
    assert.ok(Number.isFinite(r.sentiment.score));
  });
});
