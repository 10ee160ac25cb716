// The two-way assessment (考核): rankings, a unit's scorecard with its trend, the CSV
// export, snapshot publishing, and the per-call scores streets and departments give
// each other. Figures come from the latest published snapshot of a period when there
// is one, otherwise they are computed live from the recorded events.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AppConfig } from '../../config/env';
import { ASSESSMENT_READERS, canSee, SNAPSHOT_PUBLISHERS, visibleUnits } from '../../domain/assessment/access';
import { findCall, recordCallScore, scoreInputProblems, scoreSideFor } from '../../features/assessment/callScores';
import { emptyUnitFigures, type UnitFigures, type UnitInfo } from '../../domain/assessment/figures';
import { isPeriod, parsePeriod, periodContaining, previousPeriods, type Period } from '../../domain/assessment/period';
import { RANKING_LEVELS, rankingCsv, rankUnits, unitBacklog, type RankingLevel } from '../../domain/assessment/rankings';
import { rankPeople } from '../../domain/assessment/people';
import { computePeopleInDb } from '../../features/assessment/peopleSql';
import { figuresFor, publishSnapshot, type SourcedFigures } from '../../features/assessment/store';
import type { Authenticator } from '../../features/auth/auth';
import type { Db } from '../../platform/db';
import { httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { ensurePrincipal } from '../middleware/ensurePrincipal';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { authenticated, CaseCodeParams, errorResponses, IsoDateTime, jsonResponse } from '../schemas/common';

export interface AssessmentRouterDeps {
  db: Db;
  temporal: Client;
  cfg: AppConfig;
  logger: Logger;
  /** Used only when the app has not authenticated the request already. */
  authenticator?: Authenticator;
  /** The clock for live figures and the default period (tests pin it). */
  now?: () => number;
}

/** At most this many earlier periods in a scorecard's trend. */
const MAX_TREND = 24;

const PeriodSchema = z
  .string()
  .refine(isPeriod, { message: 'expected a month YYYY-MM, a quarter YYYY-Qn or a year YYYY' })
  .meta({ description: 'Month (2026-11), quarter (2026-Q4) or year (2026), Asia/Shanghai dates. Default: the current month.', example: '2026-11' });

const SourceSchema = z
  .enum(['auto', 'live'])
  .default('auto')
  .meta({ description: 'auto: the latest published snapshot if any, else live; live: always compute from the events now' });

const LevelQuerySchema = z.enum(RANKING_LEVELS as [RankingLevel, ...RankingLevel[]]);

export const RankingsQuerySchema = z.strictObject({ period: PeriodSchema.optional(), level: LevelQuerySchema, source: SourceSchema });
export const ScorecardQuerySchema = z.strictObject({
  period: PeriodSchema.optional(),
  trend: z.coerce.number().int().min(0).max(MAX_TREND).default(6).meta({ description: 'How many earlier periods of the same kind to include' }),
  source: SourceSchema,
});
export const ExportQuerySchema = RankingsQuerySchema;
export const PublishBodySchema = z.strictObject({ period: PeriodSchema }).meta({ id: 'PublishSnapshot' });
export const CallScoreBodySchema = z
  .strictObject({
    cooperation: z.number().int().min(1).max(5).optional().meta({ description: 'Caller → department: 1 (poor) to 5 (excellent)' }),
    professionalism: z.number().int().min(1).max(5).optional().meta({ description: 'Caller → department: 1 to 5' }),
    accurate: z.boolean().optional().meta({ description: 'Department → caller: was this call ours to answer?' }),
    comment: z.string().trim().max(2000).optional(),
  })
  .meta({ id: 'CallScoreBody' });
const CallScoreParams = z.object({ code: CaseCodeParams.shape.code, callId: z.string().regex(/^CALL-\d+$/, 'expected a call id such as CALL-5') });
const UnitParams = z.object({ unitId: z.string().min(1).max(100) });

const RatioSchema = z.object({ numerator: z.number(), denominator: z.number(), rate: z.number().nullable() }).meta({ id: 'Ratio' });
const MeanSchema = z.object({ count: z.number(), sum: z.number(), mean: z.number().nullable() }).meta({ id: 'Mean' });
const UnitFiguresSchema = z
  .object({
    unitId: z.string(),
    kind: z.string().nullable(),
    name: z.string().nullable(),
    parentId: z.string().nullable(),
    casesHandled: z.number(),
    acceptanceOnTime: RatioSchema,
    firstResponseOnTime: RatioSchema,
    completionOnTime: RatioSchema,
    escalationsCaused: z.number(),
    extensionsAsked: z.number(),
    extensionsGranted: z.number(),
    satisfaction: RatioSchema,
    resolution: RatioSchema,
    reopen: RatioSchema,
    surveysAnswered: z.number(),
    surveysUnreachable: z.number(),
    callsReceived: z.number(),
    reportRate: RatioSchema,
    reportTimeliness: RatioSchema,
    cooperation: MeanSchema,
    professionalism: MeanSchema,
    callsMade: z.number(),
    callAccuracy: RatioSchema,
    urgesReceived: z.number().meta({ description: 'Urges (催办) by the command center the unit received (absent in snapshots published before supervision).' }).optional(),
    noticesReceived: z.number().meta({ description: 'Urges the unit left unanswered until they became formal notices (通报).' }).optional(),
    // Five-step deliberation (五步议事), counted for the case's community; absent in snapshots published before it.
    deliberationsHeld: z.number().meta({ description: "Deliberations (五步议事) held: the residents' matter raised (群众说事)." }).optional(),
    deliberationsCompleted: z.number().meta({ description: "Deliberations completed with the residents' democratic evaluation (民主评事)." }).optional(),
    deliberationSatisfaction: RatioSchema.meta({ description: 'Residents who evaluated 满意 or 基本满意 over all who evaluated (民主评议).' }).optional(),
    // Closer to the seeds (issue 16): absent in snapshots published before them.
    closure: RatioSchema.optional(), // Closure rate (结案率): cases the unit handled that are closed, over cases it handled.
    resolvedInGrid: RatioSchema.optional(), // Resolved inside the grid (网格内解决): the area's closed cases resolved without leaving the grid and community, over its closed cases.
    onSiteOnTime: RatioSchema.optional(), // Arrivals on site within the urgent on-site window, over arrivals measured and lapsed windows.
    hazardPromiseKept: RatioSchema.optional(), // Hazards cleared within the two-hour promise, over hazards cleared.
    calledSatisfaction: RatioSchema.optional(), // As a called department: residents' satisfaction with the cases it was called to.
    // Clock pauses (暂停计时), counted for the unit that asked; absent in snapshots published before them.
    pausesApproved: z.number().meta({ description: 'Pauses of the unit\'s clocks the level above approved.' }).optional(),
    pausesRejected: z.number().meta({ description: 'Pause requests the level above refused (not those withdrawn because the window closed first).' }).optional(),
    pausedMinutes: z
      .number()
      .meta({ description: 'Minutes the ended pauses moved the deadlines by, on each window\'s clock (working minutes; wall minutes for the urgent on-site window).' })
      .optional(),
    score: z.number().nullable(),
  })
  .meta({ id: 'UnitFigures' });
const BacklogCountSchema = z
  .object({ open: z.number(), openYearBefore: z.number(), change: z.number().nullable().meta({ description: '(open − openYearBefore) / openYearBefore, 4 decimals; null when openYearBefore is 0' }) })
  .meta({ id: 'BacklogCount', description: "Open cases of the unit's area at the period end against the same point of the same period a year earlier (积案同比)" });
const BacklogInfo = {
  backlog: z
    .object({ at: IsoDateTime, yearBeforeAt: IsoDateTime, total: BacklogCountSchema })
    .nullable()
    .meta({ description: 'The district-wide backlog year on year; null for snapshots published before it' }),
};
const SourceInfo = {
  period: z.string(),
  source: z.enum(['SNAPSHOT', 'LIVE']),
  version: z.number().nullable(),
  publishedAt: IsoDateTime.nullable(),
  asOf: IsoDateTime,
  formulaVersion: z.number(),
};
const RankingsSchema = z
  .object({ ...SourceInfo, ...BacklogInfo, level: LevelQuerySchema, items: z.array(UnitFiguresSchema.extend({ rank: z.number().nullable(), backlog: BacklogCountSchema.nullable() })) })
  .meta({ id: 'Rankings' });
const ScorecardSchema = z
  .object({
    ...SourceInfo,
    unitId: z.string(),
    rank: z.number().nullable(),
    rankedAmong: z.number(),
    figures: UnitFiguresSchema,
    // The unit's area's backlog year on year; null for snapshots published before it.
    backlog: BacklogCountSchema.nullable(),
    trend: z.array(z.object({ period: z.string(), source: z.enum(['SNAPSHOT', 'LIVE']), version: z.number().nullable(), figures: UnitFiguresSchema })),
  })
  .meta({ id: 'Scorecard' });
const SnapshotPublishedSchema = z
  .object({ period: z.string(), version: z.number(), publishedAt: IsoDateTime, asOf: IsoDateTime, publishedBy: z.string().nullable(), units: z.number(), cases: z.number() })
  .meta({ id: 'SnapshotPublished' });
const CallScoreSchema = z
  .object({
    caseCode: z.string(),
    callId: z.string(),
    direction: z.enum(['STREET_TO_DEPT', 'DEPT_TO_STREET']),
    fromUnitId: z.string(),
    toUnitId: z.string(),
    cooperation: z.number().nullable(),
    professionalism: z.number().nullable(),
    accurate: z.boolean().nullable(),
    comment: z.string(),
    scoredBy: z.string(),
    at: IsoDateTime,
  })
  .meta({ id: 'CallScore' });

export const assessmentRegistry = new OpenAPIRegistry();
const readResponses = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 503: errorResponses[503] };
assessmentRegistry.registerPath({
  method: 'get',
  path: '/assessment/rankings',
  tags: ['assessment'],
  summary: 'Units of one level ranked by their composite score for a period',
  security: authenticated,
  request: { query: RankingsQuerySchema },
  responses: { 200: jsonResponse(RankingsSchema, 'Best first; street dispatchers and department officers see their own rows'), ...readResponses },
});
assessmentRegistry.registerPath({
  method: 'get',
  path: '/assessment/units/{unitId}/scorecard',
  tags: ['assessment'],
  summary: "One unit's figures for a period with the trend over earlier periods",
  security: authenticated,
  request: { params: UnitParams, query: ScorecardQuerySchema },
  responses: { 200: jsonResponse(ScorecardSchema, 'The scorecard'), 404: errorResponses[404], ...readResponses },
});
assessmentRegistry.registerPath({
  method: 'get',
  path: '/assessment/export.csv',
  tags: ['assessment'],
  summary: 'The ranking of one level as CSV (UTF-8 with BOM)',
  security: authenticated,
  request: { query: ExportQuerySchema },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...readResponses },
});
assessmentRegistry.registerPath({
  method: 'post',
  path: '/assessment/snapshots',
  tags: ['assessment'],
  summary: "Compute and publish a new version of a period's figures (published versions never change)",
  security: authenticated,
  request: { body: { content: { 'application/json': { schema: PublishBodySchema } }, required: true } },
  responses: { 201: jsonResponse(SnapshotPublishedSchema, 'Published'), ...readResponses },
});
assessmentRegistry.registerPath({
  method: 'post',
  path: '/cases/{code}/calls/{callId}/score',
  tags: ['assessment'],
  summary: 'Score a department call: the caller scores cooperation and professionalism, the department scores call accuracy',
  security: authenticated,
  request: { params: CallScoreParams, body: { content: { 'application/json': { schema: CallScoreBodySchema } }, required: true } },
  responses: { 201: jsonResponse(CallScoreSchema, 'Recorded'), 404: errorResponses[404], 409: errorResponses[409], ...readResponses },
});

