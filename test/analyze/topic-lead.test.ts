import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { leadTokenCount } from '../../src/analyze/learn/features.ts';
import { predict } from '../../src/analyze/learn/linear.ts';
import { trainModel } from '../../src/analyze/learn/train.ts';
import { normalizePost } from '../../src/analyze/text/normalize.ts';

// Invented messages: bus complaints (城乡建设) and school complaints (教育文体), with titles.
const BUS = [
  ['公交车班次太少', '早上等车要四十分钟，车上挤不下。'],
  ['公交站台没有遮雨棚', '下雨天乘客只能站在雨里等车。'],
  ['建议增开公交线路', '新小区附近没有公交，出行很不方便。'],
  ['公交司机开车太猛', '急刹车好几次，老人差点摔倒。'],
  ['公交车到站不停', '招手也不停车，投诉没人理。'],
];
const SCHOOL = [
  ['学校食堂饭菜太差', '学生每天吃不饱，家长很担心。'],
  ['学校违规补课收费', '老师要求学生周末到校补课，每人收五百元。'],
  ['学生作业负担太重', '孩子每天写作业到深夜，学校不管。'],
  ['学校操场年久失修', '学生上体育课很危险，校长说没钱修。'],
  ['学校强制购买教辅', '老师让学生统一买资料，家长不满。'],
];

describe('a message title counts twice for its topic', () => {
  const taxonomy = ['城乡建设', '教育文体'].map((path) => ({ path, keywords: [], department: null }));
  const base = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
  const items = [...BUS.map(([title, text]) => ({ title, text, label: '城乡建设' })), ...SCHOOL.map(([title, text]) => ({ title, text, label: '教育文体' }))];
  const model = trainModel('topic', base, items);
  assert.ok(model);
  const analyzer = createLanguageAnalyzer({ userWords: [], taxonomy, models: { topic: model } });

  test('a bus complaint whose text is about the pupils riding it is filed by its title', () => {
    const post = { title: '公交车班次太少', text: '学生放学后在学校门口等不到车，家长希望学校能帮学生反映。' };
    assert.equal(analyzer.analyze(post).topic, '城乡建设');
    // The same words without a title line: the school words of the text decide.
    assert.equal(analyzer.analyze({ text: `${post.title}，${post.text}` }).topic, '教育文体');
  });

  test('the lead is the first line, when it is short enough to be a title', () => {
    const cut = (s: string) => base.segmenter.cut(s);
    const titled = normalizePost({ title: '公交车班次太少', text: '早上等车要四十分钟。' });
    assert.equal(cut(titled).slice(0, leadTokenCount(titled, cut(titled))).join(''), '公交车班次太少');
    const untitled = '公交车班次太少，早上等车要四十分钟。';
    assert.equal(leadTokenCount(untitled, cut(untitled)), 0);
    const long = `${'很长的第一行'.repeat(12)}\n正文`;
    assert.equal(leadTokenCount(long, cut(long)), 0);
  });

  test('a model trained before titles counted scores a titled text as it did', () => {
    const old = { ...model, features: { ...model.features, lead: undefined } };
    const titled = normalizePost({ title: '公交车班次太少', text: '学生放学后在学校门口等不到车。' });
    const f = base.features(titled, base.segmenter.cut(titled));
    assert.ok(f.leadEnd > 0);
    const before = predict(old, { ...f, leadEnd: 0 }).probs;
    assert.deepEqual(predict(old, f).probs, before);
    assert.notDeepEqual(predict(model, f).probs, before);
  });
});
