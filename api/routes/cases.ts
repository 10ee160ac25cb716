// /cases: report a case, list cases (database projection), read one case (projection +
// live workflow state), read its event log.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Role } from '../../domain/types';
import type { CaseEvent, Prisma } from '../../generated/prisma/client';
import { readScope } from '../../features/cases/readScope';
import { evidenceStorageOf } from '../../features/evidence/configuredStorage';
import { createCase } from '../../features/intake/intake';
import { readContextOf, requireReadable } from '../caseAccess';
import { answeredNotModified, etagOf } from '../conditional';
import { caseRecordView } from '../caseViews';
import { describeCase, queryCaseState } from '../caseWorkflows';
import type { ApiDeps } from '../deps';
import { fieldsFromZod, httpErrors, type FieldError } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { isMultipart } from '../multipart';
import { receiveReportFiles } from '../reportFiles';
import {
  caseBodyOfForm,
  CaseCreatedSchema,
  CaseDetailSchema,
  CaseEventListSchema,
  CASE_LIST_COUNT_CAP,
  CaseListSchema,
  CreateCaseBodySchema,
  CreateCaseFormSchema,
  IdempotencyKeySchema,
  ListCasesQuerySchema,
} from '../schemas/cases';
import { authenticated, CaseCodeParams, errorResponses, jsonResponse } from '../schemas/common';

/** Roles that may report a new case. */
export const REPORTING_ROLES: readonly Role[] = ['REPORTER', 'GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER', 'ADMIN'];

const IdempotencyHeaders = z.object({
  'idempotency-key': IdempotencyKeySchema.optional().meta({
    description: 'Retry-safe creation: the same key and body return the same case; the same key with another body is refused (409).',
  }),
});

export const casesRegistry = new OpenAPIRegistry();
casesRegistry.registerPath({
  method: 'post',
  path: '/cases',
  tags: ['cases'],
  summary: 'Report a case: routes it to its grid and starts its workflow',
  description:
    'JSON, or multipart/form-data with the same fields (nested ones dotted: location.gridId, reporter.phone) followed by ' +
    'one or more files under "photo". Each file is stored as evidence is (POST /cases/{code}/evidence/files: type from its ' +
    'bytes, image metadata stripped, at most EVIDENCE_MAX_FILE_MB, 413 above) and the case records its hash at intake; ' +
    'a refused report keeps none of its files.',
  security: authenticated,
  request: {
    headers: IdempotencyHeaders,
    body: { content: { 'application/json': { schema: CreateCaseBodySchema }, 'multipart/form-data': { schema: CreateCaseFormSchema } }, required: true },
  },
  responses: {
    201: jsonResponse(CaseCreatedSchema, 'Created (also an Idempotency-Key replay, with header Idempotent-Replayed: true)'),
    ...errorResponses,
  },
});
casesRegistry.registerPath({
  method: 'get',
  path: '/cases',
  tags: ['cases'],
  summary: 'List cases from the database projection, newest first (or nearest deadline first: sort=deadline)',
  description: 'Only the cases the caller may read (docs/AUTHZ.md): its grid, community or street; the cases its department was called on; the cases it reported; or its whole district.',
  security: authenticated,
  request: { query: ListCasesQuerySchema },
  responses: { 200: jsonResponse(CaseListSchema, 'A page of cases'), 400: errorResponses[400], 401: errorResponses[401], 503: errorResponses[503] },
});
casesRegistry.registerPath({
  method: 'get',
  path: '/cases/{code}',
  tags: ['cases'],
  summary: 'One case: its projection and its live workflow state',
  description: 'A case outside the caller\'s read scope answers 404, exactly like a case that does not exist (docs/AUTHZ.md).',
  security: authenticated,
  request: { params: CaseCodeParams },
  responses: { 200: jsonResponse(CaseDetailSchema, 'The case'), 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404], 503: errorResponses[503] },
});
casesRegistry.registerPath({
  method: 'get',
  path: '/cases/{code}/events',
  tags: ['cases'],
  summary: 'The append-only event log of a case, in order',
  description: 'A case outside the caller\'s read scope answers 404, exactly like a case that does not exist (docs/AUTHZ.md).',
  security: authenticated,
  request: { params: CaseCodeParams },
  responses: { 200: jsonResponse(CaseEventListSchema, 'Events by seq'), 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404], 503: errorResponses[503] },
});

