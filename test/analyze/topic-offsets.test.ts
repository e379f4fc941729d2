import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { predict } from '../../src/analyze/learn/linear.ts';
import { trainModel } from '../../src/analyze/learn/train.ts';
import { hashToken } from '../../src/analyze/learn/features.ts';

// Invented topics: 供暖 is tight (every example says 暖气不热), 物业 is broad (each example its own matter).
const TIGHT = ['暖气不热', '暖气不热家里很冷', '暖气片不热', '小区暖气不热', '暖气温度不够不热', '暖气一直不热'];
const BROAD = ['物业乱收费', '电梯经常坏', '小区门禁坏了', '楼道堆放杂物', '绿化带被占', '保安态度差', '垃圾没人清理', '车位被占'];

describe('learned topic class offsets', () => {
  const taxonomy = ['供暖', '物业'].map((path) => ({ path, keywords: [], department: null }));
  const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
  const items = [...TIGHT.map((text) => ({ text, label: '供暖' })), ...BROAD.map((text) => ({ text, label: '物业' }))];
  const model = trainModel('topic', base, items);
  const probs = (text: string) => {
    assert.ok(model);
    const pr = predict(model, base.features(text, base.segmenter.cut(text)));
    return Object.fromEntries(model.classes.map((c, k) => [c, pr.probs[k]]));
  };

  test('a text only loosely like a tight class goes to the broad class it also resembles', () => {
    // Without offsets the shared 暖气 outweighs 物业 (供暖 0.99; 物业 0.70 with them).
    assert.ok(probs('小区暖气管道漏水物业不管')['物业'] > 0.6);
    assert.ok(probs('暖气管道漏水')['供暖'] > 0.9);
  });

  test('a text like no class keeps equal scores', () => {
    assert.equal(probs('湿地候鸟')['供暖'], 0.5);
  });
});

describe('learned topic term weights', () => {
  test('a word whose examples gather in one class weighs more than one as common spread over all', () => {
    // 物业 and 反映 are each in four examples: 物业 all in one class, 反映 two in each.
    const items = [
      { text: '反映物业乱收费', label: '物业' },
      { text: '反映物业不管电梯', label: '物业' },
      { text: '物业保安态度差', label: '物业' },
      { text: '物业不修路灯', label: '物业' },
      { text: '反映暖气不热', label: '供暖' },
      { text: '反映暖气片漏水', label: '供暖' },
      { text: '家里暖气温度低', label: '供暖' },
      { text: '供暖公司不接电话', label: '供暖' },
    ];
    const taxonomy = ['供暖', '物业'].map((path) => ({ path, keywords: [], department: null }));
    const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
    const model = trainModel('topic', base, items);
    assert.ok(model?.idf);
    const weight = (word: string) => model.idf![hashToken(word) & ((1 << model.bits) - 1)];
    assert.ok(weight('物业') > 1.5 * weight('反映'), `物业 ${weight('物业')} vs 反映 ${weight('反映')}`);
    // A word of no example keeps its plain IDF (it still counts in a text's length).
    assert.ok(Math.abs(weight('湿地') - Math.log(items.length + 1)) < 1e-6);
  });
});
