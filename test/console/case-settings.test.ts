import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { loadCaseSettings } from '../../src/cases/settings.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

describe('console: 处置设置, the bureau, its account, brief credits and the verification rules as a form', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer((server) => seedOrg(server.ctx.db).then(() => undefined));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the office fills the form; an out-of-range value is refused inline and nothing is saved until it is fixed', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.goto('/settings/sources');
    await page.getByRole('menuitem', { name: '处置设置' }).click();
    await page.waitForURL(/\/settings\/cases$/);
    await page.waitForSelector('[data-testid=case-settings]');
    // The defaults are shown as values, not as JSON.
    await page.waitForFunction(() => (document.querySelector('#case-settings-similarity') as HTMLInputElement | null)?.value === '0.60');
    assert.equal(await page.inputValue('#case-settings-before'), '24');
    for (const label of ['发文单位', '官方账号', '编辑', '审核', '签发', '向前追溯（小时）', '文字相似度下限']) {
      assert.ok(await page.locator('.ant-form-item-label label', { hasText: label }).count(), `${label} is labelled`);
    }

    await page.fill('#case-settings-bureau', '岱山县住房和城乡建设局');
    await page.fill('#case-settings-account', '岱山建设');
    await page.fill('#brief_editor', '张明');
    await page.fill('#brief_reviewer', '李华');
    await page.fill('#brief_signer', '王局长');
    await page.fill('#case-settings-similarity', '1.5');
    await page.fill('#case-settings-before', '');
    await page.click('[data-testid=case-settings-save]');
    await page.waitForSelector('text=文字相似度下限应在 0.1–1 之间');
    await page.waitForSelector('text=请填写向前追溯（小时）');
    const untouched = await loadCaseSettings(srv.server.ctx.db.kysely);
    assert.equal(untouched.bureau_name, '', 'an invalid form saves nothing');

    await page.fill('#case-settings-similarity', '0.7');
    await page.fill('#case-settings-before', '48');
    await page.click('[data-testid=case-settings-save]');
    await page.waitForSelector('.ant-message >> text=已保存');
    const saved = await loadCaseSettings(srv.server.ctx.db.kysely);
    assert.equal(saved.bureau_name, '岱山县住房和城乡建设局');
    assert.equal(saved.official_account, '岱山建设');
    assert.deepEqual([saved.brief_editor, saved.brief_reviewer, saved.brief_signer], ['张明', '李华', '王局长']);
    assert.equal(saved.verify_similarity, 0.7);
    assert.equal(saved.verify_before_hours, 48);
    assert.equal(saved.instruction_working_days, 3, 'fields not touched keep their values');

    // What was saved is what the page shows after a reload, and the audit trail has it.
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('#case-settings-bureau') as HTMLInputElement | null)?.value === '岱山县住房和城乡建设局');
    assert.equal(await page.inputValue('#case-settings-similarity'), '0.70');
    const audit = await srv.server.ctx.db.kysely.selectFrom('audit_log').select(['action']).where('action', '=', 'settings.cases').execute();
    assert.equal(audit.length, 1);
    await context.close();
  });

  test('a responder has no such page', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    assert.equal(await page.getByRole('menuitem', { name: '处置设置' }).count(), 0);
    await page.goto('/settings/cases');
    await page.waitForSelector('text=您的角色无权访问此页面');
    await context.close();
  });
});
