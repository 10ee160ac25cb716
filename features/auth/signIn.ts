// Signing in with a local password: lockout, constant-effort failures, rehash at a higher
// cost, the access-log rows. Returns what happened; the HTTP layer turns it into answers.
import type { Db } from '../../platform/db';
import type { Role } from '../../domain/types';
import type { AccessLog } from './accessLog';
import { hashPassword, lockoutSeconds, needsRehash, scryptParams, verifyPassword } from './passwords';
import type { NewSession, SessionKind, SessionStore } from './sessions';

export interface SignedIn {
  ok: true;
  person: { id: string; name: string; role: Role; unitId: string };
  session: NewSession;
}
export type SignInResult =
  | SignedIn
  /** Wrong password, unknown login, no local password, deactivated: one answer for all. */
  | { ok: false; reason: 'invalid' }
  /** Locked: refused whatever the password, for `retryAfterSeconds` more. */
  | { ok: false; reason: 'locked'; retryAfterSeconds: number };

export interface PasswordSignInDeps {
  db: Pick<Db, 'person'>;
  sessions: SessionStore;
  accessLog: AccessLog;
  /** log2 of the scrypt cost new hashes get (PASSWORD_SCRYPT_LOG_N). */
  scryptLogN: number;
  now?: () => number;
}

/** Logins are compared without case or surrounding spaces ("Admin " signs in as "admin"). */
export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}

export function createPasswordSignIn(deps: PasswordSignInDeps) {
  const now = deps.now ?? Date.now;
  const params = scryptParams(deps.scryptLogN);
  // Unknown logins still pay for one scrypt, so the answer's timing does not tell which logins exist.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashPassword('decoy password, never matches', params));

  return async function signIn(input: { login: string; password: string; kind: SessionKind; ip?: string | null }): Promise<SignInResult> {
    const login = normalizeLogin(input.login);
    const person = await deps.db.person.findUnique({
      where: { login },
      select: { id: true, name: true, role: true, unitId: true, active: true, passwordHash: true, failedLogins: true, lockedUntil: true },
    });
    const fail = async (why: string, personId?: string) => {
      await deps.accessLog.record({ kind: 'SIGN_IN_FAILED', personId, login, ip: input.ip, detail: { reason: why } });
      return { ok: false as const, reason: 'invalid' as const };
    };
    if (!person || !person.passwordHash) {
      await verifyPassword(input.password, person?.passwordHash ?? (await decoyHash()));
      return fail(person ? 'no local password' : 'unknown login', person?.id);
    }

    const t = now();
    // Locked: the same answer whatever the password, so guessing during a lock learns nothing.
    if (person.lockedUntil && person.lockedUntil.getTime() > t) {
      await deps.accessLog.record({ kind: 'SIGN_IN_FAILED', personId: person.id, login, ip: input.ip, detail: { reason: 'locked' } });
      return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((person.lockedUntil.getTime() - t) / 1000) };
    }

    if (!(await verifyPassword(input.password, person.passwordHash))) {
      const { failedLogins } = await deps.db.person.update({
        where: { id: person.id },
        data: { failedLogins: { increment: 1 } },
        select: { failedLogins: true },
      });
      const lock = lockoutSeconds(failedLogins);
      await fail('wrong password', person.id);
      if (lock > 0) {
        await deps.db.person.update({ where: { id: person.id }, data: { lockedUntil: new Date(t + lock * 1000) } });
        await deps.accessLog.record({ kind: 'LOCKOUT', personId: person.id, login, ip: input.ip, detail: { failures: failedLogins, seconds: lock } });
        return { ok: false, reason: 'locked', retryAfterSeconds: lock };
      }
      return { ok: false, reason: 'invalid' };
    }
    // The right password of a deactivated person is still a failure, and says no more than a wrong one.
    if (!person.active) return fail('deactivated', person.id);

    await deps.db.person.update({
      where: { id: person.id },
      data: {
        failedLogins: 0,
        lockedUntil: null,
        ...(needsRehash(person.passwordHash, params) ? { passwordHash: await hashPassword(input.password, params) } : {}),
      },
    });
    const session = await deps.sessions.create(person.id, input.kind, 'password');
    await deps.accessLog.record({ kind: 'SIGN_IN', personId: person.id, login, ip: input.ip, sessionId: session.id, detail: { client: input.kind.toLowerCase() } });
    return { ok: true, person: { id: person.id, name: person.name, role: person.role, unitId: person.unitId }, session };
  };
}

export type PasswordSignIn = ReturnType<typeof createPasswordSignIn>;
