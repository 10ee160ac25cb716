-- Issue 18: two reads of the live assessment that were O(cases) become O(months) / O(open cases).
--
-- 1. The completeness check (features/assessment/caseCounts.countsFromMaintained): before the
--    maintained counts answer, every case reported in the period must have its rows. It counted
--    the period's REPORTED facts and its AssessmentCaseState rows (625 ms for a year at 500,000
--    cases). "AssessmentMonthMarker" keeps both counts per Shanghai month, moved by triggers on
--    the two tables themselves, so every writer is seen (the recorder, the backfill, a bulk load,
--    a hand-written INSERT or DELETE, TRUNCATE): the check sums at most 12 months × 16 shards.
--    reported = REPORTED facts whose at falls in the month, counted = states of the month
--    with their open spans, lastAt = an upper bound of the last fact of its states (never lowered).
--    Rows are sharded by case code (16 per month) so concurrent intakes do not queue on one row,
--    each statement's changes are applied once, in key order (statement triggers over the
--    transition tables), so two bulk writers cannot deadlock on them.
-- 2. The backlog year on year (features/assessment/backlogSql): the cases open at two instants,
--    from every case's REPORTED / CLOSED / REOPENED facts (seconds at 500,000 cases). Each
--    AssessmentCaseState now holds the case's open spans (a multirange, maintained with the
--    state from all its facts: open at t exactly when domain/assessment/backlog.openAt says so)
--    and its home units (grid, community, street, district: fixed at intake), and a GiST index
--    finds the cases open at an instant, counted per area without reading the cases.
-- Both are filled here for existing cases. Run it, as every migration, with the workers stopped:
-- the migration runner sends one statement at a time, outside a transaction (and splits at every
-- semicolon, so the function bodies write theirs as the escape \073). A state written meanwhile
-- without its spans, or a fact counted twice, only unbalances its month: the reads then check the
-- slow way (never a wrong figure) until `npm run assessment:rebuild` recounts the markers.

ALTER TABLE "AssessmentCaseState" ADD COLUMN "openSpans" tstzmultirange, ADD COLUMN "units" TEXT[];

CREATE TABLE "AssessmentMonthMarker" (
    "month" TIMESTAMPTZ(3) NOT NULL,
    "shard" INTEGER NOT NULL,
    "reported" BIGINT NOT NULL DEFAULT 0,
    "counted" BIGINT NOT NULL DEFAULT 0,
    "lastAt" TIMESTAMPTZ(3),
    CONSTRAINT "AssessmentMonthMarker_pkey" PRIMARY KEY ("month", "shard")
);

-- The Shanghai month of an instant (as features/assessment/caseCounts.monthOf writes it).
CREATE FUNCTION assessment_month(at timestamptz) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (date_trunc('month', at AT TIME ZONE 'UTC' + interval '480 minutes') - interval '480 minutes') AT TIME ZONE 'UTC'
$$;

-- Existing states: their open spans (features/assessment/caseCounts.openSpansQuery, the same
-- query). From the state at each distinct instant of the REPORTED / CLOSED / REOPENED facts of a
-- case: open once reported while the latest (by seq) CLOSED or REOPENED fact at or before that
-- instant is not a CLOSED. A state whose case has no such facts any more is never open.
-- Then the home units of each case (features/assessment/caseCounts.homeUnitsSql).
UPDATE "AssessmentCaseState" s SET "openSpans" = COALESCE(sp.spans, '{}'::tstzmultirange)
FROM (
  SELECT g.code, range_agg(tstzrange(g.at, g.nxt, '[)')) FILTER (WHERE g.open) AS spans
  FROM (
    SELECT x.code, x.at, lead(x.at) OVER w AS nxt,
           (bool_or(x.rep) OVER w) AND COALESCE((max(x.cr) OVER w) % 2 = 0, true) AS open
    FROM (
      SELECT e."caseCode" AS code, e.at, bool_or(e.type = 'REPORTED') AS rep,
             max(CASE WHEN e.type <> 'REPORTED' THEN e.seq::bigint * 2 + (e.type = 'CLOSED')::int END) AS cr
      FROM "CaseEvent" e WHERE e.type IN ('REPORTED', 'CLOSED', 'REOPENED') GROUP BY 1, 2
    ) x
    WINDOW w AS (PARTITION BY x.code ORDER BY x.at)
  ) g GROUP BY g.code
) sp
WHERE sp.code = s."caseCode";
UPDATE "AssessmentCaseState" SET "openSpans" = '{}'::tstzmultirange WHERE "openSpans" IS NULL;
UPDATE "AssessmentCaseState" s
SET "units" = ARRAY(SELECT DISTINCT x.u FROM unnest(ARRAY[c."gridId", c."communityId", c."streetId", c."districtId"]) AS x(u) WHERE x.u <> '' ORDER BY 1)
FROM "Case" c WHERE c.code = s."caseCode";

