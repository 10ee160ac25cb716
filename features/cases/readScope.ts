// The cases a caller may read, as a Prisma filter on Case: the same rules as
// domain/access canRead, in the database's terms (the list routes narrow it further).
import type { Prisma } from '../../generated/prisma/client';
import type { Caller, ReadContext } from '../../domain/access';
import type { FactType } from '../../domain/facts';

/** A filter that matches no case. */
const NOTHING: Prisma.CaseWhereInput = { code: { in: [] } };

/**
 * The cases the caller may read, as a Prisma filter on Case: grid, community and street
 * staff their own unit's cases; a department officer the cases its department was called
 * on; a reporter the cases it reported (or its Open311 applications filed); district roles,
 * auditors and admins every case of their district.
 */
export function readScope(caller: Caller, ctx: ReadContext = {}): Prisma.CaseWhereInput {
  switch (caller.role) {
    case 'GRID_WORKER':
      return { gridId: caller.unitId };
    case 'COMMUNITY_WORKER':
      return { communityId: caller.unitId };
    case 'STREET_DISPATCHER':
      return { streetId: caller.unitId };
    case 'DEPARTMENT_OFFICER':
      return { events: { some: { type: 'DEPARTMENT_CALLED' satisfies FactType, unitId: caller.unitId } } };
    case 'REPORTER': {
      const own: Prisma.CaseWhereInput[] = [{ events: { some: { type: 'REPORTED' satisfies FactType, actorId: caller.personId } } }];
      if (ctx.clientAppIds?.length) own.push({ clientAppId: { in: [...ctx.clientAppIds] } });
      return own.length === 1 ? own[0] : { OR: own };
    }
    case 'COMMAND_CENTER':
    case 'DEPUTY_LEADER':
    case 'PRINCIPAL_LEADER':
    case 'AUDITOR':
    case 'ADMIN':
      return { districtId: caller.unitId };
    default:
      return NOTHING;
  }
}
