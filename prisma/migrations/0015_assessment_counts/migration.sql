-- Assessment counts maintained as facts are recorded (issue 18): a year's live figures are a
-- sum over month rows instead of a pass over millions of events. Existing cases are counted
-- by `npm run assessment:rebuild` (scripts/rebuildAssessmentCounts.ts), run once right after
-- this migration (a case without rows is not counted by the fast reads until then).
CREATE TABLE "AssessmentCaseCount" (
    "caseCode" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "dueFrom" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "n" INTEGER NOT NULL,
    "d" INTEGER NOT NULL,
    CONSTRAINT "AssessmentCaseCount_pkey" PRIMARY KEY ("caseCode", "unitId", "metric", "dueFrom")
);
CREATE INDEX "AssessmentCaseCount_dueFrom_idx" ON "AssessmentCaseCount"("dueFrom");

CREATE TABLE "AssessmentCaseState" (
    "caseCode" TEXT NOT NULL,
    "month" TIMESTAMPTZ(3) NOT NULL,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "AssessmentCaseState_pkey" PRIMARY KEY ("caseCode")
);
CREATE INDEX "AssessmentCaseState_lastAt_idx" ON "AssessmentCaseState"("lastAt");
CREATE INDEX "AssessmentCaseState_month_idx" ON "AssessmentCaseState"("month");

CREATE TABLE "AssessmentMonthCount" (
    "month" TIMESTAMPTZ(3) NOT NULL,
    "unitId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "n" BIGINT NOT NULL,
    "d" BIGINT NOT NULL,
    CONSTRAINT "AssessmentMonthCount_pkey" PRIMARY KEY ("month", "unitId", "metric")
);

-- The case lists' filtered pages (bench:volume, EXPLAIN ANALYZE at 500,000 cases).
CREATE INDEX "Case_districtId_overdue_dueAt_idx" ON "Case"("districtId", "overdue", "dueAt");
CREATE INDEX "Case_districtId_status_reportedAt_idx" ON "Case"("districtId", "status", "reportedAt");
CREATE INDEX "Case_gridId_reportedAt_idx" ON "Case"("gridId", "reportedAt");
CREATE INDEX "Case_categoryCode_reportedAt_idx" ON "Case"("categoryCode", "reportedAt");
