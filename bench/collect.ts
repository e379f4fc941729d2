/**
 * Collection benchmarks (prints figures; never run as a test):
 *  1. import throughput (posts/s) on the 4,326 real 网络问政 messages
 *     (../shared/datasets/teddycup2020c/messages_with_votes_4326.jsonl, read in place), storing
 *     only and with the whole new-post pipeline (analysis, alerts);
 *  2. the time to collect 100 feeds from 100 loopback sites (20 items each).
 * Usage: npx tsx bench/collect.ts [DATASETS_DIR]   (SQLite in a temp dir; DATABASE_URL=postgres://… to use PostgreSQL)
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor } from '../src/auth/actor.ts';
import { collectDue } from '../src/collect/collector.ts';
import { Fetcher } from '../src/collect/fetcher/fetch.ts';
import { importFile } from '../src/collect/importer/import.ts';
import { createSource } from '../src/collect/manage.ts';
import { loadConfig } from '../src/config.ts';
import { createContext, type AppContext } from '../src/context.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newPostSteps } from '../src/pipeline/index.ts';
import { createLogger } from '../src/log.ts';
import { createOutboundPolicy } from '../src/outbound/policy.ts';

const datasets = process.argv[2] ?? '../shared/datasets';
const file = join(datasets, 'teddycup2020c', 'messages_with_votes_4326.jsonl');

async function withDb<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-'));
  const url = process.env.DATABASE_URL ?? join(dir, 'bench.db');
  const db = await openDatabase(url);
  await migrateToLatest(db);
  const ctx = createContext(db, loadConfig({ ...process.env, MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' }), createLogger('silent'));
  try {
    return await fn(ctx);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with the new-post pipeline switched off (store only) or on. */
async function pipeline<T>(on: boolean, fn: () => Promise<T>): Promise<T> {
  const saved = newPostSteps.splice(0, newPostSteps.length);
  if (on) newPostSteps.push(...saved);
  try {
    return await fn();
  } finally {
    newPostSteps.splice(0, newPostSteps.length, ...saved);
  }
}

async function importBench(withPipeline: boolean) {
  const bytes = readFileSync(file);
  return withDb(async (ctx) => {
    await createSource(ctx.db.kysely, cliActor(), { name: 'teddycup', kind: 'import' });
    const source = await ctx.db.kysely.selectFrom('sources').selectAll().where('name', '=', 'teddycup').executeTakeFirstOrThrow();
    const t0 = performance.now();
    const r = await pipeline(withPipeline, () => importFile(ctx, cliActor(), source, 'messages.jsonl', bytes));
    const s = (performance.now() - t0) / 1000;
    const dups = await ctx.db.kysely.selectFrom('posts').select('id').where('near_duplicate_of', 'is not', null).execute();
    console.log(`import ${withPipeline ? 'with pipeline' : 'store only   '}: ${r.created} posts (${r.errors.length} rejected) in ${s.toFixed(2)} s = ${(r.created / s).toFixed(0)} posts/s [${ctx.db.kind}]${dups.length ? `, ${dups.length} near-duplicates` : ''}`);
    for (const e of r.errors.slice(0, 3)) console.log(`  row ${e.row}: ${e.message}`);
  });
}

function feedXml(site: number) {
  const items = Array.from({ length: 20 }, (_, i) => `<item><title>站点${site} 第${i}条 道路施工噪音扰民</title><link>http://site${site}.example/p/${i}</link><guid>s${site}-${i}</guid><description>夜间施工持续到凌晨，周边居民投诉 ${site}-${i}。</description><pubDate>Tue, 05 Nov 2024 10:${String(i).padStart(2, '0')}:00 +0800</pubDate></item>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>site ${site}</title>${items}</channel></rss>`;
}

async function feedsBench(withPipeline: boolean) {
  const servers: Server[] = [];
  const urls: string[] = [];
  for (let i = 0; i < 100; i++) {
    const body = feedXml(i);
    const s = createServer((req, res) => {
      if (req.url === '/robots.txt') return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    urls.push(`http://127.0.0.1:${(s.address() as AddressInfo).port}/feed.xml`);
  }
  try {
    await withDb(async (ctx) => {
      for (const [i, url] of urls.entries()) await createSource(ctx.db.kysely, cliActor(), { name: `feed-${i}`, kind: 'feed', url });
      const fetcher = new Fetcher({ outbound: createOutboundPolicy({ allowPrivate: true }) });
      const t0 = performance.now();
      const results = await pipeline(withPipeline, () => collectDue(ctx, { fetcher, concurrency: 8 }));
      const s = (performance.now() - t0) / 1000;
      await fetcher.close();
      const created = results.reduce((n, r) => n + r.created, 0);
      console.log(`collect 100 loopback feeds ${withPipeline ? 'with pipeline' : 'store only   '}: ${results.filter((r) => r.ok).length} ok, ${created} posts in ${s.toFixed(2)} s (${(created / s).toFixed(0)} posts/s, 8 sources in parallel) [${ctx.db.kind}]`);
    });
  } finally {
    for (const s of servers) s.close();
  }
}

if (existsSync(file)) {
  await importBench(false);
  await importBench(true);
} else console.log(`dataset not found at ${file}; skipping the import benchmark`);
await feedsBench(false);
await feedsBench(true);
