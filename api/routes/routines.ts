// The district's routines (docs/RULES.md "The district's routines"): the end-of-day sweep's
// results (事不过夜), read by the units it lists, each in its own scope; the district leaders'
// daily board of unsatisfied and difficult cases, and the weekly joint meeting's agenda.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { localDate } from '../../domain/calendar';
import { agendaCsv, agendaMarkdown, AGENDA_REASONS } from '../../domain/routines/agenda';
import { isIsoDate, localDayBounds, SWEEP_REASONS, type SweepReason } from '../../domain/routines/endOfDay';
import { loadCalendar } from '../../features/directory/directory';
import { dailyBoard, meetingAgenda } from '../../features/routines/board';
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
  description: 'UNANSWERED: reported that day, no first response yet; URGENT_UNRESOLVED: urgent, no result yet (any day); HAZARD_NOT_CLEARED: urgent, on the hazard path (hazardDueAt) and not cleared (消险) by the end of the day, still open (any day)',
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
    counts: z.object({ UNANSWERED: z.number().int(), URGENT_UNRESOLVED: z.number().int(), HAZARD_NOT_CLEARED: z.number().int() }),
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

/** Who reads the leaders' board and the meeting's agenda: the district's roles, auditors, admins. */
export const BOARD_READERS: readonly Role[] = ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'];

export const DailyBoardQuerySchema = z.strictObject({
  date: DateParams.shape.date.optional().meta({ description: 'Local date of the day\'s facts (unsatisfied revisits, reopenings); default today' }),
});
export const AgendaQuerySchema = z.strictObject({
  format: z.enum(['md', 'csv']).default('md').meta({ description: 'md (Markdown, default) or csv (UTF-8 with BOM)' }),
});

const BoardItemSchema = z
  .object({
    caseCode: z.string(),
    status: z.string(),
    level: LevelSchema,
    streetId: z.string(),
    categoryCode: z.string(),
    reportedAt: IsoDateTime,
    dueAt: IsoDateTime.nullable(),
    at: IsoDateTime.nullable().meta({ description: 'When the survey or the reopening was recorded (null for the present-state sections)' }),
    comment: z.string().nullable().meta({ description: "The resident's comment on an unsatisfied revisit" }),
  })
  .meta({ id: 'BoardItem' });
const BoardSectionSchema = z.object({ total: z.number().int(), items: z.array(BoardItemSchema) }).meta({ id: 'BoardSection' });
export const DailyBoardSchema = z
  .object({
    date: z.string(),
    asOf: IsoDateTime,
    unsatisfied: BoardSectionSchema.meta({ description: 'Revisits answered UNSATISFIED that day (latest per case)' }),
    reopened: BoardSectionSchema.meta({ description: 'Cases reopened that day' }),
    atLeaders: BoardSectionSchema.meta({ description: "Open cases at the deputy or principal leader's level now" }),
    overdue: BoardSectionSchema.meta({ description: 'Open cases past their earliest deadline now' }),
  })
  .meta({ id: 'DailyBoard' });

routinesRegistry.registerPath({
  method: 'get',
  path: '/board/daily',
  tags: ['routines'],
  summary: "The district leaders' daily board: unsatisfied revisits, reopenings, cases at the leaders' level, overdue cases",
  description: 'COMMAND_CENTER, DEPUTY_LEADER, PRINCIPAL_LEADER, AUDITOR, ADMIN; cases of the caller\'s district. Each section lists at most 200 rows; total is exact.',
  security: authenticated,
  request: { query: DailyBoardQuerySchema },
  responses: { 200: jsonResponse(DailyBoardSchema, 'The board'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});
routinesRegistry.registerPath({
  method: 'get',
  path: '/board/agenda',
  tags: ['routines'],
  summary: 'The weekly joint meeting\'s agenda (每周党政联席会议): open cases at the leaders\' level, whistled, across departments or with a department late',
  security: authenticated,
  request: { query: AgendaQuerySchema },
  responses: {
    200: {
      description: `Markdown or CSV download; reasons: ${AGENDA_REASONS.join(', ')}`,
      content: { 'text/markdown': { schema: z.string() }, 'text/csv': { schema: z.string() } },
    },
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
  },
});


export function routinesRouter(deps: Pick<ApiDeps, 'db' | 'now'>): Router {
  const router = Router();
  const now = deps.now ?? Date.now;

  router.get('/board/daily', requireRole(BOARD_READERS, "read the leaders' daily board"), async (req, res) => {
    const q = parseOr400(DailyBoardQuerySchema, req.query, 'query');
    const cal = await loadCalendar(deps.db);
    const asOf = now();
    const date = q.date ?? localDate(asOf, cal);
    const { start, end } = localDayBounds(date, cal);
    res.json(await dailyBoard(deps.db, { districtId: principalOf(req).unitId, date, from: start, to: end, asOf }));
  });

  router.get('/board/agenda', requireRole(BOARD_READERS, "read the joint meeting's agenda"), async (req, res) => {
    const q = parseOr400(AgendaQuerySchema, req.query, 'query');
    const items = await meetingAgenda(deps.db, principalOf(req).unitId);
    const asOf = new Date(now()).toISOString();
    const stamp = asOf.slice(0, 10);
    if (q.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="agenda-${stamp}.csv"`);
      res.send(agendaCsv(items));
      return;
    }
    res.setHeader('Content-Type', 'text/markdown; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="agenda-${stamp}.md"`);
    res.send(agendaMarkdown(asOf, items));
  });

  router.get('/sweeps/:date', requireRole(SWEEP_READERS, 'read the end-of-day sweep'), async (req, res) => {
    const { date } = parseOr400(DateParams, req.params, 'params');
    const sweep = await readSweep(deps.db, date, sweepScopeOf(principalOf(req)));
    if (!sweep) throw httpErrors.notFound(`no end-of-day sweep recorded for ${date} (a day off, or not swept yet)`);
    res.json(sweep);
  });

  return router;
}
