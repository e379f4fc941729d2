import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalize } from '../../src/analyze/language.ts';
import { matchPeriods, periodBound, toActivePeriod } from '../../src/analyze/risk/periods.ts';
import { assessRisk, levelForScore, type RiskInput } from '../../src/analyze/risk/score.ts';
import { compileSensitive, DEFAULT_SENSITIVE_TERMS } from '../../src/analyze/rules/sensitive.ts';
import { ValidationError } from '../../src/errors.ts';

const neutral = { label: 'neutral', score: 0 };
const base = (over: Partial<RiskInput>): RiskInput => ({ sentiment: neutral, abuse: { flagged: false }, text: '', ...over });
const sensitive = compileSensitive(DEFAULT_SENSITIVE_TERMS, normalize);

describe('risk level with reasons', () => {
  test('a calm, neutral post is 一般 (blue) and says why', () => {
    const r = assessRisk(base({ text: '今天小区门口的花开了' }));
    assert.equal(r.level, 'blue');
    assert.equal(r.score, 0);
    assert.deepEqual(r.reasons, ['综合得分 0，定为“一般”']);
  });

  test('negative sentiment, engagement and its velocity each add a reason people can read', () => {
    const r = assessRisk(
      base({
        sentiment: { label: 'negative', score: -0.9 },
        text: '物业乱收费没人管',
        metrics: { views: 20000, replies: 300, likes: 50, reposts: 40 },
        velocity: { hours: 2, delta: { views: 8000, replies: 200, likes: 0, reposts: 30 } },
      }),
    );
    assert.ok(r.reasons.some((x) => /情感倾向强烈负面（得分 -0.9）/.test(x)), r.reasons.join('|'));
    assert.ok(r.reasons.some((x) => x === '关注度较高：浏览 20000、回复 300、点赞 50、转发 40'));
    assert.ok(r.reasons.some((x) => x === '关注度上升快：近 2 小时内浏览 +8000、回复 +200、转发 +30'));
    assert.ok(r.score >= 35, `score ${r.score}`);
    assert.notEqual(r.level, 'blue');
  });

  test('source weight raises or lowers the score', () => {
    const heavy = assessRisk(base({ sentiment: { label: 'negative', score: -0.5 }, source: { name: '人民网留言板', weight: 2 } }));
    const light = assessRisk(base({ sentiment: { label: 'negative', score: -0.5 }, source: { name: '本地论坛', weight: 0.5 } }));
    const plain = assessRisk(base({ sentiment: { label: 'negative', score: -0.5 } }));
    assert.ok(heavy.score > plain.score && light.score < plain.score);
    assert.ok(heavy.reasons.includes('信息源“人民网留言板”权重为 2'));
  });

  test('sensitive terms and the six kinds of matter of 国办发〔2016〕80号 are named with their cue words', () => {
    const r = assessRisk(base({ text: '工地脚手架坍塌，两名工人死亡，家属拉横幅维权', sensitive }));
    assert.ok(r.reasons.some((x) => x.startsWith('含敏感词：') && x.includes('维权') && !x.includes('拉横幅')));
    // collective action is its own reason (issue 17), reported once
    assert.ok(r.reasons.some((x) => x.startsWith('群体性事件苗头') && x.includes('拉横幅')));
    assert.ok(r.reasons.some((x) => x.startsWith('属于需回应的“突发事件与灾害”（国办发〔2016〕80号），线索：') && x.includes('坍塌') && x.includes('死亡')));
    const policy = assessRisk(base({ text: '新政一刀切，限购政策被误读' }));
    assert.ok(policy.reasons.some((x) => x.includes('“重大政策误读”')));
    const superior = assessRisk(base({ text: '此件为市长信箱转办件，请限期答复' }));
    assert.ok(superior.reasons.some((x) => x.includes('“上级政府要求回应”')));
  });

  test('abuse and rumour cues add reasons', () => {
    const r = assessRisk(base({ abuse: { flagged: true }, text: '网传明天全城停水，据说是内部消息' }));
    assert.ok(r.reasons.includes('含恶意攻击或辱骂内容'));
    assert.ok(r.reasons.some((x) => x.startsWith('疑似谣言线索：') && x.includes('网传')));
  });

  test("a watch rule's minimum level is a floor, with the rule named", () => {
    const r = assessRisk(base({ text: '小区', rules: [{ rule: '重点楼盘', hits: [], minLevel: 'orange' }] }));
    assert.equal(r.level, 'orange');
    assert.ok(r.reasons.includes('监测规则“重点楼盘”要求至少为“重大”'));
    const higher = assessRisk(base({ sentiment: { label: 'negative', score: -1 }, text: '坍塌 死亡 拉横幅 维权 跳楼', sensitive, rules: [{ rule: '低', hits: [], minLevel: 'yellow' }] }));
    assert.ok(higher.score >= 55);
    assert.ok(!higher.reasons.some((x) => x.startsWith('监测规则')), 'a floor below the score is not a reason');
  });

  test('bursts raise risk with the figures', () => {
    const r = assessRisk(base({ bursts: [{ scope: 'event', last: 9, baseline: 0.5 }, { scope: 'topic', topic: '城乡建设/物业管理', last: 12, baseline: 1.25 }] }));
    assert.ok(r.reasons.includes('所属事件突发：最近 1 小时 9 条，此前 12 小时平均每小时 0.5 条'));
    assert.ok(r.reasons.some((x) => x.startsWith('话题“城乡建设/物业管理”突发：最近 1 小时 12 条')));
    assert.equal(r.score, 20, 'burst points are capped');
  });

  test('levels follow the thresholds', () => {
    assert.equal(levelForScore(34), 'blue');
    assert.equal(levelForScore(35), 'yellow');
    assert.equal(levelForScore(55), 'orange');
    assert.equal(levelForScore(75), 'red');
    assert.equal(levelForScore(100), 'red');
  });
});