export const PeopleQuerySchema = z.strictObject({
  period: PeriodSchema.optional(),
  unitId: z.string().min(1).max(100).optional().meta({ description: 'Only people of this unit (the directory unit of the person)' }),
});
const PersonFiguresSchema = z
  .object({
    personId: z.string(),
    name: z.string().nullable(),
    role: z.string().nullable(),
    unitId: z.string().nullable().meta({ description: "The person's unit in the directory (null: not in the directory)" }),
    unitName: z.string().nullable(),
    rank: z.number().nullable(),
    cases: z.number(),
    acceptanceOnTime: RatioSchema,
    firstResponseOnTime: RatioSchema,
    completionOnTime: RatioSchema,
    satisfaction: RatioSchema,
    resolution: RatioSchema,
    breaches: z.number().meta({ description: 'Lapsed windows of cases while the person held them (the assignee of the holding unit then); late in the on-time rate of their kind' }),
    deliberations: z.number().meta({ description: 'Five-step deliberations (五步议事) whose residents\' evaluation (民主评事) named the person among its cadres' }),
    deliberationSatisfaction: RatioSchema.meta({ description: 'Residents\' votes 满意 + 基本满意 over all votes of those evaluations (not in the score)' }),
    score: z.number().nullable(),
  })
  .meta({ id: 'PersonFigures' });
