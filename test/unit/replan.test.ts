// The calendar re-plan (domain/replan.ts): open working-time windows keep the working time
// they had, laid out again on the new calendar from their own start instants.
import { addSpan, addWorkingDays, addWorkingMinutes, defaultCalendar } from '../../domain/calendar';
import { replanWindows } from '../../domain/replan';
import { openWindow } from '../../domain/windows';
import type { OpenWindow, Span } from '../../domain/types';

// The calendar as seeded today: 2025–2026 holidays only, so 2027 looks like plain weeks.
const before = defaultCalendar();
// The 2027 schedule imported: New Year's Day and the Spring Festival (Sat 6 – Fri 12 Feb).
const SPRING_2027 = ['2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'];
const after = defaultCalendar({ holidays: [...before.holidays, '2027-01-01', ...SPRING_2027] });

const SEVEN_DAYS: Span = { clock: 'WORKING', days: 7 };
// Monday 1 Feb 2027, 10:00 in Shanghai.
const START = Date.parse('2027-02-01T02:00:00Z');

function win(o: Partial<OpenWindow> & { span?: Span } = {}): OpenWindow {
  const { span = SEVEN_DAYS, ...rest } = o;
  return { ...openWindow({ id: 'COMPLETION-3', kind: 'COMPLETION', span, level: 'GRID', unitId: 'G', startedAt: START, remindFraction: 0.8, calendar: before }), ...rest };
}

describe('replanWindows', () => {
  it('moves a 7-working-day completion window across the Spring Festival, reminder included', () => {
    const w = win();
    expect(new Date(w.dueAt).toISOString()).toBe('2027-02-10T02:00:00.000Z');
    const { windows, moved } = replanWindows([w], before, after, START + 3_600_000, 0.8);
    expect(new Date(windows[0].dueAt).toISOString()).toBe('2027-02-17T02:00:00.000Z');
    expect(windows[0].dueAt).toBe(addSpan(START, SEVEN_DAYS, after));
    expect(windows[0].remindAt).toBe(addWorkingMinutes(START, 0.8 * 7 * 420, after));
    expect(moved).toEqual([{ windowId: 'COMPLETION-3', kind: 'COMPLETION', startedAt: START, fromDueAt: w.dueAt, toDueAt: windows[0].dueAt }]);
    expect(w.dueAt).toBe(Date.parse('2027-02-10T02:00:00Z')); // the input is not mutated
  });

  it('keeps an approved extension: a window extended by 2 working days stays 9 working days long', () => {
    const w = win();
    const extended = { ...w, dueAt: addWorkingDays(w.dueAt, 2, before) };
    expect(new Date(extended.dueAt).toISOString()).toBe('2027-02-12T02:00:00.000Z');
    const { windows } = replanWindows([extended], before, after, START, 0.8);
    expect(new Date(windows[0].dueAt).toISOString()).toBe('2027-02-19T02:00:00.000Z');
    expect(windows[0].dueAt).toBe(addWorkingDays(START, 9, after));
  });

  it('starting on 28 Dec 2026, a window crossing the new New Year holiday ends a working day later', () => {
    const start = Date.parse('2026-12-28T02:00:00Z'); // Monday 10:00
    const w = win({ startedAt: start, dueAt: addSpan(start, SEVEN_DAYS, before) });
    expect(new Date(w.dueAt).toISOString()).toBe('2027-01-06T02:00:00.000Z');
    const { windows } = replanWindows([w], before, after, start, 0.8);
    expect(new Date(windows[0].dueAt).toISOString()).toBe('2027-01-07T02:00:00.000Z');
  });

  it('leaves wall-clock and report windows, and a calendar that changes nothing, alone', () => {
    const wall = win({ id: 'ON_SITE-1', kind: 'ON_SITE', clock: 'WALL', dueAt: START + 7_200_000 });
    const report = win({ id: 'REPORT-4', kind: 'REPORT', refId: 'CALL-4' });
    const same = replanWindows([wall, report, win()], before, before, START, 0.8);
    const moved = replanWindows([wall, report], before, after, START, 0.8);
    expect(same.moved).toEqual([]);
    expect(moved.moved).toEqual([]);
    expect(moved.windows[0]).toBe(wall);
    expect(moved.windows[1]).toBe(report);
  });

  it('keeps a sent reminder as it was', () => {
    const w = { ...win(), reminded: true };
    const { windows } = replanWindows([w], before, after, START, 0.8);
    expect(windows[0].reminded).toBe(true);
    expect(windows[0].remindAt).toBe(w.remindAt);
  });

  it('never makes an open window lapse: a due time moved into the past keeps the old one', () => {
    // Planned while 10 Feb was a holiday; the corrected schedule makes it a working day again.
    const w = { ...win(), dueAt: addSpan(START, SEVEN_DAYS, after) };
    const now = Date.parse('2027-02-16T02:00:00Z');
    const earlier = replanWindows([w], after, before, now, 0.8);
    expect(earlier.moved).toEqual([]);
    expect(earlier.windows[0].dueAt).toBe(w.dueAt);
    // Earlier than it was but still ahead of now: it moves.
    const sooner = replanWindows([w], after, before, START, 0.8);
    expect(new Date(sooner.windows[0].dueAt).toISOString()).toBe('2027-02-10T02:00:00.000Z');
  });
});
