// The assessment API over the hand-computed fixture in an isolated database: who may read
// which rows, rankings, scorecards with their trend, the CSV export, snapshot publishing,
// and the per-call scores. The router's clock is pinned to the fixture's AS_OF.
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler, notFoundHandler } from '../../api/errors';
import { createAssessmentRouter } from '../../api/routes/assessment';
import { loadConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import { signAccessToken } from '../../features/auth/auth';
import { createDb, type Db } from '../../platform/db';
import { AS_OF, C1, CG, CODES, D, EXPECTED_OCTOBER, FIXTURE_SCORES, G1, G2, G3, HB, S1, S2, SJ } from '../fixtures/assessmentCases';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';
import { insertAssessmentFixture } from './assessmentFixtureDb';

jest.setTimeout(120_000);

const cfg = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
let iso: IsolatedDatabase;
let db: Db;
let app: Express;

const PEOPLE: Array<{ id: string; role: Role; unitId: string }> = [
  { id: 'a-cc', role: 'COMMAND_CENTER', unitId: D },
  { id: 'a-deputy', role: 'DEPUTY_LEADER', unitId: D },
  { id: 'a-auditor', role: 'AUDITOR', unitId: D },
  { id: 'a-admin', role: 'ADMIN', unitId: D },
  { id: 'a-s1', role: 'STREET_DISPATCHER', unitId: S1 },
  { id: 'a-s2', role: 'STREET_DISPATCHER', unitId: S2 },
  { id: 'a-cg', role: 'DEPARTMENT_OFFICER', unitId: CG },
  { id: 'a-hb', role: 'DEPARTMENT_OFFICER', unitId: HB },
  { id: 'a-grid', role: 'GRID_WORKER', unitId: G1 },
  { id: 'a-community', role: 'COMMUNITY_WORKER', unitId: C1 },
];
const tokens = new Map<string, string>();
const as = (id: string) => `Bearer ${tokens.get(id)}`;

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 5);
  // H's call to HB is left unscored: the scoring endpoint is exercised on it.
  await insertAssessmentFixture(db, FIXTURE_SCORES.filter((s) => s.caseCode !== CODES.H));
  for (const p of PEOPLE) {
    await db.person.create({ data: { id: p.id, name: p.id, role: p.role, unitId: p.unitId } });
    tokens.set(p.id, await signAccessToken(cfg, { id: p.id, role: p.role, unitId: p.unitId, name: p.id }));
  }
  app = express();
  app.use(express.json());
  const logger = pino({ level: 'silent' });
  app.use(createAssessmentRouter({ db, temporal: {} as Client, cfg, logger, now: () => AS_OF }));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

const get = (path: string, who?: string) => {
  const r = request(app).get(path);
  return who ? r.set('Authorization', as(who)) : r;
};
const post = (path: string, who: string, body: object, headers: Record<string, string> = {}) => {
  let r = request(app).post(path).set('Authorization', as(who));
  for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
  return r.send(body);
};

