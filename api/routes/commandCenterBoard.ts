// GET /board/command-center: the district command center's board (features/board/commandCenterBoard.ts),
// one aggregate read for the console's board page instead of a page of cases per widget.
// District roles only (their unit is the district); figures from the database projection.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { commandCenterBoard, UNANSWERED_LIST_LIMIT } from '../../features/board/commandCenterBoard';
import type { ApiDeps } from '../deps';
import { principalOf, requireRole } from '../middleware/auth';
import { authenticated, errorResponses, IsoDateTime, jsonResponse } from '../schemas/common';

/** Roles whose unit is the district (features/cases/readScope: they read every case of it). */
export const BOARD_READERS = ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'] as const;

export const CommandCenterBoardSchema = z
  .object({
    districtId: z.string(),
    day: z.string().meta({ description: 'Today in Asia/Shanghai (YYYY-MM-DD): the day of the "today" figures' }),
    asOf: IsoDateTime,
    totals: z.object({
      open: z.number().int().meta({ description: 'Cases not CLOSED or SURVEYED' }),
      overdue: z.number().int(),
      breachesToday: z.number().int().meta({ description: 'BREACHED facts recorded today' }),
      reportedToday: z.number().int(),
      unansweredToday: z.number().int().meta({ description: 'Reported today and still REPORTED or ACCEPTED (no first response yet)' }),
    }),
    streets: z.array(
      z.object({
        streetId: z.string(),
        name: z.string().nullable(),
        open: z.number().int(),
        overdue: z.number().int(),
        byLevel: z.record(z.string(), z.number().int()).meta({ description: 'Open cases by ladder level' }),
      }),
    ),
    unanswered: z
      .array(
        z.object({
          code: z.string(),
          status: z.string(),
          level: z.string(),
          streetId: z.string(),
          reportedAt: IsoDateTime,
          dueAt: IsoDateTime.nullable(),
          overdue: z.boolean(),
        }),
      )
      .meta({ description: `Today's unanswered cases, nearest deadline first (at most ${UNANSWERED_LIST_LIMIT})` }),
  })
  .meta({ id: 'CommandCenterBoard' });

export const commandCenterBoardRegistry = new OpenAPIRegistry();
commandCenterBoardRegistry.registerPath({
  method: 'get',
  path: '/board/command-center',
  tags: ['board'],
  summary: "The command center's board: open cases by street and level, overdue, breaches today, today's unanswered cases",
  security: authenticated,
  responses: {
    200: jsonResponse(CommandCenterBoardSchema, 'The board of your district'),
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

export function commandCenterBoardRouter(deps: Pick<ApiDeps, 'db' | 'now'>): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.get('/board/command-center', requireRole([...BOARD_READERS], 'read the command center board'), async (req, res) => {
    res.json(await commandCenterBoard(deps.db, principalOf(req).unitId, now()));
  });
  return router;
}
