// Minimum necessary through the HTTP API: each role sees a case's reporter in full or masked
// (docs/PRIVACY.md), a reveal is logged where an auditor reads it, and refused to a department.
import request from 'supertest';
import { startHarness, eventually, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const STREET = 'GL-S01';
const DEPT = 'GL-D-CG';
const NAME = '张三丰';
const PHONE = '13812345678';

let h: ApiHarness;
const auth: Record<string, string> = {};
let atGrid = '';
let atStreet = '';

const get = (path: string, who: string) => request(h.app).get(path).set('Authorization', auth[who]);
const act = (code: string, path: string, who: string, body: object = {}) => request(h.app).post(`/cases/${code}/${path}`).set('Authorization', auth[who]).send(body);
const reveal = (code: string, who: string, body: object = {}) => act(code, 'reporter/reveal', who, body);

beforeAll(async () => {
  h = await startHarness();
  auth.reporter = await h.bearer('REPORTER');
  auth.grid = await h.bearer('GRID_WORKER', GRID);
  auth.community = await h.bearer('COMMUNITY_WORKER', 'GL-S01-C01');
  auth.street = await h.bearer('STREET_DISPATCHER', STREET);
  auth.otherStreet = await h.bearer('STREET_DISPATCHER', 'GL-S02');
  auth.officer = await h.bearer('DEPARTMENT_OFFICER', DEPT);
  auth.center = await h.bearer('COMMAND_CENTER');
  auth.deputy = await h.bearer('DEPUTY_LEADER');
  auth.auditor = await h.bearer('AUDITOR');
  const report = async () => {
    const res = await request(h.app)
      .post('/cases')
      .set('Authorization', auth.reporter)
      .send({ channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: GRID }, description: '占道经营', reporter: { name: NAME, phone: PHONE, email: 'zsf@example.cn' } });
    expect(res.status).toBe(201);
    return res.body.code as string;
  };
  atGrid = await report();
  atStreet = await report();
  // atStreet: whistled up to the street (the grid to its community, the community on), which calls the city-management department.
  expect((await act(atStreet, 'accept', 'grid')).status).toBe(200);
  expect((await act(atStreet, 'whistle', 'grid', { reason: '需要城管执法' })).status).toBe(200);
  const whistled = await act(atStreet, 'whistle', 'community', { reason: '需要城管执法' });
  expect(whistled.status).toBe(200);
  expect(whistled.body.level).toBe('STREET');
  if (whistled.body.status === 'REPORTED') expect((await act(atStreet, 'accept', 'street')).status).toBe(200);
  const called = await act(atStreet, 'calls', 'street', { calls: [{ departmentId: DEPT, reportBy: new Date(Date.now() + 2 * 3_600_000).toISOString(), place: '冶山路12号' }] });
  expect(called.status).toBe(200);
  await eventually(async () => (await h.db.case.findUnique({ where: { code: atGrid } })) !== null, 20_000, 'the first projection');
  await eventually(
    async () => (await h.db.caseEvent.count({ where: { caseCode: atStreet, type: 'DEPARTMENT_CALLED' } })) > 0 && (await h.db.case.findUnique({ where: { code: atStreet } }))?.level === 'STREET',
    20_000,
    'the call in the projection',
  );
});
afterAll(async () => {
  await h?.close();
});

const FULL = { reporterName: NAME, reporterPhone: PHONE, reporterEmail: 'zsf@example.cn', reporterView: 'FULL' };
const MASKED = { reporterName: '张**', reporterPhone: '138****5678', reporterEmail: 'z***@example.cn', reporterView: 'MASKED' };

describe('GET /cases/{code} and GET /cases show the reporter by role', () => {
  it.each([
    ['grid', 'atGrid', FULL],
    ['grid', 'atStreet', MASKED],
    ['street', 'atStreet', FULL],
    ['street', 'atGrid', MASKED],
    ['officer', 'atStreet', MASKED],
    ['center', 'atGrid', MASKED],
    ['deputy', 'atStreet', MASKED],
    ['auditor', 'atGrid', MASKED],
  ])('%s reading %s', async (who, which, expected) => {
    const code = which === 'atGrid' ? atGrid : atStreet;
    const one = await get(`/cases/${code}`, who);
    expect(one.status).toBe(200);
    expect(one.body.record).toMatchObject(expected);
    const list = await get('/cases?pageSize=100', who);
    expect(list.status).toBe(200);
    const row = list.body.items.find((i: { code: string }) => i.code === code);
    expect(row).toMatchObject(expected);
    // Nothing in either answer holds the number in full unless the view is FULL.
    if (expected.reporterView === 'MASKED') {
      expect(JSON.stringify(one.body)).not.toContain(PHONE);
      expect(JSON.stringify(row)).not.toContain(PHONE);
    }
  });

  it("the auditor's dossier and history carry the reporter masked, in the record and in every payload", async () => {
    const dossier = await get(`/cases/${atGrid}/dossier`, 'auditor');
    expect(dossier.status).toBe(200);
    expect(dossier.body.record.case).toMatchObject(MASKED);
    const history = await get(`/cases/${atGrid}/history`, 'auditor');
    expect(history.status).toBe(200);
    const payloadTexts: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const p = v as { metadata?: { encoding?: string }; data?: string };
        if (p.metadata?.encoding && typeof p.data === 'string') payloadTexts.push(Buffer.from(p.data, 'base64').toString('utf8'));
        else Object.values(v).forEach(walk);
      }
    };
    walk(history.body);
    const all = payloadTexts.join('\n');
    expect(all).toContain('138****5678');
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain(NAME);
    // The replay reads the original, unmasked history: still a clean replay.
    expect(dossier.body.replay.ok).toBe(true);
  });
});

