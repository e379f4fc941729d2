import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLanguageAnalyzer } from '../language.ts';
import { trainModel } from '../learn/train.ts';
import { borrowedKeywords } from './decide.ts';
import type { TaxonomyTopic } from './taxonomy.ts';

// Invented messages: the words that separate the two classes here are not taxonomy keywords, so
// what the keywords add is visible on its own.
const LEARNED = [
  ...['东门那边每天晚上都这样', '东门附近晚上又开始了', '东门一带晚上没法休息', '东门晚上一直持续到半夜', '东门这个情况拖了半年'].map((text) => ({ text, label: '城乡建设' })),
  ...['孩子报名的事情一直没有回音', '孩子报名材料交了没有结果', '孩子报名流程太复杂', '孩子报名为什么要这么多证明', '孩子报名窗口总是排长队'].map((text) => ({ text, label: '教育文体' })),
];

/** A workspace that learned first-level topics from a file: its taxonomy has no keywords. */
const FIRST_LEVEL: TaxonomyTopic[] = [
  { path: '城乡建设', keywords: [], department: null },
  { path: '教育文体', keywords: [], department: 'edu' },
];

function analyzerWith(taxonomy: TaxonomyTopic[]) {
  const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
  const topic = trainModel('topic', base, LEARNED);
  assert.ok(topic, 'the topic model trains');
  return createLanguageAnalyzer({ userWords: [], taxonomy, models: { topic } });
}

describe('topic: keyword rules and the learned classifier together', () => {
  test('a learned first-level topic borrows the built-in keywords of its subtree', () => {
    const a = analyzerWith(FIRST_LEVEL);
    // Nothing learned speaks of property management; the default taxonomy files 物业 and 电梯 under 城乡建设.
    const r = a.analyze({ text: '小区物业不管电梯坏了' });
    assert.equal(r.topic, '城乡建设');
    assert.ok(r.topicReasons.some((x) => /分类常用词：.*物业/.test(x)), r.topicReasons.join(' | '));
    // A borrowed phrase joins the segmenter's dictionary, so it is found as one word.
    assert.ok(a.analyze({ text: '开发商说的延期交房到底什么时候' }).topicReasons.some((x) => x.includes('延期交房')));
    const s = a.analyze({ text: '学校招生划片不公平，老师也说不清楚' });
    assert.equal(s.topic, '教育文体');
    assert.equal(s.topicDepartment, 'edu', 'the owner department of the decided topic');
  });

  test('a workspace topic with keywords of its own borrows none', () => {
    assert.equal(borrowedKeywords([{ path: '城乡建设', keywords: ['东门'], department: null }, { path: '教育文体', keywords: [], department: null }]).has('城乡建设'), false);
    const own = borrowedKeywords([{ path: '城乡建设', keywords: [], department: null }, { path: '城乡建设/物业管理', keywords: ['物业'], department: null }]);
    assert.equal(own.size, 0, 'a keyword anywhere in the subtree is the workspace speaking for itself');
    assert.ok(borrowedKeywords(FIRST_LEVEL).get('教育文体')?.includes('学校'));
    assert.equal(borrowedKeywords([{ path: '校园周边', keywords: [], department: null }]).size, 0, 'a path the default taxonomy does not have borrows nothing');
  });

  test('the learned words still decide when no keyword speaks', () => {
    const a = analyzerWith(FIRST_LEVEL);
    assert.equal(a.analyze({ text: '孩子报名到底要等多久' }).topic, '教育文体');
    assert.equal(a.analyze({ text: '东门晚上又这样了' }).topic, '城乡建设');
  });

  test("a keyword rule inside a learned class gives the deeper topic; one outside every learned class stands", () => {
    const taxonomy: TaxonomyTopic[] = [
      ...FIRST_LEVEL,
      { path: '城乡建设/物业管理', keywords: ['物业'], department: 'housing' },
      { path: '政法/治安管理', keywords: ['派出所'], department: 'police' },
    ];
    const a = analyzerWith(taxonomy);
    const inside = a.analyze({ text: '东门小区物业不作为' });
    assert.equal(inside.topic, '城乡建设/物业管理');
    assert.equal(inside.topicDepartment, 'housing');
    const outside = a.analyze({ text: '孩子报名时派出所证明开不出来' });
    assert.equal(outside.topic, '政法/治安管理', 'the model knows no 政法 topic, so the rule is not overridden');
    assert.match(outside.topicReasons[0], /分类关键词/);
  });

  test('without a learned model the keyword rule alone decides, and no keyword means no topic', () => {
    const a = createLanguageAnalyzer({ userWords: [], taxonomy: [{ path: '城乡建设/物业管理', keywords: ['物业'], department: null }], models: {} });
    assert.equal(a.analyze({ text: '小区物业不管事' }).topic, '城乡建设/物业管理');
    assert.equal(a.analyze({ text: '今天天气很好' }).topic, null);
  });
});
