// The pure parts of signing in: password policy, scrypt hash format and verification,
// the lockout delay, CSRF/token comparison, cookie parsing, the API-key log throttle and
// the CSRF rule of cookie sessions (over fakes; the database paths are in
// test/integration/api.signin.test.ts).
import { createAccessLog } from '../../features/auth/accessLog';
import { AuthError, type Authenticator } from '../../features/auth/auth';
import { demoLogin, demoPeople } from '../../features/auth/demoAccounts';
import {
  hashPassword,
  hashToken,
  lockoutSeconds,
  needsRehash,
  newToken,
  parsePasswordHash,
  passwordProblem,
  scryptParams,
  tokenMatchesHash,
  verifyPassword,
} from '../../features/auth/passwords';
import type { ResolvedSession, SessionStore } from '../../features/auth/sessions';
import { ApiError } from '../../api/errors';
import { cookieValue, withSessions } from '../../api/middleware/sessionAuth';

const CHEAP = scryptParams(14);

describe('password policy', () => {
  it('accepts 10–128 characters, counted as characters not bytes', () => {
    expect(passwordProblem('correct horse')).toBeNull();
    expect(passwordProblem('a'.repeat(128))).toBeNull();
    expect(passwordProblem('鼓楼区网格员的口令很长')).toBeNull(); // 11 characters, 33 bytes
    expect(passwordProblem('短口令短口令短口令')).toMatch(/at least 10/); // 9 characters
    expect(passwordProblem('123456789')).toMatch(/at least 10/);
    expect(passwordProblem('a'.repeat(129))).toMatch(/at most 128/);
  });

  it('refuses blank, common, and login-containing passwords', () => {
    expect(passwordProblem(' '.repeat(12))).toMatch(/spaces/);
    expect(passwordProblem('Password123')).toMatch(/common/);
    expect(passwordProblem('1234567890')).toMatch(/common/);
    expect(passwordProblem('xx-huang.lp-2026', 'huang.lp')).toMatch(/login/);
    expect(passwordProblem('xx-huang.lp-2026', 'someone')).toBeNull();
  });
});

describe('scrypt hashes', () => {
  it('stores algorithm, parameters, salt and key; never the password', async () => {
    const stored = await hashPassword('correct horse battery', CHEAP);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct');
    expect(parsePasswordHash(stored)).toMatchObject({ N: 16384, r: 8, p: 1 });
  });

  it('salts each hash, verifies the right password only', async () => {
    const a = await hashPassword('correct horse battery', CHEAP);
    const b = await hashPassword('correct horse battery', CHEAP);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('normalizes Unicode (NFC) so a composed and a decomposed é are the same password', async () => {
    const stored = await hashPassword('caf\u00e9-au-lait-42', CHEAP);
    expect(await verifyPassword('cafe\u0301-au-lait-42', stored)).toBe(true);
  });

  it('refuses malformed or absurd stored hashes instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$16384$8$1$c2FsdA', 'scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5', 'bcrypt$2$8$1$x$y', `scrypt$${2 ** 30}$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5`]) {
      expect(parsePasswordHash(bad)).toBeNull();
      expect(await verifyPassword('whatever-password', bad)).toBe(false);
    }
  });

  it('asks for a rehash when the cost went up', async () => {
    const stored = await hashPassword('correct horse battery', CHEAP);
    expect(needsRehash(stored, CHEAP)).toBe(false);
    expect(needsRehash(stored, scryptParams(17))).toBe(true);
    expect(needsRehash('garbage', CHEAP)).toBe(true);
  });
});

describe('lockout delay', () => {
  it('nothing before the 5th failure, then 1, 2, 4 … minutes, capped at an hour', () => {
    expect([0, 1, 2, 3, 4].map(lockoutSeconds)).toEqual([0, 0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10].map(lockoutSeconds)).toEqual([60, 120, 240, 480, 960, 1920]);
    expect(lockoutSeconds(11)).toBe(3600);
    expect(lockoutSeconds(1000)).toBe(3600);
  });
});

describe('tokens and CSRF comparison', () => {
  it('new tokens carry their prefix and 256 random bits, no dots', () => {
    const t = newToken('coe_t_');
    expect(t).toMatch(/^coe_t_[A-Za-z0-9_-]{43}$/);
    expect(newToken('coe_t_')).not.toBe(t);
  });

  it('matches the presented token against its stored sha256 only', () => {
    const token = newToken('coe_c_');
    const stored = hashToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatchesHash(token, stored)).toBe(true);
    expect(tokenMatchesHash(`${token}x`, stored)).toBe(false);
    expect(tokenMatchesHash(stored, stored)).toBe(false); // the hash itself is not the token
    expect(tokenMatchesHash(undefined, stored)).toBe(false);
    expect(tokenMatchesHash('', stored)).toBe(false);
    expect(tokenMatchesHash(token, null)).toBe(false);
    expect(tokenMatchesHash(token, 'short')).toBe(false);
  });
});

describe('cookieValue', () => {
  it('finds one cookie among several, decoded', () => {
    expect(cookieValue('a=1; coe_session=abc%2Fd; b=2', 'coe_session')).toBe('abc/d');
    expect(cookieValue('coe_session_x=1; coe_session="q"', 'coe_session')).toBe('q');
    expect(cookieValue('a=1', 'coe_session')).toBeUndefined();
    expect(cookieValue(undefined, 'coe_session')).toBeUndefined();
  });
});

