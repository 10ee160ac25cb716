// The command center's send-down (派单) through the API (real PostgreSQL, Temporal dev server, a
// case worker): a case whistled up to the command center is sent down to its street with a reason
// (POST /cases/{code}/send-down), listed by GET /cases/{code}/actions; the body is checked at the
// edge (400), other roles are refused by role (403), and a case the command center no longer holds
// is refused by the case (409). The timing rules are the workflow tests'.
import request from 'supertest';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  community: ['COMMUNITY_WORKER', 'GL-S01-C01'],
  street: ['STREET_DISPATCHER', 'GL-S01'],
  cc: ['COMMAND_CENTER', 'GL'],
});
const { bearer, act, actionOf } = suite;


it('the command center sends a case it holds down to the street (派单); 400 on the body, 403 for other roles, 409 once it no longer holds it', async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '派单测试：需区级研判' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  // Up the default ladder to the command center: grid → community → street → command center.
  expect((await act(code, 'whistle', bearer.grid, { reason: '需社区协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.community, { reason: '需街道协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.street, { reason: '需区级研判' })).status).toBe(200);

  expect(await actionOf(code, bearer.cc, 'send-down')).toMatchObject({ allowed: true, path: '/cases/{code}/send-down' });
  const noReason = await act(code, 'send-down', bearer.cc, { level: 'STREET' });
  expect(noReason.status).toBe(400);
  expect(noReason.body.error.fields[0].path).toBe('body.reason');
  const tooHigh = await act(code, 'send-down', bearer.cc, { level: 'DEPUTY_LEADER', reason: '派单' });
  expect(tooHigh.status).toBe(400);
  expect(tooHigh.body.error.fields[0].path).toBe('body.level');
  const otherStreet = await act(code, 'send-down', bearer.cc, { level: 'STREET', unitId: 'GL-S02', reason: '派单' });
  expect(otherStreet.status).toBe(400);
  expect((await act(code, 'send-down', bearer.street, { level: 'STREET', reason: '派单' })).status).toBe(403);

  const sent = await act(code, 'send-down', bearer.cc, { level: 'STREET', reason: '属街道职责，请街道受理' });
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ level: 'STREET', status: 'REPORTED' });
  expect(sent.body.windows.map((w: { kind: string; level: string }) => [w.kind, w.level])).toEqual([['ACCEPT', 'STREET']]);
  // Held by the street now: the command center's send-down is refused by the case.
  expect((await act(code, 'send-down', bearer.cc, { level: 'GRID', reason: '再派' })).status).toBe(409);
  expect(await actionOf(code, bearer.cc, 'send-down')).toMatchObject({ allowed: false, reason: { status: 409 } });
  // The fact is in the case's log, by the command center, at the street.
  const events = await eventually(async () => {
    const res = await request(suite.h.app).get(`/cases/${code}/events`).set('Authorization', bearer.cc);
    const items = (res.body.items ?? []) as Array<{ type: string; level: string; unitId: string; data: { reason?: string } }>;
    return items.some((e) => e.type === 'SENT_DOWN') ? items : null;
  }, 20_000, 'the SENT_DOWN fact in the log');
  expect(events.find((e) => e.type === 'SENT_DOWN')).toMatchObject({ level: 'STREET', unitId: 'GL-S01', data: { reason: '属街道职责，请街道受理', from: 'COMMAND_CENTER', to: 'STREET' } });
  expect((await act(code, 'accept', bearer.street)).status).toBe(200);
});
