// The administrator's pure rules: the organisation tree (parent kinds, cycles, role ↔ unit)
// and the consistency of an imported calendar year, with the "next year is missing" warning.
import { calendarExpiryWarning, checkCalendarYear, isoWeekdayOf, type CalendarYearInput } from '../../domain/calendarSchedule';
import { calendarYearSchema } from '../../features/admin/calendarDocument';
import { parentKindProblem, roleUnitProblem, wouldCreateCycle } from '../../domain/orgTree';

describe('organisation tree', () => {
  const parents: Record<string, string | null> = { D: null, S1: 'D', C1: 'S1', G1: 'C1', S2: 'D' };
  const parentOf = (id: string) => parents[id];

  it('moving a unit under itself or a descendant is a cycle; elsewhere it is not', () => {
    expect(wouldCreateCycle('C1', 'C1', parentOf)).toBe(true);
    expect(wouldCreateCycle('S1', 'G1', parentOf)).toBe(true);
    expect(wouldCreateCycle('C1', 'S2', parentOf)).toBe(false);
    expect(wouldCreateCycle('G1', 'C1', parentOf)).toBe(false);
  });

  it('a broken tree (already a loop) does not hang the check', () => {
    const loop: Record<string, string> = { A: 'B', B: 'A' };
    expect(wouldCreateCycle('X', 'A', (id) => loop[id])).toBe(false);
  });

  it('parent kinds: street under district, community under street, grid under community, department under district', () => {
    expect(parentKindProblem('STREET', 'DISTRICT')).toBeNull();
    expect(parentKindProblem('COMMUNITY', 'STREET')).toBeNull();
    expect(parentKindProblem('GRID', 'COMMUNITY')).toBeNull();
    expect(parentKindProblem('DEPARTMENT', 'DISTRICT')).toBeNull();
    expect(parentKindProblem('GRID', 'STREET')).toMatch(/GRID must be under a COMMUNITY, not under a STREET/);
    expect(parentKindProblem('COMMUNITY', 'DISTRICT')).toMatch(/under a STREET/);
    expect(parentKindProblem('DISTRICT', 'DISTRICT')).toMatch(/root/);
    expect(parentKindProblem('STREET', null)).toMatch(/under a DISTRICT$/);
  });

  it('a role belongs to its kind of unit', () => {
    expect(roleUnitProblem('GRID_WORKER', 'GRID')).toBeNull();
    expect(roleUnitProblem('ADMIN', 'DISTRICT')).toBeNull();
    expect(roleUnitProblem('GRID_WORKER', 'COMMUNITY')).toMatch(/GRID_WORKER belongs to a GRID/);
    expect(roleUnitProblem('DEPARTMENT_OFFICER', 'DISTRICT')).toMatch(/DEPARTMENT/);
  });
});

describe('calendar year consistency', () => {
  const ctx = { year: 2027, workWeek: [1, 2, 3, 4, 5], timeZone: 'Asia/Shanghai' };
  const doc = (days: CalendarYearInput['days'], extra: Partial<CalendarYearInput> = {}): CalendarYearInput => ({ year: 2027, days, ...extra });

  it('a consistent year passes; holidays on a weekend are a note, not a problem', () => {
    // 2027-02-06 is a Saturday, 2027-02-08 a Monday, 2027-02-20 a Saturday.
    const r = checkCalendarYear(doc([
      { date: '2027-02-06', kind: 'HOLIDAY', name: '春节' },
      { date: '2027-02-08', kind: 'HOLIDAY', name: '春节' },
      { date: '2027-02-20', kind: 'WORKDAY', name: '春节调休' },
    ]), ctx);
    expect(r.problems).toEqual([]);
    expect(r.notes).toEqual([expect.stringMatching(/^2027-02-06 .*weekend/)]);
  });

  it('lists every problem at once, each at its path', () => {
    const r = checkCalendarYear(
      doc(
        [
          { date: '2027-13-01', kind: 'HOLIDAY', name: '' },
          { date: '2027/01/01', kind: 'HOLIDAY', name: '' },
          { date: '2026-12-31', kind: 'HOLIDAY', name: '' },
          { date: '2027-10-01', kind: 'HOLIDAY', name: '' },
          { date: '2027-10-01', kind: 'HOLIDAY', name: '' },
          { date: '2027-05-01', kind: 'HOLIDAY', name: '' },
          { date: '2027-05-01', kind: 'WORKDAY', name: '' },
          { date: '2027-02-10', kind: 'WORKDAY', name: '' },
        ],
        { year: 2028, timeZone: 'Europe/Paris' },
      ),
      ctx,
    );
    expect(r.problems).toEqual([
      { path: 'year', message: expect.stringMatching(/2028.*2027/) },
      { path: 'timeZone', message: expect.stringMatching(/Asia\/Shanghai/) },
      { path: 'days.0.date', message: '2027-13-01 does not exist' },
      { path: 'days.1.date', message: expect.stringMatching(/not a date in YYYY-MM-DD/) },
      { path: 'days.2.date', message: '2026-12-31 is outside 2027' },
      { path: 'days.4.date', message: expect.stringMatching(/listed twice \(also days.3\)/) },
      { path: 'days.6.date', message: expect.stringMatching(/both a day off and a working day/) },
      { path: 'days.7.date', message: expect.stringMatching(/make-up working day on a normal working weekday/) },
    ]);
  });

  it('isoWeekdayOf', () => {
    expect(isoWeekdayOf('2027-02-06')).toBe(6);
    expect(isoWeekdayOf('2027-02-08')).toBe(1);
    expect(isoWeekdayOf('2027-02-29')).toBeNull();
  });
});

describe('calendar expiry warning', () => {
  const SH = 480;
  const at = (iso: string) => Date.parse(iso);

  it('nothing before 1 November (local time) while the current year is present', () => {
    expect(calendarExpiryWarning(at('2026-10-31T15:59:59Z'), SH, [2026])).toBeNull();
  });

  it('from 1 November 00:00 local time, while next year is missing', () => {
    expect(calendarExpiryWarning(at('2026-10-31T16:00:00Z'), SH, [2026])).toMatch(/no schedule for 2027/);
    expect(calendarExpiryWarning(at('2026-12-31T12:00:00Z'), SH, [2025, 2026])).toMatch(/2027/);
  });

  it('not once next year is imported', () => {
    expect(calendarExpiryWarning(at('2026-11-15T00:00:00Z'), SH, [2026, 2027])).toBeNull();
  });

  it('a current year without a schedule is warned about all year', () => {
    expect(calendarExpiryWarning(at('2028-03-01T00:00:00Z'), SH, [2026, 2027])).toMatch(/no schedule for 2028, the current year/);
  });
});

describe('docs/calendar/2027.json', () => {
  it('is a valid, consistent import document (an example, and it says so)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const raw: unknown = require('../../docs/calendar/2027.json');
    const doc = calendarYearSchema.parse(raw);
    expect(doc.source).toMatch(/^EXAMPLE, NOT THE OFFICIAL SCHEDULE/);
    const r = checkCalendarYear(doc, { year: 2027, workWeek: [1, 2, 3, 4, 5], timeZone: 'Asia/Shanghai' });
    expect(r.problems).toEqual([]);
    // Chinese New Year's Day 2027 is 6 February; its eve is a holiday too.
    expect(doc.days.filter((d) => d.kind === 'HOLIDAY').map((d) => d.date)).toEqual(expect.arrayContaining(['2027-02-05', '2027-02-06', '2027-10-01']));
  });
});
