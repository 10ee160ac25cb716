// The notification outbox for operators: what is waiting, what went DEAD after its last
// attempt, and the replay of a dead letter. ADMIN reads and replays; AUDITOR reads.
// A replay only puts the row back in line (features/outbox/outbox.ts); the worker's sweeper
// delivers it with the usual claim, signature and retries.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { listOutbox, OUTBOX_STATES, replayDeadLetter, type OutboxState } from '../../features/outbox/outbox';
import type { ApiDeps } from '../deps';
import { httpErrors } from '../errors';
import { requireRole } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, IsoDateTime, jsonResponse } from '../schemas/common';

const StateSchema = z.enum(OUTBOX_STATES as [OutboxState, ...OutboxState[]]).meta({ id: 'OutboxState' });

export const OutboxQuerySchema = z.strictObject({
  state: StateSchema.optional().meta({ description: 'PENDING (not yet delivered to every receiver), DELIVERED, DEAD (attempts ran out)' }),
  caseCode: z.string().min(1).max(64).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const OutboxRowSchema = z
  .object({
    id: z.string().meta({ description: 'Also the webhook-id (and X-Delivery-Id) of every delivery: the receivers\' idempotency key' }),
    caseCode: z.string(),
    kind: z.string(),
    recipientId: z.string().nullable(),
    state: StateSchema,
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: IsoDateTime.nullable(),
    deliveredTo: z.array(z.string()).meta({ description: 'Receivers that already answered 2xx (a retry skips them)' }),
    createdAt: IsoDateTime,
    deliveredAt: IsoDateTime.nullable(),
    deadAt: IsoDateTime.nullable(),
    replayedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'OutboxRow' });

const OutboxPageSchema = z
  .object({ items: z.array(OutboxRowSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
  .meta({ id: 'OutboxPage' });

const IdParams = z.object({ id: z.string().min(1).max(200) });

export const outboxRegistry = new OpenAPIRegistry();
outboxRegistry.registerPath({
  method: 'get',
  path: '/admin/outbox',
  tags: ['admin'],
  summary: 'The notification outbox (dead letters with state=DEAD)',
  description: 'ADMIN or AUDITOR. Newest first; DEAD rows by when they went dead.',
  security: authenticated,
  request: { query: OutboxQuerySchema },
  responses: { 200: jsonResponse(OutboxPageSchema, 'A page of outbox rows'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});
outboxRegistry.registerPath({
  method: 'post',
  path: '/admin/outbox/{id}/replay',
  tags: ['admin'],
  summary: 'Replay a dead letter: deliver it again with a fresh set of attempts',
  description: 'ADMIN only. The row becomes PENDING and due now; the worker delivers it to the receivers that have not taken it yet.',
  security: authenticated,
  request: { params: IdParams },
  responses: {
    202: jsonResponse(OutboxRowSchema, 'Back in line'),
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: errorResponses[409],
  },
});

export function outboxRouter(deps: Pick<ApiDeps, 'db'>): Router {
  const router = Router();
  router.get('/admin/outbox', requireRole(['ADMIN', 'AUDITOR'], 'read the notification outbox'), async (req, res) => {
    const q = parseOr400(OutboxQuerySchema, req.query, 'query');
    res.json(await listOutbox(deps.db, q));
  });
  router.post('/admin/outbox/:id/replay', requireRole(['ADMIN'], 'replay notifications'), async (req, res) => {
    const { id } = parseOr400(IdParams, req.params, 'params');
    const r = await replayDeadLetter(deps.db, id);
    if (!r.ok) {
      if (r.reason === 'NOT_FOUND') throw httpErrors.notFound(`no notification ${id}`);
      throw httpErrors.conflict('NOT_DEAD', `notification ${id} is ${r.state}: only DEAD notifications are replayed`);
    }
    res.status(202).json(r.row);
  });
  return router;
}
