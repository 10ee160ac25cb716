// Assessment figures as pure functions over the hand-computed fixture (no database).
import { computeAssessment, emptyUnitFigures, type AssessmentCase, type AssessmentFigures, type AssessmentInput, type UnitFigures } from '../../domain/assessment/figures';
import { parsePeriod } from '../../domain/assessment/period';
import { rankUnits } from '../../domain/assessment/rankings';
import { backlogCount, backlogInstants, computeBacklog } from '../../domain/assessment/backlog';
import {
  AS_OF, C1, CG, CODES, D, EXPECTED_OCTOBER, FIXTURE_CASES, FIXTURE_SCORES, FIXTURE_UNITS, G1, G2, G3, HB, S1, S2, SJ, r, sh,
} from '../fixtures/assessmentCases';

const input = (period: string, asOf = AS_OF, o: Partial<AssessmentInput> = {}): AssessmentInput => ({
  period: parsePeriod(period),
  asOf,
  cases: FIXTURE_CASES,
  scores: FIXTURE_SCORES,
  units: FIXTURE_UNITS,
  ...o,
});
const unit = (f: AssessmentFigures, id: string): UnitFigures => {
  const u = f.units.find((x) => x.unitId === id);
  if (!u) throw new Error(`no figures for ${id}`);
  return u;
};

describe('October 2026 as of 1 December (hand-computed)', () => {
  const figures = computeAssessment(input('2026-10'));

  it('counts the cohort reported in October', () => {
    expect(figures.totals).toEqual(EXPECTED_OCTOBER.totals);
    expect(figures).toMatchObject({ period: '2026-10', periodKind: 'MONTH', startAt: '2026-09-30T16:00:00.000Z', endAt: '2026-10-31T16:00:00.000Z', asOf: '2026-11-30T16:00:00.000Z' });
  });

  it.each(Object.entries(EXPECTED_OCTOBER.units))('unit %s', (id, expected) => {
    expect(unit(figures, id)).toMatchObject(expected);
  });

  it('lists every unit of the directory, sorted by id', () => {
    expect(figures.units.map((u) => u.unitId)).toEqual(FIXTURE_UNITS.map((u) => u.id).sort());
    expect(unit(figures, S1)).toMatchObject({ kind: 'STREET', name: '一街道', parentId: D });
  });

  it('ranks each level: best score first, unscored last and unranked', () => {
    const rank = (level: 'STREET' | 'GRID' | 'DEPARTMENT') => rankUnits(figures, level).map((x) => [x.figures.unitId, x.rank, x.figures.score]);
    expect(rank('STREET')).toEqual([[S2, 1, 75], [S1, 2, 69.05]]);
    expect(rank('GRID')).toEqual([[G3, 1, 100], [G1, 2, 91.67], [G2, 3, 75]]);
    expect(rank('DEPARTMENT')).toEqual([[SJ, 1, 93.75], [CG, 2, 43.75], [HB, null, null]]);
  });

  it('is reproducible: the same inputs give the same figures, whatever the order of events and cases', () => {
    const shuffled = FIXTURE_CASES.map((c) => ({ ...c, events: [...c.events].reverse() })).reverse();
    expect(computeAssessment(input('2026-10', AS_OF, { cases: shuffled, scores: [...FIXTURE_SCORES].reverse() }))).toEqual(figures);
  });
});

