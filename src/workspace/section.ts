import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { Database } from '../db/schema.ts';
import type { Upserted } from '../db/upsert.ts';

/** One problem in a workspace file, located by its YAML path (e.g. `users[2].department`). */
export interface WorkspaceIssue {
  path: (string | number)[];
  message: string;
}

export interface SectionStats {
  created: number;
  updated: number;
  unchanged: number;
}

export interface ApplyContext {
  actor: Actor;
  /** The whole parsed document, for cross-section references. */
  doc: Record<string, unknown>;
  /** Messages for the operator (e.g. generated passwords), printed once by the CLI. */
  notices: string[];
}

/**
 * A top-level key of the workspace file. Each stage owns its section in its own file under
 * sections/ and registers it in sections/index.ts. Items are matched to rows by a natural key
 * (code, username, name) so that applying the same file twice changes nothing.
 */
export interface WorkspaceSection<Item> {
  key: string;
  /** Lower applies first (departments before users before sources …). */
  order: number;
  item: z.ZodType<Item>;
  /** Checks references against the document and the database; no writes. */
  validate?(db: Kysely<Database>, items: Item[], doc: Record<string, unknown>): Promise<WorkspaceIssue[]>;
  apply(trx: Transaction<Database>, items: Item[], ctx: ApplyContext): Promise<SectionStats>;
  export(db: Kysely<Database>): Promise<Item[]>;
}

export function emptyStats(): SectionStats {
  return { created: 0, updated: 0, unchanged: 0 };
}

/** Duplicate natural keys within one section. */
export function duplicateIssues<T>(key: string, items: T[], naturalKey: (item: T) => string, field: string): WorkspaceIssue[] {
  const seen = new Map<string, number>();
  const issues: WorkspaceIssue[] = [];
  items.forEach((item, i) => {
    const k = naturalKey(item);
    if (seen.has(k)) issues.push({ path: [key, i, field], message: `duplicate ${field} "${k}" (first at ${key}[${seen.get(k)}])` });
    else seen.set(k, i);
  });
  return issues;
}

export { sameFields } from '../db/upsert.ts';

/** Counts what a store's `upsert…` did. */
export function count(stats: SectionStats, outcome: Upserted): void {
  stats[outcome]++;
}
