import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { analyzeStoredPosts } from '../../src/pipeline/index.ts';
import { insertPost, insertSource } from '../analyze/helpers.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/** Issue 17, part 5: the office merges two events that are one matter on the event page, and the page keeps the history. */
describe('console: merging and splitting events by hand', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  const events: number[] = [];

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      await seedOrg(server.ctx.db);
      const source = await insertSource(server.ctx.db, '县论坛');
      const at = new Date(Date.now() - 3600_000).toISOString();
      const ids = [
        await insertPost(server.ctx.db, source, { title: '翠湖小区楼下烧烤店油烟扰民', text: '翠湖小区楼下的烧烤店每天营业到凌晨，油烟直接排进楼道。', published_at: at }),
        await insertPost(server.ctx.db, source, { title: '锦绣花园门口停车收费不合理', text: '锦绣花园门口的临时停车场收费太高，业主有意见。', published_at: at }),
      ];
      const out = await analyzeStoredPosts(server.ctx, ids);
      for (const o of out) events.push(o.result!.event as number);
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the office merges an event into another, the page shows the history; a split gives a new event', async () => {
    assert.notEqual(events[0], events[1]);
    const { context, page } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.goto(`/events/${events[0]}`);
    await page.waitForSelector('[data-testid=event-manage]');
    await page.fill('[data-testid=event-manage] input.ant-input-number-input', String(events[1]));
    await page.fill('[data-testid=event-manage] input[placeholder="说明（可选）"]', '同一物业公司');
    await page.click('[data-testid=event-manage] button:has-text("并入本事件")');
    await page.waitForSelector('[data-testid=event-changes] >> text=并入本事件（1 条信息）');
    await page.waitForSelector('text=同一物业公司');
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/event-merged.png`, fullPage: true });
    // split the second post off again
    await page.locator('.ant-table-row', { hasText: '锦绣花园' }).locator('input[type=checkbox]').check();
    await page.click('[data-testid=event-manage] button:has-text("拆分所选 1 条为新事件")');
    await page.waitForSelector('[data-testid=event-changes] >> text=拆出 1 条信息为事件');
    await context.close();
    // a responder sees the event but not the buttons
    const r = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    await r.page.goto(`/events/${events[0]}`);
    await r.page.waitForSelector('text=事件信息');
    assert.equal(await r.page.locator('[data-testid=event-manage]').count(), 0);
    await r.context.close();
  });
});
