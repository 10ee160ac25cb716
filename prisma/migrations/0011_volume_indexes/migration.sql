-- Reads that stay fast at a busy district's volume (issue 18, bench:volume).
-- The assessment's cohort, the cases REPORTED in a period, comes from the index alone.
DROP INDEX "CaseEvent_type_at_idx";
CREATE INDEX "CaseEvent_type_at_caseCode_idx" ON "CaseEvent"("type", "at", "caseCode");

-- The console's case lists: newest first or nearest deadline first within the district (and
-- the district's total counted from the index), a street's list, the unit holding the case.
CREATE INDEX "Case_districtId_reportedAt_code_idx" ON "Case"("districtId", "reportedAt", "code");
CREATE INDEX "Case_districtId_dueAt_idx" ON "Case"("districtId", "dueAt");
CREATE INDEX "Case_streetId_reportedAt_idx" ON "Case"("streetId", "reportedAt");
CREATE INDEX "Case_assigneeUnitId_reportedAt_idx" ON "Case"("assigneeUnitId", "reportedAt");