describe('POST /cases/{code}/reporter/reveal', () => {
  it('shows the masked fields to the command center and logs who, when, which case and which fields', async () => {
    const res = await reveal(atGrid, 'center', { fields: ['phone'], purpose: '回访核实' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ code: atGrid, reporter: { phone: PHONE } });
    expect(res.body.reporter).not.toHaveProperty('name');

    const log = await get('/access-log?kind=PERSONAL_DATA_REVEALED&pageSize=100', 'auditor');
    expect(log.status).toBe(200);
    const entry = log.body.items.find((i: { detail?: { caseCode?: string } }) => i.detail?.caseCode === atGrid);
    expect(entry).toMatchObject({
      kind: 'PERSONAL_DATA_REVEALED',
      personId: 'p-cc-GL',
      detail: { caseCode: atGrid, fields: ['phone'], role: 'COMMAND_CENTER', unitId: 'GL', purpose: '回访核实' },
    });
    expect(Date.parse(entry.at)).toBeGreaterThan(0);
  });

  it('lets the grid reveal a case no longer at the grid', async () => {
    const res = await reveal(atStreet, 'grid');
    expect(res.status).toBe(200);
    expect(res.body.reporter).toEqual({ name: NAME, phone: PHONE, email: 'zsf@example.cn' });
  });

  it('refuses a department officer (403) and a deputy leader (403), logging nothing for them', async () => {
    const before = await h.db.accessLog.count({ where: { kind: 'PERSONAL_DATA_REVEALED' } });
    const officer = await reveal(atStreet, 'officer');
    expect(officer.status).toBe(403);
    expect(officer.body.error.message).toContain('DEPARTMENT_OFFICER');
    expect(JSON.stringify(officer.body)).not.toContain(PHONE);
    expect((await reveal(atGrid, 'deputy')).status).toBe(403);
    expect(await h.db.accessLog.count({ where: { kind: 'PERSONAL_DATA_REVEALED' } })).toBe(before);
  });

  it('answers 404 for a case outside the caller\'s scope and 400 for an unknown field', async () => {
    expect((await reveal(atGrid, 'otherStreet')).status).toBe(404);
    const bad = await reveal(atGrid, 'grid', { fields: ['address'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toMatch(/^body\.fields/);
  });
});

describe('GET /residents/data', () => {
  it("gives the command center the resident's cases in full, found by the number however it is written, and logs it without the number", async () => {
    const res = await get('/residents/data?phone=138-1234-5678', 'center');
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?resident-data-\d{4}-\d{2}-\d{2}\.json"?$/);
    const codes = res.body.cases.map((c: { code: string }) => c.code);
    expect(codes).toEqual(expect.arrayContaining([atGrid, atStreet]));
    const one = res.body.cases.find((c: { code: string }) => c.code === atGrid);
    expect(one.reporter).toEqual({ name: NAME, phone: PHONE, email: 'zsf@example.cn' });
    expect(one.events[0]).toMatchObject({ type: 'REPORTED' });

    const entry = await h.db.accessLog.findFirst({ where: { kind: 'RESIDENT_DATA_EXPORTED', personId: 'p-cc-GL' }, orderBy: { id: 'desc' } });
    expect(entry?.detail).toMatchObject({ cases: expect.arrayContaining([atGrid, atStreet]), phoneSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(entry?.detail)).not.toContain(PHONE);
  });

  it('refuses other roles (403) and a malformed number (400)', async () => {
    for (const who of ['grid', 'officer', 'auditor', 'deputy']) expect((await get(`/residents/data?phone=${PHONE}`, who)).status).toBe(403);
    const bad = await get('/residents/data?phone=call-me', 'center');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('query.phone');
  });
});
