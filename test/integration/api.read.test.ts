// Reading: case lists (filters, pagination), one case (projection + live state), events,
// the directory endpoints, probes and docs. The database may hold other suites' cases, so
// list assertions are about this suite's cases and the shape of every returned row.
import request from 'supertest';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;
let auth: string;
const suiteStart = new Date(Date.now() - 1000).toISOString();
const codes: Record<'A' | 'B' | 'C' | 'D', string> = { A: '', B: '', C: '', D: '' };

const newCase = async (gridId: string, categoryCode: string, channel: string): Promise<string> => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', auth)
    .send({ channel, categoryCode, location: { gridId }, description: `列表测试 ${categoryCode} ${gridId}` });
  expect(res.status).toBe(201);
  return res.body.code;
};

beforeAll(async () => {
  h = await startHarness();
  auth = await h.bearer('COMMAND_CENTER');
  codes.A = await newCase('GL-S01-C01-G01', 'CG-008', 'HOTLINE');
  codes.B = await newCase('GL-S01-C01-G01', 'CG-009', 'RESIDENT_APP');
  codes.C = await newCase('GL-S02-C01-G02', 'CG-008', 'HOTLINE');
  codes.D = await newCase('GL-S02-C01-G02', 'CG-009', 'BUILDING_REP');
  await eventually(async () => (await h.db.case.count({ where: { code: { in: Object.values(codes) } } })) === 4, 20_000, 'four projections');
});
afterAll(async () => {
  await h?.close();
});

const list = (query: Record<string, string | number | boolean>) =>
  request(h.app)
    .get('/cases')
    .set('Authorization', auth)
    .query({ reportedFrom: suiteStart, pageSize: 100, ...query });

const mine = (items: Array<{ code: string }>) => items.map((i) => i.code).filter((c) => Object.values(codes).includes(c)).sort();

