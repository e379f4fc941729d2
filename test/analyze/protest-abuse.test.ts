import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeAnalyzer } from '../../src/analyze/analyzer.ts';
import { createLanguageAnalyzer } from '../../src/analyze/language.ts';
import { inPassing } from '../../src/analyze/risk/score.ts';
import { compileSensitive, DEFAULT_SENSITIVE_TERMS } from '../../src/analyze/rules/sensitive.ts';
import { normalize } from '../../src/analyze/text/normalize.ts';

/**
 * Issue 17: 恶意攻击 means insults, threats or smears against people; collective action is a risk
 * reason (群体性事件苗头) that raises the level; a sensitive word or a matter raises risk fully only
 * where it is the post's subject, and each reason says which.
 */
const analyzer = composeAnalyzer({
  language: createLanguageAnalyzer({ userWords: [], taxonomy: [], models: {} }),
  rules: [],
  periods: [],
  sensitive: compileSensitive(DEFAULT_SENSITIVE_TERMS, normalize),
  routing: { departments: new Map(), topics: new Map() },
});
const run = (title: string, text: string) => analyzer.analyze({ title, text, published_at: '2026-12-01T02:00:00Z' });

describe('abuse versus protest', () => {
  test('residents who say they will 拉横幅 and 集体上访 are not abusive; the post is a collective-action risk and rises a level', () => {
    const protest = run('锦绣华庭逾期交房两年没人管', '开发商逾期交房两年，业主多次反映没人管。这周末业主们准备到售楼处拉横幅，再不解决就集体上访，我们不会放过这件事。');
    assert.equal(protest.abuse.flagged, false, protest.abuse.reasons.join());
    assert.ok(protest.risk.reasons.some((r) => /群体性事件苗头.*拉横幅.*集体上访/.test(r)), protest.risk.reasons.join('\n'));
    const calm = run('锦绣华庭逾期交房两年没人管', '开发商逾期交房两年，业主多次反映没人管，希望尽快解决。');
    assert.ok(protest.risk.score >= calm.risk.score + 12, `${protest.risk.score} vs ${calm.risk.score}`);
    assert.ok(!protest.risk.reasons.some((r) => r.startsWith('含敏感词') && /拉横幅/.test(r)), 'collective action is reported once');
  });

  test('insults, threats against people and smears are abuse, each reason naming its kind and word', () => {
    const insult = run('', '这帮狗官就知道收钱，拆迁款一分不给');
    assert.equal(insult.abuse.flagged, true);
    assert.match(insult.abuse.reasons.join(), /狗官/);
    const threat = run('', '再不给钱我就弄死他，让他全家不得安宁');
    assert.equal(threat.abuse.flagged, true);
    const smear = run('', '这就是个流氓政府，大家别信');
    assert.equal(smear.abuse.flagged, true);
    const allegation = run('', '举报某某局官商勾结，违规审批，请上级彻查。');
    assert.equal(allegation.abuse.flagged, false, 'an allegation is a complaint to be answered');
  });
});

describe('a sensitive word or a matter counts fully only as the subject', () => {
  test("疫情 in a developer's excuse is in passing: little risk, and the reason says so", () => {
    const excuse = run('滨江壹号一再延期交房', '滨江壹号原定去年六月交房，开发商以疫情为由一拖再拖，现在又说要延期到明年，业主们的房贷已经还了两年。');
    const outbreak = run('城东小区出现疫情', '城东小区今天出现疫情，已有多人确诊，小区被封，居民买菜困难。');
    const passing = excuse.risk.reasons.find((r) => r.includes('疫情'));
    assert.ok(passing && /顺带提及/.test(passing), excuse.risk.reasons.join('\n'));
    assert.ok(outbreak.risk.reasons.some((r) => r.includes('疫情') && !/顺带提及/.test(r)), outbreak.risk.reasons.join('\n'));
    assert.notEqual(excuse.risk.level, 'orange');
    assert.notEqual(excuse.risk.level, 'red');
  });

  test('inPassing: the title, two mentions or the first sentence make a subject; an excuse or a mention deep in a long text does not', () => {
    const long = '小区门口的路灯坏了三个月，晚上出门一片漆黑。'.repeat(8);
    assert.equal(inPassing(normalize('小区着火了\n昨晚三点左右十二栋起火。'), '着火'), false);
    assert.equal(inPassing(normalize('昨晚小区起火了，消防车来了，起火原因不明。'), '起火'), false);
    assert.equal(inPassing(normalize('开发商说受疫情影响要延期交房。'), '疫情'), true);
    assert.equal(inPassing(normalize(`${long}听说隔壁小区上个月有过火灾。`), '火灾'), true);
    assert.equal(inPassing(normalize('我家遭受火灾，损失惨重。'), '火灾'), false);
  });
});
