// Database side of the assessment: load a period's cases, events, call scores and the
// directory; compute live; publish immutable snapshots (a correction is version + 1).
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import {
  ASSESSED_FACT_TYPES,
  computeAssessment,
  type AssessmentCase,
  type AssessmentFigures,
  type AssessmentInput,
  type CallScoreRecord,
  type UnitInfo,
} from '../../domain/assessment/figures';
import type { FactType } from '../../domain/facts';
import { computeAssessmentInDb, figuresFromRows } from './sqlFigures';
import { countsFromMaintained } from './caseCounts';
import { computeBacklogInDb, computeBacklogInMemory } from './backlogSql';
import { parsePeriod, SHANGHAI_OFFSET_MINUTES, type Period } from '../../domain/assessment/period';

/** The event types the figures read (domain/assessment/figures); the others are not loaded. */
export const ASSESSED_EVENT_TYPES = ASSESSED_FACT_TYPES;

export type AssessmentDb = Pick<Db, 'case' | 'caseEvent' | 'callScore' | 'orgUnit' | 'assessmentSnapshot' | '$queryRaw' | '$executeRaw' | '$transaction'>;

/**
 * Everything the figures of `period` as of `asOf` depend on: the cases whose REPORTED event
 * lies in the period, their events up to asOf, their call scores up to asOf, and the units.
 */
export async function loadAssessmentInput(db: AssessmentDb, period: Period, asOf: number): Promise<AssessmentInput> {
  const asOfDate = new Date(asOf);
  const reportedInPeriod: Prisma.CaseEventWhereInput = {
    type: 'REPORTED' satisfies FactType,
    at: { gte: new Date(period.startMs), lt: new Date(period.endMs), lte: asOfDate },
  };
  // Relation filters (EXISTS) instead of a list of codes: a busy district's month has tens of thousands.
  // Sequential, not parallel: the embedded PGlite server mishandles interleaved queries.
  const caseRows = await db.case.findMany({
    where: { events: { some: reportedInPeriod } },
    select: { code: true, districtId: true, streetId: true, communityId: true, gridId: true },
  });
  const eventRows = await db.caseEvent.findMany({
    where: { at: { lte: asOfDate }, type: { in: [...ASSESSED_EVENT_TYPES] }, case: { events: { some: reportedInPeriod } } },
    select: { caseCode: true, seq: true, type: true, at: true, actorId: true, actorRole: true, unitId: true, level: true, data: true },
    orderBy: [{ caseCode: 'asc' }, { seq: 'asc' }],
  });
  const unitRows = await db.orgUnit.findMany({ select: { id: true, kind: true, name: true, parentId: true } });

  const byCode = new Map<string, AssessmentCase>();
  for (const c of caseRows) {
    byCode.set(c.code, { code: c.code, units: { districtId: c.districtId, streetId: c.streetId, communityId: c.communityId, gridId: c.gridId }, events: [] });
  }
  for (const e of eventRows) {
    byCode.get(e.caseCode)?.events.push({
      seq: e.seq,
      type: e.type,
      at: e.at.getTime(),
      actorId: e.actorId,
      actorRole: e.actorRole,
      unitId: e.unitId,
      level: e.level,
      data: (e.data ?? {}) as Record<string, unknown>,
    });
  }
  const scores = await loadScores(db, [...byCode.keys()], asOfDate);
  const units: UnitInfo[] = unitRows.map((u) => ({ id: u.id, kind: u.kind, name: u.name, parentId: u.parentId }));
  return { period, asOf, cases: [...byCode.values()], scores, units };
}

/** Call scores of these cases up to asOf, fetched in chunks (bind parameters are limited). */
async function loadScores(db: AssessmentDb, codes: string[], asOf: Date): Promise<CallScoreRecord[]> {
  const out: CallScoreRecord[] = [];
  for (let i = 0; i < codes.length; i += 5_000) {
    const rows = await db.callScore.findMany({
      where: { caseCode: { in: codes.slice(i, i + 5_000) }, at: { lte: asOf } },
      select: {
        caseCode: true, callId: true, direction: true, fromUnitId: true, toUnitId: true,
        cooperation: true, professionalism: true, accurate: true, at: true,
      },
    });
    for (const s of rows) out.push({ ...s, at: s.at.getTime() });
  }
  return out;
}

/**
 * The figures of a period computed now from the database (`asOf` defaults to now): summed
 * from the counts maintained as facts are recorded (caseCounts) when they can answer, else
 * aggregated from the events (sqlFigures); a busy year is never loaded into memory. The fold
 * over loadAssessmentInput is the reference the agreement test compares both with.
 */
export async function computeLive(db: AssessmentDb, period: string | Period, asOf = Date.now(), utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): Promise<AssessmentFigures> {
  const p = typeof period === 'string' ? parsePeriod(period, utcOffsetMinutes) : period;
  return figuresOf(db, p, asOf);
}

