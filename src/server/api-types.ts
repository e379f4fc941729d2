/**
 * The API's answers (and the bodies it takes) as TypeScript types, inferred from the zod schemas
 * the routes declare (`schema.response`, `schema.body`): the same schemas that serialize the
 * answers and write /api/openapi.json. The console imports this module with `import type` only,
 * so no server code reaches its bundle; every import here is type-only too.
 */
import type { mergeEventsInput, splitEventInput } from '../analyze/events/manage.ts';
import type { z } from 'zod';
import type { acknowledgedSchema, alertAttemptSchema, alertRowSchema } from '../alert/alerts.ts';
import type { channelInput, publicChannelSchema } from '../alert/channel-store.ts';
import type { InappEvent } from '../alert/channels/inapp.ts';
import type { alertPreferencesPatch, myPreferencesSchema } from '../alert/preferences.ts';
import type { alertSettingsSchema } from '../alert/settings.ts';
import type { timeSettingsSchema } from '../time/settings.ts';
import type { correctionSchema, labelInput, labelRowSchema } from '../analyze/learn/labels.ts';
import type { modelInfoSchema } from '../analyze/learn/models.ts';
import type { watchPeriodInput, watchPeriodViewSchema } from '../analyze/risk/periods.ts';
import type { sensitiveTermsSchema } from '../analyze/rules/sensitive.ts';
import type { watchRuleInput, watchRuleViewSchema } from '../analyze/rules/store.ts';
import type { expressionCheckSchema, tryRuleResultSchema } from '../analyze/rules/try-rule.ts';
import type { analysisResultSchema } from '../analyze/types.ts';
import type { auditEntrySchema, auditFacetsSchema } from '../audit/describe.ts';
import type { departmentInput, departmentSchema } from '../auth/departments.ts';
import type { publicUserSchema, userInput } from '../auth/users.ts';
import type { caseRowSchema } from '../cases/access.ts';
import type { accountActivitySchema, accountRowSchema, accountSchema } from '../cases/accounts.ts';
import type { attachmentInfoSchema } from '../cases/attachments.ts';
import type { commitmentInput, commitmentSchema } from '../cases/commitments.ts';
import type { caseDetailSchema, ledgerItemSchema, ledgerPageSchema } from '../cases/ledger.ts';
import type { instructionRowSchema, memoDetailSchema, memoInput, memoListItemSchema, memoRowSchema } from '../cases/memos.ts';
import type { checkResultSchema, responseRowSchema } from '../cases/responses.ts';
import type { caseSettingsPatch, caseSettingsSchema } from '../cases/settings.ts';
import type { similarAnswerSchema } from '../cases/similar.ts';
import type { transitionTableSchema } from '../cases/states.ts';
import type { templateListSchema, templateSchema } from '../cases/templates.ts';
import type { verifyResultSchema } from '../cases/verify.ts';
import type { sourceRunResultSchema } from '../collect/collector.ts';
import type { importResultSchema } from '../collect/importer/import.ts';
import type { ingestResultSchema } from '../collect/ingest.ts';
import type { publicSourceSchema, sourceHealthSchema, sourceInput, sourceListItemSchema } from '../collect/manage.ts';
import type { postDetailSchema, postRowSchema } from '../collect/posts.ts';
import type { previewSchema } from '../collect/preview.ts';
import type { detectionSchema } from '../collect/detect.ts';
import type { rsshubRouteSchema } from '../collect/rsshub.ts';
import type { exampleImportSchema, setupChecklistSchema } from '../workspace/setup.ts';
import type { assessmentReportSchema, weightsAnswerSchema } from '../report/assessment.ts';
import type { dashboardSchema } from '../report/dashboard.ts';
import type { namedDateInput, namedDateSchema } from '../report/named-dates.ts';
import type { runResultSchema, scheduleSchema } from '../report/schedules.ts';
import type { countRowSchema } from '../report/stats.ts';
import type { departmentTimelinessSchema } from '../report/timeliness.ts';
import type { applyResultSchema } from '../workspace/workspace.ts';
import type {
  channelKindSchema,
  sourceKindSchema,
  channelTestSchema,
  createdUserSchema,
  eventDetailSchema,
  eventPageSchema,
  eventSchema,
  manualPostAnswerSchema,
  meSchema,
  postAnalysisSchema,
  statisticsSchema,
} from './answers.ts';
import type { ErrorBody } from './responses.ts';

type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;

export type { ErrorBody };

// The session and the organisation
export type Me = Out<typeof meSchema>;
export type Role = Me['role'];
export type Department = Out<typeof departmentSchema>;
export type DepartmentInput = In<typeof departmentInput>;
export type User = Out<typeof publicUserSchema>;
export type UserInput = In<typeof userInput>;
export type CreatedUser = Out<typeof createdUserSchema>;
export type AuditRow = Out<typeof auditEntrySchema>;
export type AuditFacets = Out<typeof auditFacetsSchema>;
export type ResponderAccount = Out<typeof accountSchema>;
export type RegisteredAccount = Out<typeof accountRowSchema>;
export type AccountActivity = Out<typeof accountActivitySchema>;

// Posts, analysis, events
export type AnalysisResult = Out<typeof analysisResultSchema>;
export type RuleMatch = AnalysisResult['rules'][number];
export type PostRow = Out<typeof postRowSchema>;
export type PostDetail = Out<typeof postDetailSchema>;
export type PostAnalysis = Out<typeof postAnalysisSchema>;
export type ManualPostAnswer = Out<typeof manualPostAnswerSchema>;
export type LabelInput = In<typeof labelInput>;
export type Correction = Out<typeof correctionSchema>;
export type LabelRow = Out<typeof labelRowSchema>;
export type ModelInfo = Out<typeof modelInfoSchema>;
export type SensitiveTerms = Out<typeof sensitiveTermsSchema>;
export type EventRow = Out<typeof eventSchema>;
export type EventPage = Out<typeof eventPageSchema>;
export type EventDetail = Out<typeof eventDetailSchema>;
export type EventPost = EventDetail['posts'][number];
export type EventChange = EventDetail['changes'][number];
export type MergeEventsInput = In<typeof mergeEventsInput>;
export type SplitEventInput = In<typeof splitEventInput>;

