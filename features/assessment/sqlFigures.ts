// The assessment figures computed by the database: one aggregate query returns every unit's
// counts for a period as of an instant, so a year of a busy district is never loaded into
// the API's memory. It applies the rules of docs/ASSESSMENT.md exactly as the reference fold
// (domain/assessment/figures.ts) does, including its order-dependent ones (a returned
// submission is withdrawn, a survey is about the latest closing, a survey reopened the case
// when the next assessed event is REOPENED, a grant goes to the latest requester of its
// requestId, a call's report tracks the latest call of its callId); the agreement test
// (test/integration/assessment.agreement.test.ts) holds them to identical figures.
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import {
  ASSESSED_FACT_TYPES,
  figuresFromCounts,
  INSIDE_GRID_LEVELS,
  zeroCounts,
  type AssessmentFigures,
  type UnitCounts,
  type UnitInfo,
} from '../../domain/assessment/figures';
import { unitForLevel } from '../../domain/ladder';
import { LEVELS } from '../../domain/types';
import type { Period } from '../../domain/assessment/period';

/** The levels inside the grid (figures.ts INSIDE_GRID_LEVELS), as a SQL list. */
const INSIDE = Prisma.raw(INSIDE_GRID_LEVELS.map((l) => `'${l}'`).join(', '));

export type SqlFiguresDb = Pick<Db, '$queryRaw' | 'orgUnit'>;

type PairKey = { [K in keyof UnitCounts]: UnitCounts[K] extends [number, number] ? K : never }[keyof UnitCounts];
type CountKey = { [K in keyof UnitCounts]: UnitCounts[K] extends number ? K : never }[keyof UnitCounts];
type TotalKey = keyof AssessmentFigures['totals'];

/** One row of the query: a unit's metric (n, d) — or a total when `u` is null. */
export interface CountRow {
  u: string | null;
  m: string;
  n: number;
  d: number;
}

/** A JSON string field that is a non-empty string (the fold's `str`), else NULL. */
const str = (alias: string, field: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${alias}.data->'${field}') = 'string' AND ${alias}.data->>'${field}' <> '' THEN ${alias}.data->>'${field}' END)`);
/** A JSON field that is a boolean (the fold's `bool`), as 1/0, else NULL. */
const bit = (alias: string, field: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${alias}.data->'${field}') = 'boolean' THEN CASE WHEN ${alias}.data->'${field}' = 'true'::jsonb THEN 1 ELSE 0 END END)`);

/** The unit that made a call, by the call's level (domain callerUnitOf): written from unitForLevel itself. */
const CALLER = Prisma.raw(
  `(CASE e.level ${LEVELS.map((l) => `WHEN '${l}' THEN e.${unitForLevel(l, { districtId: 'district', streetId: 'street', communityId: 'community', gridId: 'grid' })}`).join(' ')} ELSE e.street END)`,
);

/** Every unit's counts and the totals of the cases reported in `period`, counting what was recorded up to `asOf`. */
export function countsQuery(period: Period, asOf: number): Prisma.Sql {
  const start = new Date(period.startMs);
  const end = new Date(period.endMs);
  const asOfAt = new Date(asOf);
  return factsQuery(
    Prisma.sql`SELECT DISTINCT r."caseCode" AS code FROM "CaseEvent" r
  WHERE r.type = 'REPORTED' AND r.at >= ${start} AND r.at < ${end} AND r.at <= ${asOfAt}`,
    asOf,
    false,
  );
}

/**
 * Each case's own contributions (caseCode, unit, metric, dueFrom, n, d) counting every fact
 * recorded so far, for the maintained counts (caseCounts.ts). Unit '' holds the totals. A call
 * not reported yet is due only from its report-by time: its rows carry that time as dueFrom
 * (0 = counted whenever the case is), so a read as of any instant can still apply the rule.
 */
export function perCaseCountsQuery(cohort: Prisma.Sql): Prisma.Sql {
  return factsQuery(cohort, null, true);
}

/** `infinity`: every recorded fact counts. */
const ALL = 'infinity';

