// Auditors' reads of a case: its full Temporal history (from Temporal, or from the archive
// once retention has deleted it), the timeline derived from that same history, a replay
// of it against the current workflow code, and a dossier bundling all of it with the
// database record. Read-only, for AUDITOR and ADMIN of the case's district only, and every read is itself
// logged (AuditAccess) before anything is served: no unlogged audit read.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Role } from '../../domain/types';
import { caseHistoryToJson, loadCaseHistory, type CaseHistory } from '../../features/audit/caseHistory';
import type { Db } from '../../platform/db';
import { replayHistories, type ReplayVerdict } from '../../features/audit/replay';
import { deriveTimeline, formatTimeline, type Timeline } from '../../features/audit/timeline';
import { maskReporterInHistory } from '../../features/privacy/historyPrivacy';
import type { Caller } from '../../domain/access';
import { requireReadable } from '../caseAccess';
import { caseRecordView } from '../caseViews';
import { httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { eventView } from './cases';
import { authenticated, CaseCodeParams, errorResponses, jsonResponse } from '../schemas/common';

/** Roles that may read audit histories. */
export const AUDIT_ROLES: readonly Role[] = ['AUDITOR', 'ADMIN'];

/** What was read, as logged in AuditAccess.what. */
export type AuditRead = 'HISTORY' | 'TIMELINE' | 'REPLAY' | 'DOSSIER';

export interface AuditRouterDeps {
  db: Pick<Db, 'auditAccess' | 'caseHistoryArchive' | 'case' | 'caseEvent' | 'open311Client'>;
  temporal: Client;
  logger: Logger;
}

/** How long a history read may wait for Temporal (histories can be long). */
const HISTORY_TIMEOUT_MS = 30_000;

const TimelineQuery = z.object({ format: z.enum(['json', 'text']).default('json') });
const ReplayQuery = z.object({
  strict: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: 'Also require every activity to get the recorded arguments (the same facts and deadlines), not only the same commands.' }),
});

const Anything = z.record(z.string(), z.unknown());

export const auditRegistry = new OpenAPIRegistry();
const path = (suffix: string, summary: string, ok: string, query?: z.ZodObject) =>
  auditRegistry.registerPath({
    method: 'get',
    path: `/cases/{code}/${suffix}`,
    tags: ['audit'],
    summary,
    description: 'AUDITOR or ADMIN of the case\'s district only (another district\'s case answers 404, like no case). Every call is recorded in the audit access log (who, role, unit, case, what, when).',
    security: authenticated,
    request: { params: CaseCodeParams, ...(query ? { query } : {}) },
    responses: {
      200: jsonResponse(Anything, ok),
      400: errorResponses[400],
      401: errorResponses[401],
      403: errorResponses[403],
      404: errorResponses[404],
      503: errorResponses[503],
    },
  });
path('history', "The case's full event history as Temporal exports it, every run of its continue-as-new chain", '{ workflowId, source: TEMPORAL | ARCHIVE | ARCHIVE_AND_TEMPORAL, runs: [{ runId, runIndex, status, history: { events } }] }');
path('timeline', 'The human-readable timeline derived from that same history', '{ code, source, timeline } (or text/plain with ?format=text)', TimelineQuery);
path('replay', 'Replay the history against the current workflow code', '{ ok: true, replayed } or { ok: false, divergence }', ReplayQuery);
path('dossier', 'One JSON file: history, timeline, replay verdict and the database record, with a consistency check', 'Downloaded as <code>-dossier.json');

/** The database's record of a case: the projection row, its event log, and the archive's bookkeeping. */
async function recordOf(db: AuditRouterDeps['db'], code: string, caller: Caller) {
  const [row, events, archive] = await Promise.all([
    db.case.findUnique({ where: { code } }),
    db.caseEvent.findMany({ where: { caseCode: code }, orderBy: { seq: 'asc' } }),
    db.caseHistoryArchive.findMany({
      where: { caseCode: code },
      orderBy: { runIndex: 'asc' },
      select: { runId: true, runIndex: true, closeStatus: true, eventCount: true, archivedAt: true, verifiedAt: true, replayError: true },
    }),
  ]);
  return { case: row && caseRecordView(caller, row), events: events.map(eventView), archive };
}


/**
 * Facts in the history vs rows in the event log. They are written from the same payloads,
 * so they agree unless a recordCase activity has not completed yet (or the log was altered).
 */
