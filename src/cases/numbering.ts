import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { localDate } from '../time/calendar.ts';

/**
 * Case numbers per year (2026-0001). The counter row is bumped with one atomic upsert inside
 * the opening transaction: PostgreSQL holds the row lock until commit (a concurrent opener
 * waits and then sees the new value), SQLite has a single writer, so no number is issued twice
 * and a rolled-back opening does not leave a hole visible to anyone else.
 */
export async function nextCaseNumber(trx: Kysely<Database> | Transaction<Database>, at: string | Date): Promise<{ year: number; seq: number; number: string }> {
  const year = Number(localDate(at).slice(0, 4));
  // Cases written by an import (or before the counter existed) are respected: the counter never
  // falls behind the highest number already used in the year.
  const used = sql<number>`coalesce((select max(c.seq) from cases c where c.year = ${year}), 0)`;
  const row = await trx
    .insertInto('case_counters')
    .values({ year, last_seq: sql<number>`${used} + 1` })
    .onConflict((oc) =>
      oc.column('year').doUpdateSet({ last_seq: sql<number>`(case when case_counters.last_seq >= ${used} then case_counters.last_seq else ${used} end) + 1` }),
    )
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const seq = Number(row.last_seq);
  return { year, seq, number: formatCaseNumber(year, seq) };
}

export function formatCaseNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(4, '0')}`;
}
