import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLanguageAnalyzer, normalize } from '../../src/analyze/language.ts';
import { matchDepartment, parseReplySignature } from '../../src/analyze/learn/signature.ts';
import { DEFAULT_TAXONOMY } from '../../src/analyze/topic/default-taxonomy.ts';

const taxonomy = DEFAULT_TAXONOMY.map((d) => ({ ...d, department: null }));
const plain = createLanguageAnalyzer({ userWords: [], taxonomy, models: {} });
const withWords = createLanguageAnalyzer({ userWords: ['沿港西路', '某某花园', '金色家园'], taxonomy, models: {} });
const sentiment = (text: string) => plain.analyze({ text }).sentiment;

describe('normalisation', () => {
  test('full-width letters, digits and punctuation become half width; ideographic spaces collapse', () => {
    assert.equal(normalize('ＡＢＣ１２３！　ｘ（测试）'), 'ABC123! x(测试)');
    assert.equal(normalize('  多个   空格\n\n换行\t制表  '), '多个 空格 换行 制表');
  });
  test('traditional Chinese becomes simplified, phrase by phrase', () => {
    assert.equal(normalize('這個社區的電梯壞了，沒人管'), '这个社区的电梯坏了,没人管');
    assert.equal(normalize('臺灣軟體發展'), '台湾软体发展');
  });
  test('emoji and Weibo emoticons are kept as text; plain simplified text comes back unchanged', () => {
    assert.equal(normalize('太好了😀👍[心]'), '太好了😀👍[心]');
    const s = '沿港西路的施工进度太慢了。';
    assert.equal(normalize(s), s);
    assert.equal(normalize(''), '');
  });
  test('title and text are analysed together', () => {
    const r = plain.analyze({ title: '標題', text: '正文' });
    assert.equal(r.normalized, '标题\n正文');
  });
});

describe('segmentation with the workspace dictionary', () => {
  test('user words (roads, estates) stay one token; without them jieba splits them', () => {
    const text = '沿港西路旁边的某某花园小区又停水了';
    assert.ok(withWords.analyze({ text }).tokens.includes('沿港西路'));
    assert.ok(withWords.analyze({ text }).tokens.includes('某某花园'));
    assert.ok(!plain.analyze({ text }).tokens.includes('沿港西路'));
  });
  test('no whitespace tokens; keywords favour user words', () => {
    const r = withWords.analyze({ text: '金色家园  小区 物业 又 涨价 了，金色家园业主很不满' });
    assert.ok(r.tokens.every((t) => t.trim() !== ''));
    assert.equal(r.keywords[0], '金色家园');
  });
});

