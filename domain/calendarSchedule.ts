// A year's working-calendar schedule as an administrator imports it (public holidays and
// make-up working days, 调休), checked for consistency before anything is written, and the
// "next year is missing" warning. Pure: no packages, no clock reads (the caller passes now).
/** One year's schedule as imported (features/admin/calendarDocument.ts parses it from JSON). */
export interface CalendarYearInput {
  year: number;
  /** Informational: must equal the calendar's time zone when given. */
  timeZone?: string;
  /** Where the dates come from (e.g. the State Council notice); kept in the change log. */
  source?: string;
  /** `kind` mirrors the CalendarDay model. */
  days: Array<{ date: string; kind: 'HOLIDAY' | 'WORKDAY'; name: string }>;
}

export interface ScheduleProblem {
  /** Dotted path inside the imported document, e.g. "days.3.date". */
  path: string;
  message: string;
}

export interface ScheduleCheck {
  problems: ScheduleProblem[];
  /** Not errors, worth saying: holidays that fall on a weekend anyway. */
  notes: string[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ISO weekday (1 = Monday) of a valid YYYY-MM-DD, or null if malformed or impossible. */
export function isoWeekdayOf(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  const wd = t.getUTCDay();
  return wd === 0 ? 7 : wd;
}

/**
 * Every consistency problem of one year's schedule, all at once (nothing is written when
 * there is any): a malformed or impossible date, a date outside the year, a date listed twice
 * (with the same kind, or as both a holiday and a working day), a make-up working day that is a
 * normal working weekday anyway (a typo for the weekend day it should be), a year that is not
 * the one addressed, a time zone other than the calendar's.
 */
export function checkCalendarYear(
  input: CalendarYearInput,
  ctx: { year: number; workWeek: readonly number[]; timeZone: string },
): ScheduleCheck {
  const problems: ScheduleProblem[] = [];
  const notes: string[] = [];
  if (input.year !== ctx.year) problems.push({ path: 'year', message: `the document is for ${input.year}, the request for ${ctx.year}` });
  if (input.timeZone !== undefined && input.timeZone !== ctx.timeZone) {
    problems.push({ path: 'timeZone', message: `the calendar's time zone is ${ctx.timeZone}, the document says ${input.timeZone}` });
  }
  const working = new Set(ctx.workWeek);
  const seen = new Map<string, { index: number; kind: string }>();
  input.days.forEach((d, i) => {
    const path = `days.${i}.date`;
    const weekday = isoWeekdayOf(d.date);
    if (weekday === null) {
      problems.push({ path, message: DATE.test(d.date) ? `${d.date} does not exist` : `"${d.date}" is not a date in YYYY-MM-DD form` });
      return;
    }
    if (Number(d.date.slice(0, 4)) !== ctx.year) problems.push({ path, message: `${d.date} is outside ${ctx.year}` });
    const earlier = seen.get(d.date);
    if (earlier) {
      problems.push({
        path,
        message:
          earlier.kind === d.kind
            ? `${d.date} is listed twice (also days.${earlier.index})`
            : `${d.date} is both a day off and a working day (days.${earlier.index} is ${earlier.kind}, this is ${d.kind})`,
      });
      return;
    }
    seen.set(d.date, { index: i, kind: d.kind });
    if (d.kind === 'WORKDAY' && working.has(weekday)) {
      problems.push({ path, message: `${d.date} is a make-up working day on a normal working weekday (ISO ${weekday}): 调休 days fall on weekends` });
    }
    if (d.kind === 'HOLIDAY' && !working.has(weekday)) {
      notes.push(`${d.date} (${d.name || 'holiday'}) falls on a weekend: listed as in the notice, it changes nothing`);
    }
  });
  return { problems, notes };
}

const DAY_MS = 86_400_000;

/**
 * The warning shown from 1 November of year Y (local time in the calendar's zone) while year
 * Y+1 has no schedule: the State Council publishes the next year's holidays in the autumn, and
 * without them every deadline in Y+1 would count holidays as working days. Null: nothing to say.
 */
export function calendarExpiryWarning(nowMs: number, utcOffsetMinutes: number, yearsPresent: readonly number[]): string | null {
  const local = new Date(nowMs + utcOffsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  // A year already under way without its schedule is worse than next year's missing.
  if (!yearsPresent.includes(year)) {
    return `the working calendar has no schedule for ${year}, the current year: deadlines count its public holidays as working days until it is imported (PUT /admin/calendar/years/${year} or npm run calendar:import)`;
  }
  const novFirst = Date.UTC(year, 10, 1);
  if (Math.floor(local.getTime() / DAY_MS) * DAY_MS < novFirst) return null;
  if (yearsPresent.includes(year + 1)) return null;
  return `the working calendar has no schedule for ${year + 1} (public holidays and make-up working days): import it before 1 January (PUT /admin/calendar/years/${year + 1} or npm run calendar:import)`;
}