describe('API-key access log throttle', () => {
  it('writes at most one row per key per minute (the minute is in the throttle key)', async () => {
    const rows: Array<{ throttleKey?: string; kind: string; detail?: unknown }> = [];
    const db = {
      accessLog: {
        create: async ({ data }: { data: never }) => rows.push(data),
        createMany: async ({ data }: { data: Array<{ throttleKey: string; kind: string }> }) => {
          for (const d of data) if (!rows.some((r) => r.throttleKey === d.throttleKey)) rows.push(d);
          return { count: data.length };
        },
      },
    };
    let t = Date.parse('2026-12-03T10:00:05Z');
    const log = createAccessLog(db as never, { now: () => t });
    const keyA = 'a'.repeat(64);
    const keyB = 'b'.repeat(64);
    await log.apiKeyUsed('p-1', keyA);
    await log.apiKeyUsed('p-1', keyA);
    await log.apiKeyUsed('p-2', keyB);
    t += 50_000; // 10:00:55, same minute
    await log.apiKeyUsed('p-1', keyA);
    expect(rows.map((r) => r.throttleKey)).toEqual([`apikey:${keyA.slice(0, 12)}:${Math.floor(Date.parse('2026-12-03T10:00:05Z') / 60_000)}`, expect.stringMatching(/^apikey:bbbbbbbbbbbb:/)]);
    t += 10_000; // 10:01:05, the next minute
    await log.apiKeyUsed('p-1', keyA);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ kind: 'API_KEY_USED', detail: { keyId: keyA.slice(0, 12) } });
    // A second API instance (its own memory) in the same minute: the unique key skips the duplicate.
    const other = createAccessLog(db as never, { now: () => t });
    await other.apiKeyUsed('p-1', keyA);
    expect(rows).toHaveLength(3);
  });
});

describe('cookie sessions and CSRF (withSessions)', () => {
  const csrf = 'coe_c_the-csrf-token';
  const session: ResolvedSession = {
    id: 's-1',
    kind: 'BROWSER',
    csrfHash: hashToken(csrf),
    expiresAt: new Date('2026-12-03T22:00:00Z'),
    person: { id: 'p-1', name: '张三', role: 'GRID_WORKER', unitId: 'G1', active: true },
  };
  const sessions = {
    resolve: async (token: string, kind: string) => {
      if (token === 'coe_s_good' && kind === 'BROWSER') return session;
      if (token === 'coe_t_good' && kind === 'PROGRAM') return { ...session, id: 's-2', kind: 'PROGRAM', csrfHash: null };
      throw new AuthError('not a session');
    },
  } as unknown as SessionStore;
  const base: Authenticator = {
    authenticate: async (c) => {
      if (c.authorization === 'Bearer jwt.jwt.jwt') return { personId: 'p-jwt', role: 'ADMIN', unitId: 'GL', name: 'x', via: 'jwt' };
      if (c.apiKey === 'k') return { personId: 'p-key', role: 'REPORTER', unitId: 'GL', name: 'x', via: 'apiKey' };
      throw new AuthError('authentication required');
    },
    clear: () => undefined,
  };
  const used: string[] = [];
  const auth = withSessions(base, { sessions, accessLog: { record: async () => undefined, apiKeyUsed: async (p: string) => void used.push(p) } });

  it('a cookie session reads without a CSRF token and writes only with the right one', async () => {
    expect(await auth.authenticate({ cookie: 'coe_session=coe_s_good', method: 'GET' })).toMatchObject({ personId: 'p-1', via: 'session', sessionId: 's-1' });
    await expect(auth.authenticate({ cookie: 'coe_session=coe_s_good', method: 'POST' })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/X-CSRF-Token/) });
    await expect(auth.authenticate({ cookie: 'coe_session=coe_s_good', method: 'DELETE', csrfToken: 'coe_c_wrong' })).rejects.toBeInstanceOf(ApiError);
    expect(await auth.authenticate({ cookie: 'coe_session=coe_s_good', method: 'POST', csrfToken: csrf })).toMatchObject({ via: 'session' });
  });

  it('explicit credentials win over a cookie (no CSRF rule for programs)', async () => {
    expect(await auth.authenticate({ authorization: 'Bearer coe_t_good', cookie: 'coe_session=coe_s_good', method: 'POST' })).toMatchObject({ via: 'token', sessionId: 's-2' });
    expect(await auth.authenticate({ authorization: 'Bearer jwt.jwt.jwt', method: 'POST' })).toMatchObject({ via: 'jwt' });
    expect(await auth.authenticate({ apiKey: 'k', method: 'POST' })).toMatchObject({ via: 'apiKey' });
    expect(used).toEqual(['p-key']);
  });

  it('a browser cookie is not a bearer token and the reverse', async () => {
    await expect(auth.authenticate({ authorization: 'Bearer coe_s_good' })).rejects.toBeInstanceOf(AuthError);
    await expect(auth.authenticate({ cookie: 'coe_session=coe_t_good' })).rejects.toBeInstanceOf(AuthError);
  });
});

describe('demo accounts', () => {
  it('one per role, the first person of the role by id, with a readable login', () => {
    const people = [
      { id: 'p-b', role: 'ADMIN' as const },
      { id: 'p-a', role: 'ADMIN' as const },
      { id: 'p-c', role: 'GRID_WORKER' as const },
    ];
    expect(demoPeople(people)).toEqual([
      { id: 'p-c', role: 'GRID_WORKER', login: 'demo-grid-worker' },
      { id: 'p-a', role: 'ADMIN', login: 'demo-admin' },
    ]);
    expect(demoLogin('STREET_DISPATCHER')).toBe('demo-street-dispatcher');
  });
});
