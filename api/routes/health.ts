// Liveness and readiness. /ready checks both dependencies and says which one is down.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { calendarWarning } from '../../features/admin/calendar';
import type { ApiDeps } from '../deps';
import { jsonResponse } from '../schemas/common';

/** How long a readiness probe waits for each dependency. */
const READY_TIMEOUT_MS = 3_000;

const CheckSchema = z.object({ ok: z.boolean(), error: z.string().optional(), latencyMs: z.number() });
const ReadySchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({ database: CheckSchema, temporal: CheckSchema }),
    warnings: z.array(z.string()).meta({ description: 'Not failures (the status stays 200): e.g. next year has no working-calendar schedule from 1 November' }),
  })
  .meta({ id: 'Readiness' });

export const healthRegistry = new OpenAPIRegistry();
healthRegistry.registerPath({
  method: 'get',
  path: '/health',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'Alive') },
});
healthRegistry.registerPath({
  method: 'get',
  path: '/ready',
  tags: ['health'],
  summary: 'Readiness: the database and Temporal answer',
  responses: { 200: jsonResponse(ReadySchema, 'Ready'), 503: jsonResponse(ReadySchema, 'A dependency is down (see checks)') },
});

type Check = z.infer<typeof CheckSchema>;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function check(what: string, fn: () => Promise<unknown>): Promise<Check> {
  const started = Date.now();
  try {
    await withTimeout(fn(), READY_TIMEOUT_MS, what);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (err) {
    return { ok: false, error: `${what} is unreachable: ${(err as Error).message.split('\n').filter(Boolean).pop() ?? 'error'}`, latencyMs: Date.now() - started };
  }
}

export function healthRouter(deps: Pick<ApiDeps, 'db' | 'temporal' | 'now'>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const [database, temporal] = await Promise.all([
      check('database', () => deps.db.$queryRaw`SELECT 1`),
      check('Temporal', () =>
        deps.temporal.withDeadline(Date.now() + READY_TIMEOUT_MS, () => deps.temporal.workflowService.getSystemInfo({})),
      ),
    ]);
    const ok = database.ok && temporal.ok;
    const warnings: string[] = [];
    if (database.ok) {
      // A missing schedule makes deadlines wrong, not the service unavailable: a warning, still 200.
      const calendar = await withTimeout(calendarWarning(deps.db, (deps.now ?? Date.now)()), READY_TIMEOUT_MS, 'calendar').catch(() => null);
      if (calendar) warnings.push(calendar);
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks: { database, temporal }, warnings });
  });
  return router;
}
