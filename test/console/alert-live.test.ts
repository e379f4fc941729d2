import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { cliActor } from '../../src/auth/actor.ts';
import { applyWorkspace } from '../../src/workspace/workspace.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

// By default 一般 (blue) reaches the department in its digest (issue 18); this workspace wants it at once.
const WATCH = `
alert_settings:
  - { departmentNowLevel: blue }
watch_rules:
  - { name: 道路施工, expression: "施工 & 路", department: jsk, min_level: blue }
channels:
  - { name: 站内预警, kind: inapp, min_level: blue }
`;

describe('console: an alert arrives live and leads to a case', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(
      async (server) => {
        await seedOrg(server.ctx.db);
        await applyWorkspace(server.ctx.db.kysely, cliActor(), WATCH);
      },
      {},
      { scheduler: true },
    );
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the responder sees the new alert without reloading, acknowledges it and the office opens a case from the post', async () => {
    const r = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    await r.page.waitForURL(/\/alerts$/);
    await r.page.waitForSelector('text=暂无预警');

    // A post comes in (entered by the office, as a hotline item would be pushed).
    const o = await loginAs(browser, srv.url, 'office1', PASSWORD);
    const created = await o.page.evaluate(async () => {
      const me = await (await fetch('/api/auth/me')).json();
      const res = await fetch('/api/posts', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ title: '建设路施工三个月还没完工', text: '建设路施工围挡占道，早晚高峰堵车严重，附近居民出行非常不便。', author: '热心市民' }),
      });
      return res.json();
    });
    assert.ok(created.id, JSON.stringify(created));

    // It shows up on the responder's open page by itself (server-sent events), and in the bell.
    const row = r.page.locator('.ant-table-row', { hasText: '建设路施工三个月还没完工' }).first();
    await row.waitFor({ timeout: 30_000 });
    await r.page.locator('.ant-notification-notice').first().waitFor();
    await row.locator('[data-testid^=ack-]').click();
    await row.locator('text=已确认').waitFor();

    // The office opens a case from the post; its WHY names the rule that matched.
    await o.page.goto(`/posts/${created.id}`);
    await o.page.waitForSelector('[data-testid=post-why] >> text=道路施工');
    await o.page.getByRole('button', { name: /登记处置单/ }).click();
    await o.page.waitForURL(/\/cases\/\d+$/);
    await o.page.waitForSelector('[data-testid=case-page] >> text=建设路施工三个月还没完工');
    await r.context.close();
    await o.context.close();
  });
});
