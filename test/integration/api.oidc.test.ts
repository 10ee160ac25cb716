// City single sign-on against a real (local) OpenID Connect provider: an HTTP server on
// 127.0.0.1 started here, with its own RSA key pair, serving discovery and its JWKS and
// signing ID tokens. The API verifies them with jose over HTTP like in production; nothing
// of the verification is mocked. The clock of the app is pinned (ApiDeps.now).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { createDirectoryCache } from '../../features/directory/directory';
import { startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const NOW = Date.parse('2026-12-03T10:00:00Z');
const AUDIENCE = 'city-case-orchestrator';
const suffix = `${process.pid}-${Date.now().toString(36)}`;

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let h: ApiHarness;
let provider: Server;
let issuer: string;
let signingKey: Key;
let strangerKey: Key;
let app: Express;
let jwksHits = 0;
const people = { known: `p-oidc-known-${suffix}`, off: `p-oidc-off-${suffix}`, custom: `p-oidc-custom-${suffix}` };
const subjects = { known: `sso-known-${suffix}`, off: `sso-off-${suffix}`, custom: `sso-custom-${suffix}` };

/** An ID token as the provider would issue it; `over` changes claims, `key`/`kid` the signature. */
async function idToken(over: Record<string, unknown> = {}, opts: { key?: Key; kid?: string; iat?: number; exp?: number; alg?: string } = {}) {
  const iat = opts.iat ?? Math.floor(NOW / 1000) - 60;
  return new SignJWT({ email: 'someone@example.gov.cn', ...over })
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'provider-key-1' })
    .setIssuer((over.iss as string | undefined) ?? issuer)
    .setAudience((over.aud as string | undefined) ?? AUDIENCE)
    .setSubject((over.sub as string | undefined) ?? subjects.known)
    .setIssuedAt(iat)
    .setExpirationTime(opts.exp ?? iat + 600)
    .sign(opts.key ?? signingKey);
}

function makeApp(overrides: Record<string, string> = {}): Express {
  const cfg = { ...h.cfg, OIDC_ISSUER: issuer, OIDC_AUDIENCE: AUDIENCE, ...overrides };
  return createApp({ db: h.db, temporal: h.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000), now: () => NOW });
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'provider-key-1', alg: 'RS256', use: 'sig' };
  provider = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'], authorization_endpoint: `${issuer}/authorize` }));
    } else if (req.url === '/jwks') {
      jwksHits += 1;
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

  h = await startHarness({ worker: false });
  await h.db.person.createMany({
    data: [
      { id: people.known, name: '单点登录用户', role: 'STREET_DISPATCHER', unitId: 'GL-S01', externalSubject: subjects.known },
      { id: people.off, name: '已停用', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01', externalSubject: subjects.off, active: false },
      { id: people.custom, name: '工号用户', role: 'AUDITOR', unitId: 'GL', externalSubject: subjects.custom },
    ],
  });
  app = makeApp();
});

afterAll(async () => {
  await h?.db.person.deleteMany({ where: { id: { in: Object.values(people) } } });
  await h?.close();
  await new Promise((resolve) => provider?.close(resolve));
});

const oidc = (a: Express, body: object) => request(a).post('/auth/oidc').send(body);
const failures = () => h.db.accessLog.findMany({ where: { kind: 'OIDC_SIGN_IN_FAILED', at: new Date(NOW) }, orderBy: { id: 'asc' } });

