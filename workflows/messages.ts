// Every message the case workflow understands, defined once and imported by
// both the workflow and the API. Wire names are stable strings: renaming one
// breaks running cases, so never change a name, only add new ones.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Actor,
  Breach,
  CaseIntake,
  CasePolicy,
  CaseStatus,
  CalendarSnapshot,
  DepartmentCall,
  EvidenceKind,
  ExtensionRequest,
  LevelDirectory,
  Assignment,
  OpenWindow,
  Satisfaction,
  SurveyAnswer,
  TriageKind,
  Level,
} from '../domain/types';
import type { CaseAction } from '../domain/actionRules';
import type { LeaderItem } from '../domain/leaderList';
import type { EvidenceRef, SiteProgress, SiteStep } from '../domain/siteSteps';
import type { Urge } from '../domain/supervision';
import type { DeliberationRecord, DeliberationStep, DeliberationStepContent } from '../domain/deliberation';
import type { PausableKind, Pause, PauseReasonKind } from '../domain/pause';

/** Workflow type name; also the prefix-free id helpers live in domain/caseCode. */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** Input of a case workflow. `carried` is set only by continue-as-new. */
export interface CaseWorkflowInput {
  intake: CaseIntake;
  policy: CasePolicy;
  calendar: CalendarSnapshot;
  directory: LevelDirectory;
  /** Department id → the officer who receives its calls (resolved at intake). */
  departmentOfficers: Record<string, Assignment>;
  /** Frozen at intake so replays never depend on today's configuration. */
  options: CaseOptions;
  carried?: CarriedState;
}

/**
 * How this case runs, fixed when it starts and carried through continue-as-new. New
 * behaviour that changes the workflow's commands is switched on here for new cases only,
 * so the histories of cases started before it still replay (docs/VERSIONING.md): an input
 * flag costs nothing at run time, where a patch marker costs a visibility write per run.
 */
export interface CaseOptions {
  /** Keep the Temporal search attributes (workflows/searchAttributes) current. */
  searchAttributes: boolean;
  /**
   * Facts are recorded by the local activity `recordCaseLocally` inside the workflow task
   * that produced them, instead of by the `recordCase` activity (one task round trip less per
   * step). Set only on cases started while it was the default: its write happens before the
   * task is committed, so a worker killed in between leaves facts of a task Temporal never
   * saw (docs/VERSIONING.md). New cases and cases started before it record by `recordCase`.
   */
  recordLocally?: boolean;
  /** The starter already set all six search attributes to the initial state: skip the first upsert. */
  startAttributesSet?: boolean;
  /**
   * Each run after a continue-as-new has the runs before it archived as soon as it records
   * its first facts (RecordCaseInput.archiveRunsBefore), so a case parked for longer than
   * Temporal's retention keeps its early runs. Absent on cases started before it existed
   * (their recorded activity arguments must replay unchanged).
   */
  archiveEarlierRuns?: boolean;
  /**
   * The last fact of each step carries the windows in force after it (PendingFact.windowsAfter),
   * so the audit timeline reads deadlines from the record instead of re-deriving the machine's
   * window rules. Absent on cases started before it existed (their recorded activity arguments
   * must replay unchanged, and the timeline derives their deadlines as before).
   */
  recordWindows?: boolean;
}

/** The state that survives continue-as-new. */
export interface CarriedState {
  state: CaseState;
  seq: number;
  runs: number;
}

/** The live state of a case, as the getCaseState query returns it. */
export interface CaseState {
  code: string;
  status: CaseStatus;
  level: Level;
  assignee: Assignment;
  triage: TriageKind;
  /** How the case ended, once closed: RESOLVED, GUIDANCE, or null while open. */
  resolution: string | null;
  windows: OpenWindow[];
  breaches: Breach[];
  calls: DepartmentCall[];
  extensions: ExtensionRequest[];
  /** The completion deadline in force (moves with approved extensions). */
  completionDueAt: number | null;
  result: { summary: string; by: string; at: number } | null;
  survey: SurveyAnswer | null;
  reopenCount: number;
  onLeaderList: boolean;
  longTermPlan: { explanation: string; since: number; nextReviewAt: number; everyDays: number | null } | null;
  lastEventSeq: number;
  updatedAt: number;
  /** The case's item on its responsible leader's list (包案); absent until a leader has it (and on cases started before the lists). */
  leader?: LeaderItem;
  /** Urges (催办) by the command center; absent until the first (and on cases started before supervision). */
  urges?: Urge[];
  /**
   * Arrival on site and the hazard path's steps (CasePolicy.site): from intake on urgent cases,
   * from the first arrival on others; absent on cases started before it.
   */
  site?: SiteProgress;
  /** Clock pauses asked on the case (CasePolicy.pause); absent until the first request (and on cases started before it). */
  pauses?: Pause[];
  /** The five-step deliberation (五步议事, CasePolicy.deliberation); absent until its first step. */
  deliberation?: DeliberationRecord;
  /** The last send-down (派单) by the command center; absent until one (and on cases that never had one). */
  sentDown?: SentDown;
}

