import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../auth/actor.ts';
import { officeDepartmentIds } from '../../auth/departments.ts';
import { assertCan, assertSeesDepartment } from '../../auth/policy.ts';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../db/schema.ts';
import { nowIso } from '../../db/values.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { t } from '../../i18n/index.ts';
import { bumpLanguageRevision, type ModelName } from './models.ts';
import { APPEAL_LABELS, EMOTION_LABELS, SENTIMENT_LABELS, type AppealLabel, type EmotionLabel, type LabelOrigin, type SentimentLabel } from '../vocabulary.ts';
import { normalizePost } from '../text/normalize.ts';
import { CorrectionMemory, simhashText, textFingerprint, textSimhash } from './memory.ts';
import { DEFAULT_TAXONOMY } from '../topic/default-taxonomy.ts';
import { topicPathParts } from '../topic/taxonomy.ts';
import type { RetrainRequester } from './retrain-job.ts';
import { retrainModels, scheduleRetrain, type RetrainResult } from './train.ts';
import { shapeOf } from '../../shapes.ts';

/** One labelled example, from `minsheng learn`, an import, or a correction in the console. */
export interface LabelExample {
  text: string;
  title?: string;
  sentiment?: SentimentLabel;
  /** 诉求类型. */
  appeal?: AppealLabel;
  /** 情绪 (SMP2020-EWECT's six classes). */
  emotion?: EmotionLabel;
  topic?: string;
  /** Department code (or the department's name). */
  department?: string;
  postId?: number;
}

export type { LabelOrigin } from '../vocabulary.ts';

// Labelled sets from elsewhere name polarity in their own words: Chinese (正面/负面/中性), short
// forms, or emotions (SMP2020-EWECT, NLPCC: angry/sad/fear → negative, happy → positive).
// 'surprise' has no polarity and is refused rather than guessed.
const SENTIMENT_ALIASES = new Map<string, SentimentLabel>([
  ...['negative', 'neg', '负面', '消极', '负向', '差评', 'angry', 'anger', 'sad', 'sadness', 'fear', 'disgust'].map((w) => [w, 'negative'] as const),
  ...['neutral', 'neu', '中性', '中立', 'none'].map((w) => [w, 'neutral'] as const),
  ...['positive', 'pos', '正面', '积极', '正向', '好评', 'happy', 'joy', 'like'].map((w) => [w, 'positive'] as const),
]);

/** The polarity a sentiment label names, or null when it names none. */
export function sentimentOf(label: string): SentimentLabel | null {
  return SENTIMENT_ALIASES.get(label.trim().toLowerCase()) ?? null;
}

// Appeal types as 12345 centres and other systems name them.
const APPEAL_ALIASES = new Map<string, AppealLabel>([
  ...['complaint', '投诉', '举报', '反映', '反映问题', '投诉举报', '检举', 'report'].map((w) => [w, 'complaint'] as const),
  ...['help', '求助', '求援', 'request for help', 'assistance'].map((w) => [w, 'help'] as const),
  ...['inquiry', 'enquiry', 'question', 'consultation', '咨询', '询问', '问询'].map((w) => [w, 'inquiry'] as const),
  ...['suggestion', 'proposal', 'advice', '建议', '意见建议', '意见', '建言'].map((w) => [w, 'suggestion'] as const),
  ...['praise', 'thanks', 'compliment', '表扬', '感谢', '表扬感谢', '点赞'].map((w) => [w, 'praise'] as const),
]);

/** The appeal type a label names, or null. */
export function appealOf(label: string): AppealLabel | null {
  return APPEAL_ALIASES.get(label.trim().toLowerCase()) ?? null;
}

// Emotions as SMP2020-EWECT, NLPCC and Chinese annotation tools name them.
const EMOTION_ALIASES = new Map<string, EmotionLabel>([
  ...['angry', 'anger', 'disgust', '愤怒', '生气', '怒', '厌恶'].map((w) => [w, 'angry'] as const),
  ...['sad', 'sadness', '悲伤', '伤心', '哀'].map((w) => [w, 'sad'] as const),
  ...['fear', 'afraid', '恐惧', '害怕', '惧'].map((w) => [w, 'fear'] as const),
  ...['happy', 'happiness', 'joy', 'like', '喜悦', '高兴', '开心', '乐'].map((w) => [w, 'happy'] as const),
  ...['surprise', 'surprised', '惊奇', '惊讶', '惊'].map((w) => [w, 'surprise'] as const),
  ...['neutral', 'none', 'other', '中性', '无', '无情绪', '无明显情绪'].map((w) => [w, 'neutral'] as const),
]);

