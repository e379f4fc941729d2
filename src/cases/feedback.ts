import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { enqueueNotice } from '../alert/outbox.ts';
import { systemActor } from '../auth/actor.ts';
import { getLanguageAnalyzer, type LanguageAnalyzer } from '../analyze/language.ts';
import { normalize } from '../analyze/text/normalize.ts';
import { SENTIMENT_LABELS, type SentimentLabel } from '../analyze/vocabulary.ts';
import { accountMatcher, type AccountMatcher } from '../collect/store.ts';
import type { AppContext } from '../context.ts';
import type { Database } from '../db/schema.ts';
import { jsonColumn, readJson, toJson } from '../db/values.ts';
import { t } from '../i18n/index.ts';
import { shapeOf } from '../shapes.ts';
import { loadCase } from './access.ts';
import { logCaseEvent } from './history.ts';
import { FEEDBACK_CLASSES, type FeedbackClass } from './vocabulary.ts';

/**
 * What people said back (DESIGN §1 "Follow up"; the seed's second and third criteria): after our
 * reply, the thread's later 跟帖 and the later posts of the case and its event are read once each
 * and put in one of four classes, each with the cues that decided it:
 * - 升级苗头 (escalating): collective action or going over our heads — 拉横幅, 上访, 找媒体, 纪委,
 *   堵路 … (a cue preceded by a negation, 不会去上访, does not count); channels people also name as
 *   history (12345, 维权, 法院, 信访) count only after a threat or a demand (再不修就打12345);
 * - 继续追问 (asking): the matter is still open for them — questions, 还是没, 什么时候, 敷衍,
 *   官话, requests (恳请, 请回复, 满意的答复 …), negative sentiment, or an attack;
 * - 满意/认可 (satisfied): thanks and approval — 谢谢, 点赞, 解决了, 辛苦了 …, or positive sentiment;
 * - 其他 (neutral): none of these.
 * The strongest class wins (谢谢，但到底什么时候修？ asks). Sentiment and abuse come from the
 * workspace's analyzer (with what it learned); the cues are below. The assessment reads the classes
 * (report/ledger-facts.ts); an escalating item alerts the case's department at once. Measured by
 * bench/eval-feedback.ts on real citizens' text (our labels in bench/data/feedback-labels.tsv).
 */
/** Collective action or going over our heads, wherever it is said. */
const ESCALATION = [
  '拉横幅', '拉条幅', '挂横幅', '横幅', '上访', '集体上访', '群体性事件', '群体事件', '去市里', '到市里', '去省里', '到省里', '省里反映', '市里反映',
  '找媒体', '找记者', '上新闻', '发微博', '发抖音', '堵路', '堵门', '静坐', '游行', '聚集', '讨说法', '告到', '打官司', '纪委', '监察委', '督导组',
  '省长信箱', '控告', '实名举报', '闹大', '去闹', '集体去', '组织业主', '联名', '曝光',
];
/**
 * Channels people name as often in their history (打过12345, 维权多年, 信访局答复) as in a threat: they
 * count only when a threat or a demand comes just before them (再不修就打12345, 只能起诉, 希望媒体关注).
 */
const ESCALATION_IF_THREATENED = ['12345', '市长热线', '市长信箱', '信访', '维权', '起诉', '法院', '记者', '媒体', '电视台'];
const THREAT = ['就', '要', '将', '会', '只能', '准备', '打算', '逼', '不得不', '否则', '希望', '请求'];
const ASKING = [
  '什么时候', '何时', '到底', '究竟', '还是没', '还没', '仍然', '依然', '依旧', '怎么还', '为什么', '凭什么', '敷衍', '官话', '套话', '打太极', '推诿',
  '踢皮球', '没用', '不解决', '没解决', '没有解决', '糊弄', '光说不做', '说了多少次', '拖到', '一拖再拖', '没人管', '没下文', '没有下文', '只是说说',
  // A request still open: thanks around it are courtesy (恳请早日解决，谢谢！; 给我们一个满意的答复).
  '满意的答复', '满意答复', '满意的回复', '满意的结果', '请回复', '盼回复', '望回复', '期待回复', '回复为盼', '恳请', '请求', '希望', '尽快', '早日',
  '督促', '至今', '迟迟', '无果', '不作为', '投诉', '质疑', '不满', '请领导', '做主',
];
const SATISFIED = [
  '谢谢', '感谢', '多谢', '辛苦了', '辛苦', '点赞', '好评', '给力', '效率高', '效率真高', '回复及时', '很及时', '负责任', '满意', '解决了', '已解决',
  '修好了', '处理好了', '弄好了', '恢复了', '好多了', '支持', '理解', '👍', '赞',
];
const NEGATIONS = ['不会', '不用', '不想', '无需', '没必要', '不至于', '不要', '不', '没'];