describe('attribution to periods', () => {
  it('a case reported on 31 October and handled in November counts in October only', () => {
    const nov = computeAssessment(input('2026-11'));
    expect(nov.totals.cases).toBe(1); // only I
    expect(unit(nov, G3)).toMatchObject({ casesHandled: 0, acceptanceOnTime: r(0, 0), firstResponseOnTime: r(0, 0), completionOnTime: r(0, 0), satisfaction: r(0, 0), score: null });
    expect(unit(nov, G1)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(1, 1) });
  });

  it('a case reported on 30 September and breached in October counts in September', () => {
    const sep = computeAssessment(input('2026-09'));
    expect(sep.totals.cases).toBe(1);
    expect(unit(sep, G3)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(0, 1), escalationsCaused: 1 });
    expect(unit(sep, S2)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(1, 1) });
  });

  it('a past period recomputed as of its own end counts only what had happened by then', () => {
    const endOfOctober = sh('2026-11-01 00:00');
    const f = computeAssessment(input('2026-10', endOfOctober));
    // D was reported and accepted in October; its response, closing and survey came later.
    expect(unit(f, G3)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(1, 1), firstResponseOnTime: r(0, 0), completionOnTime: r(0, 0), surveysUnreachable: 0 });
    // H's call to HB and S2's late score are not due / not given by then either.
    expect(unit(f, HB)).toMatchObject({ callsReceived: 1, reportRate: r(0, 0) });
    // Recomputing for the same instant gives the same figures.
    expect(computeAssessment(input('2026-10', endOfOctober))).toEqual(f);
  });

  it('a score given after asOf counts once asOf passes it', () => {
    const later = computeAssessment(input('2026-10', sh('2026-12-03 00:00')));
    expect(unit(later, HB)).toMatchObject({ cooperation: { count: 1, sum: 1, mean: 1 }, professionalism: { count: 1, sum: 1, mean: 1 } });
    expect(later.totals.scores).toBe(6);
    // Its report-by time (5 December) has still not passed.
    expect(unit(later, HB).reportRate).toEqual(r(0, 0));
    const afterDue = computeAssessment(input('2026-10', sh('2026-12-06 00:00')));
    expect(unit(afterDue, HB)).toMatchObject({ reportRate: r(0, 1), reportTimeliness: r(0, 1) });
  });

  it('quarters and years contain their months', () => {
    const q4 = computeAssessment(input('2026-Q4'));
    expect(q4.totals.cases).toBe(8); // October's 7 + I
    expect(unit(q4, G1).acceptanceOnTime).toEqual(r(2, 3)); // A, B (missed), I
    expect(unit(q4, G3).acceptanceOnTime).toEqual(r(1, 1)); // D; E is Q3
    const year = computeAssessment(input('2026'));
    expect(year.totals.cases).toBe(9);
    expect(unit(year, G3)).toMatchObject({ acceptanceOnTime: r(1, 2), escalationsCaused: 1, casesHandled: 2 });
  });
});

describe('a period without cases', () => {
  it('lists every unit with zero counts and null rates and scores', () => {
    const aug = computeAssessment(input('2026-08'));
    expect(aug.totals).toEqual({ cases: 0, closed: 0, surveysAnswered: 0, surveysUnreachable: 0, calls: 0, scores: 0 });
    expect(aug.units).toHaveLength(FIXTURE_UNITS.length);
    for (const u of aug.units) {
      const info = FIXTURE_UNITS.find((x) => x.id === u.unitId)!;
      expect(u).toEqual(emptyUnitFigures(u.unitId, info));
    }
    expect(unit(aug, C1)).toMatchObject({
      casesHandled: 0, escalationsCaused: 0, extensionsAsked: 0, callsMade: 0,
      acceptanceOnTime: { numerator: 0, denominator: 0, rate: null },
      cooperation: { count: 0, sum: 0, mean: null },
      score: null,
    });
    expect(rankUnits(aug, 'STREET').map((x) => x.rank)).toEqual([null, null]);
  });

  it('with no directory and no cases there are no units', () => {
    expect(computeAssessment(input('2026-08', AS_OF, { units: [] })).units).toEqual([]);
  });
});

