import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { normalizePost } from '../../src/analyze/text/normalize.ts';
import { createSegmenter } from '../../src/analyze/text/segment.ts';
import { indexSimilarCases } from '../../src/cases/similar.ts';
import type { Db } from '../../src/db/connect.ts';
import { insertPost, insertSource } from '../cases/helpers.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ApiClient } from '../helpers/server.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

/** 相似案例 in the console: a responder sees the past answered case on a new post and starts a draft from its reply. */
describe('console: past cases at hand and 以此为起点', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  let newPost = 0;
  const REPLY_MARK = '经现场核实，幸福路施工因管线迁改延误';

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      const db: Db = server.ctx.db;
      const depts = await seedOrg(db);
      const seg = createSegmenter();
      const sourceId = await insertSource(db);
      const post = async (title: string, text: string) => {
        const id = await insertPost(db, sourceId, { title, text, departmentId: depts.jsk });
        await db.kysely.updateTable('posts').set({ segmented: seg.cut(normalizePost({ title, text })).join(' ') }).where('id', '=', id).execute();
        return id;
      };
      const past = await post('幸福路道路施工半年未完工', '幸福路挖开施工已经半年，道路坑洼，沥青一直没有铺，居民出行非常不便，请尽快完工。');
      newPost = await post('幸福路施工什么时候完工', '幸福路道路施工迟迟不完工，路面坑洼，沥青还没铺，出行不便，请问工期到底多久？');
      const login = async (u: string) => {
        const c = new ApiClient(server.url);
        assert.equal((await c.login(u, PASSWORD)).status, 200);
        return c;
      };
      const office = await login('office1');
      const resp = await login('resp_js');
      const head = await login('head_js');
      const c = await office.post('/api/cases', { post_ids: [past] });
      await office.post(`/api/cases/${c.body.id}/assign`, { lead_department_id: depts.jsk });
      const r = await resp.post(`/api/cases/${c.body.id}/responses`, { situation: REPLY_MARK, measures: '已责令施工单位本月底前完成路面铺设' });
      await resp.post(`/api/responses/${r.body.id}/submit`);
      await head.post(`/api/responses/${r.body.id}/approve`, {});
      assert.equal((await resp.post(`/api/responses/${r.body.id}/posted`, { url: `http://127.0.0.1/thread/${past}#reply` })).status, 200);
      await indexSimilarCases(db.kysely);
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the post page lists the past case with its approved reply; 以此为起点 opens a case with that reply as its draft', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    await page.goto(`/posts/${newPost}`);
    const card = page.locator('[data-testid=similar-case]').first();
    await card.waitFor();
    assert.match(await card.innerText(), /幸福路道路施工半年未完工/);
    assert.match(await card.innerText(), /建设科/);
    assert.match(await card.innerText(), /管线迁改/);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/similar-post.png`, fullPage: true });
    await card.locator('[data-testid=similar-start]').click();
    // A case opened by a responder awaits triage: it is registered, and drafted from its own tab once assigned.
    await page.waitForURL(/\/cases\/\d+$/);
    await page.waitForSelector('[data-testid=case-page]');
    await page.locator('text=分派后可在本处置单').first().waitFor();
    const caseId = Number(new URL(page.url()).pathname.split('/').pop());
    const office = new ApiClient(srv.url);
    await office.login('office1', PASSWORD);
    const depts = await office.get('/api/departments');
    const jsk = (depts.body as { id: number; code: string }[]).find((d) => d.code === 'jsk')!.id;
    assert.equal((await office.post(`/api/cases/${caseId}/assign`, { lead_department_id: jsk })).status, 200);
    await page.reload();
    await page.waitForSelector('[data-testid=case-page]');
    await page.locator('.ant-tabs-tab', { hasText: '相似案例' }).click();
    const past = page.locator('[data-testid=similar-case]').first();
    await past.waitFor();
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/similar-case.png`, fullPage: true });
    await past.locator('[data-testid=similar-start]').click();
    await page.locator('text=已复制为新的回复稿').first().waitFor();
    await page.locator('.ant-tabs-tab', { hasText: '回复' }).first().click();
    await page.waitForFunction((mark) => Array.from(document.querySelectorAll('textarea')).some((el) => el.value.includes(mark)), REPLY_MARK);
    await context.close();
  });
});
