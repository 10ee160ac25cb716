// Every way in, in one authenticator: a program's session token or an HS256 JWT in
// Authorization, an integration's X-Api-Key (its use logged), or the browser's session
// cookie — which must bring its CSRF token on every state-changing request. An explicit
// Authorization or X-Api-Key wins over a cookie, so a program is never subject to CSRF
// rules and a browser's ambient cookie never mixes with other credentials.
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/env';
import { createOrgAdmin } from '../../features/admin/org';
import { createAccessLog, type AccessLog } from '../../features/auth/accessLog';
import { createAccounts, type Accounts } from '../../features/auth/accounts';
import { hashApiKey, type Authenticator, type Principal } from '../../features/auth/auth';
import { createOidcSignIn, createOidcVerifier, type OidcSignIn } from '../../features/auth/oidc';
import { tokenMatchesHash } from '../../features/auth/passwords';
import { createSessionStore, isProgramToken, SESSION_COOKIE, type ResolvedSession, type SessionStore } from '../../features/auth/sessions';
import { createPasswordSignIn, type PasswordSignIn } from '../../features/auth/signIn';
import type { Db } from '../../platform/db';
import { httpErrors } from '../errors';

/** The sign-in machinery the routes and the authenticator share. */
export interface SignInServices {
  sessions: SessionStore;
  accessLog: AccessLog;
  passwordSignIn: PasswordSignIn;
  /** Only when OIDC_ISSUER is configured. */
  oidcSignIn?: OidcSignIn;
  accounts: Accounts;
}

export function createSignInServices(deps: { db: Db; cfg: AppConfig; now?: () => number }): SignInServices {
  const { db, cfg, now } = deps;
  const sessions = createSessionStore(db, cfg, { now });
  const accessLog = createAccessLog(db, { now });
  const scryptLogN = cfg.PASSWORD_SCRYPT_LOG_N;
  return {
    sessions,
    accessLog,
    passwordSignIn: createPasswordSignIn({ db, sessions, accessLog, scryptLogN, now }),
    ...(cfg.OIDC_ISSUER ? { oidcSignIn: createOidcSignIn({ db, sessions, accessLog, verifier: createOidcVerifier(cfg, { now }) }) } : {}),
    // A deactivation is also a directory change: refused for the last holder of a post with
    // open cases, and logged in AdminChange in the same transaction (features/admin).
    accounts: createAccounts({ db, sessions, accessLog, scryptLogN, now, onDeactivate: createOrgAdmin({ db, now }).onPersonDeactivate }),
  };
}

/** One cookie's value from a Cookie header (no dependency for a one-liner). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function principalOfSession(s: ResolvedSession, via: 'session' | 'token'): Principal {
  return { personId: s.person.id, role: s.person.role, unitId: s.person.unitId, name: s.person.name, via, sessionId: s.id };
}

/** `base` (JWT, API key) plus session cookies and program tokens. */
export function withSessions(base: Authenticator, svc: Pick<SignInServices, 'sessions' | 'accessLog'>, logger?: Logger): Authenticator {
  return {
    async authenticate(creds) {
      if (creds.authorization) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization);
        if (m && isProgramToken(m[1])) return principalOfSession(await svc.sessions.resolve(m[1], 'PROGRAM'), 'token');
        return base.authenticate(creds);
      }
      if (creds.apiKey) {
        const p = await base.authenticate(creds);
        // The audit trail must not cost the integration its request: a failed log write is only logged.
        await svc.accessLog.apiKeyUsed(p.personId, hashApiKey(creds.apiKey.trim()), creds.ip).catch((err: unknown) => {
          logger?.warn({ err, personId: p.personId }, 'could not write the API-key access log');
        });
        return p;
      }
      const cookie = cookieValue(creds.cookie, SESSION_COOKIE);
      if (cookie) {
        const session = await svc.sessions.resolve(cookie, 'BROWSER');
        // The synchronizer token: another site can make the browser send the cookie (where
        // SameSite does not stop it), but cannot read the token the sign-in answer gave.
        if (!SAFE_METHODS.has((creds.method ?? 'GET').toUpperCase()) && !tokenMatchesHash(creds.csrfToken, session.csrfHash)) {
          throw httpErrors.forbidden(
            creds.csrfToken
              ? 'the X-CSRF-Token header does not match this session'
              : 'a cookie session must send the X-CSRF-Token header (from the sign-in answer or GET /auth/session) on this request',
          );
        }
        return principalOfSession(session, 'session');
      }
      return base.authenticate(creds);
    },
    clear() {
      base.clear();
    },
  };
}
