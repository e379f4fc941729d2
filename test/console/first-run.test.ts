import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { wecomStandin } from '../alert/standins.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/**
 * Issue 20, measured: a fresh workspace set up from the first-run checklist to a first alert in
 * a WeCom robot stand-in (WeCom's documented webhook: POST /cgi-bin/webhook/send?key=…, markdown,
 * errcode 0) without typing JSON — the administrator makes the office and its user, the office
 * user does the rest in generated forms and the source wizard. MINSHENG_SCREENSHOTS_DIR=docs/screenshots
 * also saves each form as a picture for the docs.
 */
const SHOTS = process.env.MINSHENG_SCREENSHOTS_DIR;
const ADMIN_PASSWORD = 'first-run-admin-1';

/** The county's news feed: a harmless item, and once `news` is set, a fresh one naming the matter the office watches. */
async function countyFeed(): Promise<{ url: string; news: boolean; close(): Promise<void> }> {
  const started = new Date().toUTCString();
  const feed = { url: '', news: false, close: async () => {} };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/county.xml') return void res.writeHead(404).end();
    const now = new Date().toUTCString();
    const fresh = feed.news
      ? `<item><title>幸福家园小区停水三天无人管，居民生活困难</title><link>http://127.0.0.1/n/2</link><guid>n-2</guid><pubDate>${now}</pubDate>
<description>幸福家园小区已经停水三天，物业和自来水公司互相推诿，老人孩子生活非常困难，居民非常愤怒，希望有关部门尽快解决。</description></item>`
      : '';
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>清溪新闻网·民生</title><link>http://127.0.0.1/</link>${fresh}
<item><title>县图书馆延长周末开放时间</title><link>http://127.0.0.1/n/1</link><guid>n-1</guid><pubDate>${started}</pubDate><description>县图书馆自本周起周末开放至晚上九点。</description></item>
</channel></rss>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  feed.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/county.xml`;
  feed.close = () => new Promise<void>((r) => server.close(() => r()));
  return feed;
}

async function shot(page: Page, name: string, target?: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 2400 }); // a tall form in one picture
  await page.waitForTimeout(600); // antd's modal and select animations
  if (target) await page.locator(target).last().screenshot({ path: join(SHOTS, `${name}.png`) });
  else await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}

/** Picks an option of the antd Select under the labelled form item. */
async function choose(page: Page, label: string, option: string) {
  await page.locator('.ant-modal .ant-form-item', { has: page.locator(`label:text-is("${label}")`) }).locator('.ant-select').click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

describe('console: a fresh workspace from the checklist to a first alert in WeCom, without JSON', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  let robot: Awaited<ReturnType<typeof wecomStandin>>;
  let feed: Awaited<ReturnType<typeof countyFeed>>;
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
      // antd's deprecation notices (List, Space direction) are for developers, not failures.
      if (m.type() === 'error' && !/401/.test(m.text()) && !/^Warning: \[antd: /.test(m.text())) errors.push(`console: ${new URL(page.url()).pathname}: ${m.text().slice(0, 200)}`);
    });
  };

  before(async () => {
    await ensureConsoleBuilt();
    robot = await wecomStandin('robot-key-20');
    feed = await countyFeed();
    srv = await startE2eServer(undefined, { MINSHENG_ADMIN_PASSWORD: ADMIN_PASSWORD }, { scheduler: true });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await robot?.close();
    await feed?.close();
  });

  test('administrator: departments and users; office: source wizard, rule, WeCom robot, test message, first alert', { timeout: 240_000 }, async () => {
    // The administrator's first page shows what to do first.
    const a = await loginAs(browser, srv.url, 'admin', ADMIN_PASSWORD);
    watch(a.page);
    await a.page.setViewportSize({ width: 1280, height: 900 });
    await a.page.waitForSelector('[data-testid=setup-checklist]');
    assert.equal(await a.page.locator('[data-testid^=setup-step-][data-done=no]').count(), 6);
    await shot(a.page, 'setup-checklist', '[data-testid=setup-checklist]');

    await a.page.locator('[data-testid=setup-step-departments] a', { hasText: '去设置' }).click();
    await a.page.waitForURL(/\/settings\/departments$/);
    await a.page.getByRole('button', { name: /新建部门/ }).click();
    await a.page.getByLabel('编码').fill('office');
    await a.page.getByLabel('名称').fill('局办公室');
    await a.page.getByLabel('联系电话').fill('0571-65001000');
    await a.page.getByRole('checkbox', { name: '局办公室' }).check();
    await shot(a.page, 'form-department', '.ant-modal:visible');
    await a.page.locator('.ant-modal').getByRole('button', { name: /保\s*存/ }).click();
    await a.page.locator('.ant-table-row', { hasText: '局办公室' }).waitFor();

    await a.page.goto('/settings/users');
    await a.page.locator('[data-testid=setup-step-departments][data-done=yes]').waitFor();
    await a.page.click('[data-testid=new-user]');
    await a.page.getByLabel('用户名').fill('wangfang');
    await a.page.getByLabel('姓名').fill('王芳');
    await choose(a.page, '角色', '舆情管理员');
    await choose(a.page, '所属部门', '局办公室');
    await shot(a.page, 'form-user', '.ant-modal:visible');
    await a.page.locator('.ant-modal').getByRole('button', { name: /保\s*存/ }).click();
    const initial = (await a.page.locator('[data-testid=initial-password]').textContent())!.trim();
    assert.ok(initial.length >= 10);
    await a.context.close();

    // The office user: a new password, then the rest of the checklist.
    const context = await browser.newContext({ baseURL: srv.url, locale: 'zh-CN' });
    context.setDefaultTimeout(60_000);
    const o = { context, page: await context.newPage() };
    watch(o.page);
    await o.page.goto('/');
    await o.page.fill('#login-username', 'wangfang');
    await o.page.fill('#login-password', initial);
    await o.page.click('[data-testid=login-submit]');
    await o.page.setViewportSize({ width: 1280, height: 900 });
    await o.page.fill('#pw-current', initial);
    await o.page.fill('#pw-next', 'wangfang-new-pass-1');
    await o.page.fill('#pw-repeat', 'wangfang-new-pass-1');
    await o.page.click('[data-testid=password-submit]');
    await o.page.waitForURL(/\/dashboard$/);
    await o.page.waitForSelector('[data-testid=setup-checklist]');
    assert.equal(await o.page.locator('[data-testid^=setup-step-][data-done=yes]').count(), 2);

    // Source: paste the URL; the wizard says what it is and shows what would be collected.
    await o.page.locator('[data-testid=setup-step-sources] a', { hasText: '去设置' }).click();
    await o.page.waitForURL(/\/settings\/sources$/);
    await o.page.click('[data-testid=source-wizard]');
    await o.page.fill('[data-testid=wizard-url]', feed.url);
    await o.page.click('[data-testid=wizard-detect]');
    await o.page.locator('[data-testid=wizard-detected]', { hasText: 'RSS/Atom 订阅' }).waitFor();
    await o.page.locator('[data-testid=wizard-preview]', { hasText: '县图书馆延长周末开放时间' }).waitFor();
    assert.equal(await o.page.inputValue('[data-testid=wizard-name]'), '清溪新闻网·民生');
    await shot(o.page, 'form-source-wizard', '.ant-modal:visible');
    await o.page.click('[data-testid=wizard-save]');
    await o.page.locator('.ant-table-row', { hasText: '清溪新闻网·民生' }).waitFor();

    // The generated form of a JSON API source, for the docs (not saved).
    await o.page.getByRole('button', { name: /新建信息源/ }).click();
    await choose(o.page, '类型', 'JSON 接口');
    await o.page.getByLabel('条目所在位置').waitFor();
    await shot(o.page, 'form-source-json', '.ant-modal:visible');
    await o.page.locator('.ant-modal').getByRole('button', { name: /取\s*消/ }).click();

    // A watch rule.
    await o.page.goto('/settings/rules');
    await o.page.click('[data-testid=rule-new]');
    await o.page.getByLabel('规则名称').fill('停水');
    await o.page.fill('[data-testid=rule-expression]', '停水 | 断水');
    await shot(o.page, 'form-rule', '.ant-modal:visible');
    await o.page.locator('.ant-modal').getByRole('button', { name: /保\s*存/ }).click();
    await o.page.locator('.ant-table-row', { hasText: '停水' }).waitFor();

    // The WeCom robot: the webhook address pasted where the key goes; nothing typed as JSON.
    await o.page.goto('/settings/channels');
    await o.page.getByRole('button', { name: /新建渠道/ }).click();
    await o.page.getByLabel('名称').fill('值班群');
    await o.page.locator('.ant-modal').getByRole('button', { name: /确\s*定|OK/ }).click();
    await o.page.locator('.ant-form-item-explain-error', { hasText: '请填写机器人 Key' }).waitFor(); // inline validation
    await o.page.getByLabel('机器人 Key').fill(`${robot.url}/cgi-bin/webhook/send?key=robot-key-20`);
    await choose(o.page, '最低等级', '一般');
    assert.equal(await o.page.locator('.ant-modal textarea').count(), 0, 'no JSON box in the channel form');
    await shot(o.page, 'form-channel-wecom', '.ant-modal:visible');
    await o.page.locator('.ant-modal').getByRole('button', { name: /确\s*定|OK/ }).click();
    const row = o.page.locator('.ant-table-row', { hasText: '值班群' });
    await row.waitFor();
    await row.locator('[data-testid^=channel-test-]').click();
    await o.page.locator('[data-testid=channel-test-result]').waitFor();
    assert.equal(robot.received.length, 1, 'the test message reached the robot');
    assert.match(robot.received[0].markdown.content, /民声预警渠道测试/);

    // Every step ticked: the dashboard no longer shows the checklist.
    await o.page.goto('/dashboard');
    await o.page.locator('.ms-page').first().waitFor();
    const setup = await o.page.evaluate(async () => (await fetch('/api/setup')).json());
    assert.equal(setup.done, true, JSON.stringify(setup));
    assert.equal(await o.page.locator('[data-testid=setup-checklist]').count(), 0);

    // The first alert: the news site posts about the matter; collect now; it matches the rule and the robot gets it.
    feed.news = true;
    await o.page.goto('/settings/sources');
    await o.page.locator('.ant-table-row', { hasText: '清溪新闻网·民生' }).getByRole('button', { name: '立即采集' }).click();
    const deadline = Date.now() + 60_000;
    while (!robot.received.some((m) => /幸福家园小区停水三天无人管/.test(m.markdown?.content ?? '')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const alert = robot.received.find((m) => /幸福家园小区停水三天无人管/.test(m.markdown?.content ?? ''));
    assert.ok(alert, `an alert reached the WeCom robot: ${JSON.stringify(robot.received)}`);
    assert.match(alert.markdown.content, /命中规则：停水/);
    assert.deepEqual(errors, [], 'no uncaught error or failed request on any page');
    await o.context.close();
  });
});
