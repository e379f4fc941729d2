import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkResponse } from './checks.ts';
import { DEFAULT_STOCK_PHRASES } from './settings.ts';
import { BUILTIN_TEMPLATES, fillTemplate, tidyPunctuation } from './templates.ts';

const GOOD = [
  '网友您好！感谢您对建设科工作的关注和监督。',
  '关于您反映的道路施工问题，经了解，该路段为雨污分流改造工程。我科已督促施工单位于12月20日前完工。',
  '如您还有其他疑问，欢迎与建设科联系，联系电话：0571-81230001。',
].join('\n\n');

const codes = (body: string, kind: 'reply' | 'firm' | 'statement' = 'reply') => checkResponse(kind, body, DEFAULT_STOCK_PHRASES).map((i) => i.code);

test('a plain three-part reply with a phone passes', () => {
  assert.deepEqual(codes(GOOD), []);
});

test('stock phrases are named, each one', () => {
  const issues = checkResponse('reply', GOOD.replace('经了解，', '根据有关文件精神，经了解，根据有关规定，'), DEFAULT_STOCK_PHRASES);
  assert.deepEqual(issues.map((i) => i.phrase), ['根据有关文件精神', '根据有关规定']);
  assert.match(issues[0].message, /套话“根据有关文件精神”/);
});

test('the stock-phrase list is configurable', () => {
  assert.deepEqual(checkResponse('reply', GOOD.replace('经了解', '经研究决定'), ['经研究决定']).map((i) => i.code), ['stock_phrase']);
});

test('a missing part is reported: no thanks, no situation, no contact line', () => {
  assert.ok(codes(GOOD.replace('感谢您对建设科工作的关注和监督。', '您好。')).includes('missing_thanks'));
  const [first, , last] = GOOD.split('\n\n');
  assert.ok(codes([first, last].join('\n\n')).includes('missing_situation'));
  assert.ok(codes(GOOD.replace('如您还有其他疑问，欢迎与建设科联系，联系电话：0571-81230001。', '特此答复。')).includes('missing_contact'));
});

test('a missing phone number is reported; mobiles and the 12345 hotline count', () => {
  assert.deepEqual(codes(GOOD.replace('联系电话：0571-81230001', '联系电话请见官网')), ['missing_phone']);
  assert.deepEqual(codes(GOOD.replace('0571-81230001', '13800138000')), []);
  assert.deepEqual(codes(GOOD.replace('联系电话：0571-81230001', '也可拨打12345热线')), []);
});

test('an unfilled template is caught: blanks for situation and measures, and a department without a phone', () => {
  const body = fillTemplate(BUILTIN_TEMPLATES.reply, { department: '建设科', title: '道路施工' });
  const issues = checkResponse('reply', body, DEFAULT_STOCK_PHRASES);
  assert.deepEqual(issues.map((i) => i.code), ['placeholder', 'placeholder', 'placeholder', 'missing_phone']);
  assert.deepEqual(issues.slice(0, 3).map((i) => i.message), ['还有未填写的内容：【请填写：具体情况】', '还有未填写的内容：【请填写：处理措施】', '还有未填写的内容：【请填写：联系电话】']);
});

test('a firm statement needs its facts; a statement post needs no three parts', () => {
  const firm = fillTemplate(BUILTIN_TEMPLATES.firm, { department: '建设局', title: '某谣言', phone: '0571-81234567' });
  assert.ok(codes(firm, 'firm').includes('missing_facts'));
  const filled = fillTemplate(BUILTIN_TEMPLATES.firm, { department: '建设局', title: '某谣言', subject: '某地视频', signature: '某县建设局', date: '2026年12月8日', phone: '0571-81234567', facts: '经核查，网传视频拍摄于外省，与本县无关。' });
  assert.deepEqual(codes(filled, 'firm'), []);
  assert.deepEqual(codes('关于供暖收费的情况说明\n\n今年供暖收费标准不变。', 'statement'), []);
  assert.deepEqual(codes('   '), ['empty']);
});

test('the default stock-phrase list is far larger than ten and holds the formulas offices complain about', () => {
  assert.ok(DEFAULT_STOCK_PHRASES.length >= 60, `${DEFAULT_STOCK_PHRASES.length}`);
  for (const p of ['相关部门高度重视', '已责成有关单位研究处理', '依法依规处理', '请耐心等待']) assert.ok(DEFAULT_STOCK_PHRASES.includes(p), p);
  const reply = '网友您好！感谢您对建设科工作的关注。\n\n关于您反映的问题，相关部门高度重视，已责成有关单位研究处理，将依法依规处理，请耐心等待。\n\n联系电话：0571-81234567。';
  const found = checkResponse('reply', reply, DEFAULT_STOCK_PHRASES).filter((i) => i.code === 'stock_phrase').map((i) => i.phrase);
  for (const p of ['相关部门高度重视', '已责成有关单位研究处理', '依法依规处理', '请耐心等待']) assert.ok(found.includes(p), p);
  // The built-in templates themselves use none of them.
  for (const body of Object.values(BUILTIN_TEMPLATES)) assert.deepEqual(checkResponse('statement', body, DEFAULT_STOCK_PHRASES).filter((i) => i.code === 'stock_phrase'), []);
});

test('a filled template has no doubled punctuation where a value ends with its own mark', () => {
  const body = fillTemplate(BUILTIN_TEMPLATES.reply, { department: '建设科', title: '道路施工', situation: '该路段正在改造，已责成施工单位研究处理。', measures: '将于本周内恢复通行！', phone: '0571-81234567' });
  assert.doesNotMatch(body, /[。！？，；、]{2}/, body);
  assert.match(body, /研究处理。针对这一情况，将于本周内恢复通行！\n/);
  assert.equal(tidyPunctuation('研究处理。。好的，，谢谢，。'), '研究处理。好的，谢谢。');
  assert.equal(tidyPunctuation('请稍候……再看'), '请稍候……再看', 'an ellipsis stays');
});
