// Pins the time of day the workflow tests run at. Working-time rules make a result
// depend on the hour (a 1-working-hour window opened at 17:29 ends the next morning), so
// CI runs the workflow tests with TEST_CLOCK_AT set to instants where that matters
// (08:59, 11:59, 17:29 Beijing time): the time-skipping server skips forward to the next
// working day at that local time before any test starts.
import { isWorkingDay, localDate } from '../../domain/calendar';
import type { CalendarSnapshot } from '../../domain/types';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The first instant after `afterMs` that falls on a working day at local time `hhmm`. */
export function nextWorkingInstantAt(afterMs: number, hhmm: string, cal: CalendarSnapshot): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`TEST_CLOCK_AT must be HH:MM, got "${hhmm}"`);
  const offsetMs = cal.utcOffsetMinutes * 60_000;
  const dayMs = 24 * 3600_000;
  // Local midnight of the local day holding afterMs, as epoch ms.
  const localMidnight = Math.floor((afterMs + offsetMs) / dayMs) * dayMs - offsetMs;
  const atOfDay = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  for (let d = 0; d < 400; d++) {
    const t = localMidnight + d * dayMs + atOfDay;
    if (t > afterMs && isWorkingDay(localDate(t, cal), cal)) return t;
  }
  throw new RangeError(`no working day within 400 days after ${new Date(afterMs).toISOString()}`);
}
