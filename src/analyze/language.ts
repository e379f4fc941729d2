import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { readJson } from '../db/values.ts';
import { topicKeywordsJson } from './topic/taxonomy.ts';
import { t } from '../i18n/index.ts';
import { abusePhrases, detectAbuse } from './sentiment/abuse.ts';
import { extractKeywords } from './text/keywords.ts';
import { extractFeatures, leadTokenCount, markMentions, type TextFeatures } from './learn/features.ts';
import { appealCues, decideAppeal, APPEAL_TEXT, type AppealResult } from './appeal/classify.ts';
import { appealPhrases } from './appeal/cues.ts';
import { EMOTION_TEXT, scoreEmotion, type EmotionResult } from './emotion/score.ts';
import { emotionPhrases } from './emotion/lexicon.ts';
import { loadMemory, type CorrectionMemory } from './learn/memory.ts';
import type { AppealLabel, EmotionLabel } from './vocabulary.ts';
import { APPEAL_LABELS, EMOTION_LABELS } from './vocabulary.ts';
import { predict, type LinearModel } from './learn/linear.ts';
import { languageRevision, loadModels, type ModelName } from './learn/models.ts';
import { createSegmenter, type Segmenter } from './text/segment.ts';
import { externalLexicon, type ExternalLexicon } from './sentiment/external-lexicon.ts';
import { lexiconPhrases } from './sentiment/lexicon.ts';
import { NO_CUE_REASON, scoreTokens, type LexiconScore, type SentimentLabel } from './sentiment/score.ts';
import { normalize, normalizePost } from './text/normalize.ts';
import { DEFAULT_TAXONOMY } from './topic/default-taxonomy.ts';
import { viewTokens, type TokenInfo } from './text/token-info.ts';
import { TopicMatcher, type TaxonomyTopic } from './topic/taxonomy.ts';
import { borrowedWords, TopicDecider } from './topic/decide.ts';

export { normalize };

/** The language layer's view of one post (analysis part 1); the analyzer composition builds on it. */
export interface LanguageResult {
  normalized: string;
  tokens: string[];
  sentiment: { label: SentimentLabel; score: number; reasons: string[] };
  abuse: { flagged: boolean; reasons: string[] };
  /** 诉求类型 (appeal/classify.ts, or the learned appeal model). */
  appeal: { label: AppealLabel; score: number; reasons: string[] };
  /** 情绪 (emotion/score.ts, or the learned emotion model). */
  emotion: { label: EmotionLabel; score: number; reasons: string[] };
  /** Taxonomy keywords first, then the learned classifier. */
  topic: string | null;
  topicReasons: string[];
  /** The owner department code of the topic, when the taxonomy names one. */
  topicDepartment: string | null;
  /** Department code learned from labels and the ledger. */
  learnedDepartment: string | null;
  departmentReasons: string[];
  keywords: string[];
}

export interface LanguageAnalyzer {
  analyze(input: { title?: string; text: string }): LanguageResult;
  /**
   * The same for a post already normalised (normalizePost) and cut by a segmenter with `dictionary`
   * (another thread's), with the tokens' hashToken values when that thread computed them.
   */
  analyzeCut(normalized: string, tokens: string[], hashes?: Int32Array): LanguageResult;
  /** The words the segmenter adds to jieba's dictionary (userDictionary in segment.ts builds the same one elsewhere). */
  readonly dictionary: readonly string[];
  /** Hashed features of a normalised text (for training; `external`: with the external lexicons' features). */
  features(normalized: string, tokens: readonly string[], external?: ExternalLexicon | null): TextFeatures;
  readonly segmenter: Segmenter;
}

export interface LanguageConfig {
  /** User dictionary words (places, roads, estates, department names). */
  userWords: string[];
  taxonomy: TaxonomyTopic[];
  models: Partial<Record<ModelName, LinearModel>>;
  /** What people taught, text by text: applies at once to the same text and to a corrected post's near-duplicates (learn/memory.ts). */
  memory?: CorrectionMemory | null;
}

/** Least probability for a learned department to be proposed (topics: topic/decide.ts). */
export { TOPIC_MIN_P } from './topic/decide.ts';
export const DEPARTMENT_MIN_P = 0.35;

const LABEL_TEXT: Record<SentimentLabel, string> = {
  negative: t('language.label.negative'),
  neutral: t('language.label.neutral'),
  positive: t('language.label.positive'),
};

const EXTERNAL_REASON = {
  negative: t('language.reason.externalNegative') + '：',
  positive: t('language.reason.externalPositive') + '：',
};