describe('GET /cases', () => {
  it('filters by grid, street, category + channel, status, overdue, report time', async () => {
    const byGrid = await list({ gridId: 'GL-S01-C01-G01' });
    expect(byGrid.status).toBe(200);
    expect(mine(byGrid.body.items)).toEqual([codes.A, codes.B].sort());
    expect(byGrid.body.items.every((i: { gridId: string }) => i.gridId === 'GL-S01-C01-G01')).toBe(true);

    const byStreet = await list({ streetId: 'GL-S02' });
    expect(mine(byStreet.body.items)).toEqual([codes.C, codes.D].sort());
    expect(byStreet.body.items.every((i: { streetId: string }) => i.streetId === 'GL-S02')).toBe(true);

    const byCategoryChannel = await list({ categoryCode: 'CG-009', channel: 'BUILDING_REP' });
    expect(mine(byCategoryChannel.body.items)).toEqual([codes.D]);

    expect(mine((await list({ status: 'REPORTED' })).body.items)).toEqual(Object.values(codes).sort());
    expect(mine((await list({ overdue: false })).body.items)).toEqual(Object.values(codes).sort());
    expect(mine((await list({ overdue: true })).body.items)).toEqual([]);
    expect(mine((await list({ reportedTo: suiteStart })).body.items)).toEqual([]);
  });

  it('follows status changes made by the workflow (accept → ACCEPTED)', async () => {
    const worker = await h.bearer('GRID_WORKER', 'GL-S01-C01-G01');
    expect((await request(h.app).post(`/cases/${codes.A}/accept`).set('Authorization', worker).send({})).status).toBe(200);
    await eventually(async () => (await h.db.case.findUnique({ where: { code: codes.A } }))?.status === 'ACCEPTED', 15_000, 'ACCEPTED projection');
    expect(mine((await list({ status: 'ACCEPTED' })).body.items)).toEqual([codes.A]);
  });

  it('paginates newest first with a total', async () => {
    const p1 = await list({ pageSize: 2, page: 1 });
    const p2 = await list({ pageSize: 2, page: 2 });
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ page: 1, pageSize: 2 });
    expect(p1.body.total).toBeGreaterThanOrEqual(4);
    expect(p2.body.total).toBe(p1.body.total);
    expect(p1.body).toMatchObject({ totalIsEstimate: false, hasMore: true });
    const last = await list({ pageSize: 2, page: Math.ceil(p1.body.total / 2) });
    expect(last.body).toMatchObject({ totalIsEstimate: false, hasMore: false });
    expect(p1.body.items).toHaveLength(2);
    const all = [...p1.body.items, ...p2.body.items];
    expect(new Set(all.map((i: { code: string }) => i.code)).size).toBe(all.length);
    const times = all.map((i: { reportedAt: string }) => Date.parse(i.reportedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const defaults = await request(h.app).get('/cases').set('Authorization', auth);
    expect(defaults.body).toMatchObject({ page: 1, pageSize: 20 });
  });

  it('rejects bad query parameters, listing each one', async () => {
    const res = await request(h.app)
      .get('/cases')
      .set('Authorization', auth)
      .query({ status: 'DONE', overdue: 'maybe', pageSize: 101, page: 0, reportedFrom: 'yesterday', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(
      ['query.colour', 'query.overdue', 'query.page', 'query.pageSize', 'query.reportedFrom', 'query.status'].sort(),
    );
  });
});

describe('GET /cases/:code and /events', () => {
  it('returns the projection and the live workflow state', async () => {
    const res = await request(h.app).get(`/cases/${codes.C}`).set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(codes.C);
    expect(res.body.record).toMatchObject({ code: codes.C, status: 'REPORTED', gridId: 'GL-S02-C01-G02', categoryCode: 'CG-008' });
    expect(res.body.live).toMatchObject({ code: codes.C, status: 'REPORTED', level: 'GRID', assignee: { unitId: 'GL-S02-C01-G02' } });
    expect(res.body.live.windows.map((w: { kind: string }) => w.kind)).toContain('ACCEPT');
    // The case's own ladder (its grid's community has a worker: the default ladder with it).
    expect(res.body.live.ladder).toEqual(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
  });

  it('returns the events in order', async () => {
    const res = await request(h.app).get(`/cases/${codes.A}/events`).set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(2);
    expect(res.body.items.map((e: { seq: number }) => e.seq)).toEqual(res.body.items.map((_: unknown, i: number) => i + 1));
    expect(res.body.items[0]).toMatchObject({ seq: 1, type: 'REPORTED' });
    expect(res.body.items.map((e: { type: string }) => e.type)).toContain('ACCEPTED');
  });

  it('404 for an unknown case, 400 for a malformed code', async () => {
    const unknown = `${h.cfg.CASE_CODE_PREFIX}-20200101-999999`;
    const missing = await request(h.app).get(`/cases/${unknown}`).set('Authorization', auth);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect((await request(h.app).get(`/cases/${unknown}/events`).set('Authorization', auth)).status).toBe(404);
    expect((await request(h.app).post(`/cases/${unknown}/accept`).set('Authorization', auth).send({})).status).toBe(404);
    const malformed = await request(h.app).get('/cases/not-a-code').set('Authorization', auth);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields[0].path).toBe('params.code');
  });
});

describe('directory, probes, docs', () => {
  it('GET /categories lists the catalog', async () => {
    const res = await request(h.app).get('/categories').set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body.items.find((c: { code: string }) => c.code === 'CG-001')).toMatchObject({ triage: 'BIG', completionDays: 1 });
  });

  it('GET /units filters by kind and parent', async () => {
    const grids = await request(h.app).get('/units').query({ kind: 'GRID' }).set('Authorization', auth);
    expect(grids.status).toBe(200);
    expect(grids.body.items.length).toBeGreaterThanOrEqual(12);
    expect(grids.body.items.every((u: { kind: string }) => u.kind === 'GRID')).toBe(true);
    const under = await request(h.app).get('/units').query({ parentId: 'GL-S01-C01' }).set('Authorization', auth);
    expect(under.body.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining(['GL-S01-C01-G01']));
    expect((await request(h.app).get('/units').query({ kind: 'PLANET' }).set('Authorization', auth)).status).toBe(400);
  });

  it('GET /me describes the caller', async () => {
    const res = await request(h.app).get('/me').set('Authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'COMMAND_CENTER', unitId: 'GL', unit: { kind: 'DISTRICT' }, via: 'jwt' });
  });

  it('health, readiness, OpenAPI and Swagger UI need no credentials', async () => {
    expect((await request(h.app).get('/health')).body).toEqual({ status: 'ok' });
    const ready = await request(h.app).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ database: { ok: true }, temporal: { ok: true } });
    const doc = await request(h.app).get('/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{code}', '/cases/{code}/accept', '/categories']));
    const ui = await request(h.app).get('/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });
});
