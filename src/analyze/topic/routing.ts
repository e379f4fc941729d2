import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { t } from '../../i18n/index.ts';
import { levelRank } from '../../levels.ts';
import type { RuleMatch } from '../types.ts';

/**
 * The final department (主办部门) of a post: a matched watch rule's department first (the most
 * serious rule when several name one), then the owner of the post's taxonomy topic (or of the
 * nearest parent topic that has one), then what was learned from the ledger. Reasons are kept.
 */
export interface RoutingContext {
  /** Department code → display name. */
  departments: Map<string, string>;
  /** Taxonomy path → owner department code and parent path. */
  topics: Map<string, { department: string | null; parent: string | null }>;
}

export interface Routing {
  department: string | null;
  reasons: string[];
}

export async function loadRoutingContext(db: Kysely<Database>): Promise<RoutingContext> {
  const deps = await db.selectFrom('departments').select(['id', 'code', 'name']).execute();
  const byId = new Map(deps.map((d) => [d.id, d.code]));
  const topics = await db.selectFrom('taxonomy_topics').select(['path', 'parent_path', 'department_id']).execute();
  return {
    departments: new Map(deps.map((d) => [d.code, d.name])),
    topics: new Map(topics.map((tp) => [tp.path, { department: tp.department_id === null ? null : (byId.get(tp.department_id) ?? null), parent: tp.parent_path }])),
  };
}

function topicOwner(ctx: RoutingContext, topic: string): { department: string; path: string } | null {
  let path: string | null = topic;
  for (let guard = 0; path && guard < 10; guard++) {
    const node = ctx.topics.get(path);
    if (!node) {
      // a path the taxonomy does not hold: try its parent by the "/" convention
      const cut = path.lastIndexOf('/');
      path = cut > 0 ? path.slice(0, cut) : null;
      continue;
    }
    if (node.department) return { department: node.department, path };
    path = node.parent;
  }
  return null;
}

let noneReason: string | undefined;

export function routePost(
  ctx: RoutingContext,
  input: { rules: RuleMatch[]; topic: string | null; topicDepartment?: string | null; learnedDepartment: string | null; learnedReasons: string[] },
): Routing {
  const name = (code: string) => `“${ctx.departments.get(code) ?? code}”`;
  let rule: RuleMatch | null = null;
  for (const r of input.rules) {
    if (!r.department) continue;
    if (!rule || levelRank(r.minLevel) > levelRank(rule.minLevel)) rule = r;
  }
  if (rule?.department) return { department: rule.department, reasons: [t('routing.rule', { rule: rule.rule, department: name(rule.department) })] };
  if (input.topic) {
    const owner = input.topicDepartment ? { department: input.topicDepartment, path: input.topic } : topicOwner(ctx, input.topic);
    if (owner) return { department: owner.department, reasons: [t('routing.topic', { topic: owner.path, department: name(owner.department) })] };
  }
  if (input.learnedDepartment) {
    const detail = input.learnedReasons.length ? input.learnedReasons.join('；') : name(input.learnedDepartment);
    return { department: input.learnedDepartment, reasons: [t('routing.learned', { detail })] };
  }
  noneReason ??= t('routing.none');
  return { department: null, reasons: [noneReason] };
}
