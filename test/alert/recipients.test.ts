import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { unreadInapp } from '../../src/alert/alerts.ts';
import { deliverDue } from '../../src/alert/delivery.ts';
import { flushPersonalDigests } from '../../src/alert/digests.ts';
import { changeMyPreferences } from '../../src/alert/preferences.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import { changeTimeSettings } from '../../src/time/settings.ts';
import { workspaceZone } from '../../src/time/zone.ts';
import { createWatchRule } from '../../src/analyze/rules/store.ts';
import { openCase } from '../../src/cases/open.ts';
import { updateCase } from '../../src/cases/workflow.ts';
import { cliActor, type Actor } from '../../src/auth/actor.ts';
import { ingestBatch } from '../../src/collect/ingest.ts';
import { hashToken } from '../../src/collect/manage.ts';
import { importFile } from '../../src/collect/importer/import.ts';
import { testDatabases } from '../helpers/db.ts';
import { addSource } from '../collect/helpers.ts';
import { addChannel, alertWorld, type AlertWorld } from './helpers.ts';
import { smtpStandin, wecomStandin, type Standin } from './standins.ts';

/** Beijing wall clock of an instant, computed here without the code under test: "2026-12-08 00:26". */
const beijing = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Issue 18 end to end: posts pushed in, analysed, alerted through a WeCom robot stand-in and
 * in-app. One message per post per recipient naming every matched rule, Beijing time in the text,
 * the routed department and the office get it, a leader orange and red at once and the rest in a
 * digest, admins nothing; our own posts, old posts, history imports and 参考 sources alert nobody
 * and open no case.
 */
