import type { Selectable, Transaction } from 'kysely';
import type { AnalysisResult } from '../analyze/types.ts';
import type { Database, PostTable } from '../db/schema.ts';
import type { AnalysisHook } from '../pipeline/stages.ts';
import { t } from '../i18n/index.ts';
import { atLeast, RISK_LEVEL_LABELS } from '../levels.ts';
import { enqueueNotice, type Notice } from './outbox.ts';
import { loadAlertSettings } from './settings.ts';
import { publishedText } from '../time/format.ts';

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

async function describe(trx: Transaction<Database>, post: Post, result: AnalysisResult, ruleNames: string[], departmentNames: string[]): Promise<{ title: string; body: string }> {
  const source = await trx.selectFrom('sources').select('name').where('id', '=', post.source_id).executeTakeFirst();
  const lines = [
    t('alert.post.body.source', { source: source?.name ?? String(post.source_id) }),
    post.published_at ? t('alert.post.body.time', { time: publishedText(post.published_at, post.published_precision) }) : '',
    ruleNames.length ? t('alert.post.body.rule', { rules: ruleNames.join('、') }) : '',
    t('alert.post.body.level', { level: RISK_LEVEL_LABELS[result.risk.level], reasons: result.risk.reasons.slice(0, 3).join('；') || '—' }),
    t('alert.post.body.sentiment', { label: t(`alert.sentiment.${result.sentiment.label}`) }),
    departmentNames.length ? t('alert.post.body.department', { department: departmentNames.join('、') }) : '',
    shorten(post.text, 200),
  ];
  const title = shorten(post.title || post.text, 60) || `#${post.id}`;
  return { title, body: lines.filter(Boolean).join('\n') };
}

/** The key of a post's (or event's) alert: one per matter, whatever rules it matched (before 016, one per rule: `ruleMatterKey`). */
export function matterAlertKey(matter: string): string {
  return `${matter}|alert`;
}

/**
 * The analysis hook: inside the transaction that stores a post's analysis, queue its alert. One
 * notice per post (or per event, so that its sibling posts do not alert again), naming every
 * watch rule it matched at or above the rule's level, for the post's department and every matched
 * rule's department; a post that matches no rule alerts from the configured level. The outbox
 * makes it one message per channel and per person, and never a second one for the same matter.
 * A post of ours, an old one, one imported as history, or one from a 参考 source (the office's
 * digest only) does not alert (`posts.standing`).
 */
export const alertHook: AnalysisHook = async (trx, _ctx, post, result) => {
  if (post.standing === 'ours' || post.standing === 'old' || post.standing === 'history') return;
  const level = result.risk.level;
  const matter = matterOf(post, result);
  const eventId = typeof result.event === 'number' ? result.event : post.event_id;
  let departmentId = post.department_id;
  if (departmentId === null && result.department) {
    departmentId = (await trx.selectFrom('departments').select('id').where('code', '=', result.department).executeTakeFirst())?.id ?? null;
  }
  // The matched rules, found by id (a match without one, by its name), that the level reaches.
  const matched = new Map<number | string, string>();
  for (const m of result.rules) if (!matched.has(m.ruleId ?? m.rule)) matched.set(m.ruleId ?? m.rule, m.rule);
  const rules: { id: number | null; name: string; departmentId: number | null }[] = [];
  for (const [ref, name] of matched) {
    const q = trx.selectFrom('watch_rules').select(['id', 'name', 'department_id', 'min_level']);
    const rule = await (typeof ref === 'number' ? q.where('id', '=', ref) : q.where('name', '=', ref)).executeTakeFirst();
    if (rule && !atLeast(level, rule.min_level)) continue;
    rules.push({ id: rule?.id ?? null, name: rule?.name ?? name, departmentId: rule?.department_id ?? null });
  }
  if (matched.size > 0 && rules.length === 0) return;
  if (matched.size === 0) {
    const settings = await loadAlertSettings(trx);
    if (settings.unmatchedMinLevel === 'off' || !atLeast(level, settings.unmatchedMinLevel)) return;
  }
  // The post's own department first, then each rule's.
  const departmentIds = [...new Set([departmentId, ...rules.map((r) => r.departmentId)].filter((d): d is number => d !== null))];
  const names = departmentIds.length ? await trx.selectFrom('departments').select(['id', 'name']).where('id', 'in', departmentIds).execute() : [];
  const departmentNames = departmentIds.map((id) => names.find((n) => n.id === id)?.name).filter((n): n is string => !!n);
  const text = await describe(trx, post, result, rules.map((r) => r.name), departmentNames);
  // The post opened or raised a case to 重大/特别重大: the emergency clocks proposed to the office, in this one message (cases/emergency.ts for the other ways).
  const proposed = await trx
    .selectFrom('case_posts')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .select(['cases.number'])
    .where('case_posts.post_id', '=', post.id)
    .where('cases.emergency_proposed', '=', 1)
    .where('cases.state', '!=', 'closed')
    .executeTakeFirst();
  if (proposed) text.body = `${text.body}\n${t('alert.post.body.emergency', { number: proposed.number })}`;
  const ruleIds = rules.map((r) => r.id).filter((id): id is number => id !== null);
  const notice: Notice = {
    kind: eventId ? 'event' : 'post',
    key: matterAlertKey(matter),
    matter,
    level,
    ...text,
    departmentId: departmentIds[0] ?? null,
    departmentIds,
    postId: post.id,
    eventId: eventId ?? null,
    ruleId: ruleIds[0] ?? null,
    ruleName: rules[0]?.name ?? null,
    ruleIds,
    reference: post.standing === 'reference',
  };
  // The outbox wakes delivery once the analysis transaction commits.
  await enqueueNotice(trx, notice);
};
