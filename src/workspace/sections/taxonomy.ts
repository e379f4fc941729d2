import { z } from 'zod';
import { recordAudit } from '../../audit/audit.ts';
import { bumpLanguageRevision } from '../../analyze/learn/models.ts';
import { topicPathParts } from '../../analyze/topic/taxonomy.ts';
import { topicKeywordsJson } from '../../analyze/topic/taxonomy.ts';
import { readJson } from '../../db/values.ts';
import { duplicateIssues, emptyStats, sameFields, type WorkspaceIssue, type WorkspaceSection } from '../section.ts';

const item = z
  .object({
    /** "一级/二级/三级", e.g. "城乡建设/住房保障". Missing parents are created. */
    path: z.string().min(1).max(200),
    /** Words that put a post in this topic (rules first, then the learned classifier). */
    keywords: z.array(z.string().min(1).max(40)).optional(),
    /** Code of the department that owns the topic (routing follows it). */
    department: z.string().min(1).max(64).optional(),
  })
  .strict();
export type TaxonomyItem = z.infer<typeof item>;

function canonical(path: string): string {
  return (topicPathParts(path) ?? [path]).join('/');
}

/** The topic taxonomy (专题分类): paths, keywords and owner departments. */
export const taxonomySection: WorkspaceSection<TaxonomyItem> = {
  key: 'taxonomy',
  order: 30,
  item,
  async validate(db, items, doc) {
    const issues: WorkspaceIssue[] = duplicateIssues('taxonomy', items, (t) => canonical(t.path), 'path');
    const fileDepartments = new Set(((doc.departments as { code: string }[] | undefined) ?? []).map((d) => d.code));
    for (const [i, t] of items.entries()) {
      if (!topicPathParts(t.path)) issues.push({ path: ['taxonomy', i, 'path'], message: `"${t.path}" is not a topic path like "城乡建设/住房保障" (1–5 non-empty parts)` });
      for (const [j, kw] of (t.keywords ?? []).entries()) {
        if (/\s/.test(kw.trim()) || !kw.trim()) issues.push({ path: ['taxonomy', i, 'keywords', j], message: `keyword "${kw}" must be one word without spaces` });
      }
      if (t.department && !fileDepartments.has(t.department)) {
        const row = await db.selectFrom('departments').select('id').where('code', '=', t.department).executeTakeFirst();
        if (!row) issues.push({ path: ['taxonomy', i, 'department'], message: `department "${t.department}" does not exist` });
      }
    }
    return issues;
  },
  async apply(trx, items, ctx) {
    const stats = emptyStats();
    const departments = new Map((await trx.selectFrom('departments').select(['id', 'code']).execute()).map((d) => [d.code, d.id]));
    const wanted = new Map<string, TaxonomyItem>();
    for (const t of items) wanted.set(canonical(t.path), t);
    // Parents first, and parents that the file only implies.
    const paths = new Set<string>();
    for (const p of wanted.keys()) {
      const parts = p.split('/');
      for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('/'));
    }
    const ordered = [...paths].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
    for (const path of ordered) {
      const t = wanted.get(path);
      const parts = path.split('/');
      const row = await trx.selectFrom('taxonomy_topics').selectAll().where('path', '=', path).executeTakeFirst();
      if (!t && row) continue;
      const next = {
        name: parts[parts.length - 1],
        parent_path: parts.length > 1 ? parts.slice(0, -1).join('/') : null,
        department_id: t?.department ? (departments.get(t.department) ?? null) : null,
        keywords: JSON.stringify([...new Set((t?.keywords ?? []).map((k) => k.trim()))]),
      };
      if (!row) {
        const created = await trx.insertInto('taxonomy_topics').values({ path, ...next }).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'taxonomy.create', entity: 'taxonomy_topic', entityId: created.id, after: created });
        stats.created++;
      } else if (!sameFields(row, next)) {
        const after = await trx.updateTable('taxonomy_topics').set(next).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
        await recordAudit(trx, ctx.actor, { action: 'taxonomy.update', entity: 'taxonomy_topic', entityId: row.id, before: row, after });
        stats.updated++;
      } else stats.unchanged++;
    }
    if (stats.created + stats.updated > 0) await bumpLanguageRevision(trx);
    return stats;
  },
  async export(db) {
    const rows = await db.selectFrom('taxonomy_topics').leftJoin('departments', 'departments.id', 'taxonomy_topics.department_id').select(['taxonomy_topics.path', 'taxonomy_topics.keywords', 'departments.code']).orderBy('taxonomy_topics.path').execute();
    return rows.map((r) => {
      const out: TaxonomyItem = { path: r.path };
      const kws = readJson(topicKeywordsJson, r.keywords, []);
      if (kws.length) out.keywords = kws;
      if (r.code) out.department = r.code;
      return out;
    });
  },
};
