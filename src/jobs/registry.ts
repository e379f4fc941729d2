import type { AnalysisHook, NewPostsStep } from './pipeline.ts';

/** Steps run, in order, on every batch of newly stored posts. The analysis stage adds itself here. */
export const newPostSteps: NewPostsStep[] = [];

/** Called inside the analysis transaction of each post: alerts (outbox), automatic cases. */
export const analysisHooks: AnalysisHook[] = [];
