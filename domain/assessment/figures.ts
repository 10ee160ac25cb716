// The assessment figures (考核指标) of every unit for one period, computed from the
// recorded case events and call scores alone — pure, no database, no clock: the same
// events, scores, period and `asOf` always give the same figures. The definitions are
// written out in docs/ASSESSMENT.md; the comments here point at the rule each line applies.
import { FACT_TYPES, asFact, assertNever, type FactType } from '../facts';
import { unitForLevel } from '../ladder';
import { LEVELS, type CaseUnits, type Level } from '../types';
import type { Period } from './period';
import type { Backlog } from './backlog';

/** Version of the definitions below; stored with every figure set so old snapshots stay readable. */
export const FORMULA_VERSION = 1;

// Whether the figures read a fact type. A table, so that a new fact type must be placed here.
const ASSESSED: Record<FactType, boolean> = {
  REPORTED: true,
  ESCALATED: true,
  ACCEPTED: true,
  RESPONDED: true,
  GUIDANCE_GIVEN: true,
  BREACHED: true,
  REVIEW_REQUESTED: true,
  REVIEW_RETURNED: true,
  REVIEWED_CLOSED: true,
  CLOSED: true,
  SURVEY_RECORDED: true,
  SURVEY_UNREACHABLE: true,
  REOPENED: true,
  EXTENSION_REQUESTED: true,
  EXTENSION_APPROVED: true,
  DEPARTMENT_CALLED: true,
  DEPARTMENT_REPORTED: true,
  REMINDED: false,
  LEADER_LISTED: false,
  EVIDENCE_UPLOADED: false,
  DEPARTMENT_RESULT: false,
  RESULT_SUBMITTED: false,
  LONG_TERM_PLANNED: false,
  PLAN_REVIEW_DUE: false,
  PLAN_RESUMED: false,
  EXTENSION_REJECTED: false,
  EXTENSION_ESCALATED: false,
  // A new holder or a re-planned deadline is nobody's performance; the timing facts that
  // close a window carry the due time in force when it closed.
  REASSIGNED: false,
  CALENDAR_REPLANNED: false,
  // Supervision counts against the unit urged (督办); a leader's list is the leader's, not a unit's.
  URGED: true,
  URGE_NOTICED: true,
  URGE_REPLIED: false,
  LEADER_ASSIGNED: false,
  LEADER_TICKED_OFF: false,
  // Steps on site (issue 16): the arrival in time and the hazard path's two-hour promise.
  SITE_STEP: true,
  // A send-down (派单) moves the case; the new holder's acceptance (ACCEPTED) counts for it.
  SENT_DOWN: false,
  // Five-step deliberation (五步议事): held, completed and the residents' evaluation count for the community.
  DELIBERATION_STEP: true,
  // Clock pauses: the paused time is already out of the due time the closing fact's timing
  // (onTime) was judged on, and a lapsed pause decision is a BREACHED (counted). The pauses
  // themselves are counted for the unit that asked (foldPause): approved, refused, minutes paused.
  PAUSE_REQUESTED: true,
  PAUSE_APPROVED: true,
  PAUSE_REJECTED: true,
  PAUSE_ESCALATED: false,
  PAUSE_ENDED: true,
};

/** The fact types the figures read; a loader need not fetch the others. */
export const ASSESSED_FACT_TYPES: readonly FactType[] = FACT_TYPES.filter((t) => ASSESSED[t]);

/** One recorded case event, as the CaseEvent table holds it (`at` in epoch ms). */
export interface AssessmentEvent {
  seq: number;
  type: string;
  at: number;
  actorId: string | null;
  actorRole: string | null;
  unitId: string | null;
  level: string | null;
  data: Record<string, unknown>;
}

/** A case with its units and its events (any order; sorted by seq here). */
export interface AssessmentCase {
  code: string;
  units: CaseUnits;
  events: AssessmentEvent[];
}

export type CallScoreDirection = 'STREET_TO_DEPT' | 'DEPT_TO_STREET';

/** One row of CallScore (`at` in epoch ms). */
export interface CallScoreRecord {
  caseCode: string;
  callId: string;
  direction: CallScoreDirection;
  fromUnitId: string;
  toUnitId: string;
  cooperation: number | null;
  professionalism: number | null;
  accurate: boolean | null;
  at: number;
}

