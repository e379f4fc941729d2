import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { acknowledgeAlert } from '../../src/alert/alerts.ts';
import { deliverDue } from '../../src/alert/delivery.ts';
import { escalateUnacknowledged } from '../../src/alert/escalation.ts';
import { saveAlertSettings } from '../../src/alert/settings.ts';
import { createWatchRule } from '../../src/analyze/rules/store.ts';
import { cliActor } from '../../src/auth/actor.ts';
import { testDatabases } from '../helpers/db.ts';
import { addChannel, alertWorld, enqueue, plus, type AlertWorld } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`escalation [${tdb.kind}]`, () => {
    let w: AlertWorld;
    let dept: number;
    let rule: number;
    let office: number;
    let leaders: number;
    beforeEach(async () => {
      w = await alertWorld(tdb);
      await saveAlertSettings(w.db.kysely, { escalateAfterMinutes: 30, redEscalateAfterMinutes: 15 });
      rule = (await createWatchRule(w.db.kysely, cliActor(), { name: '小区漏水', expression: '漏水' })).id;
      dept = (await addChannel(w, { name: '住房科群', kind: 'inapp', department_id: w.departments.zfk })).id;
      office = (await addChannel(w, { name: '办公室群', kind: 'inapp', department_id: w.departments.office, rule_names: ['小区漏水'] })).id;
      leaders = (await addChannel(w, { name: '领导', kind: 'inapp', audience: 'leaders', config: { roles: ['leader'] } })).id;
    });
    afterEach(() => w.drop());

    const byChannel = async (id: number) => w.db.kysely.selectFrom('alerts').selectAll().where('channel_id', '=', id).orderBy('id').execute();

    test('an unacknowledged alert escalates to the office once, after the configured time', async () => {
      await enqueue(w, { key: 'post:1|rule:小区漏水', ruleId: rule, departmentId: w.departments.zfk, level: 'orange' });
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      assert.equal((await byChannel(office)).length, 1, 'the office saw the original');
      assert.equal((await byChannel(leaders)).length, 0, 'leaders get only what is addressed to them');
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 29 * 60_000)), 0);
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 31 * 60_000)), 1);
      const esc = (await byChannel(office)).filter((a) => a.kind === 'escalation');
      assert.equal(esc.length, 1);
      assert.match(esc[0].title, /无人确认/);
      assert.equal(esc[0].escalation_of, 'post:1|rule:小区漏水');
      assert.equal((await byChannel(leaders)).length, 0, 'not red: the leaders are not bothered');
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 120 * 60_000)), 0, 'once');
    });

    test('a red alert goes to the leaders too, after the shorter red time', async () => {
      await enqueue(w, { key: 'post:2|rule:小区漏水', ruleId: rule, departmentId: w.departments.zfk, level: 'red' });
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 16 * 60_000)), 1);
      const lead = await byChannel(leaders);
      assert.equal(lead.length, 1);
      assert.equal(lead[0].level, 'red');
      assert.match(lead[0].title, /领导/);
    });

    test('acknowledging any alert of the matter stops escalation', async () => {
      await enqueue(w, { key: 'post:3|rule:小区漏水', ruleId: rule, departmentId: w.departments.zfk, level: 'red' });
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      const [mine] = await byChannel(dept);
      const acked = await acknowledgeAlert(w.db.kysely, cliActor(), mine.id);
      assert.ok(acked.acknowledged_at);
      const all = await w.db.kysely.selectFrom('alerts').select(['acknowledged_at']).where('matter_key', '=', 'post:3|rule:小区漏水').execute();
      assert.ok(all.length === 2 && all.every((a) => a.acknowledged_at), 'the office copy counts as acknowledged too');
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 3 * 3600_000)), 0);
    });

    test('acknowledging a digest acknowledges every alert folded into it', async () => {
      // A group channel folds a flood into one digest (in-app holds back each person's flood instead: recipients.ts).
      dept = (await addChannel(w, { name: '住房科机器人', kind: 'webhook', config: { url: 'http://127.0.0.1:9/in', secret: 'esc-secret-1' }, department_id: w.departments.zfk })).id;
      await saveAlertSettings(w.db.kysely, { digestThreshold: 1 });
      for (let i = 0; i < 4; i++) await enqueue(w, { key: `post:${10 + i}|rule:小区漏水`, ruleId: rule, departmentId: w.departments.zfk, level: 'yellow' });
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      const digest = (await byChannel(dept)).find((a) => a.kind === 'digest');
      assert.ok(digest, 'a digest was sent');
      await acknowledgeAlert(w.db.kysely, cliActor(), digest.id);
      const folded = await w.db.kysely.selectFrom('alerts').select(['matter_key', 'acknowledged_at']).where('digest_id', '=', digest.id).execute();
      assert.equal(folded.length, 3);
      assert.ok(folded.every((f) => f.acknowledged_at));
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 3 * 3600_000)), 1, 'only the alert sent on its own, never acknowledged, escalates');
    });

    test('what falls due in one round goes out as one message per recipient; a replied or closed case never escalates', async () => {
      const now = new Date().toISOString();
      const addCase = async (seq: number, state: 'closed' | 'replied' | 'drafting') =>
        (await w.db.kysely.insertInto('cases').values({ number: `2026-90${seq}`, year: 2026, seq: 900 + seq, title: `处置单 ${seq}`, state, level: 'orange', opened_at: now, updated_at: now, overdue: 0 }).returning('id').executeTakeFirstOrThrow()).id;
      const closed = await addCase(1, 'closed');
      const replied = await addCase(2, 'replied');
      const drafting = await addCase(3, 'drafting');
      await enqueue(w, { key: 'post:31|alert', title: '已办结的事', ruleId: rule, departmentId: w.departments.zfk, caseId: closed });
      await enqueue(w, { key: 'post:32|alert', title: '已答复的事', ruleId: rule, departmentId: w.departments.zfk, caseId: replied });
      await enqueue(w, { key: 'post:33|alert', title: '拟稿中的事', ruleId: rule, departmentId: w.departments.zfk, caseId: drafting });
      await enqueue(w, { key: 'post:34|alert', title: '还没立案的事', ruleId: rule, departmentId: w.departments.zfk, level: 'yellow' });
      await enqueue(w, { key: 'post:35|alert', title: '红色的事', ruleId: rule, departmentId: w.departments.zfk, level: 'red' });
      const t0 = new Date();
      await deliverDue(w.ctx, { now: () => t0 });
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 31 * 60_000)), 3, 'the three still waiting');
      const esc = (await byChannel(office)).filter((a) => a.kind === 'escalation');
      assert.equal(esc.length, 1, 'one message for the round, not one per alert');
      assert.match(esc[0].title, /3 条预警无人确认/);
      assert.equal(esc[0].level, 'red', 'as urgent as its most urgent matter (quiet hours let red through)');
      for (const title of ['拟稿中的事', '还没立案的事', '红色的事']) assert.match(esc[0].body, new RegExp(title));
      for (const title of ['已办结的事', '已答复的事']) assert.doesNotMatch(esc[0].body, new RegExp(title));
      const lead = (await byChannel(leaders)).filter((a) => a.kind === 'escalation');
      assert.equal(lead.length, 1, 'the leaders: the red one');
      assert.match(lead[0].title, /红色的事/);
      assert.equal(await escalateUnacknowledged(w.ctx, plus(t0, 120 * 60_000)), 0, 'once');
      // Acknowledging the round's message acknowledges every matter it lists.
      await acknowledgeAlert(w.db.kysely, cliActor(), esc[0].id);
      const listed = await w.db.kysely.selectFrom('alerts').select(['matter_key', 'acknowledged_at']).where('matter_key', 'in', ['post:33|alert', 'post:34|alert', 'post:35|alert']).execute();
      assert.ok(listed.length >= 3 && listed.every((a) => a.acknowledged_at), JSON.stringify(listed));
    });

    test('an alert not yet delivered does not escalate', async () => {
      await enqueue(w, { key: 'post:4|rule:小区漏水', ruleId: rule, departmentId: w.departments.zfk });
      assert.equal(await escalateUnacknowledged(w.ctx, plus(new Date(), 3 * 3600_000)), 0);
    });
  });
}
