// The HTTP plumbing of createApp with stub dependencies (no database, no Temporal):
// public routes, authentication, roles, body limits, error shape, rate limiting.
import type { Client } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { requestIdFrom } from '../../api/middleware/requestLogger';
import { loadConfig } from '../../config/env';
import { AuthError, type Authenticator, type Principal } from '../../features/auth/auth';
import type { Db } from '../../platform/db';
import type { DirectoryCache } from '../../features/directory/directory';

const PEOPLE: Record<string, Principal> = {
  auditor: { personId: 'p-a', role: 'AUDITOR', unitId: 'GL', name: 'A', via: 'jwt' },
  officer: { personId: 'p-o', role: 'DEPARTMENT_OFFICER', unitId: 'D1', name: 'O', via: 'jwt' },
  admin: { personId: 'p-ad', role: 'ADMIN', unitId: 'GL', name: 'Ad', via: 'apiKey' },
};

const stubAuth: Authenticator = {
  async authenticate({ authorization, apiKey }) {
    const who = authorization?.replace(/^Bearer /, '') ?? apiKey;
    const p = who ? PEOPLE[who] : undefined;
    if (!p) throw new AuthError('authentication required');
    return p;
  },
  clear() {},
};

const directory = {
  listCategories: async () => [],
} as unknown as DirectoryCache;

function app(overrides: Record<string, string> = {}) {
  const cfg = loadConfig({ API_BODY_LIMIT: '1kb', ...overrides });
  return createApp({
    db: {} as Db,
    temporal: {} as Client,
    cfg,
    logger: pino({ level: 'silent' }),
    directory,
    authenticator: stubAuth,
  });
}

describe('createApp (stub dependencies)', () => {
  const a = app();

  it('serves /health, /openapi.json and /docs without credentials', async () => {
    expect((await request(a).get('/health')).body).toEqual({ status: 'ok' });
    const doc = await request(a).get('/openapi.json');
    expect(doc.body.openapi).toBe('3.0.3');
    expect(doc.body.components.securitySchemes).toHaveProperty('bearerAuth');
    expect(doc.body.components.schemas).toHaveProperty('Error');
    expect(doc.body.paths['/cases/{code}/extensions/{requestId}/decision']).toHaveProperty('post');
    expect((await request(a).get('/docs/')).status).toBe(200);
    expect((await request(a).get('/docs/swagger-ui.css')).status).toBe(200);
  });

  it('every other route needs credentials: 401 in the common error shape', async () => {
    const res = await request(a).get('/categories');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'authentication required', requestId: res.headers['x-request-id'] } });
  });

  it('auditors may read and may not write', async () => {
    expect((await request(a).get('/categories').set('Authorization', 'Bearer auditor')).status).toBe(200);
    const res = await request(a).post('/cases/GL-20261122-000001/accept').set('Authorization', 'Bearer auditor').send({});
    expect(res.status).toBe(403);
  });

  it('POST /cases needs a reporting role', async () => {
    const res = await request(a).post('/cases').set('Authorization', 'Bearer officer').send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/DEPARTMENT_OFFICER may not report cases/);
  });

  it('validates before touching dependencies: every bad field, malformed code', async () => {
    const res = await request(a).post('/cases').set('X-Api-Key', 'admin').send({ channel: 'FAX', photoUrls: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(
      ['body.categoryCode', 'body.channel', 'body.description', 'body.location', 'body.photoUrls'].sort(),
    );
    const bad = await request(a).post('/cases/nope/accept').set('X-Api-Key', 'admin').send({});
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'params.code', message: expect.any(String) }]);
    expect((await request(a).get('/cases/nope').set('X-Api-Key', 'admin')).status).toBe(400);
  });

  it('413 for a body over API_BODY_LIMIT, 400 for malformed JSON, 415 for non-JSON', async () => {
    const big = await request(a).post('/cases').set('X-Api-Key', 'admin').set('Content-Type', 'application/json').send(JSON.stringify({ d: 'x'.repeat(2000) }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const bad = await request(a).post('/cases').set('X-Api-Key', 'admin').set('Content-Type', 'application/json').send('{"a":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('MALFORMED_JSON');
    const text = await request(a).post('/cases').set('X-Api-Key', 'admin').set('Content-Type', 'text/plain').send('hi');
    expect(text.status).toBe(415);
  });

  it('404 JSON for an unknown route; helmet headers; request id echoed', async () => {
    const res = await request(a).get('/nope').set('X-Api-Key', 'admin').set('X-Request-Id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.body.error.requestId).toBe('abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('429 once a person exceeds API_RATE_LIMIT_PER_MINUTE', async () => {
    const limited = app({ API_RATE_LIMIT_PER_MINUTE: '3' });
    for (let i = 0; i < 3; i++) expect((await request(limited).get('/categories').set('X-Api-Key', 'admin')).status).toBe(200);
    const res = await request(limited).get('/categories').set('X-Api-Key', 'admin');
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    // Another person still gets through.
    expect((await request(limited).get('/categories').set('Authorization', 'Bearer auditor')).status).toBe(200);
  });

  it('429 for repeated failed authentication from one address', async () => {
    const limited = app({ API_RATE_LIMIT_PER_MINUTE: '2' });
    expect((await request(limited).get('/me')).status).toBe(401);
    expect((await request(limited).get('/me')).status).toBe(401);
    expect((await request(limited).get('/me')).status).toBe(429);
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane id and replaces anything else with a UUID', () => {
    expect(requestIdFrom('abc-123_x.y')).toBe('abc-123_x.y');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    expect(requestIdFrom('with space')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(201))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
