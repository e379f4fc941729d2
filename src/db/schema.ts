import type { Generated } from 'kysely';
import type { AlertStatus } from '../alert/states.ts';
import type { AlertKind, ChannelAudience, ChannelKindName, RecipientMode } from '../alert/vocabulary.ts';
import type { AppealLabel, EmotionLabel, EventChangeKind, LabelOrigin, ModelName, SentimentLabel, WordKind } from '../analyze/vocabulary.ts';
import type { AuditEntity } from '../audit/vocabulary.ts';
import type { Role } from '../auth/roles.ts';
import type { CommitmentStatus } from '../cases/commitment-states.ts';
import type { ResponseStatus } from '../cases/response-states.ts';
import type { CaseState } from '../cases/states.ts';
import type { AttachmentOwner, CaseDepartmentRole, CaseEventKind, DeadlineKind, EscalationTarget, FeedbackClass, ResponseKind, ResponseOrigin } from '../cases/vocabulary.ts';
import type { PostStanding, PublishedPrecision, SourceKindName, SourceProblem } from '../collect/vocabulary.ts';
import type { RiskLevel } from '../levels.ts';
import type { ReportFormat, ScheduleKind } from '../report/kinds.ts';

/**
 * Row types for every table. Conventions (see values.ts): timestamps are ISO strings,
 * booleans 0/1 integers, JSON columns are text (read with `readJson` and the column's schema).
 * Every state and kind column has the literal union of its vocabulary, defined once in the room
 * that owns it (a `states.ts` with its transition table, or a pure-data `vocabulary.ts`).
 * Later stages add columns through new migrations and extend these interfaces.
 */
export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name: string;
  phone: string | null;
  is_office: number;
  /** 1: the department's cases run the 48-hour clock instead of the same-working-day rule (migration 022). */
  general_hours: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  department_id: number | null;
  phone: string | null;
  email: string | null;
  active: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** 011: one login counter per account, known device or address (src/auth/throttle.ts). */
export interface LoginThrottleTable {
  key: string;
  attempts: number;
  window_start: string;
  locked_until: string | null;
  lockouts: number;
  updated_at: string;
}

export interface SettingTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_id: number | null;
  actor_name: string;
  via: 'api' | 'cli' | 'system';
  action: string;
  entity: AuditEntity;
  entity_id: string | null;
  before: string | null;
  after: string | null;
}

export interface SourceTable {
  id: Generated<number>;
  name: string;
  kind: SourceKindName;
  url: string | null;
  config: string;
  interval_seconds: number;
  weight: number;
  department_id: number | null;
  paused: number;
  push_token_hash: string | null;
  etag: string | null;
  last_modified: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  error_streak: number;
  next_check_at: string | null;
  created_at: string;
  updated_at: string;
  /** When the current error streak began (collection, migration 002). */
  error_since: string | null;
  /** Why the source paused itself, null when paused by hand or running. */
  paused_reason: string | null;
  /** The warnings of the last run that had any (charset trouble, selectors matching nothing), migration 012. */
  last_warning: string | null;
  last_warning_at: string | null;
  /** 高频: checked every 10–59 s (otherwise at least every 60 s), migration 020. */
  high_frequency: Generated<number>;
  /** 016: watched for reference (参考: peer region, same industry): its items go to the office's digest and open no case. */
  reference: Generated<number>;
  /** 028: what the last failed run ran into (collect/problems.ts), null while the source runs well. */
  problem: SourceProblem | null;
}

export interface PostTable {
  id: Generated<number>;
  source_id: number;
  external_id: string | null;
  dedup_key: string;
  url: string | null;
  title: string;
  text: string;
  content_html: string | null;
  author: string | null;
  published_at: string | null;
  fetched_at: string;
  updated_at: string;
  views: number;
  replies_count: number;
  likes: number;
  reposts: number;
  near_duplicate_of: number | null;
  event_id: number | null;
  sentiment_label: SentimentLabel | null;
  sentiment_score: number | null;
  topic: string | null;
  department_id: number | null;
  risk_level: RiskLevel | null;
  risk_score: number | null;
  abuse: number;
  analysis: string | null;
  analyzed_at: string | null;
  /** jieba-segmented title+text, space separated, for full-text search. */
  segmented: string | null;
  /** SimHash (hex) of the normalised text, for near-duplicate links (migration 002). */
  simhash: string | null;
  /** JSON object of collected fields without a column of their own (e.g. dislikes). */
  extra: string | null;
  /** 015: 诉求类型 and 情绪 of the analysis (or of a correction). */
  appeal_label: AppealLabel | null;
  emotion_label: EmotionLabel | null;
  /** 016: how precise published_at is; null (older rows) reads as exact. A 'day' is never counted in an hour. */
  published_precision: PublishedPrecision | null;
  /** 016: why the post neither alerts nor opens a case (ours, reference, history, old); null for an ordinary post. */
  standing: PostStanding | null;
}

