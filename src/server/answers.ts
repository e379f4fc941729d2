import { eventChangeSchema } from '../analyze/events/manage.ts';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { analysisResultSchema, type AnalysisResult } from '../analyze/types.ts';
import { publicUserSchema, roleSchema } from '../auth/users.ts';
import type { EventTable, PostTable } from '../db/schema.ts';
import { volumeStatsSchema } from '../report/stats.ts';
import { timelinessReportSchema } from '../report/timeliness.ts';
import { shapeOf } from '../shapes.ts';
import { CHANNEL_KIND_NAMES } from '../alert/vocabulary.ts';
import { SOURCE_KIND_NAMES } from '../collect/vocabulary.ts';
import { RISK_LEVELS } from '../levels.ts';
import { APPEAL_LABELS, EMOTION_LABELS, SENTIMENT_LABELS, type AppealLabel, type EmotionLabel } from '../analyze/vocabulary.ts';

/**
 * Answers the route modules put together themselves (the others sit beside the store function that
 * builds them). Kept apart from the routes so that the console's types (`api-types.ts`) reach no
 * Fastify handler code.
 */

/** The logged-in user, the session's CSRF token, and the configuration the console needs. */
export const meSchema = z.object({
  id: z.number(),
  username: z.string(),
  name: z.string(),
  role: roleSchema,
  departmentId: z.number().nullable(),
  mustChangePassword: z.boolean(),
  csrfToken: z.string(),
  config: z.object({ publicUrl: z.string().nullable(), timeZone: z.string().describe('the workspace time zone every time is shown in (IANA name)') }),
});

/** A new user, and the generated password (null when one was given). */
export const createdUserSchema = z.object({ user: publicUserSchema, initialPassword: z.string().nullable() });

/** A channel kind and the fields of its configuration that are secrets. */
export const channelKindSchema = z.object({
  kind: z.enum(CHANNEL_KIND_NAMES),
  secretFields: z.array(z.string()).readonly(),
  schema: z.record(z.string(), z.unknown()).describe("the kind's settings as JSON Schema with zh-CN titles and help (the console's generated form)"),
});

/** A source kind and its settings as JSON Schema for the console's generated form. */
export const sourceKindSchema = z.object({
  kind: z.enum(SOURCE_KIND_NAMES),
  needsUrl: z.boolean(),
  pulled: z.boolean().describe('fetched periodically (feed, html, json)'),
  schema: z.record(z.string(), z.unknown()).describe('config as JSON Schema with zh-CN titles and help'),
});

/** What a test message got back from the service. */
export const channelTestSchema = z.object({
  ok: z.boolean(),
  channel: z.string(),
  kind: z.string(),
  status: z.number().nullable().describe('HTTP status or SMTP reply code'),
  serviceCode: z.union([z.number(), z.string()]).nullable().describe("the service's own result code"),
  answer: z.string().describe("the start of the service's answer"),
  failure: z.string().nullable().describe('auth | signature | keyword | rate_limit | server | network | timeout | blocked | config | rejected'),
  error: z.string().nullable(),
  message: z.string().nullable().describe('zh-CN: what happened, for people (success or failure)'),
});

/** An event (its signature left out) with its department's code and name. */
export const eventSchema = shapeOf<Omit<Selectable<EventTable>, 'signature'> & { department: string | null; department_name: string | null }>()({
  id: z.number(),
  title: z.string(),
  topic: z.string().nullable(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  post_count: z.number(),
  risk_level: z.enum(RISK_LEVELS).nullable(),
  burst: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  department_id: z.number().nullable(),
  burst_reason: z.string().nullable(),
  burst_at: z.string().nullable(),
  merged_into: z.number().nullable().describe('the event this one was merged into by the office'),
  department: z.string().nullable().describe('department code'),
  department_name: z.string().nullable(),
});

export const eventPageSchema = z.object({ total: z.number(), items: z.array(eventSchema) });

/** How many of the posts carry each label, most first. */
export function labelCounts<L extends AppealLabel | EmotionLabel>(labels: readonly (L | null)[]): { label: L; count: number }[] {
  const counts = new Map<L, number>();
  for (const l of labels) if (l) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
}

/** One event with its posts, the number of posts per hour, and its emotion and appeal distributions. */
export const eventDetailSchema = z.object({
  event: eventSchema,
  posts: z.array(
    z.object({
      id: z.number(),
      title: z.string(),
      url: z.string().nullable(),
      author: z.string().nullable(),
      published_at: z.string().nullable(),
      fetched_at: z.string(),
      sentiment_label: z.enum(SENTIMENT_LABELS).nullable(),
      appeal_label: z.enum(APPEAL_LABELS).nullable(),
      emotion_label: z.enum(EMOTION_LABELS).nullable(),
      risk_level: z.string().nullable(),
      risk_score: z.number().nullable(),
      topic: z.string().nullable(),
      department_id: z.number().nullable(),
      views: z.number(),
      replies_count: z.number(),
      likes: z.number(),
      reposts: z.number(),
      source: z.string(),
      at: z.string().describe('published, else fetched'),
    }),
  ),
  timeline: z.array(z.object({ hour: z.string(), count: z.number() })),
  emotions: z.array(z.object({ label: z.enum(EMOTION_LABELS), count: z.number() })).describe("情绪分布 of the event's posts, most first"),
  appeals: z.array(z.object({ label: z.enum(APPEAL_LABELS), count: z.number() })).describe("诉求类型 of the event's posts, most first"),
  changes: z.array(eventChangeSchema).describe('merges and splits by the office, newest first'),
});

/** The statistics of a period: volume (hot issues with at most 50 post ids each) and department timeliness. */
export const statisticsSchema = volumeStatsSchema.extend({ timeliness: timelinessReportSchema });

/** The analysis columns a post's analysis answer carries (`ANALYSIS_COLUMNS` in routes/analysis.ts), the stored result parsed. */
type AnalysisColumns = Pick<Selectable<PostTable>, 'id' | 'department_id' | 'event_id' | 'sentiment_label' | 'sentiment_score' | 'topic' | 'risk_level' | 'risk_score' | 'abuse' | 'analyzed_at'>;

/** A post's analysis columns and the full result with every reason. */
export const postAnalysisSchema = shapeOf<AnalysisColumns & { result: AnalysisResult | null }>()({
  id: z.number(),
  department_id: z.number().nullable(),
  event_id: z.number().nullable(),
  sentiment_label: z.enum(SENTIMENT_LABELS).nullable(),
  sentiment_score: z.number().nullable(),
  topic: z.string().nullable(),
  risk_level: z.enum(RISK_LEVELS).nullable(),
  risk_score: z.number().nullable(),
  abuse: z.number(),
  analyzed_at: z.string().nullable(),
  result: analysisResultSchema.nullable(),
});

/** A post entered by hand: its id; 201 when it is new, 200 when the same post was already stored. */
export const manualPostAnswerSchema = z.object({ id: z.number(), created: z.boolean() });
