// Rules of the organisation tree an administrator edits (pure, no Prisma): which kind of unit
// may sit under which, which unit a role's holder belongs to, and whether a move makes a cycle.
// The intake relies on these: a grid is routed only through a grid → community → street →
// district chain (features/directory unitsOf), so any other shape would break running intake.
import type { Role } from './types';

export type UnitKind = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'DEPARTMENT';

/**
 * The parent kind each kind must have. The seed only builds these shapes (no grid directly
 * under a street), and the directory refuses any other chain, so the API refuses them too.
 * A district is a root: districts are created by deployment (seed), not through the API,
 * because an administrator's scope is one district.
 */
export const PARENT_KIND: Readonly<Record<UnitKind, UnitKind | null>> = {
  DISTRICT: null,
  STREET: 'DISTRICT',
  COMMUNITY: 'STREET',
  GRID: 'COMMUNITY',
  DEPARTMENT: 'DISTRICT',
};

/** Why `kind` cannot sit under a parent of `parentKind` (null: it can). */
export function parentKindProblem(kind: UnitKind, parentKind: UnitKind | null): string | null {
  const want = PARENT_KIND[kind];
  if (want === parentKind) return null;
  if (want === null) return `a ${kind} is the root of its tree and has no parent`;
  return `a ${kind} must be under a ${want}${parentKind ? `, not under a ${parentKind}` : ''}`;
}

/** The unit kind a person of each role belongs to (docs/AUTHZ.md, "Roles"). */
export const UNIT_KIND_OF_ROLE: Readonly<Record<Role, UnitKind>> = {
  REPORTER: 'DISTRICT',
  GRID_WORKER: 'GRID',
  COMMUNITY_WORKER: 'COMMUNITY',
  STREET_DISPATCHER: 'STREET',
  DEPARTMENT_OFFICER: 'DEPARTMENT',
  COMMAND_CENTER: 'DISTRICT',
  DEPUTY_LEADER: 'DISTRICT',
  PRINCIPAL_LEADER: 'DISTRICT',
  AUDITOR: 'DISTRICT',
  ADMIN: 'DISTRICT',
};

/** Roles that hold cases at their unit (a level of the ladder, or a called department). */
export const CASE_HOLDING_ROLES: ReadonlySet<Role> = new Set<Role>([
  'GRID_WORKER',
  'COMMUNITY_WORKER',
  'STREET_DISPATCHER',
  'DEPARTMENT_OFFICER',
  'COMMAND_CENTER',
  'DEPUTY_LEADER',
  'PRINCIPAL_LEADER',
]);

/** Why a person of `role` cannot belong to a unit of `unitKind` (null: it can). */
export function roleUnitProblem(role: Role, unitKind: UnitKind): string | null {
  const want = UNIT_KIND_OF_ROLE[role];
  return want === unitKind ? null : `a ${role} belongs to a ${want}, not to a ${unitKind}`;
}

/**
 * True when putting `unitId` under `newParentId` would make it its own ancestor.
 * `parentOf` gives a unit's current parent (null at a root, undefined if unknown); the walk
 * is bounded, so a tree that is already broken cannot loop forever.
 */
export function wouldCreateCycle(unitId: string, newParentId: string, parentOf: (id: string) => string | null | undefined): boolean {
  let id: string | null | undefined = newParentId;
  for (let depth = 0; id != null && depth < 64; depth++) {
    if (id === unitId) return true;
    id = parentOf(id);
  }
  return false;
}

/** A client-chosen id: letters, digits, "-" and "_", 2–64 characters, starting with a letter or digit. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;
