-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'DEPARTMENT');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('REPORTER', 'GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN');

-- CreateEnum
CREATE TYPE "TriageKind" AS ENUM ('BIG', 'SMALL', 'PRIVATE');

-- CreateEnum
CREATE TYPE "CalendarDayKind" AS ENUM ('HOLIDAY', 'WORKDAY');

-- CreateTable
CREATE TABLE "OrgUnit" (
    "id" TEXT NOT NULL,
    "kind" "UnitKind" NOT NULL,
    "name" TEXT NOT NULL,
    "parentId" TEXT,
    "addressKeywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lat" DOUBLE PRECISION,
    "lng" DOUBLE PRECISION,
    "households" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrgUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "role" "Role" NOT NULL,
    "unitId" TEXT NOT NULL,
    "apiKeyHash" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MatterCategory" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "group" TEXT NOT NULL DEFAULT '',
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "triage" "TriageKind" NOT NULL,
    "defaultLevel" TEXT NOT NULL DEFAULT 'GRID',
    "completionDays" INTEGER NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "windowOverrides" JSONB NOT NULL DEFAULT '{}',
    "departmentIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "MatterCategory_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "CalendarDay" (
    "date" TEXT NOT NULL,
    "kind" "CalendarDayKind" NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "CalendarSetting" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    "officeHours" JSONB NOT NULL,
    "workWeek" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[],

    CONSTRAINT "CalendarSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseCodeCounter" (
    "prefix" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "CaseCodeCounter_pkey" PRIMARY KEY ("prefix","day")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Case" (
    "code" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "triage" "TriageKind" NOT NULL,
    "districtId" TEXT NOT NULL,
    "streetId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "gridId" TEXT NOT NULL,
    "address" TEXT,
    "lat" DOUBLE PRECISION,
    "lng" DOUBLE PRECISION,
    "description" TEXT NOT NULL,
    "reporterName" TEXT,
    "reporterPhone" TEXT,
    "reporterEmail" TEXT,
    "photoUrls" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "assigneeId" TEXT,
    "assigneeUnitId" TEXT,
    "dueAt" TIMESTAMPTZ(3),
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "breachCount" INTEGER NOT NULL DEFAULT 0,
    "reopenCount" INTEGER NOT NULL DEFAULT 0,
    "resolution" TEXT,
    "reportedAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "clientAppId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "CaseEvent" (
    "id" BIGSERIAL NOT NULL,
    "caseCode" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "unitId" TEXT,
    "level" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "CaseEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "recipientId" TEXT,
    "recipientUnitId" TEXT,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OrgUnit_parentId_idx" ON "OrgUnit"("parentId");

-- CreateIndex
CREATE INDEX "OrgUnit_kind_idx" ON "OrgUnit"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "Person_apiKeyHash_key" ON "Person"("apiKeyHash");

-- CreateIndex
CREATE INDEX "Person_unitId_role_idx" ON "Person"("unitId", "role");

-- CreateIndex
CREATE UNIQUE INDEX "Case_workflowId_key" ON "Case"("workflowId");

-- CreateIndex
CREATE INDEX "Case_status_idx" ON "Case"("status");

-- CreateIndex
CREATE INDEX "Case_streetId_status_idx" ON "Case"("streetId", "status");

-- CreateIndex
CREATE INDEX "Case_gridId_idx" ON "Case"("gridId");

-- CreateIndex
CREATE INDEX "Case_categoryCode_idx" ON "Case"("categoryCode");

-- CreateIndex
CREATE INDEX "Case_reportedAt_idx" ON "Case"("reportedAt");

-- CreateIndex
CREATE INDEX "Case_clientAppId_idx" ON "Case"("clientAppId");

-- CreateIndex
CREATE INDEX "CaseEvent_type_at_idx" ON "CaseEvent"("type", "at");

-- CreateIndex
CREATE INDEX "CaseEvent_unitId_type_idx" ON "CaseEvent"("unitId", "type");

-- CreateIndex
CREATE UNIQUE INDEX "CaseEvent_caseCode_seq_key" ON "CaseEvent"("caseCode", "seq");

-- CreateIndex
CREATE INDEX "Notification_deliveredAt_idx" ON "Notification"("deliveredAt");

-- CreateIndex
CREATE INDEX "Notification_caseCode_idx" ON "Notification"("caseCode");

-- AddForeignKey
ALTER TABLE "OrgUnit" ADD CONSTRAINT "OrgUnit_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEvent" ADD CONSTRAINT "CaseEvent_caseCode_fkey" FOREIGN KEY ("caseCode") REFERENCES "Case"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

