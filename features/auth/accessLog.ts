// The access log: sign-ins, failures, lockouts, sign-outs, API-key use and admins' changes to
// credentials, in the AccessLog table that auditors read (GET /access-log).
import type { AccessKind, Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { districtOf } from './accounts';

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

/**
 * What of the log a reader of the unit may see: entries about the people of the reader's
 * district, and entries about no person (failed sign-ins under logins nobody has, the system's
 * own runs): they belong to no district, and a guessing attack concerns every district's
 * auditors. A reader in no district sees only those.
 */
export async function accessLogScope(db: Pick<Db, 'orgUnit' | 'person'>, readerUnitId: string): Promise<Prisma.AccessLogWhereInput> {
  const district = await districtOf(db, readerUnitId);
  const units = district ? await unitsUnder(db, district) : [];
  const people = units.length > 0 ? await db.person.findMany({ where: { unitId: { in: units } }, select: { id: true } }) : [];
  return { OR: [{ personId: { in: people.map((p) => p.id) } }, { personId: null }] };
}

/** A unit and every unit below it (the org tree is a few levels deep: one query per level). */
async function unitsUnder(db: Pick<Db, 'orgUnit'>, rootId: string): Promise<string[]> {
  const all = [rootId];
  let level = [rootId];
  for (let depth = 0; level.length > 0 && depth < 16; depth++) {
    level = (await db.orgUnit.findMany({ where: { parentId: { in: level } }, select: { id: true } })).map((u) => u.id);
    all.push(...level);
  }
  return all;
}
