// Scores per person (domain/assessment/people.ts), aggregated by the database from the period's
// events up to asOf: one query, the period never loaded into memory. Always the event-level
// query (no maintained counts: per-person rows would multiply the maintained tables for a
// page read a few times a month). The agreement test holds it to the reference fold.
import { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import {
  personFigures,
  PEOPLE_FACT_TYPES,
  PEOPLE_FORMULA_VERSION,
  zeroPersonCounts,
  type PeopleFigures,
  type PersonCounts,
  type PersonInfo,
} from '../../domain/assessment/people';
import type { AssessmentCase } from '../../domain/assessment/figures';
import type { Period } from '../../domain/assessment/period';

type PairKey = { [K in keyof PersonCounts]: PersonCounts[K] extends [number, number] ? K : never }[keyof PersonCounts];
type CountKey = Exclude<{ [K in keyof PersonCounts]: PersonCounts[K] extends number ? K : never }[keyof PersonCounts], 'cases'>;
const PAIRS = new Set<string>(['accept', 'response', 'completion', 'satisfied', 'solved', 'deliberationVotes'] satisfies PairKey[]);
const COUNTS = new Set<string>(['breaches', 'deliberations'] satisfies CountKey[]);

/** A JSON field that is a boolean, as 1/0, else NULL (the fold's `bool`). */
const bit = (alias: string, field: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${alias}.data->'${field}') = 'boolean' THEN CASE WHEN ${alias}.data->'${field}' = 'true'::jsonb THEN 1 ELSE 0 END END)`);
/** A JSON string field that is a non-empty string (the fold's `str`), else NULL. */
const str = (alias: string, field: string) =>
  Prisma.raw(`(CASE WHEN jsonb_typeof(${alias}.data->'${field}') = 'string' AND ${alias}.data->>'${field}' <> '' THEN ${alias}.data->>'${field}' END)`);

export function peopleQuery(period: Period, asOf: number): Prisma.Sql {
  const asOfAt = new Date(asOf);
  return Prisma.sql`
