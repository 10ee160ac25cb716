// Who may read which assessment figures. Pure.
import type { Role } from '../types';
import type { UnitInfo } from './figures';

/** Roles that may read assessment figures at all. */
export const ASSESSMENT_READERS: readonly Role[] = [
  'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN', 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER',
];

/** Roles that may publish a snapshot (a new version of a period's figures). */
export const SNAPSHOT_PUBLISHERS: readonly Role[] = ['COMMAND_CENTER', 'ADMIN'];

/** Readers of every unit's figures. */
const READ_ALL: ReadonlySet<Role> = new Set(['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN']);

/**
 * The units whose figures `reader` may see: 'ALL', a set of unit ids, or null (may not read).
 * A street dispatcher sees its street and the communities and grids under it; a department
 * officer sees its department.
 */
export function visibleUnits(reader: { role: Role; unitId: string }, units: readonly UnitInfo[]): 'ALL' | Set<string> | null {
  if (READ_ALL.has(reader.role)) return 'ALL';
  if (reader.role === 'DEPARTMENT_OFFICER') return new Set([reader.unitId]);
  if (reader.role !== 'STREET_DISPATCHER') return null;
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (!u.parentId) continue;
    const list = children.get(u.parentId) ?? [];
    list.push(u.id);
    children.set(u.parentId, list);
  }
  const seen = new Set<string>([reader.unitId]);
  const queue = [reader.unitId];
  while (queue.length) {
    for (const child of children.get(queue.pop()!) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return seen;
}

/** Whether `visible` includes `unitId`. */
export function canSee(visible: 'ALL' | Set<string> | null, unitId: string): boolean {
  return visible === 'ALL' || (visible !== null && visible.has(unitId));
}
