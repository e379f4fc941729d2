import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { jsonColumn, nowIso, readJson } from '../../db/values.ts';
import { MODEL_NAMES, type ModelName } from '../vocabulary.ts';
import type { FeatureSet } from './features.ts';
import { deserialize, serialize, storedLinearModelSchema, type LinearModel } from './linear.ts';
import { z } from 'zod';
import { shapeOf } from '../../shapes.ts';

/**
 * The learned models of a workspace, stored in the `models` table (one row per model, with a
 * version that increases on every retraining). The repo ships none: every model is learned
 * from the workspace's own labels and ledger.
 */
export { MODEL_NAMES, type ModelName } from '../vocabulary.ts';

export const MODEL_FEATURES: Record<ModelName, FeatureSet> = {
  sentiment: { words: true, bigrams: true, trigrams: false, lexicon: true },
  topic: { words: true, otherTokens: false, bigrams: true, trigrams: false, lexicon: false },
  department: { words: true, otherTokens: false, bigrams: true, trigrams: false, lexicon: false },
  // appeal type and emotion read the words, the sentiment lexicon and their own cue evidence (appeal/cues.ts, emotion/lexicon.ts)
  appeal: { words: true, bigrams: true, trigrams: false, lexicon: true, appeal: true },
  emotion: { words: true, bigrams: true, trigrams: false, lexicon: true, emotion: true },
};

/** Hash bits for a model with `classes` classes: keeps weights at about 2M floats at most. */
export function bitsFor(name: ModelName, classes: number): number {
  const cap = name === 'sentiment' || name === 'emotion' ? 18 : 17;
  return Math.max(11, Math.min(cap, Math.floor(Math.log2((1 << 21) / Math.max(2, classes)))));
}

/** The settings key bumped whenever the dictionary, taxonomy or a model changes. */
export const LANGUAGE_REVISION_KEY = 'language.revision';

export async function bumpLanguageRevision(db: Kysely<Database> | Transaction<Database>): Promise<void> {
  const now = nowIso();
  const value = `${now}#${Math.random().toString(36).slice(2, 8)}`;
  await db
    .insertInto('settings')
    .values({ key: LANGUAGE_REVISION_KEY, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export async function languageRevision(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', LANGUAGE_REVISION_KEY).executeTakeFirst();
  return row?.value ?? '';
}

export async function saveModel(db: Kysely<Database> | Transaction<Database>, name: ModelName, model: LinearModel): Promise<number> {
  const data = JSON.stringify(serialize(model));
  const now = nowIso();
  const prev = await db.selectFrom('models').select('version').where('name', '=', name).executeTakeFirst();
  const version = (prev?.version ?? 0) + 1;
  if (prev) await db.updateTable('models').set({ version, data, examples: model.examples, trained_at: now }).where('name', '=', name).execute();
  else await db.insertInto('models').values({ name, version, data, examples: model.examples, trained_at: now }).execute();
  await bumpLanguageRevision(db);
  return version;
}

export async function deleteModel(db: Kysely<Database> | Transaction<Database>, name: ModelName): Promise<void> {
  const res = await db.deleteFrom('models').where('name', '=', name).executeTakeFirst();
  if (Number(res.numDeletedRows) > 0) await bumpLanguageRevision(db);
}

/** `models.data`: the trained model, compact (linear.ts). */
const modelDataJson = jsonColumn('models.data', storedLinearModelSchema);

export interface LoadedModel {
  model: LinearModel;
  version: number;
  trainedAt: string;
}

export async function loadModels(db: Kysely<Database>): Promise<Partial<Record<ModelName, LoadedModel>>> {
  const rows = await db.selectFrom('models').selectAll().where('name', 'in', [...MODEL_NAMES]).execute();
  const out: Partial<Record<ModelName, LoadedModel>> = {};
  for (const r of rows) {
    const stored = readJson(modelDataJson, r.data, null);
    if (!stored) continue;
    try {
      out[r.name] = { model: deserialize(stored), version: r.version, trainedAt: r.trained_at };
    } catch {
      // A model stored by a newer version (or damaged): analysis goes on without it until retrained.
      continue;
    }
  }
  return out;
}

/** Model summaries for the console (no weights). */
export const modelInfoSchema = shapeOf<Awaited<ReturnType<typeof describeModels>>[number]>()({
  name: z.enum(MODEL_NAMES),
  version: z.number(),
  examples: z.number(),
  trainedAt: z.string(),
  classes: z.array(z.string()),
  counts: z.array(z.number()).describe('examples per class'),
  externalLexicon: z.boolean().describe('the model also reads the external sentiment lexicons'),
});

export async function describeModels(db: Kysely<Database>) {
  const rows = await db.selectFrom('models').select(['name', 'version', 'examples', 'trained_at', 'data']).where('name', 'in', [...MODEL_NAMES]).execute();
  return rows.map((r) => {
    const stored = readJson(modelDataJson, r.data, null);
    return {
      name: r.name,
      version: r.version,
      examples: r.examples,
      trainedAt: r.trained_at,
      classes: stored?.classes ?? [],
      counts: stored?.counts ?? [],
      // whether the model also reads the external sentiment lexicons (sentiment/external-lexicon.ts)
      externalLexicon: stored?.features.externalLexicon === true,
    };
  });
}
