// Role refusals of case actions and of the extension inbox come before any case is
// loaded: the stub dependencies below throw if they are touched.
import type { Client } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import { AuthError, type Authenticator, type Principal } from '../../features/auth/auth';
import type { Db } from '../../platform/db';
import type { DirectoryCache } from '../../features/directory/directory';

const person = (role: Role, unitId: string): Principal => ({ personId: `p-${role}`, role, unitId, name: role, via: 'jwt' });
const PEOPLE: Record<string, Principal> = {
  reporter: person('REPORTER', 'GL'),
  admin: person('ADMIN', 'GL'),
  officer: person('DEPARTMENT_OFFICER', 'GL-D-CG'),
  grid: person('GRID_WORKER', 'GL-S01-C01-G01'),
  street: person('STREET_DISPATCHER', 'GL-S01'),
  deputy: person('DEPUTY_LEADER', 'GL'),
};

const stubAuth: Authenticator = {
  async authenticate({ authorization }) {
    const p = PEOPLE[authorization?.replace(/^Bearer /, '') ?? ''];
    if (!p) throw new AuthError('authentication required');
    return p;
  },
  clear() {},
};

/** Any property access fails the test: nothing may be loaded before the role check. */
const untouchable = <T>(what: string): T =>
  new Proxy({}, { get: (_t, prop) => { throw new Error(`${what}.${String(prop)} touched`); } }) as T;

const build = (env: Record<string, string> = {}) =>
  createApp({
    db: untouchable<Db>('db'),
    temporal: untouchable<Client>('temporal'),
    cfg: loadConfig(env),
    logger: pino({ level: 'silent' }),
    directory: untouchable<DirectoryCache>('directory'),
    authenticator: stubAuth,
  });
const app = build();

const CODE = 'GL-20261122-000001';
const act = (who: string, path: string, body: object = {}) =>
  request(app).post(`/cases/${CODE}/${path}`).set('Authorization', `Bearer ${who}`).send(body);

describe('case actions: role refusals need no case', () => {
  it.each([
    ['reporter', 'accept', {}, /^REPORTER may not act on cases/],
    ['admin', 'whistle', { reason: 'x' }, /^ADMIN may not act on cases/],
    ['officer', 'accept', {}, /^DEPARTMENT_OFFICER may not accept cases: a department acts only on its own calls/],
    ['officer', 'evidence', { kind: 'PHOTO', url: 'https://e.example/1.jpg', sha256: 'a'.repeat(64) }, /name the call \(callId\)/],
    ['grid', 'calls', { calls: [{ departmentId: 'GL-D-CG', reportBy: '2030-01-01T00:00:00Z', place: 'x' }] }, /^GRID_WORKER may not call departments/],
    ['grid', 'review', { decision: 'CLOSE', reason: 'ok' }, /^GRID_WORKER may not review/],
    ['grid', 'calls/CALL-1/report', {}, /only an officer of the called department/],
    ['street', 'result', { callId: 'CALL-1', summary: 'done' }, /only an officer of the called department/],
    ['street', 'extensions/EXT-1/decision', { approve: true, reason: 'ok' }, /^STREET_DISPATCHER may not decide extension requests/],
    ['deputy', 'survey', { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, /^DEPUTY_LEADER may not record revisit surveys/],
  ])('%s → %s: 403', async (who, path, body, message) => {
    const res = await act(who, path, body);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(message) });
  });

  it('a bad body is still a 400 first (every field listed)', async () => {
    const res = await act('reporter', 'whistle', { reason: '' });
    expect(res.status).toBe(400);
  });
});

describe('GET /inbox/extensions', () => {
  it.each(['reporter', 'admin', 'officer', 'grid', 'street'])('%s → 403', async (who) => {
    const res = await request(app).get('/inbox/extensions').set('Authorization', `Bearer ${who}`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/may not read the extension inbox/);
  });

  it('401 without credentials; 400 for a bad query', async () => {
    expect((await request(app).get('/inbox/extensions')).status).toBe(401);
    const bad = await request(app).get('/inbox/extensions').query({ pageSize: 0, colour: 'red' }).set('Authorization', 'Bearer deputy');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['query.colour', 'query.pageSize']);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await request(app).get('/openapi.json');
    expect(doc.body.paths['/inbox/extensions']).toHaveProperty('get');
    expect(doc.body.components.schemas).toHaveProperty('ExtensionInboxItem');
    expect(doc.body.components.schemas.ExtensionRequest.properties).toHaveProperty('decidedRole');
  });
});

describe('limits on the action and inbox routes', () => {
  it('429 with Retry-After once a person exceeds API_RATE_LIMIT_PER_MINUTE (refusals count too)', async () => {
    const limited = build({ API_RATE_LIMIT_PER_MINUTE: '2' });
    for (let i = 0; i < 2; i++) expect((await request(limited).post(`/cases/${CODE}/accept`).set('Authorization', 'Bearer reporter').send({})).status).toBe(403);
    const res = await request(limited).get('/inbox/extensions').set('Authorization', 'Bearer reporter');
    expect(res.status).toBe(429);
    expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/too many requests/) });
    expect(res.headers['retry-after']).toBe('60');
  });

  it('413 for an action body over API_BODY_LIMIT, before the case is looked at', async () => {
    const small = build({ API_BODY_LIMIT: '1kb' });
    const res = await request(small)
      .post(`/cases/${CODE}/whistle`)
      .set('Authorization', 'Bearer grid')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ reason: 'x'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('the command center board: district roles only, refused before anything is read', () => {
  it.each(['grid', 'street', 'officer', 'reporter'])('%s gets 403', async (who) => {
    const res = await request(app).get('/board/command-center').set('Authorization', `Bearer ${who}`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/may not read the command center board/);
  });
  it('an anonymous caller gets 401', async () => {
    expect((await request(app).get('/board/command-center')).status).toBe(401);
  });
});
