import { feedKind } from './feed.ts';
import { htmlKind } from './html.ts';
import { importKind } from './import.ts';
import { jsonKind } from './json.ts';
import { manualKind } from './manual.ts';
import { pushKind } from './push.ts';
import type { SourceKind } from './types.ts';

/** Every source kind. A new kind is a new file plus one line here. */
export const sourceKinds: Record<string, SourceKind<any>> = Object.fromEntries(
  [feedKind, htmlKind, jsonKind, pushKind, importKind, manualKind].map((k) => [k.kind, k]),
);

export const SOURCE_KINDS = Object.keys(sourceKinds) as [string, ...string[]];

export function kindOf(kind: string): SourceKind<any> | null {
  return sourceKinds[kind] ?? null;
}