describe('who may read', () => {
  it('needs credentials and a reading role', async () => {
    expect((await get('/assessment/rankings?period=2026-10&level=STREET')).status).toBe(401);
    expect((await get('/assessment/rankings?period=2026-10&level=STREET', 'a-grid')).status).toBe(403);
    expect((await get('/assessment/rankings?period=2026-10&level=STREET', 'a-community')).status).toBe(403);
    expect((await get('/assessment/units/AD-S1-C1-G1/scorecard?period=2026-10', 'a-grid')).status).toBe(403);
    for (const who of ['a-cc', 'a-deputy', 'a-auditor', 'a-admin', 'a-s1', 'a-cg']) {
      expect((await get('/assessment/rankings?period=2026-10&level=STREET', who)).status).toBe(200);
    }
  });

  it('a street dispatcher sees its own street and its grids, with their ranks among all', async () => {
    const streets = await get('/assessment/rankings?period=2026-10&level=STREET', 'a-s1');
    expect(streets.body.items.map((i: { unitId: string; rank: number }) => [i.unitId, i.rank])).toEqual([[S1, 2]]);
    const grids = await get('/assessment/rankings?period=2026-10&level=GRID', 'a-s1');
    expect(grids.body.items.map((i: { unitId: string; rank: number }) => [i.unitId, i.rank])).toEqual([[G1, 2], [G2, 3]]);
    expect((await get(`/assessment/units/${G3}/scorecard?period=2026-10`, 'a-s1')).status).toBe(403);
    expect((await get(`/assessment/units/${S2}/scorecard?period=2026-10`, 'a-s1')).status).toBe(403);
    expect((await get(`/assessment/units/${G1}/scorecard?period=2026-10`, 'a-s1')).status).toBe(200);
  });

  it('a department officer sees its own department', async () => {
    const depts = await get('/assessment/rankings?period=2026-10&level=DEPARTMENT', 'a-cg');
    expect(depts.body.items.map((i: { unitId: string; rank: number }) => [i.unitId, i.rank])).toEqual([[CG, 2]]);
    expect((await get(`/assessment/units/${CG}/scorecard?period=2026-10`, 'a-cg')).status).toBe(200);
    expect((await get(`/assessment/units/${SJ}/scorecard?period=2026-10`, 'a-cg')).status).toBe(403);
  });
});

describe('rankings, scorecards, export', () => {
  it('ranks a level live when the period has no snapshot', async () => {
    const res = await get('/assessment/rankings?period=2026-10&level=DEPARTMENT', 'a-cc');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ period: '2026-10', level: 'DEPARTMENT', source: 'LIVE', version: null, asOf: new Date(AS_OF).toISOString(), formulaVersion: 1 });
    expect(res.body.items.map((i: { unitId: string; rank: number | null; score: number | null }) => [i.unitId, i.rank, i.score])).toEqual([
      [SJ, 1, 93.75], [CG, 2, 43.75], [HB, null, null],
    ]);
    expect(res.body.items[1]).toMatchObject(EXPECTED_OCTOBER.units[CG]);
  });

  it('validates the query', async () => {
    const bad = await get('/assessment/rankings?period=2026-13&level=CITY', 'a-cc');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['query.level', 'query.period']);
    expect((await get('/assessment/rankings?level=STREET&extra=1', 'a-cc')).status).toBe(400);
    expect((await get('/assessment/units/AD-S1/scorecard?trend=99', 'a-cc')).status).toBe(400);
  });

  it('defaults to the current month (of the router clock)', async () => {
    const res = await get('/assessment/rankings?level=GRID', 'a-cc');
    expect(res.body.period).toBe('2026-12');
    expect(res.body.items.every((i: { casesHandled: number; score: null }) => i.casesHandled === 0 && i.score === null)).toBe(true);
  });

  it("a unit's scorecard with the trend over earlier periods (empty ones included)", async () => {
    const res = await get(`/assessment/units/${S1}/scorecard?period=2026-10&trend=3`, 'a-cc');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ unitId: S1, period: '2026-10', source: 'LIVE', rank: 2, rankedAmong: 2 });
    expect(res.body.figures).toMatchObject(EXPECTED_OCTOBER.units[S1]);
    expect(res.body.trend.map((t: { period: string; figures: { casesHandled: number; score: number | null } }) => [t.period, t.figures.casesHandled, t.figures.score])).toEqual([
      ['2026-07', 0, null],
      ['2026-08', 0, null],
      ['2026-09', 0, null],
    ]);
    const g3 = await get(`/assessment/units/${G3}/scorecard?period=2026-11&trend=2`, 'a-cc');
    // D belongs to October: G3 has nothing in November, and its trend shows September's breach and October's work.
    expect(g3.body.figures).toMatchObject({ casesHandled: 0, score: null });
    expect(g3.body.trend.map((t: { period: string; figures: { casesHandled: number; escalationsCaused: number } }) => [t.period, t.figures.casesHandled, t.figures.escalationsCaused])).toEqual([
      ['2026-09', 1, 1],
      ['2026-10', 1, 0],
    ]);
    expect((await get('/assessment/units/NOPE/scorecard?period=2026-10', 'a-cc')).status).toBe(404);
    const quarter = await get(`/assessment/units/${G1}/scorecard?period=2026-Q4&trend=1`, 'a-auditor');
    expect(quarter.body.trend.map((t: { period: string }) => t.period)).toEqual(['2026-Q3']);
    expect(quarter.body.figures.acceptanceOnTime).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3 });
  });

  it('exports a level as CSV', async () => {
    const res = await get('/assessment/export.csv?period=2026-10&level=GRID', 'a-cc');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="assessment-2026-10-GRID.csv"');
    const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0].split(',').slice(0, 6)).toEqual(['period', 'rank', 'unit_id', 'unit_name', 'kind', 'score']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6))).toEqual([
      ['2026-10', '1', G3, '网格三', 'GRID', '100.00'],
      ['2026-10', '2', G1, '网格一', 'GRID', '91.67'],
      ['2026-10', '3', G2, '网格二', 'GRID', '75.00'],
    ]);
    const own = await get('/assessment/export.csv?period=2026-10&level=DEPARTMENT', 'a-cg');
    expect(own.text.trimEnd().split('\r\n')).toHaveLength(2);
  });
});

