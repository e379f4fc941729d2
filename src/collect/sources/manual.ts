import { z } from 'zod';
import type { SourceKind } from './types.ts';

/** Posts entered by hand (a phone call, a letter, something seen in a group chat). */
export const manualKind: SourceKind<Record<string, never>> = {
  kind: 'manual',
  config: z.object({}).strict(),
  needsUrl: false,
  pulled: false,
};
