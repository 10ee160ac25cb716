// Working calendar: pure, deterministic time arithmetic over a CalendarSnapshot.
//
// Imported inside the Temporal workflow sandbox, so: no Intl, no Node built-ins, no clock
// reads, no randomness. The only value import is ./holidays, which is plain data.
// Local time is computed by shifting epoch ms by the snapshot's fixed utcOffsetMinutes and
// reading the shifted value on a "local day index" grid (day 0 = 1970-01-01 local).
//
// Semantics (shared by every function below):
// - Office segments are half-open [start, end): 09:00 is working, 12:00 is not.
// - A positive working amount starting outside office time starts counting at the next
//   segment start; an amount that ends exactly on a segment end returns that end (17:30),
//   never the next morning.
// - Amounts are rounded to whole milliseconds (fractional minutes are fine: 0.5 min = 30 s).
// - The snapshot is treated as immutable; derived lookups are cached per snapshot object
//   (the cache is rebuilt if any of its arrays is replaced or changes length).

import type { CalendarSnapshot, Span } from './types';
import { CN_HOLIDAYS_2025_2026 } from './holidays';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** addWorkingMinutes gives up after this many consecutive days without office time. */
const MAX_IDLE_DAYS = 3660;

interface Compiled {
  offsetMs: number;
  /** Office segments as [startMs, endMs) offsets from local midnight, sorted. */
  segments: Array<[number, number]>;
  perDayMs: number;
  /** ISO weekday (1..7) → working by the week pattern. */
  week: boolean[];
  holidays: Set<number>;
  workdays: Set<number>;
  // What the cache was built from, to notice a replaced or grown array.
  src: { off: number; oh: unknown; ohLen: number; ww: unknown; wwLen: number; hol: unknown; holLen: number; wd: unknown; wdLen: number };
}

const cache = new WeakMap<CalendarSnapshot, Compiled>();

function parseHHMM(s: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new Error(`calendar: office hour "${s}" is not HH:MM`);
  const hh = Number(m[1]);
  const mm = Number(m[2]);
  if (mm > 59 || hh > 24 || (hh === 24 && mm !== 0)) throw new Error(`calendar: office hour "${s}" is out of range`);
  return (hh * 60 + mm) * MINUTE_MS;
}

/** 'YYYY-MM-DD' → local day index (days since 1970-01-01); throws on a malformed or impossible date. */
function parseDate(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`calendar: date "${s}" is not YYYY-MM-DD`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`calendar: date "${s}" does not exist`);
  }
  return ms / DAY_MS;
}

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

function formatDay(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day index; day 0 (1970-01-01) was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function compile(cal: CalendarSnapshot): Compiled {
  const hit = cache.get(cal);
  if (
    hit &&
    hit.src.off === cal.utcOffsetMinutes &&
    hit.src.oh === cal.officeHours && hit.src.ohLen === cal.officeHours.length &&
    hit.src.ww === cal.workWeek && hit.src.wwLen === cal.workWeek.length &&
    hit.src.hol === cal.holidays && hit.src.holLen === cal.holidays.length &&
    hit.src.wd === cal.workdays && hit.src.wdLen === cal.workdays.length
  ) {
    return hit;
  }
  if (!Number.isFinite(cal.utcOffsetMinutes) || Math.abs(cal.utcOffsetMinutes) > 18 * 60) {
    throw new Error(`calendar: utcOffsetMinutes ${cal.utcOffsetMinutes} is invalid`);
  }
  const segments: Array<[number, number]> = [];
  let perDayMs = 0;
  let prevEnd = -1;
  for (const [a, b] of cal.officeHours) {
    const s = parseHHMM(a);
    const e = parseHHMM(b);
    if (e <= s) throw new Error(`calendar: office hours ${a}-${b} end before they start`);
    if (s < prevEnd) throw new Error(`calendar: office hours ${a}-${b} overlap or are not sorted`);
    segments.push([s, e]);
    perDayMs += e - s;
    prevEnd = e;
  }
  const week: boolean[] = [false, false, false, false, false, false, false, false];
  for (const d of cal.workWeek) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new Error(`calendar: workWeek day ${d} is not an ISO weekday`);
    week[d] = true;
  }
  const compiled: Compiled = {
    offsetMs: cal.utcOffsetMinutes * MINUTE_MS,
    segments,
    perDayMs,
    week,
    holidays: new Set(cal.holidays.map(parseDate)),
    workdays: new Set(cal.workdays.map(parseDate)),
    src: {
      off: cal.utcOffsetMinutes,
      oh: cal.officeHours, ohLen: cal.officeHours.length,
      ww: cal.workWeek, wwLen: cal.workWeek.length,
      hol: cal.holidays, holLen: cal.holidays.length,
      wd: cal.workdays, wdLen: cal.workdays.length,
    },
  };
  cache.set(cal, compiled);
  return compiled;
}

