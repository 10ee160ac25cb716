// Administration against the real app, database, Temporal and a case worker: units, people,
// the catalog, the calendar, the change log. Everything it changes lives in two districts of
// its own (AD: "ours", XD: "another district") and its own category and calendar years
// (2098–2099), so suites running beside it on the shared database see nothing move.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { warnAboutCalendar } from '../../api/main';
import { signAccessToken } from '../../features/auth/auth';
import { createDirectoryCache } from '../../features/directory/directory';
import { runCalendarImport } from '../../scripts/calendarImport';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(180_000);

let h: ApiHarness;
const tag = `${process.pid.toString(36)}${Date.now().toString(36)}`.toUpperCase().replace(/[^A-Z0-9]/g, '');
const AD = `AD${tag}`;
const XD = `XD${tag}`;
const KW = `管理测试路${tag}`;
const CATEGORY = `T${tag.slice(-6)}-001`.replace(/^T(\d)/, 'TA$1');
const YEAR = 2098;
let admin: string; // ADMIN of AD
let otherAdmin: string; // ADMIN of XD
let auditor: string; // AUDITOR of GL (the seed)
let worker: string; // a GRID_WORKER (not an admin)
const createdPeople: string[] = [];

async function personToken(id: string, role: 'ADMIN' | 'AUDITOR', unitId: string): Promise<string> {
  await h.db.person.create({ data: { id, name: id, role, unitId } });
  createdPeople.push(id);
  return `Bearer ${await signAccessToken(h.cfg, { id, role, unitId, name: id })}`;
}

const as = (auth: string) => ({
  get: (url: string) => request(h.app).get(url).set('Authorization', auth),
  post: (url: string, body?: object) => request(h.app).post(url).set('Authorization', auth).send(body),
  patch: (url: string, body: object) => request(h.app).patch(url).set('Authorization', auth).send(body),
  put: (url: string, body: object) => request(h.app).put(url).set('Authorization', auth).send(body),
});
const paths = (res: request.Response): string[] => (res.body.error?.fields ?? []).map((f: { path: string }) => f.path);
const changesOf = (entityKind: string, entityId: string) =>
  h.db.adminChange.findMany({ where: { entityKind, entityId }, orderBy: { version: 'asc' } });

beforeAll(async () => {
  h = await startHarness();
  await h.db.orgUnit.createMany({
    data: [
      { id: AD, kind: 'DISTRICT', name: '测试区', parentId: null },
      { id: XD, kind: 'DISTRICT', name: '另一个区', parentId: null },
    ],
  });
  admin = await personToken(`p-admin-${AD}`, 'ADMIN', AD);
  otherAdmin = await personToken(`p-admin-${XD}`, 'ADMIN', XD);
  auditor = await h.bearer('AUDITOR');
  worker = await h.bearer('GRID_WORKER');
});

afterAll(async () => {
  if (h) {
    const units = await h.db.orgUnit.findMany({ where: { OR: [{ id: { startsWith: AD } }, { id: { startsWith: XD } }] }, select: { id: true } });
    const ids = units.map((u) => u.id);
    await h.db.session.deleteMany({ where: { person: { unitId: { in: ids } } } });
    await h.db.person.deleteMany({ where: { OR: [{ unitId: { in: ids } }, { id: { in: createdPeople } }] } });
    // Children first: the tree's foreign key.
    for (const depth of [4, 3, 2, 1, 0]) {
      const deeper = units.map((u) => u.id).filter((id) => id.split('-').length - 1 === depth);
      await h.db.orgUnit.deleteMany({ where: { id: { in: deeper } } }).catch(() => undefined);
    }
    await h.db.orgUnit.deleteMany({ where: { id: { in: ids } } }).catch(() => undefined);
    await h.db.matterCategory.deleteMany({ where: { code: CATEGORY } });
    await h.db.calendarDay.deleteMany({ where: { OR: [{ date: { startsWith: `${YEAR}-` } }, { date: { startsWith: `${YEAR + 1}-` } }] } });
    await h.close();
  }
});

