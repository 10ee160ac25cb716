// Residents' personal data on request: revealing a case's masked reporter
// (POST /cases/{code}/reporter/reveal). Every answer is written to the access log first, so
// an auditor sees who looked at whose data (GET /access-log?kind=PERSONAL_DATA_REVEALED).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { mayReveal, mayRevealRole, REPORTER_FIELDS, type ReporterField } from '../../domain/personalData';
import { createAccessLog } from '../../features/auth/accessLog';
import { requireAllowed, requireReadable } from '../caseAccess';
import type { ApiDeps } from '../deps';
import { ApiError, httpErrors } from '../errors';
import { principalOf } from '../middleware/auth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { authenticated, CaseCodeParams, errorResponses, IsoDateTime, jsonResponse } from '../schemas/common';

export const RevealBodySchema = z
  .strictObject({
    fields: z
      .array(z.enum(REPORTER_FIELDS))
      .min(1)
      .max(REPORTER_FIELDS.length)
      .optional()
      .meta({ description: 'The fields to reveal (default all three); only these are shown and logged.' }),
    purpose: z.string().trim().min(1).max(300).optional().meta({ description: 'Why (e.g. "回访核实"); kept in the access log.' }),
  })
  .meta({ id: 'RevealReporter' });

export const RevealedReporterSchema = z
  .object({
    code: z.string(),
    reporter: z.object({ name: z.string().nullable().optional(), phone: z.string().nullable().optional(), email: z.string().nullable().optional() }),
    revealedAt: IsoDateTime,
  })
  .meta({ id: 'RevealedReporter' });

export const personalDataRegistry = new OpenAPIRegistry();
personalDataRegistry.registerPath({
  method: 'post',
  path: '/cases/{code}/reporter/reveal',
  tags: ['cases'],
  summary: "Show a case's masked reporter in full (logged in the access log)",
  description:
    "Grid, community, street and command center staff of the case's own units only (docs/PRIVACY.md); other roles 403, " +
    'a case outside the caller\'s read scope 404, an anonymised case 410. The reveal is logged (who, when, which case, which fields) before the answer.',
  security: authenticated,
  request: { params: CaseCodeParams, body: { content: { 'application/json': { schema: RevealBodySchema } }, required: false } },
  responses: { 200: jsonResponse(RevealedReporterSchema, 'The fields in full'), ...errorResponses },
});

const COLUMN: Record<ReporterField, 'reporterName' | 'reporterPhone' | 'reporterEmail'> = { name: 'reporterName', phone: 'reporterPhone', email: 'reporterEmail' };

export function personalDataRouter(deps: ApiDeps): Router {
  const router = Router();
  const { db } = deps;
  const accessLog = createAccessLog(db, { now: deps.now });

  router.post('/cases/:code/reporter/reveal', requireJsonBody, async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    const body = parseOr400(RevealBodySchema, req.body ?? {}, 'body');
    const caller = principalOf(req);
    // The role first: a department officer is refused whatever the case, which reveals nothing about it.
    requireAllowed(mayRevealRole(caller.role));
    await requireReadable(deps, caller, code, req.log);
    const row = await db.case.findUnique({ where: { code } });
    if (!row) throw httpErrors.conflict('NOT_RECORDED_YET', `case ${code} has no record yet; try again in a moment`);
    if (row.anonymisedAt) {
      throw new ApiError(410, 'ANONYMISED', `the reporter of case ${code} was anonymised on ${row.anonymisedAt.toISOString()} (retention)`);
    }
    const { districtId, streetId, communityId, gridId } = row;
    requireAllowed(mayReveal(caller, { units: { districtId, streetId, communityId, gridId }, level: row.level, status: row.status }));

    const fields = body.fields ?? [...REPORTER_FIELDS];
    // Logged before anything is shown: no log, no data.
    await accessLog.record({
      kind: 'PERSONAL_DATA_REVEALED',
      personId: caller.personId,
      sessionId: caller.sessionId ?? null,
      ip: req.ip ?? null,
      detail: { caseCode: code, fields, role: caller.role, unitId: caller.unitId, ...(body.purpose ? { purpose: body.purpose } : {}) },
    });
    const reporter: Partial<Record<ReporterField, string | null>> = {};
    for (const f of fields) reporter[f] = row[COLUMN[f]];
    res.setHeader('Cache-Control', 'no-store');
    res.json({ code, reporter, revealedAt: new Date((deps.now ?? Date.now)()).toISOString() });
  });

  return router;
}
