// Open311 GeoReport v2 end to end: a civic app files a case through POST /requests (the
// system's own intake, a real workflow on the dev server), follows it through GET /requests
// and GET /servicerequestupdates after a real escalation, and gets the spec's errors. Every
// response is read with a real XML parser or JSON.parse and checked against the spec's shapes.
import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createOpen311Router } from '../../api/open311';
import { issueClient, type IssuedClient } from '../../api/open311/clients';
import { workflowIdForCase } from '../../domain/caseCode';
import type { Actor } from '../../domain/types';
import { createDirectoryCache } from '../../features/directory/directory';
import { acceptCaseUpdate, respondCaseUpdate, whistleUpdate } from '../../workflows/messages';
import { FMS_UPDATES_XML, SPEC_POST_RESPONSE_XML, SPEC_REQUEST_FIELDS, SPEC_REQUESTS_XML, W3C_WITH_ZONE } from '../unit/fixtures/open311SpecExamples';
import { elementPaths, parseOpen311Xml } from '../unit/fixtures/open311Xml';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(180_000);

const GRID = 'GL-S01-C01-G01';
const GRID_WORKER: Actor = { personId: `p-grid-${GRID}`, role: 'GRID_WORKER', unitId: GRID };
const COMMUNITY_WORKER: Actor = { personId: 'p-comm-GL-S01-C01', role: 'COMMUNITY_WORKER', unitId: 'GL-S01-C01' };
const BASE = '/open311/v2';

let h: ApiHarness;
let app: Express;
let clientA: IssuedClient;
let clientB: IssuedClient;
let codeRe: RegExp;

beforeAll(async () => {
  h = await startHarness();
  const suffix = randomBytes(3).toString('hex');
  clientA = await issueClient(h.db, { id: `it-a-${suffix}`, name: '测试应用 A', unitId: 'GL' });
  clientB = await issueClient(h.db, { id: `it-b-${suffix}`, name: '测试应用 B', unitId: 'GL' });
  // As the lead mounts it: Open311 first, then the bearer-token API.
  app = express();
  app.use(
    BASE,
    createOpen311Router({ db: h.db, temporal: h.client, cfg: h.cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000) }),
  );
  app.use(h.app);
  codeRe = new RegExp(`^${h.cfg.CASE_CODE_PREFIX}-\\d{8}-\\d{6}$`);
});
afterAll(async () => {
  await h?.close();
});

const potholeForm = (apiKey: string) =>
  [
    `api_key=${encodeURIComponent(apiKey)}`,
    'jurisdiction_id=gulou.gov.cn',
    'service_code=JT-001',
    'lat=26.0741',
    'long=119.2861',
    `address_string=${encodeURIComponent('冶山路12号门口')}`,
    `first_name=${encodeURIComponent('小明')}`,
    `last_name=${encodeURIComponent('王')}`,
    'phone=13800001234',
    `email=${encodeURIComponent('wang@example.cn')}`,
    `description=${encodeURIComponent('路面塌陷一个大坑，电动车容易摔倒')}`,
    `media_url=${encodeURIComponent('https://img.example.cn/pothole.jpg')}`,
    'attribute[size]=LARGE',
    'attribute[depth_cm]=20',
    'account_id=acct-42',
    'device_id=dev-1',
  ].join('&');

const getJson = async (path: string) => {
  const res = await request(app).get(`${BASE}${path}`);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return { status: res.status, body: JSON.parse(res.text) as unknown, headers: res.headers };
};
const getXml = async (path: string) => {
  const res = await request(app).get(`${BASE}${path}`);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  return { status: res.status, text: res.text, ...parseOpen311Xml(res.text) };
};

type Req = Record<string, unknown>;

/** A JSON service request has every spec field, with the spec's types. */
function expectRequestShape(r: Req) {
  expect(Object.keys(r)).toEqual([...SPEC_REQUEST_FIELDS]);
  expect(r.service_request_id).toMatch(codeRe);
  expect(['open', 'closed']).toContain(r.status);
  expect(typeof r.status_notes).toBe('string');
  expect(r.requested_datetime).toMatch(W3C_WITH_ZONE);
  expect(r.updated_datetime).toMatch(W3C_WITH_ZONE);
  expect(String(r.requested_datetime)).toMatch(/\+08:00$/);
  if (r.expected_datetime !== null) expect(r.expected_datetime).toMatch(W3C_WITH_ZONE);
  for (const f of ['lat', 'long']) if (r[f] !== null) expect(typeof r[f]).toBe('number');
}

