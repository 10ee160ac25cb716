// What an administrator does to a person's credentials: reset the password, deactivate the
// person, rotate an integration's API key. Each is limited to the admin's own district (the
// root of the OrgUnit tree above both), revokes what must stop working at once, and is logged.
import { RefusalError, type Refusal } from '../../domain/errors';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import type { AccessLog } from './accessLog';
import { hashApiKey } from './auth';
import { hashPassword, newToken, passwordProblem, scryptParams } from './passwords';
import type { SessionStore } from './sessions';
import { normalizeLogin } from './signIn';

export type AccountRefusal = Refusal;

/** An admin action on an account refused: CONFLICT's code or INVALID's body field is the detail. */
export class AccountError extends RefusalError {
  override name = 'AccountError';
  constructor(
    reason: AccountRefusal,
    message: string,
    /** CONFLICT: a stable code; INVALID: the body field. */
    readonly detail?: string,
  ) {
    super(reason, message, detail, reason === 'INVALID' ? [{ path: detail ?? '', message }] : undefined);
  }
}

/** The district a unit belongs to: the top of its OrgUnit tree (null for an unknown unit). */
export async function districtOf(db: Pick<Db, 'orgUnit'>, unitId: string): Promise<string | null> {
  let id: string | null = unitId;
  for (let depth = 0; id && depth < 16; depth++) {
    const unit: { id: string; kind: string; parentId: string | null } | null = await db.orgUnit.findUnique({
      where: { id },
      select: { id: true, kind: true, parentId: true },
    });
    if (!unit) return null;
    if (unit.kind === 'DISTRICT' || unit.parentId === null) return unit.id;
    id = unit.parentId;
  }
  return null;
}

export interface AccountDeps {
  db: Pick<Db, 'person' | 'orgUnit' | '$transaction'>;
  sessions: SessionStore;
  accessLog: AccessLog;
  scryptLogN: number;
  now?: () => number;
  /**
   * Runs in the deactivation's transaction, before the update: may refuse (throw) and records
   * the change (features/admin: the last holder of a post with open cases, the AdminChange row).
   */
  onDeactivate?: (tx: Prisma.TransactionClient, admin: Admin, personId: string, at: Date) => Promise<void>;
}

export interface Admin {
  personId: string;
  unitId: string;
}

/** A login: 3–64 of a-z 0-9 . _ @ - (stored lower-case). */
export const LOGIN_PATTERN = /^[a-z0-9._@-]{3,64}$/;

export function createAccounts(deps: AccountDeps) {
  const now = deps.now ?? Date.now;

  /** The target person, when it exists and lies in the admin's district. */
  async function target(admin: Admin, personId: string) {
    const person = await deps.db.person.findUnique({ where: { id: personId }, select: { id: true, unitId: true, login: true, active: true, apiKeyHash: true } });
    if (!person) throw new AccountError('NOT_FOUND', `no person ${personId}`);
    const [mine, theirs] = await Promise.all([districtOf(deps.db, admin.unitId), districtOf(deps.db, person.unitId)]);
    if (!mine || mine !== theirs) throw new AccountError('FORBIDDEN', `person ${personId} belongs to another district than yours`);
    return person;
  }

  return {
    /** Set a new password (and a login, if the person has none yet or it is given); ends every session. */
    async resetPassword(admin: Admin, personId: string, input: { password: string; login?: string }, ip?: string | null) {
      const person = await target(admin, personId);
      const login = input.login !== undefined ? normalizeLogin(input.login) : person.login;
      if (!login) throw new AccountError('INVALID', 'this person has no login yet: give one with the new password', 'login');
      const problem = passwordProblem(input.password, login);
      if (problem) throw new AccountError('INVALID', `the password ${problem}`, 'password');
      const passwordHash = await hashPassword(input.password, scryptParams(deps.scryptLogN));
      try {
        await deps.db.person.update({
          where: { id: person.id },
          // An admin-set password is no longer the published demo one.
          data: { login, passwordHash, passwordChangedAt: new Date(now()), failedLogins: 0, lockedUntil: null, demoAccount: false },
        });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'P2002') throw new AccountError('CONFLICT', `the login ${login} is taken`, 'LOGIN_TAKEN');
        throw err;
      }
      const revokedSessions = await deps.sessions.revokeAllOf(person.id, 'password-reset');
      await deps.accessLog.record({ kind: 'PASSWORD_RESET', personId: person.id, actorId: admin.personId, login, ip, detail: { revokedSessions } });
      return { personId: person.id, login, revokedSessions };
    },

    /** Deactivate: no way in any more (sessions revoked now; JWTs and API keys refused). */
    async deactivate(admin: Admin, personId: string, ip?: string | null) {
      if (personId === admin.personId) throw new AccountError('CONFLICT', 'you cannot deactivate yourself', 'SELF_DEACTIVATION');
      const person = await target(admin, personId);
      if (!person.active) throw new AccountError('CONFLICT', `person ${personId} is already deactivated`, 'ALREADY_DEACTIVATED');
      const at = new Date(now());
      const onDeactivate = deps.onDeactivate;
      if (onDeactivate) {
        await deps.db.$transaction(async (tx) => {
          await onDeactivate(tx, admin, person.id, at);
          await tx.person.update({ where: { id: person.id }, data: { active: false, deactivatedAt: at } });
        });
      } else {
        await deps.db.person.update({ where: { id: person.id }, data: { active: false, deactivatedAt: at } });
      }
      const revokedSessions = await deps.sessions.revokeAllOf(person.id, 'deactivated');
      await deps.accessLog.record({ kind: 'DEACTIVATED', personId: person.id, actorId: admin.personId, ip, detail: { revokedSessions } });
      return { personId: person.id, active: false, revokedSessions };
    },

    /** A new API key, returned once; the old one stops matching at once (only the hash is kept). */
    async rotateApiKey(admin: Admin, personId: string, ip?: string | null) {
      const person = await target(admin, personId);
      if (!person.active) throw new AccountError('CONFLICT', `person ${personId} is deactivated`, 'DEACTIVATED');
      const apiKey = newToken('coe_ak_');
      const apiKeyHash = hashApiKey(apiKey);
      await deps.db.person.update({ where: { id: person.id }, data: { apiKeyHash } });
      await deps.accessLog.record({
        kind: 'API_KEY_ROTATED',
        personId: person.id,
        actorId: admin.personId,
        ip,
        detail: { keyId: apiKeyHash.slice(0, 12), previousKeyId: person.apiKeyHash ? person.apiKeyHash.slice(0, 12) : null },
      });
      return { personId: person.id, apiKey, keyId: apiKeyHash.slice(0, 12) };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
