-- The district's routines (docs/RULES.md): the end-of-day sweep (事不过夜) recorded once per
-- working day with its items, and an index for the leaders' board (open cases by level).

-- CreateTable
CREATE TABLE "EndOfDaySweep" (
    "date" TEXT NOT NULL,
    "asOf" TIMESTAMPTZ(3) NOT NULL,
    "recordedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EndOfDaySweep_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "EndOfDaySweepItem" (
    "sweepDate" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "districtId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "gridId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "assigneeUnitId" TEXT,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3),

    CONSTRAINT "EndOfDaySweepItem_pkey" PRIMARY KEY ("sweepDate","caseCode","reason")
);

-- CreateIndex
CREATE INDEX "EndOfDaySweepItem_streetId_sweepDate_idx" ON "EndOfDaySweepItem"("streetId", "sweepDate");

-- CreateIndex
CREATE INDEX "EndOfDaySweepItem_districtId_sweepDate_idx" ON "EndOfDaySweepItem"("districtId", "sweepDate");

-- CreateIndex
CREATE INDEX "Case_districtId_level_status_idx" ON "Case"("districtId", "level", "status");

-- AddForeignKey
ALTER TABLE "EndOfDaySweepItem" ADD CONSTRAINT "EndOfDaySweepItem_sweepDate_fkey" FOREIGN KEY ("sweepDate") REFERENCES "EndOfDaySweep"("date") ON DELETE RESTRICT ON UPDATE CASCADE;
