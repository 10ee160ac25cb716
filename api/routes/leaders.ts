// GET /leaders/{personId}/cases: a district leader's case list (包案责任清单) — every case whose
// responsible leader the person is (it reached his level: by a lapse, a whistle or the command
// center's escalation), open items first by deadline, then the items ticked off (对单销号) with
// their closing notes. Served from the Case projection (columns leader*, written by the case's
// recordings; index Case_leaderId_leaderTickedAt_dueAt_idx), never from the workflows.
// Ticking off is a case action: POST /cases/{code}/tick-off.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { LEADER_LIST_READERS, leaderListAccess, mayReadLeaderLists } from '../../domain/leaderList';
import type { ApiDeps } from '../deps';
import { answeredNotModified, etagOf } from '../conditional';
import { httpErrors } from '../errors';
import { principalOf } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, IsoDateTime, jsonResponse, LevelSchema, RoleSchema } from '../schemas/common';

export const LeaderParamsSchema = z.object({ personId: z.string().trim().min(1).max(100) });

export const LeaderCasesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'At most this many items in each list (default 100).' }),
});

export const LeaderCaseItemSchema = z
  .object({
    code: z.string(),
    categoryCode: z.string(),
    status: z.string(),
    level: LevelSchema.meta({ description: 'The level holding the case now' }),
    leaderLevel: LevelSchema.meta({ description: 'The level at which the person became its responsible leader' }),
    listedAt: IsoDateTime.meta({ description: 'Since when the case is on this list' }),
    dueAt: IsoDateTime.nullable().meta({ description: "The case's next deadline in force (null when no window is open)" }),
    overdue: z.boolean(),
    tickedOffAt: IsoDateTime.nullable(),
    note: z.string().nullable().meta({ description: 'The closing note of the tick-off (对单销号)' }),
    links: z.object({ case: z.string(), tickOff: z.string() }),
  })
  .meta({ id: 'LeaderCaseItem' });

export const LeaderCasesSchema = z
  .object({
    leader: z.object({ personId: z.string(), name: z.string(), role: RoleSchema, unitId: z.string() }),
    open: z.array(LeaderCaseItemSchema).meta({ description: 'Not yet ticked off, nearest deadline first' }),
    tickedOff: z.array(LeaderCaseItemSchema).meta({ description: 'Ticked off, latest first' }),
    openTotal: z.number().int(),
    tickedOffTotal: z.number().int(),
  })
  .meta({ id: 'LeaderCases' });

export const DistrictLeadersSchema = z
  .object({ items: z.array(z.object({ personId: z.string(), name: z.string(), role: RoleSchema, unitId: z.string() })) })
  .meta({ id: 'DistrictLeaders' });

