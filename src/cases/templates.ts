import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database, ReplyTemplateTable } from '../db/schema.ts';
import { upsertByKey, type Upserted } from '../db/upsert.ts';
import { nowIso } from '../db/values.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import { RESPONSE_KINDS, type ResponseKind } from './vocabulary.ts';

/**
 * Reply templates (回复模板). `reply` is the three-part reply (thanks; the concrete situation
 * and measures; an invitation to further contact with the department's name and phone);
 * `firm` the firm statement with authoritative facts for a malicious attack; `statement` the
 * dedicated statement post. Placeholders in braces are filled from the case and the
 * department's record; the ones the drafter must write stay as 【请填写…】 markers.
 */
export { RESPONSE_KINDS, type ResponseKind };

export const PLACEHOLDERS = ['department', 'phone', 'title', 'case_number', 'date', 'situation', 'measures', 'facts', 'subject', 'signature'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const BUILTIN_TEMPLATES: Record<ResponseKind, string> = {
  reply: [
    '网友您好！感谢您对{department}工作的关注和监督。',
    '关于您反映的“{title}”问题，经了解，{situation}。针对这一情况，{measures}。',
    '如您还有其他疑问或建议，欢迎与{department}联系，联系电话：{phone}。',
  ].join('\n\n'),
  firm: [
    '近日，网上出现关于“{subject}”的不实信息。对此，{department}郑重声明如下：',
    '{facts}',
    '以上情况均有据可查。对捏造事实、恶意攻击、扰乱公共秩序的行为，我们将依法提请公安、网信部门处理。欢迎广大网友通过正规渠道反映问题，联系电话：{phone}。',
    '{signature}\n{date}',
  ].join('\n\n'),
  statement: ['关于{subject}的情况说明', '{facts}', '{situation}', '{measures}', '{signature}\n{date}\n联系电话：{phone}'].join('\n\n'),
};

export const templateInput = z.object({
  name: z.string().min(1).max(100),
  kind: z.enum(RESPONSE_KINDS),
  body: z.string().min(1).max(20000).describe(`placeholders: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`),
});
export type TemplateInput = z.infer<typeof templateInput>;

type Q = Kysely<Database> | Transaction<Database>;

export const templateSchema = shapeOf<Selectable<ReplyTemplateTable>>()({
  id: z.number(),
  name: z.string(),
  kind: z.enum(RESPONSE_KINDS),
  body: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
/** The stored templates, and the built-in one of each kind used when a kind has none. */
export const templateListSchema = z.object({ templates: z.array(templateSchema), builtin: z.record(z.enum(RESPONSE_KINDS), z.string()) });

export async function listTemplates(db: Q) {
  return db.selectFrom('reply_templates').selectAll().orderBy('kind').orderBy('name').execute();
}

/** The named template, else the first stored one of the kind, else the built-in one. */
export async function templateBody(db: Q, kind: ResponseKind, name?: string): Promise<string> {
  if (name) {
    const row = await db.selectFrom('reply_templates').select('body').where('name', '=', name).executeTakeFirst();
    if (!row) throw new ValidationError(`reply template ${name} not found`, t('case.error.templateMissing', { name }));
    return row.body;
  }
  const row = await db.selectFrom('reply_templates').select('body').where('kind', '=', kind).orderBy('name').executeTakeFirst();
  return row?.body ?? BUILTIN_TEMPLATES[kind];
}

/**
 * Fills the placeholders; one without a value becomes a 【请填写…】 marker the checks catch,
 * except those in `omit`: a paragraph that is only such a placeholder is left out (a statement
 * gives its facts, or its situation, or both).
 */
export function fillTemplate(body: string, values: Partial<Record<Placeholder, string | null | undefined>>, omit: readonly Placeholder[] = []): string {
  const has = (key: string) => {
    const v = (values as Record<string, string | null | undefined>)[key];
    return v !== undefined && v !== null && v.trim() !== '';
  };
  const kept = body
    .split(/\n/)
    .filter((line) => {
      const only = /^\s*\{(\w+)\}\s*$/.exec(line);
      return !(only && omit.includes(only[1] as Placeholder) && !has(only[1]));
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  const filled = kept.replace(/\{(\w+)\}/g, (whole, key: string) => {
    if (has(key)) return (values as Record<string, string>)[key];
    return PLACEHOLDERS.includes(key as never) ? t(`response.fill.${key}`) : whole;
  });
  return tidyPunctuation(filled);
}

/**
 * One mark where a filled value's own punctuation meets the template's: 研究处理。 + 。 gives
 * 研究处理。 (not 研究处理。。), 情况如下， + 。 gives 情况如下。 An ellipsis (……) and ASCII text are left alone.
 */
export function tidyPunctuation(text: string): string {
  return text
    .replace(/([。！？；，、：])[ \t]*\1+/g, '$1')
    .replace(/[，、；：][ \t]*([。！？])/g, '$1')
    .replace(/([。！？])[ \t]*[，、；。]/g, '$1');
}

export async function createTemplate(db: Kysely<Database>, actor: Actor, input: TemplateInput) {
  assertCan(actor, 'templates.manage');
  const data = templateInput.parse(input);
  return db.transaction().execute(async (trx) => {
    const dup = await trx.selectFrom('reply_templates').select('id').where('name', '=', data.name).executeTakeFirst();
    if (dup) throw new ConflictError(`template ${data.name} exists`, t('error.conflict', { detail: data.name }));
    const now = nowIso();
    const row = await trx.insertInto('reply_templates').values({ ...data, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'template.create', entity: 'reply_template', entityId: row.id, after: row });
    return row;
  });
}

export async function updateTemplate(db: Kysely<Database>, actor: Actor, id: number, input: Partial<TemplateInput>) {
  assertCan(actor, 'templates.manage');
  const data = templateInput.partial().parse(input);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('reply_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`reply template ${id}`);
    if (data.name && data.name !== before.name) {
      const dup = await trx.selectFrom('reply_templates').select('id').where('name', '=', data.name).executeTakeFirst();
      if (dup) throw new ConflictError(`template ${data.name} exists`, t('error.conflict', { detail: data.name }));
    }
    const after = await trx.updateTable('reply_templates').set({ ...data, updated_at: nowIso() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(trx, actor, { action: 'template.update', entity: 'reply_template', entityId: id, before, after });
    return after;
  });
}

/** The template of this name made to be exactly `input`, in the caller's transaction (`workspace apply`). */
export async function upsertTemplateByName(trx: Transaction<Database>, actor: Actor, input: TemplateInput): Promise<Upserted> {
  assertCan(actor, 'templates.manage');
  const { name, ...values } = templateInput.parse(input);
  return (await upsertByKey(trx, actor, { table: 'reply_templates', key: ['name', name], values, entity: 'reply_template', actions: { create: 'template.create', update: 'template.update' } })).outcome;
}

export async function deleteTemplate(db: Kysely<Database>, actor: Actor, id: number) {
  assertCan(actor, 'templates.manage');
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('reply_templates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFoundError(`reply template ${id}`);
    await trx.deleteFrom('reply_templates').where('id', '=', id).execute();
    await recordAudit(trx, actor, { action: 'template.delete', entity: 'reply_template', entityId: id, before });
  });
}
