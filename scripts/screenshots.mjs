#!/usr/bin/env node
// Takes the README's screenshots from the demo: starts the demo workspace in a temporary
// database (fully offline), logs in as each role with Debian's Chromium and saves PNGs to
// docs/screenshots/. Usage: node scripts/screenshots.mjs [--out DIR]
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(root, 'docs', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} not found (apt install chromium fonts-noto-cjk); no screenshots taken`);
  process.exit(1);
}

const { buildConsole } = await import('./build-web.mjs');
await buildConsole({ quiet: true });
const { chromium } = await import('playwright-core');
const { loadConfig } = await import('../src/config.ts');
const { createLogger } = await import('../src/log.ts');
const { startDemo } = await import('../src/demo/run.ts');
const { DEMO_PASSWORD } = await import('../src/demo/workspace.ts');

mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'minsheng-shots-'));
console.log('starting the demo …');
const demo = await startDemo({ dbUrl: join(dir, 'demo.db'), config: loadConfig({ ...process.env }), log: createLogger('warn', { stderr: true }), port: 0, host: '127.0.0.1' });
const base = demo.server.url.replace('localhost', '127.0.0.1');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function session(username, viewport = { width: 1440, height: 900 }, mobile = false) {
  const context = await browser.newContext({ baseURL: base, viewport, deviceScaleFactor: mobile ? 2 : 1, isMobile: mobile, hasTouch: mobile, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', DEMO_PASSWORD);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=user-menu]');
  return { context, page };
}

async function shot(page, name, { wait, full = false } = {}) {
  if (wait) await page.waitForSelector(wait, { timeout: 30_000 });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(800); // charts animate in
  const file = join(out, `${name}.png`);
  await page.screenshot({ path: file, fullPage: full });
  console.log(`saved ${file}`);
}

try {
  const seeded = await demo.seeded;
  console.log(`demo ready (${seeded} cases seeded)`);

  const anon = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const login = await anon.newPage();
  await login.goto('/');
  await shot(login, 'login', { wait: '#login-username' });
  await anon.close();

  const office = await session('wangfang');
  await office.page.goto('/dashboard');
  await shot(office.page, 'dashboard', { wait: '[data-testid=dashboard-trend] svg' });
  await office.page.goto('/posts');
  await shot(office.page, 'posts', { wait: '[data-testid^=post-]' });
  const firstPost = await office.page.locator('[data-testid^=post-] a').first().getAttribute('href');
  const ruled = await office.page.evaluate(async () => {
    const posts = await (await fetch('/api/posts?limit=100')).json();
    const p = posts.find((x) => x.analysis && x.analysis.rules.length && x.sentiment_label === 'negative') ?? posts.find((x) => x.analysis && x.analysis.rules.length);
    return p ? `/posts/${p.id}` : null;
  });
  await office.page.goto(ruled ?? firstPost ?? '/posts');
  await shot(office.page, 'post-why', { wait: '[data-testid=post-why]' });
  await office.page.goto('/cases');
  await shot(office.page, 'ledger', { wait: '.ant-table-row' });
  const caseId = await office.page.evaluate(async () => {
    const r = await (await fetch('/api/cases?state=closed')).json();
    return r.items[0]?.id ?? null;
  });
  if (caseId) {
    await office.page.goto(`/cases/${caseId}`);
    await office.page.waitForSelector('[data-testid=case-page]');
    await office.page.getByRole('tab', { name: '办理过程' }).click();
    await shot(office.page, 'case', { wait: '.ant-timeline' });
  }
  await office.page.goto('/events');
  await shot(office.page, 'events', { wait: '.ant-table-row' });
  await office.page.goto('/reports');
  await shot(office.page, 'reports', { wait: '[data-testid=report-trend] svg' });
  await office.page.goto('/settings/rules');
  await office.page.waitForSelector('.ant-table-row');
  await office.page.locator('.ant-table-row').first().locator('button').filter({ hasText: /编\s*辑/ }).click();
  await shot(office.page, 'rule-live-test', { wait: '[data-testid=rule-test-summary]' });
  await office.context.close();

  const responder = await session('liwei');
  await responder.page.goto('/alerts');
  await shot(responder.page, 'alerts', { wait: '.ant-table' });
  await responder.context.close();

  const head = await session('zhaojianguo', { width: 390, height: 844 }, true);
  await shot(head.page, 'approval-phone', { wait: '[data-testid^=approval-]' });
  await head.context.close();

  const leader = await session('chenju', { width: 390, height: 844 }, true);
  await shot(leader.page, 'memo-phone', { wait: '[data-testid=memo-instruct]' });
  await leader.page.goto('/alerts');
  await shot(leader.page, 'alerts-phone', { wait: '[data-testid=alerts-list]' });
  await leader.page.click('[data-testid=alert-preferences]');
  await shot(leader.page, 'alert-preferences-phone', { wait: '.ant-modal .ant-select' });
  await leader.context.close();
} finally {
  await browser.close();
  await demo.close();
  rmSync(dir, { recursive: true, force: true });
}