/** The emotion a label names, or null. */
export function emotionOf(label: string): EmotionLabel | null {
  return EMOTION_ALIASES.get(label.trim().toLowerCase()) ?? null;
}

export const labelInput = z
  .object({
    sentiment: z.enum(SENTIMENT_LABELS).optional(),
    appeal: z.enum(APPEAL_LABELS).optional().describe('诉求类型'),
    emotion: z.enum(EMOTION_LABELS).optional().describe('情绪'),
    topic: z.string().trim().min(1).max(200).optional(),
    department: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type LabelInput = z.infer<typeof labelInput>;

export interface LearnResult {
  stored: number;
  labelIds: number[];
  topicsAdded: string[];
  retrained: RetrainResult[];
}

/** Checks and canonicalises examples; throws ValidationError naming the first bad one. */
export class LabelChecker {
  private constructor(
    private readonly byCode: Map<string, string>,
    private readonly byName: Map<string, string>,
  ) {}
  /** Department labels that name no department of the workspace (kept as given, see `check`). */
  readonly unknownDepartments = new Set<string>();
  static async load(db: Kysely<Database>): Promise<LabelChecker> {
    const rows = await db.selectFrom('departments').select(['code', 'name']).execute();
    return new LabelChecker(new Map(rows.map((r) => [r.code, r.code])), new Map(rows.map((r) => [r.name, r.code])));
  }
  /** The example in canonical form (department as a code, topic path trimmed), or an error message. */
  /**
   * With `unknownDepartments: 'keep'` (bulk learning from files and imports, where the answering
   * body may be named before the workspace has it as a department) a department that is not in
   * the workspace is learned under the name given; a correction in the console must name one.
   */
  check(e: LabelExample, opts: { unknownDepartments?: 'reject' | 'keep' } = {}): { ok: true; value: LabelExample } | { ok: false; message: string; userMessage: string } {
    const text = typeof e.text === 'string' ? e.text.trim() : '';
    const title = typeof e.title === 'string' ? e.title.trim() : undefined;
    if (!text && !title) return { ok: false, message: 'text is empty', userMessage: t('language.label.noText') };
    const out: LabelExample = { text: text || title!, postId: e.postId };
    if (title && text) out.title = title;
    if (e.sentiment !== undefined && e.sentiment !== null) {
      const polarity = typeof e.sentiment === 'string' ? sentimentOf(e.sentiment) : null;
      if (!polarity) {
        const why = String(e.sentiment).trim().toLowerCase() === 'surprise' ? '; "surprise" names no polarity' : '';
        return { ok: false, message: `sentiment must be negative, neutral or positive (got ${JSON.stringify(e.sentiment)}${why})`, userMessage: t('language.label.invalidSentiment') };
      }
      out.sentiment = polarity;
    }
    if (e.appeal !== undefined && e.appeal !== null) {
      const appeal = typeof e.appeal === 'string' ? appealOf(e.appeal) : null;
      if (!appeal) return { ok: false, message: `appeal must be complaint, help, inquiry, suggestion or praise (got ${JSON.stringify(e.appeal)})`, userMessage: t('signal.label.invalidAppeal') };
      out.appeal = appeal;
    }
    if (e.emotion !== undefined && e.emotion !== null) {
      const emotion = typeof e.emotion === 'string' ? emotionOf(e.emotion) : null;
      if (!emotion) return { ok: false, message: `emotion must be angry, sad, fear, happy, surprise or neutral (got ${JSON.stringify(e.emotion)})`, userMessage: t('signal.label.invalidEmotion') };
      out.emotion = emotion;
    }
    if (e.topic !== undefined && e.topic !== null) {
      const parts = typeof e.topic === 'string' ? topicPathParts(e.topic) : null;
      if (!parts) return { ok: false, message: `topic must be a path like "城乡建设/住房保障" (got ${JSON.stringify(e.topic)})`, userMessage: t('language.label.badTopic', { topic: String(e.topic) }) };
      out.topic = parts.join('/');
    }
    if (e.department !== undefined && e.department !== null) {
      const d = String(e.department).trim();
      const code = this.byCode.get(d) ?? this.byName.get(d);
      if (code) out.department = code;
      else if (opts.unknownDepartments === 'keep' && d.length > 0 && d.length <= 100) {
        out.department = d;
        this.unknownDepartments.add(d);
      } else return { ok: false, message: `unknown department "${d}" (use a department code or name)`, userMessage: t('language.label.unknownDepartment', { code: d }) };
    }
    if (!out.sentiment && !out.appeal && !out.emotion && !out.topic && !out.department) {
      return { ok: false, message: 'a label needs at least one of sentiment, appeal, emotion, topic, department', userMessage: t('language.label.empty') };
    }
    return { ok: true, value: out };
  }
}

/** Adds topic paths (and their parents) that the taxonomy does not have yet. */
async function addMissingTopics(trx: Transaction<Database>, paths: Iterable<string>, keepDefault: boolean): Promise<string[]> {
  const wanted = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) wanted.add(parts.slice(0, i).join('/'));
  }
  if (wanted.size === 0) return [];
  const existing = new Set((await trx.selectFrom('taxonomy_topics').select('path').execute()).map((r) => r.path));
  const added: string[] = [];
  // A correction in the console on a workspace still using the default taxonomy keeps that
  // taxonomy: it is written out before the new topic joins it. Labels learned in bulk (a file,
  // an import) into a workspace without a taxonomy define the taxonomy themselves.
  if (existing.size === 0 && keepDefault) {
    for (const d of DEFAULT_TAXONOMY) {
      const parts = d.path.split('/');
      await trx
        .insertInto('taxonomy_topics')
        .values({ path: d.path, name: parts[parts.length - 1], parent_path: parts.length > 1 ? parts.slice(0, -1).join('/') : null, department_id: null, keywords: JSON.stringify(d.keywords) })
        .execute();
      existing.add(d.path);
    }
  }
  for (const path of [...wanted].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))) {
    if (existing.has(path)) continue;
    const parts = path.split('/');
    await trx
      .insertInto('taxonomy_topics')
      .values({ path, name: parts[parts.length - 1], parent_path: parts.length > 1 ? parts.slice(0, -1).join('/') : null, department_id: null, keywords: '[]' })
      .execute();
    added.push(path);
  }
  return added;
}