describe('closer to the seeds (issue 16)', () => {
  it('rankings carry closure, resolved inside the grid and the backlog year on year; the scorecard the unit\'s', async () => {
    const res = await get('/assessment/rankings?period=2026-10&level=STREET&source=live', 'a-cc');
    expect(res.status).toBe(200);
    const s1 = res.body.items.find((i: { unitId: string }) => i.unitId === S1);
    expect(s1).toMatchObject({ closure: EXPECTED_OCTOBER.units[S1].closure, resolvedInGrid: EXPECTED_OCTOBER.units[S1].resolvedInGrid });
    // At the end of October: D (reported at 23:30 on the 31st), E (September's) and H are open, all in S2's area; a year before, no case at all.
    expect(res.body.backlog).toMatchObject({ at: '2026-10-31T15:59:59.999Z', yearBeforeAt: '2025-10-31T15:59:59.999Z' });
    expect(res.body.backlog.total).toEqual({ open: 3, openYearBefore: 0, change: null });
    expect(res.body.items.find((i: { unitId: string }) => i.unitId === S2).backlog).toEqual({ open: 3, openYearBefore: 0, change: null });
    expect(s1.backlog).toEqual({ open: 0, openYearBefore: 0, change: null });
    const card = await get(`/assessment/units/${CG}/scorecard?period=2026-10&trend=0&source=live`, 'a-cg');
    expect(card.body.figures.calledSatisfaction).toEqual(EXPECTED_OCTOBER.units[CG].calledSatisfaction);
    expect(card.body.backlog).toEqual({ open: 0, openYearBefore: 0, change: null });
    const csv = await get('/assessment/export.csv?period=2026-10&level=STREET&source=live', 'a-cc');
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const col = (name: string) => header.split(',').indexOf(name);
    const s2 = lines.find((l) => l.includes(`,${S2},`))!.split(',');
    expect([s2[col('closure_rate')], s2[col('resolved_in_grid_rate')], s2[col('backlog_open')], s2[col('backlog_change')]]).toEqual(['0.0000', '1.0000', '3', '']);
  });

  it('scores per person: each reader sees the people of the units it may read', async () => {
    // The fixture records no actors: A's acceptance and response by a grid worker of G1, D's by someone outside the directory.
    await db.caseEvent.updateMany({ where: { caseCode: CODES.A, type: { in: ['ACCEPTED', 'RESPONDED'] } }, data: { actorId: 'a-grid' } });
    await db.caseEvent.updateMany({ where: { caseCode: CODES.D, type: 'ACCEPTED' }, data: { actorId: 'p-outside' } });
    // B's grid worker held it when its accept window lapsed (REPORTED names the assignee, as the case records it).
    await db.caseEvent.updateMany({ where: { caseCode: CODES.B, type: 'REPORTED' }, data: { data: { assigneeId: 'a-grid' } } });
    const all = await get('/assessment/people?period=2026-10', 'a-cc');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ period: '2026-10', source: 'LIVE', asOf: new Date(AS_OF).toISOString(), formulaVersion: 2 });
    expect(all.body.items).toEqual([
      expect.objectContaining({ personId: 'p-outside', rank: 1, name: null, unitId: null, cases: 1, breaches: 0, score: 100 }),
      // A accepted and answered in time; B's lapse: late, and a breach (acceptance 1/2, response 1/1).
      expect.objectContaining({
        personId: 'a-grid', rank: 2, name: 'a-grid', role: 'GRID_WORKER', unitId: G1, cases: 2, breaches: 1,
        acceptanceOnTime: { numerator: 1, denominator: 2, rate: 0.5 }, firstResponseOnTime: { numerator: 1, denominator: 1, rate: 1 }, score: 75,
      }),
    ]);
    expect((await get('/assessment/people?period=2026-10', 'a-s1')).body.items.map((p: { personId: string }) => p.personId)).toEqual(['a-grid']);
    expect((await get('/assessment/people?period=2026-10', 'a-s2')).body.items).toEqual([]);
    expect((await get(`/assessment/people?period=2026-10&unitId=${G1}`, 'a-cc')).body.items.map((p: { personId: string }) => p.personId)).toEqual(['a-grid']);
    expect((await get(`/assessment/people?period=2026-10&unitId=${G3}`, 'a-s1')).status).toBe(403);
    expect((await get('/assessment/people?period=2026-10', 'a-grid')).status).toBe(403);
    expect((await get('/assessment/people?period=nope', 'a-cc')).status).toBe(400);
  });

  it("scores per person: the cadres named at a deliberation's evaluation (民主评事), by id or by name in the case's community or street", async () => {
    // November's case I (G1, community C1) is deliberated; its evaluation names a community worker by id and a cadre not in the directory.
    await db.caseEvent.create({
      data: {
        caseCode: CODES.I, seq: 3, type: 'DELIBERATION_STEP', at: new Date(AS_OF - 86_400_000), actorId: 'a-community', actorRole: 'COMMUNITY_WORKER', unitId: C1, level: 'COMMUNITY',
        data: { step: 'EVALUATE', communityId: C1, text: '', votes: { satisfied: 9, basicallySatisfied: 2, dissatisfied: 1 }, verdict: 'SATISFIED', cadres: ['a-community', '王书记'] },
      },
    });
    const vote = { numerator: 11, denominator: 12, rate: 11 / 12 };
    const all = await get('/assessment/people?period=2026-11', 'a-cc');
    // (Case I records no actors: its acceptance is nobody's.)
    expect(all.body.items).toEqual([
      expect.objectContaining({ personId: 'a-community', rank: null, unitId: C1, cases: 1, deliberations: 1, deliberationSatisfaction: vote, score: null }),
      expect.objectContaining({ personId: '王书记', rank: null, name: null, unitId: null, cases: 1, deliberations: 1, deliberationSatisfaction: vote }),
    ]);
    // The street sees its community's cadre; the cadre outside the directory only the district roles.
    expect((await get('/assessment/people?period=2026-11', 'a-s1')).body.items.map((p: { personId: string }) => p.personId)).toEqual(['a-community']);
  });
});

