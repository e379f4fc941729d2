import type { AnalysisHook, NewPostsStep } from './pipeline.ts';
import { openCaseHook } from '../cases/hook.ts';
import { alertHook } from '../alert/hook.ts';
import { analysisStep } from '../analyze/step.ts';

/** Steps run, in order, on every batch of newly stored posts. The analysis stage adds itself here. */
export const newPostSteps: NewPostsStep[] = [analysisStep];

/** Called inside the analysis transaction of each post: alerts (outbox), automatic cases. */
export const analysisHooks: AnalysisHook[] = [
  openCaseHook,
  alertHook,
];
