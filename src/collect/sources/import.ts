import { z } from 'zod';
import { importColumnMap } from '../importer/columns.ts';
import type { SourceKind } from './types.ts';

/** Excel/CSV/JSONL files imported by command or upload, e.g. a 12345 hotline export. */
export const importKind: SourceKind<{ map?: Record<string, string> }> = {
  kind: 'import',
  /** `map`: the source's own column → field mapping, on top of the default Chinese column names. */
  config: z.object({ map: importColumnMap.optional() }).strict(),
  needsUrl: false,
  pulled: false,
};