describe('publishing snapshots', () => {
  it('only the command center and admins publish; each publish is a new version; readers then get the latest', async () => {
    expect((await post('/assessment/snapshots', 'a-s1', { period: '2026-10' })).status).toBe(403);
    expect((await post('/assessment/snapshots', 'a-auditor', { period: '2026-10' })).status).toBe(403);
    expect((await post('/assessment/snapshots', 'a-cc', { period: 'October' })).status).toBe(400);

    const v1 = await post('/assessment/snapshots', 'a-cc', { period: '2026-10' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ period: '2026-10', version: 1, publishedBy: 'a-cc', cases: 7, units: 11, asOf: new Date(AS_OF).toISOString() });
    const v2 = await post('/assessment/snapshots', 'a-admin', { period: '2026-10' });
    expect(v2.body.version).toBe(2);

    const ranked = await get('/assessment/rankings?period=2026-10&level=STREET', 'a-cc');
    expect(ranked.body).toMatchObject({ source: 'SNAPSHOT', version: 2, publishedAt: v2.body.publishedAt });
    expect(ranked.body.items.map((i: { unitId: string }) => i.unitId)).toEqual([S2, S1]);
    expect((await get('/assessment/rankings?period=2026-10&level=STREET&source=live', 'a-cc')).body.source).toBe('LIVE');
    const csv = await get('/assessment/export.csv?period=2026-10&level=STREET', 'a-cc');
    expect(csv.headers['x-assessment-source']).toBe('snapshot v2');
    const v1Row = await db.assessmentSnapshot.findUnique({ where: { period_version: { period: '2026-10', version: 1 } } });
    expect(v1Row?.publishedAt.toISOString()).toBe(v1.body.publishedAt);
  });

  it('a retried publish with the same Idempotency-Key returns the first version', async () => {
    const a = await post('/assessment/snapshots', 'a-cc', { period: '2026-09' }, { 'Idempotency-Key': 'k-42' });
    const b = await post('/assessment/snapshots', 'a-cc', { period: '2026-09' }, { 'Idempotency-Key': 'k-42' });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body.version).toBe(a.body.version);
  });
});

