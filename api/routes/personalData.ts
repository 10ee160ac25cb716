// Residents' personal data on request: revealing a case's masked reporter
// (POST /cases/{code}/reporter/reveal), and a resident's own data for the command center to
// hand over (GET /residents/data?phone=…, PIPL art. 45). Every answer is written to the access
// log first, so an auditor sees who looked at whose data (GET /access-log?kind=…).
import { createHash } from 'node:crypto';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { mayReveal, mayRevealRole, REPORTER_FIELDS, type ReporterField } from '../../domain/personalData';
import { createAccessLog } from '../../features/auth/accessLog';
import { requireAllowed, requireReadable } from '../caseAccess';
import type { ApiDeps } from '../deps';
import { ApiError, httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { eventView } from './cases';
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

export const ResidentDataQuerySchema = z.strictObject({
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ().-]{5,22}[0-9]$/, { message: 'not a phone number' })
    .meta({ description: 'The resident\'s phone number, as they give it; punctuation and spaces are ignored.' }),
});

export const ResidentDataSchema = z
  .object({
    phone: z.string(),
    generatedAt: IsoDateTime,
    generatedFor: z.object({ personId: z.string(), role: z.string(), unitId: z.string() }),
    cases: z.array(z.looseObject({ code: z.string(), reporter: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }) })),
  })
  .meta({ id: 'ResidentData' });

personalDataRegistry.registerPath({
  method: 'get',
  path: '/residents/data',
  tags: ['cases'],
  summary: "COMMAND_CENTER, ADMIN: everything the system holds about a resident's cases, found by phone (logged)",
  description:
    "The resident's copy (PIPL art. 45): every case of the caller's district whose reporter gave this phone number, with the reporter fields in full, " +
    'the case record and its event log. Logged (RESIDENT_DATA_EXPORTED, with a hash of the number, not the number) before the answer.',
  security: authenticated,
  request: { query: ResidentDataQuerySchema },
  responses: { 200: jsonResponse(ResidentDataSchema, 'The export'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});

/** Cases in one resident's export at most (a phone shared by a whole building is still bounded). */
const MAX_RESIDENT_CASES = 500;

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

  router.get('/residents/data', requireRole(['COMMAND_CENTER', 'ADMIN'], "export a resident's data"), async (req, res) => {
    const { phone } = parseOr400(ResidentDataQuerySchema, req.query, 'query');
    const caller = principalOf(req);
    const digits = phone.replace(/\D/g, '');
    // Matched on digits, whatever punctuation the phone was given with; anonymised cases hold none.
    const matches = await db.$queryRaw<Array<{ code: string }>>`
      SELECT "code" FROM "Case"
      WHERE "districtId" = ${caller.unitId} AND "anonymisedAt" IS NULL
        AND regexp_replace(coalesce("reporterPhone", ''), '[^0-9]', '', 'g') = ${digits}
      ORDER BY "reportedAt" ASC, "code" ASC
      LIMIT ${MAX_RESIDENT_CASES}`;
    const codes = matches.map((m) => m.code);
    await accessLog.record({
      kind: 'RESIDENT_DATA_EXPORTED',
      personId: caller.personId,
      sessionId: caller.sessionId ?? null,
      ip: req.ip ?? null,
      // The number itself stays out of the log (it would be one more copy to erase): a hash finds the entry.
      detail: { phoneSha256: createHash('sha256').update(digits).digest('hex'), cases: codes, role: caller.role, unitId: caller.unitId },
    });
    const [rows, events] = await Promise.all([
      db.case.findMany({ where: { code: { in: codes } }, orderBy: [{ reportedAt: 'asc' }, { code: 'asc' }] }),
      db.caseEvent.findMany({ where: { caseCode: { in: codes } }, orderBy: [{ caseCode: 'asc' }, { seq: 'asc' }] }),
    ]);
    const now = (deps.now ?? Date.now)();
    res.setHeader('Cache-Control', 'no-store');
    res.attachment(`resident-data-${new Date(now).toISOString().slice(0, 10)}.json`);
    res.json({
      phone,
      generatedAt: new Date(now).toISOString(),
      generatedFor: { personId: caller.personId, role: caller.role, unitId: caller.unitId },
      cases: rows.map(({ reporterName, reporterPhone, reporterEmail, ...record }) => ({
        ...record,
        reporter: { name: reporterName, phone: reporterPhone, email: reporterEmail },
        events: events.filter((e) => e.caseCode === record.code).map(eventView),
      })),
    });
  });

  return router;
}
