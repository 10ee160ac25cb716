-- CreateTable
CREATE TABLE "CaseHistoryArchive" (
    "id" BIGSERIAL NOT NULL,
    "caseCode" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "runIndex" INTEGER NOT NULL,
    "workflowType" TEXT NOT NULL,
    "closeStatus" TEXT NOT NULL,
    "history" JSONB NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "archivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verifiedAt" TIMESTAMPTZ(3),
    "replayError" TEXT,

    CONSTRAINT "CaseHistoryArchive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditAccess" (
    "id" BIGSERIAL NOT NULL,
    "personId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "unitId" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "requestId" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditAccess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CaseHistoryArchive_caseCode_runIndex_idx" ON "CaseHistoryArchive"("caseCode", "runIndex");

-- CreateIndex
CREATE UNIQUE INDEX "CaseHistoryArchive_caseCode_runId_key" ON "CaseHistoryArchive"("caseCode", "runId");

-- CreateIndex
CREATE INDEX "AuditAccess_caseCode_at_idx" ON "AuditAccess"("caseCode", "at");

-- CreateIndex
CREATE INDEX "AuditAccess_personId_at_idx" ON "AuditAccess"("personId", "at");