describe('unit-level rules in isolation', () => {
  const one = (events: Array<[string, string | null, Record<string, unknown>?]>, policyUnits = FIXTURE_UNITS) =>
    computeAssessment({
      period: parsePeriod('2026-10'),
      asOf: AS_OF,
      units: policyUnits,
      scores: [],
      cases: [{
        code: CODES.A,
        units: { districtId: D, streetId: S1, communityId: C1, gridId: G1 },
        events: events.map(([type, unitId, data], i) => ({ seq: i + 1, type, at: sh('2026-10-05 09:00') + i * 60_000, actorId: null, actorRole: null, unitId, level: 'GRID', data: data ?? {} })),
      }],
    });

  it('an action without timing (a window that had already lapsed at the top) is not measured twice', () => {
    const f = one([['REPORTED', G1], ['BREACHED', G1, { kind: 'ACCEPT' }], ['ACCEPTED', G1, { onTime: null }]]);
    expect(unit(f, G1).acceptanceOnTime).toEqual(r(0, 1));
  });

  it('a completion window that lapses counts as late for the unit blamed; the next holder is measured anew', () => {
    const f = one([
      ['REPORTED', G1], ['ACCEPTED', G1, { onTime: true }], ['RESPONDED', G1, { onTime: true, decision: 'SELF' }],
      ['BREACHED', G1, { kind: 'COMPLETION' }], ['ESCALATED', S1],
      ['REVIEW_REQUESTED', S1, { handlerUnitId: S1, onTime: true }],
    ]);
    expect(unit(f, G1).completionOnTime).toEqual(r(0, 1));
    expect(unit(f, S1).completionOnTime).toEqual(r(1, 1));
  });

  it('a small matter sent down to the community counts as handled by the community', () => {
    const f = one([['REPORTED', G1], ['ACCEPTED', G1, { onTime: true }], ['RESPONDED', G1, { onTime: true, decision: 'COMMUNITY' }]]);
    expect(unit(f, C1).casesHandled).toBe(1);
  });

  it('supervision counts against the unit urged: urges and the ones left to become notices; the score is unchanged', () => {
    const base: Array<[string, string | null, Record<string, unknown>?]> = [['REPORTED', G1], ['ACCEPTED', G1, { onTime: true }], ['RESPONDED', G1, { onTime: true, decision: 'SELF' }]];
    const f = one([
      ...base,
      ['URGED', G1, { urgeId: 'URGE-4', unitId: G1 }], ['URGE_REPLIED', G1, { urgeId: 'URGE-4', late: false }],
      ['URGED', G1, { urgeId: 'URGE-6', unitId: G1 }], ['URGE_NOTICED', G1, { urgeId: 'URGE-6' }],
      ['URGED', CG, { urgeId: 'URGE-8', unitId: CG }],
    ]);
    expect(unit(f, G1)).toMatchObject({ urgesReceived: 2, noticesReceived: 1 });
    expect(unit(f, CG)).toMatchObject({ urgesReceived: 1, noticesReceived: 0 });
    expect(unit(f, S1)).toMatchObject({ urgesReceived: 0, noticesReceived: 0 });
    expect(unit(f, G1).score).toBe(unit(one(base), G1).score);
  });

  it('a rejected extension is asked, not granted', () => {
    const f = one([['REPORTED', G1], ['EXTENSION_REQUESTED', G1, { requestId: 'EXT-2' }], ['EXTENSION_REJECTED', D, { requestId: 'EXT-2' }]]);
    expect(unit(f, G1)).toMatchObject({ extensionsAsked: 1, extensionsGranted: 0 });
  });

  it('steps on site (issue 16): an arrival in time, a department arriving late, a lapsed on-site window, the two-hour promise missed', () => {
    const f = one([
      ['REPORTED', G1], ['SITE_STEP', G1, { step: 'ARRIVED', onSite: { windowDueAt: 0, onTime: true } }],
      ['SITE_STEP', G1, { step: 'SURVEYED' }], ['SITE_STEP', G1, { step: 'CLEARED', hazardDueAt: 0, withinPromise: false }],
      ['DEPARTMENT_CALLED', CG, { callId: 'CALL-1', departmentId: CG, reportBy: sh('2026-10-06 09:00') }],
      ['DEPARTMENT_REPORTED', CG, { callId: 'CALL-1', late: false, onSite: { windowDueAt: 0, onTime: false } }],
      ['BREACHED', S1, { kind: 'ON_SITE' }],
      // An arrival after the window was met, or without an urgent window, is not measured.
      ['SITE_STEP', S1, { step: 'ARRIVED' }],
    ]);
    expect(unit(f, G1)).toMatchObject({ onSiteOnTime: r(1, 1), hazardPromiseKept: r(0, 1) });
    expect(unit(f, CG)).toMatchObject({ onSiteOnTime: r(0, 1), hazardPromiseKept: r(0, 0) });
    expect(unit(f, S1)).toMatchObject({ onSiteOnTime: r(0, 1), escalationsCaused: 1 });
  });

  it('resolved inside the grid (issue 16): a closing at grid level counts for the area; reopened cases are not closed; a called department is outside the grid', () => {
    const closing = { resolution: 'RESOLVED', handlerUnitId: G1, handlerLevel: 'GRID' };
    const inside = one([['REPORTED', G1], ['ACCEPTED', G1, { onTime: true }], ['CLOSED', G1, closing]]);
    for (const id of [G1, C1, S1, D]) expect(unit(inside, id).resolvedInGrid).toEqual(r(1, 1));
    expect(unit(inside, G1).closure).toEqual(r(1, 1));
    const reopened = one([['REPORTED', G1], ['CLOSED', G1, closing], ['SURVEY_RECORDED', D, { satisfaction: 'UNSATISFIED', solved: false }], ['REOPENED', D]]);
    expect(unit(reopened, G1)).toMatchObject({ closure: r(0, 1), resolvedInGrid: r(0, 0) });
    const called = one([
      ['REPORTED', G1], ['DEPARTMENT_CALLED', CG, { callId: 'CALL-1', departmentId: CG, reportBy: 0 }], ['CLOSED', G1, closing],
      ['SURVEY_RECORDED', D, { satisfaction: 'BASICALLY_SATISFIED', solved: true }],
    ]);
    expect(unit(called, D).resolvedInGrid).toEqual(r(0, 1));
    expect(unit(called, CG)).toMatchObject({ closure: r(1, 1), calledSatisfaction: r(1, 1), satisfaction: r(0, 0) });
    expect(unit(called, G1).satisfaction).toEqual(r(1, 1));
  });

  it('a unit outside the directory still gets its figures', () => {
    const f = one([['REPORTED', 'ZZ-GRID'], ['ACCEPTED', 'ZZ-GRID', { onTime: true }]], []);
    expect(f.units.map((u) => [u.unitId, u.kind, u.acceptanceOnTime.rate])).toEqual([['ZZ-GRID', null, 1]]);
  });
});