describe('sentiment lexicon', () => {
  test('plain positive, negative and neutral texts', () => {
    assert.equal(sentiment('感谢社区工作人员，服务非常贴心，点赞！').label, 'positive');
    assert.equal(sentiment('这家物业太垃圾了，气死我了').label, 'negative');
    assert.equal(sentiment('明天上午九点在区政府召开会议').label, 'neutral');
  });
  test('negation flips the governed word', () => {
    assert.equal(sentiment('我对处理结果很满意').label, 'positive');
    assert.equal(sentiment('我对处理结果不满意').label, 'negative');
    assert.equal(sentiment('一点也不喜欢这种做法').label, 'negative');
    assert.ok(sentiment('我不喜欢').reasons.some((r) => r.includes('否定')));
  });
  test('"能不能" is a question, not a negation', () => {
    const r = sentiment('能不能快点解决，真的很失望');
    assert.equal(r.label, 'negative');
    assert.ok(!r.reasons.some((x) => x.startsWith('否定')));
  });
  test('degree words scale the score', () => {
    assert.ok(sentiment('非常失望').score < sentiment('有点失望').score);
    assert.ok(sentiment('非常满意').score > sentiment('比较满意').score);
  });
  test('contrast: the clause after 但是 outweighs the concession before it', () => {
    assert.equal(sentiment('虽然工作人员态度很好，但是问题拖了三个月还没解决，太失望了').label, 'negative');
    assert.equal(sentiment('虽然等了很久，但是最后处理得很好，非常感谢').label, 'positive');
    assert.ok(sentiment('虽然有点慢，但是服务态度非常好').reasons.some((r) => r.includes('转折')));
  });
  test('complaint phrases are negative and named in the reasons', () => {
    for (const text of ['反映了好几次，投诉无门', '路灯坏了半年没人管', '各部门互相推诿踢皮球']) {
      const r = sentiment(text);
      assert.equal(r.label, 'negative', text);
      assert.ok(r.reasons.some((x) => x.startsWith('投诉用语')), `${text}: ${r.reasons}`);
    }
  });
  test('emoticons and emoji count', () => {
    assert.equal(sentiment('[怒][怒][怒]').label, 'negative');
    assert.equal(sentiment('[心][心]').label, 'positive');
    assert.equal(sentiment('😭😭😭').label, 'negative');
    assert.ok(sentiment('[怒]').reasons.some((r) => r.includes('[怒]')));
  });
  test('a lexicon word that jieba cuts in two still counts ("醉/了", "服/了"); "好的东西" is not praise', () => {
    const drunk = plain.analyze({ text: '就你这样的，我也是醉了！' });
    assert.ok(drunk.tokens.includes('醉') && drunk.tokens.includes('了'), drunk.tokens.join('/'));
    assert.equal(drunk.sentiment.label, 'negative');
    assert.ok(drunk.sentiment.reasons.includes('负面词：醉了'), drunk.sentiment.reasons.join(' | '));
    assert.equal(sentiment('好的东西不便宜').label, 'neutral');
  });
  test('a mention names a person and a topic tag names a subject: neither is the writer’s feeling', () => {
    assert.equal(sentiment('//@快乐小熊: 明天开会').label, 'neutral');
    assert.equal(sentiment('//@快乐小熊: 真开心').label, 'positive');
    // weak domain words inside #…# do not count; strong words still do, as does the text outside
    assert.equal(sentiment('#小区封控隔离确诊#').score, 0);
    assert.ok(sentiment('小区封控隔离确诊').score < 0);
    assert.equal(sentiment('#武汉加油#').label, 'positive');
  });
  test('weak words alone (a news repost about an epidemic) stay neutral; ordinary ones are named', () => {
    const news = sentiment('机场发现1名疑似肺炎患者，用隔离箱运上救护车，确诊病例增加');
    assert.equal(news.label, 'neutral');
    const outage = sentiment('小区停水停电，道路拥堵');
    assert.equal(outage.label, 'negative');
    assert.deepEqual(outage.reasons, ['负面词：停水', '负面词：停电', '负面词：拥堵']);
    assert.deepEqual(sentiment('停水，又停水，停水').reasons, ['负面词：停水'], 'a word is named once');
  });
  test('on Weibo [微笑] is a cold smile', () => {
    assert.ok(sentiment('这操作真是厉害[微笑]').score < sentiment('这操作真是厉害').score);
  });
  test('everyday online distress and joy', () => {
    assert.equal(sentiment('到海关办了退运，花了286，肉疼又心力交瘁').label, 'negative');
    assert.equal(sentiment('周末在家美滋滋，开森').label, 'positive');
  });
  test('a rhetorical question with negative content reads as a complaint', () => {
    assert.ok(sentiment('凭什么我们小区一直停水？').score < 0);
  });
  test('score is within [-1, 1] and its sign follows the label', () => {
    for (const text of ['太好了太好了太好了，非常非常感谢', '垃圾垃圾垃圾，气死了，恶心', '通知']) {
      const s = sentiment(text);
      assert.ok(s.score >= -1 && s.score <= 1);
      if (s.label === 'positive') assert.ok(s.score > 0);
      if (s.label === 'negative') assert.ok(s.score < 0);
    }
  });
});