describe('watch periods', () => {
  const period = toActivePeriod(
    { name: '幸福花园开盘', keywords: ['幸福花园', '開盤'], starts_at: periodBound('2026-05-01', false), ends_at: periodBound('2026-05-03', true), boost: 1.5 },
    normalize,
  );
  const allPosts = toActivePeriod({ name: '两会', keywords: [], starts_at: periodBound('2026-03-04', false), ends_at: periodBound('2026-03-11', true), boost: 1 }, normalize);

  test('a bare date is a whole day in Beijing time', () => {
    assert.equal(periodBound('2026-05-01', false), '2026-04-30T16:00:00.000Z');
    assert.equal(periodBound('2026-05-03', true), '2026-05-03T15:59:59.999Z');
    assert.equal(periodBound('2026-05-01T08:00:00+08:00', false), '2026-05-01T00:00:00.000Z');
  });

  test('bad dates are rejected with a Chinese message', () => {
    for (const bad of ['2026-02-30', '5月1日', '2026-13-01', 'yesterday']) {
      assert.throws(() => periodBound(bad, false), (e: unknown) => e instanceof ValidationError && /日期“.*”无效/.test(e.userMessage), bad);
    }
  });

  test('a post within the dates that mentions a keyword matches; outside or without one it does not', () => {
    assert.deepEqual(matchPeriods([period], normalize('幸福花园今天开盘，排队的人很多'), '2026-05-01T02:00:00.000Z'), [{ name: '幸福花园开盘', terms: ['幸福花园', '開盤'], boost: 1.5 }]);
    assert.deepEqual(matchPeriods([period], normalize('幸福花园今天开盘'), '2026-05-04T02:00:00.000Z'), []);
    assert.deepEqual(matchPeriods([period], normalize('阳光小区今天停水'), '2026-05-02T02:00:00.000Z'), []);
    // a period without keywords covers every post in its dates
    assert.equal(matchPeriods([allPosts], '随便什么', '2026-03-05T00:00:00.000Z').length, 1);
  });

  test('a matching period raises risk by 10 × boost with its name and words', () => {
    const matches = matchPeriods([period], normalize('幸福花园开盘'), '2026-05-02T00:00:00.000Z');
    const r = assessRisk(base({ periods: matches }));
    assert.equal(r.score, 15);
    assert.ok(r.reasons.includes('处于重点时段“幸福花园开盘”（命中关键词：幸福花园、開盤）'));
  });
});