/** Longest cue first, so 集体上访 is one cue rather than 集体 and 上访. */
const byLength = (list: string[]) => [...new Set(list)].sort((a, b) => b.length - a.length);
const CUES: [FeedbackClass, string[]][] = [
  ['escalating', byLength([...ESCALATION, ...ESCALATION_IF_THREATENED])],
  ['asking', byLength(ASKING)],
  ['satisfied', byLength(SATISFIED)],
];

function negated(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 3), at);
  return NEGATIONS.some((n) => before.endsWith(n) || before.slice(0, -1).endsWith(n));
}

/** A threat or a demand in the few characters before a channel's name (再不修就打12345, 只能去法院). */
function threatened(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 6), at);
  return THREAT.some((w) => before.includes(w));
}

/** The cues of each class found in the text (a negated one left out). */
export function findCues(text: string): Record<Exclude<FeedbackClass, 'neutral'>, string[]> {
  const s = normalize(text).toLowerCase();
  const out = { escalating: [] as string[], asking: [] as string[], satisfied: [] as string[] };
  const used: [number, number][] = [];
  for (const [cls, list] of CUES) {
    for (const cue of list) {
      let from = 0;
      for (;;) {
        const at = s.indexOf(cue, from);
        if (at < 0) break;
        from = at + cue.length;
        if (used.some(([a, b]) => at < b && at + cue.length > a)) continue;
        if (ESCALATION_IF_THREATENED.includes(cue) && !threatened(s, at)) continue;
        used.push([at, at + cue.length]);
        // 不满意 is not 满意; 不会去上访 is no threat; 不管 and 不解决 are themselves the complaint.
        if (cls !== 'asking' && negated(s, at)) {
          if (cls === 'satisfied') out.asking.push(`不${cue}`);
          continue;
        }
        out[cls as keyof typeof out].push(cue);
      }
    }
  }
  if (/[?？]/.test(s)) out.asking.push('？');
  return out;
}

export interface FeedbackReading {
  class: FeedbackClass;
  cues: string[];
}

/** One item's class from its text, its sentiment and whether it attacks. */
export function classifyFeedback(text: string, sentiment: SentimentLabel | null, abuse: boolean): FeedbackReading {
  const c = findCues(text);
  if (c.escalating.length) return { class: 'escalating', cues: c.escalating };
  if (abuse) return { class: 'asking', cues: [t('case.feedback.abuse'), ...c.asking] };
  // A question mark alone next to thanks is a polite question (谢谢，请问…？), not a complaint.
  const asks = c.asking.filter((x) => x !== '？');
  if (asks.length || (c.asking.length && !c.satisfied.length)) return { class: 'asking', cues: c.asking };
  if (c.satisfied.length) return { class: 'satisfied', cues: c.satisfied };
  if (sentiment === 'negative') return { class: 'asking', cues: [t('case.feedback.negative')] };
  if (sentiment === 'positive') return { class: 'satisfied', cues: [t('case.feedback.positive')] };
  return { class: 'neutral', cues: [] };
}

/** `case_feedback.cues`: the cues that decided an item's class. */
export const feedbackCuesJson = jsonColumn('case_feedback.cues', z.array(z.string()));

const MAX_PER_ROUND = 2000;

type Trx = Transaction<Database>;

/**
 * Reads what people wrote after our reply on cases that have one: 跟帖 on the case's threads not
 * by our accounts, and later posts of the case or its event not by our accounts. Each is read
 * once. Returns how many were read.
 */
