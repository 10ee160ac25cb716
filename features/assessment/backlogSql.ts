// The backlog against the same period of the previous year (domain/assessment/backlog.ts), counted
// by the database, so a district's years of cases are never loaded: from the open spans maintained
// with each case's assessment state (migration 0019, a GiST index: the cases open at the two
// instants, O(open cases)) when the month markers say every case reported by then has them;
// otherwise one aggregate over the REPORTED / CLOSED / REOPENED facts up to each instant (the
// CaseEvent (type, at) index, O(cases): seconds at 500,000 cases).
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { spansComplete } from './caseCounts';
import { backlogFrom, backlogInstants, computeBacklog, type Backlog } from '../../domain/assessment/backlog';
import type { AssessmentCase } from '../../domain/assessment/figures';
import type { Period } from '../../domain/assessment/period';

export type BacklogDb = Pick<Db, '$queryRaw'>;

/** The backlog of `period` as of `asOf`, counted in the database (`onSource` is told which way). */
export async function computeBacklogInDb(db: BacklogDb, period: Period, asOf: number, opts: { onSource?: (source: 'spans' | 'events') => void } = {}): Promise<Backlog> {
  const { at, yearBeforeAt } = backlogInstants(period, asOf);
  const fromSpans = await spansComplete(db, at);
  opts.onSource?.(fromSpans ? 'spans' : 'events');
  const rows = await db.$queryRaw<Array<{ u: string | null; now: number; before: number }>>(fromSpans ? openFromSpans(at, yearBeforeAt) : openFromEvents(at, yearBeforeAt));
  const total: [number, number] = [0, 0];
  const counts = new Map<string, [number, number]>();
  for (const r of rows) {
    if (r.u === null) {
      total[0] = r.now;
      total[1] = r.before;
    } else counts.set(r.u, [r.now, r.before]);
  }
  return backlogFrom(at, yearBeforeAt, total, counts);
}

/** Every case's REPORTED / CLOSED / REOPENED facts up to `at`, folded per case; per area through the cases' units. */
export function openFromEvents(at: number, yearBeforeAt: number): Prisma.Sql {
  return Prisma.sql`
    WITH t AS (SELECT ${new Date(at)}::timestamptz AS now, ${new Date(yearBeforeAt)}::timestamptz AS before),
    st AS (
      SELECT e."caseCode" AS code,
             bool_or(e.type = 'REPORTED') AND COALESCE((array_agg(e.type ORDER BY e.seq DESC) FILTER (WHERE e.type <> 'REPORTED'))[1], 'REOPENED') <> 'CLOSED' AS open_now,
             bool_or(e.type = 'REPORTED' AND e.at <= t.before)
               AND COALESCE((array_agg(e.type ORDER BY e.seq DESC) FILTER (WHERE e.type <> 'REPORTED' AND e.at <= t.before))[1], 'REOPENED') <> 'CLOSED' AS open_before
      FROM "CaseEvent" e CROSS JOIN t
      WHERE e.type IN ('REPORTED', 'CLOSED', 'REOPENED') AND e.at <= t.now
      GROUP BY e."caseCode"
    ),
    o AS (SELECT s.code, s.open_now, s.open_before FROM st s WHERE s.open_now OR s.open_before)
    SELECT NULL AS u, count(*) FILTER (WHERE o.open_now)::int AS now, count(*) FILTER (WHERE o.open_before)::int AS before FROM o
    UNION ALL
    SELECT h.u, count(*) FILTER (WHERE o.open_now)::int, count(*) FILTER (WHERE o.open_before)::int
    FROM o JOIN "Case" c ON c.code = o.code
    CROSS JOIN LATERAL (SELECT DISTINCT x.u FROM unnest(ARRAY[c."gridId", c."communityId", c."streetId", c."districtId"]) AS x(u) WHERE x.u <> '') h
    GROUP BY h.u`;
}

/**
 * The cases whose open spans hold either instant (the GiST index on "openSpans"), counted per
 * area from the home units kept beside them: neither the events nor the cases are read.
 */
export function openFromSpans(at: number, yearBeforeAt: number): Prisma.Sql {
  const now = new Date(at);
  const before = new Date(yearBeforeAt);
  return Prisma.sql`
    WITH o AS MATERIALIZED (
      SELECT s.units, s."openSpans" @> ${now}::timestamptz AS open_now, s."openSpans" @> ${before}::timestamptz AS open_before
      FROM "AssessmentCaseState" s
      WHERE s."openSpans" @> ${now}::timestamptz OR s."openSpans" @> ${before}::timestamptz
    )
    SELECT NULL AS u, count(*) FILTER (WHERE o.open_now)::int AS now, count(*) FILTER (WHERE o.open_before)::int AS before FROM o
    UNION ALL
    SELECT x.u, sum(g.now)::int, sum(g.before)::int
    FROM (SELECT o.units, count(*) FILTER (WHERE o.open_now) AS now, count(*) FILTER (WHERE o.open_before) AS before FROM o GROUP BY o.units) g
    CROSS JOIN LATERAL unnest(g.units) AS x(u)
    GROUP BY x.u`;
}

/** The reference (tests): every case's REPORTED / CLOSED / REOPENED facts loaded and folded in memory. */
export async function computeBacklogInMemory(db: Pick<Db, 'case' | 'caseEvent'>, period: Period, asOf: number): Promise<Backlog> {
  const { at, yearBeforeAt } = backlogInstants(period, asOf);
  const cases = await db.case.findMany({ select: { code: true, districtId: true, streetId: true, communityId: true, gridId: true } });
  const events = await db.caseEvent.findMany({
    where: { type: { in: ['REPORTED', 'CLOSED', 'REOPENED'] }, at: { lte: new Date(at) } },
    select: { caseCode: true, seq: true, type: true, at: true },
  });
  const byCode = new Map<string, AssessmentCase>(
    cases.map((c) => [c.code, { code: c.code, units: { districtId: c.districtId, streetId: c.streetId, communityId: c.communityId, gridId: c.gridId }, events: [] }]),
  );
  for (const e of events) {
    byCode.get(e.caseCode)?.events.push({ seq: e.seq, type: e.type, at: e.at.getTime(), actorId: null, actorRole: null, unitId: null, level: null, data: {} });
  }
  return computeBacklog([...byCode.values()], at, yearBeforeAt);
}