function factsQuery(cohortSql: Prisma.Sql, asOf: number | null, perCase: boolean): Prisma.Sql {
  const asOfAt = asOf === null ? ALL : new Date(asOf);
  return Prisma.sql`
WITH cohort AS (${cohortSql}),
ev AS MATERIALIZED (
  SELECT e."caseCode" AS code, e.seq, e.type, e."unitId" AS unit, e.level, e.data,
         c."districtId" AS district, c."streetId" AS street, c."communityId" AS community, c."gridId" AS grid
  FROM cohort k JOIN "Case" c ON c.code = k.code JOIN "CaseEvent" e ON e."caseCode" = k.code
  WHERE e.at <= ${asOfAt}::timestamptz AND e.type = ANY(${[...ASSESSED_FACT_TYPES]}::text[])
),
-- The next assessed event (did a survey reopen the case?) and the closing each event follows.
ord AS (
  SELECT e.*, lead(e.type) OVER w AS next_type,
         count(*) FILTER (WHERE e.type = 'CLOSED') OVER w AS closings,
         CASE WHEN e.type = 'CLOSED' THEN COALESCE(${str('e', 'handlerUnitId')}, e.unit) END AS closer
  FROM ev e WINDOW w AS (PARTITION BY e.code ORDER BY e.seq)
),
-- A survey is about the handler of the latest closing before it (the district without one).
sv AS (
  SELECT o.code, o.seq, o.type, o.data, o.next_type, COALESCE(first_value(o.closer) OVER (PARTITION BY o.code, o.closings ORDER BY o.seq), o.district) AS about
  FROM ord o WHERE o.type IN ('CLOSED', 'SURVEY_RECORDED', 'SURVEY_UNREACHABLE')
),
-- A submission counts unless the next review fact is a return or another submission.
rv AS (
  SELECT e.code, e.type, e.data, lead(e.type) OVER (PARTITION BY e.code ORDER BY e.seq) AS nxt
  FROM ev e WHERE e.type IN ('REVIEW_REQUESTED', 'REVIEW_RETURNED', 'REVIEWED_CLOSED', 'CLOSED')
),
-- A grant belongs to the latest request (by a unit) of its requestId before it.
ex AS (
  SELECT e.code, e.seq, e.type, e.unit, e.data->>'requestId' AS rid,
         count(*) FILTER (WHERE e.type = 'EXTENSION_REQUESTED' AND e.unit <> '') OVER (PARTITION BY e.code, e.data->>'requestId' ORDER BY e.seq) AS g
  FROM ev e WHERE e.type IN ('EXTENSION_REQUESTED', 'EXTENSION_APPROVED') AND ${str('e', 'requestId')} IS NOT NULL
),
grants AS (
  SELECT x.code, x.type, first_value(CASE WHEN x.type = 'EXTENSION_REQUESTED' AND x.unit <> '' THEN x.unit END) OVER (PARTITION BY x.code, x.rid, x.g ORDER BY x.seq) AS requester
  FROM ex x
),
-- Clock pauses (figures.ts foldPause): each decision or end belongs to the latest request (by a unit) of its pauseId before it.
pz AS (
  SELECT e.code, e.seq, e.type, e.unit, e.data, e.data->>'pauseId' AS pid,
         count(*) FILTER (WHERE e.type = 'PAUSE_REQUESTED' AND e.unit <> '') OVER (PARTITION BY e.code, e.data->>'pauseId' ORDER BY e.seq) AS g
  FROM ev e WHERE e.type IN ('PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_REJECTED', 'PAUSE_ENDED') AND ${str('e', 'pauseId')} IS NOT NULL
),
pauses AS (
  SELECT p.code, p.type, p.data, first_value(CASE WHEN p.type = 'PAUSE_REQUESTED' AND p.unit <> '' THEN p.unit END) OVER (PARTITION BY p.code, p.pid, p.g ORDER BY p.seq) AS asker
  FROM pz p
),
-- Department calls and reports; a report tracks the latest call of its callId before it.
cl0 AS (
  SELECT e.code, e.seq, e.type, e.data, e.data->>'callId' AS cid,
         CASE WHEN e.type = 'DEPARTMENT_CALLED' THEN COALESCE(e.unit, ${str('e', 'departmentId')}) END AS dept,
         ${CALLER} AS caller
  FROM ev e WHERE e.type IN ('DEPARTMENT_CALLED', 'DEPARTMENT_REPORTED') AND ${str('e', 'callId')} IS NOT NULL
),
cl AS (
  SELECT c.*, count(*) FILTER (WHERE c.type = 'DEPARTMENT_CALLED') OVER (PARTITION BY c.code, c.cid ORDER BY c.seq) AS g,
         count(*) FILTER (WHERE c.type = 'DEPARTMENT_CALLED') OVER (PARTITION BY c.code, c.cid) AS gmax
  FROM cl0 c WHERE c.type = 'DEPARTMENT_REPORTED' OR c.dept <> ''
),
calls AS (
  SELECT c.code, max(c.dept) AS dept,
         max(CASE WHEN c.type = 'DEPARTMENT_CALLED' AND jsonb_typeof(c.data->'reportBy') = 'number' THEN (c.data->>'reportBy')::float8 END) AS report_by,
         bool_or(c.type = 'DEPARTMENT_REPORTED') AS reported,
         (array_agg(c.data->'late' = 'true'::jsonb ORDER BY c.seq DESC) FILTER (WHERE c.type = 'DEPARTMENT_REPORTED'))[1] AS late
  FROM cl c WHERE c.g >= 1 AND c.g = c.gmax GROUP BY c.code, c.cid, c.g
),
due AS (
  SELECT c.code, c.dept, c.reported, COALESCE(c.late, false) AS late,
         CASE WHEN c.reported THEN 0 ELSE c.report_by END AS due_from FROM calls c
  WHERE c.reported OR ${perCase ? Prisma.sql`c.report_by IS NOT NULL` : Prisma.sql`c.report_by <= ${asOf}::float8`}
),
sc AS (
  SELECT s.* FROM "CallScore" s JOIN cohort k ON k.code = s."caseCode" WHERE s.at <= ${asOfAt}::timestamptz
),
-- Closer to the seeds (issue 16, figures.ts foldSeedsEvent/settleSeeds): each case's latest
-- closing (null once reopened) and whether it went beyond the grid and community.
seeds AS (
  SELECT e.code, max(e.district) AS district, max(e.street) AS street, max(e.community) AS community, max(e.grid) AS grid,
         bool_or((e.type = 'REPORTED' AND (e.level IS NULL OR e.level NOT IN (${INSIDE})))
                 OR (e.type = 'ESCALATED' AND COALESCE(e.data->>'to', '') NOT IN (${INSIDE}))
                 OR e.type = 'DEPARTMENT_CALLED') AS left_grid,
         (array_agg(CASE WHEN e.type = 'CLOSED' THEN e.data END ORDER BY e.seq DESC) FILTER (WHERE e.type IN ('CLOSED', 'REOPENED')))[1] AS closing
  FROM ev e GROUP BY e.code
),
handled AS (
  SELECT e.unit AS u, e.code FROM ev e WHERE e.type IN ('REPORTED', 'ESCALATED', 'ACCEPTED', 'RESPONDED', 'GUIDANCE_GIVEN') AND e.unit <> ''
  UNION SELECT e.community, e.code FROM ev e WHERE e.type = 'RESPONDED' AND e.data->>'decision' = 'COMMUNITY' AND e.community <> ''
  UNION SELECT o.closer, o.code FROM ord o WHERE o.type = 'CLOSED' AND o.closer <> ''
  UNION SELECT c.dept, c.code FROM cl c WHERE c.type = 'DEPARTMENT_CALLED'
)
${perCase
    ? Prisma.sql`SELECT x.code, COALESCE(x.u, '') AS u, x.m, x.due, sum(x.n)::int AS n, sum(x.d)::int AS d FROM (`
    : Prisma.sql`SELECT x.u, x.m, sum(x.n)::int AS n, sum(x.d)::int AS d FROM (`}
  SELECT h.code AS code, 0::float8 AS due, h.u, 'handled' AS m, 1 AS n, 0 AS d FROM handled h
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'accept', ${bit('e', 'onTime')}, 1 FROM ev e WHERE e.type = 'ACCEPTED' AND e.unit <> '' AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'response', ${bit('e', 'onTime')}, 1 FROM ev e WHERE e.type IN ('RESPONDED', 'GUIDANCE_GIVEN') AND e.unit <> '' AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'breaches', 1, 0 FROM ev e WHERE e.type = 'BREACHED' AND e.unit <> ''
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, CASE e.data->>'kind' WHEN 'ACCEPT' THEN 'accept' WHEN 'RESPONSE' THEN 'response' ELSE 'completion' END, 0, 1
    FROM ev e WHERE e.type = 'BREACHED' AND e.unit <> '' AND e.data->>'kind' IN ('ACCEPT', 'RESPONSE', 'COMPLETION')
  UNION ALL SELECT r.code AS code, 0::float8 AS due, ${str('r', 'handlerUnitId')}, 'completion', ${bit('r', 'onTime')}, 1 FROM rv r
    WHERE r.type = 'REVIEW_REQUESTED' AND ${str('r', 'handlerUnitId')} IS NOT NULL AND ${bit('r', 'onTime')} IS NOT NULL
      AND (r.nxt IS NULL OR r.nxt IN ('REVIEWED_CLOSED', 'CLOSED'))
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'extAsked', 1, 0 FROM ev e WHERE e.type = 'EXTENSION_REQUESTED' AND e.unit <> ''
  UNION ALL SELECT g.code AS code, 0::float8 AS due, g.requester, 'extGranted', 1, 0 FROM grants g WHERE g.type = 'EXTENSION_APPROVED' AND g.requester IS NOT NULL
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'answered', 1, 0 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'satisfied', CASE WHEN s.data->>'satisfaction' IN ('SATISFIED', 'BASICALLY_SATISFIED') THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'solved', CASE WHEN s.data->'solved' = 'true'::jsonb THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'reopened', CASE WHEN s.next_type = 'REOPENED' THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'unreachable', 1, 0 FROM sv s WHERE s.type = 'SURVEY_UNREACHABLE'
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'satisfied', CASE WHEN s.data->>'policy' = 'SATISFIED' THEN 1 ELSE 0 END, 1 FROM sv s
    WHERE s.type = 'SURVEY_UNREACHABLE' AND s.data->>'policy' IN ('SATISFIED', 'NEUTRAL')
  UNION ALL SELECT s.code AS code, 0::float8 AS due, s.about, 'reopened', 0, 1 FROM sv s WHERE s.type = 'SURVEY_UNREACHABLE'
  UNION ALL SELECT c.code AS code, 0::float8 AS due, c.dept, 'callsReceived', 1, 0 FROM cl c WHERE c.type = 'DEPARTMENT_CALLED'
  UNION ALL SELECT c.code AS code, 0::float8 AS due, c.caller, 'callsMade', 1, 0 FROM cl c WHERE c.type = 'DEPARTMENT_CALLED'
  UNION ALL SELECT d.code AS code, d.due_from::float8 AS due, d.dept, 'reported', CASE WHEN d.reported THEN 1 ELSE 0 END, 1 FROM due d
  UNION ALL SELECT d.code AS code, d.due_from::float8 AS due, d.dept, 'onTimeReports', CASE WHEN d.reported AND NOT d.late THEN 1 ELSE 0 END, 1 FROM due d
  UNION ALL SELECT s."caseCode" AS code, 0::float8 AS due, s."toUnitId", 'cooperation', 1, s.cooperation FROM sc s WHERE s.direction = 'STREET_TO_DEPT' AND s.cooperation IS NOT NULL
  UNION ALL SELECT s."caseCode" AS code, 0::float8 AS due, s."toUnitId", 'professionalism', 1, s.professionalism FROM sc s WHERE s.direction = 'STREET_TO_DEPT' AND s.professionalism IS NOT NULL
  UNION ALL SELECT s."caseCode" AS code, 0::float8 AS due, s."toUnitId", 'accurate', CASE WHEN s.accurate THEN 1 ELSE 0 END, 1 FROM sc s WHERE s.direction <> 'STREET_TO_DEPT' AND s.accurate IS NOT NULL
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'urged', 1, 0 FROM ev e WHERE e.type = 'URGED' AND e.unit <> ''
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'noticed', 1, 0 FROM ev e WHERE e.type = 'URGE_NOTICED' AND e.unit <> ''
  -- Five-step deliberation (五步议事, the fold's foldDeliberation): held, completed, the residents' votes.
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'deliberated', 1, 0 FROM ev e
    WHERE e.type = 'DELIBERATION_STEP' AND e.unit <> '' AND e.data->>'step' = 'SAY' AND e.data->'corrected' IS DISTINCT FROM 'true'::jsonb
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'deliberationsDone', 1, 0 FROM ev e
    WHERE e.type = 'DELIBERATION_STEP' AND e.unit <> '' AND e.data->>'step' = 'EVALUATE'
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'deliberationVotes',
      ((e.data->'votes'->>'satisfied')::float8 + (e.data->'votes'->>'basicallySatisfied')::float8)::int,
      ((e.data->'votes'->>'satisfied')::float8 + (e.data->'votes'->>'basicallySatisfied')::float8 + (e.data->'votes'->>'dissatisfied')::float8)::int
    FROM ev e WHERE e.type = 'DELIBERATION_STEP' AND e.unit <> '' AND e.data->>'step' = 'EVALUATE'
      AND jsonb_typeof(e.data->'votes'->'satisfied') = 'number' AND jsonb_typeof(e.data->'votes'->'basicallySatisfied') = 'number'
      AND jsonb_typeof(e.data->'votes'->'dissatisfied') = 'number'
  -- Clock pauses (foldPause): approved, refused (not withdrawn), minutes of the ended ones (each rounded), for the unit that asked.
  UNION ALL SELECT p.code AS code, 0::float8 AS due, p.asker, 'pausesApproved', 1, 0 FROM pauses p WHERE p.type = 'PAUSE_APPROVED' AND p.asker IS NOT NULL
  UNION ALL SELECT p.code AS code, 0::float8 AS due, p.asker, 'pausesRejected', 1, 0 FROM pauses p
    WHERE p.type = 'PAUSE_REJECTED' AND p.asker IS NOT NULL AND p.data->'withdrawn' IS DISTINCT FROM 'true'::jsonb
  UNION ALL SELECT p.code AS code, 0::float8 AS due, p.asker, 'pausedMinutes', round((p.data->>'minutes')::numeric)::int, 0 FROM pauses p
    WHERE p.type = 'PAUSE_ENDED' AND p.asker IS NOT NULL AND jsonb_typeof(p.data->'minutes') = 'number'
  -- Closer to the seeds (issue 16): closure, resolved inside the grid, arrival on site, the hazard promise, a called department's satisfaction.
  UNION ALL SELECT h.code AS code, 0::float8 AS due, h.u, 'closure', CASE WHEN s.closing IS NOT NULL THEN 1 ELSE 0 END, 1 FROM handled h JOIN seeds s ON s.code = h.code
  UNION ALL SELECT s.code AS code, 0::float8 AS due, hu.u, 'inGrid',
      CASE WHEN NOT s.left_grid AND s.closing->>'resolution' = 'RESOLVED' AND COALESCE(s.closing->>'handlerLevel', '') IN (${INSIDE}) THEN 1 ELSE 0 END, 1
    FROM seeds s CROSS JOIN LATERAL (SELECT DISTINCT h.u FROM unnest(ARRAY[s.grid, s.community, s.street, s.district]) AS h(u) WHERE h.u <> '') hu
    WHERE s.closing IS NOT NULL
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'onSite', CASE WHEN e.data->'onSite'->'onTime' = 'true'::jsonb THEN 1 ELSE 0 END, 1 FROM ev e
    WHERE ((e.type = 'SITE_STEP' AND e.data->>'step' = 'ARRIVED') OR e.type = 'DEPARTMENT_REPORTED') AND e.unit <> '' AND jsonb_typeof(e.data->'onSite'->'onTime') = 'boolean'
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'onSite', 0, 1 FROM ev e WHERE e.type = 'BREACHED' AND e.unit <> '' AND e.data->>'kind' = 'ON_SITE'
  UNION ALL SELECT e.code AS code, 0::float8 AS due, e.unit, 'hazard', ${bit('e', 'withinPromise')}, 1 FROM ev e
    WHERE e.type = 'SITE_STEP' AND e.data->>'step' = 'CLEARED' AND e.unit <> '' AND ${bit('e', 'withinPromise')} IS NOT NULL
  UNION ALL SELECT s.code AS code, 0::float8 AS due, cd.dept, 'calledSatisfied',
      CASE WHEN s.type = 'SURVEY_RECORDED' THEN CASE WHEN s.data->>'satisfaction' IN ('SATISFIED', 'BASICALLY_SATISFIED') THEN 1 ELSE 0 END
           WHEN s.data->>'policy' = 'SATISFIED' THEN 1 ELSE 0 END, 1
    FROM sv s JOIN (SELECT c.code, c.dept, min(c.seq) AS first_seq FROM cl c WHERE c.type = 'DEPARTMENT_CALLED' GROUP BY c.code, c.dept) cd ON cd.code = s.code AND cd.first_seq < s.seq
    WHERE s.type = 'SURVEY_RECORDED' OR (s.type = 'SURVEY_UNREACHABLE' AND s.data->>'policy' IN ('SATISFIED', 'NEUTRAL'))
  -- A scored unit is listed even when no score had a value (as the fold lists it).
  UNION ALL SELECT s."caseCode" AS code, 0::float8 AS due, s."toUnitId", 'handled', 0, 0 FROM sc s
  UNION ALL SELECT k.code AS code, 0::float8 AS due, NULL, 'cases', 1, 0 FROM cohort k JOIN "Case" c ON c.code = k.code
  UNION ALL SELECT e.code AS code, 0::float8 AS due, NULL, 'closed', 1, 0 FROM ev e WHERE e.type = 'CLOSED'
  UNION ALL SELECT e.code AS code, 0::float8 AS due, NULL, 'surveysAnswered', 1, 0 FROM ev e WHERE e.type = 'SURVEY_RECORDED'
  UNION ALL SELECT e.code AS code, 0::float8 AS due, NULL, 'surveysUnreachable', 1, 0 FROM ev e WHERE e.type = 'SURVEY_UNREACHABLE'
  UNION ALL SELECT c.code AS code, 0::float8 AS due, NULL, 'calls', 1, 0 FROM cl c WHERE c.type = 'DEPARTMENT_CALLED'
  UNION ALL SELECT sc."caseCode" AS code, 0::float8 AS due, NULL, 'scores', 1, 0 FROM sc
) x ${perCase ? Prisma.sql`GROUP BY x.code, x.u, x.m, x.due` : Prisma.sql`GROUP BY x.u, x.m`}`;
}

const PAIRS = new Set<string>(['accept', 'response', 'completion', 'satisfied', 'solved', 'reopened', 'reported', 'onTimeReports', 'cooperation', 'professionalism', 'accurate', 'closure', 'inGrid', 'onSite', 'hazard', 'calledSatisfied'] satisfies PairKey[]);
/** Five-step deliberation (五步议事): its pair and counts, kept apart for readability. */
const DELIBERATION_PAIRS = ['deliberationVotes'] satisfies PairKey[];
const DELIBERATION_COUNTS = ['deliberated', 'deliberationsDone'] satisfies CountKey[];
for (const k of DELIBERATION_PAIRS) PAIRS.add(k);
const COUNTS = new Set<string>(['handled', 'breaches', 'extAsked', 'extGranted', 'answered', 'unreachable', 'callsReceived', 'callsMade', 'urged', 'noticed'] satisfies CountKey[]);
for (const k of DELIBERATION_COUNTS) COUNTS.add(k);
/** Clock pauses (domain/pause), counted for the unit that asked. */
const PAUSE_COUNTS = ['pausesApproved', 'pausesRejected', 'pausedMinutes'] satisfies CountKey[];
for (const k of PAUSE_COUNTS) COUNTS.add(k);
const TOTALS = new Set<string>(['cases', 'closed', 'surveysAnswered', 'surveysUnreachable', 'calls', 'scores'] satisfies TotalKey[]);

/** Fold the query's rows into every unit's counts and the totals. */
export function countsFromRows(rows: readonly CountRow[]): { counts: Map<string, UnitCounts>; totals: AssessmentFigures['totals'] } {
  const counts = new Map<string, UnitCounts>();
  const totals = { cases: 0, closed: 0, surveysAnswered: 0, surveysUnreachable: 0, calls: 0, scores: 0 };
  for (const { u, m, n, d } of rows) {
    if (u === null) {
      if (!TOTALS.has(m)) throw new Error(`unknown assessment total ${m}`);
      totals[m as TotalKey] += n;
      continue;
    }
    let c = counts.get(u);
    if (!c) counts.set(u, (c = zeroCounts()));
    if (PAIRS.has(m)) {
      const pair = c[m as PairKey];
      pair[0] += n;
      pair[1] += d;
    } else if (COUNTS.has(m)) {
      c[m as CountKey] += n;
    } else {
      throw new Error(`unknown assessment count ${m}`);
    }
  }
  return { counts, totals };
}

/** The figures of `period` as of `asOf`, aggregated by the database from the events (the event-level query). */
export async function computeAssessmentInDb(db: SqlFiguresDb, period: Period, asOf: number): Promise<AssessmentFigures> {
  // Sequential, not parallel: the embedded PGlite server mishandles interleaved queries.
  const rows = await db.$queryRaw<CountRow[]>(countsQuery(period, asOf));
  return figuresFromRows(db, period, asOf, rows);
}

/** The figures made from count rows (of the event-level query or the maintained counts) and the directory. */
export async function figuresFromRows(db: Pick<SqlFiguresDb, 'orgUnit'>, period: Period, asOf: number, rows: readonly CountRow[]): Promise<AssessmentFigures> {
  const unitRows = await db.orgUnit.findMany({ select: { id: true, kind: true, name: true, parentId: true } });
  const units: UnitInfo[] = unitRows.map((u) => ({ id: u.id, kind: u.kind, name: u.name, parentId: u.parentId }));
  const { counts, totals } = countsFromRows(rows);
  return figuresFromCounts(period, asOf, totals, counts, units);
}