export interface PostMetricTable {
  id: Generated<number>;
  post_id: number;
  at: string;
  views: number;
  replies: number;
  likes: number;
  reposts: number;
}

export interface PostReplyTable {
  id: Generated<number>;
  post_id: number;
  external_id: string;
  author: string | null;
  text: string;
  published_at: string | null;
  fetched_at: string;
  responder_account_id: number | null;
}

export interface WatchRuleTable {
  id: Generated<number>;
  name: string;
  expression: string;
  department_id: number | null;
  min_level: RiskLevel;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface WatchPeriodTable {
  id: Generated<number>;
  name: string;
  keywords: string;
  starts_at: string;
  ends_at: string;
  boost: number;
  created_at: string;
  updated_at: string;
}

export interface TaxonomyTopicTable {
  id: Generated<number>;
  path: string;
  name: string;
  parent_path: string | null;
  department_id: number | null;
  keywords: string;
}

export interface EventTable {
  id: Generated<number>;
  title: string;
  signature: string | null;
  topic: string | null;
  first_seen_at: string;
  last_seen_at: string;
  post_count: number;
  risk_level: RiskLevel | null;
  burst: number;
  created_at: string;
  updated_at: string;
  /** 003b: the department the event's posts were routed to (for scoping), and burst state. */
  department_id: number | null;
  burst_reason: string | null;
  burst_at: string | null;
  /** 021: the event this one was merged into by the office (it takes no more posts). */
  merged_into: number | null;
}

/** 021: an event merged or split by the office: who, when, which posts. */
export interface EventChangeTable {
  id: Generated<number>;
  /** The event that was kept (merge) or split. */
  event_id: number;
  kind: EventChangeKind;
  /** The event merged into it (merge), or the new event the posts went to (split). */
  other_event_id: number | null;
  user_id: number | null;
  /** JSON array of the posts that moved. */
  post_ids: string;
  note: string | null;
  at: string;
}

/** 003b: MinHash LSH band keys of an event's seed post, to find candidate events quickly. */
export interface EventKeyTable {
  id: Generated<number>;
  event_id: number;
  key: string;
}

/** 014: a channel limited to some watch rules carries only their alerts (system notices still come). */
export interface ChannelRuleTable {
  channel_id: number;
  rule_id: number;
}

/** 014: a watch rule limited to some sources matches only their posts. */
export interface RuleSourceTable {
  rule_id: number;
  source_id: number;
}

export interface ChannelTable {
  id: Generated<number>;
  name: string;
  kind: ChannelKindName;
  config: string;
  department_id: number | null;
  min_level: RiskLevel;
  quiet_hours: string | null;
  enabled: number;
  failure_streak: number;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
  /** 'department' (normal routing) or 'leaders' (only notices addressed to the leaders). */
  audience: Generated<ChannelAudience>;
  /** The channel is not tried again before this time (backoff after a failure, or a rate limit). */
  retry_at: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  disabled_at: string | null;
}

export interface AlertTable {
  id: Generated<number>;
  idempotency_key: string;
  post_id: number | null;
  event_id: number | null;
  case_id: number | null;
  rule_id: number | null;
  channel_id: number;
  kind: AlertKind;
  level: RiskLevel;
  title: string;
  body: string;
  status: AlertStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  acknowledged_by: number | null;
  acknowledged_at: string | null;
  escalated_at: string | null;
  created_at: string;
  /** The notice key without the channel: all alerts about one matter share it. */
  matter_key: string | null;
  department_id: number | null;
  attachment_id: number | null;
  claim_token: string | null;
  lease_until: string | null;
  /** For alerts folded into a digest: the digest alert's id. */
  digest_id: number | null;
  /** For escalation alerts: the matter key escalated. */
  escalation_of: string | null;
}

/** 016: the people an in-app alert is for, and how (at once, in their digest, held back in a flood). */
export interface AlertRecipientTable {
  alert_id: number;
  user_id: number;
  mode: RecipientMode;
  /** The digest alert that carried it to the person (modes digest and flood). */
  digest_id: number | null;
  created_at: string;
}

/** 016: what a person chose to receive (alert/preferences.ts), JSON. */
export interface AlertPreferenceTable {
  user_id: number;
  value: string;
  updated_at: string;
}

export interface AlertReadTable {
  alert_id: number;
  user_id: number;
  read_at: string;
}

export interface AlertAttemptTable {
  id: Generated<number>;
  alert_id: number;
  at: string;
  ok: number;
  status_code: number | null;
  snippet: string | null;
  error: string | null;
  duration_ms: number | null;
}

export interface CaseTable {
  id: Generated<number>;
  number: string;
  year: number;
  seq: number;
  title: string;
  summary: string | null;
  state: CaseState;
  level: RiskLevel;
  lead_department_id: number | null;
  suggested_department_id: number | null;
  suggestion_reasons: string | null;
  event_id: number | null;
  opened_by: number | null;
  opened_at: string;
  deadline_at: string | null;
  deadline_kind: DeadlineKind | null;
  overdue: number;
  closed_at: string | null;
  updated_at: string;
  /** 005: a 特别重大/重大 emergency runs the 5 h / 24 h clocks. */
  emergency: Generated<number>;
  /** 005: a hard case: replies are approved by a leader. */
  hard: Generated<number>;
  replied_at: string | null;
  press_deadline_at: string | null;
  press_held_at: string | null;
  escalated_to: EscalationTarget | null;
  /** 016: the emergency clocks (5 h / 24 h) are proposed for the office to confirm or set aside. */
  emergency_proposed: Generated<number>;
  /** 017: the reason given for closing while something was still open, and what was (JSON, `closeOpenJson`). */
  close_reason: string | null;
  close_open: string | null;
}

export interface CaseCounterTable {
  year: number;
  last_seq: number;
}

export interface CasePostTable {
  case_id: number;
  post_id: number;
}

export interface CaseDepartmentTable {
  case_id: number;
  department_id: number;
  role: CaseDepartmentRole;
}

export interface CaseEventTable {
  id: Generated<number>;
  case_id: number;
  at: string;
  actor_id: number | null;
  kind: CaseEventKind;
  from_state: CaseState | null;
  to_state: CaseState | null;
  comment: string | null;
  data: string | null;
}

export interface ResponseTable {
  id: Generated<number>;
  case_id: number;
  /** reply | firm | statement; the column defaults to 'reply'. */
  kind: Generated<ResponseKind>;
  body: string;
  department_id: number | null;
  responder_account_id: number | null;
  status: ResponseStatus;
  url: string | null;
  drafted_by: number | null;
  drafted_at: string;
  reviewer_id: number | null;
  review_comment: string | null;
  approved_at: string | null;
  posted_at: string | null;
  verified_at: string | null;
  verification: string | null;
  attachments: string;
  updated_at: string;
  /** 017: recorded in Minsheng, or a registered account's reply collection found (column default 'recorded'). */
  origin: Generated<ResponseOrigin>;
}

export interface MemoTable {
  id: Generated<number>;
  case_id: number;
  number: string;
  summary: string;
  analysis: string | null;
  suggestion: string | null;
  office_opinion: string | null;
  created_by: number | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string | null;
  /** 017: 期号 (the memo's number within its year), 承办科室, 办理时限, 签发. */
  issue_year: number | null;
  issue_no: number | null;
  department_id: number | null;
  due_at: string | null;
  signed_by: number | null;
  signed_at: string | null;
}

/** 017: the last 期号 issued per year to memos. */
export interface MemoCounterTable {
  year: number;
  last_seq: number;
}

/** 017: what people said back after our reply: one 跟帖 (item_key r:<reply id>) or later post (p:<post id>) of a case. */
export interface CaseFeedbackTable {
  id: Generated<number>;
  case_id: number;
  item_key: string;
  post_id: number;
  post_reply_id: number | null;
  at: string;
  author: string | null;
  excerpt: string;
  class: FeedbackClass;
  sentiment: SentimentLabel | null;
  abuse: number;
  /** JSON list of the cues that decided the class. */
  cues: string;
  created_at: string;
}

export interface InstructionTable {
  id: Generated<number>;
  memo_id: number;
  leader_id: number | null;
  text: string;
  at: string;
  due_at: string | null;
  handled_at: string | null;
}

export interface CommitmentTable {
  id: Generated<number>;
  case_id: number;
  what: string;
  department_id: number | null;
  owner_id: number | null;
  due_at: string;
  status: CommitmentStatus;
  done_at: string | null;
  result_url: string | null;
  created_at: string;
  updated_at: string;
  waived_reason: string | null;
  waived_by: number | null;
}

export interface ResponderAccountTable {
  id: Generated<number>;
  user_id: number;
  site: string;
  username: string;
  created_at: string;
}

export interface LabelTable {
  id: Generated<number>;
  post_id: number | null;
  text: string;
  sentiment: SentimentLabel | null;
  topic: string | null;
  department: string | null;
  /** 015: appeal type and emotion labels; the text's fingerprint and SimHash (analyze/learn/memory.ts). */
  appeal: AppealLabel | null;
  emotion: EmotionLabel | null;
  fingerprint: string | null;
  simhash: string | null;
  origin: LabelOrigin;
  created_by: number | null;
  created_at: string;
}

export interface ReplyTemplateTable {
  id: Generated<number>;
  name: string;
  kind: ResponseKind;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface ModelTable {
  name: ModelName;
  version: number;
  data: string;
  examples: number;
  trained_at: string;
}

export interface AttachmentTable {
  id: Generated<number>;
  owner_type: AttachmentOwner;
  owner_id: number;
  filename: string;
  mime: string;
  size: number;
  data: Buffer;
  created_by: number | null;
  created_at: string;
}

export interface ReportScheduleTable {
  id: Generated<number>;
  name: string;
  kind: ScheduleKind;
  format: ReportFormat;
  cron: string;
  department_id: number | null;
  level: RiskLevel;
  enabled: number;
  next_run_at: string | null;
  last_run_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReportRunTable {
  id: Generated<number>;
  schedule_id: number;
  period: string;
  attachment_id: number | null;
  alert_ids: string;
  created_at: string;
}

export interface NamedDateTable {
  id: Generated<number>;
  name: string;
  starts_on: string;
  ends_on: string;
  yearly: number;
  note: string | null;
  created_at: string;
  updated_at: string;
}

/** 003: the workspace's user dictionary for segmentation. */
export interface DictionaryWordTable {
  id: Generated<number>;
  word: string;
  /** place | road | estate | department | other */
  kind: WordKind;
  created_at: string;
}

/** 010: posts per Beijing day, department (0: none) and sentiment ('': none), kept by triggers. */
export interface PostDailyTable {
  day: string;
  department_key: number;
  sentiment: SentimentLabel | '';
  posts: number;
}

/** 010: PostgreSQL's appended changes to post_daily, folded in by the report.rollup task. */
export interface PostDailyDeltaTable {
  day: string;
  department_key: number;
  sentiment: SentimentLabel | '';
  n: number;
}

/** 027: the weighted words of an answered case (cases/similar.ts): an inverted index by token hash. */
export interface CaseTermTable {
  term: number;
  case_id: number;
  weight: number;
}

/** 027: when a case's words were indexed, and how many. */
export interface CaseTermIndexTable {
  case_id: number;
  indexed_at: string;
  terms: number;
}

export interface Database {
  departments: DepartmentTable;
  users: UserTable;
  sessions: SessionTable;
  login_throttle: LoginThrottleTable;
  settings: SettingTable;
  audit_log: AuditLogTable;
  sources: SourceTable;
  posts: PostTable;
  post_metrics: PostMetricTable;
  post_replies: PostReplyTable;
  watch_rules: WatchRuleTable;
  rule_sources: RuleSourceTable;
  watch_periods: WatchPeriodTable;
  taxonomy_topics: TaxonomyTopicTable;
  events: EventTable;
  channels: ChannelTable;
  channel_rules: ChannelRuleTable;
  alerts: AlertTable;
  alert_attempts: AlertAttemptTable;
  alert_reads: AlertReadTable;
  alert_recipients: AlertRecipientTable;
  alert_preferences: AlertPreferenceTable;
  cases: CaseTable;
  case_counters: CaseCounterTable;
  case_posts: CasePostTable;
  case_departments: CaseDepartmentTable;
  case_events: CaseEventTable;
  responses: ResponseTable;
  memos: MemoTable;
  memo_counters: MemoCounterTable;
  case_feedback: CaseFeedbackTable;
  instructions: InstructionTable;
  commitments: CommitmentTable;
  responder_accounts: ResponderAccountTable;
  labels: LabelTable;
  reply_templates: ReplyTemplateTable;
  models: ModelTable;
  dictionary_words: DictionaryWordTable;
  attachments: AttachmentTable;
  event_keys: EventKeyTable;
  event_changes: EventChangeTable;
  report_schedules: ReportScheduleTable;
  report_runs: ReportRunTable;
  named_dates: NamedDateTable;
  post_daily: PostDailyTable;
  post_daily_delta: PostDailyDeltaTable;
  case_terms: CaseTermTable;
  case_term_index: CaseTermIndexTable;
}
