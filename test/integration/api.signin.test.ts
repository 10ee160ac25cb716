// Signing in and out against the real app and database: local passwords, cookie sessions
// with CSRF, program tokens, lockout, revocation, the admin's credential routes, API-key
// rotation, the access log, demo accounts. No worker needed. OIDC: api.oidc.test.ts.
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createDirectoryCache } from '../../features/directory/directory';
import { hashApiKey, signAccessToken } from '../../features/auth/auth';
import { assertProductionReady, DEMO_PASSWORD, demoLogin, listDemoAccounts } from '../../features/auth/demoAccounts';
import { hashPassword, scryptParams, verifyPassword } from '../../features/auth/passwords';
import { createDb } from '../../platform/db';
import { seed } from '../../prisma/seed';
import { isolatedDatabase } from '../setup/env';
import { harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;
const suffix = `${process.pid}-${Date.now().toString(36)}`;
const GRID = 'GL-S01-C01-G01';
const otherDistrict = `XD${suffix.replace(/[^0-9a-z]/gi, '')}`.slice(0, 30);
const created: string[] = [];
const PASSWORD = 'long enough passphrase 1';

/** A person with a local account (hashed cheaply: the cost is stored with the hash). */
async function account(name: string, opts: { role?: 'REPORTER' | 'GRID_WORKER' | 'ADMIN' | 'AUDITOR'; unitId?: string; password?: string; apiKey?: string } = {}) {
  const id = `p-signin-${name}-${suffix}`;
  const login = `${name}-${suffix}`.toLowerCase();
  await h.db.person.create({
    data: {
      id,
      name,
      role: opts.role ?? 'GRID_WORKER',
      unitId: opts.unitId ?? GRID,
      login,
      passwordHash: await hashPassword(opts.password ?? PASSWORD, scryptParams(14)),
      ...(opts.apiKey ? { apiKeyHash: hashApiKey(opts.apiKey) } : {}),
    },
  });
  created.push(id);
  return { id, login };
}

const login = (body: object) => request(h.app).post('/auth/login').send(body);
const cookieOf = (res: request.Response): string => {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((x) => x.startsWith('coe_session='));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return c.split(';')[0];
};
const logRows = (personId: string, kind?: string) =>
  h.db.accessLog.findMany({ where: { personId, ...(kind ? { kind: kind as never } : {}) }, orderBy: { id: 'asc' } });

beforeAll(async () => {
  h = await startHarness({ worker: false, cfg: harnessConfig({ PASSWORD_SCRYPT_LOG_N: '14' }) });
  await h.db.orgUnit.create({ data: { id: otherDistrict, kind: 'DISTRICT', name: '另一个区', parentId: null } });
});
afterAll(async () => {
  await h?.db.person.deleteMany({ where: { id: { in: created } } });
  await h?.db.orgUnit.deleteMany({ where: { id: otherDistrict } });
  await h?.close();
});

describe('POST /auth/login', () => {
  it('browser: an HttpOnly SameSite=Strict cookie (not Secure outside production) and a CSRF token; /me works with it', async () => {
    const a = await account('browser');
    const res = await login({ login: a.login, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ personId: a.id, role: 'GRID_WORKER', client: 'browser', csrfToken: expect.stringMatching(/^coe_c_/) });
    expect(res.body.token).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const raw = ([] as string[]).concat(res.headers['set-cookie'])[0];
    expect(raw).toMatch(/^coe_session=coe_s_[A-Za-z0-9_-]{43}; /);
    expect(raw).toMatch(/; HttpOnly/);
    expect(raw).toMatch(/; SameSite=Strict/);
    expect(raw).toMatch(/; Path=\//);
    expect(raw).toMatch(/; Expires=/);
    expect(raw).not.toMatch(/Secure/);
    const me = await request(h.app).get('/me').set('Cookie', cookieOf(res));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ personId: a.id, via: 'session' });
    // Only hashes are stored.
    const row = await h.db.session.findUniqueOrThrow({ where: { id: res.body.sessionId } });
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toBe(cookieOf(res).split('=')[1]);
    expect(row.csrfHash).not.toBe(res.body.csrfToken);
    expect(await logRows(a.id, 'SIGN_IN')).toEqual([expect.objectContaining({ sessionId: res.body.sessionId, login: a.login })]);
  });

  it('program: an opaque bearer token, no cookie; the login is case-insensitive', async () => {
    const a = await account('program');
    const res = await login({ login: ` ${a.login.toUpperCase()} `, password: PASSWORD, client: 'program' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client: 'program', tokenType: 'Bearer', token: expect.stringMatching(/^coe_t_[A-Za-z0-9_-]{43}$/) });
    expect(res.headers['set-cookie']).toBeUndefined();
    const me = await request(h.app).get('/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.body).toMatchObject({ personId: a.id, via: 'token' });
    // A program token needs no CSRF token.
    const logout = await request(h.app).post('/auth/logout').set('Authorization', `Bearer ${res.body.token}`);
    expect(logout.status).toBe(204);
  });

  it('the secure flag is set in production, not in development', async () => {
    const a = await account('prodcookie');
    const devApp = createApp({ db: h.db, temporal: h.client, cfg: { ...h.cfg, NODE_ENV: 'development' }, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000) });
    const dev = await request(devApp).post('/auth/login').send({ login: a.login, password: PASSWORD });
    expect(([] as string[]).concat(dev.headers['set-cookie'])[0]).not.toMatch(/Secure/);
    const cfg = { ...h.cfg, NODE_ENV: 'production' as const, JWT_SECRET: 'a-production-secret-of-at-least-32-chars!' };
    const app = createApp({ db: h.db, temporal: h.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000) });
    const res = await request(app).post('/auth/login').send({ login: a.login, password: PASSWORD });
    expect(res.status).toBe(200);
    const raw = ([] as string[]).concat(res.headers['set-cookie'])[0];
    expect(raw).toMatch(/; Secure/);
    expect(raw).toMatch(/; HttpOnly/);
    expect(raw).toMatch(/; SameSite=Strict/);
  });

  it('400 lists every bad field', async () => {
    const empty = await login({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.login', 'body.password']);
    const bad = await login({ login: 'x', password: 'y', client: 'tablet', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.client', 'body.extra']);
    const text = await request(h.app).post('/auth/login').set('Content-Type', 'text/plain').send('login=x');
    expect(text.status).toBe(415);
  });

  it('401 with one message for a wrong password, an unknown login, a deactivated person', async () => {
    const a = await account('wrongpw');
    const wrong = await login({ login: a.login, password: 'not the password' });
    const unknown = await login({ login: `nobody-${suffix}`, password: PASSWORD });
    const off = await account('offpw');
    await h.db.person.update({ where: { id: off.id }, data: { active: false } });
    const deactivated = await login({ login: off.login, password: PASSWORD });
    for (const r of [wrong, unknown, deactivated]) {
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'wrong login or password' });
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    expect(await logRows(a.id, 'SIGN_IN_FAILED')).toEqual([expect.objectContaining({ detail: { reason: 'wrong password' } })]);
    expect(await logRows(off.id, 'SIGN_IN_FAILED')).toEqual([expect.objectContaining({ detail: { reason: 'deactivated' } })]);
    const unknownRows = await h.db.accessLog.findMany({ where: { login: `nobody-${suffix}` } });
    expect(unknownRows).toEqual([expect.objectContaining({ kind: 'SIGN_IN_FAILED', personId: null, detail: { reason: 'unknown login' } })]);
  });

  it('locks after 5 failures with Retry-After, answers the same whatever the password, and unlocks after the delay', async () => {
    const a = await account('lockme');
    for (let i = 1; i <= 4; i++) expect((await login({ login: a.login, password: `wrong ${i}` })).status).toBe(401);
    const fifth = await login({ login: a.login, password: 'wrong 5' });
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.headers['retry-after']).toBe('60');
    const right = await login({ login: a.login, password: PASSWORD });
    const wrong = await login({ login: a.login, password: 'wrong 6' });
    for (const r of [right, wrong]) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('ACCOUNT_LOCKED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    expect(await logRows(a.id, 'LOCKOUT')).toEqual([expect.objectContaining({ detail: { failures: 5, seconds: 60 } })]);
    // Attempts during the lock did not count as failures (the password was not even checked).
    expect((await h.db.person.findUniqueOrThrow({ where: { id: a.id } })).failedLogins).toBe(5);
    // The lock lapses (moved into the past rather than waited for): the next failure doubles it.
    await h.db.person.update({ where: { id: a.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const sixth = await login({ login: a.login, password: 'wrong 7' });
    expect(sixth.status).toBe(429);
    expect(sixth.headers['retry-after']).toBe('120');
    await h.db.person.update({ where: { id: a.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect((await login({ login: a.login, password: PASSWORD })).status).toBe(200);
    expect(await h.db.person.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });
});

describe('CSRF on cookie sessions', () => {
  it('403 without or with a wrong X-CSRF-Token on unsafe methods; GET /auth/session rotates it', async () => {
    const a = await account('csrf');
    const res = await login({ login: a.login, password: PASSWORD });
    const cookie = cookieOf(res);
    const missing = await request(h.app).post('/auth/logout').set('Cookie', cookie);
    expect(missing.status).toBe(403);
    expect(missing.body.error.message).toMatch(/X-CSRF-Token/);
    const wrongToken = await request(h.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', `${res.body.csrfToken}x`);
    expect(wrongToken.status).toBe(403);
    // The same protection on any state-changing route, before the route runs.
    const report = await request(h.app).post('/cases').set('Cookie', cookie).send({});
    expect(report.status).toBe(403);
    expect((await request(h.app).get('/me').set('Cookie', cookie)).status).toBe(200);

    const fresh = await request(h.app).get('/auth/session').set('Cookie', cookie);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ via: 'session', sessionId: res.body.sessionId, csrfToken: expect.stringMatching(/^coe_c_/) });
    expect((await request(h.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken)).status).toBe(403);
    const out = await request(h.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', fresh.body.csrfToken);
    expect(out.status).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'])[0]).toMatch(/^coe_session=;.*Expires=Thu, 01 Jan 1970/);
  });
});

describe('sessions end', () => {
  it('logout revokes the cookie at once; the same cookie is 401 right after', async () => {
    const a = await account('logout');
    const res = await login({ login: a.login, password: PASSWORD });
    const cookie = cookieOf(res);
    expect((await request(h.app).post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', res.body.csrfToken)).status).toBe(204);
    const after = await request(h.app).get('/me').set('Cookie', cookie);
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/ended/);
    expect(await logRows(a.id, 'SIGN_OUT')).toEqual([expect.objectContaining({ sessionId: res.body.sessionId })]);
  });

  it('logout of a program token: 401 right after', async () => {
    const a = await account('logout2');
    const { body } = await login({ login: a.login, password: PASSWORD, client: 'program' });
    const auth = `Bearer ${body.token}`;
    expect((await request(h.app).post('/auth/logout').set('Authorization', auth)).status).toBe(204);
    expect((await request(h.app).get('/me').set('Authorization', auth)).status).toBe(401);
    expect((await request(h.app).post('/auth/logout').set('Authorization', auth)).status).toBe(401);
  });

  it('409 for logout with a JWT (it cannot be revoked; it expires)', async () => {
    const res = await request(h.app).post('/auth/logout').set('Authorization', await h.bearer('REPORTER'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NOT_A_SESSION');
  });

  it('401 for an expired session and for an idle browser session', async () => {
    const a = await account('expiry');
    const browser = await login({ login: a.login, password: PASSWORD });
    const program = await login({ login: a.login, password: PASSWORD, client: 'program' });
    await h.db.session.update({ where: { id: program.body.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await request(h.app).get('/me').set('Authorization', `Bearer ${program.body.token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    // Idle for longer than SESSION_IDLE_MINUTES (60) though not expired.
    await h.db.session.update({ where: { id: browser.body.sessionId }, data: { lastSeenAt: new Date(Date.now() - 61 * 60_000) } });
    const idle = await request(h.app).get('/me').set('Cookie', cookieOf(browser));
    expect(idle.status).toBe(401);
    expect(idle.body.error.message).toMatch(/idle/);
    // A forged token is just unknown.
    expect((await request(h.app).get('/me').set('Authorization', `Bearer coe_t_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await request(h.app).get('/me').set('Cookie', `coe_session=coe_s_${'A'.repeat(43)}`)).status).toBe(401);
  });

  it("a person's sessions ended more than a week ago are deleted at their next sign-in; recent and live ones stay", async () => {
    const a = await account('purge');
    const [old, revoked, recent, live] = [
      await login({ login: a.login, password: PASSWORD, client: 'program' }),
      await login({ login: a.login, password: PASSWORD, client: 'program' }),
      await login({ login: a.login, password: PASSWORD, client: 'program' }),
      await login({ login: a.login, password: PASSWORD, client: 'program' }),
    ].map((r) => r.body.sessionId as string);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await h.db.session.update({ where: { id: old }, data: { expiresAt: daysAgo(8) } });
    await h.db.session.update({ where: { id: revoked }, data: { revokedAt: daysAgo(9), revokedReason: 'logout' } });
    await h.db.session.update({ where: { id: recent }, data: { expiresAt: daysAgo(2) } });
    const other = await account('purge-other');
    const othersOld = (await login({ login: other.login, password: PASSWORD, client: 'program' })).body.sessionId as string;
    await h.db.session.update({ where: { id: othersOld }, data: { expiresAt: daysAgo(30) } });

    const next = (await login({ login: a.login, password: PASSWORD, client: 'program' })).body.sessionId as string;

    const left = (await h.db.session.findMany({ where: { personId: { in: [a.id, other.id] } }, select: { id: true } })).map((r) => r.id).sort();
    expect(left).toEqual([recent, live, othersOld, next].sort());
  });
});

describe('admin: POST /admin/people/{id}/password', () => {
  it('sets a hashed password (and a login), revokes the person\'s sessions, logs it', async () => {
    const a = await account('reset');
    const before = await login({ login: a.login, password: PASSWORD, client: 'program' });
    const admin = await h.bearer('ADMIN');
    const newLogin = `reset2-${suffix}`.toLowerCase();
    const res = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', admin).send({ password: 'a brand new passphrase', login: newLogin });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ personId: a.id, login: newLogin, revokedSessions: 1 });
    const row = await h.db.person.findUniqueOrThrow({ where: { id: a.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.passwordHash).not.toContain('brand new');
    expect(await verifyPassword('a brand new passphrase', row.passwordHash!)).toBe(true);
    expect((await request(h.app).get('/me').set('Authorization', `Bearer ${before.body.token}`)).status).toBe(401);
    expect((await login({ login: a.login, password: PASSWORD })).status).toBe(401);
    expect((await login({ login: newLogin, password: 'a brand new passphrase' })).status).toBe(200);
    expect(await logRows(a.id, 'PASSWORD_RESET')).toEqual([expect.objectContaining({ actorId: 'p-admin-GL', detail: { revokedSessions: 1 } })]);
  });

  it('400 for a weak password or a bad login, with the field', async () => {
    const a = await account('weak');
    const admin = await h.bearer('ADMIN');
    const short = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', admin).send({ password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.fields).toEqual([{ path: 'body.password', message: 'the password must be at least 10 characters' }]);
    const badLogin = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', admin).send({ password: 'long enough passphrase', login: 'a b' });
    expect(badLogin.status).toBe(400);
    expect(badLogin.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.login']);
    const noBody = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', admin).send({});
    expect(noBody.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.password']);
  });

  it('403 for a non-admin and an admin of another district, 404 for an unknown person, 409 for a taken login', async () => {
    const a = await account('guarded');
    const taken = await account('taken');
    const body = { password: 'a brand new passphrase' };
    const cc = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', await h.bearer('COMMAND_CENTER')).send(body);
    expect(cc.status).toBe(403);
    const otherAdmin = { id: `p-signin-xadmin-${suffix}`, name: '外区管理员', role: 'ADMIN' as const, unitId: otherDistrict };
    await h.db.person.create({ data: otherAdmin });
    created.push(otherAdmin.id);
    const foreign = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', `Bearer ${await signAccessToken(h.cfg, otherAdmin)}`).send(body);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/another district/);
    const admin = await h.bearer('ADMIN');
    const missing = await request(h.app).post(`/admin/people/p-nobody-${suffix}/password`).set('Authorization', admin).send(body);
    expect(missing.status).toBe(404);
    const clash = await request(h.app).post(`/admin/people/${a.id}/password`).set('Authorization', admin).send({ ...body, login: taken.login });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('LOGIN_TAKEN');
    // Nothing changed on refusals.
    expect(await verifyPassword(PASSWORD, (await h.db.person.findUniqueOrThrow({ where: { id: a.id } })).passwordHash!)).toBe(true);
  });
});

describe('admin: POST /admin/people/{id}/deactivate', () => {
  it('deactivates, revokes every session at once, refuses JWTs; 409 the second time', async () => {
    const a = await account('deact');
    const browser = await login({ login: a.login, password: PASSWORD });
    const program = await login({ login: a.login, password: PASSWORD, client: 'program' });
    const jwt = `Bearer ${await signAccessToken(h.cfg, { id: a.id, role: 'GRID_WORKER', unitId: GRID, name: 'deact' })}`;
    expect((await request(h.app).get('/me').set('Authorization', jwt)).status).toBe(200);
    const admin = await h.bearer('ADMIN');
    const res = await request(h.app).post(`/admin/people/${a.id}/deactivate`).set('Authorization', admin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ personId: a.id, active: false, revokedSessions: 2 });
    expect((await request(h.app).get('/me').set('Cookie', cookieOf(browser))).status).toBe(401);
    expect((await request(h.app).get('/me').set('Authorization', `Bearer ${program.body.token}`)).status).toBe(401);
    expect((await request(h.app).get('/me').set('Authorization', jwt)).status).toBe(401);
    expect((await login({ login: a.login, password: PASSWORD })).status).toBe(401);
    const again = await request(h.app).post(`/admin/people/${a.id}/deactivate`).set('Authorization', admin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_DEACTIVATED');
    expect(await logRows(a.id, 'DEACTIVATED')).toEqual([expect.objectContaining({ actorId: 'p-admin-GL', detail: { revokedSessions: 2 } })]);
  });

  it('403 for a non-admin; 404 unknown; 409 deactivating yourself', async () => {
    const a = await account('deact2');
    expect((await request(h.app).post(`/admin/people/${a.id}/deactivate`).set('Authorization', await h.bearer('AUDITOR'))).status).toBe(403);
    const admin = await h.bearer('ADMIN');
    expect((await request(h.app).post(`/admin/people/p-nobody-${suffix}/deactivate`).set('Authorization', admin)).status).toBe(404);
    const self = await request(h.app).post('/admin/people/p-admin-GL/deactivate').set('Authorization', admin);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('SELF_DEACTIVATION');
  });
});

describe('admin: POST /admin/people/{id}/api-key', () => {
  it('returns a new key once; the old stops working at once; use is logged once a minute', async () => {
    const oldKey = `old-key-${suffix}-0123456789`;
    const a = await account('integration', { role: 'REPORTER', unitId: 'GL', apiKey: oldKey });
    // The clock is pinned: both uses fall in the same minute whatever the wall clock does.
    const pinned = Date.parse('2026-12-03T10:00:20Z');
    const app = createApp({ db: h.db, temporal: h.client, cfg: h.cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000), now: () => pinned });
    expect((await request(app).get('/me').set('X-Api-Key', oldKey)).body).toMatchObject({ personId: a.id, via: 'apiKey' });
    expect((await request(app).get('/me').set('X-Api-Key', oldKey)).status).toBe(200);
    expect(await logRows(a.id, 'API_KEY_USED')).toEqual([expect.objectContaining({ detail: { keyId: hashApiKey(oldKey).slice(0, 12) } })]);

    const res = await request(app).post(`/admin/people/${a.id}/api-key`).set('Authorization', await h.bearer('ADMIN'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ personId: a.id, apiKey: expect.stringMatching(/^coe_ak_[A-Za-z0-9_-]{43}$/) });
    expect((await h.db.person.findUniqueOrThrow({ where: { id: a.id } })).apiKeyHash).toBe(hashApiKey(res.body.apiKey));
    expect((await request(app).get('/me').set('X-Api-Key', oldKey)).status).toBe(401);
    expect((await request(app).get('/me').set('X-Api-Key', res.body.apiKey)).body).toMatchObject({ personId: a.id });
    expect(await logRows(a.id, 'API_KEY_ROTATED')).toEqual([
      expect.objectContaining({ actorId: 'p-admin-GL', detail: { keyId: hashApiKey(res.body.apiKey).slice(0, 12), previousKeyId: hashApiKey(oldKey).slice(0, 12) } }),
    ]);
    expect((await logRows(a.id, 'API_KEY_USED')).map((r) => (r.detail as { keyId: string }).keyId)).toEqual([
      hashApiKey(oldKey).slice(0, 12),
      hashApiKey(res.body.apiKey).slice(0, 12),
    ]);
    expect((await request(app).post(`/admin/people/${a.id}/api-key`).set('Authorization', await h.bearer('GRID_WORKER'))).status).toBe(403);
    expect((await request(app).post(`/admin/people/p-nobody-${suffix}/api-key`).set('Authorization', await h.bearer('ADMIN'))).status).toBe(404);
  });
});

describe('GET /access-log', () => {
  it('auditors and admins read it, filtered by person, kind and time, paginated', async () => {
    const a = await account('audited');
    await login({ login: a.login, password: 'wrong password here' });
    const ok = await login({ login: a.login, password: PASSWORD, client: 'program' });
    await request(h.app).post('/auth/logout').set('Authorization', `Bearer ${ok.body.token}`);
    const auditor = await h.bearer('AUDITOR');
    const all = await request(h.app).get('/access-log').query({ personId: a.id }).set('Authorization', auditor);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((i: { kind: string }) => i.kind)).toEqual(['SIGN_OUT', 'SIGN_IN', 'SIGN_IN_FAILED']);
    expect(all.body.items[1]).toMatchObject({ id: expect.stringMatching(/^\d+$/), personId: a.id, login: a.login, sessionId: ok.body.sessionId, at: expect.any(String) });
    const failed = await request(h.app).get('/access-log').query({ personId: a.id, kind: 'SIGN_IN_FAILED' }).set('Authorization', await h.bearer('ADMIN'));
    expect(failed.body).toMatchObject({ total: 1, items: [{ kind: 'SIGN_IN_FAILED' }] });
    const page2 = await request(h.app).get('/access-log').query({ personId: a.id, page: 2, pageSize: 2 }).set('Authorization', auditor);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 3, items: [{ kind: 'SIGN_IN_FAILED' }] });
    const signInAt = all.body.items[1].at as string;
    const window = await request(h.app)
      .get('/access-log')
      .query({ personId: a.id, from: signInAt, to: new Date(Date.parse(signInAt) + 1).toISOString() })
      .set('Authorization', auditor);
    expect(window.body.items.map((i: { kind: string }) => i.kind)).toContain('SIGN_IN');
    const future = await request(h.app).get('/access-log').query({ personId: a.id, from: '2099-01-01T00:00:00Z' }).set('Authorization', auditor);
    expect(future.body).toMatchObject({ total: 0, items: [] });
  });

  it("an auditor of another district sees neither this district's people nor their sign-ins; both see unknown logins", async () => {
    const a = await account('scoped');
    await login({ login: a.login, password: PASSWORD, client: 'program' });
    await login({ login: `ghost-${suffix}`, password: PASSWORD });
    const outsider = await account('x-auditor', { role: 'AUDITOR', unitId: otherDistrict });
    const outsiderToken = (await login({ login: outsider.login, password: PASSWORD, client: 'program' })).body.token as string;
    const asOutsider = (query: object) => request(h.app).get('/access-log').query(query).set('Authorization', `Bearer ${outsiderToken}`);

    expect((await asOutsider({ personId: a.id })).body).toMatchObject({ total: 0, items: [] });
    const outsiderSees = (await asOutsider({ kind: 'SIGN_IN_FAILED', pageSize: 200 })).body.items as { login: string | null; personId: string | null }[];
    expect(outsiderSees.some((i) => i.login === `ghost-${suffix}` && i.personId === null)).toBe(true);
    expect((await asOutsider({ personId: outsider.id })).body.total).toBe(1);

    const auditor = await h.bearer('AUDITOR');
    expect((await request(h.app).get('/access-log').query({ personId: a.id }).set('Authorization', auditor)).body.total).toBe(1);
    expect((await request(h.app).get('/access-log').query({ personId: outsider.id }).set('Authorization', auditor)).body.total).toBe(0);
  });

  it('403 for a department officer; 400 for bad filters', async () => {
    const officer = await request(h.app).get('/access-log').set('Authorization', await h.bearer('DEPARTMENT_OFFICER'));
    expect(officer.status).toBe(403);
    const auditor = await h.bearer('AUDITOR');
    const bad = await request(h.app).get('/access-log').query({ kind: 'PARTY', from: 'yesterday', pageSize: 1000 }).set('Authorization', auditor);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['query.from', 'query.kind', 'query.pageSize']);
    const backwards = await request(h.app).get('/access-log').query({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }).set('Authorization', auditor);
    expect(backwards.body.error.fields).toEqual([{ path: 'query.to', message: 'must be after from' }]);
  });
});

describe('demo accounts', () => {
  it('the seed gives one person per role a demo account (outside production) that signs in', async () => {
    const demo = await listDemoAccounts(h.db);
    expect(demo.map((d) => d.role)).toEqual(expect.arrayContaining(['REPORTER', 'GRID_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER', 'AUDITOR', 'ADMIN']));
    expect(new Set(demo.map((d) => d.role)).size).toBe(demo.length);
    const res = await login({ login: demoLogin('ADMIN'), password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'ADMIN', personId: 'p-admin-GL' });
  });

  it('production refuses to start with active demo accounts or the development secret; a production seed removes them', async () => {
    // A database of its own: the shared one keeps its demo accounts for the suites running beside this one.
    const isolated = await isolatedDatabase();
    const db = createDb(isolated.url, 1);
    try {
      const prod = { ...h.cfg, NODE_ENV: 'production' as const, JWT_SECRET: 'a-production-secret-of-at-least-32-chars!' };
      await seed(db, { demoAccounts: true });
      await expect(assertProductionReady(db, prod)).rejects.toThrow(/demo account.*demo-admin/s);
      await expect(assertProductionReady(db, { ...prod, JWT_SECRET: 'dev-only-secret-change-me-0123456789abcdef' })).rejects.toThrow(/development secret/);
      await expect(assertProductionReady(db, h.cfg)).resolves.toBeUndefined(); // not production: nothing to check
      await seed(db, { demoAccounts: false });
      expect(await listDemoAccounts(db)).toEqual([]);
      expect(await db.person.count({ where: { OR: [{ login: demoLogin('ADMIN') }, { passwordHash: { not: null } }] } })).toBe(0);
      await expect(assertProductionReady(db, prod)).resolves.toBeUndefined();
    } finally {
      await db.$disconnect();
      await isolated.drop();
    }
  });
});
