import type { Kysely } from 'kysely';
import type { CaseState } from '../../cases/states.ts';
import type { Database } from '../../db/schema.ts';
import { matchDepartment, parseReplySignature } from './signature.ts';

/** A text with the department that actually handled it. */
export interface DepartmentExample {
  title: string;
  text: string;
  department: string;
  origin: 'case' | 'signature';
}

/** States in which a case's lead department really answered it. */
const HANDLED_STATES: CaseState[] = ['replied', 'following_up', 'closed'];

/**
 * Routing examples from the ledger (DESIGN §4 "what was learned from the ledger"): the posts
 * of cases that were answered, with the case's lead department; and, for message boards,
 * posts whose collected official reply is signed by a department of the workspace.
 */
export async function ledgerDepartmentExamples(db: Kysely<Database>, limit = 20000): Promise<DepartmentExample[]> {
  const out: DepartmentExample[] = [];
  const seen = new Set<number>();
  const cases = await db
    .selectFrom('cases')
    .innerJoin('case_posts', 'case_posts.case_id', 'cases.id')
    .innerJoin('posts', 'posts.id', 'case_posts.post_id')
    .innerJoin('departments', 'departments.id', 'cases.lead_department_id')
    .select(['posts.id as post_id', 'posts.title', 'posts.text', 'departments.code', 'departments.is_office'])
    .where('cases.state', 'in', HANDLED_STATES)
    .orderBy('cases.id', 'desc')
    .limit(limit)
    .execute();
  for (const c of cases) {
    if (seen.has(c.post_id)) continue;
    seen.add(c.post_id);
    out.push({ title: c.title, text: c.text, department: c.code, origin: 'case' });
  }
  const departments = await db.selectFrom('departments').select(['code', 'name']).execute();
  if (departments.length === 0) return out;
  const replies = await db
    .selectFrom('post_replies')
    .innerJoin('posts', 'posts.id', 'post_replies.post_id')
    .select(['posts.id as post_id', 'posts.title', 'posts.text', 'post_replies.text as reply'])
    .orderBy('post_replies.id', 'desc')
    .limit(limit)
    .execute();
  for (const r of replies) {
    if (seen.has(r.post_id)) continue;
    const signature = parseReplySignature(r.reply);
    if (!signature) continue;
    const code = matchDepartment(signature, departments);
    if (!code) continue;
    seen.add(r.post_id);
    out.push({ title: r.title, text: r.text, department: code, origin: 'signature' });
  }
  return out;
}