/** A CaseEvent row as the API shows it (ISO time, data as an object). */
export function eventView(e: CaseEvent) {
  return {
    seq: e.seq,
    type: e.type,
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorRole: e.actorRole,
    unitId: e.unitId,
    level: e.level,
    data: e.data as Record<string, unknown>,
  };
}

/** How far a list's count goes: the cap, or the end of the page asked for if that is further. */
export const countLimitOf = (skip: number, pageSize: number): number => Math.max(CASE_LIST_COUNT_CAP, skip + pageSize);

/**
 * A list's total from a count taken with `take: countLimit + 1` (more than the limit = the
 * count stopped), and whether more cases follow the page: read with the page (`take: pageSize
 * + 1`, `rowAfterPage`), so it holds whatever the count's cap.
 */
export function listTotal(counted: number, skip: number, pageSize: number, rowAfterPage: boolean): { total: number; totalIsEstimate: boolean; hasMore: boolean } {
  const limit = countLimitOf(skip, pageSize);
  const totalIsEstimate = counted > limit;
  const total = totalIsEstimate ? limit : counted;
  return { total, totalIsEstimate, hasMore: rowAfterPage };
}

export function casesRouter(deps: ApiDeps): Router {
  const router = Router();
  const { db, temporal } = deps;

  const storage = deps.evidenceStorage ?? evidenceStorageOf(deps.cfg);

  /** Body and header problems, reported together. */
  const parseReport = (rawBody: unknown, req: Request) => {
    const body = CreateCaseBodySchema.safeParse(rawBody ?? {});
    const headers = IdempotencyHeaders.safeParse({ 'idempotency-key': req.get('Idempotency-Key') });
    const fields: FieldError[] = [
      ...(body.success ? [] : fieldsFromZod(body.error, 'body')),
      ...(headers.success ? [] : fieldsFromZod(headers.error, 'headers')),
    ];
    if (!body.success || !headers.success) throw httpErrors.validation(fields);
    return { request: body.data, idempotencyKey: headers.data['idempotency-key'] };
  };

  router.post('/cases', requireRole(REPORTING_ROLES, 'report cases'), async (req, res) => {
    const actor = principalOf(req);
    const intakeDeps = { db, temporal, cfg: deps.cfg, directory: deps.directory, logger: req.log };
    let outcome;
    if (isMultipart(req)) {
      // A report with photos: the fields are checked before the first file is stored, the
      // files stored as they arrive, and removed again if the case is then refused.
      const form = await receiveReportFiles(req, { db, cfg: deps.cfg, storage }, {
        fileFields: ['photo'],
        checkFields: (fields) => void parseReport(caseBodyOfForm(fields), req),
        tooManyFiles: () => httpErrors.validation([{ path: 'body.photo', message: `at most ${deps.cfg.EVIDENCE_MAX_FILES_PER_CASE} files per case` }]),
        log: req.log,
      });
      outcome = await form.startWith(() => createCase(intakeDeps, { ...parseReport(caseBodyOfForm(form.fields), req), actor, files: form.files }));
    } else {
      requireJsonBody(req, res, () => undefined);
      outcome = await createCase(intakeDeps, { ...parseReport(req.body, req), actor });
    }
    const { created, replayed } = outcome;
    res.location(created.links.self);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(created);
  });

  router.get('/cases', async (req, res) => {
    const q = parseOr400(ListCasesQuerySchema, req.query, 'query');
    const caller = principalOf(req);
    const filters: Prisma.CaseWhereInput = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.streetId ? { streetId: q.streetId } : {}),
      ...(q.gridId ? { gridId: q.gridId } : {}),
      ...(q.categoryCode ? { categoryCode: q.categoryCode } : {}),
      ...(q.channel ? { channel: q.channel } : {}),
      ...(q.overdue !== undefined ? { overdue: q.overdue } : {}),
      ...(q.assigneeUnitId ? { assigneeUnitId: q.assigneeUnitId } : {}),
      ...(q.reportedFrom || q.reportedTo
        ? { reportedAt: { ...(q.reportedFrom ? { gte: q.reportedFrom } : {}), ...(q.reportedTo ? { lt: q.reportedTo } : {}) } }
        : {}),
    };
    // Only the cases the caller may read (domain/access); the filters narrow them further.
    const where: Prisma.CaseWhereInput = { AND: [readScope(caller, await readContextOf(db, caller)), filters] };
    // The count stops at a cap (or the end of this page): an exact total of a busy district's
    // year would cost more than the page. Above the cap, total is a lower bound (totalIsEstimate).
    const skip = (q.page - 1) * q.pageSize;
    const countLimit = countLimitOf(skip, q.pageSize);
    // A worker's list: the nearest deadline first (dueAt is the earliest window in force).
    const orderBy: Prisma.CaseOrderByWithRelationInput[] =
      q.sort === 'deadline'
        ? [{ dueAt: { sort: 'asc', nulls: 'last' } }, { reportedAt: 'desc' }, { code: 'desc' }]
        : [{ reportedAt: 'desc' }, { code: 'desc' }];
    const [counted, rows] = await Promise.all([
      // The capped count in the page's order: with none, Prisma orders its LIMIT subquery by
      // code, which sorts every matching case (a month's range at 500,000 cases: 63 ms instead
      // of walking the page's index for the first 1,001).
      db.case.count({ where, take: countLimit + 1, orderBy }),
      db.case.findMany({
        where,
        orderBy,
        skip,
        // One row past the page: whether more follow, without counting them.
        take: q.pageSize + 1,
      }),
    ]);
    const rowAfterPage = rows.length > q.pageSize;
    if (rowAfterPage) rows.pop();
    const totals = listTotal(counted, skip, q.pageSize, rowAfterPage);
    // The list's version: the page's cases as they stand and the (capped) total. An aggregate
    // over every matching case would cost what the cap saves; the page is an index read. A
    // poller holding this version gets 304: no views built, no body sent, nothing re-rendered.
    const etag = etagOf(caller, 'cases', JSON.stringify(q), JSON.stringify(totals), ...rows.map((r) => `${r.code}@${r.updatedAt.getTime()}`));
    if (answeredNotModified(req, res, etag)) return;
    res.json({ items: rows.map((r) => caseRecordView(caller, r)), page: q.page, pageSize: q.pageSize, ...totals });
  });

  router.get('/cases/:code', async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    const caller = principalOf(req);
    await requireReadable(deps, caller, code, req.log);
    const row = await db.case.findUnique({ where: { code } });
    // The projection's version moves with every fact the workflow records (a lapse, an action):
    // while it stands still, the poller's copy is current and the workflow is not asked.
    if (row && answeredNotModified(req, res, etagOf(caller, 'case', code, row.version, row.updatedAt.getTime()))) return;
    const record = row && caseRecordView(caller, row);
    let description: WorkflowExecutionDescription | null;
    try {
      description = await describeCase(temporal, code);
    } catch (err) {
      // Temporal down: the projection still answers, without the live state.
      if (!record) throw err;
      req.log.warn({ err, code }, 'Temporal unreachable; answering from the projection only');
      res.json({ code, record, live: null });
      return;
    }
    if (!record && !description) throw httpErrors.notFound(`no case ${code}`);
    const live = description ? await queryCaseState(temporal, code, req.log) : null;
    res.json({ code, record, live });
  });

  router.get('/cases/:code/events', async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    // 404 for no case and for a case outside the caller's scope alike.
    await requireReadable(deps, principalOf(req), code, req.log);
    const head = await db.case.findUnique({ where: { code }, select: { version: true } });
    if (head && answeredNotModified(req, res, etagOf(principalOf(req), 'events', code, head.version))) return;
    const events = await db.caseEvent.findMany({ where: { caseCode: code }, orderBy: { seq: 'asc' } });
    res.json({ code, items: events.map(eventView) });
  });

  return router;
}