/**
 * Stores labelled examples (the same store for `minsheng learn` and console corrections,
 * DESIGN §6), adds topic labels missing from the taxonomy, records the change in the audit
 * trail, then retrains the models the examples touch. `retrain: 'background'` returns at once
 * and hands the retraining to `requestRetrain` (the job queue) or, without one, to this process.
 */
export async function learnExamples(
  db: Kysely<Database>,
  actor: Actor,
  examples: LabelExample[],
  origin: LabelOrigin,
  opts: { retrain?: 'now' | 'background' | 'none'; requestRetrain?: RetrainRequester } = {},
): Promise<LearnResult> {
  assertCan(actor, 'posts.label');
  const checker = await LabelChecker.load(db);
  const clean: LabelExample[] = [];
  examples.forEach((e, i) => {
    const r = checker.check(e, { unknownDepartments: origin === 'cli' || origin === 'import' ? 'keep' : 'reject' });
    if (!r.ok) throw new ValidationError(`example ${i + 1}: ${r.message}`, r.userMessage);
    clean.push(r.value);
  });
  if (clean.length === 0) return { stored: 0, labelIds: [], topicsAdded: [], retrained: [] };
  const now = nowIso();
  const labelIds: number[] = [];
  let topicsAdded: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < clean.length; i += 500) {
      const rows = clean.slice(i, i + 500).map((e) => {
        const normalized = normalizePost({ title: e.title, text: e.text });
        const near = textSimhash(normalized);
        return {
          post_id: e.postId ?? null,
          text: e.title ? `${e.title}\n${e.text}` : e.text,
          sentiment: e.sentiment ?? null,
          appeal: e.appeal ?? null,
          emotion: e.emotion ?? null,
          topic: e.topic ?? null,
          department: e.department ?? null,
          fingerprint: textFingerprint(normalized),
          simhash: near ? simhashText(near) : null,
          origin,
          created_by: actor.id,
          created_at: now,
        };
      });
      const ids = await trx.insertInto('labels').values(rows).returning('id').execute();
      for (const r of ids) labelIds.push(r.id);
    }
    topicsAdded = await addMissingTopics(trx, clean.flatMap((e) => (e.topic ? [e.topic] : [])), origin === 'ui');
    // the labels take effect at once (learn/memory.ts): analyzers reload on the next post
    await bumpLanguageRevision(trx);
    const count = (k: 'sentiment' | 'appeal' | 'emotion' | 'topic' | 'department') => clean.filter((e) => e[k]).length;
    await recordAudit(trx, actor, {
      action: 'labels.learn',
      entity: 'label',
      entityId: labelIds.length === 1 ? labelIds[0] : null,
      after:
        clean.length === 1
          ? { ...clean[0], origin, id: labelIds[0], text: clean[0].text.slice(0, 200) }
          : {
              origin,
              count: clean.length,
              firstId: labelIds[0],
              lastId: labelIds[labelIds.length - 1],
              sentiment: count('sentiment'),
              appeal: count('appeal'),
              emotion: count('emotion'),
              topic: count('topic'),
              department: count('department'),
              topicsAdded,
            },
    });
  });
  const names: ModelName[] = [];
  if (clean.some((e) => e.sentiment)) names.push('sentiment');
  if (clean.some((e) => e.appeal)) names.push('appeal');
  if (clean.some((e) => e.emotion)) names.push('emotion');
  if (clean.some((e) => e.topic)) names.push('topic');
  if (clean.some((e) => e.department)) names.push('department');
  let retrained: RetrainResult[] = [];
  const mode = opts.retrain ?? 'now';
  if (mode === 'now') retrained = await retrainModels(db, names);
  else if (mode === 'background' && names.length) {
    if (opts.requestRetrain) await opts.requestRetrain(names, Math.max(...labelIds));
    else void scheduleRetrain(db, names).catch(() => undefined);
  }
  return { stored: clean.length, labelIds, topicsAdded, retrained };
}

