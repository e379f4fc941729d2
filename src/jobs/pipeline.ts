import type { Selectable, Transaction } from 'kysely';
import type { AnalysisResult } from '../analyze/types.ts';
import type { AppContext } from '../context.ts';
import type { Database, PostTable } from '../db/schema.ts';

/**
 * What happens to newly stored posts (DESIGN §4): collect → analyze → (alert, ledger).
 * Collection calls `processNewPosts` with the ids it stored. The analysis step writes each
 * post's result and, in the same transaction, calls every `AnalysisHook` (the alert outbox,
 * automatic case opening), so that an alert exists exactly when its analysis result does.
 */
export type AnalysisHook = (trx: Transaction<Database>, ctx: AppContext, post: Selectable<PostTable>, result: AnalysisResult) => Promise<void>;

export interface NewPostsStep {
  name: string;
  run(ctx: AppContext, postIds: number[]): Promise<void>;
}

/** Runs every registered step on newly stored posts. */
export async function processNewPosts(ctx: AppContext, postIds: number[]): Promise<void> {
  if (postIds.length === 0) return;
  const { newPostSteps } = await import('./registry.ts');
  for (const step of newPostSteps) await step.run(ctx, postIds);
}