/** The command center sent the case down to a unit of its place (派单): the unit's receipt counts from `at`. */
export interface SentDown {
  at: number;
  from: Level;
  to: Level;
  unitId: string;
  reason: string;
  by: string;
}

// ---- queries -------------------------------------------------------------
/**
 * What getCaseState answers: the live state and the case's own ladder (CasePolicy.ladder, frozen
 * at intake: without the community where the grid had none), which the state does not carry.
 * Absent from workers before it: readers fall back to the configured ladder.
 */
export type CaseLiveState = CaseState & { ladder?: Level[] };
export const getCaseStateQuery = defineQuery<CaseLiveState>('getCaseState');

/** Why an action is refused now: the failure its update's validator would throw. */
export interface ActionRefusal {
  /** FORBIDDEN_ERROR, CONFLICT_ERROR or BAD_INPUT_ERROR. */
  type: string;
  message: string;
  /** The failure's structured details ({ field, message } for BadInput). */
  details?: unknown[];
}

/** May the actor take one action now, on the live state (getAllowedActions). */
export interface ActionVerdict {
  action: CaseAction;
  allowed: boolean;
  /** The call or extension request the action would name (its path's :callId / :requestId), chosen from the state. */
  target?: { callId?: string; requestId?: string; urgeId?: string; pauseId?: string };
  refusal?: ActionRefusal;
}

/**
 * Every case action, each probed with its update's validator for this actor on the live
 * state. A query, not an update: it only reads (validators change nothing), and a new query
 * name is safe for running cases (docs/VERSIONING.md).
 */
export const getAllowedActionsQuery = defineQuery<ActionVerdict[], [Actor]>('getAllowedActions');

// ---- updates (a human acts; the validator rejects what is not allowed now) ---
export interface ActionBase {
  actor: Actor;
}

export interface AcceptCaseInput extends ActionBase {
  note?: string;
}

/** First response: how the holder will handle the case (三事分流 decided here). */
export type ResponseDecision = 'SELF' | 'COMMUNITY' | 'GUIDANCE';
export interface RespondCaseInput extends ActionBase {
  decision: ResponseDecision;
  note?: string;
  /** GUIDANCE (private matter): the explanation sent to the reporter. */
  guidance?: string;
  /**
   * Re-triage (cases with CasePolicy.triage): the kind the holder corrects the case to, when the
   * response does not fit the kind it came with (a "private" matter that needs handling, …).
   */
  triage?: TriageKind;
  /** Why the kind is corrected: required with `triage`. */
  triageReason?: string;
}

export interface WhistleInput extends ActionBase {
  reason: string;
}

export interface CallDepartmentsInput extends ActionBase {
  calls: Array<{ departmentId: string; reportBy: number; place: string; instructions?: string }>;
}

export interface ReportArrivalInput extends ActionBase {
  callId: string;
  /** Photos or recordings of the arrival (cases with CasePolicy.site). */
  evidence?: EvidenceRef[];
}

/** A step on site: the holder's arrival, or a hazard step (a department names its call). */
export interface SiteStepInput extends ActionBase {
  step: SiteStep;
  callId?: string;
  note?: string;
  evidence?: EvidenceRef[];
}

/** One step of the five-step deliberation (五步议事), with what that step records. */
export interface DeliberationStepInput extends ActionBase, DeliberationStepContent {
  step: DeliberationStep;
}

export interface UploadEvidenceInput extends ActionBase {
  callId?: string;
  kind: EvidenceKind;
  url: string;
  sha256: string;
  /** The hash of the bytes as received, when the stored ones differ (an image stripped of its metadata). */
  receivedSha256?: string;
}

export interface SubmitResultInput extends ActionBase {
  callId?: string;
  summary: string;
}

export interface ReviewCaseInput extends ActionBase {
  decision: 'CLOSE' | 'RETURN';
  reason: string;
}

export interface PlanLongTermInput extends ActionBase {
  explanation: string;
  reviewEveryDays?: number;
}

export interface RequestExtensionInput extends ActionBase {
  days: number;
  reason: string;
}

export interface DecideExtensionInput extends ActionBase {
  requestId: string;
  approve: boolean;
  reason: string;
}

export interface RecordSurveyInput extends ActionBase {
  satisfaction: Satisfaction;
  solved: boolean;
  comment?: string;
  channel: 'PHONE' | 'SMS' | 'APP' | 'LINK';
}

export interface ResumePlanInput extends ActionBase {
  note: string;
}

/** The responsible leader ticks the resolved case off the list (对单销号). */
export interface TickOffInput extends ActionBase {
  note: string;
}

/** The command center urges a unit (催办): the unit holding the case (default) or a called department. */
export interface UrgeInput extends ActionBase {
  /** The unit to urge; absent: the unit holding the case. */
  unitId?: string;
  reason: string;
  /** Reply deadline in working hours; absent: the policy's default. */
  replyWithinWorkingHours?: number;
}

/** The command center sends a case it holds down to a unit of the case's place (派单/转办). */
export interface SendDownInput extends ActionBase {
  /** STREET, COMMUNITY or GRID. */
  level: Level;
  /** The unit at that level; absent: the case's own (the only one accepted: no 划转 to another place yet). */
  unitId?: string;
  reason: string;
}

