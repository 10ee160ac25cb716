// Supervision (督办) by the district command center: it urges (催办) a unit on an overdue or
// at-risk case with a reply deadline in working time; an urge left unanswered becomes a formal
// notice (通报) a number of working days after that deadline. Data (SupervisionPolicy, frozen in
// the case's policy at intake) and pure rules; the machine applies them. Sandbox-safe.
import { addWorkingDays, addWorkingMinutes } from './calendar';
import { isDecisionWindow } from './pause';
import type { Breach, CalendarSnapshot, Level, OpenWindow } from './types';

export interface SupervisionPolicy {
  /** Reply deadline of an urge when the command center names none, in working hours. */
  replyWorkingHours: number;
  /** The longest reply deadline the command center may give, in working hours. */
  maxReplyWorkingHours: number;
  /** Working days after an unanswered urge's reply deadline until it becomes a notice (通报). */
  noticeAfterWorkingDays: number;
}

/** Defaults (not in the seeds): reply within half a working day; notice one working day after. */
export const DEFAULT_SUPERVISION: SupervisionPolicy = { replyWorkingHours: 4, maxReplyWorkingHours: 40, noticeAfterWorkingDays: 1 };

export function defaultSupervision(): SupervisionPolicy {
  return { ...DEFAULT_SUPERVISION };
}

/** One urge on a case (CaseState.urges). */
export interface Urge {
  id: string;
  /** The unit urged: the one holding the case, or a called department. */
  unitId: string;
  /** The ladder level the unit answers at; null for a department (then `callId`). */
  level: Level | null;
  callId: string | null;
  reason: string;
  urgedBy: string;
  urgedAt: number;
  replyDueAt: number;
  noticeAt: number;
  repliedAt: number | null;
  reply: string | null;
  noticedAt: number | null;
}

/** The reply deadline and the notice time of an urge made at `at`. */
export function urgeDeadlines(at: number, replyWorkingHours: number, policy: SupervisionPolicy, calendar: CalendarSnapshot): { replyDueAt: number; noticeAt: number } {
  const replyDueAt = addWorkingMinutes(at, Math.round(replyWorkingHours * 60), calendar);
  return { replyDueAt, noticeAt: addWorkingDays(replyDueAt, policy.noticeAfterWorkingDays, calendar) };
}

/**
 * Why `unitId` may be urged on this case now, or null: the case is overdue (a window of the
 * case itself lapsed, or this unit's call was late), or one of the unit's windows is at risk
 * (past its reminder point or due).
 */
export function urgeGround(
  unitId: string,
  windows: readonly Pick<OpenWindow, 'unitId' | 'remindAt' | 'dueAt'>[],
  breaches: readonly Pick<Breach, 'kind' | 'unitId'>[],
  now: number,
): 'OVERDUE' | 'AT_RISK' | null {
  if (breaches.some((b) => !isDecisionWindow(b.kind))) return 'OVERDUE';
  if (windows.some((w) => w.unitId === unitId && ((w.remindAt !== null && w.remindAt <= now) || w.dueAt <= now))) return 'AT_RISK';
  return null;
}

/** An urge still waiting for its reply (and not yet a notice). */
export function isPending(u: Pick<Urge, 'repliedAt' | 'noticedAt'>): boolean {
  return u.repliedAt === null && u.noticedAt === null;
}

/** The earliest notice time among pending urges, or null. */
export function nextNoticeAt(urges: readonly Urge[]): number | null {
  let at: number | null = null;
  for (const u of urges) if (isPending(u) && (at === null || u.noticeAt < at)) at = u.noticeAt;
  return at;
}