describe('POST /auth/oidc', () => {
  it('signs in a known person with a valid ID token: browser cookie + CSRF token, /me via the session', async () => {
    const res = await oidc(app, { idToken: await idToken() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ personId: people.known, role: 'STREET_DISPATCHER', client: 'browser', csrfToken: expect.any(String) });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'])[0];
    expect(cookie).toMatch(/^coe_session=.*HttpOnly.*SameSite=Strict/);
    const me = await request(app).get('/me').set('Cookie', cookie.split(';')[0]);
    expect(me.body).toMatchObject({ personId: people.known, via: 'session' });
    const session = await h.db.session.findUniqueOrThrow({ where: { id: res.body.sessionId } });
    expect(session).toMatchObject({ method: 'oidc', kind: 'BROWSER', expiresAt: new Date(NOW + 12 * 3_600_000) });
    expect(await h.db.accessLog.findMany({ where: { personId: people.known, kind: 'OIDC_SIGN_IN' } })).toEqual([
      expect.objectContaining({ sessionId: res.body.sessionId, detail: { client: 'browser', subject: subjects.known } }),
    ]);
    expect(jwksHits).toBeGreaterThan(0);
  });

  it('issues a program token too, and it can sign out', async () => {
    const res = await oidc(app, { idToken: await idToken(), client: 'program' });
    expect(res.status).toBe(200);
    const auth = `Bearer ${res.body.token}`;
    expect((await request(app).get('/me').set('Authorization', auth)).body).toMatchObject({ personId: people.known, via: 'token' });
    expect((await request(app).post('/auth/logout').set('Authorization', auth)).status).toBe(204);
    expect((await request(app).get('/me').set('Authorization', auth)).status).toBe(401);
  });

  it('401 for a token signed by another key (unknown kid, or the provider\'s kid)', async () => {
    for (const kid of ['stranger-key', 'provider-key-1']) {
      const res = await oidc(app, { idToken: await idToken({}, { key: strangerKey, kid }) });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/not signed by the configured provider/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('401 for a wrong audience, a wrong issuer, an expired token', async () => {
    const aud = await oidc(app, { idToken: await idToken({ aud: 'some-other-app' }) });
    expect(aud.status).toBe(401);
    expect(aud.body.error.message).toMatch(/aud/);
    const iss = await oidc(app, { idToken: await idToken({ iss: 'https://elsewhere.example' }) });
    expect(iss.status).toBe(401);
    expect(iss.body.error.message).toMatch(/iss/);
    const iat = Math.floor(NOW / 1000) - 7200;
    const expired = await oidc(app, { idToken: await idToken({}, { iat, exp: iat + 3600 }) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('401 for an unknown subject and a deactivated person; every failure is logged', async () => {
    const before = (await failures()).length;
    const unknown = await oidc(app, { idToken: await idToken({ sub: `sso-nobody-${suffix}` }) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/nobody here is linked/);
    const off = await oidc(app, { idToken: await idToken({ sub: subjects.off }) });
    expect(off.status).toBe(401);
    expect(off.body.error.message).toMatch(/deactivated/);
    const rows = (await failures()).slice(before);
    expect(rows).toEqual([
      expect.objectContaining({ personId: null, detail: expect.objectContaining({ subject: `sso-nobody-${suffix}` }) }),
      expect.objectContaining({ personId: people.off, detail: expect.objectContaining({ subject: subjects.off }) }),
    ]);
  });

  it('401 for a token that is not an asymmetric ID token at all', async () => {
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setAudience(AUDIENCE).setSubject(subjects.known).setIssuedAt(Math.floor(NOW / 1000)).setExpirationTime(Math.floor(NOW / 1000) + 60).sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await oidc(app, { idToken: hs })).status).toBe(401);
    expect((await oidc(app, { idToken: 'not-a-jwt' })).status).toBe(401);
  });

  it('maps the configured claim (OIDC_PERSON_CLAIM) and can take the JWKS URL directly', async () => {
    const custom = makeApp({ OIDC_PERSON_CLAIM: 'employee_id', OIDC_JWKS_URL: `${issuer}/jwks` });
    const res = await oidc(custom, { idToken: await idToken({ sub: 'whatever', employee_id: subjects.custom }), client: 'program' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ personId: people.custom, role: 'AUDITOR' });
    const missing = await oidc(custom, { idToken: await idToken() });
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/employee_id/);
  });

  it('503 when the provider cannot be reached (not a 401: the token may be fine)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    for (const over of [{ OIDC_JWKS_URL: `${deadUrl}/jwks` }, { OIDC_ISSUER: deadUrl }] as Array<Record<string, string>>) {
      const res = await oidc(makeApp(over), { idToken: await idToken() });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('SSO_UNAVAILABLE');
    }
  });

  it('400 for a bad body; 404 where single sign-on is not configured', async () => {
    const bad = await oidc(app, { client: 'tv' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.client', 'body.idToken']);
    const off = await oidc(h.app, { idToken: await idToken() });
    expect(off.status).toBe(404);
  });
});
