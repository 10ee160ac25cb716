// Activity contracts, imported by the workflow as types only (the sandbox never sees Prisma).
import type { CalendarSnapshot, CaseIntake, CaseStatus, Level, LevelDirectory, TriageKind } from '../domain/types';
import type { PendingFact } from './caseMachine';

/** The columns of the Case row that change as the case moves. */
export interface CaseProjection {
  status: CaseStatus;
  level: Level;
  triage: TriageKind;
  assigneeId: string | null;
  assigneeUnitId: string | null;
  dueAt: number | null;
  overdue: boolean;
  breachCount: number;
  reopenCount: number;
  resolution: string | null;
  closedAt: number | null;
  /** Sequence of the last fact included; older projections never overwrite newer ones. */
  version: number;
  /**
   * The case's item on its responsible leader's list (包案, CaseState.leader). Present only once a
   * leader has it: the recorded activity arguments of every other case stay as they were.
   */
  leader?: { personId: string | null; level: string; since: number; tickedOffAt: number | null; note: string | null };
  /**
   * Arrival on site and the hazard path's steps (CaseState.site, CasePolicy.site): present from
   * intake on urgent cases, so the end-of-day sweep (事不过夜) can list those whose hazard is not
   * cleared; absent on every case started before, whose recorded arguments stay as they were.
   */
  site?: { arrivedAt: number | null; steps: string[]; hazardDueAt: number | null; clearedAt: number | null };
}

export interface RecordCaseInput {
  code: string;
  /** Present on the very first record of a case: creates the row. */
  create?: CaseIntake;
  facts: PendingFact[];
  projection: CaseProjection;
  /** The case has ended: these are its last facts. */
  final?: boolean;
  /**
   * The first facts of a continued run, with the run's id: every run before it has closed
   * (continued as new), so the activity starts their archiver (CaseOptions.archiveEarlierRuns).
   */
  archiveRunsBefore?: string;
}

export interface RecordCaseResult {
  /** Outbox ids to deliver now (empty when no webhook is configured). */
  deliver: string[];
}

/**
 * What the local activity returns: its own input as well. A local activity's input is not
 * in the history (only its result, in a marker), and the audit timeline and the strict replay
 * read every recorded fact from the history.
 */
export interface RecordedLocally extends RecordCaseResult {
  recorded: RecordCaseInput;
}

export interface CaseActivities {
  recordCase(input: RecordCaseInput): Promise<RecordCaseResult>;
  /** recordCase, run as a local activity (CaseOptions.recordLocally). */
  recordCaseLocally(input: RecordCaseInput): Promise<RecordedLocally>;
  deliverNotifications(input: { ids: string[] }): Promise<{ delivered: number }>;
  loadCalendar(): Promise<CalendarSnapshot>;
  /**
   * Store the final history of every run of a closed case (fails until the case is closed);
   * with beforeRunId, of the runs before that run only (closed already; the case may go on).
   * Returns what the archive then holds for the case.
   */
  archiveCaseHistory(input: { workflowId: string; beforeRunId?: string }): Promise<{ events: number; runs: number }>;
}

// ───────────────────────── the monthly assessment ─────────────────────────

export interface ComputeSnapshotInput {
  /** 2026-11, 2026-Q4 or 2026. */
  period: string;
  /** Idempotency key: a retried activity returns the snapshot its first attempt published. */
  requestId?: string;
}

export interface ComputeSnapshotResult {
  period: string;
  version: number;
  /** False when `requestId` had already published this snapshot. */
  created: boolean;
  cases: number;
  asOf: string;
}

/** The assessment's activity (activities/assessment.ts), proxied by workflows/assessmentWorkflow.ts. */
export interface AssessmentActivities {
  computeAssessmentSnapshot(input: ComputeSnapshotInput): Promise<ComputeSnapshotResult>;
}

// ───────────────────────── fan-out of administrative changes ─────────────────────────

/** Which open cases a change reaches (workflows/fanOutWorkflow.ts). */
export type FanOutKind = 'DIRECTORY' | 'CALENDAR';

export interface ListFanOutCasesInput {
  kind: FanOutKind;
  /** DIRECTORY: cases these people hold, and every case in the units they belong to now. */
  personIds?: string[];
  /** DIRECTORY: every case whose grid, community, street or district is one of these. */
  unitIds?: string[];
  /** Only cases whose code starts with this (CASE_CODE_PREFIX + '-'): one deployment's cases on a shared database. */
  codePrefix?: string;
  /** The last case code of the previous page (codes ascend); null for the first page. */
  after: string | null;
  limit: number;
}

export interface FanOutTarget {
  code: string;
  /** DIRECTORY: the person at every level of the case's place, read now. */
  directory?: LevelDirectory;
}

export interface FanOutPage {
  cases: FanOutTarget[];
  /** When the page (and its directories) was read, epoch ms. */
  asOf: number;
}

/** The fan-out's activity (activities/fanOut.ts); the calendar comes from CaseActivities.loadCalendar. */
export interface FanOutActivities {
  listFanOutCases(input: ListFanOutCasesInput): Promise<FanOutPage>;
}

// ───────────────────────── retention of residents' personal data ─────────────────────────

export interface AnonymiseExpiredInput {
  /** The instant the run takes as now (epoch ms): the workflow's start, stable across retries. */
  now: number;
}

export interface AnonymiseExpiredResult {
  cutoff: string;
  cases: number;
  archivedRunsRewritten: number;
  payloadsRewritten: number;
  more: boolean;
}

/** The retention activity (activities/retention.ts), proxied by workflows/retentionWorkflow.ts. */
export interface RetentionActivities {
  anonymiseExpiredPersonalData(input: AnonymiseExpiredInput): Promise<AnonymiseExpiredResult>;
}

// ───────────────────────── the end-of-day sweep (事不过夜) ─────────────────────────

export interface RecordEndOfDaySweepInput {
  /** The local date swept (YYYY-MM-DD). */
  date: string;
  /** The day's start and the instant the cases are read at (epoch ms, the workflow's clock). */
  from: number;
  asOf: number;
  /** The workflow run recording it. */
  recordedBy: string | null;
}

export interface RecordEndOfDaySweepResult {
  date: string;
  /** False when the day had already been swept (nothing new written). */
  created: boolean;
  items: number;
  notifications: number;
}

/** The end-of-day activity (activities/endOfDay.ts), proxied by workflows/endOfDayWorkflow.ts. */
export interface EndOfDayActivities {
  recordEndOfDaySweep(input: RecordEndOfDaySweepInput): Promise<RecordEndOfDaySweepResult>;
}
