/**
 * The words the analysis stores in columns (posts, labels, models, the user dictionary). Pure
 * data: the schema reads it.
 */

/** 情感倾向, as in `posts.sentiment_label` and `labels.sentiment`. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export function isSentimentLabel(v: unknown): v is SentimentLabel {
  return typeof v === 'string' && (SENTIMENT_LABELS as readonly string[]).includes(v);
}

/** 诉求类型, as 12345 centres file a message: 投诉/举报/反映问题, 求助, 咨询, 建议, 表扬/感谢 (`posts.appeal_label`, `labels.appeal`). */
export const APPEAL_LABELS = ['complaint', 'help', 'inquiry', 'suggestion', 'praise'] as const;
export type AppealLabel = (typeof APPEAL_LABELS)[number];

export function isAppealLabel(v: unknown): v is AppealLabel {
  return typeof v === 'string' && (APPEAL_LABELS as readonly string[]).includes(v);
}

/** 情绪, the six classes of SMP2020-EWECT (`posts.emotion_label`, `labels.emotion`). */
export const EMOTION_LABELS = ['angry', 'sad', 'fear', 'happy', 'surprise', 'neutral'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];

export function isEmotionLabel(v: unknown): v is EmotionLabel {
  return typeof v === 'string' && (EMOTION_LABELS as readonly string[]).includes(v);
}

/** The learned models (`models.name`). */
export const MODEL_NAMES = ['sentiment', 'topic', 'department', 'appeal', 'emotion'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Where a labelled example came from (`labels.origin`). */
export const LABEL_ORIGINS = ['cli', 'ui', 'api', 'import'] as const;
export type LabelOrigin = (typeof LABEL_ORIGINS)[number];

/** Kinds of the words in the workspace's user dictionary (`dictionary_words.kind`). */
export const WORD_KINDS = ['place', 'road', 'estate', 'department', 'other'] as const;
export type WordKind = (typeof WORD_KINDS)[number];

/** 021: what the office did to an event by hand (event_changes.kind). */
export const EVENT_CHANGE_KINDS = ['merge', 'split'] as const;
export type EventChangeKind = (typeof EVENT_CHANGE_KINDS)[number];
