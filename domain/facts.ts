// Every fact the case machine records, declared once: type → the shape of its data,
// exactly as workflows/caseMachine writes it (same keys; the key order is the machine's
// object literals, which this file does not touch). The machine records through these
// types and every reader switches over `CaseFact`, so renaming a data field or adding a
// fact type fails to compile where it is read instead of silently skewing a figure.
// Plain types and constants only: bundled into the workflow sandbox.
import type {
  CaseEventRecord,
  Channel,
  EvidenceKind,
  Level,
  Satisfaction,
  TriageKind,
  UnreachablePolicy,
  WindowKind,
} from './types';
import type { EvidenceRef, SiteStep } from './siteSteps';
import type { DeliberationForum, DeliberationParticipant, DeliberationStep, DeliberationVerdict, DeliberationVotes } from './deliberation';
import type { PausableKind, PauseEndCause, PauseReasonKind } from './pause';

/**
 * Whether an action that closed a window came in time; both null when no such window was open.
 * `pausedMinutes` (cases with CasePolicy.pause, only when the window was paused): the paused time
 * already moved into `windowDueAt`, on the window's clock — the verdict excludes it.
 */
export type Timing = { windowDueAt: number | null; onTime: boolean | null; pausedMinutes?: number };

/** What a lapsed window records (a BREACHED fact). */
export type BreachData = {
  windowId: string;
  kind: WindowKind;
  dueAt: number;
  /** Level the lapse moved the case (or the extension approval) to; null at the top. */
  escalatedTo: Level | null;
  lateMs: number;
  /** Only on a lapsed EXTENSION_DECISION window: the request it was for. */
  requestId?: string;
  /** Only on a lapsed PAUSE_DECISION window: the pause request it was for. */
  pauseId?: string;
  /** Only on cases paced by policy.pacing: what the lapse did (domain/pacing LapseMove). */
  move?: 'CLIMB' | 'TOP' | 'HOLD' | 'SUPERVISE';
  /** With move HOLD or SUPERVISE: the level told to re-dispatch or supervise (督办). */
  handledBy?: Level;
};

/** The holder corrected the case's kind of matter in its first response (CasePolicy.triage). */
export interface Retriage {
  from: TriageKind;
  to: TriageKind;
  reason: string;
}

/** Why a case moved up the ladder. */
export type EscalationCause = 'BREACH' | 'WHISTLE' | 'REOPEN_LIMIT';

