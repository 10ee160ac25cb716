// The parts of the API's answers the console reads. Declared here rather than imported from
// api/schemas: the browser bundle must not pull server code (zod schemas, Prisma types).
// Only pure type aliases of domain/ are shared, type-only (erased at build; eslint enforces it).
import type { Breach, CaseStatus, DepartmentCall, ExtensionRequest, Level, Role, SurveyAnswer, WindowKind } from '../../domain/types';

export type { Breach, CaseStatus, DepartmentCall, ExtensionRequest, Level, Role, SurveyAnswer, WindowKind };

export interface FieldError {
  path: string;
  message: string;
}

export interface Me {
  personId: string;
  name: string;
  role: Role;
  unitId: string;
  unit: { id: string; kind: string; name: string } | null;
}

export interface CaseRecord {
  code: string;
  channel: string;
  categoryCode: string;
  triage: 'BIG' | 'SMALL' | 'PRIVATE';
  streetId: string;
  communityId: string;
  gridId: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  description: string;
  status: CaseStatus;
  level: Level;
  assigneeId: string | null;
  assigneeUnitId: string | null;
  /** The earliest deadline in force (ISO), null when no window is open. */
  dueAt: string | null;
  overdue: boolean;
  breachCount: number;
  reportedAt: string;
  closedAt: string | null;
  /** The reporter as the API shows this caller (api/caseViews.ts): in full, masked or anonymised. */
  reporterName?: string | null;
  reporterPhone?: string | null;
  reporterEmail?: string | null;
  reporterView?: 'FULL' | 'MASKED' | 'ANONYMISED';
}

export interface CaseList {
  items: CaseRecord[];
  page: number;
  pageSize: number;
  total: number;
  /** The count stopped at its cap: there are at least `total` cases (older APIs omit it). */
  totalIsEstimate?: boolean;
  hasMore?: boolean;
}

/** An open window of the live state; instants are epoch milliseconds. */
export interface LiveWindow {
  id: string;
  kind: WindowKind | string;
  dueAt: number;
  remindAt: number | null;
  level?: Level;
  unitId?: string;
  /** Set while an approved clock pause holds the window (暂停计时): its countdown is stopped. */
  pausedAt?: number;
}

export interface CaseDetail {
  code: string;
  record: CaseRecord | null;
  live: {
    status: CaseStatus;
    level: Level;
    /** The kind of matter now (三事分流): a re-triage in the first response corrects it. */
    triage?: 'BIG' | 'SMALL' | 'PRIVATE';
    assignee: { level: Level; unitId: string; personId: string | null; personName?: string | null };
    windows: LiveWindow[];
    completionDueAt: number | null;
    breaches?: Breach[];
    calls?: DepartmentCall[];
    extensions?: ExtensionRequest[];
    result?: { summary: string; by: string; at: number } | null;
    survey?: SurveyAnswer | null;
    reopenCount?: number;
    onLeaderList?: boolean;
    longTermPlan?: { explanation: string; since: number; nextReviewAt: number; everyDays: number | null } | null;
    /** The five-step deliberation (五步议事) on a community matter; absent until its first step. */
    deliberation?: Deliberation;
    /** The case's own ladder, lowest first (frozen at intake: no community where its grid has none); absent from older workers. */
    ladder?: Level[];
  } | null;
}

/** One step of the five-step deliberation as the live state holds it (domain/deliberation). */
export interface DeliberationStepRecord {
  step: 'SAY' | 'ASK' | 'DISCUSS' | 'DO' | 'EVALUATE';
  at: number;
  by: string;
  unitId: string;
  text: string;
  source?: string;
  forum?: string;
  participants?: Array<{ name: string; role: string; unit?: string }>;
  stream?: string;
  votes?: { satisfied: number; basicallySatisfied: number; dissatisfied: number };
  verdict?: string;
  cadres?: string[];
  corrected?: boolean;
}

export interface Deliberation {
  communityId: string;
  startedAt: number;
  steps: DeliberationStepRecord[];
  completedAt: number | null;
  verdict: string | null;
}

export interface Unit {
  id: string;
  kind: string;
  name: string;
  parentId: string | null;
}

/** GET /inbox/extensions */
export interface InboxItem {
  caseCode: string;
  requestId: string;
  days: number;
  reason: string;
  requestedBy: { personId: string | null; role: Role | null; unitId: string | null };
  requestedAt: string;
  requiredLevel: Level;
  approverLevel: Level;
  lowerLevel: boolean;
  decisionDueAt: string | null;
  overdue: boolean;
  caseStatus: string | null;
  caseLevel: Level | null;
}

export interface Inbox {
  level: Level;
  items: InboxItem[];
  page: number;
  pageSize: number;
  total: number;
}

/** GET /survey/{token} (public) */
export interface SurveyView {
  code: string;
  categoryCode: string;
  categoryName: string;
  closedAt: string | null;
  closingSummary: string;
  awaitingSurvey: boolean;
  expiresAt: string;
}

/** GET /cases/{code}/timeline (auditors): the parts the audit page shows. */
export interface AuditTimelineEntry {
  n: number;
  at: string;
  kind: string;
  type: string;
  seq: number | null;
  runIndex: number;
  actor: { personId: string; role: string | null; unitId: string | null } | null;
  level: string | null;
  window: { kind: string; dueAt: string | null; relation?: string } | null;
  onTime: boolean | null;
  cause: { kind: string } | null;
  text: string;
}

export interface AuditTimeline {
  code: string;
  source: string;
  timeline: { runs: Array<{ runIndex: number; runId: string; status: string; eventCount: number }>; entries: AuditTimelineEntry[]; facts: number; warnings: string[] };
}

/** GET /cases/{code}/replay */
export type ReplayVerdict = { code: string; source: string; runs: number; strict: boolean; replayed: number } & (
  | { ok: true }
  | { ok: false; divergence: { runIndex: number | null; kind: string; message: string } }
);

export interface CaseEvent {
  seq: number;
  type: string;
  at: string;
  actorId: string | null;
  actorRole: string | null;
  unitId: string | null;
  level: string | null;
  data: Record<string, unknown>;
}

export interface AllowedAction {
  action: string;
  method: 'POST';
  path: string;
  params: Record<string, string>;
  allowed: boolean;
  reason?: { code: string; message: string };
}

/** GET /leaders/{personId}/cases (api/routes/leaders.ts): an item of a leader's case list. */
export interface LeaderCaseItem {
  code: string;
  categoryCode: string;
  status: CaseStatus;
  level: Level;
  leaderLevel: Level;
  listedAt: string;
  dueAt: string | null;
  overdue: boolean;
  tickedOffAt: string | null;
  note: string | null;
}

export interface LeaderCases {
  leader: { personId: string; name: string; role: Role; unitId: string };
  open: LeaderCaseItem[];
  tickedOff: LeaderCaseItem[];
  openTotal: number;
  tickedOffTotal: number;
}

/** GET /leaders: the district's leaders, for the picker. */
export interface DistrictLeaders {
  items: Array<{ personId: string; name: string; role: Role; unitId: string }>;
}
