import type { Selectable, Transaction } from 'kysely';
import type { AnalysisResult } from '../analyze/types.ts';
import type { StoreOptions, StoreResult } from '../collect/store.ts';
import type { AppContext } from '../context.ts';
import type { Database, PostTable } from '../db/schema.ts';

/*
 * The spine: what happens to a post, stage by stage (DESIGN §4). Each stage lives in its own
 * folder; `src/pipeline/index.ts` wires them together with static imports.
 *
 *   ingest ──► store ──► analyze ──► alert / case
 *
 * 1. ingest: every way a post comes in turns what it received into `CollectedItem`s of one source
 *    and calls `ingestPosts(ctx, source, items, options)`:
 *      a feed run, pulled           collect/collector.ts   collectSource (the collect.source job, `collect --once`, POST /api/sources/:id/collect)
 *      a push from another system   collect/ingest.ts      ingestBatch (POST /api/ingest)
 *      a file import                collect/importer/import.ts  importFile (POST /api/sources/:id/import, `minsheng import`)
 *      a post entered by hand       collect/posts.ts       createManualPost (POST /api/posts)
 *    In: `SourceRow` + `CollectedItem[]` (+ `IngestOptions`). Out: `StoreResult`.
 * 2. store: `storeItems` (collect/store.ts) deduplicates by (source, external id or canonical URL),
 *    links near-duplicates, keeps metrics history and replies, in batches of one transaction each.
 *    Out: `StoreResult.created`, the ids of the posts new to the platform.
 * 3. analyze: every `NewPostsStep` runs on those ids; the one step is the analysis. For each post,
 *    ONE transaction writes its analysis (analyze/stored.ts: event, bursts, analysis columns) and
 *    calls every `AnalysisHook` with the stored post and its `AnalysisResult`. A hook that throws
 *    rolls that post's analysis back; the post stays unanalysed (`analyzed_at` null) and the
 *    periodic `analysis.pending` task tries it again. Out: `StoredOutcome` per post.
 * 4. alert / case: the hooks, in the analysis transaction: cases/hook.ts opens or joins a case
 *    (`openCaseHook`), alert/hook.ts queues the alerts in the outbox (`alertHook`). So an alert or a
 *    case exists exactly when its analysis does; the outbox wakes delivery once the transaction
 *    commits (`afterCommit`, src/db/after-commit.ts).
 *
 * Wiring at start-up: the lists of steps and hooks are constants of src/pipeline/index.ts, so
 * every process that imports an entrance runs the same pipeline with nothing to register: `serve`
 * (routes, and the job runtime's collect.source job and analysis.pending task), `worker` (the job
 * runtime), the CLI commands that bring posts in (`collect --once`, `import`), `demo`, and the
 * tests' `startTestServer` (buildApp with the same routes and a context from createContext).
 */

/** How `ingestPosts` stores and hands on (ingest → store). */
export interface IngestOptions extends StoreOptions {
  /** The time of the run (fetched_at, metrics history); default now. */
  now?: Date;
  /**
   * Runs once the posts are stored and before they are handed to analysis: record the run on the
   * source, audit the import. An error here stops the hand-off (the periodic task picks the posts up).
   */
  onStored?: (stored: StoreResult) => Promise<void>;
}

export type { StoreResult };

/** store → analyze: a step run on the ids of newly stored posts, in order. */
export interface NewPostsStep {
  name: string;
  run(ctx: AppContext, postIds: number[]): Promise<void>;
}

/**
 * analyze → alert / case: called inside the transaction that writes a post's analysis, with the
 * post as stored now and its result. Whatever it writes commits or rolls back with the analysis.
 */
export type AnalysisHook = (trx: Transaction<Database>, ctx: AppContext, post: Selectable<PostTable>, result: AnalysisResult) => Promise<void>;

/** What the analysis stage made of one post: its result, or why there is none (rolled back). */
export interface StoredOutcome {
  postId: number;
  result: AnalysisResult | null;
  error: string | null;
}

/** Storing failed (the batches already committed stay; nothing of this call was handed on). */
export class StoreError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StoreError';
  }
}