export async function readFeedback(ctx: AppContext, caseId?: number, now: Date = new Date()): Promise<number> {
  const db = ctx.db.kysely;
  let rq = db
    .selectFrom('post_replies')
    .innerJoin('case_posts', 'case_posts.post_id', 'post_replies.post_id')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .leftJoin('case_feedback', (j) => j.onRef('case_feedback.case_id', '=', 'cases.id').onRef('case_feedback.post_reply_id', '=', 'post_replies.id'))
    .select(['post_replies.id', 'post_replies.post_id', 'post_replies.author', 'post_replies.text', 'post_replies.published_at', 'post_replies.fetched_at', 'cases.id as case_id', 'cases.replied_at'])
    .where('cases.replied_at', 'is not', null)
    .where('post_replies.responder_account_id', 'is', null)
    .where('case_feedback.id', 'is', null)
    .where((eb) => eb(eb.fn.coalesce('post_replies.published_at', 'post_replies.fetched_at'), '>', eb.ref('cases.replied_at')));
  if (caseId !== undefined) rq = rq.where('cases.id', '=', caseId);
  const replies = await rq.orderBy('post_replies.id').limit(MAX_PER_ROUND).execute();

  const postCols = ['posts.id', 'posts.source_id', 'posts.author', 'posts.title', 'posts.text', 'posts.published_at', 'posts.fetched_at', 'posts.sentiment_label', 'posts.abuse', 'cases.id as case_id', 'cases.replied_at'] as const;
  const unread = (eb: ExpressionBuilder<Database, 'cases' | 'posts'>) => eb.not(eb.exists(eb.selectFrom('case_feedback').select('case_feedback.id').whereRef('case_feedback.case_id', '=', 'cases.id').whereRef('case_feedback.post_id', '=', 'posts.id').where('case_feedback.post_reply_id', 'is', null)));
  let lq = db
    .selectFrom('case_posts')
    .innerJoin('cases', 'cases.id', 'case_posts.case_id')
    .innerJoin('posts', 'posts.id', 'case_posts.post_id')
    .select(postCols)
    .where('cases.replied_at', 'is not', null)
    .where(unread)
    .where((eb) => eb(eb.fn.coalesce('posts.published_at', 'posts.fetched_at'), '>', eb.ref('cases.replied_at')));
  let eq = db
    .selectFrom('cases')
    .innerJoin('posts', 'posts.event_id', 'cases.event_id')
    .select(postCols)
    .where('cases.replied_at', 'is not', null)
    .where(unread)
    .where((eb) => eb(eb.fn.coalesce('posts.published_at', 'posts.fetched_at'), '>', eb.ref('cases.replied_at')));
  if (caseId !== undefined) {
    lq = lq.where('cases.id', '=', caseId);
    eq = eq.where('cases.id', '=', caseId);
  }
  const seen = new Set<string>();
  const posts = [...(await lq.limit(MAX_PER_ROUND).execute()), ...(await eq.limit(MAX_PER_ROUND).execute())].filter((p) => {
    const k = `${p.case_id}:${p.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!replies.length && !posts.length) return 0;

  // Our own posts (a statement thread, a post by a responder) are not what people said back.
  const matchers = new Map<number, AccountMatcher>();
  const ours = async (sourceId: number, author: string | null) => {
    let m = matchers.get(sourceId);
    if (!m) {
      const source = await db.selectFrom('sources').select(['name', 'url']).where('id', '=', sourceId).executeTakeFirstOrThrow();
      m = await accountMatcher(db, source);
      matchers.set(sourceId, m);
    }
    return m(author) !== null;
  };
  let language: LanguageAnalyzer | null = null;
  const analyse = async (text: string) => {
    language ??= await getLanguageAnalyzer(db);
    const r = language.analyze({ text });
    return { sentiment: r.sentiment.label, abuse: r.abuse.flagged };
  };

  type Item = { caseId: number; key: string; postId: number; replyId: number | null; at: string; author: string | null; text: string; sentiment: SentimentLabel | null; abuse: boolean };
  const items: Item[] = [];
  for (const r of replies) {
    const a = await analyse(r.text);
    items.push({ caseId: r.case_id, key: `r:${r.id}`, postId: r.post_id, replyId: r.id, at: r.published_at ?? r.fetched_at, author: r.author, text: r.text, ...a });
  }
  for (const p of posts) {
    const text = `${p.title}\n${p.text}`;
    const item = { caseId: p.case_id, key: `p:${p.id}`, postId: p.id, replyId: null, at: p.published_at ?? p.fetched_at, author: p.author, text, sentiment: p.sentiment_label, abuse: p.abuse === 1 };
    // Ours: recorded as read (neutral) so it is not looked at again, and counted nowhere.
    if (await ours(p.source_id, p.author)) items.push({ ...item, sentiment: null, abuse: false, text: '' });
    else items.push(item);
  }

  const byCase = new Map<number, Item[]>();
  for (const it of items) byCase.set(it.caseId, [...(byCase.get(it.caseId) ?? []), it]);
  let read = 0;
  const nowIso = now.toISOString();
  for (const [id, list] of byCase) {
    await db.transaction().execute(async (trx) => {
      const escalating: { excerpt: string; cues: string[] }[] = [];
      for (const it of list) {
        const reading = it.text ? classifyFeedback(it.text, it.sentiment, it.abuse) : { class: 'neutral' as const, cues: [t('case.feedback.ours')] };
        const excerpt = it.text.replace(/\s+/g, ' ').trim().slice(0, 200);
        const row = await trx
          .insertInto('case_feedback')
          .values({ case_id: id, item_key: it.key, post_id: it.postId, post_reply_id: it.replyId, at: it.at, author: it.author, excerpt, class: reading.class, sentiment: it.sentiment, abuse: it.abuse ? 1 : 0, cues: toJson(reading.cues), created_at: nowIso })
          .onConflict((oc) => oc.columns(['case_id', 'item_key']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) continue;
        read++;
        if (reading.class === 'escalating') escalating.push({ excerpt, cues: reading.cues });
      }
      if (escalating.length) await warnEscalation(trx, id, escalating);
    });
  }
  return read;
}

/** An escalation cue after our reply: the case history says so and the department (and the office) hear of it at once. */
async function warnEscalation(trx: Trx, caseId: number, items: { excerpt: string; cues: string[] }[]): Promise<void> {
  const c = await loadCase(trx, caseId);
  const cues = [...new Set(items.flatMap((i) => i.cues))].join('、');
  const comment = t('case.note.escalationCue', { cues, excerpt: items[0].excerpt.slice(0, 80) });
  await logCaseEvent(trx, systemActor, c, { kind: 'feedback', comment, data: { class: 'escalating', cues: items.flatMap((i) => i.cues), count: items.length } });
  const title = t('notice.case.escalationCue', { number: c.number, title: c.title, cues });
  const count = await trx.selectFrom('case_feedback').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).where('class', '=', 'escalating').executeTakeFirst();
  await enqueueNotice(trx, {
    kind: 'case.feedback',
    key: `case.feedback|case:${c.id}|escalating:${Number(count?.n ?? 0)}`,
    level: c.level,
    title,
    body: items.map((i) => i.excerpt).join('\n'),
    departmentId: c.lead_department_id,
    caseId: c.id,
  });
}

/** The summary of what people said back, per class, with the items (newest first), as the case page shows it. */
export async function feedbackOfCase(db: Kysely<Database>, caseId: number) {
  const rows = await db
    .selectFrom('case_feedback')
    .select(['id', 'item_key', 'post_id', 'post_reply_id', 'at', 'author', 'excerpt', 'class', 'sentiment', 'abuse', 'cues'])
    .where('case_id', '=', caseId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const counts = { satisfied: 0, asking: 0, escalating: 0, neutral: 0 };
  const items = [];
  for (const r of rows) {
    const cues = readJson(feedbackCuesJson, r.cues, []);
    // Our own posts were only marked read.
    if (r.class === 'neutral' && cues.includes(t('case.feedback.ours'))) continue;
    counts[r.class]++;
    items.push({ ...r, cues });
  }
  return { counts, items };
}

export type CaseFeedback = Awaited<ReturnType<typeof feedbackOfCase>>;

export const caseFeedbackSchema = shapeOf<CaseFeedback>()({
  counts: z.object({ satisfied: z.number(), asking: z.number(), escalating: z.number(), neutral: z.number() }).describe('满意/认可, 继续追问, 升级苗头, 其他'),
  items: z.array(
    shapeOf<CaseFeedback['items'][number]>()({
      id: z.number(),
      item_key: z.string(),
      post_id: z.number(),
      post_reply_id: z.number().nullable(),
      at: z.string(),
      author: z.string().nullable(),
      excerpt: z.string(),
      class: z.enum(FEEDBACK_CLASSES),
      sentiment: z.enum(SENTIMENT_LABELS).nullable(),
      abuse: z.number(),
      cues: z.array(z.string()),
    }),
  ),
});
