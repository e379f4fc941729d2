import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import type { Actor } from '../auth/actor.ts';
import { assertCan } from '../auth/policy.ts';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { assertWorksOnCase, loadCase, visibleCase } from './access.ts';
import { logCaseEvent } from './history.ts';

/**
 * People's marks on a case (the citizen's rating that closes the 12345 loop, 国办发〔2020〕53号):
 * 1–5 stars or 满意 / 基本满意 / 不满意, with where it came from. Recorded as a case event of kind
 * `rating`, which the department assessment counts as "well received".
 */
export const ratingInput = z
  .object({
    score: z.number().int().min(1).max(5).optional(),
    mark: z.enum(['满意', '基本满意', '不满意']).optional(),
    channel: z.string().max(100).optional().describe('where the mark came from, e.g. 12345回访, 网上评价'),
    comment: z.string().max(2000).optional(),
  })
  .strict();
export type RatingInput = z.infer<typeof ratingInput>;

export async function rateCase(db: Kysely<Database>, actor: Actor, caseId: number, input: RatingInput): Promise<{ ok: true }> {
  assertCan(actor, 'cases.follow');
  const data = ratingInput.parse(input);
  if (data.score === undefined && data.mark === undefined) throw new ValidationError('a rating needs score or mark', '请填写评分（1–5）或满意度');
  // Marks count in the department assessment: only those working on the case record them.
  await assertWorksOnCase(db, actor, await visibleCase(db, actor, caseId));
  await db.transaction().execute(async (trx) => {
    const c = await loadCase(trx, caseId);
    const payload = { score: data.score, mark: data.mark, channel: data.channel };
    await logCaseEvent(trx, actor, c, { kind: 'rating', comment: data.comment ?? null, data: payload });
    await recordAudit(trx, actor, { action: 'case.rating', entity: 'case', entityId: caseId, after: payload });
  });
  return { ok: true };
}