describe('who may administer', () => {
  it('401 without credentials, 403 for a non-admin, auditors read the change log only', async () => {
    expect((await request(h.app).get('/admin/units')).status).toBe(401);
    expect((await request(h.app).post('/admin/units').send({})).status).toBe(401);
    for (const [method, url] of [['get', '/admin/units'], ['post', '/admin/units'], ['get', '/admin/people'], ['post', '/admin/categories'], ['get', '/admin/calendar'], ['put', `/admin/calendar/years/${YEAR}`], ['get', '/admin/changes']] as const) {
      const res = await as(worker)[method](url, {});
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
    }
    expect((await as(auditor).post('/admin/units', {})).status).toBe(403);
    expect((await as(auditor).get('/admin/units')).status).toBe(403);
    expect((await as(auditor).get('/admin/changes')).status).toBe(200);
  });
});

// The tree the organisation tests build: AD → S01 → C01 → G01 (the grid with cases), G02.
const street = () => `${AD}-S01`;
const community = () => `${AD}-S01-C01`;
const grid = () => `${AD}-S01-C01-G01`;

describe('organisation units', () => {
  it('creates a street, a community and grids with generated ids (version 1, change logged)', async () => {
    const s = await as(admin).post('/admin/units', { kind: 'STREET', name: '测试街道', parentId: AD });
    expect(s.status).toBe(201);
    expect(s.body).toMatchObject({ id: street(), kind: 'STREET', parentId: AD, active: true, version: 1 });
    const c = await as(admin).post('/admin/units', { kind: 'COMMUNITY', name: '测试社区', parentId: street(), households: 400 });
    expect(c.body).toMatchObject({ id: community(), version: 1 });
    const g = await as(admin).post('/admin/units', { kind: 'GRID', name: '测试网格一', parentId: community(), lat: 26.5, lng: 119.5, households: 200 });
    expect(g.status).toBe(201);
    expect(g.body.id).toBe(grid());
    const g2 = await as(admin).post('/admin/units', { id: `${AD}-GRID-X`, kind: 'GRID', name: '测试网格二', parentId: community() });
    expect(g2.body).toMatchObject({ id: `${AD}-GRID-X` });
    const rows = await changesOf('UNIT', grid());
    expect(rows).toEqual([
      expect.objectContaining({ action: 'CREATE', version: 1, actorId: `p-admin-${AD}`, districtId: AD, before: null, unitIds: [grid(), community()] }),
    ]);
    expect(rows[0].after).toMatchObject({ id: grid(), name: '测试网格一', lat: 26.5 });
    const one = await as(admin).get(`/admin/units/${grid()}`);
    expect(one.body).toMatchObject({ id: grid(), activeChildren: 0, activePeople: 0, openCases: 0 });
    const list = await as(admin).get(`/admin/units?parentId=${community()}&kind=GRID`);
    expect(list.body).toMatchObject({ total: 2, page: 1 });
  });

  it('400 lists every bad field; districts are not created through the API', async () => {
    const bad = await as(admin).post('/admin/units', { kind: 'GRID', name: '', parentId: community(), lat: 200, lng: 1, extra: 1, id: '-bad id' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(expect.arrayContaining(['body.name', 'body.lat', 'body.extra', 'body.id']));
    const district = await as(admin).post('/admin/units', { kind: 'DISTRICT', name: 'x', parentId: AD });
    expect(district.status).toBe(400);
    expect(paths(district)).toEqual(['body.kind']);
    const keywordsOnStreet = await as(admin).post('/admin/units', { kind: 'STREET', name: 'x', parentId: AD, addressKeywords: ['a'] });
    expect(paths(keywordsOnStreet)).toEqual(['body.addressKeywords']);
    const unknownParent = await as(admin).post('/admin/units', { kind: 'STREET', name: 'x', parentId: `${AD}-NOPE` });
    expect(paths(unknownParent)).toEqual(['body.parentId']);
  });

  it('409 for a wrong parent kind and a cycle; 404 unknown; 403 another district', async () => {
    const gridUnderStreet = await as(admin).post('/admin/units', { kind: 'GRID', name: 'x', parentId: street() });
    expect(gridUnderStreet.status).toBe(409);
    expect(gridUnderStreet.body.error).toMatchObject({ code: 'WRONG_PARENT_KIND', message: expect.stringMatching(/GRID must be under a COMMUNITY/) });
    const cycle = await as(admin).patch(`/admin/units/${street()}`, { parentId: grid() });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error).toMatchObject({ code: 'CYCLE', message: expect.stringContaining(`lies under ${street()}`) });
    expect((await as(admin).get(`/admin/units/${AD}-NOPE`)).status).toBe(404);
    expect((await as(admin).patch(`/admin/units/${AD}-NOPE`, { name: 'x' })).status).toBe(404);
    expect((await as(admin).post(`/admin/units/${AD}-NOPE/deactivate`)).status).toBe(404);
    // The other district's admin may neither read nor change ours, nor build under it.
    expect((await as(otherAdmin).get(`/admin/units/${grid()}`)).status).toBe(403);
    expect((await as(otherAdmin).patch(`/admin/units/${grid()}`, { name: 'x' })).status).toBe(403);
    expect((await as(otherAdmin).post(`/admin/units/${grid()}/deactivate`)).status).toBe(403);
    expect((await as(otherAdmin).post('/admin/units', { kind: 'STREET', name: 'x', parentId: AD })).status).toBe(403);
    expect((await as(otherAdmin).get('/admin/units')).body.items.map((u: { id: string }) => u.id)).toEqual([XD]);
    // … and we may not move ours under theirs.
    expect((await as(admin).patch(`/admin/units/${community()}`, { parentId: XD })).status).toBe(403);
    expect(await changesOf('UNIT', street())).toHaveLength(1);
  });

  it('rename: version 2 with before and after', async () => {
    const res = await as(admin).patch(`/admin/units/${grid()}`, { name: '测试网格甲' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '测试网格甲', version: 2 });
    const [, v2] = await changesOf('UNIT', grid());
    expect(v2).toMatchObject({ action: 'UPDATE', version: 2 });
    expect(v2.before).toMatchObject({ name: '测试网格一' });
    expect(v2.after).toMatchObject({ name: '测试网格甲' });
  });
});

describe('people', () => {
  it('create (role must fit the unit), read, 403 for another district, 404 unknown', async () => {
    const wrong = await as(admin).post('/admin/people', { name: '错位', role: 'GRID_WORKER', unitId: community() });
    expect(wrong.status).toBe(400);
    expect(paths(wrong)).toEqual(['body.role']);
    const bad = await as(admin).post('/admin/people', { name: '', role: 'NOPE', unitId: grid(), login: 'X' });
    expect(paths(bad)).toEqual(expect.arrayContaining(['body.name', 'body.role', 'body.login']));
    const p = await as(admin).post('/admin/people', { id: `p-${AD}-w1`, name: '网格员甲', role: 'GRID_WORKER', unitId: grid(), phone: '13900000001', login: `w1-${tag}`.toLowerCase() });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ id: `p-${AD}-w1`, role: 'GRID_WORKER', unitId: grid(), active: true, hasApiKey: false, version: 1 });
    expect(p.body.passwordHash).toBeUndefined();
    expect((await as(admin).get(`/admin/people/p-${AD}-w1`)).body).toMatchObject({ name: '网格员甲' });
    expect((await as(admin).get(`/admin/people?unitId=${grid()}`)).body.total).toBe(1);
    expect((await as(otherAdmin).get(`/admin/people/p-${AD}-w1`)).status).toBe(403);
    expect((await as(otherAdmin).post('/admin/people', { name: 'x', role: 'GRID_WORKER', unitId: grid() })).status).toBe(403);
    expect((await as(admin).get(`/admin/people/p-${AD}-nobody`)).status).toBe(404);
    expect((await as(admin).patch(`/admin/people/p-${AD}-nobody`, { name: 'x' })).status).toBe(404);
    const dup = await as(admin).post('/admin/people', { id: `p-${AD}-w1`, name: 'x', role: 'GRID_WORKER', unitId: grid() });
    expect(dup.status).toBe(409);
  });
});

