import type { Kysely } from 'kysely';
import type { DbKind } from '../connect.ts';
import * as m001 from './001_foundation.ts';

export interface MigrationModule {
  up(db: Kysely<any>, kind: DbKind): Promise<void>;
}

/**
 * Every migration, in order, for both databases. A stage adds a new file and one line here;
 * names sort by their number prefix. Never edit a migration that has shipped.
 */
export const migrations: Record<string, MigrationModule> = {
  '001_foundation': m001,
};
