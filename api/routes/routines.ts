// The district's routines (docs/RULES.md "The district's routines"): the end-of-day sweep's
// results (事不过夜), read by the units it lists, each in its own scope.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { isIsoDate, SWEEP_REASONS, type SweepReason } from '../../domain/routines/endOfDay';
import type { Role } from '../../domain/types';
import { readSweep, type SweepScope } from '../../features/routines/endOfDay';
import type { Principal } from '../../features/auth/auth';
import type { ApiDeps } from '../deps';
import { httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, IsoDateTime, jsonResponse, LevelSchema } from '../schemas/common';

export const DateParams = z.strictObject({
  date: z.string().refine(isIsoDate, { message: 'expected a date YYYY-MM-DD' }).meta({ description: 'Local date (Asia/Shanghai)', example: '2026-12-03' }),
});

/** Who reads a sweep: the ladder's units down to the grid, the district's roles, auditors, admins. */
export const SWEEP_READERS: readonly Role[] = ['GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'];

/** The part of a sweep a caller sees: its own grid, community or street, or its district. */
export function sweepScopeOf(p: Pick<Principal, 'role' | 'unitId'>): SweepScope {
  switch (p.role) {
    case 'GRID_WORKER': return { gridId: p.unitId };
    case 'COMMUNITY_WORKER': return { communityId: p.unitId };
    case 'STREET_DISPATCHER': return { streetId: p.unitId };
    default: return { districtId: p.unitId };
  }
}

const ReasonSchema = z.enum(SWEEP_REASONS as [SweepReason, ...SweepReason[]]).meta({
  id: 'SweepReason',
  description: 'UNANSWERED: reported that day, no first response yet; URGENT_UNRESOLVED: urgent, no result yet (any day)',
});
const SweepItemSchema = z
  .object({
    caseCode: z.string(),
    reason: ReasonSchema,
    districtId: z.string(),
    streetId: z.string(),
    communityId: z.string(),
    gridId: z.string(),
    status: z.string(),
    level: LevelSchema,
    assigneeUnitId: z.string().nullable(),
    reportedAt: IsoDateTime,
    dueAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'SweepItem' });
export const SweepSchema = z
  .object({
    date: z.string(),
    asOf: IsoDateTime.meta({ description: 'When the sweep read the cases (the end of office hours)' }),
    recordedBy: z.string().nullable(),
    counts: z.object({ UNANSWERED: z.number().int(), URGENT_UNRESOLVED: z.number().int() }),
    items: z.array(SweepItemSchema),
  })
  .meta({ id: 'EndOfDaySweep' });

export const routinesRegistry = new OpenAPIRegistry();
routinesRegistry.registerPath({
  method: 'get',
  path: '/sweeps/{date}',
  tags: ['routines'],
  summary: 'The end-of-day sweep (事不过夜) of a working day: cases unanswered that day and urgent cases not resolved',
  description:
    'Recorded once per working day at the end of office hours (a Temporal Schedule). Grid, community and street staff see ' +
    'their own unit\'s items; the command center, the district leaders, auditors and admins the district\'s. 404 when the day ' +
    'was not swept (a day off, or not yet).',
  security: authenticated,
  request: { params: DateParams },
  responses: {
    200: jsonResponse(SweepSchema, 'The sweep, narrowed to the caller'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
  },
});

export function routinesRouter(deps: Pick<ApiDeps, 'db'>): Router {
  const router = Router();

  router.get('/sweeps/:date', requireRole(SWEEP_READERS, 'read the end-of-day sweep'), async (req, res) => {
    const { date } = parseOr400(DateParams, req.params, 'params');
    const sweep = await readSweep(deps.db, date, sweepScopeOf(principalOf(req)));
    if (!sweep) throw httpErrors.notFound(`no end-of-day sweep recorded for ${date} (a day off, or not swept yet)`);
    res.json(sweep);
  });

  return router;
}