function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/**
 * The lexicon's reading of a text and its appeal cues: whether it is a message to a public body
 * decides how the lexicon reads its polite words (sentiment/score.ts), so training and analysis
 * both read a text through this one function.
 */
export function readLexicon(normalized: string, tokens: readonly string[], infos: readonly (TokenInfo | undefined)[]) {
  const lead = leadTokenCount(normalized, tokens);
  const scan = appealCues(tokens, infos, lead);
  const lex = scoreTokens(tokens, infos, { message: scan.message, lead });
  return { lead, scan, lex };
}

const NOT_POSITIVE = (label: string) => t('signal.reason.complaintNotPositive', { label });
const GRIEVANCE_NEGATIVE = (label: string) => t('signal.reason.complaintNegative', { label });
const PRAISE_POSITIVE = t('signal.reason.praisePositive');
const appealText = (l: AppealLabel) => APPEAL_TEXT[l];

/**
 * A complaint or a request for help is never positive: its good words are thanks and wishes.
 * When the lexicon still leans positive, the message is negative where it names anything wrong,
 * else neutral.
 */
export function grievanceSentiment(lex: LexiconScore, appeal: AppealResult, message: boolean): { label: SentimentLabel; score: number; reasons: string[] } {
  const base = { label: lex.label, score: lex.score, reasons: lex.reasons };
  if (!message || appeal.score === 0) return base;
  // thanks and praise of the body's work are the message itself, not framing
  if (appeal.label === 'praise') {
    if (lex.label !== 'neutral' || appeal.score < 0.6) return base;
    return { label: 'positive', score: Math.max(0.3, lex.score), reasons: [PRAISE_POSITIVE, ...lex.reasons.filter((r) => r !== NO_CUE_REASON)] };
  }
  if (appeal.label !== 'complaint' && appeal.label !== 'help') return base;
  if (lex.label === 'positive') {
    const negative = lex.negative >= 0.5;
    const reasons = [(negative ? GRIEVANCE_NEGATIVE : NOT_POSITIVE)(APPEAL_TEXT[appeal.label]), ...lex.reasons.filter((r) => r !== NO_CUE_REASON)];
    return { label: negative ? 'negative' : 'neutral', score: negative ? -Math.max(0.1, Math.abs(lex.score) / 2) : 0, reasons };
  }
  return base;
}

/** The score a taught sentiment label gets (the label is what a person said, not a measure). */
const SENTIMENT_SCORE: Record<SentimentLabel, number> = { negative: -1, neutral: 0, positive: 1 };