// Watch rules and periods
export type WatchRule = Out<typeof watchRuleViewSchema>;
export type WatchRuleInput = In<typeof watchRuleInput>;
export type ExpressionCheck = Out<typeof expressionCheckSchema>;
export type RuleTestResult = Out<typeof tryRuleResultSchema>;
export type WatchPeriod = Out<typeof watchPeriodViewSchema>;
export type WatchPeriodInput = In<typeof watchPeriodInput>;

// Sources
export type Source = Out<typeof publicSourceSchema>;
export type SourceListItem = Out<typeof sourceListItemSchema>;
export type SourceInput = In<typeof sourceInput>;
export type SourceHealth = Out<typeof sourceHealthSchema>;
export type SourcePreview = Out<typeof previewSchema>;
export type SourceRunResult = Out<typeof sourceRunResultSchema>;
export type ImportResult = Out<typeof importResultSchema>;
export type IngestResult = Out<typeof ingestResultSchema>;

// The ledger and the case workflow
export type LedgerItem = Out<typeof ledgerItemSchema>;
export type LedgerPage = Out<typeof ledgerPageSchema>;
export type CaseRow = Out<typeof caseRowSchema>;
export type CaseDetail = Out<typeof caseDetailSchema>;
export type CaseCommand = CaseDetail['moves'][number];
export type DepartmentRef = NonNullable<CaseDetail['lead_department']>;
export type CasePost = CaseDetail['posts'][number];
export type CaseEvent = CaseDetail['events'][number];
export type CaseSettings = Out<typeof caseSettingsSchema>;
export type CaseSettingsPatch = In<typeof caseSettingsPatch>;
export type TransitionTable = Out<typeof transitionTableSchema>;
export type VerifyResult = Out<typeof verifyResultSchema>;
/** A response as stored (the case's response list: verification and attachment ids as JSON text). */
export type ResponseRow = Out<typeof responseRowSchema>;
/** A response within the case detail: verification parsed, attachments described. */
export type ResponseItem = CaseDetail['responses'][number];
export type AttachmentInfo = Out<typeof attachmentInfoSchema>;
export type CheckResult = Out<typeof checkResultSchema>;
/** Past cases at hand: answered cases like a post or a case, with their approved reply. */
export type SimilarAnswer = Out<typeof similarAnswerSchema>;
export type SimilarCase = SimilarAnswer['cases'][number];
export type ReplyTemplate = Out<typeof templateSchema>;
export type ReplyTemplates = Out<typeof templateListSchema>;
export type MemoRow = Out<typeof memoRowSchema>;
export type MemoInput = In<typeof memoInput>;
/** A memo within the case detail, with its 批示. */
export type Memo = CaseDetail['memos'][number];
export type MemoListItem = Out<typeof memoListItemSchema>;
export type MemoDetail = Out<typeof memoDetailSchema>;
export type Instruction = Out<typeof instructionRowSchema>;
export type Commitment = Out<typeof commitmentSchema>;
export type CommitmentInput = In<typeof commitmentInput>;

// Alerts and channels
export type AlertRow = Out<typeof alertRowSchema>;
export type AlertAttempt = Out<typeof alertAttemptSchema>;
export type Acknowledged = Out<typeof acknowledgedSchema>;
/** What I receive (GET/PUT /api/alerts/preferences). */
export type MyAlertPreferences = Out<typeof myPreferencesSchema>;
export type AlertPreferencesPatch = In<typeof alertPreferencesPatch>;
/** The workspace time zone (GET/PUT /api/time-settings). */
export type TimeSettings = Out<typeof timeSettingsSchema>;
/** The data of an `alert` event on /api/alerts/stream. */
export type LiveAlert = InappEvent;
export type Channel = Out<typeof publicChannelSchema>;
export type ChannelInput = In<typeof channelInput>;
export type ChannelTest = Out<typeof channelTestSchema>;
export type ChannelKind = Out<typeof channelKindSchema>;
export type SourceKindInfo = Out<typeof sourceKindSchema>;
export type SourceDetection = Out<typeof detectionSchema>;
export type RsshubRoute = Out<typeof rsshubRouteSchema>;
export type SetupChecklist = Out<typeof setupChecklistSchema>;
export type ExampleImport = Out<typeof exampleImportSchema>;
export type AlertSettings = Out<typeof alertSettingsSchema>;

// Reports
export type Dashboard = Out<typeof dashboardSchema>;
export type Statistics = Out<typeof statisticsSchema>;
export type CountRow = Out<typeof countRowSchema>;
export type TimelinessRow = Out<typeof departmentTimelinessSchema>;
export type Assessment = Out<typeof assessmentReportSchema>;
export type DepartmentAssessment = Assessment['departments'][number];
export type CriterionScore = DepartmentAssessment['criteria'][number];
export type AssessmentWeights = Out<typeof weightsAnswerSchema>;
export type Schedule = Out<typeof scheduleSchema>;
export type ScheduleRun = Out<typeof runResultSchema>;
export type NamedDate = Out<typeof namedDateSchema>;
export type NamedDateInput = In<typeof namedDateInput>;

// Configuration as code
export type ApplyResult = Out<typeof applyResultSchema>;
