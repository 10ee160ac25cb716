// Which files belong to a case: the EVIDENCE_UPLOADED facts in its event log say so, with the
// hash recorded at the moment of upload. A file is served for a case only if one of its facts
// names it, so knowing a hash from another case gives nothing.
import { loadSharp } from './sharpLoader';
import { detectEvidenceType, SNIFF_BYTES, type EvidenceFileType } from '../../domain/evidenceFiles';
import { dataOf, type FactType } from '../../domain/facts';
import type { EvidenceKind } from '../../domain/types';
import type { Db } from '../../platform/db';
import { sha256Of, type EvidenceStorage } from './storage';

type EvidenceDb = Pick<Db, 'caseEvent'>;
const EVIDENCE_UPLOADED: FactType = 'EVIDENCE_UPLOADED';

export interface CaseEvidenceFact {
  kind: EvidenceKind;
  url: string;
  sha256: string;
  callId: string | null;
}

/** The case's evidence facts naming this hash (usually one), oldest first. */
export async function evidenceFactsFor(db: EvidenceDb, code: string, sha256: string): Promise<CaseEvidenceFact[]> {
  const rows = await db.caseEvent.findMany({
    where: { caseCode: code, type: EVIDENCE_UPLOADED, data: { path: ['sha256'], equals: sha256 } },
    orderBy: { seq: 'asc' },
    select: { data: true },
  });
  return rows.map((r) => dataOf('EVIDENCE_UPLOADED', r.data) as CaseEvidenceFact);
}

/**
 * The files each case was reported with (CaseIntake.files): the evidence facts recorded in the
 * same step as REPORTED, by the reporter. Files added later by the people handling the case
 * (a department's recordings, enforcement documents) are never among them.
 */
export async function intakeFilesOf(db: Pick<Db, 'caseEvent' | 'adminChange'>, codes: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!codes.length) return out;
  const rows = await db.caseEvent.findMany({
    where: { caseCode: { in: [...codes] }, type: { in: ['REPORTED', EVIDENCE_UPLOADED] } },
    orderBy: [{ caseCode: 'asc' }, { seq: 'asc' }],
    select: { caseCode: true, type: true, at: true, actorId: true, data: true },
  });
  const reported = new Map(rows.filter((r) => r.type === 'REPORTED').map((r) => [r.caseCode, r]));
  for (const r of rows) {
    const rep = reported.get(r.caseCode);
    if (r.type !== EVIDENCE_UPLOADED || !rep || r.at.getTime() !== rep.at.getTime() || r.actorId !== rep.actorId) continue;
    const sha256 = dataOf('EVIDENCE_UPLOADED', r.data).sha256;
    if (sha256) out.set(r.caseCode, [...(out.get(r.caseCode) ?? []), sha256]);
  }
  // A file an administrator deleted from its case is no longer one of them.
  const ids = [...out].flatMap(([code, hashes]) => hashes.map((h) => `${code}/${h}`));
  if (ids.length) {
    const deleted = await db.adminChange.findMany({ where: { entityKind: 'EVIDENCE_FILE', action: 'DELETE', entityId: { in: ids } }, select: { entityId: true } });
    for (const { entityId } of deleted) {
      const [code, hash] = entityId.split('/') as [string, string];
      out.set(code, (out.get(code) ?? []).filter((h) => h !== hash));
    }
  }
  return out;
}

/**
 * How many evidence facts the case has (the per-case file limit counts them), less those naming
 * a file an administrator deleted from the case (audited DELETE …/evidence/files/{sha256}): a
 * deleted file no longer takes one of the case's places.
 */
export async function evidenceCountOf(db: Pick<Db, 'caseEvent' | 'adminChange'>, code: string): Promise<number> {
  const rows = await db.caseEvent.findMany({ where: { caseCode: code, type: EVIDENCE_UPLOADED }, select: { data: true } });
  if (!rows.length) return 0;
  const deleted = await db.adminChange.findMany({
    where: { entityKind: 'EVIDENCE_FILE', action: 'DELETE', entityId: { startsWith: `${code}/` } },
    select: { entityId: true },
  });
  if (!deleted.length) return rows.length;
  const gone = new Set(deleted.map((d) => d.entityId.slice(code.length + 1)));
  return rows.filter((r) => !gone.has(dataOf('EVIDENCE_UPLOADED', r.data).sha256 ?? '')).length;
}

/** Whether any case records this hash: then its file is not one refused upload's to delete. */
export async function isReferenced(db: EvidenceDb, sha256: string): Promise<boolean> {
  return (await db.caseEvent.count({ where: { type: EVIDENCE_UPLOADED, data: { path: ['sha256'], equals: sha256 } } })) > 0;
}

/**
 * Remove what a refused request stored: only files it created (the same bytes stored earlier
 * belong to another upload) and that no case records by now.
 */
export async function discardUnrecorded(db: EvidenceDb, storage: EvidenceStorage, stored: ReadonlyArray<{ sha256: string; created: boolean }>): Promise<void> {
  for (const f of stored) {
    if (f.created && !(await isReferenced(db, f.sha256))) await storage.delete(f.sha256);
  }
}

/** The stored file's type, from its own first bytes (the same rule the upload applied). */
export async function storedTypeOf(storage: EvidenceStorage, sha256: string): Promise<EvidenceFileType | null> {
  const stream = await storage.get(sha256);
  if (!stream) return null;
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    n += (chunk as Buffer).length;
    if (n >= SNIFF_BYTES) break;
  }
  stream.destroy();
  return detectEvidenceType(Buffer.concat(chunks));
}

export const THUMBNAIL_WIDTH = 320;
const THUMBNAIL_VARIANT = `thumb${THUMBNAIL_WIDTH}.jpg`;

/** A JPEG THUMBNAIL_WIDTH pixels wide (never enlarged), made once and kept beside the file. */
export async function thumbnailOf(storage: EvidenceStorage, sha256: string): Promise<Buffer | null> {
  const cached = await storage.getVariant(sha256, THUMBNAIL_VARIANT);
  if (cached) return cached;
  const stream = await storage.get(sha256);
  if (!stream) return null;
  const sharp = await loadSharp();
  const resize = sharp().resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).jpeg({ quality: 80 });
  const thumb = await stream.pipe(resize).toBuffer();
  await storage.putVariant(sha256, THUMBNAIL_VARIANT, thumb);
  return thumb;
}

export interface IntegrityReport {
  sha256: string;
  /** Whether the stored bytes still hash to the recorded value. */
  ok: boolean;
  /** What they hash to now; null when the file is gone. */
  actualSha256: string | null;
  size: number | null;
  checkedAt: string;
}

/** Re-hash the stored bytes: proof that the file is the one the case recorded. */
export async function checkIntegrity(storage: EvidenceStorage, sha256: string, now = Date.now()): Promise<IntegrityReport> {
  const stream = await storage.get(sha256);
  const stat = await storage.stat(sha256);
  const actual = stream ? await sha256Of(stream) : null;
  return { sha256, ok: actual === sha256, actualSha256: actual, size: stat?.size ?? null, checkedAt: new Date(now).toISOString() };
}