describe('backlog against the same period of the previous year (issue 16)', () => {
  const kase = (code: string, events: Array<[string, string]>): AssessmentCase => ({
    code,
    units: { districtId: D, streetId: S1, communityId: C1, gridId: G1 },
    events: events.map(([type, at], i) => ({ seq: i + 1, type, at: sh(at), actorId: null, actorRole: null, unitId: null, level: null, data: {} })),
  });
  const cases = [
    kase('K1', [['REPORTED', '2025-10-20 09:00']]), // open since last year
    kase('K2', [['REPORTED', '2025-10-25 09:00'], ['CLOSED', '2025-11-02 09:00']]), // open at the end of October 2025 only
    kase('K3', [['REPORTED', '2026-10-10 09:00'], ['CLOSED', '2026-10-12 09:00'], ['REOPENED', '2026-10-13 09:00']]), // reopened: open
    kase('K4', [['REPORTED', '2026-10-15 09:00'], ['CLOSED', '2026-10-16 09:00']]),
    kase('K5', [['REPORTED', '2026-11-01 09:00']]), // after the period
  ];

  it('counts the cases open at the period end and a year before, per area, with the change', () => {
    const { at, yearBeforeAt } = backlogInstants(parsePeriod('2026-10'), AS_OF);
    expect(new Date(at).toISOString()).toBe('2026-10-31T15:59:59.999Z');
    expect(new Date(yearBeforeAt).toISOString()).toBe('2025-10-31T15:59:59.999Z');
    const b = computeBacklog(cases, at, yearBeforeAt);
    expect(b.total).toEqual({ open: 2, openYearBefore: 2, change: 0 });
    expect(b.units.map((u) => u.unitId)).toEqual([D, S1, C1, G1].sort());
    expect(b.units.find((u) => u.unitId === G1)).toEqual({ unitId: G1, open: 2, openYearBefore: 2, change: 0 });
  });

  it('as of a moment inside the period: the same point of the period a year earlier; no backlog then gives a null change', () => {
    const asOf = sh('2026-10-14 00:00');
    const { at, yearBeforeAt } = backlogInstants(parsePeriod('2026-10'), asOf);
    expect(yearBeforeAt).toBe(sh('2025-10-14 00:00'));
    expect(computeBacklog(cases, at, yearBeforeAt).total).toEqual({ open: 2, openYearBefore: 0, change: null });
    expect(backlogCount(1, 2)).toEqual({ open: 1, openYearBefore: 2, change: -0.5 });
  });

  it('a leap year: the year before is capped at its period end', () => {
    const { yearBeforeAt } = backlogInstants(parsePeriod('2028-02'), sh('2028-02-29 12:00'));
    expect(yearBeforeAt).toBe(parsePeriod('2027-02').endMs - 1);
  });
});
