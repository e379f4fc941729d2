import { register } from 'tsx/esm/api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
register();
const { buildConsole } = await import('./scripts/build-web.mjs');
await buildConsole({ quiet: true });
const { chromium } = await import('playwright-core');
const { loadConfig } = await import('./src/config.ts');
const { createLogger } = await import('./src/log.ts');
const { startDemo } = await import('./src/demo/run.ts');
const { DEMO_PASSWORD } = await import('./src/demo/workspace.ts');
const dir = mkdtempSync(join(tmpdir(), 'minsheng-shot-'));
const demo = await startDemo({ dbUrl: join(dir, 'demo.db'), config: loadConfig({ ...process.env }), log: createLogger('warn', { stderr: true }), port: 0, host: '127.0.0.1' });
const base = demo.server.url.replace('localhost', '127.0.0.1');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  await demo.seeded;
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await page.fill('#login-username', 'wangfang');
  await page.fill('#login-password', DEMO_PASSWORD);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=user-menu]');
  // mark the first feed source 高频 through the API so the list shows the tag
  await page.evaluate(async () => {
    const list = await (await fetch('/api/sources')).json();
    const csrf = document.cookie;
    return list.length;
  });
  await page.goto('/settings/sources');
  await page.waitForSelector('.ant-table-row');
  await page.waitForTimeout(800);
  await page.screenshot({ path: '/tmp/shot-sources-list.png' });
  // open the first row's edit
  const edit = page.locator('.ant-table-row').first().getByRole('button').first();
  await edit.click();
  await page.waitForSelector('[data-testid=source-high-frequency]', { timeout: 10000 }).catch(() => undefined);
  const box = page.locator('[data-testid=source-high-frequency]');
  if (await box.count()) await box.click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: '/tmp/shot-sources-form.png' });
  console.log('saved');
} finally {
  await browser.close();
  await demo.stop?.();
  await demo.server?.close?.();
  process.exit(0);
}
