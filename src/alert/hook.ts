import type { Selectable, Transaction } from 'kysely';
import type { AnalysisResult } from '../analyze/types.ts';
import type { Database, PostTable } from '../db/schema.ts';
import type { AnalysisHook } from '../pipeline/stages.ts';
import { t } from '../i18n/index.ts';
import { atLeast, RISK_LEVEL_LABELS } from '../levels.ts';
import { enqueueNotice, type Notice } from './outbox.ts';
import { loadAlertSettings } from './settings.ts';

type Post = Selectable<PostTable>;

/** The matter an alert is about: the event when the post joined one (so its sibling posts do not alert again), else the post. */
export function matterOf(post: Post, result: AnalysisResult): string {
  const eventId = typeof result.event === 'number' ? result.event : post.event_id;
  return eventId ? `event:${eventId}` : `post:${post.id}`;
}

/** A rule's alerts about a matter: named by the rule's id, so that renaming the rule alerts nobody again (migration 014 rewrote older keys). */
export function ruleMatterKey(matter: string, ruleId: number): string {
  return `${matter}|rule-id:${ruleId}`;
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

async function describe(trx: Transaction<Database>, post: Post, result: AnalysisResult, ruleNames: string[], departmentName: string | null): Promise<{ title: string; body: string }> {
  const source = await trx.selectFrom('sources').select('name').where('id', '=', post.source_id).executeTakeFirst();
  const lines = [
    t('alert.post.body.source', { source: source?.name ?? String(post.source_id) }),
    post.published_at ? t('alert.post.body.time', { time: post.published_at }) : '',
    ruleNames.length ? t('alert.post.body.rule', { rules: ruleNames.join('、') }) : '',
    t('alert.post.body.level', { level: RISK_LEVEL_LABELS[result.risk.level], reasons: result.risk.reasons.slice(0, 3).join('；') || '—' }),
    t('alert.post.body.sentiment', { label: t(`alert.sentiment.${result.sentiment.label}`) }),
    departmentName ? t('alert.post.body.department', { department: departmentName }) : '',
    shorten(post.text, 200),
  ];
  const title = shorten(post.title || post.text, 60) || `#${post.id}`;
  return { title, body: lines.filter(Boolean).join('\n') };
}

/**
 * The analysis hook: inside the transaction that stores a post's analysis, queue its alerts.
 * One notice per matched watch rule (the rule's department, else the post's), and one for a
 * post that matches no rule but reaches the configured level. The key (matter + rule) and the
 * channel make the idempotency key, so re-fetches and re-analysis never alert a channel twice.
 */
export const alertHook: AnalysisHook = async (trx, _ctx, post, result) => {
  const level = result.risk.level;
  const matter = matterOf(post, result);
  const eventId = typeof result.event === 'number' ? result.event : post.event_id;
  let departmentId = post.department_id;
  if (departmentId === null && result.department) {
    departmentId = (await trx.selectFrom('departments').select('id').where('code', '=', result.department).executeTakeFirst())?.id ?? null;
  }
  const departmentName = async (id: number | null) => (id === null ? null : ((await trx.selectFrom('departments').select('name').where('id', '=', id).executeTakeFirst())?.name ?? null));
  const notices: Notice[] = [];
  // One notice per matched rule, found by its id (a match without one, by its name).
  const matched = new Map<number | string, string>();
  for (const m of result.rules) if (!matched.has(m.ruleId ?? m.rule)) matched.set(m.ruleId ?? m.rule, m.rule);
  for (const [ref, name] of matched) {
    const q = trx.selectFrom('watch_rules').select(['id', 'name', 'department_id', 'min_level', 'enabled']);
    const rule = await (typeof ref === 'number' ? q.where('id', '=', ref) : q.where('name', '=', ref)).executeTakeFirst();
    if (rule && !atLeast(level, rule.min_level)) continue;
    const dept = rule?.department_id ?? departmentId;
    const text = await describe(trx, post, result, [rule?.name ?? name], await departmentName(dept));
    notices.push({
      kind: eventId ? 'event' : 'post',
      key: rule ? ruleMatterKey(matter, rule.id) : `${matter}|rule:${name}`,
      level,
      ...text,
      departmentId: dept,
      postId: post.id,
      eventId: eventId ?? null,
      ruleId: rule?.id ?? null,
      ruleName: rule?.name ?? name,
    });
  }
  if (matched.size === 0) {
    const settings = await loadAlertSettings(trx);
    if (settings.unmatchedMinLevel !== 'off' && atLeast(level, settings.unmatchedMinLevel)) {
      const text = await describe(trx, post, result, [], await departmentName(departmentId));
      notices.push({ kind: eventId ? 'event' : 'post', key: `${matter}|level`, level, ...text, departmentId, postId: post.id, eventId: eventId ?? null });
    }
  }
  // The outbox wakes delivery once the analysis transaction commits.
  for (const n of notices) await enqueueNotice(trx, n);
};