describe('abuse cues', () => {
  test('insults, threats and rumour formulas are flagged with their reason', () => {
    const insult = plain.analyze({ text: '这帮狗官都是废物' }).abuse;
    assert.equal(insult.flagged, true);
    assert.ok(insult.reasons.some((r) => r.includes('辱骂') && r.includes('狗官')));
    assert.ok(plain.analyze({ text: '再不解决我就弄死他' }).abuse.reasons.some((r) => r.includes('威胁')));
    assert.ok(plain.analyze({ text: '内部消息，明天要封城，删前速看' }).abuse.reasons.some((r) => r.includes('造谣')));
    assert.ok(plain.analyze({ text: '你就是个SB' }).abuse.flagged);
  });
  test('an ordinary complaint or a denial of a rumour is not flagged', () => {
    assert.equal(plain.analyze({ text: '物业费太贵了，希望有关部门管一管' }).abuse.flagged, false);
    assert.equal(plain.analyze({ text: '官方辟谣：网传消息不实' }).abuse.flagged, false);
  });
});

describe('topic by taxonomy keywords', () => {
  test('the most specific topic with the most keywords wins, with the keywords as reasons', () => {
    const r = plain.analyze({ text: '开发商延期交房已经半年，房产证也办不下来' });
    assert.equal(r.topic, '城乡建设/房地产市场');
    assert.ok(r.topicReasons[0].includes('延期交房'));
  });
  test('a topic owner department is passed through; no keyword means no topic', () => {
    const a = createLanguageAnalyzer({ userWords: [], taxonomy: [{ path: '城乡建设/物业管理', keywords: ['物业'], department: 'wyk' }], models: {} });
    const r = a.analyze({ text: '小区物业不作为' });
    assert.equal(r.topic, '城乡建设/物业管理');
    assert.equal(r.topicDepartment, 'wyk');
    assert.equal(a.analyze({ text: '今天天气不错' }).topic, null);
  });
});

describe('reply signatures', () => {
  test('the department signed at the end of an official reply', () => {
    assert.equal(parseReplySignature('网友您好，经核实……已安排整改。特此回复。\nA市住建局\n2019年5月1日'), 'A市住建局');
    assert.equal(parseReplySignature('感谢您对我们工作的关心、监督与支持！A市人民政府法制办公室'), 'A市人民政府法制办公室');
    assert.equal(parseReplySignature('……请与我乡政府办公室联系。 特此回复。 上梧乡人民政府 2013年8月16日'), '上梧乡人民政府');
    assert.equal(parseReplySignature('……加快推进。（承办责任单位：省交通运输厅规划办）'), '省交通运输厅规划办');
    assert.equal(parseReplySignature('……已处理。 M5市公安局（公章） 2012年12月24日'), 'M5市公安局');
    assert.equal(parseReplySignature('……已处理。A7县交通运输局二O一三年八月四日'), 'A7县交通运输局');
  });
  test('a portal reply that forwards the message names the department it went to, ahead of the portal signature', () => {
    assert.equal(parseReplySignature('网友：你好！你反映的问题已收悉，我办已转交给七里店社区核实处理。'), '七里店社区');
    assert.equal(parseReplySignature('您的留言收悉，已于2019年5月16日转交市交警支队。谢谢您的支持！'), '市交警支队');
    assert.equal(parseReplySignature('……已转交市住建局办理，特此回复。 A市人民政府办公室 2019年5月1日'), '市住建局');
    assert.equal(parseReplySignature('我们将转交相关部门处理。'), null, 'no named department');
  });
  test('replies without a signature, or signed by a person, give nothing', () => {
    assert.equal(parseReplySignature('网友：您好！留言已收悉'), null);
    assert.equal(parseReplySignature('感谢您的来信。'), null);
    assert.equal(parseReplySignature('谢谢您对我的信任！ 张惠 2014年6月27日'), null);
    assert.equal(parseReplySignature(''), null);
  });
  test('a signature maps to the workspace department of the same name, with or without the region', () => {
    const deps = [{ code: 'zjj', name: '住建局' }, { code: 'jtj', name: '交通运输局' }, { code: 'ga', name: 'M5市公安局' }];
    assert.equal(matchDepartment('A市住建局', deps), 'zjj');
    assert.equal(matchDepartment('A7县交通运输局', deps), 'jtj');
    assert.equal(matchDepartment('M5市公安局', deps), 'ga');
    assert.equal(matchDepartment('A市教育局', deps), null);
  });
});