const update = (code: string, name: string, input: object) =>
  h.client.workflow.getHandle(workflowIdForCase(code)).executeUpdate(name === 'accept' ? acceptCaseUpdate : name === 'whistle' ? whistleUpdate : respondCaseUpdate, {
    args: [input as never],
  });

const codes: { pothole?: string; private?: string } = {};

describe('POST /requests → GET /requests/{id} → updates after a real escalation', () => {
  it('files a case through the intake (form-encoded, XML answer in the spec shape)', async () => {
    const res = await request(app).post(`${BASE}/requests.xml`).type('form').send(potholeForm(clientA.apiKey));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(elementPaths(res.text)).toEqual(elementPaths(SPEC_POST_RESPONSE_XML));
    const item = parseOpen311Xml(res.text).doc.request[0];
    expect(item.service_request_id).toMatch(codeRe);
    expect(item.service_notice).toBe('受理时限 10 分钟，处理时限 5 个工作日 / accepted within 10 minutes, handled within 5 working days');
    expect(item.account_id).toBe('acct-42');
    codes.pothole = item.service_request_id;

    // The case is the system's own: the projection carries the channel, the client and the reporter.
    const row = await eventually(() => h.db.case.findUnique({ where: { code: codes.pothole! } }), 15_000, 'projection');
    expect(row).toMatchObject({
      channel: 'OPEN311',
      clientAppId: clientA.id,
      categoryCode: 'JT-001',
      gridId: GRID,
      reporterName: '王小明',
      reporterPhone: '13800001234',
      reporterEmail: 'wang@example.cn',
      photoUrls: ['https://img.example.cn/pothole.jpg'],
      address: '冶山路12号门口',
      status: 'REPORTED',
      level: 'GRID',
    });
    expect(row.description).toBe(
      '路面塌陷一个大坑，电动车容易摔倒\n\n【补充信息 / Additional details】\n坑洼大小 / How big is the hole?: 大于1米 / over 1 m\n大约深度（厘米）/ Approximate depth (cm): 20',
    );
    const reported = await h.db.caseEvent.findFirst({ where: { caseCode: codes.pothole, type: 'REPORTED' } });
    expect(reported).toMatchObject({ actorId: clientA.reporterPersonId, actorRole: 'REPORTER' });
  });

  it('the filing client reads every field (JSON and XML agree)', async () => {
    const code = codes.pothole!;
    const json = await getJson(`/requests/${code}.json?api_key=${encodeURIComponent(clientA.apiKey)}`);
    expect(json.status).toBe(200);
    const list = json.body as Req[];
    expect(list).toHaveLength(1);
    expectRequestShape(list[0]);
    expect(list[0]).toMatchObject({
      service_request_id: code,
      status: 'open',
      status_notes: '已上报，待网格受理 / Reported; waiting for the grid to accept it',
      service_name: '道路坑洼破损',
      service_code: 'JT-001',
      description: expect.stringContaining('路面塌陷一个大坑'),
      agency_responsible: '冶山社区第一网格',
      service_notice: expect.stringContaining('处理时限 5 个工作日'),
      address: '冶山路12号门口',
      address_id: GRID,
      zipcode: null,
      lat: 26.0741,
      long: 119.2861,
      media_url: 'https://img.example.cn/pothole.jpg',
    });
    expect(list[0].expected_datetime).toMatch(W3C_WITH_ZONE);

    const xml = await getXml(`/requests/${code}.xml?api_key=${encodeURIComponent(clientA.apiKey)}`);
    expect(xml.root).toBe('service_requests');
    expect(elementPaths(xml.text)).toEqual(elementPaths(SPEC_REQUESTS_XML));
    const x = xml.doc.request[0];
    expect(Object.keys(x)).toEqual([...SPEC_REQUEST_FIELDS]);
    for (const f of SPEC_REQUEST_FIELDS) expect(x[f]).toBe(list[0][f] === null ? '' : String(list[0][f]));
  });

  it('without a key or with another client\'s key: the public fields only', async () => {
    const code = codes.pothole!;
    for (const q of ['', `?api_key=${encodeURIComponent(clientB.apiKey)}`]) {
      const { body } = await getJson(`/requests/${code}.json${q}`);
      const r = (body as Req[])[0];
      expectRequestShape(r);
      expect(r).toMatchObject({ service_request_id: code, status: 'open', service_code: 'JT-001', address_id: GRID, description: null, address: null, lat: null, long: null, media_url: null });
      expect(JSON.stringify(r)).not.toMatch(/王小明|13800001234|wang@example/);
    }
  });

  it('after accept and two whistles up the default ladder (grid → community → street), GET shows the street and the updates feed tells each step', async () => {
    const code = codes.pothole!;
    await update(code, 'accept', { actor: GRID_WORKER, note: '已到现场查看' });
    await update(code, 'whistle', { actor: GRID_WORKER, reason: '需要交通部门修复路面' });
    await update(code, 'whistle', { actor: COMMUNITY_WORKER, reason: '需要交通部门修复路面' });
    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.level === 'STREET', 15_000, 'STREET projection');

    const { body } = await getJson(`/requests/${code}.json`);
    expect((body as Req[])[0]).toMatchObject({ status: 'open', agency_responsible: '鼓东街道', status_notes: expect.stringMatching(/街道|street/) });

    const events = await h.db.caseEvent.findMany({ where: { caseCode: code, type: { in: ['ACCEPTED', 'ESCALATED'] } }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['ACCEPTED', 'ESCALATED', 'ESCALATED']);

    const feed = await getJson(`/servicerequestupdates.json?service_request_id=${code}&api_key=${encodeURIComponent(clientA.apiKey)}`);
    expect(feed.status).toBe(200);
    const updates = feed.body as Req[];
    expect(updates.map((u) => u.update_id)).toEqual(events.map((e) => `${code}-${e.seq}`));
    for (const u of updates) {
      expect(Object.keys(u)).toEqual(['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
      expect(u).toMatchObject({ service_request_id: code, status: 'open', media_url: '' });
      expect(u.updated_datetime).toMatch(W3C_WITH_ZONE);
    }
    expect(updates[0].description).toBe('冶山社区第一网格已受理 / Accepted by 冶山社区第一网格');
    expect(updates[1].description).toBe('吹哨上报，升级至社区（冶山社区） / Whistled up: escalated to the community (冶山社区)');
    expect(updates[2].description).toBe('吹哨上报，升级至街道（鼓东街道） / Whistled up: escalated to the street (鼓东街道)');

    // The same feed in XML, by date window (as FixMyStreet polls it), public view.
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const xml = await getXml(`/servicerequestupdates.xml?start_date=${encodeURIComponent(from)}&end_date=${encodeURIComponent(to)}`);
    expect(xml.status).toBe(200);
    expect(xml.root).toBe('service_request_updates');
    const mine = (xml.doc.request_update as Req[]).filter((u) => u.service_request_id === code);
    expect(mine.map((u) => u.update_id)).toEqual(updates.map((u) => u.update_id));
    expect(elementPaths(xml.text)).toEqual(expect.arrayContaining(elementPaths(FMS_UPDATES_XML)));
  });
});

describe('an automatic escalation', () => {
  it('a lapsed accept window escalates the case by itself, level by level (grid → community → street), and the feed says so', async () => {
    // Policy is frozen at intake from the router's configuration: a 6-second accept window.
    const cfg = { ...h.cfg, ACCEPT_MINUTES: 0.1 };
    const fast = express();
    fast.use(BASE, createOpen311Router({ db: h.db, temporal: h.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000) }));
    const res = await request(fast)
      .post(`${BASE}/requests.xml`)
      .type('form')
      .send(`api_key=${encodeURIComponent(clientA.apiKey)}&service_code=CG-001&address_id=${GRID}&description=${encodeURIComponent('门口车辆违停')}`);
    expect(res.status).toBe(200);
    const { doc } = parseOpen311Xml(res.text);
    const code = String(doc.request[0].service_request_id);
    expect(doc.request[0].service_notice).toMatch(/^受理时限 6 秒，处理时限 1 个工作日 \/ accepted within 6 seconds,/);

    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.level === 'STREET', 30_000, 'escalation to STREET (through the community)');
    // The street accepts before its own 6 seconds run out, so the ladder stops here.
    await update(code, 'accept', { actor: { personId: 'p-street-GL-S01', role: 'STREET_DISPATCHER', unitId: 'GL-S01' } });
    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.status === 'ACCEPTED', 15_000, 'ACCEPTED projection');
    const feed = await getXml(`/servicerequestupdates.xml?service_request_id=${code}`);
    const updates = feed.doc.request_update as Req[];
    expect(updates.map((u) => u.description)).toEqual([
      '超时未办，自动升级，升级至社区（冶山社区） / A deadline was missed: escalated to the community (冶山社区)',
      '超时未办，自动升级，升级至街道（鼓东街道） / A deadline was missed: escalated to the street (鼓东街道)',
      '鼓东街道已受理 / Accepted by 鼓东街道',
    ]);
    const { body } = await getJson(`/requests/${code}.json`);
    expect((body as Req[])[0]).toMatchObject({ agency_responsible: '鼓东街道', status: 'open' });
  });
});