export type UnitKind = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'DEPARTMENT';

/** A unit of the directory, so units without any case still appear (with zeros and nulls). */
export interface UnitInfo {
  id: string;
  kind: UnitKind;
  name: string;
  parentId: string | null;
}

export interface AssessmentInput {
  period: Period;
  /** Only events and scores recorded at or before this instant count (epoch ms). */
  asOf: number;
  cases: AssessmentCase[];
  scores: CallScoreRecord[];
  units: UnitInfo[];
}

/** A rate with what it was computed from. `rate` is null when nothing was measured (denominator 0). */
export interface Ratio {
  numerator: number;
  denominator: number;
  rate: number | null;
}

/** A mean of 1–5 scores; null when there is no score. */
export interface Mean {
  count: number;
  sum: number;
  mean: number | null;
}

/** Every figure of one unit in one period. Counts are 0 and rates null when nothing happened. */
export interface UnitFigures {
  unitId: string;
  kind: UnitKind | null;
  name: string | null;
  parentId: string | null;
  /** Cases of the period the unit held (first assignee, escalated to, sent down to) or was called to. */
  casesHandled: number;
  acceptanceOnTime: Ratio;
  firstResponseOnTime: Ratio;
  completionOnTime: Ratio;
  /** Breaches (lapsed windows) blamed on the unit. */
  escalationsCaused: number;
  extensionsAsked: number;
  extensionsGranted: number;
  /** Satisfied or basically satisfied over answered surveys, unreachable ones per their policy. */
  satisfaction: Ratio;
  /** solved = true over answered surveys (unreachable ones are not counted). */
  resolution: Ratio;
  /** Reopened over survey outcomes (answered or unreachable) of cases the unit closed. */
  reopen: Ratio;
  surveysAnswered: number;
  surveysUnreachable: number;
  // ---- as a called department (报到) ----
  callsReceived: number;
  /** Reported calls over calls due (reported, or past their report-by time). */
  reportRate: Ratio;
  /** Calls reported on time over calls due. */
  reportTimeliness: Ratio;
  /** Scores the calling streets gave (1–5). */
  cooperation: Mean;
  professionalism: Mean;
  // ---- as a caller (吹哨) ----
  callsMade: number;
  /** Calls the called department judged "ours to answer" over calls it scored. */
  callAccuracy: Ratio;
  // ---- supervised (督办) ----
  /** Urges (催办) by the command center the unit received. */
  urgesReceived: number;
  /** Urges the unit left unanswered until they became formal notices (通报). */
  noticesReceived: number;
  // ---- five-step deliberation (五步议事, domain/deliberation; counted for the case's community) ----
  /** Deliberations held: the residents' matter raised (群众说事, the first step), corrections not counted again. */
  deliberationsHeld: number;
  /** Deliberations completed: all five steps, the residents' democratic evaluation (民主评事) recorded. */
  deliberationsCompleted: number;
  /** Residents who evaluated 满意 or 基本满意 over all residents who evaluated (民主评议). */
  deliberationSatisfaction: Ratio;
  // ---- closer to the seeds (issue 16; absent from snapshots published before) ----
  /** Cases the unit handled (casesHandled) that are closed at asOf over casesHandled (结案率, seed 001). */
  closure?: Ratio;
  /** Closed cases of the unit's area (its grid, community, street, district) resolved without leaving the grid and community (网格内解决, seed 000) over the area's closed cases. */
  resolvedInGrid?: Ratio;
  /** Arrivals on site in time over arrivals that met an urgent on-site window plus its lapses (到场及时率). */
  onSiteOnTime?: Ratio;
  /** Hazards cleared within the two-hour promise over hazards cleared (2小时消险, seed 002). */
  hazardPromiseKept?: Ratio;
  /** As a called department: residents' satisfaction with the cases it was called to (surveys after its call). */
  calledSatisfaction?: Ratio;
  // ---- clock pauses (domain/pause; counted for the unit that asked; absent from snapshots published before) ----
  /** Pauses of the unit's windows the level above approved (PAUSE_APPROVED). */
  pausesApproved?: number;
  /** Pause requests the level above refused (PAUSE_REJECTED, not withdrawn). */
  pausesRejected?: number;
  /** Minutes the ended pauses took off the deadlines, on each window's own clock (PAUSE_ENDED.minutes, each rounded). */
  pausedMinutes?: number;
  /** Composite score 0–100 used for rankings (see docs/ASSESSMENT.md); null when no component is measured. */
  score: number | null;
}

