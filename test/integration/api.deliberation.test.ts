// The five-step deliberation (五步议事) through the API (real PostgreSQL, Temporal dev server, a case
// worker): POST /cases/{code}/deliberation is an action of the action table (GET
// /cases/{code}/actions lists it for the community), bodies are checked at the edge (400 by field),
// the case's rules answer 403/409, the case view shows the record and the facts are recorded.
import request from 'supertest';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const COMMUNITY = 'GL-S01-C01';

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  community: ['COMMUNITY_WORKER', COMMUNITY],
  street: ['STREET_DISPATCHER', 'GL-S01'],
});
const { bearer, act, actionOf } = suite;


it('a small matter sent down to the community: 说、问、议、办、评 through the API, checked at the edge and by the case, shown on the case', async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: GRID }, description: '小区车辆乱停乱放' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  expect((await act(code, 'accept', bearer.grid)).status).toBe(200);
  // 违章停车 is catalogued a big matter: sending it to the community corrects its kind, with a reason.
  const unfit = await act(code, 'respond', bearer.grid, { decision: 'COMMUNITY' });
  expect(unfit.status).toBe(400);
  expect(unfit.body.error.fields[0].path).toBe('body.triage');
  expect((await act(code, 'respond', bearer.grid, { decision: 'COMMUNITY', triage: 'SMALL', triageReason: '小区内部停车秩序，属社区公共事务' })).status).toBe(200);

  expect(await actionOf(code, bearer.community, 'deliberate')).toMatchObject({ allowed: true, path: '/cases/{code}/deliberation' });
  // The edge checks the form; the case checks the order and who acts.
  const bad = await act(code, 'deliberation', bearer.community, { step: 'VOTE', text: 'x' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('body.step');
  const noText = await act(code, 'deliberation', bearer.community, { step: 'SAY' });
  expect(noText.status).toBe(400);
  expect(noText.body.error.fields[0].path).toBe('body.text');
  const early = await act(code, 'deliberation', bearer.community, { step: 'ASK', text: '停车整治' });
  expect(early.status).toBe(409);
  expect((await act(code, 'deliberation', bearer.grid, { step: 'SAY', text: '停车乱象' })).status).toBe(403);
  expect((await act(code, 'deliberation', bearer.reporter, { step: 'SAY', text: '停车乱象' })).status).toBe(403);

  expect((await act(code, 'deliberation', bearer.community, { step: 'SAY', text: '小区车辆乱停乱放', source: '民情驿站' })).status).toBe(200);
  expect((await act(code, 'deliberation', bearer.community, { step: 'ASK', text: '小区停车秩序整治' })).status).toBe(200);
  const noParticipants = await act(code, 'deliberation', bearer.street, { step: 'DISCUSS', text: '安装起降杆', forum: 'OWNERS_COMMITTEE' });
  expect(noParticipants.status).toBe(400);
  expect(noParticipants.body.error.fields[0].path).toBe('body.participants');
  const discussed = await act(code, 'deliberation', bearer.street, {
    step: 'DISCUSS', text: '由物业出资安装起降杆', forum: 'OWNERS_COMMITTEE', participants: [{ name: '李经理', role: '物业经理', unit: '物业公司' }],
  });
  expect(discussed.status).toBe(200);
  expect((await act(code, 'deliberation', bearer.community, { step: 'DO', text: '起降杆已安装', stream: 'SMALL' })).status).toBe(200);
  const zeroVotes = await act(code, 'deliberation', bearer.community, { step: 'EVALUATE', votes: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }, cadres: ['王书记'] });
  expect(zeroVotes.status).toBe(400);
  const evaluated = await act(code, 'deliberation', bearer.community, { step: 'EVALUATE', votes: { satisfied: 9, basicallySatisfied: 2, dissatisfied: 1 }, cadres: ['王书记'] });
  expect(evaluated.status).toBe(200);
  expect(evaluated.body.deliberation).toMatchObject({ communityId: COMMUNITY, verdict: 'SATISFIED', completedAt: expect.any(Number) });

  const view = await request(suite.h.app).get(`/cases/${code}`).set('Authorization', bearer.community);
  expect(view.status).toBe(200);
  expect(view.body.live.deliberation.steps.map((s: { step: string }) => s.step)).toEqual(['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE']);
  const events = await eventually(async () => {
    const es = await suite.h.db.caseEvent.findMany({ where: { caseCode: code, type: 'DELIBERATION_STEP' }, orderBy: { seq: 'asc' } });
    return es.length === 5 ? es : null;
  }, 20_000, 'the five deliberation facts');
  expect(events.map((e) => e.unitId)).toEqual(Array(5).fill(COMMUNITY));
});
