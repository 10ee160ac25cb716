// Tokens, API keys and the authenticator over a fake Person table (no database).
import { AuthError, createAuthenticator, hashApiKey, signAccessToken, verifyAccessToken } from '../../features/auth/auth';
import { loadConfig } from '../../config/env';
import type { Role } from '../../domain/types';

const cfg = loadConfig({ JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', JWT_ISSUER: 'test-issuer' });
const person: { id: string; name: string; role: Role; unitId: string; active: boolean } = { id: 'p-1', name: '张三', role: 'GRID_WORKER', unitId: 'G1', active: true };

function fakeDb(rows: Array<typeof person & { apiKeyHash?: string }>) {
  const calls = { n: 0 };
  const db = {
    person: {
      findUnique: async ({ where }: { where: { id?: string; apiKeyHash?: string } }) => {
        calls.n += 1;
        return rows.find((r) => (where.id !== undefined ? r.id === where.id : r.apiKeyHash === where.apiKeyHash)) ?? null;
      },
    },
  };
  return { db: db as never, calls };
}

describe('access tokens', () => {
  it('round-trips the claims', async () => {
    const token = await signAccessToken(cfg, person);
    expect(await verifyAccessToken(cfg, token)).toEqual({ sub: 'p-1', role: 'GRID_WORKER', unitId: 'G1', name: '张三', exp: expect.any(Number) });
  });

  it('refuses another secret, another issuer, an expired token, garbage', async () => {
    const other = await signAccessToken({ ...cfg, JWT_SECRET: 'x'.repeat(40) }, person);
    await expect(verifyAccessToken(cfg, other)).rejects.toBeInstanceOf(AuthError);
    const issuer = await signAccessToken({ ...cfg, JWT_ISSUER: 'elsewhere' }, person);
    await expect(verifyAccessToken(cfg, issuer)).rejects.toThrow(/iss/);
    const old = await signAccessToken(cfg, person, { now: Date.now() - 3_600_000, ttlSeconds: 60 });
    await expect(verifyAccessToken(cfg, old)).rejects.toThrow(/expired/);
    await expect(verifyAccessToken(cfg, 'garbage')).rejects.toBeInstanceOf(AuthError);
  });
});

describe('createAuthenticator', () => {
  it('resolves a bearer token to the person as stored (role and unit from the database)', async () => {
    const { db } = fakeDb([{ ...person, role: 'STREET_DISPATCHER', unitId: 'S1' }]);
    const auth = createAuthenticator({ db, cfg });
    const token = await signAccessToken(cfg, person);
    expect(await auth.authenticate({ authorization: `Bearer ${token}` })).toEqual({
      personId: 'p-1', role: 'STREET_DISPATCHER', unitId: 'S1', name: '张三', via: 'jwt',
    });
  });

  it('resolves an API key by its sha256', async () => {
    const { db } = fakeDb([{ ...person, apiKeyHash: hashApiKey('k-123') }]);
    const auth = createAuthenticator({ db, cfg });
    expect((await auth.authenticate({ apiKey: 'k-123' })).via).toBe('apiKey');
    await expect(auth.authenticate({ apiKey: 'k-124' })).rejects.toThrow(/API key/);
  });

  it('refuses missing credentials, a non-bearer scheme, unknown and deactivated people', async () => {
    const { db } = fakeDb([{ ...person, id: 'p-off', active: false }]);
    const auth = createAuthenticator({ db, cfg });
    await expect(auth.authenticate({})).rejects.toThrow(/authentication required/);
    await expect(auth.authenticate({ authorization: 'Basic abc' })).rejects.toThrow(/Bearer/);
    await expect(auth.authenticate({ authorization: `Bearer ${await signAccessToken(cfg, person)}` })).rejects.toThrow(/does not belong/);
    await expect(auth.authenticate({ authorization: `Bearer ${await signAccessToken(cfg, { ...person, id: 'p-off' })}` })).rejects.toThrow(/deactivated/);
  });

  it('caches people briefly, then re-reads them', async () => {
    let t = 0;
    const rows = [{ ...person }];
    const { db, calls } = fakeDb(rows);
    const auth = createAuthenticator({ db, cfg, cacheTtlMs: 1000, now: () => t });
    const bearer = `Bearer ${await signAccessToken(cfg, person)}`;
    await auth.authenticate({ authorization: bearer });
    await auth.authenticate({ authorization: bearer });
    expect(calls.n).toBe(1);
    rows[0].active = false;
    t = 1500;
    await expect(auth.authenticate({ authorization: bearer })).rejects.toThrow(/deactivated/);
    expect(calls.n).toBe(2);
  });

  it('remembers a verified token only until it expires', async () => {
    const { db } = fakeDb([{ ...person }]);
    const auth = createAuthenticator({ db, cfg });
    // Expires 0.5 to 1.5 s from now (exp has whole seconds).
    const soon = await signAccessToken(cfg, person, { now: Date.now() - 58_500, ttlSeconds: 60 });
    const bearer = `Bearer ${soon}`;
    expect((await auth.authenticate({ authorization: bearer })).personId).toBe('p-1');
    expect((await auth.authenticate({ authorization: bearer })).personId).toBe('p-1');
    await new Promise((r) => setTimeout(r, 2_600));
    await expect(auth.authenticate({ authorization: bearer })).rejects.toThrow(/expired/);
    // Another token with another signature is not taken from the cache.
    const forged = `${soon.slice(0, soon.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    await expect(auth.authenticate({ authorization: `Bearer ${forged}` })).rejects.toThrow(/not a valid token/);
  });

  it('does not remember a failed lookup', async () => {
    let fail = true;
    const db = { person: { findUnique: async () => { if (fail) throw new Error('db down'); return person; } } };
    const auth = createAuthenticator({ db: db as never, cfg });
    const bearer = `Bearer ${await signAccessToken(cfg, person)}`;
    await expect(auth.authenticate({ authorization: bearer })).rejects.toThrow('db down');
    fail = false;
    expect((await auth.authenticate({ authorization: bearer })).personId).toBe('p-1');
  });
});

describe('hashApiKey', () => {
  it('is the sha256 hex of the key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
