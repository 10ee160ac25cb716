// Shared vocabulary of the domain. Plain types only: this module is imported by
// the workflow sandbox, the activities and the API alike.
import type { LeaderListPolicy } from './leaderList';
import type { LadderPacing } from './pacing';
import type { PausePolicy } from './pause';
import type { SitePolicy } from './siteSteps';
import type { DeliberationPolicy } from './deliberation';
import type { SupervisionPolicy } from './supervision';
import type { TriagePolicy } from './triage';

/** Ladder levels plus the side level COMMUNITY (small matters, 三事分流). */
export type Level = 'GRID' | 'COMMUNITY' | 'STREET' | 'COMMAND_CENTER' | 'DEPUTY_LEADER' | 'PRINCIPAL_LEADER';
export const LEVELS: readonly Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

export type Role =
  | 'REPORTER'
  | 'GRID_WORKER'
  | 'COMMUNITY_WORKER'
  | 'STREET_DISPATCHER'
  | 'DEPARTMENT_OFFICER'
  | 'COMMAND_CENTER'
  | 'DEPUTY_LEADER'
  | 'PRINCIPAL_LEADER'
  | 'AUDITOR'
  | 'ADMIN';

export const ROLES: readonly Role[] = [
  'REPORTER', 'GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER',
  'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN',
];

export type Channel = 'HOTLINE' | 'GRID_PATROL' | 'RESIDENT_APP' | 'BUILDING_REP' | 'COMMUNITY' | 'OPEN311';
export const CHANNELS: readonly Channel[] = ['HOTLINE', 'GRID_PATROL', 'RESIDENT_APP', 'BUILDING_REP', 'COMMUNITY', 'OPEN311'];

export type TriageKind = 'BIG' | 'SMALL' | 'PRIVATE';

/** Wall clock counts every minute; working time counts only office hours on working days. */
export type Clock = 'WALL' | 'WORKING';

export type WindowKind =
  | 'ACCEPT'
  | 'RESPONSE'
  | 'ON_SITE'
  | 'COMPLETION'
  | 'REPORT'
  | 'REVIEW'
  | 'EXTENSION_DECISION'
  /** The level above decides a holder's clock pause (domain/pause). */
  | 'PAUSE_DECISION'
  | 'SURVEY'
  | 'PLAN_REVIEW';

/** A length of time on a clock. Working lengths are in working hours or working days. */
export interface Span {
  clock: Clock;
  minutes?: number;
  hours?: number;
  days?: number;
}

/** Working calendar, as data. Kept in workflow state so replays never read today's database. */
export interface CalendarSnapshot {
  timeZone: string;
  /** UTC offset in minutes for the time zone (Asia/Shanghai = 480). No DST zones are supported. */
  utcOffsetMinutes: number;
  /** Office hours as [start, end] "HH:MM" pairs, sorted, not overlapping. */
  officeHours: Array<[string, string]>;
  /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days unless listed as holidays. */
  workWeek: number[];
  /** YYYY-MM-DD dates that are not working days (public holidays). */
  holidays: string[];
  /** YYYY-MM-DD dates that are working days although the week pattern says otherwise (调休). */
  workdays: string[];
}

/** Window lengths a case runs under, resolved from the catalog at intake and frozen in the case. */
export interface WindowPolicy {
  accept: Span;
  response: Span;
  completion: Span;
  /** Urgent safety hazards only: on site within this span. */
  onSite?: Span;
  review: Span;
  /** Default span a called department gets to report when the caller names no time. */
  report: Span;
  extensionDecision: Span;
  survey: Span;
  planReview: Span;
  /** Fraction of a window after which the assignee is reminded (0 disables). */
  remindAt: number;
}

/** Extension approval thresholds: up to maxDays → approver level; the last entry has no max. */
export interface ExtensionRule {
  maxDays: number | null;
  approver: Level;
}

/** What happens when nobody answers the revisit survey. */
export type UnreachablePolicy = 'SATISFIED' | 'NEUTRAL' | 'EXCLUDED';

/** Everything about rules a case needs, frozen at intake. */
export interface CasePolicy {
  windows: WindowPolicy;
  /** Escalation ladder, lowest first. COMMUNITY escalates to its street (see domain/ladder). */
  ladder: Level[];
  extensionRules: ExtensionRule[];
  maxExtensions: number;
  maxReopens: number;
  unreachablePolicy: UnreachablePolicy;
  /** Continue-as-new once history grows past this many events. */
  historyEventLimit: number;
  /**
   * Which lapse moves the case how far, and when leaders are paged (domain/pacing). Absent on
   * cases started before it existed: every lapse of a case window then climbs one level, to the
   * top, at any hour, and a late department moves the case (their histories replay unchanged).
   */
  pacing?: LadderPacing;
  /**
   * The leaders' case lists (domain/leaderList): a case reaching these levels gets a named
   * responsible leader, who ticks it off (对单销号). Absent on cases started before it existed.
   */
  leaderList?: LeaderListPolicy;
  /** Supervision (督办, domain/supervision): urges, replies, notices. Absent on cases started before it existed. */
  supervision?: SupervisionPolicy;
  /**
   * The response window counts from receipt (the report), not from acceptance. Absent on cases
   * started before it existed: their response window counts from acceptance (histories replay unchanged).
   */
  responseFromReceipt?: true;
  /**
   * Arrival and the hazard path's steps (domain/siteSteps): the arrival meets the urgent on-site
   * window, the two-hour promise is read from the steps. Absent on cases started before it (their
   * on-site window is met by the result, as before).
   */
  site?: SitePolicy;
  /**
   * The three kinds' routes (三事分流, domain/triage): where a new case starts, the departments a
   * big matter calls at intake, the responses that fit each kind (a re-triage with a reason
   * otherwise), and which levels call departments (communities too). Absent on cases started
   * before it: every kind starts at the catalog's level and only streets and above call.
   */
  triage?: TriagePolicy;
  /**
   * Five-step deliberation (五步议事, domain/deliberation) on community matters. Absent on cases
   * started before it: they record no deliberation and close as before.
   */
  deliberation?: DeliberationPolicy;
  /**
   * Clock pause (domain/pause): the holder may pause a response, completion or on-site window with
   * the approval of the level above. Absent on cases started before it (they take no pauses).
   */
  pause?: PausePolicy;
}

