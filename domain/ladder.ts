// The escalation ladder as pure functions over configuration data.
import type { CaseUnits, Level, Role } from './types';

/** Side levels that are not on the ladder escalate to the ladder level that holds them. */
const SIDE_LEVEL_PARENT: Partial<Record<Level, Level>> = { COMMUNITY: 'STREET' };

/** The level a case climbs to from `level`, or null at the top of the ladder. */
export function nextLevel(level: Level, ladder: readonly Level[]): Level | null {
  const i = ladder.indexOf(level);
  if (i >= 0) return ladder[i + 1] ?? null;
  const parent = SIDE_LEVEL_PARENT[level];
  if (parent && ladder.includes(parent)) return parent;
  // A level missing from a custom ladder climbs to the first ladder level above it.
  return ladder.find((l) => rank(l) > rank(level)) ?? null;
}

/** Whether `level` is the top of the ladder (the district leaders' case list, 包案). */
export function isTop(level: Level, ladder: readonly Level[]): boolean {
  return nextLevel(level, ladder) === null;
}

const ORDER: readonly Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

/** Position of a level in the full organisation order (GRID lowest). */
export function rank(level: Level): number {
  return ORDER.indexOf(level);
}

/** True when `a` sits at or above `b` in the organisation order. */
export function atOrAbove(a: Level, b: Level): boolean {
  return rank(a) >= rank(b);
}

/** Levels from which departments may be called (street and above). */
export function mayCallDepartments(level: Level): boolean {
  return atOrAbove(level, 'STREET');
}


/** The role that holds a case at each level. */
export const LEVEL_ROLE: Record<Level, Role> = {
  GRID: 'GRID_WORKER',
  COMMUNITY: 'COMMUNITY_WORKER',
  STREET: 'STREET_DISPATCHER',
  COMMAND_CENTER: 'COMMAND_CENTER',
  DEPUTY_LEADER: 'DEPUTY_LEADER',
  PRINCIPAL_LEADER: 'PRINCIPAL_LEADER',
};

/** The level a role acts at, or null for roles beside the ladder (reporter, department, auditor, admin). */
export function levelOfRole(role: Role): Level | null {
  for (const [level, r] of Object.entries(LEVEL_ROLE) as Array<[Level, Role]>) if (r === role) return level;
  return null;
}

/** The organisation unit that answers for a case at a level. */
export function unitForLevel(level: Level, units: CaseUnits): string {
  switch (level) {
    case 'GRID': return units.gridId;
    case 'COMMUNITY': return units.communityId;
    case 'STREET': return units.streetId;
    default: return units.districtId;
  }
}
