// The assessment counts maintained as facts are recorded (issue 18). Each case's own
// contributions to every unit's counts (the per-case form of sqlFigures' query, so the rules
// of docs/ASSESSMENT.md are written once) are rewritten whole whenever the case records
// facts or a call score, and the difference is added to the month sums of its REPORTED
// month in the same transaction. Rewriting from all of the case's facts makes it
// idempotent: a retried activity writes the same rows and adds a difference of zero.
// A period's live figures are then a sum over at most 12 months × units × metrics rows.
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { ASSESSED_FACT_TYPES } from '../../domain/assessment/figures';
import { SHANGHAI_OFFSET_MINUTES, type Period } from '../../domain/assessment/period';
import { perCaseCountsQuery, type CountRow } from './sqlFigures';

export type CaseCountsDb = Pick<Db, '$queryRaw' | '$executeRaw' | '$transaction'>;

/** Advisory lock namespace of a case's counts (second key: a bucket of the case code). */
const LOCK_SPACE = 18_018;
const LOCK_BUCKETS = 1024;
const ASSESSED = new Set<string>(ASSESSED_FACT_TYPES);

/** Whether recording these fact types can change the assessment counts. */
export const touchesAssessment = (types: readonly string[]): boolean => types.some((t) => ASSESSED.has(t));

/** The month (Asia/Shanghai, the periods' calendar) a REPORTED instant belongs to, in SQL. */
const monthOf = (at: string) =>
  Prisma.raw(`((date_trunc('month', (${at}) AT TIME ZONE 'UTC' + interval '${SHANGHAI_OFFSET_MINUTES} minutes') - interval '${SHANGHAI_OFFSET_MINUTES} minutes') AT TIME ZONE 'UTC')`);

/**
 * The open spans of the cohort's cases (the backlog, domain/assessment/backlog.openAt): from the
 * state at each distinct instant of a case's REPORTED / CLOSED / REOPENED facts, open once reported
 * while the latest (by seq) CLOSED or REOPENED fact at or before that instant is not a CLOSED; a
 * span lasts until the next such instant. Exact for every instant whatever order the facts' times
 * come in. Cases never open have no row (the callers write an empty multirange). Migration 0019
 * fills existing states with the same query.
 */