/** Who holds the case at a level. */
export interface Assignment {
  level: Level;
  unitId: string;
  personId: string | null;
  personName?: string | null;
}

/** The organisation units a case touches, resolved at intake. */
export interface CaseUnits {
  districtId: string;
  streetId: string;
  communityId: string;
  gridId: string;
}

/** Responsible person per level for this case's place, resolved at intake (the directory snapshot). */
export type LevelDirectory = Partial<Record<Level, Assignment>>;

export interface Actor {
  personId: string;
  role: Role;
  unitId: string;
  name?: string;
}

/** Everything the API knows about a new case. */
export interface CaseIntake {
  code: string;
  channel: Channel;
  categoryCode: string;
  categoryName: string;
  triage: TriageKind;
  urgent: boolean;
  startLevel: Level;
  units: CaseUnits;
  address?: string;
  lat?: number;
  lng?: number;
  description: string;
  reporter: { name?: string; phone?: string; email?: string };
  photoUrls: string[];
  /**
   * Files uploaded with the report (photos stored by the API, content-addressed), recorded as
   * EVIDENCE_UPLOADED facts right after REPORTED. Absent on cases started before intake took files.
   */
  files?: IntakeFile[];
  /** epoch ms: when the report arrived; windows start here. */
  reportedAt: number;
  reportedBy?: Actor;
  clientAppId?: string;
  /** Departments this category usually calls. */
  suggestedDepartmentIds: string[];
}

export type CaseStatus =
  | 'REPORTED'
  | 'ACCEPTED'
  | 'IN_PROGRESS'
  | 'PENDING_REVIEW'
  | 'LONG_TERM_PLAN'
  | 'CLOSED'
  | 'SURVEYED';

export interface OpenWindow {
  id: string;
  kind: WindowKind;
  clock: Clock;
  level: Level;
  /** Unit that must act before dueAt; it is blamed if the window lapses. */
  unitId: string;
  startedAt: number;
  dueAt: number;
  remindAt: number | null;
  reminded: boolean;
  /** REPORT windows: the department call; EXTENSION_DECISION: the request id; PAUSE_DECISION: the pause id. */
  refId?: string;
  /** While an approved pause holds the window (domain/pause): when its clock stopped. It neither reminds nor lapses. */
  pausedAt?: number;
  /** Paused time already moved into dueAt, on the window's clock (minutes); absent: never paused. */
  pausedMinutes?: number;
}

export interface Breach {
  windowId: string;
  kind: WindowKind;
  level: Level;
  unitId: string;
  dueAt: number;
  at: number;
  /** Level the case moved to because of this breach (null for breaches that do not move the case). */
  escalatedTo: Level | null;
}

export interface DepartmentCall {
  id: string;
  departmentId: string;
  calledBy: string;
  calledAt: number;
  reportBy: number;
  place: string;
  instructions?: string;
  reportedAt: number | null;
  reportedBy: string | null;
  late: boolean;
  evidence: Evidence[];
  result: string | null;
  resultAt: number | null;
}

export type EvidenceKind = 'RECORDING' | 'VIDEO' | 'DOCUMENT' | 'PHOTO';

/** A file stored at intake, as the case's facts record it (see CaseIntake.files). */
export interface IntakeFile {
  kind: EvidenceKind;
  url: string;
  /** SHA-256 of the stored bytes (images: after their metadata was stripped). */
  sha256: string;
  /** SHA-256 of the bytes as received, when it differs from the stored one. */
  receivedSha256?: string;
}

export interface Evidence {
  kind: EvidenceKind;
  url: string;
  sha256: string;
  uploadedBy: string;
  at: number;
}

export type ExtensionStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface ExtensionRequest {
  id: string;
  days: number;
  reason: string;
  requestedBy: string;
  requestedAt: number;
  requiredLevel: Level;
  /** Current approver level (climbs when the decision window lapses). */
  approverLevel: Level;
  status: ExtensionStatus;
  decidedBy: string | null;
  decidedRole: Role | null;
  decidedUnitId: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  previousDueAt: number | null;
  newDueAt: number | null;
}

export type Satisfaction = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'UNSATISFIED';

export interface SurveyAnswer {
  satisfaction: Satisfaction | null;
  solved: boolean | null;
  comment?: string;
  channel: 'PHONE' | 'SMS' | 'APP' | 'LINK' | 'NONE';
  at: number;
  recordedBy: string | null;
  unreachable: boolean;
}

/**
 * A case's event as recorded in the append-only log (and derived into timelines), in its wire
 * form: `type` stays a string because histories and rows may hold types newer code wrote.
 * Read `type` and `data` through domain/facts (`asFact`), which declares their shapes.
 */
export interface CaseEventRecord {
  seq: number;
  type: string;
  at: number;
  actorId?: string | null;
  actorRole?: string | null;
  unitId?: string | null;
  level?: Level | null;
  data?: Record<string, unknown>;
}

/** A notification for the outbox. */
export interface NotificationRecord {
  recipientId: string | null;
  recipientUnitId: string | null;
  kind: string;
  message: string;
  /** Not to be delivered before this instant (a leader's page for a lapse at night waits for the next office time). */
  notBefore?: number;
}