/** Maintained counts first (a sum over month rows); the event-level query for a past asOf or a non-Shanghai calendar. */
async function figuresOf(db: AssessmentDb, period: Period, asOf: number, withBacklog = true): Promise<AssessmentFigures> {
  const rows = await countsFromMaintained(db, period, asOf);
  const figures = rows ? await figuresFromRows(db, period, asOf, rows) : await computeAssessmentInDb(db, period, asOf);
  // The backlog year on year (issue 16): a stock at the period's end, counted beside the cohort's
  // figures (one aggregate over every case's REPORTED/CLOSED/REOPENED facts up to then).
  return withBacklog ? { ...figures, backlog: await computeBacklogInDb(db, period, asOf) } : figures;
}

/** The reference: the same figures folded in memory from every loaded event (tests compare the two). */
export async function computeLiveInMemory(db: AssessmentDb, period: Period, asOf: number): Promise<AssessmentFigures> {
  const figures = computeAssessment(await loadAssessmentInput(db, period, asOf));
  return { ...figures, backlog: await computeBacklogInMemory(db, period, asOf) };
}

/** A published snapshot. */
export interface Snapshot {
  period: string;
  version: number;
  publishedAt: Date;
  asOf: Date;
  publishedBy: string | null;
  requestId: string | null;
  figures: AssessmentFigures;
}

type SnapshotRow = { period: string; version: number; publishedAt: Date; asOf: Date; publishedBy: string | null; requestId: string | null; figures: unknown };

const toSnapshot = (r: SnapshotRow): Snapshot => ({
  period: r.period,
  version: r.version,
  publishedAt: r.publishedAt,
  asOf: r.asOf,
  publishedBy: r.publishedBy,
  requestId: r.requestId,
  figures: r.figures as AssessmentFigures,
});

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown })?.code === 'P2002';

export interface PublishOptions {
  period: string;
  /** Count events up to this instant (default: now). */
  asOf?: number;
  publishedBy?: string | null;
  /** Idempotency key: publishing again with the same key returns the first snapshot. */
  requestId?: string | null;
  utcOffsetMinutes?: number;
}

/**
 * Compute and publish a new version of a period's snapshot. Versions start at 1 and never
 * change once written; two publishers racing for the same version are resolved by the
 * (period, version) unique key, the loser taking the next number.
 */
export async function publishSnapshot(db: AssessmentDb, opts: PublishOptions): Promise<{ snapshot: Snapshot; created: boolean }> {
  const period = parsePeriod(opts.period, opts.utcOffsetMinutes);
  const requestId = opts.requestId ?? null;
  if (requestId) {
    const existing = await db.assessmentSnapshot.findUnique({ where: { requestId } });
    if (existing) return { snapshot: toSnapshot(existing), created: false };
  }
  const asOf = opts.asOf ?? Date.now();
  const figures = await figuresOf(db, period, asOf);
  for (let attempt = 0; ; attempt++) {
    const last = await db.assessmentSnapshot.findFirst({ where: { period: period.text }, orderBy: { version: 'desc' }, select: { version: true } });
    try {
      const row = await db.assessmentSnapshot.create({
        data: {
          period: period.text,
          version: (last?.version ?? 0) + 1,
          asOf: new Date(asOf),
          publishedBy: opts.publishedBy ?? null,
          requestId,
          figures: figures as unknown as Prisma.InputJsonValue,
        },
      });
      return { snapshot: toSnapshot(row), created: true };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 5) throw err;
      if (requestId) {
        const mine = await db.assessmentSnapshot.findUnique({ where: { requestId } });
        if (mine) return { snapshot: toSnapshot(mine), created: false };
      }
    }
  }
}

/** The newest published version of a period, or null. */
export async function latestSnapshot(db: AssessmentDb, period: string): Promise<Snapshot | null> {
  const row = await db.assessmentSnapshot.findFirst({ where: { period }, orderBy: { version: 'desc' } });
  return row ? toSnapshot(row) : null;
}

/** One published version of a period, or null. */
export async function snapshotVersion(db: AssessmentDb, period: string, version: number): Promise<Snapshot | null> {
  const row = await db.assessmentSnapshot.findUnique({ where: { period_version: { period, version } } });
  return row ? toSnapshot(row) : null;
}

/** Where figures came from. */
export interface SourcedFigures {
  source: 'SNAPSHOT' | 'LIVE';
  version: number | null;
  publishedAt: string | null;
  figures: AssessmentFigures;
}

/**
 * A period's figures: its latest published snapshot when there is one (published figures are
 * what everybody quotes), otherwise computed live as of now. `live: true` always computes.
 */
export async function figuresFor(db: AssessmentDb, period: Period, opts: { live?: boolean; now?: number; backlog?: boolean } = {}): Promise<SourcedFigures> {
  if (!opts.live) {
    const snap = await latestSnapshot(db, period.text);
    if (snap) return { source: 'SNAPSHOT', version: snap.version, publishedAt: snap.publishedAt.toISOString(), figures: snap.figures };
  }
  // backlog: false — a scorecard's trend periods show no backlog, so live ones skip counting it.
  const figures = await figuresOf(db, period, opts.now ?? Date.now(), opts.backlog ?? true);
  return { source: 'LIVE', version: null, publishedAt: null, figures };
}