describe('scoring a department call', () => {
  const path = `/cases/${CODES.H}/calls/CALL-4/score`;

  it('the calling street scores the department once', async () => {
    const bad = await post(path, 'a-s2', { cooperation: 6, professionalism: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.cooperation', 'body.professionalism']);
    const missing = await post(path, 'a-s2', { cooperation: 4 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ path: 'body.professionalism' })]);
    const ok = await post(path, 'a-s2', { cooperation: 4, professionalism: 5, comment: '到场及时' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ caseCode: CODES.H, callId: 'CALL-4', direction: 'STREET_TO_DEPT', fromUnitId: S2, toUnitId: HB, cooperation: 4, professionalism: 5, accurate: null, comment: '到场及时', scoredBy: 'a-s2' });
    const twice = await post(path, 'a-s2', { cooperation: 1, professionalism: 1 });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ALREADY_SCORED');
  });

  it('the called department judges whether the call was its to answer', async () => {
    expect((await post(path, 'a-hb', { cooperation: 5, professionalism: 5 })).status).toBe(400);
    const ok = await post(path, 'a-hb', { accurate: true, comment: '属于本部门职责' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ direction: 'DEPT_TO_STREET', fromUnitId: HB, toUnitId: S2, accurate: true });
  });

  it('nobody else scores, and only calls the case recorded can be scored', async () => {
    expect((await post(path, 'a-s1', { cooperation: 3, professionalism: 3 })).status).toBe(403);
    expect((await post(path, 'a-cg', { accurate: false })).status).toBe(403);
    expect((await post(path, 'a-cc', { cooperation: 3, professionalism: 3 })).status).toBe(403);
    expect((await post(`/cases/${CODES.H}/calls/CALL-99/score`, 'a-s2', { cooperation: 3, professionalism: 3 })).status).toBe(404);
    expect((await post(`/cases/${CODES.A}/calls/CALL-4/score`, 'a-s2', { cooperation: 3, professionalism: 3 })).status).toBe(404);
    expect((await post('/cases/not-a-code/calls/CALL-4/score', 'a-s2', { cooperation: 3, professionalism: 3 })).status).toBe(400);
  });

  it('the new scores count in live figures', async () => {
    const live = await get(`/assessment/units/${HB}/scorecard?period=2026-10&trend=0&source=live`, 'a-hb');
    expect(live.body.figures).toMatchObject({ cooperation: { count: 1, mean: 4 }, professionalism: { count: 1, mean: 5 } });
    const street = await get(`/assessment/units/${S2}/scorecard?period=2026-10&trend=0&source=live`, 'a-s2');
    expect(street.body.figures.callAccuracy).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });
});
