// The administrators' change log (AdminChange): one row per change of one entity, written in
// the same transaction as the change, with the entity before and after and a version per
// entity. The rows are also the hand-over point to the reassignment of open cases.
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { AdminError, conflict, isUniqueViolation } from './errors';

export type Tx = Prisma.TransactionClient;

/** EVIDENCE_FILE: one case's file (entityId `<case code>/<sha256>`), deleted by an administrator. */
export type EntityKind = 'UNIT' | 'PERSON' | 'CATEGORY' | 'CALENDAR_YEAR' | 'OFFICE_HOURS' | 'EVIDENCE_FILE';
export type ChangeAction = 'CREATE' | 'UPDATE' | 'MOVE' | 'DEACTIVATE' | 'IMPORT' | 'DELETE';

export interface DirectoryChange {
  entityKind: EntityKind;
  entityId: string;
  action: ChangeAction;
  actorId: string;
  /** The district the entity lies in; null for the catalog and the calendar (system-wide). */
  districtId: string | null;
  at: Date;
  before: unknown;
  after: unknown;
  /** Every unit the change touches: the unit itself, its old and new parent, a person's old and new unit. */
  unitIds: string[];
  /** Every person the change touches. */
  personIds: string[];
}

// Dates become ISO strings, undefined fields disappear: the row holds plain JSON.
const json = (v: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull =>
  v === null || v === undefined ? Prisma.DbNull : (JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue);

/**
 * Write the change row, version = the entity's last version + 1. Two concurrent changes of one
 * entity collide on the unique (entityKind, entityId, version): the later transaction fails
 * whole (the caller answers 409) instead of writing two "version 3" rows.
 */
export async function recordChange(tx: Tx, change: DirectoryChange): Promise<{ id: bigint; version: number }> {
  const last = await tx.adminChange.findFirst({
    where: { entityKind: change.entityKind, entityId: change.entityId },
    orderBy: { version: 'desc' },
    select: { version: true },
  });
  const version = (last?.version ?? 0) + 1;
  const row = await tx.adminChange.create({
    data: {
      entityKind: change.entityKind,
      entityId: change.entityId,
      action: change.action,
      version,
      actorId: change.actorId,
      districtId: change.districtId,
      at: change.at,
      before: json(change.before),
      after: json(change.after),
      unitIds: [...new Set(change.unitIds.filter(Boolean))],
      personIds: [...new Set(change.personIds.filter(Boolean))],
    },
    select: { id: true, version: true },
  });
  return row;
}

/**
 * THE SEAM for the reassignment of open cases. Every administrator's change of the directory,
 * the catalog or the calendar passes through here, inside the change's transaction. Today it
 * only writes the AdminChange row. A fan-out workflow (reassigning the open cases of a
 * deactivated or moved person, of a unit whose responsible person changed, or re-reading the
 * calendar) starts from here — after the commit, from the row's unitIds / personIds — so no
 * route has to learn about it.
 */
export async function afterDirectoryChange(tx: Tx, change: DirectoryChange): Promise<{ id: bigint; version: number }> {
  return recordChange(tx, change);
}

export interface ChangeQuery {
  entityKind?: EntityKind;
  entityId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** A page of the log, newest first: the reader's district and the system-wide rows. */
export async function listChanges(db: Pick<Db, 'adminChange'>, districtId: string, q: ChangeQuery) {
  const where: Prisma.AdminChangeWhereInput = {
    OR: [{ districtId }, { districtId: null }],
    ...(q.entityKind ? { entityKind: q.entityKind } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.from || q.to ? { at: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lt: new Date(q.to) } : {}) } } : {}),
  };
  const [rows, total] = await Promise.all([
    db.adminChange.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
    db.adminChange.count({ where }),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id.toString(),
      entityKind: r.entityKind,
      entityId: r.entityId,
      action: r.action,
      version: r.version,
      actorId: r.actorId,
      districtId: r.districtId,
      at: r.at.toISOString(),
      before: r.before ?? null,
      after: r.after ?? null,
      unitIds: r.unitIds,
      personIds: r.personIds,
    })),
    page: q.page,
    pageSize: q.pageSize,
    total,
  };
}

/** A unique constraint (matched in the error's meta) and the 409 it means. */
export type UniqueRule = [pattern: RegExp, code: string, message: string];

/**
 * Run an administrator's change in one transaction. A unique violation becomes the 409 of the
 * first rule whose pattern names the constraint (a concurrent change of the same entity collides
 * on the change log's version), else `fallback`; refusals pass through as they are.
 */
export async function inChangeTx<T>(db: Pick<Db, '$transaction'>, fn: (tx: Tx) => Promise<T>, rules: readonly UniqueRule[], fallback: [code: string, message: string]): Promise<T> {
  try {
    return await db.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
  } catch (err) {
    if (err instanceof AdminError) throw err;
    if (isUniqueViolation(err)) {
      // Which constraint: `target` with the classic engine, the adapter's error with driver adapters.
      const target = JSON.stringify((err as { meta?: unknown }).meta ?? {});
      const rule = rules.find(([pattern]) => pattern.test(target));
      throw rule ? conflict(rule[1], rule[2]) : conflict(...fallback);
    }
    throw err;
  }
}
