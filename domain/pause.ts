// Clock pause (issue 16): a running window may be paused while the holder waits on the reporter or
// a third party (a resident not at home, a court ruling). The holder asks with a reason, the level
// above approves or rejects within a decision window, and while approved the window's timer is
// suspended; when the pause ends (the holder resumes, or its planned end passes) the window's due
// time moves by the paused time: a working-time window by the working time that elapsed while
// paused, a wall-clock window by the wall time. The seeds state no pause: this is a DEFAULT of the
// mission (docs/RULES.md "Clock pause"). Data (PausePolicy, frozen in the case's policy at intake)
// and pure rules; the machine applies them. Sandbox-safe.
import { addWorkingMinutes, workingMinutesBetween } from './calendar';
import { nextLevel, rank } from './ladder';
import type { CalendarSnapshot, Clock, Level, OpenWindow, WindowKind } from './types';

/** The windows a holder may pause: the ones that wait on people outside the ladder. */
export type PausableKind = 'RESPONSE' | 'COMPLETION' | 'ON_SITE';
export const PAUSABLE_KINDS: readonly PausableKind[] = ['COMPLETION', 'RESPONSE', 'ON_SITE'];

/** Why the holder cannot go on: the reporter (not at home, not answering), a third party (a court ruling), other. */
export type PauseReasonKind = 'REPORTER_UNREACHABLE' | 'THIRD_PARTY' | 'OTHER';
export const PAUSE_REASON_KINDS: readonly PauseReasonKind[] = ['REPORTER_UNREACHABLE', 'THIRD_PARTY', 'OTHER'];

/** How the timeline and the console name the reasons (Chinese first). */
export const PAUSE_REASON_LABELS: Record<PauseReasonKind, { zh: string; en: string }> = {
  REPORTER_UNREACHABLE: { zh: '诉求人无法联系/不在家', en: 'reporter unreachable or not at home' },
  THIRD_PARTY: { zh: '等待第三方(如法院裁定)', en: 'waiting on a third party (e.g. a court ruling)' },
  OTHER: { zh: '其他', en: 'other' },
};

export interface PausePolicy {
  /** The window kinds a holder may pause (ACCEPT, REPORT, REVIEW, decisions and the survey never). */
  windows: PausableKind[];
  /** Pauses a case may take (requests rejected or withdrawn do not count). */
  maxPauses: number;
  /**
   * The lowest level that decides a pause: the first ladder level above the holder at or above it
   * (STREET: a grid's pause is decided by the street, also on a ladder with the community between
   * them). Absent (cases started before the default ladder named the community): the next level.
   */
  approverFrom?: Level;
}

/** Defaults (no seed states a pause): response, completion and on-site; at most 3 per case; the street decides the grid's and the community's. */
export const DEFAULT_PAUSE: PausePolicy = { windows: ['COMPLETION', 'RESPONSE', 'ON_SITE'], maxPauses: 3, approverFrom: 'STREET' };

export function defaultPause(): PausePolicy {
  return { windows: [...DEFAULT_PAUSE.windows], maxPauses: DEFAULT_PAUSE.maxPauses, approverFrom: DEFAULT_PAUSE.approverFrom! };
}

export type PauseStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'ENDED';
/** How a pause ended: the holder resumed, its planned end passed, or the window closed while paused (the action that met it). */
export type PauseEndCause = 'RESUMED' | 'PLANNED_END' | 'WINDOW_CLOSED';

/** One pause request on a case (CaseState.pauses). */
export interface Pause {
  id: string;
  windowId: string;
  windowKind: PausableKind;
  reasonKind: PauseReasonKind;
  reason: string;
  /** Planned end (epoch ms): the pause ends by itself then; null: until the holder resumes. */
  until: number | null;
  requestedBy: string;
  requestedAt: number;
  /** The level that decides now (the level above the holder; climbs when its decision window lapses). */
  approverLevel: Level;
  status: PauseStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  /** When the window's clock stopped (the approval) and started again. */
  pausedAt: number | null;
  endedAt: number | null;
  endCause: PauseEndCause | null;
  /** Paused time on the window's clock (working minutes, or wall minutes), once ended. */
  pausedMinutes: number | null;
}

