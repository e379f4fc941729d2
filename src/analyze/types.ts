import { z } from 'zod';
import { RISK_LEVELS, type RiskLevel } from '../levels.ts';
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

export interface RuleMatch {
  rule: string;
  /** The watch rule's id (stored rules). */
  ruleId?: number;
  /** Which terms matched, in which field, at which character offsets (and the matched length). */
  hits: { term: string; field: string; offset: number; length?: number }[];
  department?: string | null;
  minLevel?: RiskLevel;
}

/**
 * The result of analysing one post (the `analyze` contract output, DESIGN §6). Every
 * decision carries its reasons, which the console shows to people.
 */
export interface AnalysisResult {
  id?: string | number;
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number; reasons: string[] };
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
}

const ruleMatchSchema = shapeOf<RuleMatch>()({
  rule: z.string(),
  ruleId: z.number().optional(),
  hits: z.array(z.object({ term: z.string(), field: z.string(), offset: z.number(), length: z.number().optional() })),
  department: z.string().nullable().optional(),
  minLevel: z.enum(RISK_LEVELS).optional(),
});

/** An analysis result as stored with a post and sent to the console. */
export const analysisResultSchema = shapeOf<AnalysisResult>()({
  id: z.union([z.string(), z.number()]).optional(),
  sentiment: z.object({ label: z.enum(['negative', 'neutral', 'positive']), score: z.number(), reasons: z.array(z.string()) }),
  topic: z.string().nullable(),
  topicReasons: z.array(z.string()),
  department: z.string().nullable().describe('department code suggested for routing'),
  departmentReasons: z.array(z.string()),
  risk: z.object({ level: z.enum(RISK_LEVELS), score: z.number(), reasons: z.array(z.string()) }),
  keywords: z.array(z.string()),
  rules: z.array(ruleMatchSchema),
  event: z.union([z.number(), z.string()]).nullable().describe('event id (stored posts) or cluster key (stream mode)'),
  abuse: z.object({ flagged: z.boolean(), reasons: z.array(z.string()) }),
});