describe('a private matter answered with guidance', () => {
  it('is closed, seen only by its client, with the guidance in its updates', async () => {
    const res = await request(app)
      .post(`${BASE}/requests.json`)
      .send({ api_key: clientA.apiKey, service_code: 'GR-001', address_id: GRID, description: '想咨询居住证怎么办理', first_name: 'Li', last_name: 'Lei' });
    expect(res.status).toBe(200);
    const [created] = JSON.parse(res.text) as Req[];
    expect(Object.keys(created)).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(created.account_id).toBeNull();
    const code = String(created.service_request_id);
    codes.private = code;

    await update(code, 'accept', { actor: GRID_WORKER });
    await update(code, 'respond', { actor: GRID_WORKER, decision: 'GUIDANCE', guidance: '请携带身份证到辖区派出所户籍窗口办理' });
    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.status === 'CLOSED', 15_000, 'CLOSED projection');

    const owner = await getJson(`/requests/${code}.json?api_key=${encodeURIComponent(clientA.apiKey)}`);
    expect((owner.body as Req[])[0]).toMatchObject({ status: 'closed', expected_datetime: null, status_notes: expect.stringMatching(/^个人事务/) });
    expect((await getJson(`/requests/${code}.json`)).status).toBe(404);
    expect((await getXml(`/requests/${code}.xml?api_key=${encodeURIComponent(clientB.apiKey)}`)).status).toBe(404);

    const feed = (await getJson(`/servicerequestupdates.json?service_request_id=${code}&api_key=${encodeURIComponent(clientA.apiKey)}`)).body as Req[];
    expect(feed.map((u) => [u.status, u.description])).toEqual([
      ['open', '冶山社区第一网格已受理 / Accepted by 冶山社区第一网格'],
      ['closed', '个人事务，已答复引导 / A private matter: answered with guidance: 请携带身份证到辖区派出所户籍窗口办理'],
    ]);
    expect((await getJson(`/servicerequestupdates.json?service_request_id=${code}`)).body).toEqual([]);
  });
});

