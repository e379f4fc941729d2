import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliActor } from '../../src/auth/actor.ts';
import type { Db } from '../../src/db/connect.ts';
import { applyWorkspace, exportWorkspace } from '../../src/workspace/workspace.ts';
import { testDatabases } from '../helpers/db.ts';
import { caseWorld, type CaseWorld } from './helpers.ts';

const YAML = `
reply_templates:
  - name: 道路施工回复
    kind: reply
    body: |-
      网友您好！感谢您关注{department}的工作。

      您反映的“{title}”，{situation}。{measures}。

      欢迎来电与{department}联系：{phone}。
  - name: 辟谣声明
    kind: firm
    body: "{department}严正声明：{facts}"
case_settings:
  - auto_open_level: orange
    same_day: false
    stock_phrases: [根据有关规定, 经研究决定]
`;

for (const tdb of testDatabases) {
  describe(`reply templates and case settings [${tdb.kind}]`, () => {
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

    test('the workspace file sets templates and settings, idempotently, and exports them back', async () => {
      const first = await applyWorkspace(db.kysely, cliActor(), YAML);
      assert.deepEqual(first.sections.reply_templates, { created: 2, updated: 0, unchanged: 0 });
      assert.deepEqual(first.sections.case_settings, { created: 0, updated: 1, unchanged: 0 });
      const second = await applyWorkspace(db.kysely, cliActor(), YAML);
      assert.equal(second.changed, 0);
      const settings = await w.as.office.get('/api/cases/settings');
      assert.equal(settings.body.auto_open_level, 'orange');
      assert.equal(settings.body.same_day, false);
      assert.equal(settings.body.general_hours, 48, 'fields not given keep their defaults');
      const out = await exportWorkspace(db.kysely);
      assert.match(out, /name: 道路施工回复/);
      assert.match(out, /auto_open_level: orange/);
    });

    test('a bad workspace item is rejected with its path', async () => {
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), 'reply_templates:\n  - { name: x, kind: poem, body: y }\n'), (e: Error) => /reply_templates\[0\]\.kind/.test(e.message));
      await assert.rejects(applyWorkspace(db.kysely, cliActor(), 'case_settings:\n  - { same_day: maybe }\n'), (e: Error) => /case_settings\[0\]\.same_day/.test(e.message));
    });

    test('a draft uses the named template; the office changes settings through the API, audited', async () => {
      const c = await w.as.office.post('/api/cases', { title: '道路施工扰民', lead_department_id: w.depts.jsk });
      await w.as.office.post(`/api/cases/${c.body.id}/assign`, {});
      const d = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { template: '道路施工回复', situation: '施工单位夜间违规作业', measures: '已责令停止夜间施工' });
      assert.equal(d.status, 201);
      assert.equal(d.body.body, '网友您好！感谢您关注建设科的工作。\n\n您反映的“道路施工扰民”，施工单位夜间违规作业。已责令停止夜间施工。\n\n欢迎来电与建设科联系：0571-81230001。');
      const missing = await w.as.resp_js.request('PATCH', `/api/responses/${d.body.id}`, { body: d.body.body.replace('施工单位', '经研究决定，施工单位') });
      assert.equal(missing.status, 200);
      const check = await w.as.resp_js.get(`/api/responses/${d.body.id}/check`);
      assert.deepEqual(check.body.issues.map((i: { phrase?: string }) => i.phrase), ['经研究决定'], 'the configured list is used');
      assert.equal((await w.as.resp_js.request('PUT', '/api/cases/settings', { same_day: true })).status, 403);
      const bad = await w.as.office.request('PUT', '/api/cases/settings', { reminder_minutes: -5 });
      assert.equal(bad.status, 400);
      const ok = await w.as.office.request('PUT', '/api/cases/settings', { same_day: true });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.same_day, true);
      assert.equal(ok.body.auto_open_level, 'orange', 'other fields are kept');
      const audit = await w.as.office.get('/api/audit?entity=settings');
      assert.ok(audit.body.some((a: { action: string }) => a.action === 'settings.cases'));
      const tpl = await w.as.resp_js.post(`/api/cases/${c.body.id}/responses`, { template: '不存在的模板' });
      assert.equal(tpl.status, 400);
      assert.equal(tpl.body.error.message, '回复模板“不存在的模板”不存在');
    });

    test('the 48-hour clock per level, while the same-day rule stays on for the others', async () => {
      const set = await w.as.office.request('PUT', '/api/cases/settings', { same_day: true, general_hours_levels: ['blue'] });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      try {
        const blue = await w.as.office.post('/api/cases', { title: '路灯不亮', lead_department_id: w.depts.jsk, level: 'blue' });
        assert.equal(blue.body.deadline_kind, 'hours_48');
        assert.equal(Date.parse(blue.body.deadline_at) - Date.parse(blue.body.opened_at), 48 * 3_600_000);
        const yellow = await w.as.office.post('/api/cases', { title: '道路积水', lead_department_id: w.depts.jsk, level: 'yellow' });
        assert.equal(yellow.body.deadline_kind, 'same_day');
      } finally {
        await w.as.office.request('PUT', '/api/cases/settings', { general_hours_levels: [] });
      }
    });

    test('every ledger action is in the OpenAPI document', async () => {
      const res = await w.as.office.get('/api/openapi.json');
      assert.equal(res.status, 200);
      const paths = Object.keys(res.body.paths);
      for (const p of ['/api/cases', '/api/cases/export.xlsx', '/api/cases/{id}/assign', '/api/cases/{id}/close', '/api/cases/{id}/responses', '/api/responses/{id}/approve', '/api/responses/{id}/posted', '/api/memos/{id}/docx', '/api/memos/{id}/instructions', '/api/commitments/{id}/done', '/api/reply-templates', '/api/cases/settings']) {
        assert.ok(paths.includes(p), `${p} documented`);
      }
      const params = res.body.paths['/api/cases'].get.parameters.map((p: { name: string }) => p.name);
      for (const q of ['state', 'department_id', 'level', 'overdue', 'from', 'to', 'q']) assert.ok(params.includes(q), `filter ${q}`);
    });

    test('the office manages templates through the API; responders may only read them', async () => {
      const list = await w.as.resp_js.get('/api/reply-templates');
      assert.equal(list.status, 200);
      assert.ok(list.body.builtin.reply.includes('{phone}'));
      assert.equal((await w.as.resp_js.post('/api/reply-templates', { name: 'x', kind: 'reply', body: 'y' })).status, 403);
      const created = await w.as.office.post('/api/reply-templates', { name: '专门说明', kind: 'statement', body: '关于{title}的说明' });
      assert.equal(created.status, 201);
      assert.equal((await w.as.office.post('/api/reply-templates', { name: '专门说明', kind: 'statement', body: 'z' })).status, 409);
      assert.equal((await w.as.office.patch(`/api/reply-templates/${created.body.id}`, { body: '关于“{title}”的说明' })).body.body, '关于“{title}”的说明');
      assert.equal((await w.as.office.request('DELETE', `/api/reply-templates/${created.body.id}`)).status, 204);
    });
  });
}
