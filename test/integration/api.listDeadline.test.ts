// GET /cases for the console's My work: assigneeUnitId (the cases a unit holds now) and
// sort=deadline (nearest open deadline first). The database may hold other suites' cases:
// assertions are about this suite's cases and their relative order.
import request from 'supertest';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
let h: ApiHarness;
let reporter: string;
let gridWorker: string;
const suiteStart = new Date(Date.now() - 1000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  reporter = await h.bearer('REPORTER');
  gridWorker = await h.bearer('GRID_WORKER', GRID);
});
afterAll(async () => {
  await h?.close();
});

const report = async (gridId: string): Promise<string> => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId }, description: '排序测试：垃圾堆积' });
  expect(res.status).toBe(201);
  return res.body.code;
};

it('sort=deadline puts the nearest deadline first; assigneeUnitId keeps the unit\'s cases', async () => {
  const first = await report(GRID);
  const second = await report(GRID);
  // Accepting the newer case replaces its 10-minute accept window by the longer response window.
  const accepted = await request(h.app).post(`/cases/${second}/accept`).set('Authorization', gridWorker).send({});
  expect(accepted.status).toBe(200);
  await eventually(async () => (await h.db.case.findUnique({ where: { code: second } }))?.status === 'ACCEPTED', 20_000, 'the accepted projection');

  const list = async (query: Record<string, string>) => {
    const res = await request(h.app).get('/cases').set('Authorization', gridWorker).query({ reportedFrom: suiteStart, pageSize: '100', ...query });
    expect(res.status).toBe(200);
    return (res.body.items as { code: string; assigneeUnitId: string | null }[]);
  };
  const mine = (items: { code: string }[]) => items.map((c) => c.code).filter((c) => c === first || c === second);

  expect(mine(await list({}))).toEqual([second, first]); // newest first, as before
  const byDeadline = await list({ sort: 'deadline', assigneeUnitId: GRID });
  expect(mine(byDeadline)).toEqual([first, second]);
  expect(byDeadline.every((c) => c.assigneeUnitId === GRID)).toBe(true);

  const bad = await request(h.app).get('/cases').set('Authorization', gridWorker).query({ sort: 'soonest' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('query.sort');
});
