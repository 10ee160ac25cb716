// The extension inbox's projection (issue 18): one PendingExtension row per extension request
// still waiting for a decision, maintained as facts are recorded, so GET /inbox/extensions
// reads O(pending requests) instead of walking every open case's events.
//
// A case's rows are rewritten whole from its facts whenever it records a fact that can start,
// move or end a pending request (the per-case form of the log query below, so the rule is
// written once): a retried activity rewrites the same rows, and a refresh of a case that
// already has none changes nothing. The migration (0017) fills the table for existing cases
// with the same query over every case.
import { Prisma } from '../../generated/prisma/client';
import type { FactData, FactType } from '../../domain/facts';
import type { Db } from '../../platform/db';

/**
 * The fact types and data keys the SQL below reads by name. SQL is not type-checked, so they
 * are declared here against domain/facts: renaming one there fails to compile here.
 */
export const INBOX_SQL_READS = {
  EXTENSION_REQUESTED: ['requestId', 'days', 'reason', 'approverLevel'],
  EXTENSION_ESCALATED: ['requestId', 'approverLevel'],
  EXTENSION_APPROVED: ['requestId'],
  EXTENSION_REJECTED: ['requestId'],
  CLOSED: [],
  LONG_TERM_PLANNED: [],
} as const satisfies { [T in FactType]?: ReadonlyArray<keyof FactData<T>> };

const MOVES_PENDING = new Set<string>(Object.keys(INBOX_SQL_READS));

/** Whether recording these fact types can start, move or end a pending extension request. */
export const touchesPendingExtensions = (types: readonly string[]): boolean => types.some((t) => MOVES_PENDING.has(t));

/**
 * The pending requests of the cases `cases` selects (a query returning a column `code`), from
 * the event log: an EXTENSION_REQUESTED with no later EXTENSION_APPROVED / EXTENSION_REJECTED
 * for it nor a CLOSED or LONG_TERM_PLANNED of the case (which reject pending requests); its
 * approver level is the latest EXTENSION_ESCALATED's for it, else the request's. A case closed,
 * surveyed or in a long-term plan has none (requests are made only while IN_PROGRESS).
 */
export function pendingFromLog(cases: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT r."caseCode", r.data->>'requestId' AS "requestId", c."districtId",
           COALESCE((
             SELECT x.data->>'approverLevel' FROM "CaseEvent" x
             WHERE x."caseCode" = r."caseCode" AND x.type = 'EXTENSION_ESCALATED' AND x.data->>'requestId' = r.data->>'requestId'
             ORDER BY x.seq DESC LIMIT 1
           ), r.data->>'approverLevel') AS "approverLevel",
           r.data->>'approverLevel' AS "requiredLevel",
           r.seq, r.at AS "requestedAt", r."actorId", r."actorRole", r."unitId" AS "actorUnitId",
           (r.data->>'days')::int AS days, COALESCE(r.data->>'reason', '') AS reason
    FROM "Case" c
    CROSS JOIN LATERAL (SELECT * FROM "CaseEvent" e WHERE e."caseCode" = c.code AND e.type = 'EXTENSION_REQUESTED') r
    WHERE c.code IN (${cases})
      AND c.status NOT IN ('CLOSED', 'SURVEYED', 'LONG_TERM_PLAN')
      AND NOT EXISTS (
        SELECT 1 FROM "CaseEvent" d
        WHERE d."caseCode" = r."caseCode" AND d.seq > r.seq
          AND ((d.type IN ('EXTENSION_APPROVED', 'EXTENSION_REJECTED') AND d.data->>'requestId' = r.data->>'requestId')
               OR d.type IN ('CLOSED', 'LONG_TERM_PLANNED'))
      )`;
}

const COLUMNS = Prisma.raw(
  `"caseCode", "requestId", "districtId", "approverLevel", "requiredLevel", seq, "requestedAt", "actorId", "actorRole", "actorUnitId", days, reason`,
);

/** Rewrite the pending requests of these cases from their facts (idempotent). */
export async function refreshPendingExtensions(db: Pick<Db, '$executeRaw'>, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  const list = [...new Set(codes)];
  await db.$executeRaw`
    WITH fresh AS (${pendingFromLog(Prisma.sql`SELECT unnest(${list}::text[])`)}),
    gone AS (
      DELETE FROM "PendingExtension" p WHERE p."caseCode" = ANY(${list}::text[])
        AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f."caseCode" = p."caseCode" AND f."requestId" = p."requestId")
    )
    INSERT INTO "PendingExtension" (${COLUMNS})
    SELECT ${COLUMNS} FROM fresh
    ON CONFLICT ("caseCode", "requestId") DO UPDATE SET
      "approverLevel" = excluded."approverLevel", "requiredLevel" = excluded."requiredLevel", seq = excluded.seq,
      "requestedAt" = excluded."requestedAt", "actorId" = excluded."actorId", "actorRole" = excluded."actorRole",
      "actorUnitId" = excluded."actorUnitId", days = excluded.days, reason = excluded.reason`;
}

/** Rebuild the whole table from the log (the migration's backfill; bench:volume after its bulk load). */
export async function rebuildPendingExtensions(db: Pick<Db, '$executeRaw'>): Promise<number> {
  await db.$executeRaw`DELETE FROM "PendingExtension"`;
  return db.$executeRaw`
    INSERT INTO "PendingExtension" (${COLUMNS})
    SELECT ${COLUMNS} FROM (${pendingFromLog(Prisma.sql`SELECT code FROM "Case" WHERE status NOT IN ('CLOSED', 'SURVEYED', 'LONG_TERM_PLAN')`)}) f
    ON CONFLICT ("caseCode", "requestId") DO NOTHING`;
}
