// Arrival on site and the hazard path's steps (seed 002: "2小时内完成现场勘查、方案确定及人材机进场
//消险全过程"). A handler's arrival (or a called department's report, 报到) meets the urgent on-site
// window; the hazard path records its four steps in order, each with its time and evidence; the
// two-hour promise is a figure read from the steps' times (hazardPromise), not a timer: the ON_SITE
// window already wakes the case and escalates it when nobody arrives, and a second lapse at the same
// instant would page the ladder twice for one delay. Data (SitePolicy, frozen in the case's policy at
// intake) and pure rules; the machine applies them. Sandbox-safe.
import type { EvidenceKind } from './types';

/** The arrival, then the hazard path's four steps, in the order they must happen. */
export type SiteStep = 'ARRIVED' | 'SURVEYED' | 'PLANNED' | 'CREW_ON_SITE' | 'CLEARED';

/** 现场勘查, 方案确定, 人材机进场, 消险 (seed 002). */
export const HAZARD_STEPS = ['SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED'] as const satisfies readonly SiteStep[];
export const SITE_STEPS: readonly SiteStep[] = ['ARRIVED', ...HAZARD_STEPS];

/** How the timeline and the console name the steps (Chinese first). */
export const SITE_STEP_LABELS: Record<SiteStep, { zh: string; en: string }> = {
  ARRIVED: { zh: '到场', en: 'arrived on site' },
  SURVEYED: { zh: '现场勘查', en: 'site surveyed' },
  PLANNED: { zh: '方案确定', en: 'plan decided' },
  CREW_ON_SITE: { zh: '人材机进场', en: 'crew, material and machinery on site' },
  CLEARED: { zh: '消险', en: 'hazard cleared' },
};

export function isSiteStep(x: unknown): x is SiteStep {
  return typeof x === 'string' && (SITE_STEPS as readonly string[]).includes(x);
}

export interface SitePolicy {
  /** The urgent on-site window (ON_SITE) is met by the arrival, not by the final result. */
  arrivalMeetsOnSite: true;
  /** The hazard path's promise: every step done within this many wall minutes of the report (seed 002: 2 hours). */
  hazardPromiseMinutes: number;
}

/** Seed 002: "2小时内完成现场勘查、方案确定及人材机进场消险全过程". */
export const DEFAULT_SITE: SitePolicy = { arrivalMeetsOnSite: true, hazardPromiseMinutes: 120 };

export function defaultSite(): SitePolicy {
  return { ...DEFAULT_SITE };
}

/** An evidence reference as the evidence action takes it (the bytes live in the object store). */
export interface EvidenceRef {
  kind: EvidenceKind;
  url: string;
  sha256: string;
}

export interface SiteStepRecord {
  step: SiteStep;
  at: number;
  by: string;
  unitId: string;
  /** The department call it was recorded for; null: the holder of the case. */
  callId: string | null;
  note: string | null;
  evidence: EvidenceRef[];
}

/** CaseState.site: the arrival and the hazard path's steps so far. */
export interface SiteProgress {
  /** First arrival on site: the holder's ARRIVED step or a called department's report (报到). */
  arrivedAt: number | null;
  steps: SiteStepRecord[];
  /** Urgent cases: when the two-hour promise ends (report + hazardPromiseMinutes); null otherwise. */
  hazardDueAt: number | null;
  clearedAt: number | null;
}

export function newSiteProgress(urgent: boolean, reportedAt: number, policy: SitePolicy): SiteProgress {
  return { arrivedAt: null, steps: [], hazardDueAt: urgent ? reportedAt + policy.hazardPromiseMinutes * 60_000 : null, clearedAt: null };
}

/** Why `step` cannot be recorded now (null: it can): each step once, in order, after an arrival. */
export function stepBlocker(p: SiteProgress | undefined, step: SiteStep, urgent: boolean): string | null {
  const done = new Set((p?.steps ?? []).map((s) => s.step));
  if (step === 'ARRIVED') return p?.arrivedAt != null ? 'the arrival on site is recorded already' : null;
  if (!urgent) return 'the hazard steps (现场勘查, 方案确定, 人材机进场, 消险) are recorded on urgent cases';
  if (done.has(step)) return `${step} is recorded already`;
  if (p?.arrivedAt == null) return 'record the arrival on site (到场 or 报到) first';
  const i = HAZARD_STEPS.indexOf(step);
  const before = i > 0 ? HAZARD_STEPS[i - 1] : null;
  if (before && !done.has(before)) return `record ${before} first`;
  return null;
}

/** Hazard steps recorded so far, in order. */
export function hazardStepsDone(p: SiteProgress | undefined): SiteStep[] {
  const done = new Set((p?.steps ?? []).map((s) => s.step));
  return HAZARD_STEPS.filter((s) => done.has(s));
}

/**
 * The two-hour promise read from the steps' times: met when the hazard was cleared by its due
 * time, missed when cleared later or still not cleared after it, open before then. `late` names
 * the steps done after the due time.
 */
export function hazardPromise(p: SiteProgress | undefined, now: number): { dueAt: number; met: boolean | null; late: SiteStep[] } | null {
  if (!p || p.hazardDueAt === null) return null;
  const dueAt = p.hazardDueAt;
  const late = p.steps.filter((s) => s.step !== 'ARRIVED' && s.at > dueAt).map((s) => s.step);
  const met = p.clearedAt !== null ? p.clearedAt <= dueAt : now > dueAt ? false : null;
  return { dueAt, met, late };
}
