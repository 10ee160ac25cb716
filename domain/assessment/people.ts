// Scores per person (cadre, 干部) as well as per unit (issue 16, seeds 001 and 004: "评议结果计入
// 社区干部绩效考核", "最终考核结果与单位的年度绩效考评以及个人评先评优…相挂钩"). A person is credited
// with what they did themselves — the person recorded as the actor of the fact — for the cases
// of the period (the same cohort as the units' figures). Pure; the database's twin is
// features/assessment/peopleSql.ts, held to identical figures by the agreement test.
// Definitions: docs/ASSESSMENT.md "Scores per person".
import type { FactType } from '../facts';
import { caseInPeriod, type AssessmentInput, type Ratio } from './figures';

/**
 * Version of the per-person definitions below. 2: a lapsed window (BREACHED) counts against the
 * person who held the case then (late in its on-time rate, and in `breaches`), and the cadres named
 * at a deliberation's evaluation (五步议事 民主评事) are credited with it.
 */
export const PEOPLE_FORMULA_VERSION = 2;

/** The fact types the per-person figures read (a loader need not fetch the others). */
export const PEOPLE_FACT_TYPES: readonly FactType[] = [
  'REPORTED', 'ESCALATED', 'SENT_DOWN', 'REASSIGNED', 'BREACHED',
  'ACCEPTED', 'RESPONDED', 'GUIDANCE_GIVEN', 'RESULT_SUBMITTED', 'DEPARTMENT_RESULT', 'REVIEW_REQUESTED', 'REVIEW_RETURNED', 'REVIEWED_CLOSED', 'CLOSED',
  'SURVEY_RECORDED', 'SURVEY_UNREACHABLE', 'DELIBERATION_STEP',
];

/** A person of the directory, to find the cadres a deliberation's evaluation names (by id, else by name). */
export interface PersonInfo {
  id: string;
  name: string;
  unitId: string;
}

/** The figures of one person (cadre) in one period. */
export interface PersonFigures {
  personId: string;
  /** Distinct cases of the period in which the person recorded a counted fact (below). */
  cases: number;
  /** ACCEPTED by the person with onTime true over those with onTime true or false. */
  acceptanceOnTime: Ratio;
  /** RESPONDED / GUIDANCE_GIVEN by the person, on time over measured. */
  firstResponseOnTime: Ratio;
  /** Results the person submitted for review (REVIEW_REQUESTED), on time over counted (a returned submission is withdrawn). */
  completionOnTime: Ratio;
  /** Surveys about closings the person handled: satisfied or basically satisfied over answered, unreachable ones per their policy. */
  satisfaction: Ratio;
  /** Answered surveys about the person's closings saying solved over answered. */
  resolution: Ratio;
  /** Lapsed windows (BREACHED) of the case while the person held it: the holder then, blamed unit = holding unit. */
  breaches: number;
  /** Deliberations (五步议事) whose residents' evaluation (民主评事) named the person among its cadres. */
  deliberations: number;
  /** Residents' votes 满意 + 基本满意 over all votes of those evaluations (beside the score, as for units). */
  deliberationSatisfaction: Ratio;
  /** 0–100, two decimals: the mean of the measured rates above; null when none is measured. */
  score: number | null;
}

export interface PeopleFigures {
  formulaVersion: number;
  period: string;
  asOf: string;
  /** Sorted by person id. */
  people: PersonFigures[];
}

/** [numerator, denominator] pairs and the cases of one person while folding. */
export interface PersonCounts {
  cases: Set<string> | number;
  accept: [number, number];
  response: [number, number];
  completion: [number, number];
  satisfied: [number, number];
  solved: [number, number];
  breaches: number;
  deliberations: number;
  deliberationVotes: [number, number];
}

/** Counts of a person with nothing counted (cases 0). */
export const zeroPersonCounts = (): PersonCounts & { cases: number } => ({
  cases: 0, accept: [0, 0], response: [0, 0], completion: [0, 0], satisfied: [0, 0], solved: [0, 0], breaches: 0, deliberations: 0, deliberationVotes: [0, 0],
});
const newCounts = (): PersonCounts & { cases: Set<string> } => ({ ...zeroPersonCounts(), cases: new Set() });
const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });
const tally = (pair: [number, number], hit: boolean) => {
  pair[1] += 1;
  if (hit) pair[0] += 1;
};
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Who a cadre named at an evaluation is: the entry itself when it is a person's id in the
 * directory; else the one person of the case's community or street (Person.unitId) with that name
 * (exactly one); else the entry as written (a person outside the directory, seen by district roles).
 */
