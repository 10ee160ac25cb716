// Scores per person (domain/assessment/people.ts), aggregated by the database from the period's
// events up to asOf: one query, the period never loaded into memory. Always the event-level
// query (no maintained counts: per-person rows would multiply the maintained tables for a
// page read a few times a month). The agreement test holds it to the reference fold.
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { personFigures, PEOPLE_FORMULA_VERSION, type PeopleFigures, type PersonCounts } from '../../domain/assessment/people';
import type { Period } from '../../domain/assessment/period';

type PairKey = Exclude<keyof PersonCounts, 'cases'>;
const PAIRS = new Set<string>(['accept', 'response', 'completion', 'satisfied', 'solved'] satisfies PairKey[]);

/** A JSON field that is a boolean, as 1/0, else NULL (the fold's `bool`). */
const bit = (alias: string, field: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${alias}.data->'${field}') = 'boolean' THEN CASE WHEN ${alias}.data->'${field}' = 'true'::jsonb THEN 1 ELSE 0 END END)`);

export function peopleQuery(period: Period, asOf: number): Prisma.Sql {
  const asOfAt = new Date(asOf);
  return Prisma.sql`
WITH cohort AS (
  SELECT DISTINCT r."caseCode" AS code FROM "CaseEvent" r
  WHERE r.type = 'REPORTED' AND r.at >= ${new Date(period.startMs)} AND r.at < ${new Date(period.endMs)} AND r.at <= ${asOfAt}
),
ev AS MATERIALIZED (
  SELECT e."caseCode" AS code, e.seq, e.type, NULLIF(e."actorId", '') AS actor, e.data
  FROM cohort k JOIN "CaseEvent" e ON e."caseCode" = k.code
  WHERE e.at <= ${asOfAt} AND e.type IN ('ACCEPTED', 'RESPONDED', 'GUIDANCE_GIVEN', 'REVIEW_REQUESTED', 'REVIEW_RETURNED', 'REVIEWED_CLOSED', 'CLOSED', 'SURVEY_RECORDED', 'SURVEY_UNREACHABLE')
),
-- k: the closings up to each event; a submission of round k + 1 precedes closing k + 1; a survey is about closing k.
pe AS (SELECT e.*, count(*) FILTER (WHERE e.type = 'CLOSED') OVER (PARTITION BY e.code ORDER BY e.seq) AS k FROM ev e),
rv AS (
  SELECT e.code, e.type, e.actor, e.data, lead(e.type) OVER (PARTITION BY e.code ORDER BY e.seq) AS nxt
  FROM ev e WHERE e.type IN ('REVIEW_REQUESTED', 'REVIEW_RETURNED', 'REVIEWED_CLOSED', 'CLOSED')
),
-- The latest submission of each round (its actor, possibly none), then each closing's handler.
subm AS (SELECT r.code, r.k, (array_agg(r.actor ORDER BY r.seq DESC))[1] AS actor FROM pe r WHERE r.type = 'REVIEW_REQUESTED' GROUP BY r.code, r.k),
closers AS (
  SELECT c.code, c.k, CASE WHEN s.code IS NOT NULL THEN COALESCE(s.actor, c.actor) ELSE c.actor END AS person
  FROM pe c LEFT JOIN subm s ON s.code = c.code AND s.k = c.k - 1 WHERE c.type = 'CLOSED'
),
sv AS (SELECT s.code, s.type, s.data, c.person FROM pe s JOIN closers c ON c.code = s.code AND c.k = s.k WHERE s.type IN ('SURVEY_RECORDED', 'SURVEY_UNREACHABLE') AND c.person IS NOT NULL),
x AS (
  SELECT e.code, e.actor AS p, 'accept' AS m, ${bit('e', 'onTime')} AS n, 1 AS d FROM ev e WHERE e.type = 'ACCEPTED' AND e.actor IS NOT NULL AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT e.code, e.actor, 'response', ${bit('e', 'onTime')}, 1 FROM ev e WHERE e.type IN ('RESPONDED', 'GUIDANCE_GIVEN') AND e.actor IS NOT NULL AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT r.code, r.actor, 'completion', ${bit('r', 'onTime')}, 1 FROM rv r
    WHERE r.type = 'REVIEW_REQUESTED' AND r.actor IS NOT NULL AND ${bit('r', 'onTime')} IS NOT NULL AND (r.nxt IS NULL OR r.nxt IN ('REVIEWED_CLOSED', 'CLOSED'))
  UNION ALL SELECT s.code, s.person, 'satisfied', CASE WHEN s.data->>'satisfaction' IN ('SATISFIED', 'BASICALLY_SATISFIED') THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code, s.person, 'solved', CASE WHEN s.data->'solved' = 'true'::jsonb THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code, s.person, 'satisfied', CASE WHEN s.data->>'policy' = 'SATISFIED' THEN 1 ELSE 0 END, 1 FROM sv s
    WHERE s.type = 'SURVEY_UNREACHABLE' AND s.data->>'policy' IN ('SATISFIED', 'NEUTRAL')
)
SELECT x.p, x.m, sum(x.n)::int AS n, sum(x.d)::int AS d FROM x GROUP BY x.p, x.m
UNION ALL SELECT x.p, 'cases', count(DISTINCT x.code)::int, 0 FROM x GROUP BY x.p`;
}

/** Every person's figures of `period` as of `asOf`, aggregated by the database. */
export async function computePeopleInDb(db: Pick<Db, '$queryRaw'>, period: Period, asOf: number): Promise<PeopleFigures> {
  const rows = await db.$queryRaw<Array<{ p: string; m: string; n: number; d: number }>>(peopleQuery(period, asOf));
  const counts = new Map<string, PersonCounts>();
  for (const { p, m, n, d } of rows) {
    let c = counts.get(p);
    if (!c) counts.set(p, (c = { cases: 0, accept: [0, 0], response: [0, 0], completion: [0, 0], satisfied: [0, 0], solved: [0, 0] }));
    if (m === 'cases') c.cases = n;
    else if (PAIRS.has(m)) {
      c[m as PairKey][0] += n;
      c[m as PairKey][1] += d;
    } else throw new Error(`unknown person count ${m}`);
  }
  const people = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, c]) => personFigures(id, c));
  return { formulaVersion: PEOPLE_FORMULA_VERSION, period: period.text, asOf: new Date(asOf).toISOString(), people };
}
