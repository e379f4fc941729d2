import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor, type Actor } from '../../src/auth/actor.ts';
import { getLanguageAnalyzer, loadLanguageAnalyzer } from '../../src/analyze/language.ts';
import { learnExamples } from '../../src/analyze/learn/labels.ts';
import { retrainModels } from '../../src/analyze/learn/train.ts';
import { openDatabase, type Db } from '../../src/db/connect.ts';
import { nowIso } from '../../src/db/values.ts';
import { ValidationError } from '../../src/errors.ts';
import { applyWorkspace, exportWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { seedOrg } from '../helpers/fixtures.ts';

const admin = cliActor();
const leader: Actor = { id: null, name: 'leader', role: 'leader', departmentId: null, via: 'api' };

// A made-up word the lexicon knows nothing about, which this workspace learns to read as negative.
const NEGATIVE = ['蓝鲸计划又拖了', '蓝鲸计划一拖再拖', '蓝鲸计划什么时候才完', '又是蓝鲸计划', '蓝鲸计划搞得大家很烦', '蓝鲸计划让人头疼'];
const POSITIVE = ['白鸽行动办得好', '白鸽行动暖心', '点赞白鸽行动', '白鸽行动帮了大忙', '感谢白鸽行动', '白鸽行动真不错'];
const NEUTRAL = ['下午三点开会', '明天报名截止', '本周五发布通知', '会议地点在三楼', '请带身份证', '周末正常上班'];

async function insertPost(db: Db, title: string, text: string, departmentId: number | null = null): Promise<number> {
  const k = db.kysely;
  let source = await k.selectFrom('sources').select('id').where('name', '=', 'test-board').executeTakeFirst();
  if (!source) {
    const now = nowIso();
    source = await k.insertInto('sources').values({ name: 'test-board', kind: 'manual', url: null, department_id: null, created_at: now, updated_at: now } as never).returning('id').executeTakeFirstOrThrow();
  }
  const now = nowIso();
  const row = await k
    .insertInto('posts')
    .values({ source_id: source.id, dedup_key: `${title}-${Math.random()}`, title, text, fetched_at: now, updated_at: now, department_id: departmentId } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const tdb of testDatabases) {
  describe(`language learning [${tdb.kind}]`, () => {
    let db: Db;
    let url: string;
    let drop: () => Promise<void>;
    let deps: Record<string, number>;
    before(async () => {
      ({ db, url, drop } = await tdb.create());
      deps = await seedOrg(db);
    });
    after(async () => drop());

    test('learning labelled examples changes a prediction, and the model survives a reconnect', async () => {
      const before = (await loadLanguageAnalyzer(db.kysely)).analyze({ text: '听说蓝鲸计划' });
      assert.equal(before.sentiment.label, 'neutral');
      const examples = [
        ...NEGATIVE.map((text) => ({ text, sentiment: 'negative' as const })),
        ...POSITIVE.map((text) => ({ text, sentiment: 'positive' as const })),
        ...NEUTRAL.map((text) => ({ text, sentiment: 'neutral' as const })),
      ];
      const result = await learnExamples(db.kysely, admin, examples, 'cli');
      assert.equal(result.stored, 18);
      assert.deepEqual(result.retrained.map((r) => [r.name, r.trained]), [['sentiment', true]]);
      const after = (await loadLanguageAnalyzer(db.kysely)).analyze({ text: '听说蓝鲸计划' });
      assert.equal(after.sentiment.label, 'negative');
      assert.match(after.sentiment.reasons[0], /学习模型（18 条标注）/);

      const row = await db.kysely.selectFrom('models').selectAll().where('name', '=', 'sentiment').executeTakeFirstOrThrow();
      assert.equal(row.version, 1);
      assert.equal(row.examples, 18);
      // A second connection (another process) reads the same model and gives the same answer.
      const other = await openDatabase(url);
      try {
        const again = (await loadLanguageAnalyzer(other.kysely)).analyze({ text: '听说蓝鲸计划' });
        assert.deepEqual(again.sentiment, after.sentiment);
      } finally {
        await other.close();
      }
      const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'labels.learn').execute();
      assert.equal(audit.length, 1);
      assert.equal(JSON.parse(audit[0].after!).count, 18);
    });

    test('appeal types and emotions are learned from two labelled examples on (issue 17): the models say so in their reasons', async () => {
      // made-up words the cue lists know nothing about: 青蛙工程 posts are inquiries, 红树林 posts are praise; 紫藤 reads as fear, 橙风 as surprise
      const examples = [
        ...['青蛙工程几号开始', '青蛙工程哪天动工', '青蛙工程的时间表'].map((text) => ({ text, appeal: 'inquiry' as const, emotion: 'fear' as const })),
        ...['红树林项目做得好', '红树林项目值得一提', '红树林项目大家都满意'].map((text) => ({ text, appeal: 'praise' as const, emotion: 'surprise' as const })),
      ];
      const result = await learnExamples(db.kysely, admin, examples, 'cli');
      assert.deepEqual(result.retrained.map((r) => [r.name, r.trained, r.classes]), [['appeal', true, 2], ['emotion', true, 2]]);
      const a = await getLanguageAnalyzer(db.kysely);
      const r = a.analyze({ text: '青蛙工程的安排' });
      assert.equal(r.appeal.label, 'inquiry');
      assert.match(r.appeal.reasons[0], /学习模型（6 条标注）判为咨询/);
      assert.equal(r.emotion.label, 'fear');
      assert.equal(a.analyze({ text: '红树林项目的安排' }).appeal.label, 'praise');
      const one = await learnExamples(db.kysely, admin, [{ text: '白鹭湾今天的安排', appeal: 'suggestion' }], 'cli');
      assert.equal(one.retrained.find((x) => x.name === 'appeal')?.trained, true, 'a third class from one example');
    });

    test('retraining bumps the model version; the cached analyzer picks the new model up', async () => {
      const cached = await getLanguageAnalyzer(db.kysely);
      assert.equal(cached, await getLanguageAnalyzer(db.kysely), 'unchanged workspace: same analyzer');
      await learnExamples(db.kysely, admin, [{ text: '白鸽行动又来了', sentiment: 'positive' }], 'ui');
      const row = await db.kysely.selectFrom('models').select('version').where('name', '=', 'sentiment').executeTakeFirstOrThrow();
      assert.equal(row.version, 2);
      assert.notEqual(await getLanguageAnalyzer(db.kysely), cached);
    });

    test('bad examples are rejected with a clear message and nothing is stored', async () => {
      const count = async () => Number((await db.kysely.selectFrom('labels').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const n = await count();
      await assert.rejects(learnExamples(db.kysely, admin, [{ text: 'x', sentiment: 'surprise' as never }], 'cli'), (e: unknown) => e instanceof ValidationError && /sentiment must be/.test(e.message));
      await assert.rejects(learnExamples(db.kysely, admin, [{ text: 'x', department: 'nope' }], 'ui'), /unknown department "nope"/);
      await assert.rejects(learnExamples(db.kysely, admin, [{ text: 'x', topic: '城乡建设//住房' }], 'cli'), /topic must be a path/);
      await assert.rejects(learnExamples(db.kysely, admin, [{ text: '   ', sentiment: 'neutral' }], 'cli'), /text is empty/);
      await assert.rejects(learnExamples(db.kysely, admin, [{ text: 'x' }], 'cli'), /at least one of/);
      await assert.rejects(learnExamples(db.kysely, leader, [{ text: 'x', sentiment: 'neutral' }], 'ui'), /may not posts.label/);
      assert.equal(await count(), n);
    });

    test('topic labels learned from a file become the taxonomy of a workspace without one, and are learned', async () => {
      const added = await learnExamples(
        db.kysely,
        admin,
        [
          { text: '校园门口的奶茶店太吵', topic: '校园周边/噪声' },
          { text: '校门口奶茶店音响很吵', topic: '校园周边/噪声' },
          { text: '学校附近的奶茶店放音乐', topic: '校园周边/噪声' },
          { text: '河边的芦苇被烧了', topic: '河道管理/芦苇' },
          { text: '芦苇荡起火冒烟', topic: '河道管理/芦苇' },
          { text: '有人在河边割芦苇', topic: '河道管理/芦苇' },
        ],
        'cli',
      );
      assert.deepEqual(added.topicsAdded.sort(), ['校园周边', '校园周边/噪声', '河道管理', '河道管理/芦苇'].sort());
      const paths = (await db.kysely.selectFrom('taxonomy_topics').select('path').execute()).map((r) => r.path).sort();
      assert.deepEqual(paths, ['校园周边', '校园周边/噪声', '河道管理', '河道管理/芦苇'].sort());
      const analyzer = await loadLanguageAnalyzer(db.kysely);
      const r = analyzer.analyze({ text: '芦苇又着火了' });
      assert.equal(r.topic, '河道管理/芦苇');
      assert.match(r.topicReasons[0], /学习分类/);
    });

    test('routing learns from the ledger: answered cases and signed message-board replies', async () => {
      const k = db.kysely;
      const now = nowIso();
      const mkCase = async (seq: number, dep: string, title: string, text: string) => {
        const postId = await insertPost(db, title, text);
        const c = await k
          .insertInto('cases')
          .values({ number: `T-${seq}`, year: 2026, seq, title, state: 'closed', level: 'blue', lead_department_id: deps[dep], opened_at: now, updated_at: now } as never)
          .returning('id')
          .executeTakeFirstOrThrow();
        await k.insertInto('case_posts').values({ case_id: c.id, post_id: postId }).execute();
      };
      await mkCase(1, 'jsk', '工地夜间施工', '建筑工地夜间施工噪音大');
      await mkCase(2, 'jsk', '工地扬尘', '工地渣土车扬尘严重');
      await mkCase(3, 'jsk', '施工', '工地塔吊施工影响休息');
      await mkCase(4, 'zfk', '公租房', '公租房申请一直没有消息');
      // A message-board post whose official reply is signed by 住房保障科 (not a case).
      const boardPost = await insertPost(db, '廉租房', '廉租房排队多久能分到');
      await k.insertInto('post_replies').values({ post_id: boardPost, external_id: 'r1', author: '官方', text: '您好，您反映的问题已转交办理。特此回复。\nA市住房保障科\n2026年3月1日', fetched_at: now }).execute();
      const anotherBoardPost = await insertPost(db, '保障房', '保障房分配不公平');
      await k.insertInto('post_replies').values({ post_id: anotherBoardPost, external_id: 'r2', author: '官方', text: '感谢您的关注。住房保障科 2026年3月2日', fetched_at: now }).execute();
      const [res] = await retrainModels(k, ['department']);
      assert.equal(res.trained, true);
      assert.equal(res.examples, 6);
      const analyzer = await loadLanguageAnalyzer(k);
      assert.equal(analyzer.analyze({ text: '工地晚上施工太吵' }).learnedDepartment, 'jsk');
      const housing = analyzer.analyze({ text: '公租房和廉租房的申请进度' });
      assert.equal(housing.learnedDepartment, 'zfk');
      assert.match(housing.departmentReasons[0], /从历史案件与标注学习/);
    });

    test('workspace sections: taxonomy and dictionary apply idempotently, export back, and drive analysis', async () => {
      const yaml = `
taxonomy:
  - path: 城乡建设/物业管理
    keywords: [物业, 电梯]
    department: zfk
  - path: 市政/道路/路灯
    keywords: [路灯]
dictionary:
  - { word: 沿港西路, kind: road }
  - 某某花园
`;
      const first = await applyWorkspace(db.kysely, admin, yaml);
      assert.equal(first.sections.dictionary.created, 2);
      assert.ok(first.sections.taxonomy.created >= 2, 'new topics and their parents');
      const second = await applyWorkspace(db.kysely, admin, yaml);
      assert.equal(second.changed, 0);
      const exported = await exportWorkspace(db.kysely);
      assert.match(exported, /沿港西路/);
      assert.match(exported, /path: 市政\/道路\/路灯/);
      const analyzer = await getLanguageAnalyzer(db.kysely);
      const r = analyzer.analyze({ text: '沿港西路的路灯坏了' });
      assert.ok(r.tokens.includes('沿港西路'));
      assert.equal(r.topic, '市政/道路/路灯');
      const lift = analyzer.analyze({ text: '某某花园的电梯又坏了' });
      assert.ok(lift.tokens.includes('某某花园'));
      assert.equal(lift.topicDepartment, 'zfk');
      await assert.rejects(applyWorkspace(db.kysely, admin, 'taxonomy:\n  - path: "a//b"\n    department: nope\ndictionary:\n  - "两 个"\n'), (e: any) => e.issues.length === 3);
    });
  });
}
