import { z } from 'zod';
import type { SourceKind } from './types.ts';

/** Other systems push batches of posts to POST /api/ingest with this source's token. */
export const pushKind: SourceKind<Record<string, never>> = {
  kind: 'push',
  config: z.object({}).strict(),
  needsUrl: false,
  pulled: false,
};
