import { feedKind } from './feed.ts';
import { htmlKind } from './html.ts';
import { importKind } from './import.ts';
import { jsonKind } from './json.ts';
import { manualKind } from './manual.ts';
import { pushKind } from './push.ts';
import type { SourceKind } from './types.ts';
import { isSourceKindName, SOURCE_KIND_NAMES, type SourceKindName } from '../vocabulary.ts';

/** Every source kind. A new kind is a new file, its name in ../vocabulary.ts, and one line here. */
export const sourceKinds: Record<SourceKindName, SourceKind<any>> = {
  feed: feedKind,
  html: htmlKind,
  json: jsonKind,
  push: pushKind,
  import: importKind,
  manual: manualKind,
};

export const SOURCE_KINDS = SOURCE_KIND_NAMES;

export function kindOf(kind: string): SourceKind<any> | null {
  return isSourceKindName(kind) ? sourceKinds[kind] : null;
}
