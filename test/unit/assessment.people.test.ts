// Scores per person (issue 16): what each cadre did themselves, on the hand-computed fixture's
// shape of events (no database). The database's twin is held to the same figures by
// test/integration/assessment.agreement.test.ts.
import type { AssessmentCase } from '../../domain/assessment/figures';
import { computePeople, rankPeople, type PersonInfo } from '../../domain/assessment/people';
import { parsePeriod } from '../../domain/assessment/period';
import { AS_OF, C1, C2, CG, D, G1, S1, r, sh } from '../fixtures/assessmentCases';

/** An event: its type, actor, data and unit (G1 unless given). */
type E = [type: string, actorId: string | null, data?: Record<string, unknown>, unitId?: string];
const kase = (code: string, list: E[], day = '2026-10-05'): AssessmentCase => ({
  code,
  units: { districtId: D, streetId: S1, communityId: C1, gridId: G1 },
  events: list.map(([type, actorId, data, unitId], i) => ({ seq: i + 1, type, at: sh(`${day} 09:00`) + i * 60_000, actorId, actorRole: null, unitId: unitId ?? G1, level: 'GRID', data: data ?? {} })),
});
const people = (cases: AssessmentCase[], persons: PersonInfo[] = []) => computePeople({ period: parsePeriod('2026-10'), asOf: AS_OF, cases, persons });
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

  it('ranks best first; then fewer breaches, then more cases; equal score, breaches and cases share a rank; people without a measured rate come last', () => {
    const f = (id: string, score: number | null, cases = 1, breaches = 0) => ({
      personId: id, cases, score, breaches, deliberations: 0, deliberationSatisfaction: r(0, 0),
      acceptanceOnTime: r(0, 0), firstResponseOnTime: r(0, 0), completionOnTime: r(0, 0), satisfaction: r(0, 0), resolution: r(0, 0),
    });
    expect(rankPeople([f('c', null), f('b', 80), f('a', 80), f('d', 90), f('e', 80, 3), f('g', 80, 5, 1)]).map((x) => [x.figures.personId, x.rank])).toEqual([
      ['d', 1], ['e', 2], ['a', 3], ['b', 3], ['g', 5], ['c', null],
    ]);
  });

  it('a submission for review the case recorded itself (no actor) is the person\'s who recorded the result that sent it to review', () => {
    const f = people([
      kase('K1', [
        ['REPORTED', null], ['RESULT_SUBMITTED', 'li'], ['PAUSE_ENDED', null], ['REVIEW_REQUESTED', null, { onTime: true }], ['REVIEW_RETURNED', 'zhao'],
        ['RESULT_SUBMITTED', 'sun'], ['REVIEW_REQUESTED', null, { onTime: false }], ['REVIEWED_CLOSED', 'zhao'], ['CLOSED', 'zhao', { resolution: 'RESOLVED' }],
        ['SURVEY_RECORDED', null, { satisfaction: 'SATISFIED', solved: true }],
      ]),
      // Departments' results: the last one sent the case to review.
      kase('K2', [
        ['REPORTED', null], ['DEPARTMENT_RESULT', 'cg-1', { callId: 'CALL-1' }, CG], ['DEPARTMENT_RESULT', 'sj-1', { callId: 'CALL-2' }],
        ['REVIEW_REQUESTED', null, { onTime: true }], ['REVIEWED_CLOSED', 'zhao'], ['CLOSED', 'zhao', { resolution: 'RESOLVED' }],
      ]),
    ]);
    expect(f.people.map((p) => p.personId)).toEqual(['sj-1', 'sun']);
    expect(person(f, 'sun')).toMatchObject({ completionOnTime: r(0, 1), satisfaction: r(1, 1), resolution: r(1, 1) });
    expect(person(f, 'sj-1')).toMatchObject({ completionOnTime: r(1, 1) });
  });

  it('a lapsed window counts against the person holding the case then: a breach, and late in its on-time rate', () => {
    const f = people([
      kase('K1', [
        ['REPORTED', null, { assigneeId: 'wang' }],
        ['BREACHED', null, { kind: 'ACCEPT' }], // G1 held by wang
        ['ESCALATED', null, { from: 'GRID', to: 'STREET', assigneeId: 'zhou' }, S1],
        ['DEPARTMENT_CALLED', 'zhou', { callId: 'CALL-1' }, CG],
        ['BREACHED', null, { kind: 'REPORT' }, CG], // the department's report: not the holder's window
        ['ACCEPTED', 'zhou', { onTime: true }, S1],
        // Sent down to the community (小事): its person holds the case from now on.
        ['RESPONDED', 'zhou', { decision: 'COMMUNITY', assigneeId: 'liu', onTime: true }, S1],
        ['REASSIGNED', null, { level: 'COMMUNITY', holder: true, toPersonId: 'chen' }, C1],
        ['REASSIGNED', null, { level: 'STREET', holder: false, toPersonId: 'qian' }, S1], // not the holder: nothing moves
        ['BREACHED', null, { kind: 'COMPLETION' }, C1], // chen's
        ['BREACHED', null, { kind: 'REVIEW' }, S1], // the street's review: not the holding unit
        ['SENT_DOWN', null, { to: 'GRID', unitId: G1, assigneeId: 'wang' }, G1],
        ['BREACHED', null, { kind: 'ON_SITE' }], // wang again: a breach, in no on-time rate here
      ]),
      // A vacant post (no assignee): the unit's breach, nobody's.
      kase('K2', [['REPORTED', null, { assigneeId: null }], ['BREACHED', null, { kind: 'ACCEPT' }]]),
    ]);
    expect(f.formulaVersion).toBe(2);
    expect(f.people.map((p) => p.personId)).toEqual(['chen', 'wang', 'zhou']);
    expect(person(f, 'wang')).toMatchObject({ cases: 1, breaches: 2, acceptanceOnTime: r(0, 1), score: 0 });
    expect(person(f, 'chen')).toMatchObject({ cases: 1, breaches: 1, completionOnTime: r(0, 1), score: 0 });
    expect(person(f, 'zhou')).toMatchObject({ cases: 1, breaches: 0, acceptanceOnTime: r(1, 1), firstResponseOnTime: r(1, 1), score: 100 });
  });

  it("the cadres named at a deliberation's evaluation (民主评事) are credited with it and the residents' votes", () => {
    const persons: PersonInfo[] = [
      { id: 'p-wang', name: '王书记', unitId: C1 },
      { id: 'p-liu', name: '刘委员', unitId: S1 },
      { id: 'p-zhang', name: '张三', unitId: C1 },
      { id: 'p-zhang-2', name: '张三', unitId: S1 },
      { id: 'p-far', name: '李四', unitId: C2 },
    ];
    const evaluate = (cadres: unknown[], votes?: Record<string, unknown>): E => ['DELIBERATION_STEP', 'p-any', { step: 'EVALUATE', communityId: C1, votes, cadres }, C1];
    const f = people(
      [
        kase('K1', [
          ['REPORTED', null],
          ['DELIBERATION_STEP', 'p-any', { step: 'SAY', cadres: ['王书记'] }, C1], // only the evaluation names cadres
          // By name in the case's community or street, by id anywhere; an ambiguous or unknown name stays as written; each cadre once.
          evaluate(['王书记', '刘委员', 'p-far', '张三', '李四', '王书记', '', 7], { satisfied: 30, basicallySatisfied: 8, dissatisfied: 2 }),
        ]),
        // Votes that are not all numbers: the deliberation counts, its votes do not.
        kase('K2', [['REPORTED', null], evaluate(['王书记'], { satisfied: 3 })]),
      ],
      persons,
    );
    expect(f.people.map((p) => p.personId)).toEqual(['p-far', 'p-liu', 'p-wang', '张三', '李四']);
    expect(person(f, 'p-wang')).toMatchObject({ cases: 2, deliberations: 2, deliberationSatisfaction: r(38, 40), breaches: 0, score: null });
    for (const id of ['p-liu', 'p-far', '张三', '李四']) expect(person(f, id)).toMatchObject({ cases: 1, deliberations: 1, deliberationSatisfaction: r(38, 40) });
    // Without the directory every cadre is credited under the entry as written.
    expect(people([kase('K1', [['REPORTED', null], evaluate(['王书记'], { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 })])]).people.map((p) => p.personId)).toEqual(['王书记']);
  });
});