const PeopleSchema = z
  .object({ period: z.string(), source: z.literal('LIVE'), asOf: IsoDateTime, formulaVersion: z.number(), items: z.array(PersonFiguresSchema) })
  .meta({ id: 'PeopleFigures' });
assessmentRegistry.registerPath({
  method: 'get',
  path: '/assessment/people',
  tags: ['assessment'],
  summary: 'Scores per person (cadre) for a period, best first, for individual evaluation (评先评优)',
  security: authenticated,
  request: { query: PeopleQuerySchema },
  responses: { 200: jsonResponse(PeopleSchema, 'Always computed live from the events; readers see the people of the units they may read'), ...readResponses },
});

/** The period asked for, or the current month (Asia/Shanghai). */
function periodOf(text: string | undefined, now: number): Period {
  return text ? parsePeriod(text) : periodContaining(now, 'MONTH');
}

/** The district-wide backlog of figures, null when they have none (snapshots published before it). */
function backlogInfo(s: SourcedFigures) {
  const b = s.figures.backlog;
  return { backlog: b ? { at: b.at, yearBeforeAt: b.yearBeforeAt, total: b.total } : null };
}

function sourceInfo(s: SourcedFigures) {
  return {
    period: s.figures.period,
    source: s.source,
    version: s.version,
    publishedAt: s.publishedAt,
    asOf: s.figures.asOf,
    formulaVersion: s.figures.formulaVersion,
  };
}

