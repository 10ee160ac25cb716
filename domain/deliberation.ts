// Five-step deliberation (五步议事: 说、问、议、办、评, seed 001) on community matters. The
// community holding a case (or the street above it) records the residents' matter as raised
// (群众说事), the topic the cadres fix (干部问事, 议题), the meeting with its participants and
// the decision (集中议事, 处理意见), the work done with its 三事分流 stream (合力办事), and the
// residents' democratic evaluation with the cadres who took part (民主评事), in that order, each
// once. Each step is a DELIBERATION_STEP fact on the case, so the audit, the replay and the
// timeline show it; the evaluation counts in the community's assessment (held, completed, share
// of residents satisfied). Data (DeliberationPolicy, frozen in the case's policy at intake) and
// pure rules; the machine applies them. Sandbox-safe.
import type { Level, TriageKind } from './types';

export type DeliberationStep = 'SAY' | 'ASK' | 'DISCUSS' | 'DO' | 'EVALUATE';

/** 说、问、议、办、评, in the order they must happen. */
export const DELIBERATION_STEPS: readonly DeliberationStep[] = ['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE'];

/** How the timeline and the console name the steps (Chinese first). */
export const DELIBERATION_STEP_LABELS: Record<DeliberationStep, { zh: string; en: string }> = {
  SAY: { zh: '群众说事', en: 'residents raise the matter' },
  ASK: { zh: '干部问事', en: 'cadres fix the topic' },
  DISCUSS: { zh: '集中议事', en: 'deliberation meeting' },
  DO: { zh: '合力办事', en: 'work done together' },
  EVALUATE: { zh: '民主评事', en: "residents' democratic evaluation" },
};

/** The bodies that deliberate (seed 001: "社区协商议事会、自治委员会、业主委员会、驻地单位联席会、物业联席议事会、党群协商议事会"). */
export type DeliberationForum =
  | 'COMMUNITY_COUNCIL'
  | 'SELF_GOVERNANCE_COMMITTEE'
  | 'OWNERS_COMMITTEE'
  | 'RESIDENT_UNITS_MEETING'
  | 'PROPERTY_MEETING'
  | 'PARTY_MASSES_COUNCIL';

export const DELIBERATION_FORUMS: Record<DeliberationForum, { zh: string; en: string }> = {
  COMMUNITY_COUNCIL: { zh: '社区协商议事会', en: 'community consultation council' },
  SELF_GOVERNANCE_COMMITTEE: { zh: '自治委员会', en: 'self-governance committee' },
  OWNERS_COMMITTEE: { zh: '业主委员会', en: "owners' committee" },
  RESIDENT_UNITS_MEETING: { zh: '驻地单位联席会', en: 'joint meeting of resident units' },
  PROPERTY_MEETING: { zh: '物业联席议事会', en: 'joint property-management meeting' },
  PARTY_MASSES_COUNCIL: { zh: '党群协商议事会', en: 'party–masses consultation council' },
};

/** 三事分流 (seed 001): 大事 政府快办, 小事 协商共办, 私事 灵活自办 — the triage kinds. */
export const STREAM_LABELS: Record<TriageKind, { zh: string; en: string }> = {
  BIG: { zh: '大事 政府快办', en: 'big matter: the government acts fast' },
  SMALL: { zh: '小事 协商共办', en: 'small matter: solved together' },
  PRIVATE: { zh: '私事 灵活自办', en: 'private matter: the residents solve it themselves' },
};

export type DeliberationVerdict = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'UNSATISFIED';

export const VERDICT_LABELS: Record<DeliberationVerdict, { zh: string; en: string }> = {
  SATISFIED: { zh: '满意', en: 'satisfied' },
  BASICALLY_SATISFIED: { zh: '基本满意', en: 'basically satisfied' },
  UNSATISFIED: { zh: '不满意', en: 'dissatisfied' },
};

/** One person at the meeting: a resident representative, a cadre, the property company, a resident unit. */
export interface DeliberationParticipant {
  name: string;
  role: string;
  unit?: string;
}

