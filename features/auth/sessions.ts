// Signed-in sessions: a browser's HttpOnly cookie or a program's opaque bearer token, both
// rows of the Session table that hold only sha256 hashes of their secrets. Unlike the HS256
// JWTs, a session ends the moment it is revoked (sign-out, password reset, deactivation):
// every request reads its row, so there is no cache to outlive a revocation.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import type { SessionKind } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { AuthError } from './auth';
import { hashToken, newToken } from './passwords';

export type { SessionKind };

/** The browser's session cookie. */
export const SESSION_COOKIE = 'coe_session';
/** The header carrying the CSRF synchronizer token on unsafe requests of a cookie session. */
export const CSRF_HEADER = 'X-CSRF-Token';
/** Cookie values and program tokens; the bearer prefix tells them apart from a JWT at a glance. */
export const BROWSER_TOKEN_PREFIX = 'coe_s_';
export const PROGRAM_TOKEN_PREFIX = 'coe_t_';
const CSRF_TOKEN_PREFIX = 'coe_c_';

/** Whether an Authorization bearer value is a program session token rather than a JWT. */
export function isProgramToken(token: string): boolean {
  return token.startsWith(PROGRAM_TOKEN_PREFIX);
}

export type SessionConfig = Pick<AppConfig, 'SESSION_TTL_HOURS' | 'SESSION_IDLE_MINUTES'>;

export interface SessionPerson {
  id: string;
  name: string;
  role: Role;
  unitId: string;
  active: boolean;
}

export interface ResolvedSession {
  id: string;
  kind: SessionKind;
  csrfHash: string | null;
  expiresAt: Date;
  person: SessionPerson;
}

export interface NewSession {
  id: string;
  kind: SessionKind;
  /** The cookie value or bearer token: shown to the client once, stored only hashed. */
  token: string;
  /** Browser sessions: the CSRF token the client sends back in X-CSRF-Token. */
  csrfToken?: string;
  expiresAt: Date;
}

/**
 * Ended sessions are deleted at their person's next sign-in once this old: until then a stale
 * cookie still gets "signed out"/"expired" rather than "not a valid session". The access log,
 * not this table, is the record of who signed in when.
 */
export const ENDED_SESSION_KEEP_MS = 7 * 86_400_000;

/** Don't write lastSeenAt on every request: once a minute is precise enough for an idle timeout of minutes. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionStore {
  create(personId: string, kind: SessionKind, method: 'password' | 'oidc'): Promise<NewSession>;
  /** The live session behind a token of this kind; AuthError (401) when revoked, expired, idle or unknown. */
  resolve(token: string, kind: SessionKind): Promise<ResolvedSession>;
  /** A fresh CSRF token for a browser session (the old one stops matching). */
  rotateCsrf(sessionId: string): Promise<string>;
  revoke(sessionId: string, reason: string): Promise<boolean>;
  /** Revoke every live session of a person; the number revoked. */
  revokeAllOf(personId: string, reason: string): Promise<number>;
}

export function createSessionStore(db: Pick<Db, 'session'>, cfg: SessionConfig, opts: { now?: () => number } = {}): SessionStore {
  const now = opts.now ?? Date.now;
  const ttlMs = cfg.SESSION_TTL_HOURS * 3_600_000;
  const idleMs = cfg.SESSION_IDLE_MINUTES * 60_000;
  return {
    async create(personId, kind, method) {
      const t = now();
      const token = newToken(kind === 'BROWSER' ? BROWSER_TOKEN_PREFIX : PROGRAM_TOKEN_PREFIX);
      const csrfToken = kind === 'BROWSER' ? newToken(CSRF_TOKEN_PREFIX) : undefined;
      const id = randomUUID();
      const expiresAt = new Date(t + ttlMs);
      const endedBefore = new Date(t - ENDED_SESSION_KEEP_MS);
      await db.session.deleteMany({ where: { personId, OR: [{ expiresAt: { lt: endedBefore } }, { revokedAt: { lt: endedBefore } }] } });
      await db.session.create({
        data: {
          id,
          tokenHash: hashToken(token),
          csrfHash: csrfToken ? hashToken(csrfToken) : null,
          kind,
          method,
          personId,
          createdAt: new Date(t),
          lastSeenAt: new Date(t),
          expiresAt,
        },
      });
      return { id, kind, token, ...(csrfToken ? { csrfToken } : {}), expiresAt };
    },

    async resolve(token, kind) {
      const t = now();
      const row = await db.session.findUnique({
        where: { tokenHash: hashToken(token) },
        select: {
          id: true, kind: true, csrfHash: true, expiresAt: true, lastSeenAt: true, revokedAt: true,
          person: { select: { id: true, name: true, role: true, unitId: true, active: true } },
        },
      });
      // A browser cookie sent as a bearer token (or the reverse) would skip or break the CSRF rule.
      if (!row || row.kind !== kind) throw new AuthError(kind === 'BROWSER' ? 'the session cookie is not a valid session; sign in again' : 'the bearer token is not a valid session token');
      if (row.revokedAt) throw new AuthError('the session has ended (signed out or revoked); sign in again');
      if (row.expiresAt.getTime() <= t) throw new AuthError('the session has expired; sign in again');
      if (kind === 'BROWSER' && idleMs > 0 && row.lastSeenAt.getTime() + idleMs <= t) {
        throw new AuthError('the session has expired after being idle; sign in again');
      }
      if (!row.person.active) throw new AuthError(`person ${row.person.id} is deactivated`);
      if (t - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        await db.session.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: new Date(t) } });
      }
      return { id: row.id, kind: row.kind, csrfHash: row.csrfHash, expiresAt: row.expiresAt, person: row.person as SessionPerson };
    },

    async rotateCsrf(sessionId) {
      const csrfToken = newToken(CSRF_TOKEN_PREFIX);
      await db.session.update({ where: { id: sessionId }, data: { csrfHash: hashToken(csrfToken) } });
      return csrfToken;
    },

    async revoke(sessionId, reason) {
      const r = await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(now()), revokedReason: reason } });
      return r.count > 0;
    },

    async revokeAllOf(personId, reason) {
      const r = await db.session.updateMany({ where: { personId, revokedAt: null }, data: { revokedAt: new Date(now()), revokedReason: reason } });
      return r.count;
    },
  };
}
