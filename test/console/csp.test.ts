import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cliActor } from '../../src/auth/actor.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/server/security-headers.ts';
import { WEB_DIST } from '../../src/server/static.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/** Pages with charts (ECharts), tables, forms and drawers: what could need an inline script or style. */
const PAGES = ['/dashboard', '/posts', '/events', '/alerts', '/cases', '/reports', '/settings/sources', '/settings/rules', '/settings/channels', '/settings/calendar', '/settings/audit', '/settings/workspace'];

/** Records CSP violations in the page (the event) and in the console (Chromium's own report). */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|evaluate|frame|connect)/i.test(m.text())) fromConsole.push(`${page.url()}: ${m.text()}`);
  });
  // Init scripts come from the browser's debugging protocol, not from the page, so the CSP does not stop this one.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  return async () => [...fromConsole, ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp))];
}

describe('the console under the Content-Security-Policy', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      await seedOrg(server.ctx.db);
      await applyWorkspace(server.ctx.db.kysely, cliActor(), `watch_rules:\n  - { name: 交房, expression: "交房 | 延期", department: zfk }\nchannels:\n  - { name: 站内, kind: inapp }\n`);
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the built console has no inline script, event-handler attribute or javascript: URL', () => {
    const html = readdirSync(WEB_DIST).filter((f) => f.endsWith('.html'));
    assert.ok(html.includes('index.html'));
    for (const f of html) {
      const text = readFileSync(join(WEB_DIST, f), 'utf8');
      const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      assert.ok(scripts.length > 0, `${f} loads its scripts`);
      for (const [, attrs, body] of scripts) {
        assert.match(attrs, /\bsrc="\/assets\/[^"]+\.js"/, `${f}: every script is a file`);
        assert.equal(body.trim(), '', `${f}: no inline script`);
      }
      assert.doesNotMatch(text, /\son[a-z]+\s*=/i, `${f}: no event-handler attributes`);
      assert.doesNotMatch(text, /javascript:/i, `${f}: no javascript: URLs`);
    }
  });

  test('logging in and using every page raises no CSP violation; an inline script is refused', async () => {
    const context = await browser.newContext({ baseURL: srv.url, locale: 'zh-CN' });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    const violations = await watchViolations(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));

    const first = await page.goto('/');
    assert.equal(first?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY, 'the console is served under the policy');
    await page.fill('#login-username', 'office1');
    await page.fill('#login-password', PASSWORD);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=user-menu]');
    // Data for the charts and tables.
    await page.evaluate(async () => {
      const me = await (await fetch('/api/auth/me')).json();
      const headers = { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken };
      await fetch('/api/posts', { method: 'POST', headers, body: JSON.stringify({ title: '锦绣华庭延期交房', text: '开发商又延期交房了，业主很着急。' }) });
    });
    for (const path of PAGES) {
      await page.goto(path);
      await page.waitForSelector('.ms-page', { timeout: 20_000 });
      await page.waitForLoadState('networkidle').catch(() => undefined);
    }
    // A dialog and a dropdown: antd writes their styles at run time.
    await page.goto('/settings/channels');
    await page.waitForSelector('.ms-page');
    await page.locator('.ms-page .ant-btn-primary').first().click();
    await page.waitForSelector('.ant-modal, .ant-drawer');
    await page.locator('.ant-modal .ant-select, .ant-drawer .ant-select').first().click();
    await page.waitForTimeout(300);

    assert.deepEqual(await violations(), [], 'no CSP violation while using the console');
    assert.deepEqual(errors, []);

    // The check can fail: an inline script injected into the page is refused and reported.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false, 'the inline script did not run');
    await page.waitForTimeout(200);
    assert.ok((await violations()).some((v) => /script-src/.test(v)), 'the refusal was reported');
    await context.close();
  });

  test('the console cannot be framed by another site', async () => {
    // Another origin on 127.0.0.1 (another port) whose page frames the console.
    const framer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><iframe id="f" src="${srv.url}/" width="800" height="600"></iframe>`));
    await new Promise<void>((r) => framer.listen(0, '127.0.0.1', r));
    const context = await browser.newContext({ locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      await page.waitForTimeout(2000);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame, 'the frame exists');
      // Refused by frame-ancestors, the frame holds Chromium's error page instead of the console.
      const rendered = await frame.locator('#root > *').count().catch(() => 0);
      assert.equal(rendered, 0, `the console did not render inside a frame (frame at ${frame.url()})`);
    } finally {
      await context.close();
      framer.closeAllConnections();
      await new Promise<void>((r) => framer.close(() => r()));
    }
  });
});
