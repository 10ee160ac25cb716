// Authentication and coarse roles against the real Person table (no worker needed).
import request from 'supertest';
import { signAccessToken, hashApiKey } from '../../features/auth/auth';
import { demoTokens } from '../../scripts/demoTokens';
import { startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(60_000);

let h: ApiHarness;
const suffix = `${process.pid}-${Date.now()}`;
const tempPerson = `p-api-test-${suffix}`;
const apiKey = `key-${suffix}-secret`;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  await h.db.person.create({
    data: { id: tempPerson, name: '临时接口账号', role: 'REPORTER', unitId: 'GL', apiKeyHash: hashApiKey(apiKey), active: true },
  });
});
afterAll(async () => {
  await h?.db.person.deleteMany({ where: { id: tempPerson } });
  await h?.close();
});

const validBody = { channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: 'GL-S01-C01-G01' }, description: '测试' };

describe('authentication', () => {
  it('401 without credentials, with a clear message', async () => {
    const res = await request(h.app).get('/cases');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer/) });
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect((await request(h.app).post('/cases').send(validBody)).status).toBe(401);
  });

  it('401 for a bad, foreign, expired or malformed token', async () => {
    const bad = await request(h.app).get('/me').set('Authorization', 'Bearer not.a.token');
    expect(bad.status).toBe(401);
    const foreign = await signAccessToken({ ...h.cfg, JWT_SECRET: 'another-secret-that-is-at-least-32-characters' }, { id: 'p-admin-GL', role: 'ADMIN', unitId: 'GL', name: 'x' });
    expect((await request(h.app).get('/me').set('Authorization', `Bearer ${foreign}`)).status).toBe(401);
    const otherIssuer = await signAccessToken({ ...h.cfg, JWT_ISSUER: 'someone-else' }, { id: 'p-admin-GL', role: 'ADMIN', unitId: 'GL', name: 'x' });
    expect((await request(h.app).get('/me').set('Authorization', `Bearer ${otherIssuer}`)).status).toBe(401);
    const expired = await signAccessToken(h.cfg, { id: 'p-admin-GL', role: 'ADMIN', unitId: 'GL', name: 'x' }, { now: Date.now() - 10_000_000, ttlSeconds: 60 });
    const res = await request(h.app).get('/me').set('Authorization', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
    expect((await request(h.app).get('/me').set('Authorization', 'Token abc')).status).toBe(401);
  });

  it('401 for a valid token of an unknown person', async () => {
    const ghost = await signAccessToken(h.cfg, { id: 'p-nobody', role: 'ADMIN', unitId: 'GL', name: 'ghost' });
    const res = await request(h.app).get('/me').set('Authorization', `Bearer ${ghost}`);
    expect(res.status).toBe(401);
  });

  it('accepts an API key (sha256 matched to Person.apiKeyHash) and refuses a wrong one', async () => {
    const ok = await request(h.app).get('/me').set('X-Api-Key', apiKey);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ personId: tempPerson, role: 'REPORTER', via: 'apiKey' });
    expect((await request(h.app).get('/me').set('X-Api-Key', `${apiKey}x`)).status).toBe(401);
  });

  it('refuses a deactivated person (after the short cache)', async () => {
    const person = `p-api-deact-${suffix}`;
    await h.db.person.create({ data: { id: person, name: '停用测试', role: 'REPORTER', unitId: 'GL', active: false } });
    try {
      const token = await signAccessToken(h.cfg, { id: person, role: 'REPORTER', unitId: 'GL', name: '停用测试' });
      const res = await request(h.app).get('/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/deactivated/);
    } finally {
      await h.db.person.delete({ where: { id: person } });
    }
  });

  it('uses the current role from the database, not a stale claim', async () => {
    // A token claiming ADMIN for the auditor is still an auditor.
    const token = await signAccessToken(h.cfg, { id: 'p-auditor-GL', role: 'ADMIN', unitId: 'GL', name: 'x' });
    const me = await request(h.app).get('/me').set('Authorization', `Bearer ${token}`);
    expect(me.body.role).toBe('AUDITOR');
  });
});

describe('demo tokens', () => {
  it('signs a working token for one active person of each role', async () => {
    const tokens = await demoTokens(h.db, h.cfg);
    expect(new Set(tokens.map((t) => t.role)).size).toBe(tokens.length);
    expect(tokens.map((t) => t.role)).toEqual(expect.arrayContaining(['REPORTER', 'GRID_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER', 'AUDITOR', 'ADMIN']));
    for (const t of tokens) {
      const me = await request(h.app).get('/me').set('Authorization', `Bearer ${t.token}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ personId: t.personId, role: t.role });
    }
  });
});

describe('coarse roles', () => {
  it('auditors read everything and may not write (403)', async () => {
    const auditor = await h.bearer('AUDITOR');
    expect((await request(h.app).get('/cases').set('Authorization', auditor)).status).toBe(200);
    expect((await request(h.app).get('/categories').set('Authorization', auditor)).status).toBe(200);
    const post = await request(h.app).post('/cases').set('Authorization', auditor).send(validBody);
    expect(post.status).toBe(403);
    expect(post.body.error.code).toBe('FORBIDDEN');
  });

  it('only reporting roles may create cases', async () => {
    for (const role of ['DEPARTMENT_OFFICER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'] as const) {
      const res = await request(h.app).post('/cases').set('Authorization', await h.bearer(role)).send(validBody);
      expect(res.status).toBe(403);
    }
  });
});

describe('cross-cutting', () => {
  it('echoes a sane X-Request-Id and generates one otherwise', async () => {
    const echoed = await request(h.app).get('/health').set('X-Request-Id', 'trace-abc-123');
    expect(echoed.headers['x-request-id']).toBe('trace-abc-123');
    const generated = await request(h.app).get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const err = await request(h.app).get('/cases').set('X-Request-Id', 'trace-err-1');
    expect(err.body.error.requestId).toBe('trace-err-1');
  });

  it('413 for a body over the limit, as JSON', async () => {
    const auth = await h.bearer('REPORTER');
    const res = await request(h.app)
      .post('/cases')
      .set('Authorization', auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...validBody, description: 'x'.repeat(400_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('404 JSON for an unknown route', async () => {
    const res = await request(h.app).get('/nowhere').set('Authorization', await h.bearer('ADMIN'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
