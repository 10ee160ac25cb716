// The Open311 router over fake dependencies (no database, no Temporal): the catalog
// resources, the checks a POST must pass before intake, and every error in both formats.
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createOpen311Router } from '../../api/open311';
import type { ApiDeps } from '../../api/deps';
import { loadConfig } from '../../config/env';
import { hashApiKey } from '../../features/auth/auth';
import { SEED_CATEGORIES } from '../../prisma/seedData';
import { SPEC_DISCOVERY_XML, SPEC_SERVICE_DEFINITION_XML, SPEC_SERVICES_XML, W3C_WITH_ZONE } from './fixtures/open311SpecExamples';
import { elementPaths, parseOpen311Xml } from './fixtures/open311Xml';

const GOOD_KEY = 'good-key';
const categories = SEED_CATEGORIES.map((c) => ({ ...c, attributes: c.attributes ?? [], active: true }));
const reporter = { id: 'p-reporter-app', name: 'App', role: 'REPORTER', unitId: 'GL', active: true };

function app(clientActive = true) {
  const deps = {
    cfg: loadConfig({}),
    logger: pino({ level: 'silent' }),
    temporal: {},
    directory: {
      listCategories: async () => categories,
      getCategory: async (code: string) => categories.find((c) => c.code === code) ?? null,
    },
    db: {
      orgUnit: { findUnique: async () => ({ name: '鼓楼区' }) },
      open311Client: {
        findUnique: async ({ where }: { where: { apiKeyHash: string } }) =>
          where.apiKeyHash === hashApiKey(GOOD_KEY) ? { id: 'app-a', name: 'App A', active: clientActive, reporter } : null,
      },
    },
  } as unknown as ApiDeps;
  const a = express();
  a.use('/open311/v2', createOpen311Router(deps));
  return a;
}

const errorsOf = (res: request.Response, format: 'xml' | 'json'): Array<{ code: string | number; description: string }> => {
  if (format === 'json') {
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(res.text) as Array<{ code: number; description: string }>;
    for (const e of body) {
      expect(typeof e.code).toBe('number');
      expect(typeof e.description).toBe('string');
    }
    return body;
  }
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const { root, doc } = parseOpen311Xml(res.text);
  expect(root).toBe('errors');
  return doc.error;
};

describe('catalog resources', () => {
  it('GET /services in XML has the spec structure; in JSON a list with typed fields', async () => {
    const xml = await request(app()).get('/open311/v2/services.xml');
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(elementPaths(xml.text)).toEqual(elementPaths(SPEC_SERVICES_XML));
    const services = parseOpen311Xml(xml.text).doc.service;
    expect(services).toHaveLength(SEED_CATEGORIES.length);

    const json = await request(app()).get('/open311/v2/services.json');
    const list = JSON.parse(json.text) as Array<Record<string, unknown>>;
    const lift = list.find((s) => s.service_code === 'SC-002')!;
    expect(lift).toEqual({
      service_code: 'SC-002', service_name: '电梯困人', description: expect.any(String), metadata: true, type: 'realtime',
      keywords: '电梯,困人,电梯故障,关在电梯', group: '安全隐患',
    });
    expect(list.find((s) => s.service_code === 'CG-001')!.metadata).toBe(false);
    // Without a suffix: XML, the required format.
    expect((await request(app()).get('/open311/v2/services')).headers['content-type']).toBe('text/xml; charset=utf-8');
  });

  it('GET /services/{code} is the service definition; unknown codes are 404 in both formats', async () => {
    const xml = await request(app()).get('/open311/v2/services/JT-001.xml');
    expect(xml.status).toBe(200);
    expect(elementPaths(xml.text)).toEqual(elementPaths(SPEC_SERVICE_DEFINITION_XML));
    const json = JSON.parse((await request(app()).get('/open311/v2/services/JT-001.json')).text);
    expect(json.service_code).toBe('JT-001');
    expect(json.attributes[0]).toMatchObject({ variable: true, code: 'size', datatype: 'singlevaluelist', required: true, order: 1, datatype_description: null });
    expect(json.attributes[1]).toMatchObject({ code: 'depth_cm', datatype: 'number', required: false, order: 2 });
    expect(json.attributes[1].values).toBeUndefined();
    expect((await request(app()).get('/open311/v2/services/CG-001.json')).body).toEqual({ service_code: 'CG-001', attributes: [] });

    for (const format of ['xml', 'json'] as const) {
      const res = await request(app()).get(`/open311/v2/services/NOPE-1.${format}`);
      expect(res.status).toBe(404);
      expect(errorsOf(res, format)).toEqual([{ code: format === 'xml' ? '404' : 404, description: 'service_code NOPE-1 was not found' }]);
    }
  });

  it('GET /discovery in both formats', async () => {
    const xml = await request(app()).get('/open311/v2/discovery.xml');
    expect(elementPaths(xml.text)).toEqual(elementPaths(SPEC_DISCOVERY_XML));
    const json = JSON.parse((await request(app()).get('/open311/v2/discovery.json')).text);
    expect(json).toMatchObject({
      changeset: expect.stringMatching(W3C_WITH_ZONE),
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'test', formats: ['text/xml', 'application/json'] }],
    });
    expect(json.endpoints[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/open311\/v2$/);
  });
});