export function openSpansQuery(cohort: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT g.code, range_agg(tstzrange(g.at, g.nxt, '[)')) FILTER (WHERE g.open) AS spans
    FROM (
      SELECT x.code, x.at, lead(x.at) OVER w AS nxt,
             (bool_or(x.rep) OVER w) AND COALESCE((max(x.cr) OVER w) % 2 = 0, true) AS open
      FROM (
        SELECT e."caseCode" AS code, e.at, bool_or(e.type = 'REPORTED') AS rep,
               max(CASE WHEN e.type <> 'REPORTED' THEN e.seq::bigint * 2 + (e.type = 'CLOSED')::int END) AS cr
        FROM "CaseEvent" e WHERE e.type IN ('REPORTED', 'CLOSED', 'REOPENED') AND e."caseCode" IN (${cohort}) GROUP BY 1, 2
      ) x
      WINDOW w AS (PARTITION BY x.code ORDER BY x.at)
    ) g GROUP BY g.code`;
}

/** The home units of a case row `c` (grid, community, street, district; distinct, not empty), as domain homeUnitsOf. */
const homeUnitsSql = Prisma.raw(`ARRAY(SELECT DISTINCT x.u FROM unnest(ARRAY[c."gridId", c."communityId", c."streetId", c."districtId"]) AS x(u) WHERE x.u <> '' ORDER BY 1)`);

/**
 * Rewrite the counts of these cases from their facts and move the month sums by the
 * difference. Concurrent refreshes of the same case are serialised by an advisory lock (taken
 * in bucket order, so two batches never deadlock); the month rows are upserted in key order.
 */
export async function refreshCaseCounts(db: CaseCountsDb, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  const list = [...new Set(codes)].sort();
  const lock = Prisma.sql`
    SELECT count(pg_advisory_xact_lock(${LOCK_SPACE}::int, b)) AS n
    FROM (SELECT DISTINCT (hashtext(c) & ${LOCK_BUCKETS - 1}) AS b FROM unnest(${list}::text[]) c ORDER BY 1) x`;
  const cohort = Prisma.sql`SELECT rep.code FROM rep`;
  const write = Prisma.sql`
WITH rep AS (
  SELECT r."caseCode" AS code, (array_agg(r.at ORDER BY r.seq))[1] AS reported_at
  FROM "CaseEvent" r WHERE r.type = 'REPORTED' AND r."caseCode" = ANY(${list}::text[]) GROUP BY r."caseCode"
),
fresh AS (${perCaseCountsQuery(cohort)}),
spans AS (${openSpansQuery(cohort)}),
st AS (
  SELECT rep.code, rep.reported_at, ${monthOf('rep.reported_at')} AS month,
         COALESCE(sp.spans, '{}'::tstzmultirange) AS open_spans,
         CASE WHEN c.code IS NULL THEN NULL ELSE ${homeUnitsSql} END AS units,
         GREATEST(
           (SELECT max(e.at) FROM "CaseEvent" e WHERE e."caseCode" = rep.code AND e.type = ANY(${[...ASSESSED_FACT_TYPES]}::text[])),
           (SELECT max(s.at) FROM "CallScore" s WHERE s."caseCode" = rep.code)
         ) AS last_at
  FROM rep LEFT JOIN spans sp ON sp.code = rep.code LEFT JOIN "Case" c ON c.code = rep.code
),
old AS (
  SELECT c."unitId" AS u, c.metric AS m, c.n, c.d, s.month
  FROM "AssessmentCaseCount" c JOIN "AssessmentCaseState" s ON s."caseCode" = c."caseCode"
  WHERE c."caseCode" = ANY(${list}::text[]) AND c."dueFrom" = 0
),
gone AS (
  DELETE FROM "AssessmentCaseCount" c WHERE c."caseCode" = ANY(${list}::text[])
    AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.code = c."caseCode" AND f.u = c."unitId" AND f.m = c.metric AND f.due = c."dueFrom")
),
kept AS (
  INSERT INTO "AssessmentCaseCount" ("caseCode", "unitId", metric, "dueFrom", n, d)
  SELECT f.code, f.u, f.m, f.due, f.n, f.d FROM fresh f
  ON CONFLICT ("caseCode", "unitId", metric, "dueFrom") DO UPDATE SET n = excluded.n, d = excluded.d
    WHERE ("AssessmentCaseCount".n, "AssessmentCaseCount".d) IS DISTINCT FROM (excluded.n, excluded.d)
),
state AS (
  INSERT INTO "AssessmentCaseState" ("caseCode", month, "reportedAt", "lastAt", "openSpans", units)
  SELECT st.code, st.month, st.reported_at, COALESCE(st.last_at, st.reported_at), st.open_spans, st.units FROM st
  ON CONFLICT ("caseCode") DO UPDATE SET month = excluded.month, "reportedAt" = excluded."reportedAt", "lastAt" = excluded."lastAt",
    "openSpans" = excluded."openSpans", units = excluded.units
),
delta AS (
  SELECT z.month, z.u, z.m, sum(z.n) AS n, sum(z.d) AS d FROM (
    SELECT st.month, f.u, f.m, f.n, f.d, (f.n = 0 AND f.d = 0) AS listed FROM fresh f JOIN st ON st.code = f.code WHERE f.due = 0
    UNION ALL SELECT o.month, o.u, o.m, -o.n, -o.d, false FROM old o
  ) z GROUP BY z.month, z.u, z.m
  -- A zero row is kept only where it lists a unit (a scored department without score values).
  HAVING sum(z.n) <> 0 OR sum(z.d) <> 0 OR bool_or(z.listed)
)
INSERT INTO "AssessmentMonthCount" (month, "unitId", metric, n, d)
SELECT delta.month, delta.u, delta.m, delta.n, delta.d FROM delta ORDER BY 1, 2, 3
ON CONFLICT (month, "unitId", metric) DO UPDATE SET n = "AssessmentMonthCount".n + excluded.n, d = "AssessmentMonthCount".d + excluded.d`;
  await db.$transaction(
    async (tx) => {
      await tx.$queryRaw(lock);
      await tx.$executeRaw(write);
    },
    { maxWait: 60_000, timeout: 120_000 },
  );
}

/**
 * The backfill right after migration 0013, before workers record again: into EMPTY tables,
 * each case's rows inserted in chunks of case codes (one pass of the per-case query each, no
 * upserts), then the month sums in one aggregate. Refuses to run when the tables hold rows
 * (use rebuildCaseCounts, which is safe while cases are recorded).
 */
export async function backfillCaseCounts(
  db: CaseCountsDb,
  opts: { chunk?: number; onChunk?: (done: number) => void } = {},
): Promise<number> {
  const chunk = opts.chunk ?? 25_000;
  const [{ n: existing }] = await db.$queryRaw<Array<{ n: number }>>`
    SELECT ((SELECT count(*) FROM (SELECT 1 FROM "AssessmentCaseState" LIMIT 1) a) + (SELECT count(*) FROM (SELECT 1 FROM "AssessmentMonthCount" LIMIT 1) b))::int AS n`;
  if (existing > 0) throw new Error('the assessment counts are not empty: use rebuildCaseCounts (npm run assessment:rebuild -- --live)');
  let after = '';
  let done = 0;
  for (;;) {
    const bound = await db.$queryRaw<Array<{ code: string; n: number }>>`
      SELECT max(code) AS code, count(*)::int AS n FROM (SELECT code FROM "Case" WHERE code > ${after} ORDER BY code LIMIT ${chunk}) x`;
    const last = bound[0]?.code;
    if (!last) break;
    const rep = Prisma.sql`
      SELECT r."caseCode" AS code, (array_agg(r.at ORDER BY r.seq))[1] AS reported_at
      FROM "CaseEvent" r WHERE r.type = 'REPORTED' AND r."caseCode" > ${after} AND r."caseCode" <= ${last} GROUP BY r."caseCode"`;
    await db.$executeRaw`
      WITH rep AS (${rep}), fresh AS (${perCaseCountsQuery(Prisma.sql`SELECT rep.code FROM rep`)})
      INSERT INTO "AssessmentCaseCount" ("caseCode", "unitId", metric, "dueFrom", n, d) SELECT f.code, f.u, f.m, f.due, f.n, f.d FROM fresh f`;
    await db.$executeRaw`
      WITH rep AS (${rep}),
      ev AS (
        SELECT e."caseCode" AS code, max(e.at) AS at FROM "CaseEvent" e
        WHERE e."caseCode" > ${after} AND e."caseCode" <= ${last} AND e.type = ANY(${[...ASSESSED_FACT_TYPES]}::text[]) GROUP BY 1
      ),
      sc AS (SELECT s."caseCode" AS code, max(s.at) AS at FROM "CallScore" s WHERE s."caseCode" > ${after} AND s."caseCode" <= ${last} GROUP BY 1),
      spans AS (${openSpansQuery(Prisma.sql`SELECT rep.code FROM rep`)})
      INSERT INTO "AssessmentCaseState" ("caseCode", month, "reportedAt", "lastAt", "openSpans", units)
      SELECT rep.code, ${monthOf('rep.reported_at')}, rep.reported_at, COALESCE(GREATEST(ev.at, sc.at), rep.reported_at), COALESCE(sp.spans, '{}'::tstzmultirange),
             CASE WHEN c.code IS NULL THEN NULL ELSE ${homeUnitsSql} END
      FROM rep LEFT JOIN ev ON ev.code = rep.code LEFT JOIN sc ON sc.code = rep.code LEFT JOIN spans sp ON sp.code = rep.code
      LEFT JOIN "Case" c ON c.code = rep.code`;
    done += bound[0].n;
    after = last;
    opts.onChunk?.(done);
  }
  await db.$executeRaw`
    INSERT INTO "AssessmentMonthCount" (month, "unitId", metric, n, d)
    SELECT s.month, c."unitId", c.metric, sum(c.n), sum(c.d)
    FROM "AssessmentCaseCount" c JOIN "AssessmentCaseState" s ON s."caseCode" = c."caseCode"
    WHERE c."dueFrom" = 0 GROUP BY 1, 2, 3`;
  return done;
}

/**
 * Count every case (a backfill after migration 0013, or a repair): the same refresh as
 * recording does, in batches of case codes. Safe while cases are being recorded.
 */
export async function rebuildCaseCounts(
  db: CaseCountsDb,
  opts: { batch?: number; onBatch?: (done: number) => void } = {},
): Promise<number> {
  const batch = opts.batch ?? 1_000;
  let after = '';
  let done = 0;
  for (;;) {
    const rows = await db.$queryRaw<Array<{ code: string }>>`
      SELECT code FROM "Case" WHERE code > ${after} ORDER BY code LIMIT ${batch}`;
    if (rows.length === 0) return done;
    await refreshCaseCounts(db, rows.map((r) => r.code));
    done += rows.length;
    after = rows[rows.length - 1].code;
    opts.onBatch?.(done);
  }
}

/** Month starts (Shanghai) of the months a period spans, or null if it is not made of whole Shanghai months. */
export function monthsOf(period: Period): { start: Date; end: Date } | null {
  const aligned = (ms: number) => {
    const local = new Date(ms + SHANGHAI_OFFSET_MINUTES * 60_000);
    return local.getUTCDate() === 1 && local.getUTCHours() === 0 && local.getUTCMinutes() === 0 && local.getUTCSeconds() === 0 && local.getUTCMilliseconds() === 0;
  };
  return aligned(period.startMs) && aligned(period.endMs) ? { start: new Date(period.startMs), end: new Date(period.endMs) } : null;
}

/**
 * The counts of `period` as of `asOf` from the maintained rows, or null when they cannot
 * answer: the period is not whole Shanghai months, one of its cases recorded an assessed
 * fact or score after asOf (a past instant), or a case of the period has no rows yet; the
 * caller then computes from the events.
 * Calls not reported yet count from their report-by time, as of asOf.
 */
export async function countsFromMaintained(db: CaseCountsDb, period: Period, asOf: number): Promise<CountRow[] | null> {
  const months = monthsOf(period);
  if (!months) return null;
  if (!(await maintainedCanAnswer(db, months, asOf))) return null;
  return db.$queryRaw<CountRow[]>(maintainedCountsQuery(months, asOf));
}

/**
 * Whether the maintained rows are complete for these months as of asOf: every case reported in
 * them (as of asOf) has its rows, and none of them recorded an assessed fact or score after asOf.
 * Cases recorded before the rows existed (until `npm run assessment:rebuild`), or facts written by
 * other means, would otherwise be silently missing from the figures.
 * First the month markers (migration 0019: O(months)): their REPORTED facts and their counted
 * states balance, and no state's last fact is after asOf. That implies the check below (the states
 * of a month are among the cases with a REPORTED fact in it, so as many states as REPORTED facts
 * means every such case has its state, and none is reported after asOf). When they do not
 * balance (a duplicated REPORTED fact, a case reported after a past asOf, a state written without
 * its spans), the cases themselves are counted: O(cases of the period).
 * Returns which check answered, or false.
 */
export async function maintainedCanAnswer(db: Pick<Db, '$queryRaw'>, months: { start: Date; end: Date }, asOf: number): Promise<'markers' | 'cases' | false> {
  const asOfAt = new Date(asOf);
  const [marker] = await db.$queryRaw<Array<{ ok: boolean }>>`
    SELECT COALESCE(sum(m.reported), 0) = COALESCE(sum(m.counted), 0) AND COALESCE(max(m."lastAt") <= ${asOfAt}, true) AS ok
    FROM "AssessmentMonthMarker" m WHERE m.month >= ${months.start} AND m.month < ${months.end}`;
  if (marker?.ok) return 'markers';
  const [check] = await db.$queryRaw<Array<{ later: boolean; reported: bigint; maintained: bigint }>>`
    SELECT EXISTS (SELECT 1 FROM "AssessmentCaseState" s
                   WHERE s."lastAt" > ${asOfAt} AND s.month >= ${months.start} AND s.month < ${months.end}) AS later,
           (SELECT count(DISTINCT r."caseCode") FROM "CaseEvent" r
             WHERE r.type = 'REPORTED' AND r.at >= ${months.start} AND r.at < ${months.end} AND r.at <= ${asOfAt}) AS reported,
           (SELECT count(*) FROM "AssessmentCaseState" s
             WHERE s.month >= ${months.start} AND s.month < ${months.end} AND s."reportedAt" <= ${asOfAt}) AS maintained`;
  return check && !check.later && check.reported === check.maintained ? 'cases' : false;
}

/**
 * Whether every case with a REPORTED fact at or before `at` has its state with its open spans
 * (the backlog's condition): the markers of the months up to the one holding `at` balance.
 * Unbalanced (a case being recorded right now, one recorded before migration 0019 without
 * `npm run assessment:rebuild`, a fact written by other means): false, and the backlog is
 * counted from the events.
 */
export async function spansComplete(db: Pick<Db, '$queryRaw'>, at: number): Promise<boolean> {
  const [marker] = await db.$queryRaw<Array<{ ok: boolean }>>`
    SELECT COALESCE(sum(m.reported), 0) = COALESCE(sum(m.counted), 0) AS ok FROM "AssessmentMonthMarker" m WHERE m.month <= ${new Date(at)}`;
  return marker?.ok === true;
}

/**
 * Count the month markers again from the facts and the states (what migration 0019 does), with
 * writers held off meanwhile (SHARE locks): the repair after states written without their spans
 * or markers moved while the triggers were missing. The rebuild script runs it last.
 */
export async function recountMonthMarkers(db: CaseCountsDb): Promise<void> {
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`LOCK TABLE "CaseEvent", "AssessmentCaseState" IN SHARE MODE`;
      await tx.$executeRaw`
        WITH fresh AS (
          SELECT z.month, z.shard, sum(z.reported) AS reported, sum(z.counted) AS counted, max(z.last) AS last FROM (
            SELECT assessment_month(e.at) AS month, hashtext(e."caseCode") & 15 AS shard, 1 AS reported, 0 AS counted, NULL::timestamptz AS last
            FROM "CaseEvent" e WHERE e.type = 'REPORTED'
            UNION ALL
            SELECT s.month, hashtext(s."caseCode") & 15, 0, (s."openSpans" IS NOT NULL)::int, GREATEST(s."lastAt", s."reportedAt") FROM "AssessmentCaseState" s
          ) z GROUP BY 1, 2
        ),
        gone AS (
          UPDATE "AssessmentMonthMarker" m SET reported = 0, counted = 0, "lastAt" = NULL
          WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.month = m.month AND f.shard = m.shard)
        )
        INSERT INTO "AssessmentMonthMarker" AS m (month, shard, reported, counted, "lastAt")
        SELECT f.month, f.shard, f.reported, f.counted, f.last FROM fresh f ORDER BY 1, 2
        ON CONFLICT (month, shard) DO UPDATE SET reported = excluded.reported, counted = excluded.counted, "lastAt" = excluded."lastAt"`;
    },
    { maxWait: 60_000, timeout: 600_000 },
  );
}

/** The sum over the month rows of a period, plus its calls due by asOf but not reported (one query). */
export function maintainedCountsQuery(months: { start: Date; end: Date }, asOf: number): Prisma.Sql {
  return Prisma.sql`
    SELECT NULLIF(x.u, '') AS u, x.m, sum(x.n)::int AS n, sum(x.d)::int AS d FROM (
      SELECT mc."unitId" AS u, mc.metric AS m, mc.n, mc.d FROM "AssessmentMonthCount" mc
      WHERE mc.month >= ${months.start} AND mc.month < ${months.end}
      UNION ALL
      SELECT c."unitId", c.metric, c.n, c.d FROM "AssessmentCaseCount" c JOIN "AssessmentCaseState" s ON s."caseCode" = c."caseCode"
      WHERE c."dueFrom" > 0 AND c."dueFrom" <= ${asOf}::float8 AND s.month >= ${months.start} AND s.month < ${months.end}
    ) x GROUP BY x.u, x.m`;
}
