import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { collectDue } from '../../src/collect/collector.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { addSource, testFetcher } from '../collect/helpers.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/**
 * Issue 20: the office reads on the sources page why a source stopped (a Weibo route on RSSHub
 * whose cookie is missing, a forum behind a slider captcha) and what to do, in Chinese.
 */
describe('console: source health on the sources page', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  let rsshub: Server;

  before(async () => {
    await ensureConsoleBuilt();
    const page = (name: string) => readFileSync(new URL(`../collect/fixtures/health/${name}`, import.meta.url), 'utf8');
    rsshub = createServer((req, res) => {
      const captcha = req.url?.startsWith('/forum');
      res.writeHead(captcha ? 403 : 503, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(captcha ? 'captcha-403.html' : 'rsshub-weibo-cookie.html'));
    });
    await new Promise<void>((r) => rsshub.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(rsshub.address() as AddressInfo).port}`;
    srv = await startE2eServer(async (server) => {
      await seedOrg(server.ctx.db);
      await addSource(server.ctx.db, { name: '微博·县住建局', kind: 'feed', url: `${base}/weibo/user/1195230310` });
      await addSource(server.ctx.db, { name: '县论坛·城建版', kind: 'feed', url: `${base}/forum.php?mod=rss&fid=12` });
      const fetcher = testFetcher();
      await collectDue(server.ctx, { fetcher });
      await fetcher.close();
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
    await new Promise((r) => rsshub?.close(r));
  });

  test('each failing source shows a coloured tag, the reason and what to do', async () => {
    const o = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await o.page.goto('/settings/sources');
    const weibo = o.page.locator('.ant-table-row', { hasText: '微博·县住建局' });
    await weibo.locator('[data-health=login]', { hasText: '登录失效/Cookie 过期' }).waitFor();
    await weibo.locator('text=在 RSSHub 的配置中更新微博 Cookie（环境变量 WEIBO_COOKIES）后重启 RSSHub').waitFor();
    const forum = o.page.locator('.ant-table-row', { hasText: '县论坛·城建版' });
    await forum.locator('[data-health=blocked]', { hasText: '被拦截' }).waitFor();
    assert.match(await forum.innerText(), /验证码、滑块/);
    assert.equal(await weibo.locator('[data-health=login]').evaluate((el) => getComputedStyle(el).color !== getComputedStyle(document.body).color), true, 'the tag is coloured');
    if (process.env.SHOT_DIR) await o.page.screenshot({ path: `${process.env.SHOT_DIR}/source-health.png`, fullPage: true });
    await o.context.close();
  });
});
