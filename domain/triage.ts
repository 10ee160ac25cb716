// Three kinds of matter (三事分流, seed 001) as routes: where a new case starts, whether the
// category's usual departments are called at once, and which first responses fit the kind.
// Data (TriagePolicy, frozen in the case's policy at intake) + pure functions; the intake and
// the machine (workflows/caseMachine) apply them. docs/RULES.md gives each default its seed.
import { mayCallDepartments, rank } from './ladder';
import type { Level, LevelDirectory, TriageKind } from './types';

export const TRIAGE_KINDS: readonly TriageKind[] = ['BIG', 'SMALL', 'PRIVATE'];

/** A first response (the respond action's decisions, and calling departments). */
export type FirstResponse = 'SELF' | 'COMMUNITY' | 'GUIDANCE' | 'DEPARTMENTS';

/**
 * Where a new case starts:
 * - CATALOG: at the category's level (as before the routes);
 * - COMMUNITY: with the residents' committee (居委会) of its grid, when the directory gives the
 *   grid a community with a holder and the category starts below it; otherwise at the category's level;
 * - STREET: with its street (the street keeps the case), unless the category starts higher.
 */
export type TriageStart = 'CATALOG' | 'COMMUNITY' | 'STREET';

export interface TriageRoute {
  start: TriageStart;
  /** The category's usual departments are called at intake (政府快办); the street keeps the case. */
  callDepartments: boolean;
  /** First responses that fit this kind; another one needs a re-triage with a reason. */
  responses: FirstResponse[];
}

export interface TriagePolicy {
  routes: Record<TriageKind, TriageRoute>;
  /** Levels that may call departments (街镇、社区呼叫 [004]). */
  callers: Level[];
}

/** The route of a kind not routed (TRIAGE_ROUTES leaves it out): as before the routes. */
export const UNROUTED: TriageRoute = { start: 'CATALOG', callDepartments: false, responses: ['SELF', 'COMMUNITY', 'GUIDANCE', 'DEPARTMENTS'] };

/**
 * The seed's routes ([001] 三事分流): a big matter is the government's (政府快办: where it starts
 * at a level that calls, the street, its departments are called at once and the street holds it;
 * one the grid handles on patrol starts with the grid, [000] 93%的项目在网格内解决, and is whistled up
 * when beyond it), a small matter the residents' committee's (由居委会主导), a private matter is
 * answered with guidance (引导居民群众自行解决或引导寻求其他服务).
 * Communities call departments as streets do ([004] 街镇、社区呼叫市、区直部门).
 */
export const DEFAULT_TRIAGE: TriagePolicy = {
  routes: {
    BIG: { start: 'CATALOG', callDepartments: true, responses: ['SELF', 'DEPARTMENTS'] },
    SMALL: { start: 'COMMUNITY', callDepartments: false, responses: ['SELF', 'COMMUNITY', 'DEPARTMENTS'] },
    PRIVATE: { start: 'CATALOG', callDepartments: false, responses: ['GUIDANCE'] },
  },
  callers: ['COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'],
};

/**
 * A fresh policy routing the `kinds` listed by the seed's routes and the others as before
 * (configuration TRIAGE_ROUTES); every kind by default.
 */
export function defaultTriage(kinds: readonly TriageKind[] = TRIAGE_KINDS): TriagePolicy {
  const route = (k: TriageKind): TriageRoute => {
    const r = kinds.includes(k) ? DEFAULT_TRIAGE.routes[k] : UNROUTED;
    return { start: r.start, callDepartments: r.callDepartments, responses: [...r.responses] };
  };
  return { routes: { BIG: route('BIG'), SMALL: route('SMALL'), PRIVATE: route('PRIVATE') }, callers: [...DEFAULT_TRIAGE.callers] };
}

export function isTriageKind(s: string): s is TriageKind {
  return (TRIAGE_KINDS as readonly string[]).includes(s);
}

/**
 * Whether the directory gives the case's grid a community with a holder (the residents'
 * committee's worker): a grid without one, or with the post vacant, keeps its catalog start.
 */
export function hasCommunity(directory: LevelDirectory): boolean {
  const c = directory.COMMUNITY;
  return Boolean(c?.unitId) && (c?.personId ?? null) !== null;
}

/** Where a new case of `kind` starts, given the category's level and the directory of its place. */
export function triageStartLevel(kind: TriageKind, catalogLevel: Level, directory: LevelDirectory, policy: TriagePolicy | undefined): Level {
  const start = policy ? policy.routes[kind].start : 'CATALOG';
  if (start === 'COMMUNITY') return hasCommunity(directory) && rank(catalogLevel) < rank('COMMUNITY') ? 'COMMUNITY' : catalogLevel;
  if (start === 'STREET') return rank(catalogLevel) < rank('STREET') ? 'STREET' : catalogLevel;
  return catalogLevel;
}

/**
 * The departments a new case of `kind` starting at `startLevel` calls at intake: the category's
 * usual ones that have an officer, when the route fast-tracks it and the case starts at a level
 * that calls (the street: a grid does not call, [004] 街镇、社区呼叫); none otherwise (a category
 * naming no department starts without calls, and its holder decides within its hour as for any case).
 */
export function triageCalls(kind: TriageKind, suggested: readonly string[], officers: Readonly<Record<string, unknown>>, policy: TriagePolicy | undefined, startLevel: Level): string[] {
  if (!policy?.routes[kind].callDepartments || !policy.callers.includes(startLevel)) return [];
  return [...new Set(suggested)].filter((d) => Object.prototype.hasOwnProperty.call(officers, d));
}

/** Whether a case held at `level` may call departments: street and above, and communities on cases with the routes. */
export function mayCall(level: Level, policy: TriagePolicy | undefined): boolean {
  return policy ? policy.callers.includes(level) : mayCallDepartments(level);
}

/**
 * Why a first response does not fit the case's kind (null when it does). The holder then
 * corrects the kind (re-triage with a reason) in the same response.
 */
export function responseBlocker(response: FirstResponse, kind: TriageKind, policy: TriagePolicy | undefined): string | null {
  if (!policy) return null;
  const fits = policy.routes[kind].responses;
  if (fits.includes(response)) return null;
  const what: Record<FirstResponse, string> = {
    SELF: 'handled by the holder',
    COMMUNITY: 'sent to the community',
    GUIDANCE: 'answered with guidance',
    DEPARTMENTS: 'handled by calling departments',
  };
  return `a ${kind.toLowerCase()} matter is not ${what[response]} (it takes ${fits.map((r) => r.toLowerCase()).join(' or ')}); correct the triage with a reason`;
}

/**
 * The ladder a new case climbs at its place (层层): the configured ladder, except that a ladder
 * naming COMMUNITY (LADDER=GRID,COMMUNITY,STREET,…) skips it for a grid the directory gives no
 * community with a holder, so a lapse or a whistle never lands on a post nobody holds.
 */
export function ladderForPlace(ladder: readonly Level[], directory: LevelDirectory): Level[] {
  return ladder.includes('COMMUNITY') && !hasCommunity(directory) ? ladder.filter((l) => l !== 'COMMUNITY') : [...ladder];
}