/** The urged unit replies; a department names its call (the access rules need it). */
export interface ReplyUrgeInput extends ActionBase {
  urgeId: string;
  reply: string;
  callId?: string;
}

/** The holder asks to pause a running window's clock (domain/pause). */
export interface RequestPauseInput extends ActionBase {
  /** The window to pause; absent: the first running of the policy's pausable kinds (completion, response, on-site). */
  windowKind?: PausableKind;
  reasonKind: PauseReasonKind;
  reason: string;
  /** Planned end (epoch ms): the pause ends by itself then; absent: until the holder resumes. */
  until?: number;
}

/** The level above decides a pause request. */
export interface DecidePauseInput extends ActionBase {
  pauseId: string;
  approve: boolean;
  reason: string;
}

/** The holder ends the running pause: the window's clock runs again. */
export interface EndPauseInput extends ActionBase {
  pauseId: string;
  note?: string;
}

export const acceptCaseUpdate = defineUpdate<CaseState, [AcceptCaseInput]>('acceptCase');
export const respondCaseUpdate = defineUpdate<CaseState, [RespondCaseInput]>('respondCase');
export const whistleUpdate = defineUpdate<CaseState, [WhistleInput]>('whistle');
export const callDepartmentsUpdate = defineUpdate<CaseState, [CallDepartmentsInput]>('callDepartments');
export const reportArrivalUpdate = defineUpdate<CaseState, [ReportArrivalInput]>('reportArrival');
export const uploadEvidenceUpdate = defineUpdate<CaseState, [UploadEvidenceInput]>('uploadEvidence');
export const submitResultUpdate = defineUpdate<CaseState, [SubmitResultInput]>('submitResult');
export const reviewCaseUpdate = defineUpdate<CaseState, [ReviewCaseInput]>('reviewCase');
export const planLongTermUpdate = defineUpdate<CaseState, [PlanLongTermInput]>('planLongTerm');
export const resumePlanUpdate = defineUpdate<CaseState, [ResumePlanInput]>('resumePlan');
export const requestExtensionUpdate = defineUpdate<CaseState, [RequestExtensionInput]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<CaseState, [DecideExtensionInput]>('decideExtension');
export const recordSurveyUpdate = defineUpdate<CaseState, [RecordSurveyInput]>('recordSurvey');
export const tickOffLeaderCaseUpdate = defineUpdate<CaseState, [TickOffInput]>('tickOffLeaderCase');
export const urgeUnitUpdate = defineUpdate<CaseState, [UrgeInput]>('urgeUnit');
export const replyToUrgeUpdate = defineUpdate<CaseState, [ReplyUrgeInput]>('replyToUrge');
export const recordSiteStepUpdate = defineUpdate<CaseState, [SiteStepInput]>('recordSiteStep');
/** A new update (no old history calls it): replay-safe without a policy switch (docs/VERSIONING.md). */
export const sendDownUpdate = defineUpdate<CaseState, [SendDownInput]>('sendDown');
export const recordDeliberationStepUpdate = defineUpdate<CaseState, [DeliberationStepInput]>('recordDeliberationStep');
export const requestPauseUpdate = defineUpdate<CaseState, [RequestPauseInput]>('requestPause');
export const decidePauseUpdate = defineUpdate<CaseState, [DecidePauseInput]>('decidePause');
export const endPauseUpdate = defineUpdate<CaseState, [EndPauseInput]>('endPause');

// ---- signals ---------------------------------------------------------------
/**
 * The organisation directory changed (e.g. a grid worker left): new holders per level.
 * Levels left out keep their holder. The optional fields came with reassignment (the case
 * records a REASSIGNED fact per level whose person changed, and the holder follows): which
 * administrative change it was, why, and when the directory was read, so that an older change
 * arriving late never undoes a newer one.
 */
export interface DirectoryChangedPayload {
  directory: LevelDirectory;
  changeId?: string;
  reason?: string;
  /** When the directory was read (epoch ms); a change read before the last one applied is ignored. */
  asOf?: number;
}
export const directoryChangedSignal = defineSignal<[DirectoryChangedPayload]>('directoryChanged');

/**
 * The working calendar changed (a year's schedule imported or edited): the case re-plans its
 * open working-time windows on it (domain/replan.ts) and keeps it for new windows.
 */
export interface CalendarChangedPayload {
  calendar: CalendarSnapshot;
  changeId: string;
  /** When the calendar was read (epoch ms); a calendar read before the one in force is ignored. */
  asOf: number;
}
export const calendarChangedSignal = defineSignal<[CalendarChangedPayload]>('calendarChanged');

/** Error type names thrown by validators; the API maps them to HTTP statuses. */
export const FORBIDDEN_ERROR = 'Forbidden'; // 403: this actor may not do this
export const CONFLICT_ERROR = 'InvalidTransition'; // 409: not allowed in the current state
export const BAD_INPUT_ERROR = 'BadInput'; // 400: the payload makes no sense for this case