describe('a request read before its projection is written', () => {
  it('answers from the started workflow\'s input (open, at its start level)', async () => {
    // A task queue no worker polls: the workflow starts but never writes its projection.
    const cfg = { ...h.cfg, TEMPORAL_TASK_QUEUE: `open311-idle-${randomBytes(4).toString('hex')}` };
    const idle = express();
    idle.use(BASE, createOpen311Router({ db: h.db, temporal: h.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000) }));
    const res = await request(idle).post(`${BASE}/requests.json`).type('form').send(potholeForm(clientA.apiKey));
    expect(res.status).toBe(200);
    const code = String(JSON.parse(res.text)[0].service_request_id);
    try {
      expect(await h.db.case.findUnique({ where: { code } })).toBeNull();
      const owner = await request(idle).get(`${BASE}/requests/${code}.json?api_key=${encodeURIComponent(clientA.apiKey)}`);
      expect(owner.status).toBe(200);
      const [r] = JSON.parse(owner.text) as Req[];
      expectRequestShape(r);
      expect(r).toMatchObject({ service_request_id: code, status: 'open', agency_responsible: '冶山社区第一网格', address_id: GRID, lat: 26.0741, media_url: 'https://img.example.cn/pothole.jpg' });
      expect(r.expected_datetime).toMatch(W3C_WITH_ZONE);
      const anyone = JSON.parse((await request(idle).get(`${BASE}/requests/${code}.json`)).text) as Req[];
      expect(anyone[0]).toMatchObject({ service_request_id: code, description: null, lat: null });
    } finally {
      await h.client.workflow.getHandle(workflowIdForCase(code)).terminate('test done').catch(() => undefined);
    }
  });
});

