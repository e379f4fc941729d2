import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { jsonColumn, nowIso, readJson, toJson } from '../db/values.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import { visibleCase } from './access.ts';
import { RESPONSE_MOVES } from './response-states.ts';
import { moveResponse, responseWithCase } from './responses.ts';
import { downloadAttachment } from '../alert/attachments.ts';
import { shapeOf } from '../shapes.ts';

/** Pictures attached to a reply ("attach pictures where they explain better"). */
export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

export const attachmentInput = z.object({
  filename: z.string().min(1).max(200),
  data_base64: z.string().min(1).max(Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 8),
});

/** The image type from the file's own bytes; the name or a declared type is not trusted. */
export function sniffImage(buf: Buffer): string | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 6 && /^GIF8[79]a$/.test(buf.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (buf.length >= 12 && buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** `responses.attachments`: the ids of the reply's pictures, in order. */
export const responseAttachmentsJson = jsonColumn('responses.attachments', z.array(z.number().int()));

export async function attachPicture(db: Kysely<Database>, actor: Actor, responseId: number, input: z.infer<typeof attachmentInput>) {
  assertCan(actor, 'cases.draft');
  const data = attachmentInput.parse(input);
  const { response } = await responseWithCase(db, actor, responseId, true);
  RESPONSE_MOVES.next(response.status, 'attach');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(data.data_base64)) throw new ValidationError('attachment is not base64', t('case.error.attachmentData'));
  const buf = Buffer.from(data.data_base64, 'base64');
  const mime = sniffImage(buf);
  const mb = MAX_ATTACHMENT_BYTES / 1024 / 1024;
  if (!mime || buf.length > MAX_ATTACHMENT_BYTES) throw new ValidationError('attachment is not an image or too large', t('case.error.attachmentType', { mb }));
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('attachments')
      .values({ owner_type: 'response', owner_id: responseId, filename: data.filename, mime, size: buf.length, data: buf, created_by: actor.id, created_at: nowIso() })
      .returning(['id', 'filename', 'mime', 'size', 'created_at'])
      .executeTakeFirstOrThrow();
    const ids = [...readJson(responseAttachmentsJson, response.attachments, []), row.id];
    await moveResponse(trx, response, 'attach', { attachments: toJson(ids) });
    await recordAudit(trx, actor, { action: 'response.attach', entity: 'response', entityId: responseId, after: row });
    return row;
  });
}

export async function getAttachment(db: Kysely<Database>, actor: Actor, id: number) {
  const row = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`attachment ${id}`);
  // Files of other owners (report briefs delivered through alert channels …) follow their own rules.
  if (row.owner_type !== 'response' && row.owner_type !== 'memo') return downloadAttachment(db, actor, id);
  // A reply's pictures and a memo's Word form follow their case's visibility.
  const owner =
    row.owner_type === 'response'
      ? await db.selectFrom('responses').select('case_id').where('id', '=', row.owner_id).executeTakeFirst()
      : await db.selectFrom('memos').select('case_id').where('id', '=', row.owner_id).executeTakeFirst();
  if (!owner) throw new NotFoundError(`attachment ${id}`);
  assertCan(actor, 'cases.read');
  await visibleCase(db, actor, owner.case_id);
  return row;
}

/** A picture's facts (never its bytes). */
export const attachmentInfoSchema = shapeOf<Awaited<ReturnType<typeof listAttachments>>[number]>()({
  id: z.number(),
  filename: z.string(),
  mime: z.string(),
  size: z.number(),
  created_at: z.string(),
});

export async function listAttachments(db: Kysely<Database>, responseId: number) {
  return db
    .selectFrom('attachments')
    .select(['id', 'filename', 'mime', 'size', 'created_at'])
    .where('owner_type', '=', 'response')
    .where('owner_id', '=', responseId)
    .orderBy('id')
    .execute();
}
