import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { readJson } from '../db/values.ts';
import { jobType } from '../jobs/queue.ts';
import { outboundPolicyOf } from '../outbound/policy.ts';
import { ingestPosts } from '../pipeline/index.ts';
import { StoreError, type StoreResult } from '../pipeline/stages.ts';
import { Fetcher } from './fetcher/fetch.ts';
import { checkSilence, recordFailure, recordSuccess } from './health.ts';
import { problemOf } from './problems.ts';
import { kindOf, sourceKinds } from './sources/index.ts';
import type { CollectOutcome, CollectRun } from './sources/types.ts';
import { CollectError, sourceConfigJson, type SourceRow } from './types.ts';
import { shapeOf } from '../shapes.ts';
import { issuesText } from '../i18n/issues.ts';
import { t } from '../i18n/index.ts';

export interface SourceRunResult {
  source: string;
  ok: boolean;
  created: number;
  updated: number;
  notModified: boolean;
  error: string | null;
  warnings: string[];
  paused: boolean;
}

export const sourceRunResultSchema = shapeOf<SourceRunResult>()({
  source: z.string(),
  ok: z.boolean(),
  created: z.number(),
  updated: z.number(),
  notModified: z.boolean(),
  error: z.string().nullable(),
  warnings: z.array(z.string()),
  paused: z.boolean(),
});

/** A lease so that two workers never collect the same source at once. */
const LEASE_SECONDS = 600;

export function fetcherFor(ctx: AppContext): Fetcher {
  return new Fetcher({ outbound: outboundPolicyOf(ctx) });
}

