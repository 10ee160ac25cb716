// Scores per person (issue 16): what each cadre did themselves, on the hand-computed fixture's
// shape of events (no database). The database's twin is held to the same figures by
// test/integration/assessment.agreement.test.ts.
import type { AssessmentCase } from '../../domain/assessment/figures';
import { computePeople, rankPeople } from '../../domain/assessment/people';
import { parsePeriod } from '../../domain/assessment/period';
import { AS_OF, C1, D, G1, S1, r, sh } from '../fixtures/assessmentCases';

type E = [type: string, actorId: string | null, data?: Record<string, unknown>];
const kase = (code: string, list: E[], day = '2026-10-05'): AssessmentCase => ({
  code,
  units: { districtId: D, streetId: S1, communityId: C1, gridId: G1 },
  events: list.map(([type, actorId, data], i) => ({ seq: i + 1, type, at: sh(`${day} 09:00`) + i * 60_000, actorId, actorRole: null, unitId: G1, level: 'GRID', data: data ?? {} })),
});
const people = (cases: AssessmentCase[]) => computePeople({ period: parsePeriod('2026-10'), asOf: AS_OF, cases });
const person = (f: ReturnType<typeof people>, id: string) => f.people.find((p) => p.personId === id)!;

describe('scores per person', () => {
  it("credits each person with their own acts; a survey is about the person who submitted the round's result", () => {
    const f = people([
      kase('K1', [
        ['REPORTED', null], ['ACCEPTED', 'wang', { onTime: true }], ['RESPONDED', 'wang', { onTime: false, decision: 'SELF' }],
        ['REVIEW_REQUESTED', 'li', { onTime: true }], ['REVIEW_RETURNED', 'zhao'],
        ['REVIEW_REQUESTED', 'li', { onTime: false }], ['REVIEWED_CLOSED', 'zhao'], ['CLOSED', 'zhao', { resolution: 'RESOLVED' }],
        ['SURVEY_RECORDED', 'cc', { satisfaction: 'BASICALLY_SATISFIED', solved: true }], ['REOPENED', 'cc'],
        // The reopened round closes with guidance, without review: its survey is about the closer.
        ['GUIDANCE_GIVEN', 'wang', { onTime: true }], ['CLOSED', 'wang', { resolution: 'GUIDANCE' }],
        ['SURVEY_UNREACHABLE', null, { policy: 'NEUTRAL' }],
      ]),
      kase('K2', [['REPORTED', null], ['ACCEPTED', 'wang', { onTime: null }]], '2026-11-02'), // November's
    ]);
    expect(f.people.map((p) => p.personId)).toEqual(['li', 'wang']); // the reviewer and the survey caller did nothing counted
    expect(person(f, 'wang')).toMatchObject({ cases: 1, acceptanceOnTime: r(1, 1), firstResponseOnTime: r(1, 2), completionOnTime: r(0, 0), satisfaction: r(0, 1), resolution: r(0, 0) });
    // li's first submission was returned (withdrawn), the second counted late; the first closing's survey is li's.
    expect(person(f, 'li')).toMatchObject({ cases: 1, completionOnTime: r(0, 1), satisfaction: r(1, 1), resolution: r(1, 1) });
    expect(person(f, 'li').score).toBe(66.67);
    expect(person(f, 'wang').score).toBe(50);
  });

  it('ranks best first; equal scores and cases share a rank; people without a measured rate come last', () => {
    const f = (id: string, score: number | null, cases = 1) => ({ personId: id, cases, score, acceptanceOnTime: r(0, 0), firstResponseOnTime: r(0, 0), completionOnTime: r(0, 0), satisfaction: r(0, 0), resolution: r(0, 0) });
    expect(rankPeople([f('c', null), f('b', 80), f('a', 80), f('d', 90), f('e', 80, 3)]).map((x) => [x.figures.personId, x.rank])).toEqual([
      ['d', 1], ['e', 2], ['a', 3], ['b', 3], ['c', null],
    ]);
  });
});
