// The end-of-day sweep (事不过夜) as pure rules: which day a run sweeps, whether that day is
// swept at all (the calendar's working days, 调休 included), the day's bounds, and which cases
// are listed and why. The feature (features/routines/endOfDay.ts) reads and records; the
// workflow (workflows/endOfDayWorkflow.ts) asks the calendar first.
import { isWorkingDay, localDate } from '../calendar';
import type { CalendarSnapshot, CaseStatus } from '../types';

/** Why a case is on the sweep. */
export type SweepReason = 'UNANSWERED' | 'URGENT_UNRESOLVED' | 'HAZARD_NOT_CLEARED';
export const SWEEP_REASONS: readonly SweepReason[] = ['UNANSWERED', 'URGENT_UNRESOLVED', 'HAZARD_NOT_CLEARED'];

/**
 * Statuses of a case reported and not yet answered: no first response (the street's 自行处置 or
 * 呼叫 decision, [004] "街镇在接到事项1个工作小时内须做出“自行处置”或“呼叫”的决定").
 */
export const UNANSWERED_STATUSES: readonly CaseStatus[] = ['REPORTED', 'ACCEPTED'];

/**
 * Statuses of an urgent case not resolved: nothing submitted as done yet. PENDING_REVIEW (the
 * result is in, the street reviews it) counts as resolved on site; a long-term plan is a
 * decision with an explanation, not a matter left overnight.
 */
export const UNRESOLVED_STATUSES: readonly CaseStatus[] = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS'];

/**
 * Statuses of a case still open: an urgent case open in one of them whose hazard is not cleared
 * (no 消险 step) is listed whatever its result, so a result waiting for review or a long-term plan
 * does not hide a hazard left overnight. A closed case is not (its result and review closed it).
 */
export const OPEN_STATUSES: readonly CaseStatus[] = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN'];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a real calendar date YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The instants bounding a local date: [start, end) in the calendar's zone. */
export function localDayBounds(date: string, cal: CalendarSnapshot): { start: number; end: number } {
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
  const start = Date.parse(`${date}T00:00:00Z`) - cal.utcOffsetMinutes * 60_000;
  return { start, end: start + 86_400_000 };
}

/** What a run at `now` does: sweep its local date, or nothing on a day off. */
export type SweepPlan = { sweep: true; date: string; from: number; asOf: number } | { sweep: false; date: string; reason: string };

/**
 * The plan of a run at `now` (optionally for an explicit `date`, e.g. a run started by hand to
 * make up a missed day). Non-working days (weekends, holidays) are not swept; a make-up working
 * day (调休) is.
 */
export function planSweep(now: number, cal: CalendarSnapshot, date?: string): SweepPlan {
  const day = date ?? localDate(now, cal);
  if (!isWorkingDay(day, cal)) return { sweep: false, date: day, reason: `${day} is not a working day` };
  const { start, end } = localDayBounds(day, cal);
  // Sweeping a day not begun would record an empty sweep and keep the real one out.
  if (start > now) return { sweep: false, date: day, reason: `${day} has not begun` };
  // A run on the day sees the day so far; a later run (catch-up) the whole day.
  return { sweep: true, date: day, from: start, asOf: Math.min(now, end) };
}

/** What the sweep needs of a case (read from the projection). */
export interface SweepCandidate {
  code: string;
  status: string;
  urgent: boolean;
  reportedAt: number;
  /**
   * The hazard path's two-hour promise (CaseState.site, projected as Case.hazardDueAt): set on
   * urgent cases started with on-site steps (CasePolicy.site); absent or null on others.
   */
  hazardDueAt?: number | null;
  /** When the 消险 step was recorded (Case.hazardClearedAt), null while not cleared. */
  hazardClearedAt?: number | null;
}

/**
 * Why a case is on the sweep of the day [from, asOf), or [] when it is not: reported that day
 * and still unanswered; urgent and not resolved (whatever day it was reported: an urgent hazard
 * must not stay overnight, [002] "事不过夜").
 */
export function sweepReasons(c: SweepCandidate, from: number, asOf: number): SweepReason[] {
  const out: SweepReason[] = [];
  if (c.reportedAt >= asOf) return out;
  if (c.reportedAt >= from && (UNANSWERED_STATUSES as readonly string[]).includes(c.status)) out.push('UNANSWERED');
  if (c.urgent && (UNRESOLVED_STATUSES as readonly string[]).includes(c.status)) out.push('URGENT_UNRESOLVED');
  if (hazardNotCleared(c, asOf)) out.push('HAZARD_NOT_CLEARED');
  return out;
}

/**
 * An urgent case on the hazard path (hazardDueAt set) still open and not cleared by `asOf` (the
 * end of the day swept): [002] "2小时内完成…消险全过程", "事不过夜". Cases started before the
 * steps (no hazardDueAt) are not judged by it: their URGENT_UNRESOLVED stands.
 */
export function hazardNotCleared(c: Pick<SweepCandidate, 'status' | 'hazardDueAt' | 'hazardClearedAt'>, asOf: number): boolean {
  if (c.hazardDueAt === undefined || c.hazardDueAt === null) return false;
  if (!(OPEN_STATUSES as readonly string[]).includes(c.status)) return false;
  return c.hazardClearedAt === undefined || c.hazardClearedAt === null || c.hazardClearedAt >= asOf;
}