export function cadreResolver(persons: readonly PersonInfo[]): (entry: string, units: { communityId: string; streetId: string }) => string {
  const ids = new Set(persons.map((p) => p.id));
  const byName = new Map<string, PersonInfo[]>();
  for (const p of persons) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return (entry, units) => {
    if (ids.has(entry)) return entry;
    const named = (byName.get(entry) ?? []).filter((p) => p.unitId === units.communityId || p.unitId === units.streetId);
    return named.length === 1 ? named[0].id : entry;
  };
}

/**
 * Every person's figures for `input.period` as of `input.asOf` (scores and the units are not read;
 * `persons`, the directory's people, only to find the cadres named at an evaluation). The handler
 * of a closing, whom its surveys are about, is the person who submitted the round's result for
 * review (the latest REVIEW_REQUESTED since the previous closing), else the person who recorded
 * the CLOSED (a guidance answer closes without review). A lapsed window is the holder's: the
 * person the case was assigned to by the latest REPORTED / ESCALATED / SENT_DOWN / RESPONDED
 * (decision COMMUNITY) / REASSIGNED (holder) before it, when the breach is blamed on the unit
 * holding the case then (a department's report, a review or a decision held elsewhere is not).
 */
export function computePeople(input: Pick<AssessmentInput, 'period' | 'asOf' | 'cases'> & { persons?: readonly PersonInfo[] }): PeopleFigures {
  const { period, asOf } = input;
  const cadreOf = cadreResolver(input.persons ?? []);
  const people = new Map<string, PersonCounts & { cases: Set<string> }>();
  const of = (personId: string, code: string) => {
    let p = people.get(personId);
    if (!p) people.set(personId, (p = newCounts()));
    p.cases.add(code);
    return p;
  };
  for (const c of input.cases) {
    const events = c.events.filter((e) => e.at <= asOf).sort((a, b) => a.seq - b.seq);
    if (!caseInPeriod(events, period, asOf)) continue;
    let resultBy: string | null = null; // who recorded the latest result (RESULT_SUBMITTED / DEPARTMENT_RESULT)
    let submitter: string | null = null; // the round's latest submission (its person, possibly none)
    let pending: { personId: string; onTime: boolean } | null = null;
    let closer: string | null = null; // the handler of the latest closing
    let holder: { unit: string | null; person: string | null } = { unit: null, person: null }; // who holds the case now
    const commit = () => {
      if (pending) tally(of(pending.personId, c.code).completion, pending.onTime);
      pending = null;
    };
    for (const e of events) {
      const d = e.data ?? {};
      const actor = str(e.actorId);
      switch (e.type) {
        case 'REPORTED':
        case 'ESCALATED':
        case 'SENT_DOWN':
          holder = { unit: e.unitId, person: str(d.assigneeId) };
          break;
        case 'REASSIGNED':
          if (d.holder === true) holder = { unit: e.unitId, person: str(d.toPersonId) };
          break;
        case 'BREACHED': {
          // The clock records it (no actor): the person who held the case then answers for it.
          if (!e.unitId || e.unitId !== holder.unit || !holder.person) break;
          const p = of(holder.person, c.code);
          p.breaches += 1;
          if (d.kind === 'ACCEPT') tally(p.accept, false);
          else if (d.kind === 'RESPONSE') tally(p.response, false);
          else if (d.kind === 'COMPLETION') tally(p.completion, false);
          break;
        }
        case 'DELIBERATION_STEP': {
          if (d.step !== 'EVALUATE' || !Array.isArray(d.cadres)) break;
          const v = (d.votes ?? null) as Record<string, unknown> | null;
          const [s, b, x] = [num(v?.satisfied), num(v?.basicallySatisfied), num(v?.dissatisfied)];
          const named = new Set(d.cadres.map(str).filter((n): n is string => n !== null).map((n) => cadreOf(n, c.units)));
          for (const personId of named) {
            const p = of(personId, c.code);
            p.deliberations += 1;
            if (s !== null && b !== null && x !== null) {
              p.deliberationVotes[0] += s + b;
              p.deliberationVotes[1] += s + b + x;
            }
          }
          break;
        }
        case 'ACCEPTED': {
          const onTime = bool(d.onTime);
          if (actor && onTime !== null) tally(of(actor, c.code).accept, onTime);
          break;
        }
        case 'RESPONDED':
        case 'GUIDANCE_GIVEN': {
          // Sent to the community (小事): its person holds the case from now on.
          if (e.type === 'RESPONDED' && d.decision === 'COMMUNITY') holder = { unit: c.units.communityId, person: str(d.assigneeId) };
          const onTime = bool(d.onTime);
          if (actor && onTime !== null) tally(of(actor, c.code).response, onTime);
          break;
        }
        case 'RESULT_SUBMITTED':
        case 'DEPARTMENT_RESULT':
          resultBy = actor;
          break;
        case 'REVIEW_REQUESTED': {
          // The case records the request itself (no actor): the submitter is whoever recorded the result that sent it to review.
          const by = actor ?? resultBy;
          submitter = by;
          const onTime = bool(d.onTime);
          // Replaces an earlier submission not yet decided (as for units: the next one counts instead).
          pending = by && onTime !== null ? { personId: by, onTime } : null;
          break;
        }
        case 'REVIEW_RETURNED':
          pending = null;
          break;
        case 'REVIEWED_CLOSED':
          commit();
          break;
        case 'CLOSED':
          commit();
          closer = submitter ?? actor;
          submitter = null;
          break;
        case 'SURVEY_RECORDED':
          if (closer) {
            const p = of(closer, c.code);
            tally(p.satisfied, d.satisfaction === 'SATISFIED' || d.satisfaction === 'BASICALLY_SATISFIED');
            tally(p.solved, d.solved === true);
          }
          break;
        case 'SURVEY_UNREACHABLE':
          if (closer && (d.policy === 'SATISFIED' || d.policy === 'NEUTRAL')) tally(of(closer, c.code).satisfied, d.policy === 'SATISFIED');
          break;
        default:
          break;
      }
    }
    commit();
  }
  const list = [...people.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([personId, p]) => personFigures(personId, { ...p, cases: p.cases.size }));
  return { formulaVersion: PEOPLE_FORMULA_VERSION, period: period.text, asOf: new Date(asOf).toISOString(), people: list };
}

