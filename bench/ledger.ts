/**
 * Ledger listing benchmark (issue 6): 10,000 cases on SQLite; target < 300 ms per listing.
 * Usage: node --import tsx bench/ledger.ts [--cases 10000] [--runs 20]
 * Prints the median, p90 and worst time of each query shape, measured after one warm-up run
 * (the target is judged on p90: single worst runs on a shared machine are GC or scheduling noise).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Actor } from '../src/auth/actor.ts';
import { listLedger, type LedgerQuery } from '../src/cases/ledger.ts';
import { ledgerXlsx } from '../src/cases/ledger-xlsx.ts';
import { formatCaseNumber } from '../src/cases/numbering.ts';
import { CASE_STATES } from '../src/cases/states.ts';
import { openDatabase } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { RISK_LEVELS } from '../src/levels.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('cases', 10_000);
const RUNS = arg('runs', 20);
const dir = mkdtempSync(join(tmpdir(), 'minsheng-bench-'));
const db = await openDatabase(join(dir, 'bench.db'));
try {
  await migrateToLatest(db);
  const k = db.kysely;
  const now = new Date().toISOString();
  const deptIds: number[] = [];
  for (let d = 0; d < 12; d++) {
    const row = await k.insertInto('departments').values({ code: `d${d}`, name: `部门${d}`, phone: null, is_office: d === 0 ? 1 : 0, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    deptIds.push(row.id);
  }
  const topics = ['道路施工', '违章搭建', '拆迁补偿', '商品房质量', '市政维护', '物业纠纷', '供暖收费', '学区划分'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  await k.transaction().execute(async (trx) => {
    for (let i = 0; i < N; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(N, i + 500); j++) {
        const opened = new Date(start + j * 2_700_000).toISOString();
        rows.push({
          number: formatCaseNumber(2026, j + 1),
          year: 2026,
          seq: j + 1,
          title: `${topics[j % topics.length]}问题第${j}号`,
          summary: `网友反映${topics[(j * 7) % topics.length]}，希望尽快处理`,
          state: CASE_STATES[j % CASE_STATES.length],
          level: RISK_LEVELS[j % 4],
          lead_department_id: deptIds[1 + (j % 11)],
          opened_at: opened,
          deadline_at: opened,
          deadline_kind: 'same_day' as const,
          overdue: j % 9 === 0 ? 1 : 0,
          updated_at: opened,
        });
      }
      await trx.insertInto('cases').values(rows).execute();
    }
    const ids = await trx.selectFrom('cases').select('id').where((eb) => eb(eb.ref('id'), '<=', N)).execute();
    const assists = ids.filter((r) => r.id % 5 === 0).map((r) => ({ case_id: r.id, department_id: deptIds[1 + ((r.id + 3) % 11)], role: 'assist' as const }));
    for (let i = 0; i < assists.length; i += 500) await trx.insertInto('case_departments').values(assists.slice(i, i + 500)).onConflict((oc) => oc.doNothing()).execute();
  });
  await k.insertInto('case_counters').values({ year: 2026, last_seq: N }).execute();

  const office: Actor = { id: null, name: 'bench-office', role: 'office', departmentId: deptIds[0], via: 'cli' };
  const responder: Actor = { id: null, name: 'bench-responder', role: 'responder', departmentId: deptIds[3], via: 'cli' };
  const shapes: [string, Actor, LedgerQuery][] = [
    ['office, first page (50) + total', office, {}],
    ['office, all 10,000 rows in one listing', office, { limit: 10_000 }],
    ['responder scope (lead or assisting), first page', responder, {}],
    ['office, state + level + overdue filter', office, { state: ['triage', 'drafting'], level: 'orange', overdue: true }],
    ['office, department filter (lead or assisting)', office, { department_id: deptIds[5] }],
    ['office, text search "拆迁"', office, { q: '拆迁' }],
    ['office, one month period', office, { from: '2026-03-01', to: '2026-04-01' }],
  ];
  console.log(`ledger benchmark: ${N} cases on SQLite, ${RUNS} runs per shape (node ${process.version})`);
  for (const [name, actor, q] of shapes) {
    await listLedger(k, actor, q);
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const res = await listLedger(k, actor, q);
      times.push(performance.now() - t0);
      total = res.total;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const p90 = times[Math.floor(times.length * 0.9)];
    const worst = times[times.length - 1];
    console.log(`${name.padEnd(52)} total=${String(total).padStart(5)}  median ${median.toFixed(1)} ms  p90 ${p90.toFixed(1)} ms  worst ${worst.toFixed(1)} ms  ${p90 < 300 ? 'OK' : 'OVER 300 ms'}`);
  }
  const t0 = performance.now();
  const xlsx = await ledgerXlsx(k, office, {});
  console.log(`xlsx export of all ${N} cases: ${(performance.now() - t0).toFixed(0)} ms, ${(xlsx.length / 1024).toFixed(0)} KiB`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
