import type { AppContext } from '../context.ts';
import { retrainJob, runRetrainJob } from '../analyze/learn/retrain-job.ts';
import { collectSource, collectSourceJob, fetcherFor } from '../collect/collector.ts';
import type { Fetcher } from '../collect/fetcher/fetch.ts';
import { processNewPosts } from '../pipeline/index.ts';
import type { JobPayload, JobType } from './queue.ts';

/** A job that periodic tasks fan out into (one per source, …): its type (name and payload schema) and handler. */
export interface JobDefinition<J extends JobType = JobType> {
  job: J;
  run(ctx: AppContext, data: JobPayload<J>): Promise<void>;
  concurrency?: number;
  expireSeconds?: number;
  retryLimit?: number;
  singleton?: boolean;
}

/** One shared fetcher per process so that per-host politeness limits hold across jobs. */
const fetchers = new WeakMap<AppContext, Fetcher>();
function sharedFetcher(ctx: AppContext): Fetcher {
  let f = fetchers.get(ctx);
  if (!f) {
    f = fetcherFor(ctx);
    fetchers.set(ctx, f);
  }
  return f;
}

/** Ties a handler to its job's payload type. */
function define<J extends JobType>(def: JobDefinition<J>): JobDefinition<J> {
  return def;
}

/** Every fanned-out job. The list holds definitions of different payload types, each checked by `define`. */
export const jobDefinitions: JobDefinition<any>[] = [
  define({
    // Fetch, store and analyse one source. The planner has already leased the source
    // (next_check_at moved forward), and the queue keeps one job per source at a time.
    job: collectSourceJob,
    concurrency: 4,
    singleton: true,
    expireSeconds: 300,
    retryLimit: 2,
    async run(ctx, { sourceId }) {
      const source = await ctx.db.kysely.selectFrom('sources').selectAll().where('id', '=', sourceId).executeTakeFirst();
      if (!source || source.paused) return;
      // Posts a previous run stored but did not get to analyse (its worker died) are finished
      // first; the queue runs one job per source at a time, so nobody else is analysing them.
      const leftovers = await ctx.db.kysely.selectFrom('posts').select('id').where('source_id', '=', sourceId).where('analyzed_at', 'is', null).orderBy('id').limit(1000).execute();
      if (leftovers.length) await processNewPosts(ctx, leftovers.map((p) => p.id));
      await collectSource(ctx, sharedFetcher(ctx), source);
    },
  }),
  define({
    // Retraining after corrections in the console; requests already covered are skipped.
    job: retrainJob,
    concurrency: 1,
    expireSeconds: 900,
    retryLimit: 2,
    async run(ctx, data) {
      const results = await runRetrainJob(ctx.db.kysely, data);
      if (results.length) ctx.log.info({ part: 'learn', models: results.map((r) => `${r.name}:${r.examples}`) }, 'models retrained');
    },
  }),
];
