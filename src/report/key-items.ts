import type { Kysely } from 'kysely';
import { responseVerificationJson } from '../cases/verify.ts';
import { stateLabel } from '../cases/states.ts';
import type { Database } from '../db/schema.ts';
import { readJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { levelRank, RISK_LEVEL_LABELS } from '../levels.ts';
import { localDateTime } from '../time/format.ts';
import type { Block } from './document.ts';
import type { Period } from './period.ts';

/**
 * The 重点舆情 section of a brief: one block per key item of the period — a case opened in it at
 * 较大 or above, or marked hard or an emergency — with its summary, how it was handled (lead
 * department, the reply and whether it was seen on the thread, memos and 批示, commitments, what
 * people said back) and where it stands. Highest level first; at most `limit` items.
 */
const d = (key: string, vars: Record<string, string | number> = {}) => t(`report.doc.key.${key}`, vars);

export async function keyItemBlocks(db: Kysely<Database>, period: Pick<Period, 'start' | 'end'>, scope: { departmentId?: number | null; eventId?: number | null }, limit = 8): Promise<Block[]> {
  let q = db
    .selectFrom('cases')
    .leftJoin('departments', 'departments.id', 'cases.lead_department_id')
    .select(['cases.id', 'cases.number', 'cases.title', 'cases.summary', 'cases.level', 'cases.state', 'cases.hard', 'cases.emergency', 'cases.deadline_at', 'cases.replied_at', 'cases.overdue', 'cases.close_reason', 'departments.name as lead'])
    .where('cases.opened_at', '>=', period.start)
    .where('cases.opened_at', '<', period.end)
    .where((eb) => eb.or([eb('cases.level', 'in', ['yellow', 'orange', 'red']), eb('cases.hard', '=', 1), eb('cases.emergency', '=', 1)]));
  if (scope.departmentId != null) q = q.where('cases.lead_department_id', '=', scope.departmentId);
  if (scope.eventId != null) q = q.where('cases.event_id', '=', scope.eventId);
  const rows = (await q.orderBy('cases.opened_at').execute()).sort((a, b) => levelRank(b.level) - levelRank(a.level)).slice(0, limit);
  if (!rows.length) return [{ type: 'paragraph', text: d('none') }];
  const ids = rows.map((r) => r.id);
  const [responses, memos, commitments, feedback, firstPosts] = await Promise.all([
    db.selectFrom('responses').select(['case_id', 'posted_at', 'verified_at', 'verification', 'origin']).where('case_id', 'in', ids).where('status', '=', 'posted').orderBy('posted_at').execute(),
    db
      .selectFrom('memos')
      .leftJoin('instructions', 'instructions.memo_id', 'memos.id')
      .select(['memos.case_id', 'memos.id as memo_id', 'instructions.id as instruction_id', 'instructions.handled_at'])
      .where('memos.case_id', 'in', ids)
      .execute(),
    db.selectFrom('commitments').select(['case_id', 'status']).where('case_id', 'in', ids).execute(),
    db.selectFrom('case_feedback').select(['case_id', 'class']).where('case_id', 'in', ids).execute(),
    db.selectFrom('case_posts').innerJoin('posts', 'posts.id', 'case_posts.post_id').select(['case_posts.case_id', 'posts.text']).where('case_posts.case_id', 'in', ids).orderBy('posts.id').execute(),
  ]);
  const blocks: Block[] = [];
  rows.forEach((c, i) => {
    const marks = [RISK_LEVEL_LABELS[c.level], c.emergency ? d('emergency') : null, c.hard ? d('hard') : null].filter(Boolean).join('，');
    blocks.push({ type: 'heading', level: 2, text: d('title', { n: i + 1, title: c.title, number: c.number, marks }) });
    const text = c.summary?.trim() || firstPosts.find((p) => p.case_id === c.id)?.text.replace(/\s+/g, ' ').trim() || c.title;
    blocks.push({ type: 'paragraph', text: d('summary', { text: text.length > 160 ? `${text.slice(0, 160)}…` : text }) });

    const handling: string[] = [d('lead', { lead: c.lead ?? d('unassigned') })];
    const posted = responses.filter((r) => r.case_id === c.id);
    if (posted.length) {
      const first = posted[0];
      const seen = readJson(responseVerificationJson, first.verification, null);
      handling.push(
        d(first.verified_at ? 'replyVerified' : 'replyUnverified', { at: localDateTime(c.replied_at ?? first.posted_at), account: seen?.status === 'verified' && seen.account ? `（${seen.account}）` : '' }) +
          (c.overdue ? d('late') : '') +
          (posted.length > 1 ? d('more', { n: posted.length }) : ''),
      );
    } else {
      handling.push(d('noReply', { deadline: localDateTime(c.deadline_at) }));
    }
    const caseMemos = memos.filter((m) => m.case_id === c.id);
    if (caseMemos.length) {
      const instructions = caseMemos.filter((m) => m.instruction_id !== null);
      handling.push(d('memos', { memos: new Set(caseMemos.map((m) => m.memo_id)).size, instructions: instructions.length, handled: instructions.filter((m) => m.handled_at !== null).length }));
    }
    const ks = commitments.filter((k) => k.case_id === c.id);
    if (ks.length) handling.push(d('commitments', { n: ks.length, done: ks.filter((k) => k.status === 'done').length }));
    const fb = feedback.filter((f) => f.case_id === c.id);
    if (fb.length) {
      const n = (cls: string) => fb.filter((f) => f.class === cls).length;
      handling.push(d('feedback', { satisfied: n('satisfied'), asking: n('asking'), escalating: n('escalating') }));
    }
    blocks.push({ type: 'paragraph', text: d('handling', { text: handling.join('；') }) });
    blocks.push({ type: 'paragraph', text: d('status', { state: stateLabel(c.state) }) + (c.close_reason ? d('closeReason', { reason: c.close_reason }) : '') });
  });
  return blocks;
}
