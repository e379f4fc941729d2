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

/** The learned models (`models.name`). */
export const MODEL_NAMES = ['sentiment', 'topic', 'department'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Where a labelled example came from (`labels.origin`). */
export const LABEL_ORIGINS = ['cli', 'ui', 'api', 'import'] as const;
export type LabelOrigin = (typeof LABEL_ORIGINS)[number];

/** Kinds of the words in the workspace's user dictionary (`dictionary_words.kind`). */
export const WORD_KINDS = ['place', 'road', 'estate', 'department', 'other'] as const;
export type WordKind = (typeof WORD_KINDS)[number];
