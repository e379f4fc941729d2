import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

describe('console: login, first run and role landing', { skip: skipReason }, () => {
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

  test('a wrong password shows the server message in Chinese and stays on the login page', async () => {
    const context = await browser.newContext({ baseURL: srv.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.fill('#login-username', 'office1');
    await page.fill('#login-password', 'wrong-password');
    await page.click('[data-testid=login-submit]');
    const error = await page.waitForSelector('[data-testid=login-error]');
    assert.match(await error.innerText(), /用户名或密码错误/);
    await context.close();
  });

  test('an empty form is refused before it is sent', async () => {
    const context = await browser.newContext({ baseURL: srv.url });
    const page = await context.newPage();
    const sent: string[] = [];
    page.on('request', (r) => void (r.url().includes('/api/auth/login') && sent.push(r.url())));
    await page.goto('/');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('text=请输入用户名');
    await page.waitForSelector('text=请输入密码');
    assert.deepEqual(sent, [], 'nothing was sent');
    await context.close();
  });

  const landings: [string, RegExp, string][] = [
    ['admin1', /\/settings\/users$/, '用户'],
    ['office1', /\/dashboard$/, '台账'],
    ['resp_js', /\/alerts$/, '预警'],
    ['head_js', /\/approvals$/, '待我审核'],
    ['leader1', /\/memos$/, '台账'],
  ];
  for (const [username, landing, menuText] of landings) {
    test(`${username} lands on their work and sees their menu`, async () => {
      const { context, page } = await loginAs(browser, srv.url, username, PASSWORD);
      await page.waitForURL(landing);
      assert.ok(await page.locator('.ant-menu').getByText(menuText, { exact: true }).count(), `menu of ${username} has ${menuText}`);
      await context.close();
    });
  }

  test('a responder has no settings pages for users or the audit log, even by URL', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    assert.equal(await page.locator('.ant-menu').getByText('审计日志', { exact: true }).count(), 0);
    await page.goto('/settings/audit');
    await page.waitForSelector('text=您的角色无权访问此页面');
    await context.close();
  });

  test('the first admin must change the generated password before using the console', async () => {
    const adminPassword = srv.adminPassword;
    assert.ok(adminPassword, 'the first start generated a password');
    const context = await browser.newContext({ baseURL: srv.url });
    const page = await context.newPage();
    await page.goto('/');
    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', adminPassword);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('text=这是首次登录');
    // The menu is not reachable until the password is changed.
    assert.equal(await page.locator('[data-testid=user-menu]').count(), 0);
    await page.fill('#pw-current', adminPassword);
    await page.fill('#pw-next', 'short');
    await page.fill('#pw-repeat', 'short');
    await page.click('[data-testid=password-submit]');
    await page.waitForSelector('text=新密码至少 8 位');
    await page.fill('#pw-next', 'a-new-strong-pass');
    await page.fill('#pw-repeat', 'a-new-strong-pass');
    await page.click('[data-testid=password-submit]');
    await page.waitForSelector('[data-testid=user-menu]');
    await page.waitForURL(/\/settings\/users$/);
    await context.close();
    const me = await srv.server.ctx.db.kysely.selectFrom('users').select('must_change_password').where('username', '=', 'admin').executeTakeFirstOrThrow();
    assert.equal(me.must_change_password, 0);
  });
});
