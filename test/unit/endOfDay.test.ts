// The end-of-day sweep's pure rules (domain/routines/endOfDay.ts): which days are swept (the
// calendar's working days, 调休 included), the day's bounds, and which cases are listed and why.
// Every instant pinned.
import { defaultCalendar } from '../../domain/calendar';
import { CN_HOLIDAYS_2025_2026 } from '../../domain/holidays';
import { hazardNotCleared, isIsoDate, localDayBounds, planSweep, sweepReasons } from '../../domain/routines/endOfDay';

const cal = defaultCalendar({
  holidays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'HOLIDAY').map((e) => e.date),
  workdays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'WORKDAY').map((e) => e.date),
});
const at = (s: string) => Date.parse(s);

describe('planSweep', () => {
  it('a working day at 17:30 sweeps that day, from its midnight to the run', () => {
    const now = at('2026-12-03T17:30:00+08:00');
    expect(planSweep(now, cal)).toEqual({ sweep: true, date: '2026-12-03', from: at('2026-12-03T00:00:00+08:00'), asOf: now });
  });

  it('the local date decides, not the UTC one (17:30 Shanghai is 09:30 UTC; 00:30 Shanghai is the previous UTC day)', () => {
    expect(planSweep(at('2026-12-03T00:30:00+08:00'), cal)).toMatchObject({ sweep: true, date: '2026-12-03' });
  });

  it('a weekend and a public holiday are not swept', () => {
    expect(planSweep(at('2026-12-05T17:30:00+08:00'), cal)).toEqual({ sweep: false, date: '2026-12-05', reason: '2026-12-05 is not a working day' });
    expect(planSweep(at('2026-02-16T17:30:00+08:00'), cal)).toMatchObject({ sweep: false, date: '2026-02-16' });
  });

  it('a make-up working day (调休, Saturday 2026-02-14) is swept', () => {
    expect(planSweep(at('2026-02-14T17:30:00+08:00'), cal)).toMatchObject({ sweep: true, date: '2026-02-14' });
  });

  it('a run for an earlier date reads that whole day (a missed run made up)', () => {
    const p = planSweep(at('2026-12-04T10:00:00+08:00'), cal, '2026-12-03');
    expect(p).toEqual({ sweep: true, date: '2026-12-03', from: at('2026-12-03T00:00:00+08:00'), asOf: at('2026-12-04T00:00:00+08:00') });
  });


  it('a day not begun is not swept (it would keep the real sweep out)', () => {
    expect(planSweep(at('2026-12-03T17:30:00+08:00'), cal, '2026-12-04')).toEqual({ sweep: false, date: '2026-12-04', reason: '2026-12-04 has not begun' });
  });
});