/** The figures of every unit for one period, as stored in a snapshot (JSON-safe). */
export interface AssessmentFigures {
  formulaVersion: number;
  period: string;
  periodKind: Period['kind'];
  startAt: string;
  endAt: string;
  asOf: string;
  totals: { cases: number; closed: number; surveysAnswered: number; surveysUnreachable: number; calls: number; scores: number };
  units: UnitFigures[];
  /** Open cases at the period's end against the same point a year earlier (issue 16; domain/assessment/backlog). Absent from older snapshots and from the cohort-only computations. */
  backlog?: Backlog;
}

const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, rate: denominator === 0 ? null : numerator / denominator });
const mean = (count: number, sum: number): Mean => ({ count, sum, mean: count === 0 ? null : sum / count });

/** Mutable counters of one unit while events are folded. */
interface Acc {
  handled: Set<string>;
  accept: [number, number];
  response: [number, number];
  completion: [number, number];
  breaches: number;
  extAsked: number;
  extGranted: number;
  satisfied: [number, number];
  solved: [number, number];
  reopened: [number, number];
  answered: number;
  unreachable: number;
  callsReceived: number;
  reported: [number, number];
  onTimeReports: [number, number];
  cooperation: [number, number];
  professionalism: [number, number];
  callsMade: number;
  accurate: [number, number];
  urged: number;
  noticed: number;
  // Five-step deliberation (五步议事): see foldDeliberation.
  deliberated: number;
  deliberationsDone: number;
  deliberationVotes: [number, number];
  // closer to the seeds (issue 16)
  closure: [number, number];
  inGrid: [number, number];
  onSite: [number, number];
  hazard: [number, number];
  calledSatisfied: [number, number];
  // clock pauses: see foldPause
  pausesApproved: number;
  pausesRejected: number;
  pausedMinutes: number;
}

const newAcc = (): Acc => ({
  handled: new Set(),
  accept: [0, 0],
  response: [0, 0],
  completion: [0, 0],
  breaches: 0,
  extAsked: 0,
  extGranted: 0,
  satisfied: [0, 0],
  solved: [0, 0],
  reopened: [0, 0],
  answered: 0,
  unreachable: 0,
  callsReceived: 0,
  reported: [0, 0],
  onTimeReports: [0, 0],
  cooperation: [0, 0],
  professionalism: [0, 0],
  callsMade: 0,
  accurate: [0, 0],
  urged: 0,
  noticed: 0,
  deliberated: 0,
  deliberationsDone: 0,
  deliberationVotes: [0, 0],
  closure: [0, 0],
  inGrid: [0, 0],
  onSite: [0, 0],
  hazard: [0, 0],
  calledSatisfied: [0, 0],
  pausesApproved: 0,
  pausesRejected: 0,
  pausedMinutes: 0,
});