for (const tdb of testDatabases) {
  describe(`who gets what [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let zfkBot: Standin;
    let officeBot: Standin;
    let inapp: number;
    let sourceId: number;
    let people: Record<string, Actor>;
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();

    beforeEach(async () => {
      w = await alertWorld(tdb);
      zfkBot = await wecomStandin('zfk-key');
      officeBot = await wecomStandin('office-key');
      await addChannel(w, { name: '住房科群', kind: 'wecom', config: { key: 'zfk-key', baseUrl: zfkBot.url }, department_id: w.departments.zfk });
      await addChannel(w, { name: '办公室群', kind: 'wecom', config: { key: 'office-key', baseUrl: officeBot.url }, department_id: w.departments.office });
      // The all-department 一般 channel that used to reach everyone.
      inapp = (await addChannel(w, { name: '站内通知', kind: 'inapp', min_level: 'blue' })).id;
      await createWatchRule(w.db.kysely, cliActor(), { name: '小区漏水', expression: '漏水', department: 'zfk', min_level: 'orange' });
      await createWatchRule(w.db.kysely, cliActor(), { name: '物业投诉', expression: '物业', department: 'zfk', min_level: 'blue' });
      const source = await addSource(w.db, { name: '民生推送', kind: 'push', department_id: null });
      sourceId = source.id;
      // Added a day ago: what was published since then is new.
      await w.db.kysely.updateTable('sources').set({ push_token_hash: hashToken('push-18'), created_at: dayAgo }).where('id', '=', source.id).execute();
      const users = await w.db.kysely.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department_id']).execute();
      people = Object.fromEntries(users.map((u) => [u.username, { id: u.id, name: u.display_name, role: u.role, departmentId: u.department_id, via: 'api' } as Actor]));
    });
    afterEach(async () => {
      await zfkBot.close();
      await officeBot.close();
      await w.drop();
    });

    const push = (posts: object[]) => ingestBatch(w.ctx, 'push-18', { posts } as never);
    const deliver = async (now = new Date()) => {
      for (let r = await deliverDue(w.ctx, { now: () => now }); r.more; r = await deliverDue(w.ctx, { now: () => now }));
    };
    const unread = async (username: string) => (await unreadInapp(w.db.kysely, people[username], 500)).length;
    const casesOf = async (postId: number) => (await w.db.kysely.selectFrom('case_posts').select('case_id').where('post_id', '=', postId).execute()).length;
    const postId = async (externalId: string) => (await w.db.kysely.selectFrom('posts').select('id').where('source_id', '=', sourceId).where('external_id', '=', externalId).executeTakeFirstOrThrow()).id;

    test('one Chinese message per post per group and per person, naming every matched rule, in Beijing time', async () => {
      const published = Date.now() - 20 * 60_000;
      await push([{ id: 'a1', title: '幸福家园地下车库漏水', text: '幸福家园地下车库漏水一个月，物业不管，业主非常愤怒，强烈要求住建局处理！', author: '业主甲', published_at: new Date(published).toISOString() }]);
      await deliver();
      assert.equal(zfkBot.received.length, 1, 'the routed department: one message, not one per rule');
      assert.equal(officeBot.received.length, 1, 'the office, for triage: one message');
      const text: string = zfkBot.received[0].markdown.content;
      assert.match(text, /小区漏水/);
      assert.match(text, /物业投诉/);
      assert.ok(text.includes(`发布时间：${beijing(published)}`), text);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'no UTC ISO time in the text');

      const rows = await w.db.kysely.selectFrom('alerts').select(['id', 'level']).where('channel_id', '=', inapp).execute();
      assert.equal(rows.length, 1, 'in-app: one alert row for the post');
      const level = rows[0].level;
      const high = level === 'orange' || level === 'red';
      assert.equal(await unread('resp_zf'), level === 'blue' ? 0 : 1, 'the routed department: at once from yellow');
      assert.equal(await unread('office1'), high ? 1 : 0, 'the office: at once from orange (the rest in its digest)');
      assert.equal(await unread('leader1'), high ? 1 : 0, 'a leader: orange and red at once');
      assert.ok(high, `precondition: the angry post is orange or red, got ${level}`);
      assert.equal(await unread('admin1'), 0, 'admins: system notices only');
      assert.equal(await unread('resp_js'), 0, 'another department: nothing');
      assert.equal(await unread('head_js'), 0, 'another department: nothing');

      // Collected again (a re-push with new numbers): nothing more.
      await push([{ id: 'a1', title: '幸福家园地下车库漏水', text: '幸福家园地下车库漏水一个月，物业不管，业主非常愤怒，强烈要求住建局处理！', author: '业主甲', published_at: new Date(published).toISOString(), metrics: { views: 900, replies: 40 } }]);
      await deliver();
      assert.equal(zfkBot.received.length, 1);
      assert.equal(officeBot.received.length, 1);
      assert.equal((await w.db.kysely.selectFrom('alerts').select('id').where('channel_id', '=', inapp).execute()).length, 1);
    });

    test('below orange a leader gets the post in the digest, at the digest time, as one unread item', async () => {
      await push([{ id: 'b1', title: '建议小区物业公示收费标准', text: '建议小区物业在公告栏公示收费标准，方便业主了解。', author: '业主乙', published_at: new Date(Date.now() - 5 * 60_000).toISOString() }]);
      await push([{ id: 'b2', title: '建议物业增加绿化', text: '建议小区物业增加绿化养护的次数。', author: '业主丙', published_at: new Date(Date.now() - 4 * 60_000).toISOString() }]);
      await deliver();
      const levels = await w.db.kysely.selectFrom('posts').select('risk_level').where('source_id', '=', sourceId).execute();
      assert.ok(levels.every((l) => l.risk_level === 'blue' || l.risk_level === 'yellow'), `precondition: below orange, got ${JSON.stringify(levels)}`);
      assert.equal(await unread('leader1'), 0, 'nothing at once');
      assert.equal(await unread('resp_zf'), levels.filter((l) => l.risk_level === 'yellow').length, 'the department: yellow at once, blue in its digest');
      const modes = await w.db.kysely.selectFrom('alert_recipients').select(['user_id', 'mode']).where('user_id', '=', people.leader1.id!).execute();
      assert.deepEqual(modes.map((m) => m.mode), ['digest', 'digest']);
      // A digest time passes (the defaults are 08:30, 12:00 and 17:30 Beijing time; the latest is at most ~15 h away).
      const later = new Date(Date.now() + 16 * 3_600_000);
      const run = await flushPersonalDigests(w.ctx, later);
      assert.ok(run.digests >= 1);
      await deliver(later);
      const leaderUnread = await unreadInapp(w.db.kysely, people.leader1, 500);
      assert.equal(leaderUnread.length, 1, 'one digest, however many posts');
      assert.equal(leaderUnread[0].kind, 'digest');
      assert.match(leaderUnread[0].body, /建议小区物业公示收费标准/);
      assert.match(leaderUnread[0].body, /建议物业增加绿化/);
      assert.equal((await flushPersonalDigests(w.ctx, new Date(later.getTime() + 60_000))).digests, 0, 'written once');
    });

    test('a digest also comes by e-mail, to the person alone, at the digest time the person chose', async () => {
      const smtp = await smtpStandin({ user: 'yq@example.gov.cn', pass: 'smtp-pass' });
      try {
        await addChannel(w, { name: '个人邮件', kind: 'email', min_level: 'blue', config: { host: '127.0.0.1', port: smtp.port, tls: 'starttls', allowSelfSigned: true, user: 'yq@example.gov.cn', password: 'smtp-pass', from: '民声 <yq@example.gov.cn>', to: ['group@example.gov.cn'], to_recipients: true } });
        await w.db.kysely.updateTable('users').set({ email: 'leader@example.gov.cn' }).where('id', '=', people.leader1.id!).execute();
        await w.db.kysely.updateTable('users').set({ email: 'zf@example.gov.cn' }).where('id', '=', people.resp_zf.id!).execute();
        await changeMyPreferences(w.db.kysely, people.leader1, { digestTimes: ['09:00'] });
        await push([{ id: 'd1', title: '建议小区物业公示收费标准', text: '建议小区物业在公告栏公示收费标准，方便业主了解。', author: '业主乙', published_at: new Date(Date.now() - 5 * 60_000).toISOString() }]);
        await deliver();
        const level = (await w.db.kysely.selectFrom('posts').select('risk_level').where('source_id', '=', sourceId).executeTakeFirstOrThrow()).risk_level;
        assert.ok(level === 'blue' || level === 'yellow', `precondition: below orange, got ${level}`);
        const before = smtp.received.length;
        assert.ok(!smtp.received.some((m) => m.to.includes('leader@example.gov.cn')), 'what the leader takes in the digest is not mailed at once');
        // 09:00 Beijing (01:00 UTC) next: a minute before it nothing, a minute after it one digest, in-app and by mail.
        const nine = new Date(new Date().toISOString().slice(0, 10) + 'T01:00:00.000Z');
        if (nine.getTime() <= Date.now()) nine.setUTCDate(nine.getUTCDate() + 1);
        const early = await flushPersonalDigests(w.ctx, new Date(nine.getTime() - 60_000));
        assert.ok(!(await w.db.kysely.selectFrom('alerts').innerJoin('alert_recipients as r', 'r.alert_id', 'alerts.id').select('alerts.id').where('alerts.kind', '=', 'digest').where('r.user_id', '=', people.leader1.id!).executeTakeFirst()), `not before 09:00: ${JSON.stringify(early)}`);
        await flushPersonalDigests(w.ctx, new Date(nine.getTime() + 60_000));
        await deliver(new Date(nine.getTime() + 60_000));
        const mails = smtp.received.slice(before).filter((m) => m.to.includes('leader@example.gov.cn'));
        assert.equal(mails.length, 1, 'one e-mail digest');
        assert.deepEqual(mails[0].to, ['leader@example.gov.cn'], 'to the person alone, not the group address');
        const raw = mails[0].raw;
        assert.match(raw, /Subject: =\?UTF-8\?/i);
        const leaderUnread = await unreadInapp(w.db.kysely, people.leader1, 500);
        assert.deepEqual(leaderUnread.map((a) => a.kind), ['digest'], 'one unread in-app item, the e-mail is not another');
        // Switched off e-mail: the next digest is in-app only.
        await changeMyPreferences(w.db.kysely, people.leader1, { email: false });
        await push([{ id: 'd2', title: '建议物业增加绿化', text: '建议小区物业增加绿化养护的次数。', author: '业主丙', published_at: new Date(Date.now() - 4 * 60_000).toISOString() }]);
        await deliver();
        const n = smtp.received.length;
        const next = new Date(nine.getTime() + 86_400_000 + 60_000);
        await flushPersonalDigests(w.ctx, next);
        await deliver(next);
        assert.equal(smtp.received.slice(n).filter((m) => m.to.includes('leader@example.gov.cn')).length, 0);
        assert.equal((await unreadInapp(w.db.kysely, people.leader1, 500)).length, 2);
      } finally {
        await smtp.close();
      }
    });

    test('each person sets what they receive, within what the office allows', async () => {
      await assert.rejects(changeMyPreferences(w.db.kysely, people.resp_zf, { nowLevel: 'red' }), (e: { userMessage?: string }) => /最高只能设为/.test(e.userMessage ?? ''));
      const mine = await changeMyPreferences(w.db.kysely, people.resp_zf, { nowLevel: 'orange', digest: true, digestTimes: ['09:00'] });
      assert.equal(mine.effective.nowLevel, 'orange');
      assert.deepEqual(mine.effective.digestTimes, ['09:00']);
      await push([{ id: 'c1', title: '建议小区物业公示收费标准', text: '建议小区物业在公告栏公示收费标准，方便业主了解。', author: '业主乙', published_at: new Date(Date.now() - 5 * 60_000).toISOString() }]);
      await deliver();
      const level = (await w.db.kysely.selectFrom('posts').select('risk_level').where('source_id', '=', sourceId).executeTakeFirstOrThrow()).risk_level;
      assert.ok(level === 'blue' || level === 'yellow', `precondition: below orange, got ${level}`);
      assert.equal(await unread('resp_zf'), 0, 'below my level: in my digest, not at once');
      assert.equal(zfkBot.received.length, 1, 'the group chat is not a personal choice');
    });

    test("the workspace time zone is a setting: alert texts follow it, stored times stay UTC", async () => {
      await w.db.kysely.transaction().execute((trx) => changeTimeSettings(trx, cliActor(), { zone: 'Asia/Urumqi' }));
      try {
        assert.equal(workspaceZone(), 'Asia/Urumqi', 'applied once the change commits');
        const published = Date.UTC(2026, 11, 7, 16, 26);
        await w.db.kysely.updateTable('sources').set({ created_at: '2026-01-01T00:00:00.000Z' }).where('id', '=', sourceId).execute();
        await saveAlertSettings(w.db.kysely, { oldPostHours: 0 });
        await push([{ id: 'z1', title: '车库漏水', text: '幸福家园地下车库漏水，物业不管。', published_at: new Date(published).toISOString() }]);
        await deliver();
        const text: string = zfkBot.received[0].markdown.content;
        assert.ok(text.includes('发布时间：2026-12-07 22:26'), text);
        const stored = await w.db.kysely.selectFrom('posts').select('published_at').where('source_id', '=', sourceId).executeTakeFirstOrThrow();
        assert.equal(stored.published_at, '2026-12-07T16:26:00.000Z');
      } finally {
        await w.db.kysely.transaction().execute((trx) => changeTimeSettings(trx, cliActor(), { zone: 'Asia/Shanghai' }));
      }
      assert.equal(workspaceZone(), 'Asia/Shanghai');
    });

    test('our own posts, old posts, history imports and 参考 sources alert nobody and open no case', async () => {
      await w.db.kysely.insertInto('responder_accounts').values({ user_id: people.resp_zf.id!, site: '民生推送', username: '住房科小李', created_at: new Date().toISOString() }).execute();
      const angry = '幸福家园地下车库漏水一个月，物业不管，业主非常愤怒，强烈要求住建局处理！';
      await push([
        { id: 'ours', title: '关于幸福家园地下车库漏水的情况说明', text: `${angry}（情况说明）`, author: '住房科小李', published_at: new Date(Date.now() - 60_000).toISOString() },
        { id: 'old', title: '去年的车库漏水', text: angry, author: '业主丁', published_at: new Date(Date.now() - 2 * 86_400_000).toISOString() },
      ]);
      const history = await addSource(w.db, { name: '去年导出', kind: 'import' });
      await importFile(w.ctx, cliActor(), history, 'last-year.csv', Buffer.from(`标题,内容\n车库漏水,${angry}\n`), {}, { history: true });
      const reference = await addSource(w.db, { name: '邻县论坛', kind: 'push' });
      await w.db.kysely.updateTable('sources').set({ reference: 1, push_token_hash: hashToken('ref-18'), created_at: dayAgo }).where('id', '=', reference.id).execute();
      await ingestBatch(w.ctx, 'ref-18', { posts: [{ id: 'r1', title: '邻县小区车库漏水', text: angry, published_at: new Date(Date.now() - 60_000).toISOString() }] } as never);
      await deliver();

      const standings = await w.db.kysely.selectFrom('posts').select(['title', 'standing', 'analyzed_at', 'id']).orderBy('id').execute();
      assert.deepEqual(standings.map((p) => p.standing), ['ours', 'old', 'history', 'reference']);
      assert.ok(standings.every((p) => p.analyzed_at), 'stored and analysed all the same');
      for (const p of standings) assert.equal(await casesOf(p.id), 0, `${p.standing}: no case`);
      assert.equal(zfkBot.received.length + officeBot.received.length, 0, 'no group message');
      for (const u of ['resp_zf', 'office1', 'leader1', 'admin1']) assert.equal(await unread(u), 0, `${u}: nothing at once`);
      const ref = await w.db.kysely.selectFrom('alert_recipients').innerJoin('alerts', 'alerts.id', 'alert_recipients.alert_id').select(['alert_recipients.user_id', 'alert_recipients.mode']).where('alerts.post_id', '=', standings[3].id).execute();
      assert.deepEqual(ref, [{ user_id: people.office1.id, mode: 'digest' }], '参考: the office digest only');
      assert.equal(await postId('ours'), standings[0].id);
    });

    test('a proposal of the emergency clocks reaches the office and the leaders once: in the post’s alert, or a message of its own', async () => {
      const leadersBot = await wecomStandin('leaders-key');
      try {
        await addChannel(w, { name: '领导群', kind: 'wecom', config: { key: 'leaders-key', baseUrl: leadersBot.url }, audience: 'leaders', min_level: 'orange' });
        // Analysis opens a 重大 case from an angry post: the proposal rides in the post's one message.
        await push([{ id: 'e1', title: '幸福家园地下车库漏水', text: '幸福家园地下车库漏水一个月，物业不管，业主非常愤怒，强烈要求住建局处理！', author: '业主甲', published_at: new Date(Date.now() - 60_000).toISOString() }]);
        await deliver();
        const auto = await w.db.kysely.selectFrom('cases').select(['id', 'number', 'emergency_proposed', 'level']).executeTakeFirstOrThrow();
        assert.deepEqual([auto.emergency_proposed, ['orange', 'red'].includes(auto.level)], [1, true], 'precondition: a 重大 case proposing the clocks');
        assert.equal(officeBot.received.length, 1, 'the office group: one message for the post');
        assert.match(officeBot.received[0].markdown.content, new RegExp(`已登记处置单 ${auto.number}，建议按重大突发事件处置`));
        assert.equal(await unread('office1'), 1);
        assert.equal(await unread('leader1'), 1);

        // The office opens a 特别重大 case by hand: a message of its own, to the office and the leaders only.
        const office = people.office1;
        const c = await openCase(w.db.kysely, office, { title: '化工园区爆炸传闻', level: 'red', lead_department_id: w.departments.zfk });
        assert.equal(c.emergency_proposed, 1);
        await deliver();
        assert.equal(officeBot.received.length, 2);
        const text: string = officeBot.received[1].markdown.content;
        assert.match(text, /【突发事件时限待确认】/);
        assert.match(text, /化工园区爆炸传闻/);
        assert.match(text, /5小时内发布权威信息，24小时内举行新闻发布会/);
        assert.equal(leadersBot.received.length, 1, 'the leaders’ group too');
        assert.match(leadersBot.received[0].markdown.content, /【突发事件时限待确认】/);
        assert.equal(zfkBot.received.length, 1, 'the department’s group: only the post, not the proposal (the office decides)');
        assert.equal(await unread('office1'), 2);
        assert.equal(await unread('leader1'), 2, 'one in-app message, not one per in-app channel');
        assert.equal(await unread('admin1'), 0);
        const kinds = async (u: string) => (await unreadInapp(w.db.kysely, people[u], 500)).map((a) => a.kind);
        assert.ok(!(await kinds('resp_zf')).includes('case.emergency'), 'the department’s responders: not theirs to decide');

        // Set aside, then the office raises another case to 重大: proposed and told again.
        await updateCase(w.db.kysely, office, c.id, { emergency: false });
        const small = await openCase(w.db.kysely, office, { title: '小区路灯不亮', level: 'yellow', lead_department_id: w.departments.zfk });
        await deliver();
        assert.equal(officeBot.received.length, 2, 'below 重大: nothing proposed');
        const raised = await updateCase(w.db.kysely, office, small.id, { level: 'orange' });
        assert.equal(raised.emergency_proposed, 1);
        await deliver();
        assert.equal(officeBot.received.length, 3);
        assert.match(officeBot.received[2].markdown.content, /小区路灯不亮/);
      } finally {
        await leadersBot.close();
      }
    });
  });
}
