// Periods, rankings, the CSV export, who may read what, and who may score a call.
import { canSee, visibleUnits } from '../../domain/assessment/access';
import { scoreInputProblems, scoreSideFor, type CallRef } from '../../features/assessment/callScores';
import { callerUnitOf, compositeScore, emptyUnitFigures, type AssessmentFigures, type UnitFigures } from '../../domain/assessment/figures';
import { isPeriod, parsePeriod, periodContaining, PeriodError, previousMonth, previousPeriods } from '../../domain/assessment/period';
import { csvCell, rankingCsv, rankUnits } from '../../domain/assessment/rankings';
import { C1, CG, D, FIXTURE_UNITS, G1, G3, S1, S2 } from '../fixtures/assessmentCases';

const iso = (ms: number) => new Date(ms).toISOString();

describe('periods (Asia/Shanghai local dates)', () => {
  it('parses months, quarters and years into UTC bounds', () => {
    const m = parsePeriod('2026-11');
    expect([m.kind, iso(m.startMs), iso(m.endMs)]).toEqual(['MONTH', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']);
    const q = parsePeriod('2026-Q4');
    expect([q.kind, iso(q.startMs), iso(q.endMs)]).toEqual(['QUARTER', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    const y = parsePeriod('2026');
    expect([y.kind, iso(y.startMs), iso(y.endMs)]).toEqual(['YEAR', '2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(iso(parsePeriod('2026-12').endMs)).toBe('2026-12-31T16:00:00.000Z');
    expect(iso(parsePeriod('2026-02', 0).startMs)).toBe('2026-02-01T00:00:00.000Z');
  });

  it('refuses anything else', () => {
    for (const bad of ['2026-13', '2026-00', '2026-Q5', '26-11', '2026-1', '2026/11', '', 'latest']) {
      expect(isPeriod(bad)).toBe(false);
      expect(() => parsePeriod(bad)).toThrow(PeriodError);
    }
  });

  it('finds the period of an instant by its local date', () => {
    // 31 Oct 23:59 in Shanghai is 15:59 UTC; 1 Nov 00:00 is 16:00 UTC.
    expect(periodContaining(Date.parse('2026-10-31T15:59:59.999Z'), 'MONTH').text).toBe('2026-10');
    expect(periodContaining(Date.parse('2026-10-31T16:00:00.000Z'), 'MONTH').text).toBe('2026-11');
    expect(periodContaining(Date.parse('2026-12-31T16:00:00.000Z'), 'QUARTER').text).toBe('2027-Q1');
    expect(periodContaining(Date.parse('2026-06-30T17:00:00.000Z'), 'YEAR').text).toBe('2026');
  });

  it('walks back: the trend periods and the month the schedule assesses', () => {
    expect(previousPeriods(parsePeriod('2026-02'), 3).map((p) => p.text)).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(previousPeriods(parsePeriod('2026-Q1'), 2).map((p) => p.text)).toEqual(['2025-Q3', '2025-Q4']);
    expect(previousPeriods(parsePeriod('2026'), 1).map((p) => p.text)).toEqual(['2025']);
    expect(previousPeriods(parsePeriod('2026'), 0)).toEqual([]);
    // The schedule fires at 01:00 Shanghai on 1 January (17:00 UTC on 31 December).
    expect(previousMonth(Date.parse('2025-12-31T17:00:00Z')).text).toBe('2025-12');
    expect(previousMonth(Date.parse('2026-11-30T17:00:00Z')).text).toBe('2026-11');
  });
});

const figuresOf = (units: UnitFigures[]): AssessmentFigures => ({
  formulaVersion: 1,
  period: '2026-10',
  periodKind: 'MONTH',
  startAt: '',
  endAt: '',
  asOf: '',
  totals: { cases: 0, closed: 0, surveysAnswered: 0, surveysUnreachable: 0, calls: 0, scores: 0 },
  units,
});
const street = (id: string, score: number | null, escalations = 0): UnitFigures => ({
  ...emptyUnitFigures(id, { kind: 'STREET', name: id, parentId: D }),
  score,
  escalationsCaused: escalations,
});

describe('rankings', () => {
  it('orders by score, then fewer escalations caused, then id; equal pairs share a rank', () => {
    const f = figuresOf([street('S-A', 80, 2), street('S-B', 90), street('S-C', 80, 2), street('S-D', null), street('S-E', 80, 1), street('S-F', 70)]);
    expect(rankUnits(f, 'STREET').map((r) => [r.figures.unitId, r.rank])).toEqual([
      ['S-B', 1], ['S-E', 2], ['S-A', 3], ['S-C', 3], ['S-F', 5], ['S-D', null],
    ]);
    expect(rankUnits(f, 'GRID')).toEqual([]);
  });

  it('the composite score averages measured components only', () => {
    const base = emptyUnitFigures('X', { kind: 'GRID', name: 'x', parentId: null });
    expect(compositeScore(base)).toBeNull();
    expect(compositeScore({ ...base, acceptanceOnTime: { numerator: 1, denominator: 2, rate: 0.5 } })).toBe(50);
    expect(compositeScore({ ...base, reopen: { numerator: 1, denominator: 4, rate: 0.25 } })).toBe(75);
    const dept = emptyUnitFigures('Y', { kind: 'DEPARTMENT', name: 'y', parentId: null });
    // Department: a grid-style rate does not count; 1–5 scores map to 0–1.
    expect(compositeScore({ ...dept, acceptanceOnTime: { numerator: 1, denominator: 1, rate: 1 } })).toBeNull();
    expect(compositeScore({ ...dept, cooperation: { count: 2, sum: 6, mean: 3 } })).toBe(50);
  });
});

describe('CSV export', () => {
  it('quotes, escapes and defuses formula-looking cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell(-1)).toBe('-1');
  });

  it('has a BOM, a header and one line per unit with blank cells for unmeasured rates', () => {
    const f = figuresOf([street('S-A', 80), { ...street('S-B', null), name: '鼓东街道' }]);
    const csv = rankingCsv('2026-10', rankUnits(f, 'STREET'));
    expect(csv.startsWith('\uFEFFperiod,rank,unit_id,unit_name,kind,score,cases_handled,acceptance_on_time_rate,')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1].startsWith('2026-10,1,S-A,S-A,STREET,80.00,0,,0,0,')).toBe(true);
    expect(lines[2].startsWith('2026-10,,S-B,鼓东街道,STREET,,0,')).toBe(true);
    expect(lines[0].split(',').length).toBe(lines[1].split(',').length);
  });
});

describe('who reads which figures', () => {
  it('district roles and auditors read all; a street its street and what lies under it; a department itself', () => {
    for (const role of ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'] as const) {
      expect(visibleUnits({ role, unitId: D }, FIXTURE_UNITS)).toBe('ALL');
    }
    const street = visibleUnits({ role: 'STREET_DISPATCHER', unitId: S1 }, FIXTURE_UNITS);
    expect([...(street as Set<string>)].sort()).toEqual([S1, C1, G1, 'AD-S1-C1-G2'].sort());
    expect(canSee(street, G3)).toBe(false);
    expect(canSee(street, S2)).toBe(false);
    const dept = visibleUnits({ role: 'DEPARTMENT_OFFICER', unitId: CG }, FIXTURE_UNITS);
    expect(canSee(dept, CG)).toBe(true);
    expect(canSee(dept, 'AD-D-SJ')).toBe(false);
    for (const role of ['GRID_WORKER', 'COMMUNITY_WORKER', 'REPORTER'] as const) {
      expect(visibleUnits({ role, unitId: G1 }, FIXTURE_UNITS)).toBeNull();
      expect(canSee(null, G1)).toBe(false);
    }
  });
});

describe('who scores a call', () => {
  const units = { districtId: D, streetId: S1, communityId: C1, gridId: G1 };
  const call = (level: string): CallRef => ({
    caseCode: 'AD-20261015-000001', callId: 'CALL-5', departmentId: CG, level, callerUnitId: callerUnitOf(level, units), calledAt: new Date(),
  });

  it('the calling street scores the department; the department scores the call', () => {
    expect(scoreSideFor({ role: 'STREET_DISPATCHER', unitId: S1 }, call('STREET'))).toEqual({ direction: 'STREET_TO_DEPT', fromUnitId: S1, toUnitId: CG });
    expect(scoreSideFor({ role: 'DEPARTMENT_OFFICER', unitId: CG }, call('STREET'))).toEqual({ direction: 'DEPT_TO_STREET', fromUnitId: CG, toUnitId: S1 });
  });

  it('nobody else: another street, another department, the grid, the command center for a street call', () => {
    expect(scoreSideFor({ role: 'STREET_DISPATCHER', unitId: S2 }, call('STREET'))).toBeNull();
    expect(scoreSideFor({ role: 'DEPARTMENT_OFFICER', unitId: 'AD-D-SJ' }, call('STREET'))).toBeNull();
    expect(scoreSideFor({ role: 'GRID_WORKER', unitId: G1 }, call('STREET'))).toBeNull();
    expect(scoreSideFor({ role: 'COMMAND_CENTER', unitId: D }, call('STREET'))).toBeNull();
  });

  it('a call made at district level is scored by that level of the district, and judged against it', () => {
    expect(scoreSideFor({ role: 'COMMAND_CENTER', unitId: D }, call('COMMAND_CENTER'))).toEqual({ direction: 'STREET_TO_DEPT', fromUnitId: D, toUnitId: CG });
    expect(scoreSideFor({ role: 'STREET_DISPATCHER', unitId: S1 }, call('COMMAND_CENTER'))).toBeNull();
    expect(scoreSideFor({ role: 'DEPARTMENT_OFFICER', unitId: CG }, call('COMMAND_CENTER'))).toEqual({ direction: 'DEPT_TO_STREET', fromUnitId: CG, toUnitId: D });
  });

  it('each direction carries its own fields', () => {
    expect(scoreInputProblems('STREET_TO_DEPT', { cooperation: 4, professionalism: 5 })).toEqual([]);
    expect(scoreInputProblems('STREET_TO_DEPT', { cooperation: 4, accurate: true }).map(([p]) => p)).toEqual(['professionalism', 'accurate']);
    expect(scoreInputProblems('DEPT_TO_STREET', { accurate: false, comment: '应由街道自行处置' })).toEqual([]);
    expect(scoreInputProblems('DEPT_TO_STREET', { cooperation: 3 }).map(([p]) => p)).toEqual(['accurate', 'cooperation']);
  });
});
