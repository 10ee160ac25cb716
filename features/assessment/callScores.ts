// Two-way scoring of department calls (吹哨报到): the unit that called scores the department's
// cooperation and professionalism (1–5); the called department says whether the call was
// its to answer (call accuracy). One score per call and direction, never changed.
import { dataOf, type FactData, type FactType } from '../../domain/facts';
import { LEVEL_ROLE } from '../../domain/ladder';
import type { Actor, CaseUnits, Level } from '../../domain/types';
import { DomainError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import { refreshCaseCounts, type CaseCountsDb } from './caseCounts';
import { callerUnitOf, type CallScoreDirection } from '../../domain/assessment/figures';

/** A department call as its DEPARTMENT_CALLED event recorded it. */
export interface CallRef {
  caseCode: string;
  callId: string;
  departmentId: string;
  /** The case's level when the call was made (STREET, or a district level). */
  level: string | null;
  /** The unit that made the call: the case's street, or the district for district-level calls. */
  callerUnitId: string;
  calledAt: Date;
}

/** Which side a scorer is on for a call. */
export interface ScoreSide {
  direction: CallScoreDirection;
  fromUnitId: string;
  toUnitId: string;
}

/**
 * The side `actor` may score, or null: an officer of the called department scores the
 * caller's accuracy; the caller's holder role of the calling unit (the street dispatcher of
 * the case's street, for a street's call) scores the department.
 */
export function scoreSideFor(actor: Pick<Actor, 'role' | 'unitId'>, call: CallRef): ScoreSide | null {
  if (actor.role === 'DEPARTMENT_OFFICER' && actor.unitId === call.departmentId) {
    return { direction: 'DEPT_TO_STREET', fromUnitId: call.departmentId, toUnitId: call.callerUnitId };
  }
  const callerRole = call.level && call.level in LEVEL_ROLE ? LEVEL_ROLE[call.level as Level] : 'STREET_DISPATCHER';
  if (actor.role === callerRole && actor.unitId === call.callerUnitId) {
    return { direction: 'STREET_TO_DEPT', fromUnitId: call.callerUnitId, toUnitId: call.departmentId };
  }
  return null;
}

/** What a scorer sends. */
export interface ScoreInput {
  cooperation?: number;
  professionalism?: number;
  accurate?: boolean;
  comment?: string;
}

/** The fields a score of this direction must carry and must not carry: [path, message] pairs. */
export function scoreInputProblems(direction: CallScoreDirection, s: ScoreInput): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const fivePoint = (v: number | undefined, name: string) => {
    if (v === undefined) problems.push([name, 'required when the caller scores the department (1 to 5)']);
  };
  if (direction === 'STREET_TO_DEPT') {
    fivePoint(s.cooperation, 'cooperation');
    fivePoint(s.professionalism, 'professionalism');
    if (s.accurate !== undefined) problems.push(['accurate', 'only the called department judges call accuracy']);
  } else {
    if (s.accurate === undefined) problems.push(['accurate', 'required when the department scores the call: was it yours to answer?']);
    if (s.cooperation !== undefined) problems.push(['cooperation', 'only the caller scores the department']);
    if (s.professionalism !== undefined) problems.push(['professionalism', 'only the caller scores the department']);
  }
  return problems;
}

/** The call `callId` of case `code`, from its DEPARTMENT_CALLED event; null if there is no such call. */
export async function findCall(db: Pick<Db, 'case' | 'caseEvent'>, code: string, callId: string): Promise<{ call: CallRef; units: CaseUnits } | null> {
  const row = await db.case.findUnique({ where: { code }, select: { districtId: true, streetId: true, communityId: true, gridId: true } });
  const event = await db.caseEvent.findFirst({
    where: { caseCode: code, type: 'DEPARTMENT_CALLED' satisfies FactType, data: { path: ['callId' satisfies keyof FactData<'DEPARTMENT_CALLED'>], equals: callId } },
    select: { unitId: true, level: true, at: true, data: true },
  });
  if (!row || !event) return null;
  const data = dataOf('DEPARTMENT_CALLED', event.data);
  const departmentId = event.unitId ?? (typeof data.departmentId === 'string' ? data.departmentId : null);
  if (!departmentId) return null;
  const units: CaseUnits = row;
  return {
    call: { caseCode: code, callId, departmentId, level: event.level, callerUnitId: callerUnitOf(event.level, units), calledAt: event.at },
    units,
  };
}

/** A second score for the same call and direction (Conflict, ALREADY_SCORED). */
export class AlreadyScoredError extends DomainError {
  override name = 'AlreadyScoredError';
  constructor(message: string) {
    super('Conflict', 'ALREADY_SCORED', message);
  }
}

/**
 * Store a score and recount its case (caseCounts); throws AlreadyScoredError if this side has
 * scored this call before.
 */
export async function recordCallScore(
  db: Pick<Db, 'callScore'> & CaseCountsDb,
  call: CallRef,
  side: ScoreSide,
  input: ScoreInput,
  scoredBy: string,
  at = new Date(),
) {
  let row;
  try {
    row = await db.callScore.create({
      data: {
        caseCode: call.caseCode,
        callId: call.callId,
        direction: side.direction,
        fromUnitId: side.fromUnitId,
        toUnitId: side.toUnitId,
        cooperation: side.direction === 'STREET_TO_DEPT' ? input.cooperation ?? null : null,
        professionalism: side.direction === 'STREET_TO_DEPT' ? input.professionalism ?? null : null,
        accurate: side.direction === 'DEPT_TO_STREET' ? input.accurate ?? null : null,
        comment: input.comment ?? '',
        scoredBy,
        at,
      },
    });
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'P2002') {
      throw new AlreadyScoredError(`call ${call.callId} of case ${call.caseCode} has already been scored (${side.direction}); scores are final`);
    }
    throw err;
  }
  // A failure here leaves the score stored and its case uncounted until its next recording or a rebuild.
  await refreshCaseCounts(db, [call.caseCode]);
  return row;
}
