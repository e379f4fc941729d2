import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { Db } from '../../src/db/connect.ts';
import { nowIso, toJson } from '../../src/db/values.ts';
import { newPostSteps } from '../../src/pipeline/index.ts';
import { createLogger } from '../../src/log.ts';
import { Fetcher } from '../../src/collect/fetcher/fetch.ts';
import { createOutboundPolicy } from '../../src/outbound/policy.ts';
import type { SourceRow } from '../../src/collect/types.ts';
import type { SourceKindName } from '../../src/collect/vocabulary.ts';

export function testContext(db: Db, env: Record<string, string> = { MINSHENG_ALLOW_PRIVATE_NETWORKS: '1' }): AppContext {
  return createContext(db, loadConfig({ ...process.env, ...env }), createLogger('silent'));
}

/** A fetcher for loopback stand-ins: private networks allowed, no per-host delay, short timeout. */
export function testFetcher(opts: { allowPrivate?: boolean; allowHosts?: string; timeoutMs?: number; maxBytes?: number } = {}) {
  const outbound = createOutboundPolicy({ allowPrivate: opts.allowPrivate ?? true, allowHosts: opts.allowHosts });
  return new Fetcher({ outbound, perHostDelayMs: 0, perHostConcurrency: 4, timeoutMs: opts.timeoutMs ?? 5000, maxBytes: opts.maxBytes, retries: 1 });
}

export async function addSource(db: Db, s: { name: string; kind: SourceKindName; url?: string | null; config?: object; department_id?: number | null; interval_seconds?: number }): Promise<SourceRow> {
  const now = nowIso();
  return db.kysely
    .insertInto('sources')
    .values({
      name: s.name,
      kind: s.kind,
      url: s.url ?? null,
      config: toJson(s.config ?? {}),
      interval_seconds: s.interval_seconds ?? 300,
      weight: 1,
      department_id: s.department_id ?? null,
      paused: 0,
      error_streak: 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records which post ids reach the new-post pipeline, for the duration of a test file. */
export function spyPipeline() {
  const seen: number[] = [];
  const step = { name: 'test.spy', run: async (_ctx: AppContext, ids: number[]) => void seen.push(...ids) };
  newPostSteps.push(step);
  return {
    seen,
    restore: () => {
      const i = newPostSteps.indexOf(step);
      if (i >= 0) newPostSteps.splice(i, 1);
    },
  };
}
