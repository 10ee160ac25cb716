// Arrival on site and the hazard path through the API (real PostgreSQL, Temporal dev server, a
// case worker): POST /cases/{code}/site-steps is an action of the action table (GET
// /cases/{code}/actions lists it), bodies are checked at the edge (400 by field), the case's rules
// answer 403/409, and the steps reach the Case projection (siteArrivedAt, hazardSteps, hazardDueAt,
// hazardClearedAt) where an end-of-day sweep finds urgent cases whose hazard is not cleared.
import request from 'supertest';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const SHA = 'd'.repeat(64);

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  cc: ['COMMAND_CENTER', 'GL'],
});
const { bearer, act, actionOf } = suite;


it('a fallen tree (urgent): the grid arrives with a photo, then records 现场勘查, 方案确定, 人材机进场 and 消险; the projection shows the hazard cleared', async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-006', location: { gridId: GRID }, description: '树木倒伏压住车辆' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  expect((await act(code, 'accept', bearer.grid)).status).toBe(200);
  const responded = await act(code, 'respond', bearer.grid, { decision: 'SELF' });
  expect(responded.status).toBe(200);
  expect(responded.body.site).toMatchObject({ arrivedAt: null, steps: [], clearedAt: null });
  const hazardDueAt: number = responded.body.site.hazardDueAt;

  // Not cleared yet: the sweep's query finds it.
  await eventually(async () => {
    const row = await suite.h.db.case.findUnique({ where: { code } });
    return row?.hazardDueAt && row.hazardClearedAt === null && row.status === 'IN_PROGRESS' ? row : null;
  }, 20_000, 'the uncleared hazard in the projection');

  expect(await actionOf(code, bearer.grid, 'on-site')).toMatchObject({ allowed: true, path: '/cases/{code}/site-steps' });
  // The edge checks the form; the case checks the order and who acts.
  const bad = await act(code, 'site-steps', bearer.grid, { step: 'DONE' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('body.step');
  const badHash = await act(code, 'site-steps', bearer.grid, { step: 'ARRIVED', evidence: [{ kind: 'PHOTO', url: 'https://files.example/a.jpg', sha256: 'xyz' }] });
  expect(badHash.status).toBe(400);
  expect(badHash.body.error.fields[0].path).toBe('body.evidence.0.sha256');
  const early = await act(code, 'site-steps', bearer.grid, { step: 'SURVEYED' });
  expect(early.status).toBe(409);
  expect(early.body.error.message).toMatch(/arrival on site/);
  expect((await act(code, 'site-steps', bearer.cc, { step: 'ARRIVED' })).status).toBe(403);
  expect((await act(code, 'site-steps', bearer.reporter, { step: 'ARRIVED' })).status).toBe(403);

  const arrived = await act(code, 'site-steps', bearer.grid, { step: 'ARRIVED', note: '已到场', evidence: [{ kind: 'PHOTO', url: 'https://files.example/tree.jpg', sha256: SHA.toUpperCase() }] });
  expect(arrived.status).toBe(200);
  expect(arrived.body.site.steps[0]).toMatchObject({ step: 'ARRIVED', by: expect.any(String), evidence: [{ kind: 'PHOTO', url: 'https://files.example/tree.jpg', sha256: SHA }] });
  // The arrival met the on-site window: it is no longer open.
  expect(arrived.body.windows.map((w: { kind: string }) => w.kind)).not.toContain('ON_SITE');
  for (const step of ['SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']) {
    const res = await act(code, 'site-steps', bearer.grid, { step });
    expect([step, res.status]).toEqual([step, 200]);
  }
  expect((await act(code, 'site-steps', bearer.grid, { step: 'CLEARED' })).status).toBe(409);

  const row = await eventually(async () => {
    const r = await suite.h.db.case.findUnique({ where: { code } });
    return r?.hazardClearedAt ? r : null;
  }, 20_000, 'the cleared hazard in the projection');
  expect(row.hazardSteps).toEqual(['SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']);
  expect(row.siteArrivedAt).toBeInstanceOf(Date);
  expect(row.hazardDueAt!.getTime()).toBe(hazardDueAt);
  const events = await suite.h.db.caseEvent.findMany({ where: { caseCode: code, type: 'SITE_STEP' }, orderBy: { seq: 'asc' } });
  expect(events.map((e) => (e.data as { step: string }).step)).toEqual(['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']);
  expect(events[0].data).toMatchObject({ onSite: { onTime: true } });
  // Cleared within minutes of the report: inside the seed's two hours.
  expect(events[4].data).toMatchObject({ hazardDueAt, withinPromise: true });
});

it("a house hazard at the street (urgent): the called department's report (报到) carries a photo and meets the on-site window; its steps name its call", async () => {
  const street = await suite.h.bearer('STREET_DISPATCHER', 'GL-S01');
  const officer = await suite.h.bearer('DEPARTMENT_OFFICER', 'GL-D-CG');
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'ZJ-003', location: { gridId: GRID }, description: '外墙开裂，有坠落风险' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  // The intake answer shows what the case opened: the street's acceptance and on-site windows (an
  // urgent category) and a report window for each department called at intake.
  expect(created.body.windows.map((w: { kind: string; unitId: string }) => [w.kind, w.unitId])).toEqual([
    ['ACCEPT', 'GL-S01'],
    ['ON_SITE', 'GL-S01'],
    ['REPORT', 'GL-D-ZJ'],
    ['REPORT', 'GL-D-YJ'],
  ]);
  // A big matter at the street (大事政府快办): the category's departments (住建, 应急) were called at
  // intake and the acceptance is the street's first response; the street calls city management too.
  const accepted = await act(code, 'accept', street);
  expect(accepted.status).toBe(200);
  expect(accepted.body.status).toBe('IN_PROGRESS');
  expect(accepted.body.calls.map((c: { departmentId: string }) => c.departmentId)).toEqual(['GL-D-ZJ', 'GL-D-YJ']);
  const called = await act(code, 'calls', street, { calls: [{ departmentId: 'GL-D-CG', reportBy: new Date(Date.now() + 3_600_000).toISOString(), place: '虎踞北路4号' }] });
  expect(called.status).toBe(200);
  const callId: string = called.body.calls.find((c: { departmentId: string }) => c.departmentId === 'GL-D-CG').id;

  // Before its report the department records no step; its own arrival is the report, not a step.
  expect((await act(code, 'site-steps', officer, { callId, step: 'SURVEYED' })).status).toBe(409);
  const badReport = await act(code, `calls/${callId}/report`, officer, { evidence: [{ kind: 'PHOTO', url: 'ftp://files.example/x.jpg', sha256: SHA }] });
  expect(badReport.status).toBe(400);
  expect(badReport.body.error.fields[0].path).toBe('body.evidence.0.url');
  const reported = await act(code, `calls/${callId}/report`, officer, { evidence: [{ kind: 'PHOTO', url: 'https://files.example/house.jpg', sha256: SHA }] });
  expect(reported.status).toBe(200);
  expect(reported.body.windows.map((w: { kind: string }) => w.kind)).not.toContain('ON_SITE');
  expect(reported.body.calls.find((c: { id: string }) => c.id === callId).evidence).toEqual([expect.objectContaining({ kind: 'PHOTO', url: 'https://files.example/house.jpg', sha256: SHA })]);
  expect((await act(code, 'site-steps', officer, { callId, step: 'ARRIVED' })).status).toBe(409);
  expect(await actionOf(code, officer, 'on-site')).toMatchObject({ allowed: true, params: { code, callId } });
  const surveyed = await act(code, 'site-steps', officer, { callId, step: 'SURVEYED', note: '外墙空鼓' });
  expect(surveyed.status).toBe(200);
  expect(surveyed.body.site.steps.map((s: { step: string; callId: string }) => [s.step, s.callId])).toEqual([['SURVEYED', callId]]);
  const event = await eventually(async () => suite.h.db.caseEvent.findFirst({ where: { caseCode: code, type: 'DEPARTMENT_REPORTED' } }), 20_000, 'the report recorded');
  expect(event.data).toMatchObject({ callId, evidence: [{ kind: 'PHOTO', sha256: SHA }], onSite: { onTime: true } });
});
