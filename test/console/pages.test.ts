import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cliActor } from '../../src/auth/actor.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

const PAGES: Record<string, string[]> = {
  office1: ['/dashboard', '/posts', '/events', '/alerts', '/cases', '/approvals', '/memos', '/reports', '/settings/sources', '/settings/rules', '/settings/periods', '/settings/channels', '/settings/templates', '/settings/cases', '/settings/calendar', '/settings/departments', '/settings/users', '/settings/accounts', '/settings/audit', '/settings/workspace'],
  admin1: ['/settings/users', '/settings/departments', '/settings/workspace', '/settings/audit'],
  leader1: ['/memos', '/dashboard', '/reports'],
};

describe('console: every page of each role renders with data', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      await seedOrg(server.ctx.db);
      await applyWorkspace(
        server.ctx.db.kysely,
        cliActor(),
        `watch_rules:\n  - { name: 交房, expression: "交房 | 延期", department: zfk }\nchannels:\n  - { name: 站内, kind: inapp }\nwatch_periods:\n  - { name: 年底, starts: "2026-12-01", ends: "2026-12-31", boost: 1 }\n`,
      );
    });
    browser = await launchBrowser();
    const { page, context } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.evaluate(async () => {
      const me = await (await fetch('/api/auth/me')).json();
      const headers = { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken };
      const p = await (await fetch('/api/posts', { method: 'POST', headers, body: JSON.stringify({ title: '锦绣华庭延期交房', text: '开发商又延期交房了，业主很着急。' }) })).json();
      await fetch('/api/cases', { method: 'POST', headers, body: JSON.stringify({ post_ids: [p.id], level: 'yellow' }) });
    });
    await context.close();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  for (const [user, paths] of Object.entries(PAGES)) {
    test(`${user}: no page fails to render`, async () => {
      const { context, page } = await loginAs(browser, srv.url, user, PASSWORD);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
      for (const path of paths) {
        await page.goto(path);
        await page.waitForSelector('.ms-page', { timeout: 20_000 });
        await page.waitForLoadState('networkidle').catch(() => undefined);
        assert.equal(await page.locator('text=页面出错了').count(), 0, `${path} rendered`);
        assert.equal(await page.locator('text=加载失败').count(), 0, `${path} loaded its data`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});
