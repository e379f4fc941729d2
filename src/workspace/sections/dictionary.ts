import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { bumpLanguageRevision } from '../../analyze/learn/models.ts';
import { WORD_KINDS, type WordKind } from '../../analyze/vocabulary.ts';
import { nowIso } from '../../db/values.ts';
import { duplicateIssues, emptyStats, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

const entry = z.object({ word: z.string().min(1).max(40), kind: z.enum(WORD_KINDS).optional() }).strict();
/** A word, or `{ word, kind }`. */
const item = z.union([z.string().min(1).max(40), entry]);
export type DictionaryItem = z.infer<typeof item>;

function wordOf(i: DictionaryItem): string {
  return (typeof i === 'string' ? i : i.word).trim();
}
function kindOf(i: DictionaryItem): WordKind {
  return typeof i === 'string' ? 'other' : (i.kind ?? 'other');
}

/**
 * The user dictionary for word segmentation: place, road, estate and department names that
 * must stay one word ("沿港西路", "某某花园"). Department names are added automatically.
 */
export const dictionarySection: WorkspaceSection<DictionaryItem> = {
  key: 'dictionary',
  order: 31,
  item,
  async validate(_db, items) {
    const issues: WorkspaceIssue[] = duplicateIssues('dictionary', items, wordOf, 'word');
    items.forEach((i, n) => {
      const w = wordOf(i);
      if (!w || /\s/.test(w)) issues.push({ path: ['dictionary', n], message: `"${w}" must be one word without spaces` });
    });
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    for (const i of items) {
      const word = wordOf(i);
      const kind = kindOf(i);
      const row = await trx.selectFrom('dictionary_words').selectAll().where('word', '=', word).executeTakeFirst();
      if (!row) {
        const created = await trx.insertInto('dictionary_words').values({ word, kind, created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'dictionary.add', entity: 'dictionary_word', entityId: created.id, after: created });
        stats.created++;
      } else if (row.kind !== kind) {
        await trx.updateTable('dictionary_words').set({ kind }).where('id', '=', row.id).execute();
        await recordAudit(trx, ctx.actor, { action: 'dictionary.update', entity: 'dictionary_word', entityId: row.id, before: row, after: { ...row, kind } });
        stats.updated++;
      } else stats.unchanged++;
    }
    if (stats.created + stats.updated > 0) await bumpLanguageRevision(trx);
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('dictionary_words').select(['word', 'kind']).orderBy('kind').orderBy('word').execute();
    return rows.map((r) => (r.kind === 'other' ? r.word : { word: r.word, kind: r.kind }));
  },
};
