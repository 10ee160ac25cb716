// Scores per person (cadre, 干部) as well as per unit (issue 16, seeds 001 and 004: "评议结果计入
// 社区干部绩效考核", "最终考核结果与单位的年度绩效考评以及个人评先评优…相挂钩"). A person is credited
// with what they did themselves — the person recorded as the actor of the fact — for the cases
// of the period (the same cohort as the units' figures). Pure; the database's twin is
// features/assessment/peopleSql.ts, held to identical figures by the agreement test.
// Definitions: docs/ASSESSMENT.md "Scores per person".
import { caseInPeriod, type AssessmentInput, type Ratio } from './figures';

/** Version of the per-person definitions below. */
export const PEOPLE_FORMULA_VERSION = 1;

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
}

const newCounts = (): PersonCounts & { cases: Set<string> } => ({ cases: new Set(), accept: [0, 0], response: [0, 0], completion: [0, 0], satisfied: [0, 0], solved: [0, 0] });
const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });
const tally = (pair: [number, number], hit: boolean) => {
  pair[1] += 1;
  if (hit) pair[0] += 1;
};
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Every person's figures for `input.period` as of `input.asOf` (scores and the directory are not
 * read). The handler of a closing, whom its surveys are about, is the person who submitted the
 * round's result for review (the latest REVIEW_REQUESTED since the previous closing), else the
 * person who recorded the CLOSED (a guidance answer closes without review).
 */
export function computePeople(input: Pick<AssessmentInput, 'period' | 'asOf' | 'cases'>): PeopleFigures {
  const { period, asOf } = input;
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
    let submitter: string | null = null; // the round's latest submission (its actor, possibly none)
    let pending: { personId: string; onTime: boolean } | null = null;
    let closer: string | null = null; // the handler of the latest closing
    const commit = () => {
      if (pending) tally(of(pending.personId, c.code).completion, pending.onTime);
      pending = null;
    };
    for (const e of events) {
      const d = e.data ?? {};
      const actor = str(e.actorId);
      switch (e.type) {
        case 'ACCEPTED': {
          const onTime = bool(d.onTime);
          if (actor && onTime !== null) tally(of(actor, c.code).accept, onTime);
          break;
        }
        case 'RESPONDED':
        case 'GUIDANCE_GIVEN': {
          const onTime = bool(d.onTime);
          if (actor && onTime !== null) tally(of(actor, c.code).response, onTime);
          break;
        }
        case 'REVIEW_REQUESTED': {
          submitter = actor;
          const onTime = bool(d.onTime);
          // Replaces an earlier submission not yet decided (as for units: the next one counts instead).
          pending = actor && onTime !== null ? { personId: actor, onTime } : null;
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
    score: null,
  };
  const parts = [f.acceptanceOnTime, f.firstResponseOnTime, f.completionOnTime, f.satisfaction, f.resolution].map((x) => x.rate).filter((x): x is number => x !== null);
  f.score = parts.length === 0 ? null : Math.round((parts.reduce((s, x) => s + x, 0) / parts.length) * 10_000) / 100;
  return f;
}

/** People best first: by score (higher first), then by more cases, then by id; equal score and cases share a rank; unscored last, rank null. */
export function rankPeople(people: readonly PersonFigures[]): Array<{ rank: number | null; figures: PersonFigures }> {
  const rows = [...people].sort((a, b) => {
    if (a.score === null || b.score === null) {
      if (a.score !== b.score) return a.score === null ? 1 : -1;
    } else if (a.score !== b.score) return b.score - a.score;
    if (a.cases !== b.cases) return b.cases - a.cases;
    return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
  });
  const out: Array<{ rank: number | null; figures: PersonFigures }> = [];
  rows.forEach((f, i) => {
    const prev = out[i - 1];
    if (f.score === null) out.push({ rank: null, figures: f });
    else out.push({ rank: prev && prev.rank !== null && prev.figures.score === f.score && prev.figures.cases === f.cases ? prev.rank : i + 1, figures: f });
  });
  return out;
}
