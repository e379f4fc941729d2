/**
 * The names of the source kinds, as stored in `sources.kind`. Pure data (the schema reads it);
 * each name has its provider file under sources/, registered in sources/index.ts.
 */
export const SOURCE_KIND_NAMES = ['feed', 'html', 'json', 'push', 'import', 'manual'] as const;
export type SourceKindName = (typeof SOURCE_KIND_NAMES)[number];

export function isSourceKindName(v: unknown): v is SourceKindName {
  return typeof v === 'string' && (SOURCE_KIND_NAMES as readonly string[]).includes(v);
}
