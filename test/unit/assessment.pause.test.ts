// Clock pauses in the assessment (issue 16, "the paused time is excluded from the window and from
// the on-time figures"): two cases recorded by the case machine itself (pinned clock, no server),
// folded by the reference (domain/assessment/figures, domain/assessment/people). A result submitted
// after the old deadline but before the one the pause moved counts as on time, and no breach is
// recorded while paused; the same request refused lets the window lapse: late and a breach. The
// pauses are counted for the unit that asked (approved, refused, minutes). The database's twin is
// held to the reference on generated pauses by test/integration/assessment.agreement.test.ts.
import { ACTORS, HOUR, MIN, T0, UNITS, bj, newMachine } from './fixtures/machineFixture';
import type { CaseMachine } from '../../workflows/caseMachine';
import { computeAssessment, type AssessmentCase, type UnitFigures } from '../../domain/assessment/figures';
import { computePeople } from '../../domain/assessment/people';
import { parsePeriod } from '../../domain/assessment/period';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

/** Completion of 3 working days from Tue 10:05: due Fri 2026-11-27 10:05. */
const DUE = bj(11, 27, 10, 5);
const r = (numerator: number, denominator: number) => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });

/** The grid accepts and handles it, then asks the street to pause its completion clock (Tue 10:30); the street decides at 11:00. */
function paused(approve: boolean): CaseMachine {
  const m = newMachine({ pause: true });
  m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
  m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
  m.requestPause({ actor: ACTORS.grid, reasonKind: 'THIRD_PARTY', reason: '等待法院裁定' }, T0 + 30 * MIN);
  m.decidePause({ actor: ACTORS.street, pauseId: m.state.pauses![0].id, approve, reason: approve ? '属实' : '应继续办理' }, T0 + HOUR);
  return m;
}

/** The machine's facts as the assessment reads them (CaseEvent rows), under a code of the test's own. */
function asCase(m: CaseMachine, code: string): AssessmentCase {
  return {
    code,
    units: UNITS,
    events: m.pending.map(({ event: e }) => ({
      seq: e.seq, type: e.type, at: e.at, actorId: e.actorId ?? null, actorRole: e.actorRole ?? null, unitId: e.unitId ?? null, level: e.level ?? null,
      data: (e.data ?? {}) as Record<string, unknown>,
    })),
  };
}

const NOVEMBER = parsePeriod('2026-11');
const AS_OF = bj(12, 5, 12);
const grid = (cases: AssessmentCase[]): UnitFigures =>
  computeAssessment({ period: NOVEMBER, asOf: AS_OF, cases, scores: [], units: [] }).units.find((u) => u.unitId === UNITS.gridId)!;

describe('clock pauses in the assessment', () => {
  it('approved: no breach while paused, and a result after the old deadline but before the moved one is on time; the pause counts for the grid', () => {
    const m = paused(true);
    m.tick(DUE + HOUR); // past the old deadline: nothing lapses, the clock is stopped
    // Resumed Thu 11:00: two working days (840 working minutes) paused; due Tue 1 Dec 10:05 now.
    m.endPauseAction({ actor: ACTORS.grid, pauseId: m.state.pauses![0].id }, bj(11, 26, 11));
    m.submitResult({ actor: ACTORS.grid, summary: '已处理' }, bj(11, 30, 10));
    m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '已办结' }, bj(11, 30, 11));
    const f = grid([asCase(m, 'P-1')]);
    expect(f).toMatchObject({
      completionOnTime: r(1, 1),
      escalationsCaused: 0,
      acceptanceOnTime: r(1, 1),
      firstResponseOnTime: r(1, 1),
      pausesApproved: 1,
      pausesRejected: 0,
      pausedMinutes: 840,
    });
    // The person: the grid worker's completion on time, no breach.
    const people = computePeople({ period: NOVEMBER, asOf: AS_OF, cases: [asCase(m, 'P-1')] });
    expect(people.people.find((p) => p.personId === ACTORS.grid.personId)).toMatchObject({ completionOnTime: r(1, 1), breaches: 0 });
  });

  it('refused: the clock never stopped, the window lapses at the old deadline — late, and a breach of the grid and its worker', () => {
    const m = paused(false);
    m.tick(DUE);
    expect(m.pending.filter((f) => f.event.type === 'BREACHED').map((f) => f.event.data)).toMatchObject([{ kind: 'COMPLETION' }]);
    const f = grid([asCase(m, 'Q-1')]);
    expect(f).toMatchObject({ completionOnTime: r(0, 1), escalationsCaused: 1, pausesApproved: 0, pausesRejected: 1, pausedMinutes: 0 });
    const people = computePeople({ period: NOVEMBER, asOf: AS_OF, cases: [asCase(m, 'Q-1')] });
    expect(people.people.find((p) => p.personId === ACTORS.grid.personId)).toMatchObject({ completionOnTime: r(0, 1), breaches: 1 });
  });

  it('a pause running at asOf adds no minutes yet; a request withdrawn because its window closed first is not a refusal', () => {
    const running = paused(true);
    expect(grid([asCase(running, 'R-1')])).toMatchObject({ pausesApproved: 1, pausedMinutes: 0 });
    const withdrawn = newMachine({ pause: true });
    withdrawn.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    withdrawn.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
    withdrawn.requestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: '等待' }, T0 + 30 * MIN);
    withdrawn.submitResult({ actor: ACTORS.grid, summary: '已处理' }, T0 + 2 * HOUR);
    expect(withdrawn.pending.some((f) => f.event.type === 'PAUSE_REJECTED' && f.event.data?.withdrawn === true)).toBe(true);
    expect(grid([asCase(withdrawn, 'W-1')])).toMatchObject({ pausesApproved: 0, pausesRejected: 0, completionOnTime: r(1, 1) });
    // Both cases together: the counts add up.
    expect(grid([asCase(running, 'R-1'), asCase(withdrawn, 'W-1')])).toMatchObject({ pausesApproved: 1, pausesRejected: 0, completionOnTime: r(1, 1) });
  });
});
