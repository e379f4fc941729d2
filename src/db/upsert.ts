/**
 * What writing an entity by its natural key did (`upsert…` functions of the stores, which the
 * workspace sections call): `unchanged` wrote nothing and recorded no audit entry.
 */
export type Upserted = 'created' | 'updated' | 'unchanged';

/** Shallow equality of the fields a writer manages; used to skip no-op updates. */
export function sameFields(row: Record<string, unknown>, next: Record<string, unknown>): boolean {
  return Object.keys(next).every((k) => JSON.stringify(row[k] ?? null) === JSON.stringify(next[k] ?? null));
}