describe('localDayBounds and isIsoDate', () => {
  it('bounds a Shanghai day in UTC instants', () => {
    expect(localDayBounds('2026-12-03', cal)).toEqual({ start: at('2026-12-02T16:00:00Z'), end: at('2026-12-03T16:00:00Z') });
  });
  it('accepts real dates only', () => {
    expect(isIsoDate('2026-12-03')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(isIsoDate('today')).toBe(false);
    expect(() => localDayBounds('2026-13-01', cal)).toThrow(RangeError);
  });
});

describe('sweepReasons', () => {
  const from = at('2026-12-03T00:00:00+08:00');
  const asOf = at('2026-12-03T17:30:00+08:00');
  const today = at('2026-12-03T10:00:00+08:00');
  const yesterday = at('2026-12-02T10:00:00+08:00');

  it('a case reported today with no first response is UNANSWERED (reported or only accepted)', () => {
    expect(sweepReasons({ code: 'A', status: 'REPORTED', urgent: false, reportedAt: today }, from, asOf)).toEqual(['UNANSWERED']);
    expect(sweepReasons({ code: 'A', status: 'ACCEPTED', urgent: false, reportedAt: today }, from, asOf)).toEqual(['UNANSWERED']);
  });

  it('answered, or reported another day, is not (unless urgent)', () => {
    expect(sweepReasons({ code: 'A', status: 'IN_PROGRESS', urgent: false, reportedAt: today }, from, asOf)).toEqual([]);
    expect(sweepReasons({ code: 'A', status: 'REPORTED', urgent: false, reportedAt: yesterday }, from, asOf)).toEqual([]);
  });

  it('an urgent case without a result is URGENT_UNRESOLVED whatever day it was reported', () => {
    expect(sweepReasons({ code: 'A', status: 'IN_PROGRESS', urgent: true, reportedAt: yesterday }, from, asOf)).toEqual(['URGENT_UNRESOLVED']);
    expect(sweepReasons({ code: 'A', status: 'REPORTED', urgent: true, reportedAt: today }, from, asOf)).toEqual(['UNANSWERED', 'URGENT_UNRESOLVED']);
  });

  it('an urgent case with its result in (PENDING_REVIEW), closed or planned long-term is not listed', () => {
    for (const status of ['PENDING_REVIEW', 'CLOSED', 'SURVEYED', 'LONG_TERM_PLAN']) {
      expect(sweepReasons({ code: 'A', status, urgent: true, reportedAt: today }, from, asOf)).toEqual([]);
    }
  });

  it('an urgent case on the hazard path not cleared by the end of the day is HAZARD_NOT_CLEARED, whatever its status while open', () => {
    const hazard = { code: 'A', urgent: true, reportedAt: yesterday, hazardDueAt: yesterday + 2 * 3_600_000, hazardClearedAt: null };
    expect(sweepReasons({ ...hazard, status: 'IN_PROGRESS' }, from, asOf)).toEqual(['URGENT_UNRESOLVED', 'HAZARD_NOT_CLEARED']);
    // The result is in (or the case is on the long-term plan), the hazard is not cleared: still listed.
    expect(sweepReasons({ ...hazard, status: 'PENDING_REVIEW' }, from, asOf)).toEqual(['HAZARD_NOT_CLEARED']);
    expect(sweepReasons({ ...hazard, status: 'LONG_TERM_PLAN' }, from, asOf)).toEqual(['HAZARD_NOT_CLEARED']);
    // Reported today, due after the end of the day: not cleared tonight is still overnight.
    expect(sweepReasons({ ...hazard, status: 'ACCEPTED', reportedAt: today, hazardDueAt: asOf + 3_600_000 }, from, asOf)).toEqual(['UNANSWERED', 'URGENT_UNRESOLVED', 'HAZARD_NOT_CLEARED']);
  });

  it('a hazard cleared before the end of the day, a closed case, or a case without the hazard path is not HAZARD_NOT_CLEARED', () => {
    const hazard = { code: 'A', urgent: true, reportedAt: today, hazardDueAt: today + 2 * 3_600_000 };
    expect(sweepReasons({ ...hazard, status: 'PENDING_REVIEW', hazardClearedAt: today + 3_600_000 }, from, asOf)).toEqual([]);
    // Cleared after the day swept (a catch-up run reads the projection later): not cleared that day.
    expect(hazardNotCleared({ status: 'PENDING_REVIEW', hazardDueAt: hazard.hazardDueAt, hazardClearedAt: asOf + 1 }, asOf)).toBe(true);
    for (const status of ['CLOSED', 'SURVEYED']) expect(sweepReasons({ ...hazard, status, hazardClearedAt: null }, from, asOf)).toEqual([]);
    expect(sweepReasons({ code: 'A', status: 'PENDING_REVIEW', urgent: true, reportedAt: today, hazardDueAt: null, hazardClearedAt: null }, from, asOf)).toEqual([]);
  });

  it('a case reported after the sweep read the cases is left to the next day', () => {
    expect(sweepReasons({ code: 'A', status: 'REPORTED', urgent: true, reportedAt: asOf }, from, asOf)).toEqual([]);
  });
});
