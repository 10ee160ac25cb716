// The access log: sign-ins, failures, lockouts, sign-outs, API-key use and admins' changes to
// credentials, in the AccessLog table that auditors read (GET /access-log).
import type { AccessKind, Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';

export type { AccessKind };

export interface AccessEntry {
  kind: AccessKind;
  personId?: string | null;
  login?: string | null;
  actorId?: string | null;
  ip?: string | null;
  sessionId?: string | null;
  detail?: Record<string, unknown>;
}

/** One row per API key per this many ms at most. */
export const API_KEY_LOG_INTERVAL_MS = 60_000;

export interface AccessLog {
  record(entry: AccessEntry): Promise<void>;
  /**
   * An integration used its API key. Logged at most once per key per minute: a busy integration
   * makes thousands of calls a minute, and the auditor's question is "was this key used, from
   * where, when" — not a second request log. The minute is part of a unique throttle key, so it
   * holds across API instances; an in-memory note spares the database the repeats.
   */
  apiKeyUsed(personId: string, keyHash: string, ip?: string | null): Promise<void>;
}

const MAX_NOTED = 10_000;

export function createAccessLog(db: Pick<Db, 'accessLog'>, opts: { now?: () => number } = {}): AccessLog {
  const now = opts.now ?? Date.now;
  const noted = new Map<string, number>();
  const toRow = (e: AccessEntry): Prisma.AccessLogCreateManyInput => ({
    kind: e.kind,
    personId: e.personId ?? null,
    // Whatever a client typed as a login is stored bounded.
    login: e.login ? e.login.slice(0, 200) : null,
    actorId: e.actorId ?? null,
    ip: e.ip ?? null,
    sessionId: e.sessionId ?? null,
    ...(e.detail ? { detail: e.detail as Prisma.InputJsonValue } : {}),
    at: new Date(now()),
  });
  return {
    async record(entry) {
      await db.accessLog.create({ data: toRow(entry) as Prisma.AccessLogCreateInput });
    },
    async apiKeyUsed(personId, keyHash, ip) {
      const minute = Math.floor(now() / API_KEY_LOG_INTERVAL_MS);
      // A key is named by the start of its sha256: enough to tell a rotated key from its successor.
      const keyId = keyHash.slice(0, 12);
      const throttleKey = `apikey:${keyId}:${minute}`;
      if (noted.get(keyId) === minute) return;
      noted.set(keyId, minute);
      if (noted.size > MAX_NOTED) noted.delete(noted.keys().next().value as string);
      await db.accessLog.createMany({
        data: [{ ...toRow({ kind: 'API_KEY_USED', personId, ip, detail: { keyId } }), throttleKey }],
        skipDuplicates: true,
      });
    },
  };
}
