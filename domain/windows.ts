// Opening windows: pure functions shared by the workflow (timers) and the API (deadlines in answers).
import { addSpan, spanFraction } from './calendar';
import type { CalendarSnapshot, CaseIntake, CasePolicy, Level, LevelDirectory, OpenWindow, Span, WindowKind } from './types';

export interface OpenWindowArgs {
  id: string;
  kind: WindowKind;
  span: Span;
  level: Level;
  unitId: string;
  startedAt: number;
  remindFraction: number;
  calendar: CalendarSnapshot;
  refId?: string;
  /** A deadline fixed by someone (a caller naming the report time) instead of the span. */
  dueAt?: number;
}

// Tables, not lists, so that a new window kind fails to compile until it is placed.
const MOVES_WITH_CASE: Record<WindowKind, boolean> = {
  ACCEPT: true,
  RESPONSE: true,
  ON_SITE: true,
  COMPLETION: true,
  REVIEW: true,
  PLAN_REVIEW: true,
  // Held by the called department, the extension approver and the command center.
  REPORT: false,
  EXTENSION_DECISION: false,
  PAUSE_DECISION: false,
  SURVEY: false,
};

/** Whether `kind` names a window kind this code knows. */
export function isWindowKind(kind: string): kind is WindowKind {
  return Object.prototype.hasOwnProperty.call(MOVES_WITH_CASE, kind);
}

/**
 * Whether a window of `kind` belongs to the case's holder, so it moves up the ladder with
 * the case (the machine's escalation and the audit timeline both follow this rule).
 */
export function movesWithCase(kind: string): boolean {
  return isWindowKind(kind) && MOVES_WITH_CASE[kind];
}

/** A window starting now on the span's clock, with its reminder instant. */
export function openWindow(a: OpenWindowArgs): OpenWindow {
  const dueAt = a.dueAt ?? addSpan(a.startedAt, a.span, a.calendar);
  let remindAt: number | null = null;
  if (a.remindFraction > 0 && dueAt > a.startedAt) {
    remindAt = a.dueAt !== undefined
      ? a.startedAt + Math.round((dueAt - a.startedAt) * a.remindFraction)
      : spanFraction(a.startedAt, a.span, a.remindFraction, a.calendar);
    if (remindAt >= dueAt) remindAt = null;
  }
  return {
    id: a.id,
    kind: a.kind,
    clock: a.span.clock,
    level: a.level,
    unitId: a.unitId,
    startedAt: a.startedAt,
    dueAt,
    remindAt,
    reminded: false,
    ...(a.refId !== undefined ? { refId: a.refId } : {}),
  };
}

/**
 * When the response window of a case accepted at `acceptedAt` starts: at receipt (the report)
 * on new cases ([004] "街镇在接到事项1个工作小时内须做出“自行处置”或“呼叫”的决定"), so its due
 * time and reminder are the span from the report (a window already due lapses on the next tick);
 * at the acceptance on cases started before policy.responseFromReceipt.
 */
export function responseStartsAt(intake: Pick<CaseIntake, 'reportedAt'>, policy: Pick<CasePolicy, 'responseFromReceipt'>, acceptedAt: number): number {
  return policy.responseFromReceipt ? intake.reportedAt : acceptedAt;
}

/** The windows a new case opens at intake: accept, and on-site for urgent hazards. */
export function initialWindows(intake: CaseIntake, policy: CasePolicy, calendar: CalendarSnapshot, directory: LevelDirectory): OpenWindow[] {
  const holder = directory[intake.startLevel];
  const unitId = holder?.unitId ?? intake.units.gridId;
  const common = { level: intake.startLevel, unitId, startedAt: intake.reportedAt, remindFraction: policy.windows.remindAt, calendar };
  const windows = [openWindow({ ...common, id: 'ACCEPT-1', kind: 'ACCEPT', span: policy.windows.accept })];
  if (intake.urgent && policy.windows.onSite) {
    windows.push(openWindow({ ...common, id: 'ON_SITE-1', kind: 'ON_SITE', span: policy.windows.onSite }));
  }
  return windows;
}

/** The instant the workflow must next wake for: the earliest reminder or due time. */
export function nextWakeAt(windows: readonly OpenWindow[]): number | null {
  let next: number | null = null;
  for (const w of windows) {
    // A paused window's clock is stopped (domain/pause): it wakes nobody until it resumes.
    if (w.pausedAt !== undefined) continue;
    const t = !w.reminded && w.remindAt !== null ? w.remindAt : w.dueAt;
    if (next === null || t < next) next = t;
  }
  return next;
}

/** The span a window of `kind` runs for under a case's policy (urgent on-site falls back to accept). */
export function windowSpan(kind: WindowKind, policy: CasePolicy): Span {
  const p = policy.windows;
  switch (kind) {
    case 'ACCEPT': return p.accept;
    case 'RESPONSE': return p.response;
    case 'ON_SITE': return p.onSite ?? p.accept;
    case 'COMPLETION': return p.completion;
    case 'REVIEW': return p.review;
    case 'REPORT': return p.report;
    case 'EXTENSION_DECISION': return p.extensionDecision;
    // The level above decides a pause within the extension decision's span (a default).
    case 'PAUSE_DECISION': return p.extensionDecision;
    case 'SURVEY': return p.survey;
    case 'PLAN_REVIEW': return p.planReview;
  }
}