/** Count one outcome in a [numerator, denominator] pair. */
function tally(pair: [number, number], hit: boolean): void {
  pair[1] += 1;
  if (hit) pair[0] += 1;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const LEVELS_WITH_UNITS = new Set<string>(LEVELS);

/** The unit that made a department call: the one holding the case at the call's level. */
export function callerUnitOf(level: string | null, units: CaseUnits): string {
  return level && LEVELS_WITH_UNITS.has(level) ? unitForLevel(level as Level, units) : units.streetId;
}

/** When the case entered the assessment: its REPORTED event (null if it has none yet). */
export function reportedAtOf(events: readonly AssessmentEvent[]): number | null {
  const e = events.find((x) => x.type === 'REPORTED');
  return e ? e.at : null;
}

/** Whether a case belongs to the period: its REPORTED event lies in [start, end) and at or before asOf. */
export function caseInPeriod(events: readonly AssessmentEvent[], period: Period, asOf: number): boolean {
  const at = reportedAtOf(events);
  return at !== null && at >= period.startMs && at < period.endMs && at <= asOf;
}

/** Compute every unit's figures for `input.period` as of `input.asOf`. */
export function computeAssessment(input: AssessmentInput): AssessmentFigures {
  const { period, asOf } = input;
  const accs = new Map<string, Acc>();
  const acc = (unitId: string): Acc => {
    let a = accs.get(unitId);
    if (!a) accs.set(unitId, (a = newAcc()));
    return a;
  };
  for (const u of input.units) acc(u.id);

  const totals = { cases: 0, closed: 0, surveysAnswered: 0, surveysUnreachable: 0, calls: 0, scores: 0 };
  const cohort = new Set<string>();

  for (const c of input.cases) {
    const events = c.events.filter((e) => e.at <= asOf).sort((a, b) => a.seq - b.seq);
    if (!caseInPeriod(events, period, asOf)) continue;
    cohort.add(c.code);
    totals.cases += 1;
    foldCase(c, events, asOf, acc, totals);
  }

  for (const s of input.scores) {
    if (s.at > asOf || !cohort.has(s.caseCode)) continue;
    totals.scores += 1;
    const a = acc(s.toUnitId);
    if (s.direction === 'STREET_TO_DEPT') {
      if (s.cooperation !== null) {
        a.cooperation[0] += 1;
        a.cooperation[1] += s.cooperation;
      }
      if (s.professionalism !== null) {
        a.professionalism[0] += 1;
        a.professionalism[1] += s.professionalism;
      }
    } else if (s.accurate !== null) {
      tally(a.accurate, s.accurate);
    }
  }

  const counts = new Map<string, UnitCounts>();
  for (const [unitId, a] of accs) counts.set(unitId, { ...a, handled: a.handled.size });
  return figuresFromCounts(period, asOf, totals, counts, input.units);
}

/**
 * The counts one unit's figures are made of: pairs are [numerator, denominator], means
 * [count, sum]. The fold above and the database's aggregate queries
 * (features/assessment/sqlFigures) both produce them; the figures are made from them here.
 */
export type UnitCounts = Omit<Acc, 'handled'> & { handled: number };

/** Counts of a unit with nothing counted. */
export const zeroCounts = (): UnitCounts => ({ ...newAcc(), handled: 0 });

/** The figure set from every unit's counts: every directory unit listed, sorted by unit id. */
export function figuresFromCounts(
  period: Period,
  asOf: number,
  totals: AssessmentFigures['totals'],
  counts: ReadonlyMap<string, UnitCounts>,
  directory: readonly UnitInfo[],
): AssessmentFigures {
  const info = new Map(directory.map((u) => [u.id, u]));
  const ids = new Set([...directory.map((u) => u.id), ...counts.keys()]);
  const units = [...ids]
    .map((unitId) => unitFigures(unitId, counts.get(unitId) ?? zeroCounts(), info.get(unitId)))
    .sort((x, y) => (x.unitId < y.unitId ? -1 : x.unitId > y.unitId ? 1 : 0));

  return {
    formulaVersion: FORMULA_VERSION,
    period: period.text,
    periodKind: period.kind,
    startAt: new Date(period.startMs).toISOString(),
    endAt: new Date(period.endMs).toISOString(),
    asOf: new Date(asOf).toISOString(),
    totals,
    units,
  };
}

interface CallTrack {
  departmentId: string;
  reportBy: number | null;
  reported: boolean;
  late: boolean;
}

/** Fold one case's events (in seq order, up to asOf) into the units' counters. */
function foldCase(c: AssessmentCase, events: AssessmentEvent[], asOf: number, acc: (unitId: string) => Acc, totals: AssessmentFigures['totals']): void {
  const { units } = c;
  /** The units that handled this case (for its closure figure). */
  const caseHandled = new Set<string>();
  const handledBy = (unitId: string | null) => {
    if (!unitId) return;
    acc(unitId).handled.add(c.code);
    caseHandled.add(unitId);
  };
  const seeds = newSeedsTrack();
  /** The handler of the latest closing: surveys and reopens are about that unit's work. */
  let closedBy: string | null = null;
  /** A completion submitted for review; withdrawn if the reviewer returns it. */
  let submitted: { unitId: string; onTime: boolean } | null = null;
  const requesters = new Map<string, string>();
  /** The unit that asked for each pause (pauseId → unit): its pauses' figures are that unit's. */
  const pausers = new Map<string, string>();
  const calls = new Map<string, CallTrack>();

  /** The unit whose survey was just recorded: the next event says whether it reopened the case. */
  let surveyed: string | null = null;

  const commitCompletion = () => {
    if (submitted) tally(acc(submitted.unitId).completion, submitted.onTime);
    submitted = null;
  };
  const settleSurvey = (reopened: boolean) => {
    if (surveyed) tally(acc(surveyed).reopened, reopened);
    surveyed = null;
  };

  for (const e of events) {
    // REOPENED follows its survey at once (same update); anything else means it did not reopen.
    if (e.type !== 'REOPENED') settleSurvey(false);
    foldSeedsEvent(seeds, e, acc);
    const fact = asFact(e);
    if (!fact) continue; // a fact type of newer code: no figure reads it
    // Destructured, so that `d` narrows with `type` in each case.
    const { type, data: d } = fact;
    switch (type) {
      case 'REPORTED':
      case 'ESCALATED':
        handledBy(e.unitId);
        break;
      case 'ACCEPTED': {
        handledBy(e.unitId);
        const onTime = bool(d.onTime);
        // onTime null: no accept window was open (it lapsed at the top); the breach counted already.
        if (onTime !== null && e.unitId) tally(acc(e.unitId).accept, onTime);
        break;
      }
      case 'RESPONDED':
      case 'GUIDANCE_GIVEN': {
        handledBy(e.unitId);
        const onTime = bool(d.onTime);
        if (onTime !== null && e.unitId) tally(acc(e.unitId).response, onTime);
        if (type === 'RESPONDED' && d.decision === 'COMMUNITY') handledBy(units.communityId);
        break;
      }
      case 'BREACHED': {
        if (!e.unitId) break;
        const a = acc(e.unitId);
        a.breaches += 1;
        if (d.kind === 'ACCEPT') tally(a.accept, false);
        else if (d.kind === 'RESPONSE') tally(a.response, false);
        else if (d.kind === 'COMPLETION') tally(a.completion, false);
        break;
      }
      case 'REVIEW_REQUESTED': {
        const unitId = str(d.handlerUnitId);
        const onTime = bool(d.onTime);
        // onTime null: no completion window was running (it lapsed at the top); its breach counted.
        submitted = unitId && onTime !== null ? { unitId, onTime } : null;
        break;
      }
      case 'REVIEW_RETURNED':
        submitted = null;
        break;
      case 'REVIEWED_CLOSED':
        commitCompletion();
        break;
      case 'CLOSED':
        commitCompletion();
        totals.closed += 1;
        closedBy = str(d.handlerUnitId) ?? e.unitId;
        handledBy(closedBy);
        break;
      case 'SURVEY_RECORDED': {
        const a = acc(closedBy ?? units.districtId);
        a.answered += 1;
        totals.surveysAnswered += 1;
        tally(a.satisfied, d.satisfaction === 'SATISFIED' || d.satisfaction === 'BASICALLY_SATISFIED');
        tally(a.solved, d.solved === true);
        surveyed = closedBy ?? units.districtId;
        break;
      }
      case 'SURVEY_UNREACHABLE': {
        const a = acc(closedBy ?? units.districtId);
        a.unreachable += 1;
        totals.surveysUnreachable += 1;
        // The case's frozen policy says how silence counts: SATISFIED in both terms,
        // NEUTRAL in the denominator only, EXCLUDED in neither.
        if (d.policy === 'SATISFIED') tally(a.satisfied, true);
        else if (d.policy === 'NEUTRAL') tally(a.satisfied, false);
        tally(a.reopened, false);
        break;
      }
      case 'REOPENED':
        settleSurvey(true);
        break;
      case 'EXTENSION_REQUESTED': {
        if (!e.unitId) break;
        acc(e.unitId).extAsked += 1;
        const id = str(d.requestId);
        if (id) requesters.set(id, e.unitId);
        break;
      }
      case 'EXTENSION_APPROVED': {
        // The approval is recorded under the approver's unit; the grant belongs to the requester.
        const requester = requesters.get(str(d.requestId) ?? '');
        if (requester) acc(requester).extGranted += 1;
        break;
      }
      case 'DEPARTMENT_CALLED': {
        const callId = str(d.callId);
        const dept = e.unitId ?? str(d.departmentId);
        if (!callId || !dept) break;
        totals.calls += 1;
        calls.set(callId, { departmentId: dept, reportBy: num(d.reportBy), reported: false, late: false });
        acc(dept).callsReceived += 1;
        handledBy(dept);
        acc(callerUnitOf(e.level, units)).callsMade += 1;
        break;
      }
      case 'DEPARTMENT_REPORTED': {
        const call = calls.get(str(d.callId) ?? '');
        if (call) {
          call.reported = true;
          call.late = d.late === true;
        }
        break;
      }
      case 'URGED':
        if (e.unitId) acc(e.unitId).urged += 1;
        break;
      case 'URGE_NOTICED':
        if (e.unitId) acc(e.unitId).noticed += 1;
        break;
      // Not assessed (ASSESSED above).
      case 'DELIBERATION_STEP':
        if (e.unitId) foldDeliberation(acc(e.unitId), d);
        break;
      case 'URGE_REPLIED':
      case 'LEADER_ASSIGNED':
      case 'LEADER_TICKED_OFF':
      case 'SITE_STEP':
      case 'REMINDED':
      case 'LEADER_LISTED':
      case 'EVIDENCE_UPLOADED':
      case 'DEPARTMENT_RESULT':
      case 'RESULT_SUBMITTED':
      case 'LONG_TERM_PLANNED':
      case 'PLAN_REVIEW_DUE':
      case 'PLAN_RESUMED':
      case 'EXTENSION_REJECTED':
      case 'EXTENSION_ESCALATED':
      case 'REASSIGNED':
      case 'CALENDAR_REPLANNED':
      case 'SENT_DOWN':
      case 'PAUSE_REQUESTED':
      case 'PAUSE_APPROVED':
      case 'PAUSE_REJECTED':
      case 'PAUSE_ENDED':
        foldPause(pausers, e, acc);
        break;
      case 'PAUSE_ESCALATED':
        break;
      default:
        assertNever(type, 'fact type');
    }
  }
  settleSurvey(false);
  // A submission still under review at asOf counts as submitted.
  commitCompletion();
  settleSeeds(seeds, units, caseHandled, acc);

  // A call counts once it is due: reported, or its report-by time has passed.
  for (const call of calls.values()) {
    if (!call.reported && (call.reportBy === null || call.reportBy > asOf)) continue;
    const a = acc(call.departmentId);
    tally(a.reported, call.reported);
    tally(a.onTimeReports, call.reported && !call.late);
  }
}

/**
 * One step of a five-step deliberation (五步议事), counted for the unit the fact names (the case's
 * community): the first step (SAY, not a correction) is a deliberation held; the fifth (EVALUATE,
 * final) a deliberation completed, with its residents' votes (满意 + 基本满意 over all votes).
 */
function foldDeliberation(a: Acc, d: Record<string, unknown>): void {
  if (d.step === 'SAY' && d.corrected !== true) a.deliberated += 1;
  if (d.step !== 'EVALUATE') return;
  a.deliberationsDone += 1;
  const v = (d.votes ?? null) as Record<string, unknown> | null;
  const s = num(v?.satisfied);
  const b = num(v?.basicallySatisfied);
  const x = num(v?.dissatisfied);
  if (s === null || b === null || x === null) return;
  a.deliberationVotes[0] += s + b;
  a.deliberationVotes[1] += s + b + x;
}

/**
 * A clock pause's share (domain/pause), counted for the unit that asked for it (PAUSE_REQUESTED's
 * unit, found through pauseId as an extension's grant is): approved (PAUSE_APPROVED), refused by the
 * approver (PAUSE_REJECTED not `withdrawn`: a request withdrawn because its window closed or lapsed
 * first is nobody's refusal), and the minutes an ended pause moved the deadline by (PAUSE_ENDED
 * `minutes`, on the window's own clock: working minutes for response and completion, wall minutes
 * for the urgent on-site window; each pause rounded to whole minutes). A pause still running at
 * asOf adds no minutes yet.
 */
function foldPause(pausers: Map<string, string>, e: AssessmentEvent, acc: (unitId: string) => Acc): void {
  const d = e.data ?? {};
  const id = str(d.pauseId);
  if (!id) return;
  if (e.type === 'PAUSE_REQUESTED') {
    if (e.unitId) pausers.set(id, e.unitId);
    return;
  }
  const unit = pausers.get(id);
  if (!unit) return;
  if (e.type === 'PAUSE_APPROVED') acc(unit).pausesApproved += 1;
  else if (e.type === 'PAUSE_REJECTED') {
    if (d.withdrawn !== true) acc(unit).pausesRejected += 1;
  } else if (e.type === 'PAUSE_ENDED') {
    const minutes = num(d.minutes);
    if (minutes !== null) acc(unit).pausedMinutes += Math.round(minutes);
  }
}

/** The figures of a unit that had nothing in the period: counts 0, rates and means null. */
export function emptyUnitFigures(unitId: string, info?: Pick<UnitInfo, 'kind' | 'name' | 'parentId'>): UnitFigures {
  return unitFigures(unitId, zeroCounts(), info);
}

function unitFigures(unitId: string, a: UnitCounts, info: Pick<UnitInfo, 'kind' | 'name' | 'parentId'> | undefined): UnitFigures {
  const f: UnitFigures = {
    unitId,
    kind: info?.kind ?? null,
    name: info?.name ?? null,
    parentId: info?.parentId ?? null,
    casesHandled: a.handled,
    acceptanceOnTime: ratio(...a.accept),
    firstResponseOnTime: ratio(...a.response),
    completionOnTime: ratio(...a.completion),
    escalationsCaused: a.breaches,
    extensionsAsked: a.extAsked,
    extensionsGranted: a.extGranted,
    satisfaction: ratio(...a.satisfied),
    resolution: ratio(...a.solved),
    reopen: ratio(...a.reopened),
    surveysAnswered: a.answered,
    surveysUnreachable: a.unreachable,
    callsReceived: a.callsReceived,
    reportRate: ratio(...a.reported),
    reportTimeliness: ratio(...a.onTimeReports),
    cooperation: mean(...a.cooperation),
    professionalism: mean(...a.professionalism),
    callsMade: a.callsMade,
    callAccuracy: ratio(...a.accurate),
    urgesReceived: a.urged,
    noticesReceived: a.noticed,
    deliberationsHeld: a.deliberated,
    deliberationsCompleted: a.deliberationsDone,
    deliberationSatisfaction: ratio(...a.deliberationVotes),
    closure: ratio(...a.closure),
    resolvedInGrid: ratio(...a.inGrid),
    onSiteOnTime: ratio(...a.onSite),
    hazardPromiseKept: ratio(...a.hazard),
    calledSatisfaction: ratio(...a.calledSatisfied),
    pausesApproved: a.pausesApproved,
    pausesRejected: a.pausesRejected,
    pausedMinutes: a.pausedMinutes,
    score: null,
  };
  f.score = compositeScore(f);
  return f;
}

/** A 1–5 mean as a 0–1 rate (1 → 0, 5 → 1). */
const fromFivePoint = (m: Mean): number | null => (m.mean === null ? null : (m.mean - 1) / 4);

/**
 * The ranking score, 0–100 with two decimals: the mean of the unit's measured components.
 * Departments: report rate, report timeliness, cooperation, professionalism (1–5 mapped to 0–1).
 * Every other unit: acceptance, first response and completion on time, satisfaction,
 * resolution, 1 − reopen rate, and call accuracy. Null when no component was measured.
 */
export function compositeScore(f: Omit<UnitFigures, 'score'>): number | null {
  const parts =
    f.kind === 'DEPARTMENT'
      ? [f.reportRate.rate, f.reportTimeliness.rate, fromFivePoint(f.cooperation), fromFivePoint(f.professionalism)]
      : [
          f.acceptanceOnTime.rate,
          f.firstResponseOnTime.rate,
          f.completionOnTime.rate,
          f.satisfaction.rate,
          f.resolution.rate,
          f.reopen.rate === null ? null : 1 - f.reopen.rate,
          f.callAccuracy.rate,
        ];
  const measured = parts.filter((p): p is number => p !== null);
  if (measured.length === 0) return null;
  return Math.round((measured.reduce((s, p) => s + p, 0) / measured.length) * 10_000) / 100;
}


// ---- Closer to the seeds (issue 16): closure, resolved inside the grid, arrival on site, the
// two-hour hazard promise, residents' satisfaction with a called department. Definitions in
// docs/ASSESSMENT.md "Figures closer to the seeds"; the SQL twin is the `seeds` CTE and its
// rows in features/assessment/sqlFigures.ts. Kept apart from the other figures on purpose.

/** Levels inside the grid (网格内): the grid and its community. */
export const INSIDE_GRID_LEVELS: readonly Level[] = ['GRID', 'COMMUNITY'];
const INSIDE = new Set<string>(INSIDE_GRID_LEVELS);

interface SeedsTrack {
  /** The latest closing, null once reopened (or never closed). */
  closing: Record<string, unknown> | null;
  /** The case went beyond the grid and community: reported above them, escalated above them, or a department was called. */
  left: boolean;
  /** Departments called so far (distinct), each surveyed about the case. */
  called: Set<string>;
}

const newSeedsTrack = (): SeedsTrack => ({ closing: null, left: false, called: new Set() });

const timingOnTime = (v: unknown): boolean | null =>
  v && typeof v === 'object' ? bool((v as Record<string, unknown>).onTime) : null;

/** One event's share of the seeds' figures (events in seq order, up to asOf). */
function foldSeedsEvent(t: SeedsTrack, e: AssessmentEvent, acc: (unitId: string) => Acc): void {
  const d = e.data ?? {};
  switch (e.type) {
    case 'REPORTED':
      if (e.level === null || !INSIDE.has(e.level)) t.left = true;
      break;
    case 'ESCALATED':
      if (!INSIDE.has(String(d.to))) t.left = true;
      break;
    case 'DEPARTMENT_CALLED': {
      t.left = true;
      const dept = e.unitId ?? str(d.departmentId);
      if (str(d.callId) && dept) t.called.add(dept);
      break;
    }
    case 'CLOSED':
      t.closing = d;
      break;
    case 'REOPENED':
      t.closing = null;
      break;
    case 'SURVEY_RECORDED': {
      const hit = d.satisfaction === 'SATISFIED' || d.satisfaction === 'BASICALLY_SATISFIED';
      for (const dept of t.called) tally(acc(dept).calledSatisfied, hit);
      break;
    }
    case 'SURVEY_UNREACHABLE':
      // The same policy as the unit's satisfaction: SATISFIED in both terms, NEUTRAL in the denominator.
      for (const dept of t.called) {
        if (d.policy === 'SATISFIED') tally(acc(dept).calledSatisfied, true);
        else if (d.policy === 'NEUTRAL') tally(acc(dept).calledSatisfied, false);
      }
      break;
    case 'SITE_STEP': {
      if (!e.unitId) break;
      if (d.step === 'ARRIVED') {
        const onTime = timingOnTime(d.onSite);
        if (onTime !== null) tally(acc(e.unitId).onSite, onTime);
      } else if (d.step === 'CLEARED') {
        const kept = bool(d.withinPromise);
        if (kept !== null) tally(acc(e.unitId).hazard, kept);
      }
      break;
    }
    case 'DEPARTMENT_REPORTED': {
      const onTime = timingOnTime(d.onSite);
      if (onTime !== null && e.unitId) tally(acc(e.unitId).onSite, onTime);
      break;
    }
    case 'BREACHED':
      if (d.kind === 'ON_SITE' && e.unitId) tally(acc(e.unitId).onSite, false);
      break;
    default:
      break;
  }
}

/** The case's closure and resolved-inside-the-grid shares, once its events are folded. */
function settleSeeds(t: SeedsTrack, units: CaseUnits, handled: ReadonlySet<string>, acc: (unitId: string) => Acc): void {
  const closed = t.closing !== null;
  for (const u of handled) tally(acc(u).closure, closed);
  if (!t.closing) return;
  const inGrid = !t.left && t.closing.resolution === 'RESOLVED' && INSIDE.has(String(t.closing.handlerLevel));
  for (const u of homeUnitsOf(units)) tally(acc(u).inGrid, inGrid);
}

/** The units whose area the case lies in: its grid, community, street and district (distinct, non-empty). */
export function homeUnitsOf(units: CaseUnits): string[] {
  return [...new Set([units.gridId, units.communityId, units.streetId, units.districtId].filter((u): u is string => !!u))];
}