WITH cohort AS (
  SELECT DISTINCT r."caseCode" AS code FROM "CaseEvent" r
  WHERE r.type = 'REPORTED' AND r.at >= ${new Date(period.startMs)} AND r.at < ${new Date(period.endMs)} AND r.at <= ${asOfAt}
),
ev0 AS MATERIALIZED (
  SELECT e."caseCode" AS code, e.seq, e.type, NULLIF(e."actorId", '') AS actor, e."unitId" AS unit, e.data,
         c."communityId" AS community, c."streetId" AS street,
         count(*) FILTER (WHERE e.type IN ('RESULT_SUBMITTED', 'DEPARTMENT_RESULT')) OVER (PARTITION BY e."caseCode" ORDER BY e.seq) AS rg
  FROM cohort k JOIN "Case" c ON c.code = k.code JOIN "CaseEvent" e ON e."caseCode" = k.code
  WHERE e.at <= ${asOfAt} AND e.type = ANY(${[...PEOPLE_FACT_TYPES]}::text[])
),
-- A submission for review (recorded by the case, no actor) is the person's who recorded the latest result before it.
ev AS MATERIALIZED (
  SELECT e.code, e.seq, e.type, e.unit, e.data, e.community, e.street,
         CASE WHEN e.type = 'REVIEW_REQUESTED'
              THEN COALESCE(e.actor, first_value(CASE WHEN e.type IN ('RESULT_SUBMITTED', 'DEPARTMENT_RESULT') THEN e.actor END) OVER (PARTITION BY e.code, e.rg ORDER BY e.seq))
              ELSE e.actor END AS actor
  FROM ev0 e
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
-- Who holds the case (the fold's holder): each change of holder starts a group g; a breach belongs to its group's holder.
hx AS (
  SELECT e.code, e.seq, e.type, e.unit, e.data,
         CASE WHEN e.type = 'RESPONDED' THEN e.community WHEN e.type <> 'BREACHED' THEN e.unit END AS h_unit,
         CASE WHEN e.type = 'REASSIGNED' THEN ${str('e', 'toPersonId')} WHEN e.type <> 'BREACHED' THEN ${str('e', 'assigneeId')} END AS h_person,
         count(*) FILTER (WHERE e.type <> 'BREACHED') OVER (PARTITION BY e.code ORDER BY e.seq) AS g
  FROM ev e
  WHERE e.type IN ('REPORTED', 'ESCALATED', 'SENT_DOWN', 'BREACHED')
     OR (e.type = 'RESPONDED' AND e.data->>'decision' = 'COMMUNITY')
     OR (e.type = 'REASSIGNED' AND e.data->'holder' = 'true'::jsonb)
),
held AS (
  SELECT h.code, h.type, h.unit, h.data, first_value(h.h_unit) OVER w AS hu, first_value(h.h_person) OVER w AS hp
  FROM hx h WINDOW w AS (PARTITION BY h.code, h.g ORDER BY h.seq)
),
br AS (SELECT h.code, h.hp AS person, h.data FROM held h WHERE h.type = 'BREACHED' AND h.unit <> '' AND h.unit = h.hu AND h.hp IS NOT NULL),
-- The cadres named at each evaluation (民主评事): a person's id, else the one person of the case's community or street with that name, else the entry.
named AS (
  SELECT e.code, e.seq, e.data, x.v #>> '{}' AS entry, e.community, e.street
  FROM ev e CROSS JOIN LATERAL jsonb_array_elements(e.data->'cadres') AS x(v)
  WHERE e.type = 'DELIBERATION_STEP' AND e.data->>'step' = 'EVALUATE' AND jsonb_typeof(e.data->'cadres') = 'array'
    AND jsonb_typeof(x.v) = 'string' AND x.v #>> '{}' <> ''
),
cadres AS (
  SELECT DISTINCT n.code, n.seq, n.data,
         CASE WHEN EXISTS (SELECT 1 FROM "Person" p WHERE p.id = n.entry) THEN n.entry
              ELSE COALESCE((SELECT CASE WHEN count(*) = 1 THEN min(p.id) END FROM "Person" p WHERE p.name = n.entry AND p."unitId" IN (n.community, n.street)), n.entry)
         END AS person
  FROM named n
),
x AS (
  SELECT e.code, e.actor AS p, 'accept' AS m, ${bit('e', 'onTime')} AS n, 1 AS d FROM ev e WHERE e.type = 'ACCEPTED' AND e.actor IS NOT NULL AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT e.code, e.actor, 'response', ${bit('e', 'onTime')}, 1 FROM ev e WHERE e.type IN ('RESPONDED', 'GUIDANCE_GIVEN') AND e.actor IS NOT NULL AND ${bit('e', 'onTime')} IS NOT NULL
  UNION ALL SELECT r.code, r.actor, 'completion', ${bit('r', 'onTime')}, 1 FROM rv r
    WHERE r.type = 'REVIEW_REQUESTED' AND r.actor IS NOT NULL AND ${bit('r', 'onTime')} IS NOT NULL AND (r.nxt IS NULL OR r.nxt IN ('REVIEWED_CLOSED', 'CLOSED'))
  UNION ALL SELECT s.code, s.person, 'satisfied', CASE WHEN s.data->>'satisfaction' IN ('SATISFIED', 'BASICALLY_SATISFIED') THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code, s.person, 'solved', CASE WHEN s.data->'solved' = 'true'::jsonb THEN 1 ELSE 0 END, 1 FROM sv s WHERE s.type = 'SURVEY_RECORDED'
  UNION ALL SELECT s.code, s.person, 'satisfied', CASE WHEN s.data->>'policy' = 'SATISFIED' THEN 1 ELSE 0 END, 1 FROM sv s
    WHERE s.type = 'SURVEY_UNREACHABLE' AND s.data->>'policy' IN ('SATISFIED', 'NEUTRAL')
  -- Lapsed windows of the case while the person held it: a breach, and late in the on-time rate of its kind.
  UNION ALL SELECT b.code, b.person, 'breaches', 1, 0 FROM br b
  UNION ALL SELECT b.code, b.person, CASE b.data->>'kind' WHEN 'ACCEPT' THEN 'accept' WHEN 'RESPONSE' THEN 'response' ELSE 'completion' END, 0, 1
    FROM br b WHERE b.data->>'kind' IN ('ACCEPT', 'RESPONSE', 'COMPLETION')
  -- Deliberations evaluated with the person among the cadres, and the residents' votes (as the community's deliberationVotes).
  UNION ALL SELECT c.code, c.person, 'deliberations', 1, 0 FROM cadres c
  UNION ALL SELECT c.code, c.person, 'deliberationVotes',
      ((c.data->'votes'->>'satisfied')::float8 + (c.data->'votes'->>'basicallySatisfied')::float8)::int,
      ((c.data->'votes'->>'satisfied')::float8 + (c.data->'votes'->>'basicallySatisfied')::float8 + (c.data->'votes'->>'dissatisfied')::float8)::int
    FROM cadres c WHERE jsonb_typeof(c.data->'votes'->'satisfied') = 'number' AND jsonb_typeof(c.data->'votes'->'basicallySatisfied') = 'number'
      AND jsonb_typeof(c.data->'votes'->'dissatisfied') = 'number'
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
    if (!c) counts.set(p, (c = zeroPersonCounts()));
    if (m === 'cases') c.cases = n;
    else if (PAIRS.has(m)) {
      c[m as PairKey][0] += n;
      c[m as PairKey][1] += d;
    } else if (COUNTS.has(m)) c[m as CountKey] += n;
    else throw new Error(`unknown person count ${m}`);
  }
  const people = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, c]) => personFigures(id, c));
  return { formulaVersion: PEOPLE_FORMULA_VERSION, period: period.text, asOf: new Date(asOf).toISOString(), people };
}

