// The end-of-day sweep (事不过夜): read the projection for the cases reported that day and still
// unanswered and the urgent cases not resolved, record the sweep with its items, and put one
// notification per street and one per district command center in the outbox (the worker's
// sweeper delivers them like any case notification). Idempotent per day: the sweep row is the
// key, so a retried activity or a second run of the same day records and notifies nothing new.
import { Prisma } from '../../generated/prisma/client';
import type { FactType } from '../../domain/facts';
import { OPEN_STATUSES, sweepReasons, UNRESOLVED_STATUSES, type SweepReason } from '../../domain/routines/endOfDay';
import type { Db } from '../../platform/db';

export const END_OF_DAY_KIND = 'END_OF_DAY_SWEEP';

/** The outbox's caseCode of a sweep's notifications (they are about a day, not one case). */
export const sweepOutboxCode = (date: string) => `sweep:${date}`;

export interface SweepItem {
  caseCode: string;
  reason: SweepReason;
  districtId: string;
  streetId: string;
  communityId: string;
  gridId: string;
  status: string;
  level: string;
  assigneeUnitId: string | null;
  reportedAt: string;
  dueAt: string | null;
}

export interface RecordSweepResult {
  date: string;
  /** False when the day had already been swept (nothing was written). */
  created: boolean;
  items: number;
  notifications: number;
}

interface CandidateRow {
  code: string;
  status: string;
  level: string;
  districtId: string;
  streetId: string;
  communityId: string;
  gridId: string;
  assigneeUnitId: string | null;
  reportedAt: Date;
  dueAt: Date | null;
  urgent: boolean;
  hazardDueAt: Date | null;
  hazardClearedAt: Date | null;
}

/**
 * Open cases that may be on the sweep: reported in [from, asOf), or urgent (any day), or on the
 * hazard path and not cleared by asOf (any day, any open status). The status filter uses the Case
 * status index; `urgent` is the REPORTED fact's (the category's flag frozen at intake).
 */
async function candidates(db: Db, from: Date, asOf: Date): Promise<CandidateRow[]> {
  const reported: FactType = 'REPORTED';
  return db.$queryRaw<CandidateRow[]>(Prisma.sql`
    SELECT c.code, c.status, c.level, c."districtId", c."streetId", c."communityId", c."gridId", c."assigneeUnitId",
           c."reportedAt", c."dueAt", COALESCE((e.data->>'urgent')::boolean, false) AS urgent,
           c."hazardDueAt", c."hazardClearedAt"
    FROM "Case" c
    LEFT JOIN "CaseEvent" e ON e."caseCode" = c.code AND e.type = ${reported}
    WHERE c.status IN (${Prisma.join([...OPEN_STATUSES])}) AND c."reportedAt" < ${asOf}
      AND ((c.status IN (${Prisma.join([...UNRESOLVED_STATUSES])})
            AND (c."reportedAt" >= ${from} OR COALESCE((e.data->>'urgent')::boolean, false)))
        OR (c."hazardDueAt" IS NOT NULL AND (c."hazardClearedAt" IS NULL OR c."hazardClearedAt" >= ${asOf})))
    ORDER BY c."reportedAt", c.code`);
}

/** The sweep's items from the candidates (one per case and reason). */
export function sweepItems(rows: readonly CandidateRow[], from: number, asOf: number): SweepItem[] {
  return rows.flatMap((r) =>
    sweepReasons(
      {
        code: r.code, status: r.status, urgent: r.urgent, reportedAt: r.reportedAt.getTime(),
        hazardDueAt: r.hazardDueAt?.getTime() ?? null, hazardClearedAt: r.hazardClearedAt?.getTime() ?? null,
      },
      from,
      asOf,
    ).map((reason) => ({
      caseCode: r.code,
      reason,
      districtId: r.districtId,
      streetId: r.streetId,
      communityId: r.communityId,
      gridId: r.gridId,
      status: r.status,
      level: r.level,
      assigneeUnitId: r.assigneeUnitId,
      reportedAt: r.reportedAt.toISOString(),
      dueAt: r.dueAt ? r.dueAt.toISOString() : null,
    })),
  );
}

const REASON_TEXT: Record<SweepReason, string> = { UNANSWERED: '当日上报未答复', URGENT_UNRESOLVED: '紧急事项未处置完毕', HAZARD_NOT_CLEARED: '紧急隐患未消险' };

