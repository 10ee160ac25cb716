// Deleting a case's file: an administrator's audited action. The deletion is a row of the
// administrators' change log (features/admin/changes, entity EVIDENCE_FILE `<code>/<sha256>`),
// written before any byte goes, so the log never misses a deletion; auditors read it in
// GET /admin/changes, and every later read of the file answers with who deleted it, when and why.
// The case's facts are not touched: the EVIDENCE_UPLOADED fact stays as the proof of what was
// recorded. Files are content-addressed, so the same bytes may belong to other cases: the bytes
// are removed only when no other case still holds them.
import type { Db } from '../../platform/db';
import { inChangeTx, recordChange } from '../admin/changes';
import type { CaseEvidenceFact } from './caseFiles';
import type { EvidenceStorage } from './storage';

type DeletionDb = Pick<Db, 'adminChange' | 'caseEvent' | '$transaction'>;

export const EVIDENCE_FILE_ENTITY = 'EVIDENCE_FILE';
export const evidenceEntityId = (code: string, sha256: string): string => `${code}/${sha256}`;

export interface EvidenceDeletion {
  deletedBy: string;
  deletedAt: string;
  reason: string;
  /** False when other cases still hold the same bytes: then only this case lost them. */
  bytesDeleted: boolean;
  changeId: string;
}

/** The deletion of this case's file, if an administrator deleted it. */
export async function deletionOf(db: Pick<Db, 'adminChange'>, code: string, sha256: string): Promise<EvidenceDeletion | null> {
  const row = await db.adminChange.findFirst({
    where: { entityKind: EVIDENCE_FILE_ENTITY, entityId: evidenceEntityId(code, sha256), action: 'DELETE' },
    orderBy: { version: 'asc' },
  });
  if (!row) return null;
  const after = (row.after ?? {}) as { reason?: string; bytesDeleted?: boolean };
  return { deletedBy: row.actorId, deletedAt: row.at.toISOString(), reason: after.reason ?? '', bytesDeleted: after.bytesDeleted === true, changeId: row.id.toString() };
}

/** The other cases that still hold these bytes (recorded, and not deleted there). */
async function otherHolders(db: DeletionDb, code: string, sha256: string): Promise<string[]> {
  const facts = await db.caseEvent.findMany({
    where: { type: 'EVIDENCE_UPLOADED', caseCode: { not: code }, data: { path: ['sha256'], equals: sha256 } },
    select: { caseCode: true },
    distinct: ['caseCode'],
  });
  if (!facts.length) return [];
  const deleted = await db.adminChange.findMany({
    where: { entityKind: EVIDENCE_FILE_ENTITY, action: 'DELETE', entityId: { in: facts.map((f) => evidenceEntityId(f.caseCode, sha256)) } },
    select: { entityId: true },
  });
  const gone = new Set(deleted.map((d) => d.entityId));
  return facts.map((f) => f.caseCode).filter((c) => !gone.has(evidenceEntityId(c, sha256)));
}

export interface DeleteCaseFile {
  code: string;
  sha256: string;
  fact: CaseEvidenceFact;
  districtId: string;
  actorId: string;
  reason: string;
  at: Date;
}

/**
 * Delete one case's file. Returns the deletion and whether it was made now; a second call finds
 * the first deletion (and finishes removing the bytes if the first was cut short after its row).
 */
export async function deleteCaseFile(db: DeletionDb, storage: EvidenceStorage, cmd: DeleteCaseFile): Promise<{ deletion: EvidenceDeletion; now: boolean }> {
  const earlier = await deletionOf(db, cmd.code, cmd.sha256);
  if (earlier) {
    if (earlier.bytesDeleted && (await storage.stat(cmd.sha256))) await storage.delete(cmd.sha256);
    return { deletion: earlier, now: false };
  }
  const holders = await otherHolders(db, cmd.code, cmd.sha256);
  const stat = await storage.stat(cmd.sha256);
  const bytesDeleted = holders.length === 0;
  const row = await inChangeTx(
    db,
    (tx) =>
      recordChange(tx, {
        entityKind: EVIDENCE_FILE_ENTITY,
        entityId: evidenceEntityId(cmd.code, cmd.sha256),
        action: 'DELETE',
        actorId: cmd.actorId,
        districtId: cmd.districtId,
        at: cmd.at,
        before: { caseCode: cmd.code, sha256: cmd.sha256, kind: cmd.fact.kind, callId: cmd.fact.callId, size: stat?.size ?? null },
        // How many other cases keep the bytes, never which: the log is read district-wide.
        after: { reason: cmd.reason, bytesDeleted, otherCasesHolding: holders.length },
        unitIds: [],
        personIds: [],
      }),
    [[/entity/i, 'ALREADY_DELETED', `the file ${cmd.sha256} of case ${cmd.code} is being deleted by another request`]],
    ['ALREADY_DELETED', `the file ${cmd.sha256} of case ${cmd.code} is being deleted by another request`],
  );
  // After the row is committed: a failure here leaves bytes a retry removes, never a silent deletion.
  if (bytesDeleted) await storage.delete(cmd.sha256);
  return {
    deletion: { deletedBy: cmd.actorId, deletedAt: cmd.at.toISOString(), reason: cmd.reason, bytesDeleted, changeId: row.id.toString() },
    now: true,
  };
}
