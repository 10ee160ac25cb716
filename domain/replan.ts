// Re-planning open windows when the working calendar changes (a year's schedule imported or
// edited): pure, deterministic, bundled into the workflow sandbox.
//
// The rule. A window on the WORKING clock is owed a fixed amount of working time from its own
// start instant. That amount is not always the policy's span — an approved extension adds N
// working days to a completion window, a completion window reopened after a returned review
// keeps the deadline in force, a restarted window counts from the lapsed due time — and the
// window does not store it. It is exactly what the calendar the window was planned on gives
// between its `startedAt` and its `dueAt`, so the re-plan measures that on the old calendar and
// lays the same working minutes out again on the new one from the same start instant. A
// window extended by N working days therefore stays extended by N days (the N days are in the
// measured amount), and a window whose span was plain stays its span.
//
// - WALL-clock windows (hours on the wall, a long-term plan's review every N days) never move.
// - REPORT windows never move: their due time is the instant the caller named (报到时间).
// - A window never lapses because of a re-plan: if its new due time is at or before `now`,
//   it keeps the old one (the holder was working to it). Windows that have already lapsed are
//   not open any more; their breaches stand.
// - The reminder is re-planned at the same fraction of the working amount unless it has
//   already been sent (then it stays as it was), and disappears if it would not come before
//   the new due time.
// - Caveat: office hours that change (not only holidays and 调休 days) re-plan by working
//   minutes, not by working days: a 7-day window planned on 7-hour days is 49 office hours
//   after the change.
import { addWorkingMinutes, workingMinutesBetween } from './calendar';
import type { CalendarSnapshot, OpenWindow, WindowKind } from './types';

/** One window the re-plan moved. */
export interface MovedWindow {
  windowId: string;
  kind: WindowKind;
  startedAt: number;
  fromDueAt: number;
  toDueAt: number;
}

export interface Replan {
  /** The windows after the re-plan (new objects for the moved ones, the same objects otherwise). */
  windows: OpenWindow[];
  /** The windows whose due time moved, in window order. */
  moved: MovedWindow[];
}

/** Whether a window's due time follows the working calendar (see the module comment). */
export function followsCalendar(w: OpenWindow): boolean {
  return w.clock === 'WORKING' && w.kind !== 'REPORT';
}

/**
 * Re-plan every open WORKING-clock window on `next` from its own start instant, keeping the
 * working time it had on `previous`. `remindFraction` is the policy's reminder fraction.
 */
export function replanWindows(
  windows: readonly OpenWindow[],
  previous: CalendarSnapshot,
  next: CalendarSnapshot,
  now: number,
  remindFraction: number,
): Replan {
  const moved: MovedWindow[] = [];
  const out = windows.map((w) => {
    if (!followsCalendar(w)) return w;
    const minutes = workingMinutesBetween(w.startedAt, w.dueAt, previous);
    // A window due before any working time elapsed (a deadline fixed at its own start) has nothing to lay out.
    if (minutes <= 0) return w;
    const dueAt = addWorkingMinutes(w.startedAt, minutes, next);
    if (dueAt === w.dueAt || dueAt <= now) return w;
    let remindAt = w.remindAt;
    if (!w.reminded && w.remindAt !== null && remindFraction > 0) {
      const at = addWorkingMinutes(w.startedAt, minutes * remindFraction, next);
      remindAt = at < dueAt ? at : null;
    }
    moved.push({ windowId: w.id, kind: w.kind, startedAt: w.startedAt, fromDueAt: w.dueAt, toDueAt: dueAt });
    return { ...w, dueAt, remindAt };
  });
  return { windows: out, moved };
}