/** Stored posts within this many days of a corrected post are looked at for its duplicates. */
const DUPLICATE_WINDOW_DAYS = 30;
/** At most this many of the latest posts in that window are compared with the corrected post. */
const DUPLICATE_CANDIDATES = 5000;
/** At most this many duplicates are re-analysed with a correction (a flood of copies is re-analysed as it is collected). */
export const MAX_DUPLICATES = 200;

/**
 * The stored posts a correction of `postId` reaches at once, the corrected post first: the posts
 * collected as its near-duplicates (posts.near_duplicate_of), and every post within
 * DUPLICATE_WINDOW_DAYS whose text the memory of corrections (learn/memory.ts) matches with the
 * corrected post's: the same text, or a near-duplicate. These are the posts whose analysis the
 * correction changes.
 */
export async function correctionReach(db: Kysely<Database>, postId: number): Promise<number[]> {
  const post = await db.selectFrom('posts').select(['id', 'title', 'text', 'near_duplicate_of', 'published_at', 'fetched_at']).where('id', '=', postId).executeTakeFirst();
  if (!post) return [];
  const root = post.near_duplicate_of ?? post.id;
  const out = new Set<number>([post.id]);
  const group = await db
    .selectFrom('posts')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', root), eb('near_duplicate_of', '=', root)]))
    .orderBy('id')
    .limit(MAX_DUPLICATES)
    .execute();
  for (const g of group) out.add(g.id);
  const normalized = normalizePost({ title: post.title, text: post.text });
  const near = textSimhash(normalized);
  const memory = new CorrectionMemory([{ fingerprint: textFingerprint(normalized), simhash: near ? simhashText(near) : null, correction: true, sentiment: 'neutral', by: null, at: nowIso() }]);
  const at = Date.parse(post.published_at ?? post.fetched_at);
  const day = 86_400_000;
  const rows = await db
    .selectFrom('posts')
    .select(['id', 'title', 'text'])
    .where('id', '!=', post.id)
    .where('fetched_at', '>=', new Date(at - DUPLICATE_WINDOW_DAYS * day).toISOString())
    .where('fetched_at', '<=', new Date(Math.max(at, Date.now()) + day).toISOString())
    .orderBy('id', 'desc')
    .limit(DUPLICATE_CANDIDATES)
    .execute();
  for (const r of rows) {
    if (out.size >= MAX_DUPLICATES) break;
    if (memory.lookup(normalizePost({ title: r.title, text: r.text }))) out.add(r.id);
  }
  return [...out];
}