function workingDayIdx(c: Compiled, day: number): boolean {
  if (c.workdays.has(day)) return true;
  if (c.holidays.has(day)) return false;
  return c.week[isoWeekday(day)] === true;
}

/** Office time (ms) inside [from, to) offsets of one working day. */
function overlapMs(c: Compiled, from: number, to: number): number {
  let sum = 0;
  for (const [s, e] of c.segments) {
    const lo = from > s ? from : s;
    const hi = to < e ? to : e;
    if (hi > lo) sum += hi - lo;
  }
  return sum;
}

function assertInstant(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`calendar: ${what} ${ms} is not a finite epoch ms`);
}

function assertAmount(n: number, what: string): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`calendar: ${what} ${n} must be a finite number >= 0`);
}

/** 'YYYY-MM-DD' of the instant in the calendar's zone. */
export function localDate(ms: number, cal: CalendarSnapshot): string {
  assertInstant(ms, 'instant');
  const c = compile(cal);
  return formatDay(Math.floor((ms + c.offsetMs) / DAY_MS));
}

/** Whether a local date is a working day: the workdays list wins, then the holidays list, then workWeek. */
export function isWorkingDay(dateStr: string, cal: CalendarSnapshot): boolean {
  return workingDayIdx(compile(cal), parseDate(dateStr));
}

/** Whether the instant lies inside an office segment (start inclusive, end exclusive) of a working day. */
export function isWorkingInstant(ms: number, cal: CalendarSnapshot): boolean {
  assertInstant(ms, 'instant');
  const c = compile(cal);
  const local = ms + c.offsetMs;
  const day = Math.floor(local / DAY_MS);
  if (!workingDayIdx(c, day)) return false;
  const tod = local - day * DAY_MS;
  for (const [s, e] of c.segments) if (tod >= s && tod < e) return true;
  return false;
}

/** Office minutes in one working day (420 for 09:00–12:00 + 13:30–17:30: 3 h + 4 h). */
export function minutesPerWorkingDay(cal: CalendarSnapshot): number {
  return compile(cal).perDayMs / MINUTE_MS;
}

/**
 * The instant at which `minutes` working minutes have elapsed counting from startMs.
 * minutes === 0 returns startMs unchanged, even outside office hours (nothing has to elapse).
 * A positive amount starting outside office time counts from the next segment start; landing
 * exactly on a segment end returns that end. Whole working days are skipped in O(1) each.
 * Throws RangeError on a negative/NaN amount, Error if no office time exists for 3660 days.
 */
export function addWorkingMinutes(startMs: number, minutes: number, cal: CalendarSnapshot): number {
  assertInstant(startMs, 'start');
  assertAmount(minutes, 'minutes');
  if (minutes === 0) return startMs;
  const c = compile(cal);
  if (c.perDayMs === 0) throw new Error('calendar: no office hours, working time never elapses');
  let remaining = Math.round(minutes * MINUTE_MS);
  const local = startMs + c.offsetMs;
  let day = Math.floor(local / DAY_MS);
  let tod = local - day * DAY_MS;
  const firstStart = c.segments[0][0];
  let idle = 0;
  for (;;) {
    if (workingDayIdx(c, day)) {
      idle = 0;
      if (tod <= firstStart && remaining > c.perDayMs) {
        remaining -= c.perDayMs; // the whole day is consumed and the end lies beyond it
      } else {
        for (const [s, e] of c.segments) {
          if (tod >= e) continue;
          const from = tod > s ? tod : s;
          const avail = e - from;
          if (remaining <= avail) return day * DAY_MS + from + remaining - c.offsetMs;
          remaining -= avail;
        }
      }
    } else if (++idle > MAX_IDLE_DAYS) {
      throw new Error(`calendar: no working day found in ${MAX_IDLE_DAYS} days after ${formatDay(day - idle + 1)}`);
    }
    day += 1;
    tod = 0;
  }
}

/**
 * addWorkingMinutes(startMs, days × minutesPerWorkingDay): "N working days" means N full days
 * of office time, not "same clock time N working dates later". So Mon 10:00 + 1 = Tue 10:00,
 * and a report at Fri 18:00 + 1 = Mon 17:30 (the whole of Monday's office time).
 */