export function compareWithRecord(timeline: Timeline, events: ReturnType<typeof eventView>[]) {
  const facts = timeline.entries.filter((e) => e.kind === 'FACT');
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const mismatches: Array<{ seq: number; problem: string }> = [];
  for (const f of facts) {
    const row = bySeq.get(f.seq!);
    if (!row) {
      mismatches.push({ seq: f.seq!, problem: f.persisted ? 'in the history, missing from the event log' : 'in the history; its recordCase has not completed' });
      continue;
    }
    bySeq.delete(f.seq!);
    const same = row.type === f.type && row.at === f.at && (row.actorId ?? null) === (f.actor?.personId ?? null) && (row.unitId ?? null) === f.unitId;
    if (!same) mismatches.push({ seq: f.seq!, problem: `differs: history ${f.type} at ${f.at} by ${f.actor?.personId ?? '-'}, log ${row.type} at ${row.at} by ${row.actorId ?? '-'}` });
  }
  for (const seq of bySeq.keys()) mismatches.push({ seq, problem: 'in the event log, not in the history' });
  return { factsInHistory: facts.length, eventsInRecord: events.length, consistent: mismatches.length === 0, mismatches };
}

export function createAuditRouter(deps: AuditRouterDeps): Router {
  const router = Router();
  const { db, temporal } = deps;
  const auditorsOnly = requireRole(AUDIT_ROLES, 'read audit histories');

  /** Log the read first (failing the request if it cannot be logged), then load the history. */
  async function read(req: Request, what: AuditRead): Promise<{ code: string; history: CaseHistory }> {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    const who = principalOf(req);
    await db.auditAccess.create({
      data: { personId: who.personId, role: who.role, unitId: who.unitId, caseCode: code, what, requestId: req.id === undefined ? null : String(req.id) },
    });
    // Auditors read their own district's cases; another district's answers like no case at
    // all (the attempt stays in the access log above).
    await requireReadable({ db, temporal }, who, code, req.log);
    const history = await temporal.withDeadline(Date.now() + HISTORY_TIMEOUT_MS, () => loadCaseHistory({ db, temporal }, code));
    if (!history) throw httpErrors.notFound(`no case ${code}: neither Temporal nor the archive has its history`);
    return { code, history };
  }

  const replay = (h: CaseHistory, strict = false): Promise<ReplayVerdict> =>
    replayHistories(
      h.runs.map((r) => ({ workflowId: h.workflowId, runId: r.runId, runIndex: r.runIndex, history: r.history })),
      { compareActivityInputs: strict },
    );

  /**
   * The history as its readers get it: the reporter masked in every payload (auditors and
   * admins audit the process, not the resident: docs/PRIVACY.md). Replays read the original.
   */
  const masked = async (h: CaseHistory): Promise<CaseHistory> => ({
    ...h,
    runs: await Promise.all(h.runs.map(async (r) => ({ ...r, history: await maskReporterInHistory(r.history) }))),
  });

  router.get('/cases/:code/history', auditorsOnly, async (req, res) => {
    const { history } = await read(req, 'HISTORY');
    res.json(caseHistoryToJson(await masked(history)));
  });

  router.get('/cases/:code/timeline', auditorsOnly, async (req, res) => {
    const { format } = parseOr400(TimelineQuery, req.query, 'query');
    const { code, history } = await read(req, 'TIMELINE');
    const timeline = deriveTimeline(history.runs, { workflowId: history.workflowId });
    if (format === 'text') {
      res.type('text/plain; charset=utf-8').send(`${formatTimeline(timeline)}\n`);
      return;
    }
    res.json({ code, source: history.source, timeline });
  });

  router.get('/cases/:code/replay', auditorsOnly, async (req, res) => {
    const { strict } = parseOr400(ReplayQuery, req.query, 'query');
    const { code, history } = await read(req, 'REPLAY');
    const verdict = await replay(history, strict);
    res.json({ code, source: history.source, runs: history.runs.length, strict, ...verdict });
  });

  router.get('/cases/:code/dossier', auditorsOnly, async (req, res) => {
    const { code, history } = await read(req, 'DOSSIER');
    const who = principalOf(req);
    const timeline = deriveTimeline(history.runs, { workflowId: history.workflowId });
    const [record, verdict] = await Promise.all([recordOf(db, code, who), replay(history)]);
    res.attachment(`${code}-dossier.json`);
    res.json({
      code,
      generatedAt: new Date().toISOString(),
      generatedFor: { personId: who.personId, role: who.role, unitId: who.unitId },
      source: history.source,
      replay: verdict,
      consistency: compareWithRecord(timeline, record.events),
      timeline,
      record,
      history: caseHistoryToJson(await masked(history)),
    });
  });

  return router;
}