describe('POST /requests refusals, in the format asked for', () => {
  const post = (format: 'xml' | 'json', form: string) => request(app()).post(`/open311/v2/requests.${format}`).type('form').send(form);

  it.each(['xml', 'json'] as const)('no api_key or a wrong one: 403 (%s)', async (format) => {
    const missing = await post(format, 'service_code=CG-001&lat=26.074&long=119.286');
    expect(missing.status).toBe(403);
    expect(errorsOf(missing, format)[0].description).toMatch(/^Missing api_key/);
    const wrong = await post(format, 'api_key=nope&service_code=CG-001&lat=26.074&long=119.286');
    expect(wrong.status).toBe(403);
    expect(errorsOf(wrong, format)).toEqual([{ code: format === 'xml' ? '403' : 403, description: 'Invalid api_key received' }]);
  });

  it('a deactivated client is refused', async () => {
    const res = await request(app(false)).post('/open311/v2/requests.json').type('form').send(`api_key=${GOOD_KEY}&service_code=CG-001&lat=26&long=119`);
    expect(res.status).toBe(403);
    expect(res.body[0].description).toMatch(/deactivated/);
  });

  it.each(['xml', 'json'] as const)('unknown service: 404; no service_code: 400 (%s)', async (format) => {
    const unknown = await post(format, `api_key=${GOOD_KEY}&service_code=XX-999&lat=26.074&long=119.286`);
    expect(unknown.status).toBe(404);
    expect(errorsOf(unknown, format)[0].description).toBe('service_code XX-999 was not found');
    const none = await post(format, `api_key=${GOOD_KEY}&lat=26.074&long=119.286`);
    expect(none.status).toBe(400);
    expect(errorsOf(none, format)[0].description).toBe('service_code was not provided');
  });

  it.each(['xml', 'json'] as const)('no location: 400 (%s)', async (format) => {
    const res = await post(format, `api_key=${GOOD_KEY}&service_code=CG-001&description=x`);
    expect(res.status).toBe(400);
    expect(errorsOf(res, format)).toEqual([
      { code: format === 'xml' ? '400' : 400, description: 'A full location parameter must be submitted: lat and long, address_string or address_id' },
    ]);
  });

  it('every problem of a request is listed at once (attributes, contact, media, idempotency key)', async () => {
    const res = await request(app())
      .post('/open311/v2/requests.json')
      .set('Idempotency-Key', 'bad key with spaces')
      .type('form')
      .send(`api_key=${GOOD_KEY}&service_code=JT-001&lat=91&long=119.286&email=not-mail&phone=abc&media_url=ftp://x/y.jpg&attribute[depth_cm]=deep&attribute[colour]=red`);
    expect(res.status).toBe(400);
    const descriptions = (res.body as Array<{ description: string }>).map((e) => e.description);
    expect(descriptions).toEqual(expect.arrayContaining([
      'lat "91" is not a WGS84 latitude',
      'email: not an email address',
      'phone: not a phone number',
      'media_url must be an http(s) URL of at most 2048 characters',
      expect.stringMatching(/^Idempotency-Key header: /),
      'attribute[colour] is not defined for this service',
      'attribute[size] is required: 坑洼大小 / How big is the hole?',
      'attribute[depth_cm] must be a number',
    ]));
    expect(descriptions).toHaveLength(8);
  });

  it('a JSON body is read too, attribute keys flat or nested', async () => {
    const res = await request(app())
      .post('/open311/v2/requests.json')
      .send({ api_key: GOOD_KEY, service_code: 'JT-002', address_string: '冶山路', 'attribute[condition]': 'GONE', attribute: { where: ['SKY'] } });
    expect(res.status).toBe(400);
    expect(res.body.map((e: { description: string }) => e.description)).toEqual([
      'attribute[condition] must be one of MISSING, BROKEN, DISPLACED',
      'attribute[where]: SKY not among CARRIAGEWAY, SIDEWALK, NEAR_SCHOOL',
    ]);
  });

  it('malformed JSON is a 400 in the errors format', async () => {
    const res = await request(app()).post('/open311/v2/requests.json').set('Content-Type', 'application/json').send('{"api_key":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ code: 400, description: 'the request body is not valid JSON' }]);
  });
});

describe('other resources', () => {
  it.each(['xml', 'json'] as const)('GET /tokens/{token} is 404: the model is synchronous (%s)', async (format) => {
    const res = await request(app()).get(`/open311/v2/tokens/12345.${format}`);
    expect(res.status).toBe(404);
    expect(errorsOf(res, format)[0].description).toMatch(/^token 12345 was not found/);
  });

  it('unknown paths are 404 and unknown formats 400, in the errors format', async () => {
    const missing = await request(app()).get('/open311/v2/nothing.json');
    expect(missing.status).toBe(404);
    expect(errorsOf(missing, 'json')).toHaveLength(1);
    const csv = await request(app()).get('/open311/v2/services.csv');
    expect(csv.status).toBe(400);
    expect(errorsOf(csv, 'xml')[0].description).toMatch(/format "csv" is not supported/);
  });

  it('a wrong api_key on a read is refused too (403)', async () => {
    const res = await request(app()).get('/open311/v2/requests.json?api_key=wrong');
    expect(res.status).toBe(403);
  });

  it('GET /requests refuses bad statuses and windows wider than 90 days', async () => {
    const status = await request(app()).get('/open311/v2/requests.json?status=pending');
    expect(status.status).toBe(400);
    expect(status.body[0].description).toBe('status must be open or closed, not pending');
    const wide = await request(app()).get('/open311/v2/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z');
    expect(wide.status).toBe(400);
    expect(errorsOf(wide, 'xml')[0].description).toBe('start_date and end_date may not span more than 90 days');
    const bad = await request(app()).get('/open311/v2/servicerequestupdates.json?start_date=yesterday');
    expect(bad.status).toBe(400);
  });
});
