// The steps the case page draws: the case's own ladder (frozen at intake, so a grid without a
// community climbs straight to its street), or every level for a case whose worker predates it
// or whose live state is unavailable.
import type { Level } from './types';

/** Every level, lowest first: the default ladder with the community. */
export const ALL_LEVELS: readonly Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

/** The ladder to draw and where the case stands on it (-1 when its level is not on it). */
export function ladderSteps(ladder: readonly Level[] | undefined, level: Level | undefined): { steps: readonly Level[]; current: number } {
  // A level off the case's ladder (never expected) would leave no step marked: draw them all then.
  const steps = ladder?.length && (!level || ladder.includes(level)) ? ladder : ALL_LEVELS;
  return { steps, current: level ? steps.indexOf(level) : -1 };
}
