import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { nowIso } from '../../db/values.ts';
import { z } from 'zod';
import { jobType, type JobPayload, type JobQueue } from '../../jobs/queue.ts';
import { MODEL_NAMES, type ModelName } from './models.ts';
import { scheduleRetrain, type RetrainResult } from './train.ts';

/** The job that retrains models after corrections, run by whichever worker takes it. */
export const retrainJob = jobType(
  'models.retrain',
  z.object({
    // Names this version does not know (a newer worker's models) are skipped, not an error.
    models: z.array(z.string()).transform((names) => names.filter((n): n is ModelName => (MODEL_NAMES as readonly string[]).includes(n))),
    throughLabelId: z.number().int().nonnegative(),
  }),
);

/** Asks for the named models to be retrained with every label up to `throughLabelId`. */
export type RetrainRequester = (names: ModelName[], throughLabelId: number) => Promise<void>;

export function queueRetrain(jobs: JobQueue): RetrainRequester {
  return async (names, throughLabelId) => void (await jobs.send(retrainJob, { models: names, throughLabelId }));
}

const throughKey = (name: ModelName) => `models.trained_through_label.${name}`;

/**
 * Runs a retrain request unless a retraining that began after those labels were stored has
 * already run: a burst of corrections becomes one or two retrainings, whichever worker runs them.
 * Label ids, not clocks, say what a retraining saw, so workers on other machines agree.
 */
export async function runRetrainJob(db: Kysely<Database>, data: JobPayload<typeof retrainJob>): Promise<RetrainResult[]> {
  const asked = data.models;
  const through = data.throughLabelId;
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', asked.map(throughKey)).execute();
  const done = new Map(rows.map((r) => [r.key, Number(r.value) || 0]));
  const names = asked.filter((n) => (done.get(throughKey(n)) ?? 0) < through);
  if (names.length === 0) return [];
  const seen = await db.selectFrom('labels').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  const upTo = Number(seen?.id ?? 0);
  const results = await scheduleRetrain(db, names);
  const now = nowIso();
  for (const n of names) {
    const value = String(Math.max(upTo, done.get(throughKey(n)) ?? 0));
    await db
      .insertInto('settings')
      .values({ key: throughKey(n), value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
  return results;
}
