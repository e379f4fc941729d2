import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heatOf, hotIssues, type ClusterPost } from './hot-issues.ts';

let id = 0;
const post = (title: string, text: string, extra: Partial<ClusterPost> = {}): ClusterPost => ({ id: ++id, title, text, engagement: 0, at: `2026-10-${String(10 + (id % 10)).padStart(2, '0')}T02:00:00.000Z`, ...extra });

const lift = [
  post('幸福里小区电梯又坏了', '幸福里小区3栋电梯三天两头故障，老人上下楼非常困难，物业推诿。', { eventId: 1 }),
  post('幸福里小区电梯故障无人修', '幸福里小区电梯困人两次，维修单位一直不来，请质监部门督促。', { eventId: 2 }),
  post('反映幸福里电梯安全隐患', '幸福里小区的电梯运行异响，多次报修无果，存在安全隐患。', { eventId: 3 }),
  post('幸福里小区电梯停运一周', '幸福里小区电梯停运一周了，住在高层的居民苦不堪言。'),
  post('幸福里电梯维修资金', '幸福里小区电梯维修资金申请难，电梯一直停着。'),
  post('幸福里小区电梯什么时候修好', '请问幸福里小区电梯什么时候能修好，物业说在等配件。', { engagement: 40 }),
];
const roadworks = [
  post('解放大道夜间施工噪音扰民', '解放大道地铁站工地每天夜里施工到凌晨两点，噪音扰民严重。'),
  post('解放大道工地半夜还在施工', '解放大道工地半夜打桩，附近居民无法入睡，请城管查处。'),
  post('投诉解放大道夜间施工', '解放大道夜间施工噪音太大，孩子无法休息。'),
  post('解放大道施工噪音', '解放大道施工噪音持续一个月了，夜间施工许可是否合规？'),
];
const others = [
  post('咨询公租房申请条件', '外地户籍能否申请本县公租房，需要哪些材料？'),
  post('建议增设公交线路', '城东新区到县医院没有直达公交，建议增设线路。'),
  post('菜市场占道经营', '南门菜市场周边摊贩占道经营，早上车辆难以通行。'),
  post('学校门口交通拥堵', '实验小学放学时门口拥堵，建议安排交警疏导。'),
  post('咨询不动产登记办理时间', '二手房过户不动产登记需要多长时间？'),
];
const reposts = [
  post('求助！！', '有没有人管管？？'),
  post('求助！！！', '有没有人管管？？？'),
];

test('posts about one matter form one hot issue even when the analysis split them into several events', () => {
  const issues = hotIssues([...lift, ...roadworks, ...others, ...reposts]);
  const top = issues[0];
  assert.deepEqual(new Set(top.postIds), new Set(lift.map((p) => p.id)));
  assert.deepEqual(top.eventIds.sort(), [1, 2, 3]);
  assert.ok(top.terms.some((t) => t.includes('幸福里')), top.terms.join('/'));
  assert.equal(top.engagement, 40);
  assert.equal(top.heat, heatOf(6, 40));
  const second = issues[1];
  assert.deepEqual(new Set(second.postIds), new Set(roadworks.map((p) => p.id)));
});

test('unrelated single posts are not hot issues, and two matters never merge', () => {
  const issues = hotIssues([...lift, ...roadworks, ...others, ...reposts]);
  for (const o of others) assert.ok(!issues.some((h) => h.postIds.includes(o.id)), o.title);
  for (const h of issues) {
    const hasLift = h.postIds.some((i) => lift.some((p) => p.id === i));
    const hasRoad = h.postIds.some((i) => roadworks.some((p) => p.id === i));
    assert.ok(!(hasLift && hasRoad));
  }
});

test('near-duplicate reposts without distinctive words are joined by SimHash', () => {
  const issues = hotIssues([...lift, ...roadworks, ...others, ...reposts]);
  assert.ok(issues.some((h) => h.posts === 2 && reposts.every((p) => h.postIds.includes(p.id))));
});

test('ranking follows heat: one viral post can outrank a handful of quiet ones', () => {
  const viral = post('桥梁护栏断裂', '城北大桥护栏断裂，行人险些坠河。', { engagement: 5000 });
  const issues = hotIssues([...roadworks, ...others, viral]);
  assert.equal(issues[0].postIds[0], viral.id);
  assert.ok(heatOf(1, 5000) > heatOf(4, 0));
  assert.deepEqual(hotIssues([]), []);
});

test('hot issues are named by place and matter, never by word fragments (issue 17, part 6)', () => {
  const works = [
    post('沿港西路改建的工期到底是怎么回事', '沿港西路改建工程的工期一拖再拖，到底是什么原因？'),
    post('沿港西路改建工期拖延', '沿港西路改建工期拖延快一年了，出行很不方便。'),
    post('沿港西路改建工程什么时候完工', '沿港西路改建的工期到底还要多久，请给个说法。'),
    post('城关镇雨污分流工程到底是谁负责', '城关镇雨污分流工程挖了又填，到底是谁在负责工期？'),
    post('城关镇雨污分流工程进度太慢', '城关镇雨污分流工程的工期一再拖延，道路坑洼。'),
  ];
  const issues = hotIssues([...lift, ...roadworks, ...others, ...works]);
  const named = (ids: number[]) => issues.find((h) => ids.every((i) => h.postIds.includes(i)))!;
  assert.equal(named(lift.map((p) => p.id)).name.split(' ')[0], '幸福里');
  assert.equal(named(roadworks.map((p) => p.id)).name.split(' ')[0], '解放大道');
  assert.match(named(works.slice(0, 3).map((p) => p.id)).name, /^沿港西路 改建/);
  for (const h of issues) {
    assert.ok(h.name.length >= 2, h.name);
    // never the fragments the issue quotes, nor a name or term starting with a function word
    for (const label of [h.name, ...h.terms]) {
      assert.ok(!/^(的|到底|是|了|在|和|与)/.test(label), `${label} (of ${h.name})`);
      assert.ok(!['的工期', '到底是', '城关镇雨'].includes(label), label);
    }
  }
});