export const leadersRegistry = new OpenAPIRegistry();
leadersRegistry.registerPath({
  method: 'get',
  path: '/leaders',
  tags: ['leaders'],
  summary: "The district leaders whose case lists the caller may read (the console's leader picker)",
  description: "The deputy and principal leaders of the caller's district; for the readers of leaders' lists only (403 for other roles).",
  security: authenticated,
  responses: { 200: jsonResponse(DistrictLeadersSchema, 'The leaders, principal first'), 401: errorResponses[401], 403: errorResponses[403], 503: errorResponses[503] },
});
leadersRegistry.registerPath({
  method: 'get',
  path: '/leaders/{personId}/cases',
  tags: ['leaders'],
  summary: "A district leader's case list (包案责任清单): open items and items ticked off (对单销号)",
  description:
    'Read by the leader himself, and by the command center, the district leaders and the auditors of his district (403 for ' +
    'other roles; 404 when the person does not exist or belongs to another district). Tick an item off with ' +
    'POST /cases/{code}/tick-off once the case is resolved (closed and its revisit survey in). Answers conditional GETs: ' +
    'the ETag follows the listed cases and their last updates, the totals and the caller; a request whose If-None-Match ' +
    'holds it gets 304 with no body.',
  security: authenticated,
  request: { params: LeaderParamsSchema, query: LeaderCasesQuerySchema },
  responses: {
    200: jsonResponse(LeaderCasesSchema, "The leader's list"),
    304: { description: 'Not modified: the If-None-Match tag is the current one' },
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

const SELECT = {
  code: true, categoryCode: true, status: true, level: true, leaderLevel: true, leaderSince: true,
  dueAt: true, overdue: true, leaderTickedAt: true, leaderNote: true, updatedAt: true,
} as const;

type Row = { updatedAt: Date; code: string; categoryCode: string; status: string; level: string; leaderLevel: string | null; leaderSince: Date | null; dueAt: Date | null; overdue: boolean; leaderTickedAt: Date | null; leaderNote: string | null };

function item(r: Row): z.infer<typeof LeaderCaseItemSchema> {
  return {
    code: r.code,
    categoryCode: r.categoryCode,
    status: r.status,
    level: r.level as z.infer<typeof LevelSchema>,
    leaderLevel: (r.leaderLevel ?? r.level) as z.infer<typeof LevelSchema>,
    listedAt: (r.leaderSince ?? new Date(0)).toISOString(),
    dueAt: r.dueAt?.toISOString() ?? null,
    overdue: r.overdue,
    tickedOffAt: r.leaderTickedAt?.toISOString() ?? null,
    note: r.leaderNote,
    links: { case: `/cases/${r.code}`, tickOff: `/cases/${r.code}/tick-off` },
  };
}

export function leadersRouter(deps: Pick<ApiDeps, 'db'>): Router {
  const router = Router();

  router.get('/leaders', async (req, res) => {
    const caller = principalOf(req);
    if (!LEADER_LIST_READERS.includes(caller.role)) throw httpErrors.forbidden(`${caller.role} may not list the district's leaders (the command center, the district leaders and auditors do)`);
    const rows = await deps.db.person.findMany({
      where: { unitId: caller.unitId, active: true, role: { in: ['PRINCIPAL_LEADER', 'DEPUTY_LEADER'] } },
      select: { id: true, name: true, role: true, unitId: true },
      orderBy: { id: 'asc' },
    });
    rows.sort((a, b) => Number(b.role === 'PRINCIPAL_LEADER') - Number(a.role === 'PRINCIPAL_LEADER'));
    res.json({ items: rows.map((p) => ({ personId: p.id, name: p.name, role: p.role, unitId: p.unitId })) });
  });

  router.get('/leaders/:personId/cases', async (req, res) => {
    const { personId } = parseOr400(LeaderParamsSchema, req.params, 'params');
    const q = parseOr400(LeaderCasesQuerySchema, req.query, 'query');
    const caller = principalOf(req);
    // The role first: a refusal that does not depend on the person reveals nothing about him.
    if (!mayReadLeaderLists(caller, personId)) {
      throw httpErrors.forbidden(`${caller.role} may not read a leader's case list (the leader, the command center, the district leaders and auditors do)`);
    }
    const person = await deps.db.person.findUnique({ where: { id: personId }, select: { id: true, name: true, role: true, unitId: true } });
    if (leaderListAccess(caller, personId, person) !== 'ALLOW' || !person) throw httpErrors.notFound(`no person ${personId}`);
    const open = { leaderId: personId, leaderTickedAt: null };
    const ticked = { leaderId: personId, leaderTickedAt: { not: null } };
    // Sequential: one connection's worth of work, each query served by the leader index.
    const openRows = await deps.db.case.findMany({ where: open, select: SELECT, orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { code: 'asc' }], take: q.limit });
    const tickedRows = await deps.db.case.findMany({ where: ticked, select: SELECT, orderBy: [{ leaderTickedAt: 'desc' }, { code: 'asc' }], take: q.limit });
    const openTotal = await deps.db.case.count({ where: open });
    const tickedOffTotal = await deps.db.case.count({ where: ticked });
    // Conditional polling (api/conditional.ts): every field an item shows is on its Case row,
    // whose updatedAt moves with each recording; a case leaving a list moves a total or the rows.
    const etag = etagOf(
      caller, 'leader-cases', person.id, person.name, q.limit, openTotal, tickedOffTotal,
      ...openRows.map((r) => `o:${r.code}@${r.updatedAt.getTime()}`), ...tickedRows.map((r) => `t:${r.code}@${r.updatedAt.getTime()}`),
    );
    if (answeredNotModified(req, res, etag)) return;
    res.json({
      leader: { personId: person.id, name: person.name, role: person.role, unitId: person.unitId },
      open: openRows.map(item),
      tickedOff: tickedRows.map(item),
      openTotal,
      tickedOffTotal,
    });
  });

  return router;
}
