import { z } from 'zod';
import { jsonColumn } from '../db/values.ts';
import { RISK_LEVELS, type RiskLevel } from '../levels.ts';
import { APPEAL_LABELS, EMOTION_LABELS, SENTIMENT_LABELS, type AppealLabel, type EmotionLabel, type SentimentLabel } from './vocabulary.ts';
import { shapeOf } from '../shapes.ts';

/** A post as analysis sees it (the `analyze` contract input, DESIGN §6). */
export interface PostInput {
  id?: string | number;
  title?: string;
  text: string;
  source?: string;
  author?: string;
  url?: string;
  published_at?: string;
  metrics?: { views?: number; replies?: number; likes?: number; reposts?: number };
}

/** (Type aliases, not interfaces: the stored form keeps unknown extra fields, see analysisResultSchema.) */
export type RuleMatch = {
  rule: string;
  /** The watch rule's id (stored rules). */
  ruleId?: number;
  /** Which terms matched, in which field, at which character offsets (and the matched length). */
  hits: { term: string; field: string; offset: number; length?: number }[];
  department?: string | null;
  minLevel?: RiskLevel;
};

/**
 * The result of analysing one post (the `analyze` contract output, DESIGN §6). Every
 * decision carries its reasons, which the console shows to people.
 */
export type AnalysisResult = {
  id?: string | number;
  sentiment: { label: SentimentLabel; score: number; reasons: string[] };
  /** 诉求类型 (always given by analysis since 015; absent in analyses stored before). */
  appeal?: { label: AppealLabel; score: number; reasons: string[] };
  /** 情绪, SMP2020-EWECT's six classes (as appeal). */
  emotion?: { label: EmotionLabel; score: number; reasons: string[] };
  topic: string | null;
  topicReasons: string[];
  /** Department code suggested for routing. */
  department: string | null;
  departmentReasons: string[];
  risk: { level: RiskLevel; score: number; reasons: string[] };
  keywords: string[];
  rules: RuleMatch[];
  /** Event id (stored posts) or cluster key (stream mode). */
  event: number | string | null;
  abuse: { flagged: boolean; reasons: string[] };
};

const reasons = z.array(z.string());

const ruleMatchSchema = shapeOf<RuleMatch>()({
  rule: z.string(),
  ruleId: z.number().optional(),
  hits: z.array(z.looseObject({ term: z.string(), field: z.string(), offset: z.number(), length: z.number().optional() })),
  department: z.string().nullable().optional(),
  minLevel: z.enum(RISK_LEVELS).optional(),
}).loose();

/**
 * An AnalysisResult as stored in `posts.analysis` (analyze/stored.ts writes it) and as the API
 * sends it: the one schema, read through `postAnalysisJson`. The compiler holds its keys to
 * AnalysisResult's (`shapeOf`); unknown extra fields a newer version stored are kept.
 */
export const analysisResultSchema = shapeOf<AnalysisResult>()({
  id: z.union([z.string(), z.number()]).optional(),
  sentiment: z.looseObject({ label: z.enum(SENTIMENT_LABELS), score: z.number(), reasons }),
  appeal: z.looseObject({ label: z.enum(APPEAL_LABELS), score: z.number(), reasons }).optional().describe('诉求类型'),
  emotion: z.looseObject({ label: z.enum(EMOTION_LABELS), score: z.number(), reasons }).optional().describe('情绪'),
  topic: z.string().nullable(),
  topicReasons: reasons,
  department: z.string().nullable().describe('department code suggested for routing'),
  departmentReasons: reasons,
  risk: z.looseObject({ level: z.enum(RISK_LEVELS), score: z.number(), reasons }),
  keywords: z.array(z.string()),
  rules: z.array(ruleMatchSchema),
  event: z.union([z.number(), z.string()]).nullable().describe('event id (stored posts) or cluster key (stream mode)'),
  abuse: z.looseObject({ flagged: z.boolean(), reasons }),
}).loose() satisfies z.ZodType<AnalysisResult>;

export const postAnalysisJson = jsonColumn<AnalysisResult>('posts.analysis', analysisResultSchema);