describe('GET /requests filters', () => {
  it('service_request_id (comma-separated) overrides the rest; visibility applies', async () => {
    const ids = `${codes.pothole},${codes.private}`;
    const owner = (await getJson(`/requests.json?service_request_id=${ids}&status=closed&api_key=${encodeURIComponent(clientA.apiKey)}`)).body as Req[];
    expect(owner.map((r) => r.service_request_id).sort()).toEqual([codes.pothole, codes.private].sort());
    owner.forEach(expectRequestShape);
    const anyone = (await getJson(`/requests.json?service_request_id=${ids}`)).body as Req[];
    expect(anyone.map((r) => r.service_request_id)).toEqual([codes.pothole]);
  });

  it('service_code, status and the date window', async () => {
    const pick = (list: Req[]) => list.map((r) => r.service_request_id).filter((c) => c === codes.pothole);
    const open = await getXml('/requests.xml?service_code=JT-001,JT-002&status=open');
    expect(open.status).toBe(200);
    expect(pick(open.doc.request ?? [])).toEqual([codes.pothole]);
    expect(pick((await getJson('/requests.json?service_code=JT-001&status=closed')).body as Req[])).toEqual([]);
    expect(pick((await getJson('/requests.json?service_code=CG-001')).body as Req[])).toEqual([]);
    const day = new Date(Date.now() - 86_400_000).toISOString();
    expect(pick((await getJson(`/requests.json?start_date=${encodeURIComponent(day)}`)).body as Req[])).toEqual([codes.pothole]);
    expect(pick((await getJson(`/requests.json?end_date=${encodeURIComponent(day)}`)).body as Req[])).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it('the same key and body give the same request; another body with it is refused', async () => {
    const key = `it-${randomBytes(6).toString('hex')}`;
    const send = (form: string) => request(app).post(`${BASE}/requests.json`).set('Idempotency-Key', key).type('form').send(form);
    const first = await send(potholeForm(clientA.apiKey));
    const again = await send(potholeForm(clientA.apiKey));
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(JSON.parse(again.text)[0].service_request_id).toBe(JSON.parse(first.text)[0].service_request_id);
    const other = await send(potholeForm(clientA.apiKey).replace('attribute[depth_cm]=20', 'attribute[depth_cm]=35'));
    expect(other.status).toBe(400);
    expect(JSON.parse(other.text)[0].code).toBe(409);
    // Another client's identical key is its own.
    const b = await request(app).post(`${BASE}/requests.json`).set('Idempotency-Key', key).type('form').send(potholeForm(clientB.apiKey));
    expect(b.status).toBe(200);
    expect(JSON.parse(b.text)[0].service_request_id).not.toBe(JSON.parse(first.text)[0].service_request_id);
  });
});

describe('errors in the spec format, in both formats', () => {
  const errorsOf = (res: request.Response, format: 'xml' | 'json') => {
    if (format === 'json') return JSON.parse(res.text) as Array<{ code: number; description: string }>;
    const { root, doc } = parseOpen311Xml(res.text);
    expect(root).toBe('errors');
    return (doc.error as Array<{ code: string; description: string }>).map((e) => ({ code: Number(e.code), description: e.description }));
  };

  it.each(['xml', 'json'] as const)('bad api_key → 403, unknown service or request → 404, no location → 400 (%s)', async (format) => {
    const post = (form: string) => request(app).post(`${BASE}/requests.${format}`).type('form').send(form);

    const badKey = await post('api_key=not-a-key&service_code=JT-001&lat=26.0741&long=119.2861&attribute[size]=SMALL');
    expect(badKey.status).toBe(403);
    expect(errorsOf(badKey, format)).toEqual([{ code: 403, description: 'Invalid api_key received' }]);

    const unknownService = await post(`api_key=${encodeURIComponent(clientA.apiKey)}&service_code=ZZ-404&lat=26.0741&long=119.2861`);
    expect(unknownService.status).toBe(404);
    expect(errorsOf(unknownService, format)[0]).toEqual({ code: 404, description: 'service_code ZZ-404 was not found' });

    const unknownRequest = await request(app).get(`${BASE}/requests/${h.cfg.CASE_CODE_PREFIX}-20200101-999999.${format}`);
    expect(unknownRequest.status).toBe(404);
    expect(errorsOf(unknownRequest, format)[0].code).toBe(404);

    const noLocation = await post(`api_key=${encodeURIComponent(clientA.apiKey)}&service_code=CG-001&description=x`);
    expect(noLocation.status).toBe(400);
    expect(errorsOf(noLocation, format)[0]).toEqual({ code: 400, description: 'A full location parameter must be submitted: lat and long, address_string or address_id' });

    const nowhere = await post(`api_key=${encodeURIComponent(clientA.apiKey)}&service_code=CG-001&lat=0&long=0`);
    expect(nowhere.status).toBe(400);
    expect(errorsOf(nowhere, format)[0].description).toBe('location: no grid matches this address or position');
  });

  it('the demo client of the seed works outside production', async () => {
    const res = await request(app).get(`${BASE}/requests.json?api_key=open311-demo-key-not-for-production&service_request_id=${codes.pothole}`);
    expect(res.status).toBe(200);
  });
});