/** The analyzer over an explicit configuration (tests, evaluation, and loadLanguageAnalyzer). */
export function createLanguageAnalyzer(config: LanguageConfig): LanguageAnalyzer {
  const matcher = new TopicMatcher(config.taxonomy);
  const userWords = new Set(config.userWords);
  const dictionary = [...config.userWords, ...matcher.keywords(), ...borrowedWords(config.taxonomy), ...lexiconPhrases(), ...abusePhrases(), ...appealPhrases(), ...emotionPhrases()];
  // loading jieba takes a while: a stream whose posts are cut in another thread never needs it here
  let segmenter: Segmenter | null = null;
  const { sentiment: sModel, topic: tModel, department: dModel, appeal: aModel, emotion: eModel } = config.models;
  const memory = config.memory ?? null;
  const usable = (m: LinearModel | undefined): m is LinearModel => !!m && m.classes.length >= 2;
  const sentimentModel = usable(sModel) && sModel.classes.every((c) => c === 'negative' || c === 'neutral' || c === 'positive') ? sModel : undefined;
  const topicModel = usable(tModel) ? tModel : undefined;
  const departmentModel = usable(dModel) ? dModel : undefined;
  const appealModel = usable(aModel) && aModel.classes.every((c) => (APPEAL_LABELS as readonly string[]).includes(c)) ? aModel : undefined;
  const emotionModel = usable(eModel) && eModel.classes.every((c) => (EMOTION_LABELS as readonly string[]).includes(c)) ? eModel : undefined;
  const needFeatures = !!(sentimentModel || topicModel || departmentModel || appealModel || emotionModel);
  const needTrigrams = [sentimentModel, topicModel, departmentModel, appealModel, emotionModel].some((m) => m?.features.trigrams);
  // Catalogue templates are split once around the probability, so per-post reasons are plain concatenation.
  const modelReason = (key: string, vars: Record<string, string | number>) => {
    const [head, tail] = t(key, { ...vars, p: '\u0000' }).split('\u0000');
    return (p: number) => `${head}${pct(p)}${tail ?? ''}`;
  };
  const sentimentReason = new Map<string, (p: number) => string>(
    sentimentModel ? sentimentModel.classes.map((c) => [c, modelReason('language.reason.model', { count: sentimentModel.examples, label: LABEL_TEXT[c as SentimentLabel] })]) : [],
  );
  const topicReason = topicModel ? modelReason('language.topic.model', { count: topicModel.examples }) : null;
  const departmentReason = departmentModel ? modelReason('language.department.model', { count: departmentModel.examples }) : null;
  const appealReason = new Map<string, (p: number) => string>(
    appealModel ? appealModel.classes.map((c) => [c, modelReason('signal.appeal.model', { count: appealModel.examples, label: APPEAL_TEXT[c as AppealLabel] })]) : [],
  );
  const emotionReason = new Map<string, (p: number) => string>(
    emotionModel ? emotionModel.classes.map((c) => [c, modelReason('signal.emotion.model', { count: emotionModel.examples, label: EMOTION_TEXT[c as EmotionLabel] })]) : [],
  );
  const aBuf = appealModel ? new Float64Array(appealModel.classes.length) : undefined;
  const eBuf = emotionModel ? new Float64Array(emotionModel.classes.length) : undefined;
  const topics = new TopicDecider(config.taxonomy, topicModel, topicReason);
  const sBuf = sentimentModel ? new Float64Array(sentimentModel.classes.length) : undefined;
  const dBuf = departmentModel ? new Float64Array(departmentModel.classes.length) : undefined;

  // training reads every block of dense features (a model uses those its feature set names)
  const features = (normalized: string, tokens: readonly string[], external: ExternalLexicon | null = null) => {
    const view = viewTokens(tokens);
    const { scan, lex } = readLexicon(normalized, tokens, view.infos);
    const appeal = decideAppeal(scan, lex);
    const emotion = scoreEmotion(tokens, view.infos, lex, appeal, scan.message, appealText);
    return extractFeatures(normalized, tokens, view.hashes, lex, true, false, external, { emotion: Float32Array.from(emotion.evidence), appeal: scan });
  };
  // A model trained with the external lexicons gets their features; were the lexicons gone since, those read as zero.
  const external = sentimentModel?.features.externalLexicon || emotionModel?.features.externalLexicon ? externalLexicon() : null;

  const analyzer: LanguageAnalyzer = {
    get segmenter() {
      return (segmenter ??= createSegmenter(dictionary));
    },
    dictionary,
    features,
    analyze(input) {
      const normalized = normalizePost(input);
      return analyzer.analyzeCut(normalized, analyzer.segmenter.cut(normalized));
    },
    analyzeCut(normalized, tokens, hashes) {
      const view = viewTokens(tokens, true, hashes);
      const { scan, lex } = readLexicon(normalized, tokens, view.infos);
      const cued = decideAppeal(scan, lex);
      const emo = scoreEmotion(tokens, view.infos, lex, cued, scan.message, appealText);
      const signal = appealModel || emotionModel ? { emotion: emo.evidence, appeal: scan } : null;
      const f = needFeatures ? extractFeatures(normalized, tokens, view.hashes, lex, needTrigrams, true, external, signal) : null;
      let appeal: LanguageResult['appeal'] = cued;
      if (appealModel && f) {
        const pr = predict(appealModel, f, aBuf);
        appeal = { label: pr.label as AppealLabel, score: Math.round(pr.p * 1000) / 1000, reasons: [appealReason.get(pr.label)!(pr.p), ...(pr.label === cued.label ? cued.reasons : [])] };
      }
      let emotion: LanguageResult['emotion'] = { label: emo.label, score: emo.score, reasons: emo.reasons };
      if (emotionModel && f) {
        const pr = predict(emotionModel, f, eBuf);
        emotion = { label: pr.label as EmotionLabel, score: Math.round(pr.p * 1000) / 1000, reasons: [emotionReason.get(pr.label)!(pr.p), ...(pr.label === emo.label ? emo.reasons : [])] };
      }

      let sentiment: LanguageResult['sentiment'] = grievanceSentiment(lex, cued, scan.message);
      if (sentimentModel && f) {
        const pr = predict(sentimentModel, f, sBuf);
        const get = (c: string) => {
          const k = sentimentModel.classes.indexOf(c);
          return k < 0 ? 0 : pr.probs[k];
        };
        const label = pr.label as SentimentLabel;
        const score = Math.round((get('positive') - get('negative')) * 1000) / 1000;
        const reasons = [sentimentReason.get(label)!(pr.p)];
        if (external && label !== 'neutral') {
          const words = external.strongest(tokens, view.hashes, label === 'negative' ? -1 : 1, 3, markMentions(tokens), (t) => (view.infos[t]?.polarity ?? 0) !== 0);
          if (words.length) reasons.push(EXTERNAL_REASON[label] + words.join('、'));
        }
        for (const r of lex.reasons) if (r !== NO_CUE_REASON) reasons.push(r);
        sentiment = { label, score, reasons };
      }

      const decided = topics.decide(tokens, view.hashes, f, matcher.match(tokens, view.hashes));
      const { topic, reasons: topicReasons, department: topicDepartment } = decided;

      let learnedDepartment: string | null = null;
      let departmentReasons: string[] = [];
      if (departmentModel && f) {
        const pr = predict(departmentModel, f, dBuf);
        if (pr.p >= DEPARTMENT_MIN_P) {
          learnedDepartment = pr.label;
          departmentReasons = [departmentReason!(pr.p)];
        }
      }

      let topicOut = topic;
      let topicReasonsOut = topicReasons;
      const taught = memory?.lookup(normalized);
      if (taught) {
        const l = taught.labels;
        if (l.sentiment) sentiment = { label: l.sentiment, score: SENTIMENT_SCORE[l.sentiment], reasons: [l.reasons.sentiment!] };
        if (l.appeal) appeal = { label: l.appeal, score: 1, reasons: [l.reasons.appeal!] };
        if (l.emotion) emotion = { label: l.emotion, score: 1, reasons: [l.reasons.emotion!] };
        if (l.topic) {
          topicOut = l.topic;
          topicReasonsOut = [l.reasons.topic!];
        }
        if (l.department) {
          learnedDepartment = l.department;
          departmentReasons = [l.reasons.department!];
        }
      }

      return {
        normalized,
        tokens,
        sentiment,
        abuse: detectAbuse(tokens, view.infos),
        appeal,
        emotion,
        topic: topicOut,
        topicReasons: topicReasonsOut,
        topicDepartment,
        learnedDepartment,
        departmentReasons,
        keywords: extractKeywords(tokens, view, userWords),
      };
    },
  };
  return analyzer;
}

