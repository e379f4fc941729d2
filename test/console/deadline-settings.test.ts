import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cliActor } from '../../src/auth/actor.ts';
import { loadCaseSettings } from '../../src/cases/settings.ts';
import { createMemo } from '../../src/cases/memos.ts';
import { openCase } from '../../src/cases/open.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/**
 * Issue 18: the office sets which levels run the 48-hour clock and a department turns it on for
 * itself, in forms; a leader reads a memo and writes 批示 on a phone (390 px wide).
 */
describe('console: answer deadlines and the memo on a phone', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  let depts: Record<string, number>;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      depts = await seedOrg(server.ctx.db);
      const c = await openCase(server.ctx.db.kysely, cliActor(), { title: '新塘街道拆迁补偿标准为什么前后不一样？', summary: '先签约的和后签约的补偿标准不一样，大家心里不服。希望政府公开补偿方案和评估依据，做到公平公正。', level: 'orange', lead_department_id: depts.jsk });
      const office = await server.ctx.db.kysely.selectFrom('users').select('id').where('username', '=', 'office1').executeTakeFirstOrThrow();
      await createMemo(server.ctx.db.kysely, { id: office.id, name: '办公室小王', role: 'office', departmentId: depts.office, via: 'api' }, c.id, { analysis: '该帖在论坛持续发酵，跟帖以质疑补偿标准为主，存在进一步扩散的可能', suggestion: '由建设科牵头，会同住房保障科公开补偿方案和评估依据', office_opinion: '建议召开专题协调会' });
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the office chooses the levels that run 48 hours; the admin turns it on for a department', async () => {
    const o = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await o.page.goto('/settings/workspace');
    const card = o.page.locator('[data-testid=deadline-settings]');
    await card.locator('text=其他政务舆情答复时限').waitFor();
    await card.locator('[data-testid=general-hours-levels] label', { hasText: '较大' }).click();
    await card.locator('[data-testid=deadline-save]').click();
    await o.page.locator('.ant-message', { hasText: '已保存' }).waitFor();
    const settings = await loadCaseSettings(srv.server.ctx.db.kysely);
    assert.deepEqual(settings.general_hours_levels, ['yellow']);
    assert.equal(settings.same_day, true, 'the rest is kept');
    await o.context.close();

    const a = await loginAs(browser, srv.url, 'admin1', PASSWORD);
    await a.page.goto('/settings/departments');
    await a.page.locator('.ant-table-row', { hasText: '住房保障科' }).getByRole('button').click();
    await a.page.locator('[data-testid=department-general-hours]').check();
    await a.page.locator('.ant-modal').getByRole('button', { name: /保\s*存/ }).click();
    await a.page.locator('.ant-table-row', { hasText: '住房保障科' }).locator('text=48小时时限').waitFor();
    const row = await srv.server.ctx.db.kysely.selectFrom('departments').select('general_hours').where('id', '=', depts.zfk).executeTakeFirstOrThrow();
    assert.equal(row.general_hours, 1);
    await a.context.close();
  });

  test('a leader on a phone reads the memo without scrolling sideways and writes 批示', async () => {
    const l = await loginAs(browser, srv.url, 'leader1', PASSWORD);
    await l.page.setViewportSize({ width: 390, height: 844 });
    await l.page.goto('/memos');
    const button = l.page.locator('[data-testid=memo-instruct]');
    await button.waitFor();
    const [scroll, client] = await l.page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, `no sideways scrolling: ${scroll} > ${client}`);
    // Labels sit above their text, which gets the whole width.
    const label = await l.page.locator('[data-testid=memo-fields] .ant-descriptions-item-label', { hasText: '拟办意见' }).boundingBox();
    const text = await l.page.locator('[data-testid=memo-fields] .ant-descriptions-item-content', { hasText: '由建设科牵头' }).boundingBox();
    assert.ok(label && text && text.y > label.y && text.width > 300, `label ${JSON.stringify(label)}, text ${JSON.stringify(text)}`);
    const box = await button.boundingBox();
    assert.ok(box && box.width > 300, `写批示 spans the width: ${JSON.stringify(box)}`);
    await button.click();
    await l.page.fill('[data-testid=instruct-text]', '请建设科牵头，三个工作日内拿出补偿方案。');
    await l.page.click('[data-testid=instruct-ok]');
    await l.page.locator('[data-testid=memo-fields]').first().waitFor({ state: 'detached' });
    const n = await srv.server.ctx.db.kysely.selectFrom('instructions').select('text').execute();
    assert.deepEqual(n.map((i) => i.text), ['请建设科牵头，三个工作日内拿出补偿方案。']);
    await l.context.close();
  });
});
