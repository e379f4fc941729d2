import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../src/db/connect.ts';
import { testDatabases } from '../helpers/db.ts';
import { caseWorld, type CaseWorld } from './helpers.ts';

for (const tdb of testDatabases) {
  describe(`emergencies through the API [${tdb.kind}]`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let w: CaseWorld;

    before(async () => {
      const created = await tdb.create();
      db = created.db;
      drop = created.drop;
      w = await caseWorld(db);
    });
    after(async () => {
      await w.close();
      await drop();
    });

    test('declaring a 重大 emergency switches the case to the 5 h / 24 h clocks; the press conference is recorded', async () => {
      const c = await w.as.office.post('/api/cases', { title: '化工厂爆炸传闻', lead_department_id: w.depts.jsk, level: 'yellow' });
      assert.equal(c.body.deadline_kind, 'same_day');
      const press0 = await w.as.office.post(`/api/cases/${c.body.id}/press-conference`, {});
      assert.equal(press0.status, 400);
      assert.equal(press0.body.error.message, '只有重大、特别重大突发事件需要登记新闻发布会');
      assert.equal((await w.as.resp_js.patch(`/api/cases/${c.body.id}`, { emergency: true })).status, 403, 'only the office declares it');
      const e = await w.as.office.patch(`/api/cases/${c.body.id}`, { level: 'orange', emergency: true });
      assert.equal(e.status, 200, JSON.stringify(e.body));
      assert.equal(e.body.deadline_kind, 'emergency_5h');
      const opened = Date.parse(c.body.opened_at);
      assert.equal(Date.parse(e.body.deadline_at) - opened, 5 * 3_600_000);
      assert.equal(Date.parse(e.body.press_deadline_at) - opened, 24 * 3_600_000);
      assert.equal(e.body.hard, 1, 'raised to 重大: replies now need a leader');
      const bad = await w.as.office.post(`/api/cases/${c.body.id}/press-conference`, { held_at: 'tomorrow' });
      assert.equal(bad.status, 400);
      const held = await w.as.office.post(`/api/cases/${c.body.id}/press-conference`, { held_at: '2026-11-25T08:00:00Z', comment: '县政府新闻办召开' });
      assert.equal(held.status, 200);
      assert.equal(held.body.press_held_at, '2026-11-25T08:00:00.000Z');
      const events = (await w.as.office.get(`/api/cases/${c.body.id}`)).body.events.map((x: { kind: string }) => x.kind);
      assert.deepEqual(events, ['open', 'update', 'press_conference']);
    });

    test('a 重大 case proposes the 5 h / 24 h clocks: the office confirms in one click, or sets them aside', async () => {
      const plain = await w.as.office.post('/api/cases', { title: '小区绿化', lead_department_id: w.depts.jsk, level: 'yellow' });
      assert.equal(plain.body.emergency_proposed, 0, 'below 重大: nothing proposed');
      const c = await w.as.office.post('/api/cases', { title: '化工厂爆炸传闻二', lead_department_id: w.depts.jsk, level: 'orange' });
      assert.equal(c.body.emergency_proposed, 1, 'proposed, not imposed');
      assert.equal(c.body.emergency, 0);
      assert.equal(c.body.deadline_kind, 'same_day');
      const confirmed = await w.as.office.patch(`/api/cases/${c.body.id}`, { emergency: true });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.deepEqual([confirmed.body.emergency, confirmed.body.emergency_proposed, confirmed.body.deadline_kind], [1, 0, 'emergency_5h']);
      assert.equal(Date.parse(confirmed.body.press_deadline_at) - Date.parse(c.body.opened_at), 24 * 3_600_000);
      const other = await w.as.office.post('/api/cases', { title: '暴雨内涝', lead_department_id: w.depts.jsk, level: 'red' });
      const aside = await w.as.office.patch(`/api/cases/${other.body.id}`, { emergency: false });
      assert.deepEqual([aside.body.emergency, aside.body.emergency_proposed, aside.body.deadline_kind], [0, 0, 'same_day']);
      const raised = await w.as.office.patch(`/api/cases/${plain.body.id}`, { level: 'orange' });
      assert.equal(raised.body.emergency_proposed, 1, 'raised to 重大: proposed');
    });

    test('the office waives a commitment with a reason (audited), and the case can close', async () => {
      const c = await w.as.office.post('/api/cases', { title: '小区绿化被毁', lead_department_id: w.depts.jsk });
      const id = c.body.id;
      await w.as.office.post(`/api/cases/${id}/assign`, {});
      const r = await w.as.resp_js.post(`/api/cases/${id}/responses`, { situation: '经查，绿化带系施工车辆碾压损毁', measures: '已要求施工单位本月内补种' });
      await w.as.resp_js.post(`/api/responses/${r.body.id}/submit`);
      await w.as.head_js.post(`/api/responses/${r.body.id}/approve`, {});
      await w.as.resp_js.post(`/api/responses/${r.body.id}/posted`, { url: 'http://127.0.0.1/t/5' });
      const ghostOwner = await w.as.resp_js.post(`/api/cases/${id}/commitments`, { what: '补种', owner_id: 99999, due_at: '2026-12-31T09:30:00Z' });
      assert.equal(ghostOwner.status, 400);
      assert.equal(ghostOwner.body.error.message, '责任人（用户编号 99999）不存在或已停用');
      const badDue = await w.as.resp_js.post(`/api/cases/${id}/commitments`, { what: '补种', due_at: '下周' });
      assert.equal(badDue.status, 400);
      const k = await w.as.resp_js.post(`/api/cases/${id}/commitments`, { what: '本月内补种绿化', due_at: '2026-12-31T09:30:00Z', owner_id: w.users.resp_js });
      assert.equal(k.status, 201);
      assert.equal(k.body.department_id, w.depts.jsk, 'owned by the lead department by default');
      assert.equal((await w.as.office.post(`/api/commitments/${k.body.id}/waive`, {})).status, 400, 'a waiver needs a reason');
      const waived = await w.as.office.post(`/api/commitments/${k.body.id}/waive`, { reason: '业主委员会决定改建为停车位，不再补种' });
      assert.equal(waived.status, 200);
      assert.equal(waived.body.status, 'waived');
      assert.equal((await w.as.resp_js.post(`/api/commitments/${k.body.id}/done`, { result_url: 'http://127.0.0.1/x' })).status, 409);
      // The reply recorded at /t/5 was never seen there: closing asks for a reason, which the ledger keeps.
      const unverified = await w.as.office.post(`/api/cases/${id}/close`, {});
      assert.equal(unverified.status, 409);
      assert.equal(unverified.body.error.code, 'close_needs_reason');
      assert.deepEqual(unverified.body.error.details, { instructions: 0, unverified: 1, commitments: 0 });
      const closed = await w.as.office.post(`/api/cases/${id}/close`, { reason: '回复帖已被论坛管理员合并，无法核实' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.close_reason, '回复帖已被论坛管理员合并，无法核实');
      const audit = await w.as.office.get(`/api/audit?entity=commitment&entityId=${k.body.id}`);
      assert.ok(audit.body.some((a: { action: string; actor_name: string }) => a.action === 'commitment.waived' && a.actor_name === '办公室小王'));
    });

    test('bad input to the case endpoints gets a specific Chinese message', async () => {
      const none = await w.as.office.post('/api/cases', {});
      assert.equal(none.status, 400);
      assert.equal(none.body.error.message, '请至少选择一条信息或一个事件，或填写标题');
      const wrongLevel = await w.as.office.post('/api/cases', { title: 'x', level: 'purple' });
      assert.equal(wrongLevel.status, 400);
      assert.match(wrongLevel.body.error.message, /^提交的内容不符合要求/);
      const c = await w.as.office.post('/api/cases', { title: '协办测试', lead_department_id: w.depts.jsk });
      const same = await w.as.office.post(`/api/cases/${c.body.id}/assign`, { lead_department_id: w.depts.jsk, assisting_department_ids: [w.depts.jsk] });
      assert.equal(same.status, 400);
      assert.equal(same.body.error.message, '主办部门不能同时作为协办部门');
      const ghost = await w.as.office.post(`/api/cases/${c.body.id}/assign`, { lead_department_id: 99999 });
      assert.equal(ghost.status, 400);
      assert.equal(ghost.body.error.message, '部门（编号 99999）不存在');
      assert.equal((await w.as.office.get('/api/cases/99999')).status, 404);
      const escNoReason = await w.as.office.post(`/api/cases/${c.body.id}/escalate`, { to: 'leader' });
      assert.equal(escNoReason.status, 400);
    });
  });
}