/** The residents' votes at the evaluation (党员和居民代表大会). */
export interface DeliberationVotes {
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

export interface DeliberationPolicy {
  /** The case may not be approved at review (审核结案) while a deliberation is started and not evaluated. */
  closeNeedsEvaluation: boolean;
}

export const DEFAULT_DELIBERATION: DeliberationPolicy = { closeNeedsEvaluation: true };

export function defaultDeliberation(): DeliberationPolicy {
  return { ...DEFAULT_DELIBERATION };
}

export function isDeliberationStep(x: unknown): x is DeliberationStep {
  return typeof x === 'string' && (DELIBERATION_STEPS as readonly string[]).includes(x);
}

/** What one step records (the machine fills `at`, `by`). */
export interface DeliberationStepContent {
  /** SAY: the matter as raised; ASK: the topic (议题); DISCUSS: the decision (处理意见); DO: the work done; EVALUATE: a note. */
  text: string;
  /** SAY: where it was raised (民情驿站, 微信群, 敲门 …). */
  source?: string;
  /** DISCUSS: the body that deliberated and who took part. */
  forum?: DeliberationForum;
  participants?: DeliberationParticipant[];
  /** DO: the 三事分流 stream the work went by. */
  stream?: TriageKind;
  /** EVALUATE: the residents' votes and the cadres who took part (their 积分考核). */
  votes?: DeliberationVotes;
  cadres?: string[];
}

export interface DeliberationStepRecord extends DeliberationStepContent {
  step: DeliberationStep;
  at: number;
  by: string;
  unitId: string;
  /** Recorded again to correct the step before the next one (the earlier fact stays in the record). */
  corrected?: boolean;
  /** EVALUATE: the verdict read from the votes. */
  verdict?: DeliberationVerdict;
}

/** CaseState.deliberation: the latest record of each step done, in order. */
export interface DeliberationRecord {
  /** The community unit the deliberation counts for (the case's community). */
  communityId: string;
  startedAt: number;
  steps: DeliberationStepRecord[];
  /** When the residents evaluated it (the fifth step); null while open. */
  completedAt: number | null;
  verdict: DeliberationVerdict | null;
}

/** A community matter: held at or sent down to a community, or triaged SMALL (三事分流 小事). */
export function isCommunityMatter(level: Level, triage: TriageKind): boolean {
  return level === 'COMMUNITY' || triage === 'SMALL';
}

/** Steps done so far, in order. */
export function stepsDone(r: DeliberationRecord | undefined): DeliberationStep[] {
  const done = new Set((r?.steps ?? []).map((s) => s.step));
  return DELIBERATION_STEPS.filter((s) => done.has(s));
}

/** The step to record next; null when all five are done. */
export function nextStep(r: DeliberationRecord | undefined): DeliberationStep | null {
  return DELIBERATION_STEPS.find((s) => !stepsDone(r).includes(s)) ?? null;
}

/** Whether a deliberation is started and not yet evaluated. */
export function isOpen(r: DeliberationRecord | undefined): boolean {
  return r !== undefined && r.completedAt === null;
}

/**
 * Why `step` cannot be recorded now (null: it can). Steps go in order, each once; the latest step
 * may be recorded again (a correction) until the next one is recorded; the evaluation is final.
 */
export function deliberationStepBlocker(r: DeliberationRecord | undefined, step: DeliberationStep): string | null {
  const done = stepsDone(r);
  const last = done.length ? done[done.length - 1] : null;
  if (last === 'EVALUATE') return 'the deliberation is evaluated (民主评事): it is final';
  if (step === last) return null;
  if (done.includes(step)) return `${step} is recorded already; only the latest step (${last}) may be corrected`;
  const expected = nextStep(r);
  if (step !== expected) return `record ${expected} (${DELIBERATION_STEP_LABELS[expected!].zh}) first`;
  return null;
}

/** Whether a step is a correction of the latest one. */
export function isCorrection(r: DeliberationRecord | undefined, step: DeliberationStep): boolean {
  const done = stepsDone(r);
  return done.length > 0 && done[done.length - 1] === step;
}

/** What the step's content lacks (field, message), or null. */
export function contentProblem(step: DeliberationStep, c: DeliberationStepContent): { field: string; message: string } | null {
  if (typeof c.text !== 'string' || !c.text.trim()) {
    const what = { SAY: 'the matter as the residents raised it', ASK: 'the topic (议题)', DISCUSS: 'the decision (处理意见)', DO: 'the work done', EVALUATE: null }[step];
    if (what) return { field: 'text', message: `say ${what}` };
  }
  if (step === 'DISCUSS') {
    if (!c.forum || !(c.forum in DELIBERATION_FORUMS)) return { field: 'forum', message: `one of ${Object.keys(DELIBERATION_FORUMS).join(', ')}` };
    if (!c.participants?.length) return { field: 'participants', message: 'name who took part' };
    if (c.participants.some((p) => !p.name?.trim() || !p.role?.trim())) return { field: 'participants', message: 'each with a name and a role' };
  }
  if (step === 'DO' && (!c.stream || !(c.stream in STREAM_LABELS))) return { field: 'stream', message: 'BIG, SMALL or PRIVATE (三事分流)' };
  if (step === 'EVALUATE') {
    const v = c.votes;
    if (!v || ![v.satisfied, v.basicallySatisfied, v.dissatisfied].every((n) => Number.isInteger(n) && n >= 0)) {
      return { field: 'votes', message: 'the counts of 满意, 基本满意, 不满意 (whole numbers, 0 or more)' };
    }
    if (voteTotal(v) === 0) return { field: 'votes', message: 'at least one resident evaluated' };
    if (!c.cadres?.length || c.cadres.some((x) => !x?.trim())) return { field: 'cadres', message: 'name the cadres who took part' };
  }
  return null;
}

export function voteTotal(v: DeliberationVotes): number {
  return v.satisfied + v.basicallySatisfied + v.dissatisfied;
}

/**
 * The evaluation's verdict: the answer most residents gave; a tie goes to the less favourable
 * answer (a split vote is not a satisfied one).
 */
export function verdictOf(v: DeliberationVotes): DeliberationVerdict {
  const { satisfied: s, basicallySatisfied: b, dissatisfied: d } = v;
  if (d >= s && d >= b) return 'UNSATISFIED';
  if (b >= s) return 'BASICALLY_SATISFIED';
  return 'SATISFIED';
}

/** The share of residents satisfied (满意 or 基本满意) of those who evaluated, as [numerator, denominator]. */
export function satisfiedVotes(v: DeliberationVotes): [number, number] {
  return [v.satisfied + v.basicallySatisfied, voteTotal(v)];
}

/** The record after one more step (a new object; `r` is left as it was). */
export function withStep(r: DeliberationRecord | undefined, communityId: string, rec: DeliberationStepRecord): DeliberationRecord {
  const base: DeliberationRecord = r ?? { communityId, startedAt: rec.at, steps: [], completedAt: null, verdict: null };
  const steps = [...base.steps.filter((s) => s.step !== rec.step), rec];
  const done = rec.step === 'EVALUATE';
  return { ...base, steps, completedAt: done ? rec.at : base.completedAt, verdict: done ? (rec.verdict ?? null) : base.verdict };
}
