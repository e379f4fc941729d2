import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { cliActor } from '../../src/auth/actor.ts';
import { openCaseInTrx } from '../../src/cases/open.ts';
import { storeCaseSettings, loadCaseSettings } from '../../src/cases/settings.ts';
import { verifyResponses } from '../../src/cases/verify.ts';
import { docxText, insertPost, insertSource } from '../cases/helpers.ts';
import { PASSWORD, seedOrg } from '../helpers/fixtures.ts';
import { ensureConsoleBuilt, launchBrowser, loginAs, skipReason, startE2eServer, type E2eServer } from './browser.ts';

const REPLY = '网友您好！感谢您对建设科工作的关注。经核实，阳光小区门前道路因管线迁改延误，施工单位将于12月15日前恢复路面。如有疑问请联系建设科，电话0571-81234567。';

async function choose(page: Page, selector: string, option: string) {
  await page.locator(selector).first().click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

describe('console: the 抄告单 fields and the 群众反馈 tab of a case', { skip: skipReason }, () => {
  let browser: Browser;
  let srv: E2eServer;
  let caseId = 0;
  let quietCaseId = 0;
  let otherCaseId = 0;
  let jsk = 0;

  before(async () => {
    await ensureConsoleBuilt();
    srv = await startE2eServer(async (server) => {
      const db = server.ctx.db;
      const depts = await seedOrg(db);
      jsk = depts.jsk;
      await storeCaseSettings(db.kysely, { ...(await loadCaseSettings(db.kysely)), bureau_name: '岱山县住房和城乡建设局', instruction_working_days: 5 });
      const sourceId = await insertSource(db);
      const open = async (post: number) => (await db.kysely.transaction().execute((trx) => openCaseInTrx(trx, cliActor(), { post_ids: [post], lead_department_id: depts.jsk }, { foundAt: '2026-11-29T00:30:00Z' }))).id;
      const post = await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-29T00:30:00.000Z' });
      caseId = await open(post);
      quietCaseId = await open(await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-29T00:30:00.000Z' }));
      const user = await db.kysely.selectFrom('users').select('id').where('username', '=', 'resp_js').executeTakeFirstOrThrow();
      const account = (await db.kysely.insertInto('responder_accounts').values({ user_id: user.id, site: '127.0.0.1', username: '建设科小李', created_at: '2026-11-01T00:00:00.000Z' }).returning('id').executeTakeFirstOrThrow()).id;
      let seq = 0;
      const reply = (author: string, at: string, acc: number | null, text: string) =>
        db.kysely.insertInto('post_replies').values({ post_id: post, external_id: `r${++seq}`, author, text, published_at: at, fetched_at: at, responder_account_id: acc }).execute();
      await reply('建设科小李', '2026-11-29T02:00:00.000Z', account, REPLY);
      await reply('楼主', '2026-11-29T03:00:00.000Z', null, '谢谢建设科，回复很及时，辛苦了');
      await reply('路人丙', '2026-11-29T03:10:00.000Z', null, '还是没说清楚到底哪天通车？');
      await reply('业主甲', '2026-11-29T03:20:00.000Z', null, '月底前再不修好，我们就组织业主去市里拉横幅');
      // 住房保障科's account answers on a 建设科 case: the case is answered, in 住房保障科's name.
      const otherPost = await insertPost(db, sourceId, { departmentId: depts.jsk, fetchedAt: '2026-11-29T00:30:00.000Z' });
      otherCaseId = await open(otherPost);
      const zf = await db.kysely.selectFrom('users').select('id').where('username', '=', 'resp_zf').executeTakeFirstOrThrow();
      const zfAccount = (await db.kysely.insertInto('responder_accounts').values({ user_id: zf.id, site: '127.0.0.1', username: '住房科小张', created_at: '2026-11-01T00:00:00.000Z' }).returning('id').executeTakeFirstOrThrow()).id;
      await db.kysely.insertInto('post_replies').values({ post_id: otherPost, external_id: 'z1', author: '住房科小张', text: '网友您好，保障房分配由住房保障科负责，我们已联系物业上门处理。', published_at: '2026-11-29T02:00:00.000Z', fetched_at: '2026-11-29T02:00:00.000Z', responder_account_id: zfAccount }).execute();
      assert.equal((await verifyResponses(server.ctx, otherCaseId, new Date('2026-11-29T04:00:00Z'))).found.length, 1);
      // Collection finds the registered account's reply (the case moves to 已回复) and reads what came after it.
      const res = await verifyResponses(server.ctx, caseId, new Date('2026-11-29T04:00:00Z'));
      assert.equal(res.found.length, 1);
      assert.equal(res.feedback, 3);
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the 群众反馈 tab counts each class and shows every 跟帖 with the cues that decided it', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'resp_js', PASSWORD);
    await page.goto(`/cases/${caseId}`);
    await page.waitForSelector('[data-testid=case-page]');
    await page.getByRole('tab', { name: /群众反馈/ }).click();
    const tab = page.locator('[data-testid=case-feedback]');
    await tab.waitFor();
    const counts = Object.fromEntries(
      await tab.locator('.ant-statistic').evaluateAll((els) => els.map((e) => [e.querySelector('.ant-statistic-title')?.textContent ?? '', e.querySelector('.ant-statistic-content')?.textContent ?? ''])),
    );
    assert.deepEqual(counts, { '满意/认可': '1', 继续追问: '1', 升级苗头: '1', 其他: '0' });
    const esc = tab.locator('[data-testid=feedback-escalating]');
    assert.equal(await esc.count(), 1);
    const escText = await esc.innerText();
    for (const s of ['升级苗头', '拉横幅', '组织业主', '去市里', '业主甲', '跟帖']) assert.ok(escText.includes(s), `the 升级苗头 item shows ${s}`);
    assert.match(await tab.locator('[data-testid=feedback-satisfied]').innerText(), /谢谢建设科/);
    assert.match(await tab.locator('[data-testid=feedback-asking]').innerText(), /哪天通车/);
    // Our own reply is not feedback.
    assert.equal(await tab.getByText('0571-81234567').count(), 0);

    // A case without a reply says so instead of showing empty counts.
    await page.goto(`/cases/${quietCaseId}`);
    await page.waitForSelector('[data-testid=case-page]');
    await page.getByRole('tab', { name: /群众反馈/ }).click();
    await page.waitForSelector('text=尚未回复：回复后原帖的跟帖和后续帖子将在这里汇总');
    await context.close();
  });

  test('the office writes a 抄告单 with 拟办意见, 承办科室 and 办理时限; the card and the Word file carry them with 发文单位, 期号 and 签发', async () => {
    const { context, page } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.goto(`/cases/${caseId}`);
    await page.waitForSelector('[data-testid=case-page]');
    await page.getByRole('tab', { name: /抄告单与批示/ }).click();
    await page.click('[data-testid=memo-new]');
    const modal = page.locator('.ant-modal:visible');
    await modal.waitFor();
    await modal.getByText('不填则按领导批示后 5 个工作日计').waitFor(); // the settings' 批示 clock, not a fixed 3
    await modal.locator('#suggestion').fill('建议建设科督促施工单位倒排工期，12月15日前恢复通行并在论坛公布');
    await modal.locator('#office_opinion').fill('拟同意，请分管领导阅示');
    await choose(page, '.ant-modal:visible [data-testid=memo-department]', '住房保障科');
    await modal.locator('#due').click();
    await page.locator('#due').fill('2026-12-10');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=memo-create]');
    const card = page.locator('[data-testid^=memo-]').filter({ hasText: '抄告单编号' }).first();
    await card.waitFor();
    await card.locator('.ant-descriptions-item-content', { hasText: '住房保障科' }).waitFor(); // department names load after the card
    const year = new Date().getUTCFullYear();
    const text = await card.innerText();
    assert.match(text, new RegExp(`〔${year}〕第 1 期`), '期号 per year');
    assert.match(text, /拟办意见\s*建议建设科督促施工单位倒排工期/);
    assert.match(text, /办公室意见\s*拟同意，请分管领导阅示/);
    assert.match(text, /承办科室\s*住房保障科/);
    assert.match(text, /办理时限\s*2026-12-10/);
    assert.match(text, /未呈报/);
    assert.doesNotMatch(text, /签发/, 'not signed before it is sent');

    await card.getByRole('button', { name: '标记已呈报' }).click();
    await card.locator('.ant-tag', { hasText: '已呈报' }).waitFor();
    assert.match(await card.innerText(), /签发\s*办公室小王/, 'sending signs it with who sent it');

    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '下载 Word' }).click()]);
    const path = await download.path();
    const doc = docxText(await readFile(path));
    for (const s of ['岱山县住房和城乡建设局', '网络舆情抄告单', `〔${year}〕第1期`, '2026-12-10', '住房保障科', '建议建设科督促施工单位倒排工期', '拟同意，请分管领导阅示', '办公室小王']) {
      assert.ok(doc.replace(/\s/g, '').includes(s.replace(/\s/g, '')), `the Word file has ${s}`);
    }
    await context.close();
  });

  test("a reply under another department's account shows on the case in that department's name", async () => {
    const { context, page } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.goto(`/cases/${otherCaseId}`);
    await page.waitForSelector('[data-testid=case-page]');
    await page.locator('.ant-tag', { hasText: '已回复' }).first().waitFor();
    const tag = page.locator('[data-testid=response-other-department]');
    await tag.waitFor();
    assert.equal((await tag.innerText()).trim(), '由住房保障科答复（非主办部门）');
    await page.getByRole('tab', { name: '办理过程' }).click();
    await page.getByText('采集发现住房保障科的已登记账号“住房科小张”在原帖下的回复', { exact: false }).first().waitFor();
    await context.close();
  });

  test("the 考核 table shows each department's feedback counts beside its scores", async () => {
    const { context, page } = await loginAs(browser, srv.url, 'office1', PASSWORD);
    await page.goto('/reports');
    // The cases were answered in November 2026: the year 2026, whatever year the test runs in.
    await page.locator('.ant-radio-button-wrapper', { hasText: '年度' }).click();
    const picker = page.locator('.ms-page .ant-picker input').first();
    await picker.click();
    await picker.fill('2026');
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: '考核' }).click();
    const cell = page.locator(`[data-testid=assessment-feedback-${jsk}]`).first();
    await cell.waitFor();
    assert.equal((await cell.innerText()).replace(/\s+/g, ' ').trim(), '满意 1 追问 1 升级苗头 1');
    await context.close();
  });
});