/**
 * A correction of one post from the console (one click): stored as a label of that post's
 * text, written to the post at once, and learned in the background. It also takes effect at once
 * for the post's duplicates and for every later post of the same text (learn/memory.ts):
 * `reach` lists the stored posts to analyse again now (the corrected post first).
 */
export async function correctPost(
  db: Kysely<Database>,
  actor: Actor,
  postId: number,
  input: LabelInput,
  requestRetrain?: RetrainRequester,
): Promise<{ labelId: number; topicsAdded: string[]; reach: number[] }> {
  assertCan(actor, 'posts.label');
  const post = await db.selectFrom('posts').select(['id', 'title', 'text', 'department_id']).where('id', '=', postId).executeTakeFirst();
  if (!post) throw new NotFoundError(`post ${postId}`);
  assertSeesDepartment(actor, post.department_id, await officeDepartmentIds(db));
  const result = await learnExamples(db, actor, [{ text: post.text, title: post.title || undefined, postId, ...input }], 'ui', { retrain: 'background', requestRetrain });
  await writeCorrection(db, postId, input);
  return { labelId: result.labelIds[0], topicsAdded: result.topicsAdded, reach: await correctionReach(db, postId) };
}

/**
 * Writes a correction's labels to the corrected post's columns. The analysis applies them too
 * (learn/memory.ts); this holds them where a later analysis would decide otherwise (a watch rule's
 * department outranks a learned one, and a person's word outranks both).
 */
export async function writeCorrection(db: Kysely<Database>, postId: number, input: LabelInput): Promise<void> {
  const set: { sentiment_label?: SentimentLabel; appeal_label?: AppealLabel; emotion_label?: EmotionLabel; topic?: string; department_id?: number } = {};
  if (input.sentiment) set.sentiment_label = input.sentiment;
  if (input.appeal) set.appeal_label = input.appeal;
  if (input.emotion) set.emotion_label = input.emotion;
  if (input.topic) set.topic = input.topic.split('/').map((p) => p.trim()).join('/');
  if (input.department) {
    const d = await db.selectFrom('departments').select('id').where((eb) => eb.or([eb('code', '=', input.department!), eb('name', '=', input.department!)])).executeTakeFirst();
    if (d) set.department_id = d.id;
  }
  if (Object.keys(set).length) await db.updateTable('posts').set(set).where('id', '=', postId).execute();
}

export interface LabelRow {
  id: number;
  postId: number | null;
  text: string;
  sentiment: string | null;
  appeal: string | null;
  emotion: string | null;
  topic: string | null;
  department: string | null;
  origin: string;
  createdBy: number | null;
  createdAt: string;
}

export const labelRowSchema = shapeOf<LabelRow>()({
  id: z.number(),
  postId: z.number().nullable(),
  text: z.string(),
  sentiment: z.string().nullable(),
  appeal: z.string().nullable(),
  emotion: z.string().nullable(),
  topic: z.string().nullable(),
  department: z.string().nullable(),
  origin: z.string(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
});

/** A correction's label, the topics it added to the taxonomy, and the posts it was applied to at once. */
export const correctionSchema = z.object({
  labelId: z.number(),
  topicsAdded: z.array(z.string()),
  reach: z.array(z.number()).describe('the corrected post and its duplicates, analysed again with the correction'),
});

/** The label history of one post, newest first. */
export async function listPostLabels(db: Kysely<Database>, actor: Actor, postId: number): Promise<LabelRow[]> {
  assertCan(actor, 'posts.read');
  const post = await db.selectFrom('posts').select(['id', 'department_id']).where('id', '=', postId).executeTakeFirst();
  if (!post) throw new NotFoundError(`post ${postId}`);
  assertSeesDepartment(actor, post.department_id, await officeDepartmentIds(db));
  const rows = await db.selectFrom('labels').selectAll().where('post_id', '=', postId).orderBy('id', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    postId: r.post_id,
    text: r.text,
    sentiment: r.sentiment,
    appeal: r.appeal,
    emotion: r.emotion,
    topic: r.topic,
    department: r.department,
    origin: r.origin,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}