/** Reads the workspace's dictionary, taxonomy (or the default one) and learned models. */
export async function loadLanguageConfig(db: Kysely<Database>): Promise<LanguageConfig> {
  const words = await db.selectFrom('dictionary_words').select('word').execute();
  const departments = await db.selectFrom('departments').select(['id', 'code', 'name']).execute();
  const codeOf = new Map(departments.map((d) => [d.id, d.code]));
  const topics = await db.selectFrom('taxonomy_topics').select(['path', 'keywords', 'department_id']).orderBy('path').execute();
  const taxonomy: TaxonomyTopic[] = topics.length
    ? topics.map((r) => ({ path: r.path, keywords: readJson(topicKeywordsJson, r.keywords, []), department: r.department_id ? (codeOf.get(r.department_id) ?? null) : null }))
    : DEFAULT_TAXONOMY.map((d) => ({ path: d.path, keywords: d.keywords, department: null }));
  const loaded = await loadModels(db);
  const models: LanguageConfig['models'] = {};
  for (const [name, lm] of Object.entries(loaded)) if (lm) models[name as ModelName] = lm.model;
  const memory = await loadMemory(db);
  return { userWords: [...words.map((w) => w.word), ...departments.map((d) => d.name)], taxonomy, models, memory };
}

export async function loadLanguageAnalyzer(db: Kysely<Database>): Promise<LanguageAnalyzer> {
  return createLanguageAnalyzer(await loadLanguageConfig(db));
}

const cached = new WeakMap<Kysely<Database>, { revision: string; analyzer: Promise<LanguageAnalyzer> }>();

/**
 * The workspace's analyzer, reloaded only when the dictionary, taxonomy or a model changed
 * (one small settings read per call). Long-running processes use this.
 */
export async function getLanguageAnalyzer(db: Kysely<Database>): Promise<LanguageAnalyzer> {
  const revision = await languageRevision(db);
  const hit = cached.get(db);
  if (hit && hit.revision === revision) return hit.analyzer;
  const analyzer = loadLanguageAnalyzer(db);
  cached.set(db, { revision, analyzer });
  analyzer.catch(() => cached.delete(db));
  return analyzer;
}