export function isPausableKind(x: unknown): x is PausableKind {
  return typeof x === 'string' && (PAUSABLE_KINDS as readonly string[]).includes(x);
}

export function isPauseReasonKind(x: unknown): x is PauseReasonKind {
  return typeof x === 'string' && (PAUSE_REASON_KINDS as readonly string[]).includes(x);
}

/**
 * The level that decides a pause asked by the holder at `level`: the next level of the ladder at or
 * above `from` (PausePolicy.approverFrom; absent: the next level), or null at the top.
 */
export function pauseApproverLevel(level: Level, ladder: readonly Level[], from?: Level): Level | null {
  let up = nextLevel(level, ladder);
  while (up !== null && from !== undefined && rank(up) < rank(from)) up = nextLevel(up, ladder);
  return up;
}

/** The approved pause running now, if any. */
export function activePause(pauses: readonly Pause[] | undefined): Pause | undefined {
  return pauses?.find((p) => p.status === 'APPROVED');
}

/** The request waiting for a decision, if any. */
export function pendingPause(pauses: readonly Pause[] | undefined): Pause | undefined {
  return pauses?.find((p) => p.status === 'PENDING');
}

/** Pauses that count against PausePolicy.maxPauses: asked and not turned down. */
export function pausesUsed(pauses: readonly Pause[] | undefined): number {
  return (pauses ?? []).filter((p) => p.status !== 'REJECTED' && p.status !== 'WITHDRAWN').length;
}

/** Whether a window's clock is stopped (its timer neither reminds nor lapses). */
export function isPaused(w: Pick<OpenWindow, 'pausedAt'>): boolean {
  return w.pausedAt !== undefined && w.pausedAt !== null;
}

/**
 * The paused time between `from` and `to` on a window's clock, in minutes: wall minutes on the
 * WALL clock, working minutes on the WORKING clock (nights, weekends and holidays do not count).
 */
export function pausedMinutes(clock: Clock, from: number, to: number, calendar: CalendarSnapshot): number {
  if (to <= from) return 0;
  return clock === 'WALL' ? (to - from) / 60_000 : workingMinutesBetween(from, to, calendar);
}

/** An instant moved later by `minutes` on a clock. */
function later(clock: Clock, at: number, minutes: number, calendar: CalendarSnapshot): number {
  if (minutes <= 0) return at;
  return clock === 'WALL' ? at + Math.round(minutes * 60_000) : addWorkingMinutes(at, minutes, calendar);
}

/** A window after its pause from `from` to `to`: due time (and a reminder not yet sent) moved by the paused time. */
export interface PauseShift {
  dueAt: number;
  remindAt: number | null;
  /** The paused time on the window's clock, in minutes. */
  minutes: number;
}

/**
 * Where a window paused from `from` to `to` is due now: its due time moved by the paused time on its
 * own clock (domain/calendar for working time). A reminder not yet sent moves the same way; one
 * already sent stays as it was.
 */
export function shiftForPause(
  w: Pick<OpenWindow, 'clock' | 'dueAt' | 'remindAt' | 'reminded'>,
  from: number,
  to: number,
  calendar: CalendarSnapshot,
): PauseShift {
  const minutes = pausedMinutes(w.clock, from, to, calendar);
  const dueAt = later(w.clock, w.dueAt, minutes, calendar);
  let remindAt = w.remindAt;
  if (!w.reminded && remindAt !== null) {
    remindAt = later(w.clock, remindAt, minutes, calendar);
    if (remindAt >= dueAt) remindAt = null;
  }
  return { dueAt, remindAt, minutes };
}

/** Window kinds an approver holds (their lapse is the approver's breach, not the case's). */
export function isDecisionWindow(kind: WindowKind): boolean {
  return kind === 'EXTENSION_DECISION' || kind === 'PAUSE_DECISION';
}
