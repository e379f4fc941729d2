import type { RiskLevel } from '../levels.ts';

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