/** The data of each fact type. */
export type FactDataMap = {
  REPORTED: {
    channel: Channel;
    categoryCode: string;
    triage: TriageKind;
    urgent: boolean;
    assigneeId: string | null;
    windows: Array<{ kind: WindowKind; dueAt: number }>;
  };
  ACCEPTED: { note: string | null } & Timing;
  /** A private matter answered at the first response (the case closes next). */
  GUIDANCE_GIVEN: { guidance: string; note: string | null; retriage?: Retriage } & Timing;
  /** The first response: by the holder's decision, or by calling departments (no note, no assignee). */
  RESPONDED:
    | ({ decision: 'SELF' | 'COMMUNITY'; note: string | null; assigneeId: string | null; completionDueAt: number | null; retriage?: Retriage } & Timing)
    | ({ decision: 'DEPARTMENTS'; completionDueAt: number | null } & Timing);
  REMINDED: { windowId: string; kind: WindowKind; remindAt: number; dueAt: number };
  BREACHED: BreachData;
  /** deferredUntil (paced cases): a lapse outside office hours reached a leader, whose page waits for this office time. */
  ESCALATED: { from: Level; to: Level; cause: EscalationCause; reason: string; assigneeId: string | null; deferredUntil?: number };
  LEADER_LISTED: { reason: string; deferredUntil?: number };
  /** fastTrack: called at intake by a big matter's route (政府快办, CasePolicy.triage), not by a person. */
  DEPARTMENT_CALLED: { callId: string; departmentId: string; reportBy: number; place: string; instructions: string | null; fastTrack?: true };
  /**
   * A called department reported on site (报到). Only on cases with CasePolicy.site: `evidence`
   * (when given) and `onSite`, the urgent on-site window the report met (absent when none was open).
   */
  DEPARTMENT_REPORTED: { callId: string; late: boolean; reportBy: number; evidence?: EvidenceRef[]; onSite?: Timing };
  /** receivedSha256: the bytes as the reporter's device sent them, kept beside the stored (stripped) ones; absent before it was recorded. */
  EVIDENCE_UPLOADED: { callId: string | null; kind: EvidenceKind; url: string; sha256: string; receivedSha256?: string };
  DEPARTMENT_RESULT: { callId: string; summary: string };
  RESULT_SUBMITTED: { summary: string };
  REVIEW_REQUESTED: { handlerUnitId: string; handlerLevel: Level } & Timing;
  REVIEWED_CLOSED: { reason: string };
  REVIEW_RETURNED: { reason: string };
  CLOSED: {
    resolution: 'RESOLVED' | 'GUIDANCE';
    handlerUnitId: string;
    handlerLevel: Level;
    completionDueAt: number | null;
    surveyDueAt: number | null;
  };
  LONG_TERM_PLANNED: { explanation: string; nextReviewAt: number };
  PLAN_REVIEW_DUE: { nextReviewAt: number };
  PLAN_RESUMED: { note: string; completionDueAt: number | null };
  EXTENSION_REQUESTED: { requestId: string; days: number; reason: string; approverLevel: Level };
  EXTENSION_APPROVED: ExtensionDecisionData;
  EXTENSION_REJECTED: ExtensionDecisionData;
  /** The approver let the decision window lapse: the request climbs to the next level. */
  EXTENSION_ESCALATED: { requestId: string; approverLevel: Level };
  SURVEY_RECORDED: { satisfaction: Satisfaction; solved: boolean; comment: string | null; channel: 'PHONE' | 'SMS' | 'APP' | 'LINK' };
  SURVEY_UNREACHABLE: { policy: UnreachablePolicy };
  REOPENED: { reopenCount: number; completionDueAt: number | null };
  /**
   * The directory changed the person at `level` of this case's place (a person deactivated or
   * moved, a unit's post given to someone else). `holder`: the level is the one holding the
   * case, so the case itself moved to `toPersonId` (who was notified).
   */
  REASSIGNED: {
    level: Level;
    fromPersonId: string | null;
    toPersonId: string | null;
    toPersonName: string | null;
    holder: boolean;
    reason: string | null;
    changeId: string | null;
  };
  /** A new working calendar (a year's schedule imported or changed) moved open windows' due times. */
  /**
   * The case reached a leader level (or the leaders' list): `leaderId` is now its responsible
   * leader (包案), from the directory; `previousLeaderId` had it before (null: nobody).
   */
  LEADER_ASSIGNED: { leaderId: string | null; leaderName: string | null; leaderLevel: Level; previousLeaderId: string | null; reason: string };
  /** The responsible leader ticked the resolved case off the list (对单销号). */
  LEADER_TICKED_OFF: { leaderId: string; note: string };
  /** The command center urged a unit (催办); `level` null: a called department (`callId`). */
  URGED: { urgeId: string; unitId: string; level: Level | null; callId: string | null; ground: 'OVERDUE' | 'AT_RISK'; reason: string; replyDueAt: number; noticeAt: number };
  /** The urged unit replied; late: after the reply deadline. */
  URGE_REPLIED: { urgeId: string; unitId: string; reply: string; late: boolean };
  /** An urge left unanswered became a formal notice (通报) against the unit. */
  URGE_NOTICED: { urgeId: string; unitId: string; replyDueAt: number };
  /**
   * A step on site (domain/siteSteps): the holder's (or a department's, callId) arrival or one of the
   * hazard path's steps, with evidence. `onSite`: the urgent on-site window the arrival met (ARRIVED,
   * when one was open). `hazardDueAt`/`withinPromise`: the two-hour promise, on the CLEARED step.
   */
  SITE_STEP: {
    step: SiteStep;
    callId: string | null;
    note: string | null;
    evidence: EvidenceRef[];
    onSite?: Timing;
    hazardDueAt?: number | null;
    withinPromise?: boolean | null;
  };
  /**
   * The command center sent the case it held down to a unit of the case's place (派单/转办): the
   * case is REPORTED again at `to`, with a fresh accept window (`acceptDueAt`); `fromStatus` is
   * what it was (REPORTED or ACCEPTED).
   */
  SENT_DOWN: { from: Level; to: Level; unitId: string; reason: string; assigneeId: string | null; fromStatus: 'REPORTED' | 'ACCEPTED'; acceptDueAt: number };
  /**
   * A step of the five-step deliberation (五步议事, domain/deliberation), counted for the case's
   * community (`communityId`, also the fact's unit). `corrected`: the latest step recorded again
   * before the next one. EVALUATE carries the votes, the verdict read from them and the cadres.
   */
  DELIBERATION_STEP: {
    step: DeliberationStep;
    communityId: string;
    text: string;
    corrected?: boolean;
    source?: string;
    forum?: DeliberationForum;
    participants?: DeliberationParticipant[];
    stream?: TriageKind;
    votes?: DeliberationVotes;
    verdict?: DeliberationVerdict;
    cadres?: string[];
  };
  /** The holder asks to pause a window's clock (domain/pause); `until`: the planned end, null: until resumed. */
  PAUSE_REQUESTED: { pauseId: string; windowId: string; windowKind: PausableKind; reasonKind: PauseReasonKind; reason: string; until: number | null; approverLevel: Level };
  /** The level above approved: the window's clock stops now (`dueAt` is where it stood). */
  PAUSE_APPROVED: { pauseId: string; windowId: string; windowKind: PausableKind; reason: string; until: number | null; dueAt: number };
  /** Rejected by the approver, or withdrawn by the case (`withdrawn`: its window closed or lapsed before a decision). */
  PAUSE_REJECTED: { pauseId: string; windowKind: PausableKind; reason: string; withdrawn: boolean };
  /** The approver let the decision window lapse: the request climbs to the next level. */
  PAUSE_ESCALATED: { pauseId: string; approverLevel: Level };
  /** The window's clock runs again: its due time moved by the paused time (`minutes` on its clock). */
  PAUSE_ENDED: {
    pauseId: string;
    windowId: string;
    windowKind: PausableKind;
    cause: PauseEndCause;
    note: string | null;
    pausedAt: number;
    endedAt: number;
    minutes: number;
    fromDueAt: number;
    toDueAt: number;
  };
  CALENDAR_REPLANNED: {
    changeId: string | null;
    windows: Array<{ windowId: string; kind: WindowKind; startedAt: number; fromDueAt: number; toDueAt: number }>;
    completionDueAt: number | null;
  };
};