/** The assessment routes (all authenticated; readers per docs/ASSESSMENT.md). */
export function createAssessmentRouter(deps: AssessmentRouterDeps): Router {
  const router = Router();
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const auth = ensurePrincipal(deps);
  const readers = requireRole(ASSESSMENT_READERS, 'read assessment figures');
  const directory = async (): Promise<UnitInfo[]> => db.orgUnit.findMany({ select: { id: true, kind: true, name: true, parentId: true } });
  const visibility = async (req: Request) => {
    const p = principalOf(req);
    const visible = visibleUnits(p, await directory());
    if (!visible) throw httpErrors.forbidden(`${p.role} may not read assessment figures`);
    return visible;
  };

  router.get('/assessment/rankings', auth, readers, async (req, res) => {
    const q = parseOr400(RankingsQuerySchema, req.query, 'query');
    const visible = await visibility(req);
    const sourced = await figuresFor(db, periodOf(q.period, now()), { live: q.source === 'live', now: now() });
    const items = rankUnits(sourced.figures, q.level)
      .filter((r) => canSee(visible, r.figures.unitId))
      .map((r) => ({ ...r.figures, rank: r.rank, backlog: r.backlog ?? null }));
    res.json({ ...sourceInfo(sourced), ...backlogInfo(sourced), level: q.level, items });
  });

  router.get('/assessment/units/:unitId/scorecard', auth, readers, async (req, res) => {
    const { unitId } = parseOr400(UnitParams, req.params, 'params');
    const q = parseOr400(ScorecardQuerySchema, req.query, 'query');
    const visible = await visibility(req);
    if (!canSee(visible, unitId)) throw httpErrors.forbidden(`${principalOf(req).role} of ${principalOf(req).unitId} may not read the scorecard of ${unitId}`);
    const unit = await db.orgUnit.findUnique({ where: { id: unitId }, select: { id: true, kind: true, name: true, parentId: true } });
    if (!unit) throw httpErrors.notFound(`no unit ${unitId}`);
    const at = now();
    const period = periodOf(q.period, at);
    const live = q.source === 'live';
    const current = await figuresFor(db, period, { live, now: at });
    const earlier: SourcedFigures[] = [];
    for (const p of previousPeriods(period, q.trend)) earlier.push(await figuresFor(db, p, { live, now: at, backlog: false }));
    const find = (s: SourcedFigures): UnitFigures => s.figures.units.find((u) => u.unitId === unitId) ?? emptyUnitFigures(unitId, { kind: unit.kind, name: unit.name, parentId: unit.parentId });
    const ranked = unit.kind === 'STREET' || unit.kind === 'DEPARTMENT' || unit.kind === 'GRID' ? rankUnits(current.figures, unit.kind) : [];
    res.json({
      ...sourceInfo(current),
      unitId,
      rank: ranked.find((r) => r.figures.unitId === unitId)?.rank ?? null,
      rankedAmong: ranked.filter((r) => r.rank !== null).length,
      figures: find(current),
      backlog: unitBacklog(current.figures, unitId),
      trend: earlier.map((s) => ({ period: s.figures.period, source: s.source, version: s.version, figures: find(s) })),
    });
  });

  router.get('/assessment/people', auth, readers, async (req, res) => {
    const q = parseOr400(PeopleQuerySchema, req.query, 'query');
    const visible = await visibility(req);
    if (q.unitId && !canSee(visible, q.unitId)) throw httpErrors.forbidden(`${principalOf(req).role} of ${principalOf(req).unitId} may not read the people of ${q.unitId}`);
    const at = now();
    const figures = await computePeopleInDb(db, periodOf(q.period, at), at);
    const ids = figures.people.map((p) => p.personId);
    const persons = ids.length ? await db.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, role: true, unitId: true, unit: { select: { name: true } } } }) : [];
    const byId = new Map(persons.map((p) => [p.id, p]));
    const items = rankPeople(figures.people)
      .map((r) => {
        const p = byId.get(r.figures.personId);
        return { ...r.figures, rank: r.rank, name: p?.name ?? null, role: p?.role ?? null, unitId: p?.unitId ?? null, unitName: p?.unit.name ?? null };
      })
      // A person outside the directory belongs to no unit: only readers of every unit see them.
      .filter((r) => (r.unitId === null ? visible === 'ALL' : canSee(visible, r.unitId)) && (!q.unitId || r.unitId === q.unitId));
    res.json({ period: figures.period, source: 'LIVE', asOf: figures.asOf, formulaVersion: figures.formulaVersion, items });
  });

  router.get('/assessment/export.csv', auth, readers, async (req, res) => {
    const q = parseOr400(ExportQuerySchema, req.query, 'query');
    const visible = await visibility(req);
    const sourced = await figuresFor(db, periodOf(q.period, now()), { live: q.source === 'live', now: now() });
    const rows = rankUnits(sourced.figures, q.level).filter((r) => canSee(visible, r.figures.unitId));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="assessment-${sourced.figures.period}-${q.level}.csv"`);
    res.setHeader('X-Assessment-Source', sourced.source === 'SNAPSHOT' ? `snapshot v${sourced.version}` : `live as of ${sourced.figures.asOf}`);
    res.send(rankingCsv(sourced.figures.period, rows));
  });

  router.post('/assessment/snapshots', auth, requireRole(SNAPSHOT_PUBLISHERS, 'publish assessment snapshots'), requireJsonBody, async (req, res) => {
    const body = parseOr400(PublishBodySchema, req.body ?? {}, 'body');
    const p = principalOf(req);
    const key = req.get('Idempotency-Key');
    const { snapshot, created } = await publishSnapshot(db, {
      period: body.period,
      asOf: now(),
      publishedBy: p.personId,
      // A retried request (same person, same key) gets the version it published the first time.
      ...(key ? { requestId: `api:${p.personId}:${key.slice(0, 200)}` } : {}),
    });
    req.log?.info?.({ period: snapshot.period, version: snapshot.version, by: p.personId }, 'assessment snapshot published');
    if (!created) res.setHeader('Idempotent-Replayed', 'true');
    res.status(created ? 201 : 200).json({
      period: snapshot.period,
      version: snapshot.version,
      publishedAt: snapshot.publishedAt.toISOString(),
      asOf: snapshot.asOf.toISOString(),
      publishedBy: snapshot.publishedBy,
      units: snapshot.figures.units.length,
      cases: snapshot.figures.totals.cases,
    });
  });

  router.post('/cases/:code/calls/:callId/score', auth, requireJsonBody, async (req, res) => {
    const { code, callId } = parseOr400(CallScoreParams, req.params, 'params');
    const body = parseOr400(CallScoreBodySchema, req.body ?? {}, 'body');
    const p = principalOf(req);
    const found = await findCall(db, code, callId);
    if (!found) throw httpErrors.notFound(`no call ${callId} on case ${code}`);
    const side = scoreSideFor(p, found.call);
    if (!side) {
      throw httpErrors.forbidden(
        `call ${callId} is scored by the unit that made it (${found.call.callerUnitId}) and by the called department (${found.call.departmentId})`,
      );
    }
    const problems = scoreInputProblems(side.direction, body);
    if (problems.length) throw httpErrors.validation(problems.map(([path, message]) => ({ path: `body.${path}`, message })));
    // A second score is an AlreadyScoredError (Conflict, ALREADY_SCORED: 409).
    const row = await recordCallScore(db, found.call, side, body, p.personId, new Date(now()));
    res.status(201).json({
      caseCode: row.caseCode,
      callId: row.callId,
      direction: row.direction,
      fromUnitId: row.fromUnitId,
      toUnitId: row.toUnitId,
      cooperation: row.cooperation,
      professionalism: row.professionalism,
      accurate: row.accurate,
      comment: row.comment,
      scoredBy: row.scoredBy,
      at: row.at.toISOString(),
    });
  });

  return router;
}
