import type { Role } from './navigation.ts';

/** Shapes of the API answers the console reads (snake_case as the server sends them). */
export interface Department {
  id: number;
  code: string;
  name: string;
  phone: string | null;
  is_office: number;
  created_at: string;
  updated_at: string;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  department_id: number | null;
  phone: string | null;
  email: string | null;
  active: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

export interface ResponderAccount {
  id: number;
  site: string;
  username: string;
  user_id: number;
  created_at: string;
  user_name: string;
  department_id: number | null;
  department_name: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_name: string;
  via: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
}

export interface LedgerItem {
  id: number;
  number: string;
  title: string;
  state: string;
  state_label: string;
  level: string;
  lead_department_id: number | null;
  lead_department: string | null;
  assisting: { id: number; name: string }[];
  opened_at: string;
  deadline_at: string | null;
  deadline_kind: string | null;
  overdue: boolean;
  emergency: boolean;
  replied_at: string | null;
  closed_at: string | null;
}

export interface DepartmentRef {
  id: number;
  code: string;
  name: string;
  phone: string | null;
  is_office: number;
}

export interface CaseEvent {
  id: number;
  case_id: number;
  at: string;
  actor_id: number | null;
  actor_name: string | null;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  comment: string | null;
  data: unknown;
}

export interface ResponseItem {
  id: number;
  case_id: number;
  kind: string;
  body: string;
  department_id: number | null;
  responder_account_id: number | null;
  status: string;
  url: string | null;
  drafted_by: number | null;
  drafted_at: string;
  reviewer_id: number | null;
  review_comment: string | null;
  approved_at: string | null;
  posted_at: string | null;
  verified_at: string | null;
  verification: unknown;
  attachments: { id: number; filename: string; mime: string; size: number }[];
}

export interface Instruction {
  id: number;
  memo_id: number;
  leader_id: number | null;
  text: string;
  at: string;
  due_at: string | null;
  handled_at: string | null;
}

export interface Memo {
  id: number;
  case_id: number;
  number: string;
  summary: string;
  analysis: string | null;
  suggestion: string | null;
  office_opinion: string | null;
  created_at: string;
  sent_at: string | null;
  instructions: Instruction[];
}

export interface Commitment {
  id: number;
  case_id: number;
  what: string;
  department_id: number | null;
  owner_id: number | null;
  due_at: string;
  status: string;
  done_at: string | null;
  result_url: string | null;
  waived_reason: string | null;
}

export interface CasePost {
  id: number;
  title: string;
  url: string | null;
  author: string | null;
  published_at: string | null;
  risk_level: string | null;
  abuse: number;
  source_name: string;
}

export interface CaseDetail {
  id: number;
  number: string;
  title: string;
  summary: string | null;
  state: string;
  state_label: string;
  level: string;
  lead_department_id: number | null;
  suggested_department_id: number | null;
  opened_at: string;
  opened_by: number | null;
  deadline_at: string | null;
  deadline_kind: string | null;
  overdue: number;
  closed_at: string | null;
  replied_at: string | null;
  emergency: number;
  hard: number;
  press_deadline_at: string | null;
  press_held_at: string | null;
  escalated_to: string | null;
  moves: string[];
  lead_department: DepartmentRef | null;
  suggested_department: DepartmentRef | null;
  suggestion_reasons: string[];
  assisting_departments: DepartmentRef[];
  posts: CasePost[];
  events: CaseEvent[];
  responses: ResponseItem[];
  memos: Memo[];
  commitments: Commitment[];
}

export interface RuleMatch {
  rule: string;
  ruleId?: number;
  hits: { term: string; field: string; offset: number; length?: number }[];
  department?: string | null;
  minLevel?: string;
}

export interface AnalysisResult {
  sentiment: { label: string; score: number; reasons: string[] };
  topic: string | null;
  topicReasons: string[];
  department: string | null;
  departmentReasons: string[];
  risk: { level: string; score: number; reasons: string[] };
  keywords: string[];
  rules: RuleMatch[];
  event: number | string | null;
  abuse: { flagged: boolean; reasons: string[] };
}

export interface PostRow {
  id: number;
  source_id: number;
  source: string;
  url: string | null;
  title: string;
  text: string;
  author: string | null;
  published_at: string | null;
  fetched_at: string;
  views: number;
  replies_count: number;
  likes: number;
  reposts: number;
  event_id: number | null;
  near_duplicate_of: number | null;
  sentiment_label: string | null;
  sentiment_score: number | null;
  topic: string | null;
  department_id: number | null;
  risk_level: string | null;
  risk_score: number | null;
  abuse: number;
  analysis: AnalysisResult | null;
}

export interface PostDetail extends PostRow {
  source_kind: string;
  replies: { id: number; author: string | null; text: string; published_at: string | null; ours: boolean; responder_name: string | null }[];
  metrics_history: { at: string; views: number; replies: number; likes: number; reposts: number }[];
  near_duplicates: { id: number; title: string; url: string | null; source: string; published_at: string | null }[];
}