/** One person's figures from their counts (the fold's or the database's). */
export function personFigures(personId: string, p: PersonCounts): PersonFigures {
  const f: PersonFigures = {
    personId,
    cases: typeof p.cases === 'number' ? p.cases : p.cases.size,
    acceptanceOnTime: ratio(...p.accept),
    firstResponseOnTime: ratio(...p.response),
    completionOnTime: ratio(...p.completion),
    satisfaction: ratio(...p.satisfied),
    resolution: ratio(...p.solved),
    breaches: p.breaches,
    deliberations: p.deliberations,
    deliberationSatisfaction: ratio(...p.deliberationVotes),
    score: null,
  };
  const parts = [f.acceptanceOnTime, f.firstResponseOnTime, f.completionOnTime, f.satisfaction, f.resolution].map((x) => x.rate).filter((x): x is number => x !== null);
  f.score = parts.length === 0 ? null : Math.round((parts.reduce((s, x) => s + x, 0) / parts.length) * 10_000) / 100;
  return f;
}

/**
 * People best first: by score (higher first), then by fewer breaches (as units by escalations
 * caused), then by more cases, then by id; equal score, breaches and cases share a rank; unscored
 * last, rank null.
 */
export function rankPeople(people: readonly PersonFigures[]): Array<{ rank: number | null; figures: PersonFigures }> {
  const rows = [...people].sort((a, b) => {
    if (a.score === null || b.score === null) {
      if (a.score !== b.score) return a.score === null ? 1 : -1;
    } else if (a.score !== b.score) return b.score - a.score;
    if (a.breaches !== b.breaches) return a.breaches - b.breaches;
    if (a.cases !== b.cases) return b.cases - a.cases;
    return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
  });
  const out: Array<{ rank: number | null; figures: PersonFigures }> = [];
  rows.forEach((f, i) => {
    const prev = out[i - 1];
    if (f.score === null) out.push({ rank: null, figures: f });
    else out.push({ rank: prev && prev.rank !== null && prev.figures.score === f.score && prev.figures.breaches === f.breaches && prev.figures.cases === f.cases ? prev.rank : i + 1, figures: f });
  });
  return out;
}