type ExtensionDecisionData = { requestId: string; days: number; reason: string; previousDueAt: number | null; newDueAt: number | null };

export type FactType = keyof FactDataMap;
export type FactData<T extends FactType> = FactDataMap[T];

/** A fact's discriminant and data, for a given type. */
export type FactOf<T extends FactType> = { type: T; data: FactData<T> };

/** Any fact's type and data, as a discriminated union on `type`. */
export type FactBody = { [T in FactType]: FactOf<T> }[FactType];

/** A record of type R (a CaseEventRecord, a database row…) whose type and data are typed. */
export type Typed<R> = Omit<R, 'type' | 'data'> & FactBody;

/** A recorded case event with typed data: switch on `type`. */
export type CaseFact = Typed<CaseEventRecord>;

// A table, not a list, so that a fact type missing here fails to compile.
const FACT_TYPE_TABLE: Record<FactType, true> = {
  REPORTED: true,
  ACCEPTED: true,
  GUIDANCE_GIVEN: true,
  RESPONDED: true,
  REMINDED: true,
  BREACHED: true,
  ESCALATED: true,
  LEADER_LISTED: true,
  DEPARTMENT_CALLED: true,
  DEPARTMENT_REPORTED: true,
  EVIDENCE_UPLOADED: true,
  DEPARTMENT_RESULT: true,
  RESULT_SUBMITTED: true,
  REVIEW_REQUESTED: true,
  REVIEWED_CLOSED: true,
  REVIEW_RETURNED: true,
  CLOSED: true,
  LONG_TERM_PLANNED: true,
  PLAN_REVIEW_DUE: true,
  PLAN_RESUMED: true,
  EXTENSION_REQUESTED: true,
  EXTENSION_APPROVED: true,
  EXTENSION_REJECTED: true,
  EXTENSION_ESCALATED: true,
  SURVEY_RECORDED: true,
  SURVEY_UNREACHABLE: true,
  REOPENED: true,
  REASSIGNED: true,
  CALENDAR_REPLANNED: true,
  LEADER_ASSIGNED: true,
  LEADER_TICKED_OFF: true,
  URGED: true,
  URGE_REPLIED: true,
  URGE_NOTICED: true,
  SITE_STEP: true,
  SENT_DOWN: true,
  DELIBERATION_STEP: true,
  PAUSE_REQUESTED: true,
  PAUSE_APPROVED: true,
  PAUSE_REJECTED: true,
  PAUSE_ESCALATED: true,
  PAUSE_ENDED: true,
};

/** Every fact type the machine records. */
export const FACT_TYPES: readonly FactType[] = Object.keys(FACT_TYPE_TABLE) as FactType[];

export function isFactType(type: string): type is FactType {
  return Object.prototype.hasOwnProperty.call(FACT_TYPE_TABLE, type);
}

/**
 * The facts the clock causes directly: the machine records them when its timer fires
 * (a reminder, a lapse), not as the consequence of another fact.
 */
export const CLOCK_FACTS: ReadonlySet<FactType> = new Set<FactType>(['REMINDED', 'BREACHED', 'PLAN_REVIEW_DUE', 'SURVEY_UNREACHABLE', 'URGE_NOTICED']);

/**
 * Read a stored event (the wire form: `type` a string, `data` JSON) as a typed fact. Only
 * the type is checked — the data is trusted to be what the machine wrote for it, so readers
 * stay tolerant of missing fields. Returns null for a type this code does not know (a newer
 * machine's fact): readers skip it or show it raw, they never crash.
 */
export function asFact<R extends { type: string; data?: unknown }>(record: R): Typed<R> | null {
  if (!isFactType(record.type)) return null;
  // The record itself, not a copy (the assessment reads every event of a period through here).
  if (record.data && typeof record.data === 'object') return record as unknown as Typed<R>;
  return { ...record, data: {} } as unknown as Typed<R>;
}

/**
 * The data of a stored row already selected by its type (a `where: { type }` query), for
 * readers that do not switch: typed by the fact's declaration, every field possibly missing.
 */
export function dataOf<T extends FactType>(_type: T, data: unknown): Partial<FactData<T>> {
  return (data && typeof data === 'object' ? data : {}) as Partial<FactData<T>>;
}

/** For the `default:` of an exhaustive switch over fact types: fails to compile when a case is missing. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
