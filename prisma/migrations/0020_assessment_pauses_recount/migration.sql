-- Issue 16: the assessment counts clock pauses per unit (pausesApproved, pausesRejected,
-- pausedMinutes, from the PAUSE_* facts). The rows maintained so far (migration 0015) of a case
-- that recorded a pause lack these metrics, and its "lastAt" ignored the pause facts. Take those
-- cases out of the maintained counts: subtract their share from the month sums, then delete their
-- rows and state. A read of their months is then computed from the events (caseCounts
-- countsFromMaintained finds a case of the period without rows and defers): exact, slower. They
-- are counted again by their next assessed fact, or at once by
--   npm run assessment:rebuild -- --live
-- (safe while cases are recorded). Other cases keep their rows: nothing they count changed.
UPDATE "AssessmentMonthCount" m
SET n = m.n - share.n, d = m.d - share.d
FROM (
  SELECT s.month, c."unitId", c.metric, sum(c.n) AS n, sum(c.d) AS d
  FROM "AssessmentCaseCount" c
  JOIN "AssessmentCaseState" s ON s."caseCode" = c."caseCode"
  WHERE c."dueFrom" = 0
    AND c."caseCode" IN (SELECT "caseCode" FROM "CaseEvent" WHERE type IN ('PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_REJECTED', 'PAUSE_ENDED'))
  GROUP BY 1, 2, 3
) share
WHERE m.month = share.month AND m."unitId" = share."unitId" AND m.metric = share.metric;

DELETE FROM "AssessmentCaseCount"
WHERE "caseCode" IN (SELECT "caseCode" FROM "CaseEvent" WHERE type IN ('PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_REJECTED', 'PAUSE_ENDED'));

DELETE FROM "AssessmentCaseState"
WHERE "caseCode" IN (SELECT "caseCode" FROM "CaseEvent" WHERE type IN ('PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_REJECTED', 'PAUSE_ENDED'));
