/**
 * Alerts per role per hour of the demo (issue 18): what an hour of `npm run demo` leaves each person.
 *
 *   node --import tsx bench/demo-hour.ts [--minutes 60] [--db postgres://…/empty_db] [--json]
 *
 * Runs the demo workspace against the demo's own sites (127.0.0.1) on a simulated clock: the sites
 * publish at their usual pace, every minute the due sources are collected, alerts delivered, nobody
 * acknowledges anything, escalation and the case deadline watch run, and whatever periodic alert
 * work the build has (digests) runs too. The demo cases are seeded after the first collection, as
 * `npm run demo` does. At the end it prints, per user, the in-app alerts left unread (what the
 * console's bell shows), grouped by role, and the messages the channels delivered by kind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor, type Actor } from '../src/auth/actor.ts';
import { unreadInapp } from '../src/alert/alerts.ts';
import { deliverDue } from '../src/alert/delivery.ts';
import { escalateUnacknowledged } from '../src/alert/escalation.ts';
import * as runner from '../src/alert/runner.ts';
import { checkDeadlines } from '../src/cases/reminders.ts';
import { collectDue } from '../src/collect/collector.ts';
import { Fetcher } from '../src/collect/fetcher/fetch.ts';
import { outboundPolicyOf } from '../src/outbound/policy.ts';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { seedDemoCases } from '../src/demo/seed.ts';
import { startDemoSites } from '../src/demo/sites.ts';
import { demoWorkspaceYaml } from '../src/demo/workspace.ts';
import { createLogger } from '../src/log.ts';
import { applyWorkspace } from '../src/workspace/workspace.ts';
import { freshDatabase } from './lib/throwaway.ts';

const argv = process.argv.slice(2);
const arg = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const MINUTES = Number(arg('minutes', '60'));
const JSON_OUT = argv.includes('--json');

const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-demo-hour-'));
const fresh = await freshDatabase(arg('db', '') || join(dir, 'demo.db'), 'minsheng_bench_demo');
const started = Date.now();
const wallStart = performance.now();
let clock = new Date(started);
/**
 * The whole process reads the simulated clock (every `new Date()` and `Date.now()`), so the times
 * the code stamps itself (alerts created, recipients, flood windows) agree with the `now` the
 * bench hands to collection, delivery and escalation. Timers still run in real time.
 */
const RealDate = Date;
class SimDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(clock.getTime());
    else super(...(args as [string]));
  }
  static override now() {
    return clock.getTime();
  }
}
globalThis.Date = SimDate as DateConstructor;
const sites = await startDemoSites({ now: () => clock });
const db = await openDatabase(fresh.url);
try {
  await migrateToLatest(db);
  const config = loadConfig({ ...process.env, MINSHENG_ALLOW_PRIVATE_NETWORKS: '1', MINSHENG_PUBLIC_URL: 'http://127.0.0.1:3000' });
  const log = createLogger('silent');
  const ctx = createContext(db, config, log);
  // The demo sites are local: no politeness delay between requests (the clock is simulated anyway).
  const fetcher = new Fetcher({ outbound: outboundPolicyOf(ctx), perHostDelayMs: 0 });
  await applyWorkspace(db.kysely, { ...cliActor(), name: 'demo' }, demoWorkspaceYaml(sites));
  // Periodic alert work besides delivery and escalation (per-person digests), when the build has it.
  const extra = (runner as Record<string, unknown>).alertPeriodicWork as ((c: typeof ctx, now: Date) => Promise<unknown>) | undefined;
  const tick = async () => {
    await collectDue(ctx, { now: clock, fetcher });
    await deliverDue(ctx, { now: () => clock });
    await escalateUnacknowledged(ctx, clock);
    await checkDeadlines(ctx, clock);
    if (extra) await extra(ctx, clock);
    for (let r = await deliverDue(ctx, { now: () => clock }); r.more; r = await deliverDue(ctx, { now: () => clock }));
  };
  await tick();
  const seeded = await seedDemoCases(db.kysely, sites, log);
  for (let m = 1; m <= MINUTES; m++) {
    clock = new Date(started + m * 60_000);
    await tick();
  }
  const users = await db.kysely.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'department_id']).orderBy('id').execute();
  const perUser: { username: string; role: string; unread: number; byKind: Record<string, number> }[] = [];
  for (const u of users) {
    const actor: Actor = { id: u.id, name: u.display_name, role: u.role, departmentId: u.department_id, via: 'api' };
    const rows = await unreadInapp(db.kysely, actor, 500);
    const byKind: Record<string, number> = {};
    for (const r of rows) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
    perUser.push({ username: u.username, role: u.role, unread: rows.length, byKind });
  }
  const byRole = new Map<string, number[]>();
  for (const u of perUser) byRole.set(u.role, [...(byRole.get(u.role) ?? []), u.unread]);
  const kinds = await db.kysely.selectFrom('alerts').select(['kind', (eb) => eb.fn.countAll<string | number>().as('n')]).where('status', 'in', ['sent', 'digested']).groupBy('kind').execute();
  const posts = await db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const levels = await db.kysely.selectFrom('posts').select(['risk_level', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('risk_level').execute();
  const summary = {
    minutes: MINUTES,
    posts: Number(posts.n),
    postsByLevel: Object.fromEntries(levels.map((l) => [l.risk_level ?? 'none', Number(l.n)])),
    seededCases: seeded,
    unreadByRole: Object.fromEntries([...byRole].map(([role, ns]) => [role, { users: ns.length, mean: Math.round((ns.reduce((a, b) => a + b, 0) / ns.length) * 10) / 10, max: Math.max(...ns) }])),
    perUser,
    deliveredByKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    wallSeconds: Math.round((performance.now() - wallStart) / 1000),
  };
  if (JSON_OUT) console.log(JSON.stringify(summary));
  else {
    console.log(`demo, ${MINUTES} simulated minutes: ${summary.posts} posts ${JSON.stringify(summary.postsByLevel)}, ${seeded} seeded cases (${summary.wallSeconds} s wall)`);
    console.log('unread in-app alerts per role (users, mean, max):');
    for (const [role, s] of Object.entries(summary.unreadByRole)) console.log(`  ${role.padEnd(10)} ${s.users}  ${String(s.mean).padStart(6)}  ${String(s.max).padStart(5)}`);
    console.log('per user:', perUser.map((u) => `${u.username}(${u.role})=${u.unread} ${JSON.stringify(u.byKind)}`).join('\n  '));
    console.log('delivered alert rows by kind:', JSON.stringify(summary.deliveredByKind));
  }
  await fetcher.close();
} finally {
  await db.close();
  await sites.close();
  await fresh.drop();
  rmSync(dir, { recursive: true, force: true });
}
