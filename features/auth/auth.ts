// Who is calling: a bearer JWT (HS256) or an integration's API key, resolved to an
// active Person. The person is re-read from the database (briefly cached) so a
// deactivated account is refused at once, and its current role and unit are the ones
// the workflows see, whatever an older token claims.
import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { jwtSecret, type AppConfig } from '../../config/env';
import { ROLES, type Actor, type Role } from '../../domain/types';
import type { Db } from '../../platform/db';
import { DomainError } from '../../domain/errors';

/** The verified caller: the actor passed to workflows, plus how it proved itself. */
export interface Principal extends Actor {
  name: string;
  /** jwt / apiKey here; session (browser cookie) and token (program bearer) in features/auth/sessions.ts. */
  via: 'jwt' | 'apiKey' | 'session' | 'token';
  /** The Session row behind a cookie or program token (sign-out revokes it). */
  sessionId?: string;
}

/** Missing, malformed, expired or unknown credentials (Unauthenticated: HTTP 401). */
export class AuthError extends DomainError {
  override name = 'AuthError';
  constructor(message: string) {
    super('Unauthenticated', 'UNAUTHENTICATED', message);
  }
}

/** Claims of an access token besides the registered ones (sub = person id). */
export interface TokenClaims {
  sub: string;
  role: Role;
  unitId: string;
  name: string;
  /** Expiry (epoch seconds), when the token has one. */
  exp?: number;
}

export type AuthConfig = Pick<AppConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_TTL_SECONDS'>;

const ALGORITHM = 'HS256';

function secretKey(cfg: AuthConfig): Uint8Array {
  return new TextEncoder().encode(jwtSecret(cfg as AppConfig));
}

/** Sign an access token for a person (lifetime cfg.JWT_TTL_SECONDS unless given). */
export async function signAccessToken(
  cfg: AuthConfig,
  person: { id: string; role: Role; unitId: string; name: string },
  opts: { ttlSeconds?: number; now?: number } = {},
): Promise<string> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  return new SignJWT({ role: person.role, unitId: person.unitId, name: person.name })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(person.id)
    .setIssuer(cfg.JWT_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttlSeconds ?? cfg.JWT_TTL_SECONDS))
    .sign(secretKey(cfg));
}

/** Verify signature, issuer, expiry and claim shapes; throws AuthError with a clear reason. */
export async function verifyAccessToken(cfg: AuthConfig, token: string): Promise<TokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secretKey(cfg), { issuer: cfg.JWT_ISSUER, algorithms: [ALGORITHM] }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new AuthError('the bearer token has expired; sign in again');
    if (err instanceof joseErrors.JWTClaimValidationFailed) throw new AuthError(`the bearer token is not valid here (${err.claim} claim)`);
    throw new AuthError('the bearer token is not a valid token signed by this service');
  }
  const { sub, role, unitId, name } = payload;
  if (typeof sub !== 'string' || sub === '') throw new AuthError('the bearer token has no subject (person id)');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new AuthError('the bearer token has no valid role claim');
  if (typeof unitId !== 'string' || unitId === '') throw new AuthError('the bearer token has no unitId claim');
  return { sub, role: role as Role, unitId, name: typeof name === 'string' ? name : '', ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}) };
}

/** sha256 hex of an API key, as stored in Person.apiKeyHash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Credentials as they arrive on a request. */
export interface Credentials {
  authorization?: string;
  apiKey?: string;
  /** The Cookie header, the method, X-CSRF-Token and the client's address: for cookie sessions and the access log. */
  cookie?: string;
  method?: string;
  csrfToken?: string;
  ip?: string;
}

export interface Authenticator {
  /** The caller behind these credentials; throws AuthError (401) otherwise. */
  authenticate(creds: Credentials): Promise<Principal>;
  /** Forget cached people (tests, or after an admin change). */
  clear(): void;
}

export interface AuthenticatorOptions {
  db: Pick<Db, 'person'>;
  cfg: AuthConfig;
  /** How long a looked-up person is trusted before re-reading it. Default 10 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

type PersonRow = { id: string; name: string; role: Role; unitId: string; active: boolean };

const PERSON_FIELDS = { id: true, name: true, role: true, unitId: true, active: true } as const;
const MAX_CACHED = 10_000;

/** Bearer/API-key authentication against the Person table, with a short cache. */
export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  const ttl = opts.cacheTtlMs ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; row: Promise<PersonRow | null> }>();
  // A token's signature and claims stay valid until it expires: verify each token once
  // (an HMAC through WebCrypto per request was a tenth of the API's CPU per new case).
  const verified = new Map<string, TokenClaims & { exp: number }>();
  const verify = async (token: string): Promise<TokenClaims> => {
    const hit = verified.get(token);
    if (hit && now() < hit.exp * 1000) return hit;
    if (hit) verified.delete(token);
    const claims = await verifyAccessToken(opts.cfg, token);
    if (claims.exp !== undefined) {
      verified.set(token, claims as TokenClaims & { exp: number });
      if (verified.size > MAX_CACHED) verified.delete(verified.keys().next().value as string);
    }
    return claims;
  };

  const cached = (key: string, load: () => Promise<PersonRow | null>): Promise<PersonRow | null> => {
    const t = now();
    const hit = cache.get(key);
    if (hit && t - hit.at < ttl) return hit.row;
    const entry = { at: t, row: load() };
    cache.set(key, entry);
    // A failed lookup (database down) is not remembered.
    entry.row.catch(() => cache.get(key) === entry && cache.delete(key));
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    return entry.row;
  };

  const principalOf = (row: PersonRow | null, via: Principal['via'], what: string): Principal => {
    if (!row) throw new AuthError(`${what} does not belong to any person`);
    if (!row.active) throw new AuthError(`person ${row.id} is deactivated`);
    return { personId: row.id, role: row.role, unitId: row.unitId, name: row.name, via };
  };

  return {
    async authenticate({ authorization, apiKey }) {
      if (authorization !== undefined && authorization !== '') {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!m) throw new AuthError('the Authorization header must be "Bearer <token>"');
        const claims = await verify(m[1]);
        const row = await cached(`p:${claims.sub}`, () =>
          opts.db.person.findUnique({ where: { id: claims.sub }, select: PERSON_FIELDS }) as Promise<PersonRow | null>,
        );
        return principalOf(row, 'jwt', `the token's subject ${claims.sub}`);
      }
      if (apiKey !== undefined && apiKey !== '') {
        const hash = hashApiKey(apiKey.trim());
        const row = await cached(`k:${hash}`, () =>
          opts.db.person.findUnique({ where: { apiKeyHash: hash }, select: PERSON_FIELDS }) as Promise<PersonRow | null>,
        );
        return principalOf(row, 'apiKey', 'the API key');
      }
      throw new AuthError('authentication required: send "Authorization: Bearer <token>" or "X-Api-Key: <key>"');
    },
    clear() {
      cache.clear();
      verified.clear();
    },
  };
}
