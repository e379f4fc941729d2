import { z } from 'zod';
import { importColumnMap } from '../importer/columns.ts';
import { jsonColumn } from '../../db/values.ts';
import type { SourceKind } from './types.ts';

/** `map`: the source's own column → field mapping, on top of the default Chinese column names. */
const config = z.object({ map: importColumnMap.optional() }).strict();

/** `sources.config` of an import source. */
export const importConfigJson = jsonColumn('sources.config (import)', config);

/** Excel/CSV/JSONL files imported by command or upload, e.g. a 12345 hotline export. */
export const importKind: SourceKind<z.infer<typeof config>> = {
  kind: 'import',
  config,
  needsUrl: false,
  pulled: false,
};
