// Clock pause through the API (real PostgreSQL, Temporal dev server, a case worker): the three
// actions are routes of the action table (GET /cases/{code}/actions lists them with the pause they
// name), bodies are checked at the edge (400 by field), the case's rules answer 403/409, and the
// pause facts reach the case's event log.
import request from 'supertest';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  street: ['STREET_DISPATCHER', 'GL-S01'],
});
const { bearer, act, actionOf } = suite;


it('the grid asks to pause its completion clock, the street approves, the grid resumes; the facts are in the log', async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-006', location: { gridId: GRID }, description: '树木倒伏，住户不在家' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  expect((await act(code, 'accept', bearer.grid)).status).toBe(200);
  expect((await act(code, 'respond', bearer.grid, { decision: 'SELF' })).status).toBe(200);

  expect(await actionOf(code, bearer.grid, 'pause')).toMatchObject({ allowed: true, path: '/cases/{code}/pauses' });
  const bad = await act(code, 'pauses', bearer.grid, { reasonKind: 'BORED', reason: 'x' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('body.reasonKind');
  const accept = await act(code, 'pauses', bearer.grid, { windowKind: 'ACCEPT', reasonKind: 'OTHER', reason: 'x' });
  expect(accept.status).toBe(400);
  expect(accept.body.error.fields[0].path).toBe('body.windowKind');
  expect((await act(code, 'pauses', bearer.street, { reasonKind: 'OTHER', reason: 'x' })).status).toBe(403);

  const asked = await act(code, 'pauses', bearer.grid, { windowKind: 'COMPLETION', reasonKind: 'REPORTER_UNREACHABLE', reason: '住户不在家，无法入户' });
  expect(asked.status).toBe(200);
  const pauseId: string = asked.body.pauses[0].id;
  expect(asked.body.pauses[0]).toMatchObject({ status: 'PENDING', approverLevel: 'STREET', windowKind: 'COMPLETION' });
  expect((await act(code, 'pauses', bearer.grid, { reasonKind: 'OTHER', reason: 'again' })).status).toBe(409);

  expect(await actionOf(code, bearer.grid, 'pause-decision')).toMatchObject({ allowed: false, reason: { status: 403 } });
  expect(await actionOf(code, bearer.street, 'pause-decision')).toMatchObject({ allowed: true, params: { code, pauseId } });
  expect((await act(code, `pauses/${pauseId}/decision`, bearer.grid, { approve: true, reason: '自批' })).status).toBe(403);
  const approved = await act(code, `pauses/${pauseId}/decision`, bearer.street, { approve: true, reason: '属实' });
  expect(approved.status).toBe(200);
  expect(approved.body.windows.find((w: { kind: string }) => w.kind === 'COMPLETION').pausedAt).toEqual(expect.any(Number));

  expect(await actionOf(code, bearer.grid, 'pause-end')).toMatchObject({ allowed: true, params: { code, pauseId } });
  expect((await act(code, `pauses/${pauseId}/end`, bearer.street, {})).status).toBe(403);
  const ended = await act(code, `pauses/${pauseId}/end`, bearer.grid, { note: '已联系上住户' });
  expect(ended.status).toBe(200);
  expect(ended.body.pauses[0]).toMatchObject({ status: 'ENDED', endCause: 'RESUMED' });
  expect((await act(code, `pauses/${pauseId}/end`, bearer.grid, {})).status).toBe(409);

  const types = await eventually(async () => {
    const res = await request(suite.h.app).get(`/cases/${code}/events`).set('Authorization', bearer.grid);
    const t = (res.body.items as Array<{ type: string }>).map((e) => e.type).filter((x) => x.startsWith('PAUSE_'));
    return t.length === 3 ? t : null;
  }, 20_000, 'the pause facts in the log');
  expect(types).toEqual(['PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_ENDED']);
});
