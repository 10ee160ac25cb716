// City single sign-on (OpenID Connect). The browser (or a gateway) runs the provider's
// authorization-code flow itself and posts the resulting ID token to POST /auth/oidc; here
// the token is verified against the provider's published keys (JWKS: signature, issuer,
// audience = our client id, expiry) and its configured claim is matched to a Person.
// We keep no client secret and no redirect state: the provider's signature is the proof.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AppConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import { DomainError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import type { AccessLog } from './accessLog';
import { AuthError } from './auth';
import type { NewSession, SessionKind, SessionStore } from './sessions';

export type OidcConfig = Pick<AppConfig, 'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'OIDC_JWKS_URL' | 'OIDC_PERSON_CLAIM'>;

/** Asymmetric algorithms only: an HMAC "ID token" would be signed with a secret we do not have. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The provider's metadata: its issuer must be the configured one, and it names the JWKS. */
async function discoverJwksUrl(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`OIDC discovery at ${url} answered ${res.status}`);
  const meta = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (meta.issuer !== issuer) throw new Error(`OIDC discovery at ${url} names issuer ${String(meta.issuer)}, not ${issuer}`);
  if (typeof meta.jwks_uri !== 'string') throw new Error(`OIDC discovery at ${url} has no jwks_uri`);
  return meta.jwks_uri;
}

/** The provider (discovery or JWKS) cannot be reached: Unavailable (503, SSO_UNAVAILABLE), not the client's fault. */
export class OidcUnavailableError extends DomainError {
  override name = 'OidcUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('Unavailable', 'SSO_UNAVAILABLE', message, { retryAfterSeconds: 5 }, options);
  }
}

export interface OidcVerifier {
  /** The person claim of a valid ID token; AuthError (401) otherwise. */
  verify(idToken: string): Promise<string>;
}

export function createOidcVerifier(cfg: OidcConfig, opts: { now?: () => number } = {}): OidcVerifier {
  const { OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience } = cfg;
  if (!issuer || !audience) throw new Error('OIDC is not configured (OIDC_ISSUER, OIDC_AUDIENCE)');
  const now = opts.now ?? Date.now;
  // createRemoteJWKSet caches the keys and refetches (rate-limited) when a token names an unknown kid,
  // so the provider's key rotation needs no restart.
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const keySet = () => {
    keys ??= (async () => createRemoteJWKSet(new URL(cfg.OIDC_JWKS_URL ?? (await discoverJwksUrl(issuer)))))();
    keys.catch(() => (keys = undefined)); // a provider down at the first sign-in is asked again next time
    return keys;
  };
  return {
    async verify(idToken) {
      const getKey = await keySet().catch((err: unknown) => {
        throw new OidcUnavailableError('the single sign-on provider cannot be reached (discovery)', { cause: err });
      });
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(idToken, getKey, {
          issuer,
          audience,
          algorithms: ALGORITHMS,
          requiredClaims: ['exp', 'iat'],
          currentDate: new Date(now()),
          clockTolerance: 30,
        }));
      } catch (err) {
        // The provider's keys out of reach is not the client's fault: no 401 for it.
        if (err instanceof joseErrors.JWKSTimeout) throw new OidcUnavailableError('the single sign-on provider did not answer in time', { cause: err });
        if (err instanceof joseErrors.JWTExpired) throw new AuthError('the ID token has expired');
        if (err instanceof joseErrors.JWTClaimValidationFailed) throw new AuthError(`the ID token is not for this service (${err.claim} claim)`);
        if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWSSignatureVerificationFailed) {
          throw new AuthError('the ID token is not signed by the configured provider');
        }
        if (err instanceof joseErrors.JOSEError) throw new AuthError(`the ID token is not valid (${err.code})`);
        throw new OidcUnavailableError('the single sign-on provider cannot be reached', { cause: err });
      }
      const subject = payload[cfg.OIDC_PERSON_CLAIM];
      if (typeof subject !== 'string' || subject === '') throw new AuthError(`the ID token has no ${cfg.OIDC_PERSON_CLAIM} claim`);
      return subject;
    },
  };
}

export interface OidcSignInDeps {
  db: Pick<Db, 'person'>;
  sessions: SessionStore;
  accessLog: AccessLog;
  verifier: OidcVerifier;
}

/** Verify the ID token, find its person (known and active), open a session. AuthError otherwise. */
export function createOidcSignIn(deps: OidcSignInDeps) {
  return async function signIn(input: { idToken: string; kind: SessionKind; ip?: string | null }): Promise<{
    person: { id: string; name: string; role: Role; unitId: string };
    session: NewSession;
  }> {
    const failed = async (err: AuthError, personId?: string, subject?: string): Promise<never> => {
      await deps.accessLog.record({ kind: 'OIDC_SIGN_IN_FAILED', personId, ip: input.ip, detail: { reason: err.message, ...(subject ? { subject } : {}) } });
      throw err;
    };
    let subject: string;
    try {
      subject = await deps.verifier.verify(input.idToken);
    } catch (err) {
      if (err instanceof AuthError) return failed(err);
      throw err;
    }
    const person = await deps.db.person.findUnique({
      where: { externalSubject: subject },
      select: { id: true, name: true, role: true, unitId: true, active: true },
    });
    if (!person) return failed(new AuthError('nobody here is linked to this single sign-on account'), undefined, subject);
    if (!person.active) return failed(new AuthError(`person ${person.id} is deactivated`), person.id, subject);
    const session = await deps.sessions.create(person.id, input.kind, 'oidc');
    await deps.accessLog.record({ kind: 'OIDC_SIGN_IN', personId: person.id, ip: input.ip, sessionId: session.id, detail: { client: input.kind.toLowerCase(), subject } });
    return { person: { id: person.id, name: person.name, role: person.role, unitId: person.unitId }, session };
  };
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;
