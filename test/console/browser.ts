import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startServer, type RunningServer } from '../../src/server/serve.ts';
import { freshDatabaseUrl } from '../helpers/db.ts';

/**
 * End-to-end harness: Debian's Chromium driven by playwright-core against the real server
 * (startServer) on 127.0.0.1 with a temporary SQLite database. The console is built first
 * when web/dist is missing or stale.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const skipReason = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt install chromium fonts-noto-cjk); skipping console e2e tests`;

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function ensureConsoleBuilt(): Promise<void> {
  // @ts-expect-error plain ESM script without types
  const { buildConsole } = await import('../../scripts/build-web.mjs');
  await buildConsole({ quiet: true });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
}

export interface E2eServer {
  server: RunningServer;
  url: string;
  /** The generated password of the first-start administrator `admin`. */
  adminPassword: string;
  close(): Promise<void>;
}

/** The real server over a fresh SQLite file; `seed` runs against its database before tests use it. */
export async function startE2eServer(seed?: (server: RunningServer) => Promise<void>, env: Record<string, string> = {}, { scheduler = false } = {}): Promise<E2eServer> {
  const fresh = await freshDatabaseUrl('sqlite');
  const config = loadConfig({ ...process.env, MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', ...env });
  let adminPassword = '';
  const server = await startServer({
    dbUrl: fresh.url,
    config,
    log: createLogger('silent'),
    port: 0,
    host: '127.0.0.1',
    scheduler,
    onAdminCreated: (a) => (adminPassword = a.password),
  });
  if (seed) await seed(server);
  return {
    server,
    adminPassword,
    url: server.url.replace('localhost', '127.0.0.1'),
    close: async () => {
      await server.close();
      await fresh.drop();
    },
  };
}

/** A new browser context (its own cookies) with a page logged in as `username`. */
export async function loginAs(browser: Browser, base: string, username: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: base, locale: 'zh-CN' });
  // Generous waits: CI machines are small and run two test files at once.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  await page.goto('/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=user-menu]');
  return { context, page };
}