/** Runs one kind's collect step for a source; throws CollectError with a readable reason. */
export async function runKind(ctx: AppContext, fetcher: Fetcher, source: SourceRow, now: Date, conditional: boolean, preview = false): Promise<CollectOutcome> {
  const kind = kindOf(source.kind);
  if (!kind?.collect) throw new CollectError(`source kind "${source.kind}" is not fetched`, null, 'config').say('collect.wrongKind', { name: source.name, kind: t(`collect.kind.${source.kind}`), what: '定时采集' });
  if (kind.needsUrl && !source.url) throw new CollectError('no URL configured', null, 'config').say('collect.urlRequired', { kind: t(`collect.kind.${source.kind}`) });
  let stored: Record<string, unknown>;
  try {
    // A stored config that is not what the column holds stops the source rather than collecting with defaults.
    stored = readJson(sourceConfigJson, source.config, {}, { strict: true });
  } catch (err) {
    throw new CollectError(`bad config: ${(err as Error).message}`, null, 'config').say('collect.error.storedConfig');
  }
  const parsed = kind.config.safeParse(stored);
  if (!parsed.success) throw new CollectError(`bad config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, null, 'config').say('collect.badConfig', { detail: issuesText(parsed.error.issues) });
  const run: CollectRun = {
    ctx,
    fetcher,
    source,
    now,
    conditional,
    preview,
    known: preview
      ? undefined
      : async (keys) => {
      const out = new Map<string, number>();
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await ctx.db.kysely.selectFrom('posts').select(['dedup_key', 'replies_count']).where('source_id', '=', source.id).where('dedup_key', 'in', keys.slice(i, i + 500)).execute();
        for (const r of rows) out.set(r.dedup_key, r.replies_count);
      }
      return out;
    },
  };
  return kind.collect(run, parsed.data);
}

/**
 * Collects one source: fetch and parse, then `ingestPosts` (store, record the run on the source,
 * hand new posts to analysis → alert / case) in the same run. A failure to fetch or store is
 * recorded on the source, never thrown.
 */
export async function collectSource(ctx: AppContext, fetcher: Fetcher, source: SourceRow, now = new Date()): Promise<SourceRunResult> {
  const log = ctx.log.child({ part: 'collect', source: source.name });
  const result: SourceRunResult = { source: source.name, ok: false, created: 0, updated: 0, notModified: false, error: null, warnings: [], paused: false };
  let outcome: CollectOutcome;
  try {
    outcome = await runKind(ctx, fetcher, source, now, true);
  } catch (err) {
    // English in the log; people read the zh-CN reason (the source's health, the office's notice, the run's answer).
    const reason = err instanceof CollectError ? err.userMessage : t('collect.error.unexpected');
    if (!(err instanceof CollectError)) log.error({ err }, 'collect failed unexpectedly');
    else log.warn({ reason: err.message }, 'collect failed');
    const { paused } = await recordFailure(ctx.db.kysely, source, now, reason, err instanceof CollectError ? err.retryAfterSeconds : null, problemOf(err));
    return { ...result, error: reason, paused };
  }
  let stored: StoreResult;
  try {
    stored = await ingestPosts(ctx, source, outcome.items, {
      now,
      onStored: async (s) => {
        await recordSuccess(ctx.db.kysely, source, now, { etag: outcome.etag, lastModified: outcome.lastModified }, outcome.warnings);
        for (const w of outcome.warnings) log.warn({ warning: w }, 'collect warning');
        log.info({ items: outcome.items.length, created: s.created.length, updated: s.updated, notModified: outcome.notModified, charset: outcome.charset }, 'collected');
      },
    });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    // Batches already committed stay; the rest is stored by the next run.
    log.error({ err: err.cause }, 'storing collected posts failed');
    const reason = t('collect.error.storing');
    const { paused } = await recordFailure(ctx.db.kysely, source, now, reason);
    return { ...result, error: reason, paused };
  }
  if (!stored.created.length) await checkSilence(ctx.db.kysely, source, now);
  return { ...result, ok: true, created: stored.created.length, updated: stored.updated, notModified: outcome.notModified, warnings: outcome.warnings };
}

/** Takes the source for this run unless another worker already did (compare-and-set on next_check_at). */
async function claim(ctx: AppContext, source: SourceRow, now: Date, leaseSeconds = LEASE_SECONDS): Promise<boolean> {
  const lease = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  let q = ctx.db.kysely.updateTable('sources').set({ next_check_at: lease }).where('id', '=', source.id);
  q = source.next_check_at === null ? q.where('next_check_at', 'is', null) : q.where('next_check_at', '=', source.next_check_at);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The job that collects one source (scaled-out and embedded job runtime). */
/** Fetch, store and analyse one source (planned by the collect task, one job per source at a time). */
export const collectSourceJob = jobType('collect.source', z.object({ sourceId: z.number().int().positive() }));

/**
 * The planner of the job runtime: leases each due, unpaused, pulled source (so no other
 * planner takes it) and hands it to `onLeased` at once, which enqueues its `collect.source`
 * job. A leased source whose job is lost comes due again when the lease runs out.
 */
export async function leaseDueSources(ctx: AppContext, onLeased: (sourceId: number) => Promise<void>, now = new Date(), leaseSeconds = LEASE_SECONDS): Promise<number> {
  const pulled = Object.values(sourceKinds).filter((k) => k.pulled).map((k) => k.kind);
  const due = await ctx.db.kysely
    .selectFrom('sources')
    .selectAll()
    .where('paused', '=', 0)
    .where('kind', 'in', pulled)
    .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now.toISOString())]))
    .orderBy(sql`coalesce(next_check_at, '')`)
    .limit(1000)
    .execute();
  let n = 0;
  for (const s of due) {
    if (!(await claim(ctx, s, now, leaseSeconds))) continue;
    await onLeased(s.id);
    n++;
  }
  return n;
}

export interface CollectDueOptions {
  /** Only this source (by name), due or not. */
  sourceName?: string;
  now?: Date;
  fetcher?: Fetcher;
  /** Sources collected in parallel (per-host limits still apply). */
  concurrency?: number;
}

/** Collects every due, unpaused, pulled source once (the scheduler's task and `collect --once`). */
export async function collectDue(ctx: AppContext, opts: CollectDueOptions = {}): Promise<SourceRunResult[]> {
  const now = opts.now ?? new Date();
  const db = ctx.db.kysely;
  let sources: SourceRow[];
  if (opts.sourceName) {
    const s = await db.selectFrom('sources').selectAll().where('name', '=', opts.sourceName).executeTakeFirst();
    if (!s) throw new CollectError(`source "${opts.sourceName}" does not exist`, null, 'config');
    if (!kindOf(s.kind)?.pulled) throw new CollectError(`source "${s.name}" is of kind ${s.kind}, which is not fetched (it receives posts by push, import or by hand)`, null, 'config');
    if (s.paused) throw new CollectError(`source "${s.name}" is paused${s.paused_reason ? ` (${s.paused_reason})` : ''}; resume it first`, null, 'config');
    sources = [s];
  } else {
    const pulled = Object.values(sourceKinds).filter((k) => k.pulled).map((k) => k.kind);
    sources = await db
      .selectFrom('sources')
      .selectAll()
      .where('paused', '=', 0)
      .where('kind', 'in', pulled)
      .where((eb) => eb.or([eb('next_check_at', 'is', null), eb('next_check_at', '<=', now.toISOString())]))
      .orderBy(sql`coalesce(next_check_at, '')`)
      .execute();
  }
  const fetcher = opts.fetcher ?? fetcherFor(ctx);
  const results: SourceRunResult[] = [];
  try {
    const queue = [...sources];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        if (!opts.sourceName && !(await claim(ctx, s, now))) continue;
        results.push(await collectSource(ctx, fetcher, s, now));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  } finally {
    if (!opts.fetcher) await fetcher.close();
  }
  return results;
}