export function addWorkingDays(startMs: number, days: number, cal: CalendarSnapshot): number {
  assertAmount(days, 'days');
  return addWorkingMinutes(startMs, days * minutesPerWorkingDay(cal), cal);
}

/**
 * When office time next runs from ms: ms itself inside office hours, otherwise the start of
 * the next office segment (after a lapse at night: 09:00 of the next working day).
 */
export function nextOfficeStart(ms: number, cal: CalendarSnapshot): number {
  if (isWorkingInstant(ms, cal)) return ms;
  // One working millisecond from outside office time ends 1 ms after the next segment starts.
  return addWorkingMinutes(ms, 1 / MINUTE_MS, cal) - 1;
}

/** Working minutes elapsed from aMs to bMs (0 if bMs <= aMs); may be fractional. */
export function workingMinutesBetween(aMs: number, bMs: number, cal: CalendarSnapshot): number {
  assertInstant(aMs, 'from');
  assertInstant(bMs, 'to');
  if (bMs <= aMs) return 0;
  const c = compile(cal);
  const la = aMs + c.offsetMs;
  const lb = bMs + c.offsetMs;
  const dayA = Math.floor(la / DAY_MS);
  const dayB = Math.floor(lb / DAY_MS);
  const todA = la - dayA * DAY_MS;
  const todB = lb - dayB * DAY_MS;
  if (dayA === dayB) return workingDayIdx(c, dayA) ? overlapMs(c, todA, todB) / MINUTE_MS : 0;
  let total = workingDayIdx(c, dayA) ? overlapMs(c, todA, DAY_MS) : 0;
  for (let d = dayA + 1; d < dayB; d++) if (workingDayIdx(c, d)) total += c.perDayMs;
  if (workingDayIdx(c, dayB)) total += overlapMs(c, 0, todB);
  return total / MINUTE_MS;
}

function wallMs(span: Span): number {
  const minutes = span.minutes ?? 0;
  const hours = span.hours ?? 0;
  const days = span.days ?? 0;
  assertAmount(minutes, 'span.minutes');
  assertAmount(hours, 'span.hours');
  assertAmount(days, 'span.days');
  return Math.round((minutes + hours * 60 + days * 1440) * MINUTE_MS);
}

function workingMinutesOf(span: Span, cal: CalendarSnapshot): number {
  const minutes = span.minutes ?? 0;
  const hours = span.hours ?? 0;
  const days = span.days ?? 0;
  assertAmount(minutes, 'span.minutes');
  assertAmount(hours, 'span.hours');
  assertAmount(days, 'span.days');
  return minutes + hours * 60 + days * minutesPerWorkingDay(cal);
}

/**
 * End of a span from startMs. WALL: start + minutes/hours/days literally (a day = 24 h).
 * WORKING: minutes and hours are working minutes, days are working days (addWorkingDays);
 * several fields add up (counted as one working amount, which equals chaining them).
 */
export function addSpan(startMs: number, span: Span, cal: CalendarSnapshot): number {
  assertInstant(startMs, 'start');
  if (span.clock === 'WALL') return startMs + wallMs(span);
  return addWorkingMinutes(startMs, workingMinutesOf(span, cal), cal);
}

/**
 * The instant at `fraction` (0..1) of the span from startMs (reminders at 0.8).
 * WALL: linear in wall time; WORKING: that fraction of the span's working minutes.
 * spanFraction(s, span, 1) === addSpan(s, span); fraction 0 returns startMs. Throws RangeError outside 0..1.
 */
export function spanFraction(startMs: number, span: Span, fraction: number, cal: CalendarSnapshot): number {
  assertInstant(startMs, 'start');
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`calendar: fraction ${fraction} must be within 0..1`);
  if (span.clock === 'WALL') return startMs + Math.round(fraction * wallMs(span));
  return addWorkingMinutes(startMs, fraction * workingMinutesOf(span, cal), cal);
}

/** Asia/Shanghai (UTC+8), 09:00–12:00 + 13:30–17:30, Mon–Fri, with the 2025–2026 official holidays and 调休 workdays. */
export function defaultCalendar(overrides?: Partial<CalendarSnapshot>): CalendarSnapshot {
  return {
    timeZone: 'Asia/Shanghai',
    utcOffsetMinutes: 480,
    officeHours: [['09:00', '12:00'], ['13:30', '17:30']],
    workWeek: [1, 2, 3, 4, 5],
    holidays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'HOLIDAY').map((e) => e.date),
    workdays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'WORKDAY').map((e) => e.date),
    ...overrides,
  };
}