describe('open cases protect running work', () => {
  let caseCode: string;

  it('an address keyword added by an admin routes the next report at once (the directory cache is dropped)', async () => {
    const report = { channel: 'HOTLINE', categoryCode: 'CG-001', location: { address: `${KW} 8 号` }, description: '占道停车', reporter: { name: '李' } };
    // Not routable yet (and the grid index is now cached).
    expect((await as(admin).post('/cases', report)).status).toBe(400);
    expect((await as(admin).patch(`/admin/units/${grid()}`, { addressKeywords: [KW] })).status).toBe(200);
    const res = await as(admin).post('/cases', report);
    expect(res.status).toBe(201);
    caseCode = res.body.code;
    await eventually(() => h.db.case.findUnique({ where: { code: caseCode } }), 20_000, 'the projection row');
  });

  it('409 deactivating or moving a unit with open cases, and its last grid worker; nothing changes', async () => {
    const versionsBefore = (await changesOf('UNIT', grid())).length;
    const off = await as(admin).post(`/admin/units/${grid()}/deactivate`);
    expect(off.status).toBe(409);
    expect(off.body.error).toMatchObject({ code: 'OPEN_CASES', message: expect.stringContaining(caseCode) });
    await as(admin).post('/admin/units', { kind: 'STREET', name: '测试街道二', parentId: AD });
    const realMove = await as(admin).patch(`/admin/units/${community()}`, { parentId: `${AD}-S02` });
    expect(realMove.status).toBe(409);
    expect(realMove.body.error.code).toBe('OPEN_CASES');
    const lastOff = await as(admin).post(`/admin/people/p-${AD}-w1/deactivate`);
    expect(lastOff.status).toBe(409);
    expect(lastOff.body.error).toMatchObject({ code: 'LAST_HOLDER_WITH_OPEN_CASES', message: expect.stringContaining(grid()) });
    const lastMove = await as(admin).patch(`/admin/people/p-${AD}-w1`, { unitId: `${AD}-GRID-X` });
    expect(lastMove.status).toBe(409);
    expect(lastMove.body.error.code).toBe('LAST_HOLDER_WITH_OPEN_CASES');
    expect(await h.db.orgUnit.findUnique({ where: { id: grid() } })).toMatchObject({ active: true });
    expect(await h.db.person.findUnique({ where: { id: `p-${AD}-w1` } })).toMatchObject({ active: true, unitId: grid() });
    expect(await changesOf('UNIT', grid())).toHaveLength(versionsBefore);
    expect((await changesOf('PERSON', `p-${AD}-w1`)).map((c) => c.action)).toEqual(['CREATE']);
  });

  it('with a successor in place the worker may go: the change names the person and the unit', async () => {
    expect((await as(admin).post('/admin/people', { id: `p-${AD}-w2`, name: '网格员乙', role: 'GRID_WORKER', unitId: grid() })).status).toBe(201);
    const off = await as(admin).post(`/admin/people/p-${AD}-w1/deactivate`);
    expect(off.status).toBe(200);
    const rows = await changesOf('PERSON', `p-${AD}-w1`);
    expect(rows.map((r) => [r.action, r.version])).toEqual([['CREATE', 1], ['DEACTIVATE', 2]]);
    expect(rows[1]).toMatchObject({ personIds: [`p-${AD}-w1`], unitIds: [grid()], districtId: AD });
    expect(rows[1].before).toMatchObject({ active: true });
    expect(rows[1].after).toMatchObject({ active: false });
    // A deactivated person is not edited any more.
    expect((await as(admin).patch(`/admin/people/p-${AD}-w1`, { name: 'x' })).status).toBe(409);
  });

  it('deactivating a unit: refused with active people or children, then done; routing forgets it', async () => {
    const spare = `${AD}-GRID-X`;
    await as(admin).post('/admin/people', { id: `p-${AD}-w3`, name: '网格员丙', role: 'GRID_WORKER', unitId: spare });
    const withPeople = await as(admin).post(`/admin/units/${spare}/deactivate`);
    expect(withPeople.body.error.code).toBe('ACTIVE_PEOPLE');
    expect((await as(admin).patch(`/admin/people/p-${AD}-w3`, { unitId: grid() })).body).toMatchObject({ unitId: grid(), version: 2 });
    const withChildren = await as(admin).post(`/admin/units/${community()}/deactivate`);
    expect(withChildren.status).toBe(409);
    const off = await as(admin).post(`/admin/units/${spare}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, version: 2 });
    expect((await as(admin).post(`/admin/units/${spare}/deactivate`)).body.error.code).toBe('ALREADY_INACTIVE');
    const listed = await as(admin).get(`/units?parentId=${community()}`);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual([grid()]);
    const report = await as(admin).post('/cases', { channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: spare }, description: 'x', reporter: { name: '李' } });
    expect(report.status).toBe(400);
  });

  it('a move without open cases: MOVE with both parents in unitIds', async () => {
    await as(admin).post('/admin/units', { kind: 'COMMUNITY', name: '空社区', parentId: street() });
    const res = await as(admin).patch(`/admin/units/${AD}-S01-C02`, { parentId: `${AD}-S02` });
    expect(res.status).toBe(200);
    const [, moved] = await changesOf('UNIT', `${AD}-S01-C02`);
    expect(moved).toMatchObject({ action: 'MOVE', unitIds: [`${AD}-S01-C02`, street(), `${AD}-S02`] });
    expect(moved.before).toMatchObject({ parentId: street() });
    expect(moved.after).toMatchObject({ parentId: `${AD}-S02` });
    // Nothing is built under a deactivated unit.
    expect((await as(admin).post(`/admin/units/${AD}-S01-C02/deactivate`)).status).toBe(200);
    const under = await as(admin).post('/admin/units', { kind: 'GRID', name: 'x', parentId: `${AD}-S01-C02` });
    expect(under.status).toBe(409);
    expect(under.body.error.code).toBe('PARENT_INACTIVE');
  });
});

describe('matter catalog', () => {
  const category = (over: Record<string, unknown> = {}) => ({
    code: CATEGORY,
    name: '管理测试事项',
    triage: 'BIG',
    completionDays: 3,
    windowOverrides: { acceptMinutes: 30 },
    departmentIds: ['GL-D-CG'],
    keywords: ['测试'],
    ...over,
  });

  it('400 with every field: completion outside 1–7, unknown window, bad attributes, not a department, on-site window when not urgent', async () => {
    const res = await as(admin).post('/admin/categories', category({ completionDays: 8, windowOverrides: { bogus: 1 }, attributes: [{ code: 'x', datatype: 'nope' }], triage: 'HUGE' }));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(expect.arrayContaining(['body.completionDays', 'body.windowOverrides.bogus', 'body.attributes.0.datatype', 'body.triage']));
    const zero = await as(admin).post('/admin/categories', category({ completionDays: 0, code: 'bad' }));
    expect(paths(zero)).toEqual(expect.arrayContaining(['body.completionDays', 'body.code']));
    const depts = await as(admin).post('/admin/categories', category({ departmentIds: ['GL-S01', 'GL-D-NOPE'] }));
    expect(depts.status).toBe(400);
    expect(paths(depts)).toEqual(['body.departmentIds.0', 'body.departmentIds.1']);
    const onSite = await as(admin).post('/admin/categories', category({ windowOverrides: { onSiteHours: 1 } }));
    expect(paths(onSite)).toEqual(['body.windowOverrides.onSiteHours']);
    expect(await h.db.matterCategory.findUnique({ where: { code: CATEGORY } })).toBeNull();
  });

  it('an edit refuses a completion window outside 1–7 working days (seed [004]) with a field error and changes nothing', async () => {
    const seeded = await h.db.matterCategory.findUniqueOrThrow({ where: { code: 'CG-001' } });
    for (const completionDays of [0, 8, 2.5, 30]) {
      const res = await as(admin).patch('/admin/categories/CG-001', { completionDays });
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([expect.objectContaining({ path: 'body.completionDays' })]);
    }
    expect(await h.db.matterCategory.findUniqueOrThrow({ where: { code: 'CG-001' } })).toEqual(seeded);
  });

  it('create, 409 twice, 404 unknown, 403 non-admin', async () => {
    const res = await as(admin).post('/admin/categories', category());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: CATEGORY, completionDays: 3, windowOverrides: { acceptMinutes: 30 }, active: true, version: 1 });
    expect((await as(admin).post('/admin/categories', category())).body.error.code).toBe('CODE_TAKEN');
    expect((await as(admin).patch('/admin/categories/ZZ-999', { name: 'x' })).status).toBe(404);
    expect((await as(admin).get('/admin/categories/ZZ-999')).status).toBe(404);
    expect((await as(worker).patch(`/admin/categories/${CATEGORY}`, { name: 'x' })).status).toBe(403);
    expect((await as(admin).get(`/admin/categories?q=${CATEGORY}`)).body.total).toBe(1);
  });

  it('an edit never moves a running case: it keeps its windows; the next case gets the new ones', async () => {
    const report = { channel: 'HOTLINE', categoryCode: CATEGORY, location: { gridId: grid() }, description: '测试事项', reporter: { name: '李' } };
    const first = await as(admin).post('/cases', report);
    expect(first.status).toBe(201);
    const acceptOf = (windows: Array<{ kind: string; startedAt: string; dueAt: string }>) => windows.find((w) => w.kind === 'ACCEPT')!;
    const a1 = acceptOf(first.body.windows);
    expect(Date.parse(a1.dueAt) - Date.parse(a1.startedAt)).toBe(30 * 60_000);

    const edit = await as(admin).patch(`/admin/categories/${CATEGORY}`, { windowOverrides: { acceptMinutes: 5 }, completionDays: 1 });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ version: 2, completionDays: 1 });

    const read = await as(admin).get(`/cases/${first.body.code}`);
    expect(read.status).toBe(200);
    // The live state holds epoch ms, the intake's answer ISO strings.
    expect(new Date(acceptOf(read.body.live.windows).dueAt).toISOString()).toBe(a1.dueAt);
    expect(read.body.live.windows.length).toBeGreaterThan(0);

    const second = await as(admin).post('/cases', report);
    const a2 = acceptOf(second.body.windows);
    expect(Date.parse(a2.dueAt) - Date.parse(a2.startedAt)).toBe(5 * 60_000);

    const [v1, v2] = await changesOf('CATEGORY', CATEGORY);
    expect(v1).toMatchObject({ action: 'CREATE', districtId: null, unitIds: ['GL-D-CG'] });
    expect(v2.before).toMatchObject({ windowOverrides: { acceptMinutes: 30 }, completionDays: 3 });
    expect(v2.after).toMatchObject({ windowOverrides: { acceptMinutes: 5 }, completionDays: 1 });
  });

  it('deactivate: no new cases of it, once only; a department it names is kept until then', async () => {
    const dept = await as(admin).post('/admin/units', { kind: 'DEPARTMENT', name: '测试局', parentId: AD });
    expect(dept.status).toBe(201);
    expect(dept.body.id).toMatch(new RegExp(`^${AD}-D-[0-9A-F]{6}$`));
    expect((await as(admin).patch(`/admin/categories/${CATEGORY}`, { departmentIds: ['GL-D-CG', dept.body.id] })).body.version).toBe(3);
    const named = await as(admin).post(`/admin/units/${dept.body.id}/deactivate`);
    expect(named.status).toBe(409);
    expect(named.body.error).toMatchObject({ code: 'DEPARTMENT_IN_CATALOG', message: expect.stringContaining(CATEGORY) });
    const off = await as(admin).post(`/admin/categories/${CATEGORY}/deactivate`);
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false, version: 4 });
    expect((await as(admin).post(`/admin/units/${dept.body.id}/deactivate`)).status).toBe(200);
    expect((await as(admin).post(`/admin/categories/${CATEGORY}/deactivate`)).body.error.code).toBe('ALREADY_INACTIVE');
    const categories = await as(admin).get('/categories');
    expect(categories.body.items.map((c: { code: string }) => c.code)).not.toContain(CATEGORY);
    const report = await as(admin).post('/cases', { channel: 'HOTLINE', categoryCode: CATEGORY, location: { gridId: grid() }, description: 'x', reporter: { name: '李' } });
    expect(report.status).toBe(400);
  });
});

describe('working calendar', () => {
  const doc = (year: number, days: Array<{ date: string; kind: string; name?: string }>, extra: object = {}) => ({ year, timeZone: 'Asia/Shanghai', days, ...extra });
  // 2098-01-01 is a Wednesday; 2098-01-04 a Saturday.
  const good = doc(YEAR, [
    { date: `${YEAR}-01-01`, kind: 'HOLIDAY', name: '元旦' },
    { date: `${YEAR}-01-04`, kind: 'WORKDAY', name: '调休上班' },
    { date: `${YEAR}-01-05`, kind: 'HOLIDAY', name: '周日' },
  ]);

  it('imports a year in one request; the answer counts it and notes the holiday on a weekend', async () => {
    const res = await as(admin).put(`/admin/calendar/years/${YEAR}`, good);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: YEAR, holidays: 2, workdays: 1, version: 1, notes: [expect.stringMatching(/2098-01-05.*weekend/)] });
    expect((await as(admin).get(`/admin/calendar/years/${YEAR}`)).body.days).toHaveLength(3);
    // Replacing the year: the rows are exactly the new document's.
    const again = await as(admin).put(`/admin/calendar/years/${YEAR}`, doc(YEAR, [{ date: `${YEAR}-01-01`, kind: 'HOLIDAY', name: '元旦' }]));
    expect(again.body).toMatchObject({ holidays: 1, workdays: 0, version: 2 });
    expect(await h.db.calendarDay.count({ where: { date: { startsWith: `${YEAR}-` } } })).toBe(1);
    const [, v2] = await changesOf('CALENDAR_YEAR', String(YEAR));
    expect((v2.before as { days: unknown[] }).days).toHaveLength(3);
    expect((v2.after as { days: unknown[] }).days).toHaveLength(1);
  });

  it('400 lists every inconsistency and writes nothing', async () => {
    const res = await as(admin).put(`/admin/calendar/years/${YEAR + 1}`, doc(YEAR + 1, [
      { date: `${YEAR + 1}-02-30`, kind: 'HOLIDAY' },
      { date: '20990101', kind: 'HOLIDAY' },
      { date: `${YEAR}-12-31`, kind: 'HOLIDAY' },
      { date: `${YEAR + 1}-05-01`, kind: 'HOLIDAY' },
      { date: `${YEAR + 1}-05-01`, kind: 'WORKDAY' },
      { date: `${YEAR + 1}-05-06`, kind: 'WORKDAY' },
      { date: `${YEAR + 1}-05-07`, kind: 'HOLIDAY' },
      { date: `${YEAR + 1}-05-07`, kind: 'HOLIDAY' },
    ], { timeZone: 'Europe/Paris' }));
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['body.timeZone', 'body.days.0.date', 'body.days.1.date', 'body.days.2.date', 'body.days.4.date', 'body.days.5.date', 'body.days.7.date']);
    expect(await h.db.calendarDay.count({ where: { date: { startsWith: `${YEAR + 1}-` } } })).toBe(0);
    expect(await changesOf('CALENDAR_YEAR', String(YEAR + 1))).toEqual([]);
    const shape = await as(admin).put(`/admin/calendar/years/${YEAR + 1}`, { year: YEAR + 1, days: [{ date: `${YEAR + 1}-01-01`, kind: 'DAY_OFF' }], extra: true });
    expect(paths(shape)).toEqual(expect.arrayContaining(['body.days.0.kind', 'body.extra']));
    const wrongYear = await as(admin).put(`/admin/calendar/years/${YEAR + 1}`, doc(YEAR, []));
    expect(paths(wrongYear)).toEqual(['body.year']);
    expect((await as(admin).put('/admin/calendar/years/1999', doc(1999, []))).status).toBe(400);
  });

  it('office hours: 400 when they overlap; a valid change is logged', async () => {
    const bad = await as(admin).put('/admin/calendar/office-hours', { officeHours: [['09:00', '12:00'], ['11:00', '13:00']] });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['body.officeHours']);
    // The seed's own hours: the shared database's calendar stays as other suites expect it.
    const ok = await as(admin).put('/admin/calendar/office-hours', { officeHours: [['09:00', '12:00'], ['13:30', '17:30']], workWeek: [5, 4, 3, 2, 1] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ officeHours: [['09:00', '12:00'], ['13:30', '17:30']], workWeek: [1, 2, 3, 4, 5] });
    const last = await h.db.adminChange.findFirst({ where: { entityKind: 'OFFICE_HOURS' }, orderBy: { id: 'desc' } });
    expect(last).toMatchObject({ actorId: `p-admin-${AD}`, action: 'UPDATE' });
  });

  it('the expiry warning: none on 31 October, from 1 November while next year is missing, gone after the CLI imports it', async () => {
    const appAt = (iso: string) =>
      createApp({ db: h.db, temporal: h.client, cfg: h.cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000), now: () => Date.parse(iso) });
    // Midnight in Shanghai (UTC+8) is 16:00 UTC the day before.
    const oct31 = appAt(`${YEAR}-10-30T16:00:00Z`);
    const nov1 = appAt(`${YEAR}-10-31T16:00:00Z`);
    const ready31 = await request(oct31).get('/ready');
    expect(ready31.status).toBe(200);
    expect(ready31.body.warnings).toEqual([]);
    expect((await request(oct31).get('/admin/calendar').set('Authorization', admin)).body.warning).toBeNull();

    const ready1 = await request(nov1).get('/ready');
    expect(ready1.status).toBe(200);
    expect(ready1.body.status).toBe('ready');
    expect(ready1.body.warnings).toEqual([expect.stringContaining(`no schedule for ${YEAR + 1}`)]);
    const status = await request(nov1).get('/admin/calendar').set('Authorization', admin);
    expect(status.body.warning).toMatch(new RegExp(`${YEAR + 1}`));
    expect(status.body.years).toEqual(expect.arrayContaining([{ year: YEAR, holidays: 1, workdays: 0 }]));
    const warn = jest.fn();
    const logged = await warnAboutCalendar(h.db, { warn } as unknown as pino.Logger, Date.parse(`${YEAR}-10-31T16:00:00Z`));
    expect(logged).toMatch(/no schedule/);
    expect(warn).toHaveBeenCalledWith(expect.anything(), expect.stringContaining(`working calendar: the working calendar has no schedule for ${YEAR + 1}`));

    // The CLI: a file with a problem is refused whole, then a good one is written.
    const dir = mkdtempSync(path.join(tmpdir(), 'calendar-'));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(doc(YEAR + 1, [{ date: `${YEAR + 1}-01-02`, kind: 'HOLIDAY' }, { date: `${YEAR + 1}-01-02`, kind: 'WORKDAY' }])));
    const refused = await runCalendarImport(h.db, ['bad.json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.lines.join('\n')).toMatch(/days\.1\.date: .*both a day off and a working day/);
    expect(await h.db.calendarDay.count({ where: { date: { startsWith: `${YEAR + 1}-` } } })).toBe(0);
    writeFileSync(path.join(dir, `${YEAR + 1}.json`), JSON.stringify(doc(YEAR + 1, [{ date: `${YEAR + 1}-01-01`, kind: 'HOLIDAY', name: '元旦' }])));
    const done = await runCalendarImport(h.db, [`${YEAR + 1}.json`, '--actor', `p-admin-${AD}`], { cwd: dir });
    expect(done).toMatchObject({ code: 0, result: { year: YEAR + 1, holidays: 1 } });
    expect((await changesOf('CALENDAR_YEAR', String(YEAR + 1)))[0]).toMatchObject({ action: 'IMPORT', actorId: `p-admin-${AD}`, version: 1 });
    expect((await runCalendarImport(h.db, [], { cwd: dir })).code).toBe(2);

    expect((await request(nov1).get('/ready')).body.warnings).toEqual([]);
    expect((await request(nov1).get('/admin/calendar').set('Authorization', admin)).body.warning).toBeNull();
  });
});

describe('GET /admin/changes', () => {
  it('filters by entity and time, newest first, paginated; each district sees its own and the system-wide rows', async () => {
    const res = await as(admin).get(`/admin/changes?entityKind=UNIT&entityId=${grid()}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { version: number }) => c.version)).toEqual([3, 2, 1]);
    expect(res.body.items[2]).toMatchObject({ action: 'CREATE', before: null, actorId: `p-admin-${AD}` });
    const paged = await as(admin).get(`/admin/changes?entityKind=UNIT&entityId=${grid()}&pageSize=1&page=2`);
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 1, items: [expect.objectContaining({ version: 2 })] });
    const future = await as(admin).get(`/admin/changes?entityId=${grid()}&from=2999-01-01T00:00:00Z`);
    expect(future.body.total).toBe(0);
    expect(paths(await as(admin).get('/admin/changes?entityKind=NOPE&pageSize=0'))).toEqual(['query.entityKind', 'query.pageSize']);
    expect(paths(await as(admin).get('/admin/changes?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'))).toEqual(['query.to']);
    // Another district sees none of ours; everyone sees the calendar's.
    expect((await as(otherAdmin).get(`/admin/changes?entityId=${grid()}`)).body.total).toBe(0);
    expect((await as(auditor).get(`/admin/changes?entityId=${grid()}`)).body.total).toBe(0);
    expect((await as(auditor).get(`/admin/changes?entityKind=CALENDAR_YEAR&entityId=${YEAR}`)).body.total).toBe(2);
  });
});