/** One notification per street and one per district (its command center), each with its items. */
export function sweepNotifications(date: string, asOf: number, items: readonly SweepItem[]) {
  const groups = new Map<string, { unitId: string; audience: 'STREET' | 'COMMAND_CENTER'; items: SweepItem[] }>();
  for (const it of items) {
    for (const [unitId, audience] of [[it.streetId, 'STREET'], [it.districtId, 'COMMAND_CENTER']] as const) {
      const g = groups.get(unitId) ?? { unitId, audience, items: [] };
      g.items.push(it);
      groups.set(unitId, g);
    }
  }
  return [...groups.values()].map((g) => {
    const counts = { UNANSWERED: 0, URGENT_UNRESOLVED: 0, HAZARD_NOT_CLEARED: 0 };
    for (const it of g.items) counts[it.reason] += 1;
    const summary = (Object.keys(counts) as SweepReason[]).filter((r) => counts[r] > 0).map((r) => `${REASON_TEXT[r]} ${counts[r]} 件`).join(',');
    return {
      id: `${sweepOutboxCode(date)}:${g.unitId}`,
      caseCode: sweepOutboxCode(date),
      seq: 0,
      recipientId: null,
      recipientUnitId: g.unitId,
      kind: END_OF_DAY_KIND,
      payload: {
        caseCode: sweepOutboxCode(date),
        kind: END_OF_DAY_KIND,
        message: `事不过夜:${date} 下班前清单,${summary}`,
        at: new Date(asOf).toISOString(),
        recipientId: null,
        recipientUnitId: g.unitId,
        audience: g.audience,
        date,
        counts,
        items: g.items.map((i) => ({ caseCode: i.caseCode, reason: i.reason, status: i.status, level: i.level, reportedAt: i.reportedAt, dueAt: i.dueAt })),
      },
    };
  });
}

/** Sweep the day [from, asOf) and record it, once per date. */
export async function recordEndOfDaySweep(db: Db, input: { date: string; from: number; asOf: number; recordedBy?: string | null }): Promise<RecordSweepResult> {
  const items = sweepItems(await candidates(db, new Date(input.from), new Date(input.asOf)), input.from, input.asOf);
  const notes = sweepNotifications(input.date, input.asOf, items);
  return db.$transaction(async (tx) => {
    const created = await tx.$queryRaw<Array<{ date: string }>>`
      INSERT INTO "EndOfDaySweep" ("date", "asOf", "recordedBy") VALUES (${input.date}, ${new Date(input.asOf)}, ${input.recordedBy ?? null})
      ON CONFLICT ("date") DO NOTHING RETURNING "date"`;
    if (created.length === 0) {
      const n = await tx.endOfDaySweepItem.count({ where: { sweepDate: input.date } });
      return { date: input.date, created: false, items: n, notifications: 0 };
    }
    if (items.length) {
      await tx.endOfDaySweepItem.createMany({
        data: items.map((i) => ({ ...i, sweepDate: input.date, reportedAt: new Date(i.reportedAt), dueAt: i.dueAt ? new Date(i.dueAt) : null })),
      });
    }
    if (notes.length) {
      await tx.notification.createMany({ data: notes.map((n) => ({ ...n, payload: n.payload as unknown as Prisma.InputJsonValue })), skipDuplicates: true });
    }
    return { date: input.date, created: true, items: items.length, notifications: notes.length };
  });
}

/** What a reader may see of a sweep: its whole district, or one street / community / grid. */
export type SweepScope = { districtId: string } | { streetId: string } | { communityId: string } | { gridId: string };

export interface SweepView {
  date: string;
  asOf: string;
  recordedBy: string | null;
  counts: Record<SweepReason, number>;
  items: SweepItem[];
}

/** A recorded sweep, narrowed to the reader's scope; null when the day was not swept. */
export async function readSweep(db: Db, date: string, scope: SweepScope): Promise<SweepView | null> {
  const sweep = await db.endOfDaySweep.findUnique({ where: { date } });
  if (!sweep) return null;
  const rows = await db.endOfDaySweepItem.findMany({ where: { sweepDate: date, ...scope }, orderBy: [{ reportedAt: 'asc' }, { caseCode: 'asc' }, { reason: 'asc' }] });
  const items: SweepItem[] = rows.map((r) => ({
    caseCode: r.caseCode,
    reason: r.reason as SweepReason,
    districtId: r.districtId,
    streetId: r.streetId,
    communityId: r.communityId,
    gridId: r.gridId,
    status: r.status,
    level: r.level,
    assigneeUnitId: r.assigneeUnitId,
    reportedAt: r.reportedAt.toISOString(),
    dueAt: r.dueAt ? r.dueAt.toISOString() : null,
  }));
  const counts = { UNANSWERED: 0, URGENT_UNRESOLVED: 0, HAZARD_NOT_CLEARED: 0 };
  for (const it of items) counts[it.reason] += 1;
  return { date: sweep.date, asOf: sweep.asOf.toISOString(), recordedBy: sweep.recordedBy, counts, items };
}
