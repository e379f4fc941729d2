import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { predict } from '../../src/analyze/learn/linear.ts';
import { trainModel } from '../../src/analyze/learn/train.ts';

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
    // Without offsets the shared 暖气 outweighs 物业 (供暖 0.98).
    assert.ok(probs('小区暖气管道漏水物业不管')['物业'] > 0.9);
    assert.ok(probs('暖气管道漏水')['供暖'] > 0.9);
  });

  test('a text like no class keeps equal scores', () => {
    assert.equal(probs('湿地候鸟')['供暖'], 0.5);
  });
});