-- REPORTED facts in, out, moved (an UPDATE of type or at), or all gone (TRUNCATE). Each branch
-- names only the transition tables its trigger declares.
CREATE FUNCTION assessment_marker_events() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, reported)
    SELECT assessment_month(n.at), hashtext(n."caseCode") & 15, count(*) FROM marker_new n
    WHERE n.type = ''REPORTED'' GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET reported = m.reported + excluded.reported\073
  ELSIF TG_OP = ''DELETE'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, reported)
    SELECT assessment_month(o.at), hashtext(o."caseCode") & 15, -count(*) FROM marker_old o
    WHERE o.type = ''REPORTED'' GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET reported = m.reported + excluded.reported\073
  ELSIF TG_OP = ''UPDATE'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, reported)
    SELECT z.month, z.shard, sum(z.n) FROM (
      SELECT assessment_month(n.at) AS month, hashtext(n."caseCode") & 15 AS shard, 1 AS n FROM marker_new n WHERE n.type = ''REPORTED''
      UNION ALL
      SELECT assessment_month(o.at), hashtext(o."caseCode") & 15, -1 FROM marker_old o WHERE o.type = ''REPORTED''
    ) z GROUP BY 1, 2 HAVING sum(z.n) <> 0 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET reported = m.reported + excluded.reported\073
  ELSE
    UPDATE "AssessmentMonthMarker" SET reported = 0 WHERE reported <> 0\073
  END IF\073
  RETURN NULL\073
END\073
';

-- States in, out, moved, their spans filled in, or all gone (TRUNCATE). A state counts once it
-- has its open spans (a row written without them, e.g. by a worker older than this migration,
-- leaves its month unbalanced and the reads check the slow way). lastAt only grows.
CREATE FUNCTION assessment_marker_states() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''INSERT'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, counted, "lastAt")
    SELECT n.month, hashtext(n."caseCode") & 15, count(n."openSpans"), max(GREATEST(n."lastAt", n."reportedAt")) FROM marker_new n
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET counted = m.counted + excluded.counted, "lastAt" = GREATEST(m."lastAt", excluded."lastAt")\073
  ELSIF TG_OP = ''DELETE'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, counted)
    SELECT o.month, hashtext(o."caseCode") & 15, -count(o."openSpans") FROM marker_old o
    GROUP BY 1, 2 HAVING count(o."openSpans") > 0 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET counted = m.counted + excluded.counted\073
  ELSIF TG_OP = ''UPDATE'' THEN
    INSERT INTO "AssessmentMonthMarker" AS m (month, shard, counted, "lastAt")
    SELECT z.month, z.shard, sum(z.n), max(z.last) FROM (
      SELECT n.month, hashtext(n."caseCode") & 15 AS shard, (n."openSpans" IS NOT NULL)::int AS n, GREATEST(n."lastAt", n."reportedAt") AS last FROM marker_new n
      UNION ALL
      SELECT o.month, hashtext(o."caseCode") & 15, -(o."openSpans" IS NOT NULL)::int, NULL FROM marker_old o
    ) z GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET counted = m.counted + excluded.counted, "lastAt" = GREATEST(m."lastAt", excluded."lastAt")\073
  ELSE
    UPDATE "AssessmentMonthMarker" SET counted = 0, "lastAt" = NULL WHERE counted <> 0 OR "lastAt" IS NOT NULL\073
  END IF\073
  RETURN NULL\073
END\073
';

CREATE TRIGGER "CaseEvent_marker_insert" AFTER INSERT ON "CaseEvent"
  REFERENCING NEW TABLE AS marker_new FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_events();
CREATE TRIGGER "CaseEvent_marker_delete" AFTER DELETE ON "CaseEvent"
  REFERENCING OLD TABLE AS marker_old FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_events();
CREATE TRIGGER "CaseEvent_marker_update" AFTER UPDATE ON "CaseEvent"
  REFERENCING OLD TABLE AS marker_old NEW TABLE AS marker_new FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_events();
CREATE TRIGGER "CaseEvent_marker_truncate" AFTER TRUNCATE ON "CaseEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_events();
CREATE TRIGGER "AssessmentCaseState_marker_insert" AFTER INSERT ON "AssessmentCaseState"
  REFERENCING NEW TABLE AS marker_new FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_states();
CREATE TRIGGER "AssessmentCaseState_marker_delete" AFTER DELETE ON "AssessmentCaseState"
  REFERENCING OLD TABLE AS marker_old FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_states();
CREATE TRIGGER "AssessmentCaseState_marker_update" AFTER UPDATE ON "AssessmentCaseState"
  REFERENCING OLD TABLE AS marker_old NEW TABLE AS marker_new FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_states();
CREATE TRIGGER "AssessmentCaseState_marker_truncate" AFTER TRUNCATE ON "AssessmentCaseState"
  FOR EACH STATEMENT EXECUTE FUNCTION assessment_marker_states();

-- The markers of the existing facts and states, counted from scratch (overwriting whatever the
-- triggers counted since they were created: features/assessment/caseCounts.recountMonthMarkers).
INSERT INTO "AssessmentMonthMarker" AS m (month, shard, reported, counted, "lastAt")
SELECT z.month, z.shard, sum(z.reported), sum(z.counted), max(z.last) FROM (
  SELECT assessment_month(e.at) AS month, hashtext(e."caseCode") & 15 AS shard, 1 AS reported, 0 AS counted, NULL::timestamptz AS last
  FROM "CaseEvent" e WHERE e.type = 'REPORTED'
  UNION ALL
  SELECT s.month, hashtext(s."caseCode") & 15, 0, (s."openSpans" IS NOT NULL)::int, GREATEST(s."lastAt", s."reportedAt") FROM "AssessmentCaseState" s
) z GROUP BY 1, 2 ORDER BY 1, 2
ON CONFLICT (month, shard) DO UPDATE SET reported = excluded.reported, counted = excluded.counted, "lastAt" = GREATEST(m."lastAt", excluded."lastAt");

-- The cases open at an instant (the backlog): a GiST index over the spans.
CREATE INDEX "AssessmentCaseState_openSpans_idx" ON "AssessmentCaseState" USING gist ("openSpans");
