-- Issue 16: the assessment counts new metrics (closure, inGrid, onSite, hazard, calledSatisfied)
-- that the rows maintained so far (migration 0015) do not have. Empty the maintained counts so no
-- read sums old rows without them. Until they are counted again, every live read and snapshot
-- is computed from the events (features/assessment/caseCounts.countsFromMaintained finds cases
-- without rows and defers), which is slower but never short. Then run
--   npm run assessment:rebuild -- --live
-- (safe while cases are recorded, the plain bulk backfill only fills tables still empty).
TRUNCATE "AssessmentCaseCount", "AssessmentCaseState", "AssessmentMonthCount";
