// Pacing the ladder: which lapsed window moves a case how far, and when a leader is paged.
// Data (LadderPacing, frozen in the case's policy at intake) + pure functions; the machine
// (workflows/caseMachine) applies them. docs/RULES.md gives each default its seed.
import { isWorkingInstant, nextOfficeStart } from './calendar';
import { nextLevel, rank } from './ladder';
import type { CalendarSnapshot, Level, WindowKind } from './types';

/** Windows whose lapse is about the case itself (the others move an extension request, end a survey, …). */
export type PacedWindowKind = Extract<WindowKind, 'ACCEPT' | 'RESPONSE' | 'ON_SITE' | 'COMPLETION' | 'REVIEW' | 'REPORT'>;

export const PACED_WINDOW_KINDS: readonly PacedWindowKind[] = ['ACCEPT', 'RESPONSE', 'ON_SITE', 'COMPLETION', 'REVIEW', 'REPORT'];

/**
 * What a lapse of one window kind does.
 * - CLIMB: the case goes one ladder level above the level that missed the window, but never
 *   above `upTo`; at or above `upTo` it stays and the command center's duty desk is told.
 * - SUPERVISE: the case stays where it is; the breach is the window holder's (a called
 *   department) and the level `by` is told to supervise (督办).
 */
export type LapseRule = { rule: 'CLIMB'; upTo: Level } | { rule: 'SUPERVISE'; by: Level };

export interface LadderPacing {
  lapses: Record<PacedWindowKind, LapseRule>;
  /** Levels paged only in office hours: a lapse that reaches them outside office hours reaches their list at once and their pager at the next office time. */
  officeHoursOnly: Level[];
  /** Who handles lapses that stop below the leaders, and lapses at night (the on-duty desk). */
  dutyDesk: Level;
}

/**
 * The defaults, fitted to the seeds (docs/RULES.md): a missed 10-minute acceptance is slowness,
 * met by the next level and at most by the command center, whose duty desk dispatches around
 * the clock [004]; an unanswered or unfinished matter climbs to the leaders (顶格调度) [000]; a
 * late department is the department's breach, supervised by the command center [004]; leaders
 * are not paged at night.
 */
export const DEFAULT_PACING: LadderPacing = {
  lapses: {
    ACCEPT: { rule: 'CLIMB', upTo: 'COMMAND_CENTER' },
    RESPONSE: { rule: 'CLIMB', upTo: 'PRINCIPAL_LEADER' },
    ON_SITE: { rule: 'CLIMB', upTo: 'PRINCIPAL_LEADER' },
    COMPLETION: { rule: 'CLIMB', upTo: 'PRINCIPAL_LEADER' },
    REVIEW: { rule: 'CLIMB', upTo: 'COMMAND_CENTER' },
    REPORT: { rule: 'SUPERVISE', by: 'COMMAND_CENTER' },
  },
  officeHoursOnly: ['DEPUTY_LEADER', 'PRINCIPAL_LEADER'],
  dutyDesk: 'COMMAND_CENTER',
};

/** A fresh copy of the defaults (a policy owns its data). */
export function defaultPacing(): LadderPacing {
  return {
    lapses: { ...DEFAULT_PACING.lapses },
    officeHoursOnly: [...DEFAULT_PACING.officeHoursOnly],
    dutyDesk: DEFAULT_PACING.dutyDesk,
  };
}

export function isPacedWindowKind(kind: WindowKind): kind is PacedWindowKind {
  return (PACED_WINDOW_KINDS as readonly string[]).includes(kind);
}

/** Where a lapse takes the case. */
export type LapseMove =
  /** Up the ladder to `to`. */
  | { move: 'CLIMB'; to: Level }
  /** Already at the top of the ladder: the leaders' case list (包案). */
  | { move: 'TOP' }
  /** At or above the rule's ceiling: the case stays; the duty desk re-dispatches (派单). */
  | { move: 'HOLD'; dutyDesk: Level }
  /** The case stays; `by` supervises the unit that missed the window. */
  | { move: 'SUPERVISE'; by: Level };

/**
 * The move for a window of `kind` that lapsed at `level` (the level that held the window: for
 * a review, the reviewer, not the handler below it).
 */
export function lapseMove(kind: PacedWindowKind, level: Level, ladder: readonly Level[], pacing: LadderPacing): LapseMove {
  const rule = pacing.lapses[kind];
  if (rule.rule === 'SUPERVISE') return { move: 'SUPERVISE', by: rule.by };
  const up = nextLevel(level, ladder);
  if (up === null) return { move: 'TOP' };
  if (rank(up) > rank(rule.upTo)) return { move: 'HOLD', dutyDesk: pacing.dutyDesk };
  return { move: 'CLIMB', to: up };
}

/**
 * When a page to `level` caused by a lapse at `at` may go out: null for now, or the next
 * office time when `level` is paged only in office hours and `at` lies outside them.
 */
export function pageDeferredUntil(level: Level, at: number, pacing: LadderPacing, calendar: CalendarSnapshot): number | null {
  if (!pacing.officeHoursOnly.includes(level)) return null;
  if (isWorkingInstant(at, calendar)) return null;
  return nextOfficeStart(at, calendar);
}