/**
 * The reference's input (tests compare the fold with the query): the cases reported in the period
 * with the events the per-person figures read up to asOf, and the directory's people.
 */
export async function loadPeopleInput(
  db: Pick<Db, 'case' | 'caseEvent' | 'person'>,
  period: Period,
  asOf: number,
): Promise<{ period: Period; asOf: number; cases: AssessmentCase[]; persons: PersonInfo[] }> {
  const asOfDate = new Date(asOf);
  const reported = { type: 'REPORTED', at: { gte: new Date(period.startMs), lt: new Date(period.endMs), lte: asOfDate } };
  const caseRows = await db.case.findMany({
    where: { events: { some: reported } },
    select: { code: true, districtId: true, streetId: true, communityId: true, gridId: true },
  });
  const eventRows = await db.caseEvent.findMany({
    where: { at: { lte: asOfDate }, type: { in: [...PEOPLE_FACT_TYPES] }, case: { events: { some: reported } } },
    select: { caseCode: true, seq: true, type: true, at: true, actorId: true, actorRole: true, unitId: true, level: true, data: true },
    orderBy: [{ caseCode: 'asc' }, { seq: 'asc' }],
  });
  const byCode = new Map<string, AssessmentCase>();
  for (const c of caseRows) byCode.set(c.code, { code: c.code, units: { districtId: c.districtId, streetId: c.streetId, communityId: c.communityId, gridId: c.gridId }, events: [] });
  for (const e of eventRows) {
    byCode.get(e.caseCode)?.events.push({
      seq: e.seq, type: e.type, at: e.at.getTime(), actorId: e.actorId, actorRole: e.actorRole, unitId: e.unitId, level: e.level,
      data: (e.data ?? {}) as Record<string, unknown>,
    });
  }
  const persons = await db.person.findMany({ select: { id: true, name: true, unitId: true } });
  return { period, asOf, cases: [...byCode.values()], persons };
}
