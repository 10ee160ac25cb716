// The command center's send-down (派单, 转办): a case the district command center holds goes
// down to a unit of the case's own place (its street, community or grid) with a reason and a
// fresh accept window. Pure rules over plain data; bundled into the workflow sandbox.
import { unitForLevel } from './ladder';
import type { CaseStatus, CaseUnits, Level } from './types';

/** The levels the command center sends a case down to (the ladder below it). */
export const SEND_DOWN_LEVELS: readonly Level[] = ['STREET', 'COMMUNITY', 'GRID'];

/** The level that sends down: the case must be held there. */
export const SEND_DOWN_FROM: Level = 'COMMAND_CENTER';

/**
 * Statuses a case is sent down in: not yet answered (REPORTED: nobody accepted it, as a missed
 * acceptance HOLDs it with the duty desk; ACCEPTED: accepted, no first response yet). A case in
 * progress keeps its handler (calls, evidence, the completion window are the handler's).
 */
export const SEND_DOWN_STATUSES: readonly CaseStatus[] = ['REPORTED', 'ACCEPTED'];

export function isSendDownLevel(level: unknown): level is Level {
  return typeof level === 'string' && (SEND_DOWN_LEVELS as readonly string[]).includes(level);
}

/** Why the case cannot be sent down in this state, or null when it can (the form's content aside). */
export function sendDownBlocker(state: { status: CaseStatus; level: Level }): string | null {
  if (!SEND_DOWN_STATUSES.includes(state.status)) {
    return `cannot send down a case that is ${state.status} (only a case not yet answered: ${SEND_DOWN_STATUSES.join(' or ')})`;
  }
  if (state.level !== SEND_DOWN_FROM) return `the case is held by the ${state.level}: the command center sends down only cases it holds`;
  return null;
}

/**
 * The unit a send-down to `level` reaches: the case's own unit at that level. A `unitId` naming
 * another unit (another street: 划转 of a misrouted case) is refused with the field's message.
 */
export function sendDownTarget(level: Level, units: CaseUnits, unitId?: string): { unitId: string } | { field: string; message: string } {
  if (!isSendDownLevel(level)) return { field: 'level', message: `one of ${SEND_DOWN_LEVELS.join(', ')}` };
  const own = unitForLevel(level, units);
  if (unitId !== undefined && unitId !== own) {
    return { field: 'unitId', message: `${unitId} is not this case's ${level.toLowerCase()} (${own}); a case is sent down within its own place` };
  }
  return { unitId: own };
}
