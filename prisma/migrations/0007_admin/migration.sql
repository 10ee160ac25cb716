-- Administration: units can be deactivated (kept for history, skipped by routing), and every
-- admin change is versioned and logged in AdminChange (before / after JSON per entity version).

-- AlterTable
ALTER TABLE "OrgUnit" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "deactivatedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "AdminChange" (
    "id" BIGSERIAL NOT NULL,
    "entityKind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "actorId" TEXT NOT NULL,
    "districtId" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "before" JSONB,
    "after" JSONB,
    "unitIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "personIds" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "AdminChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminChange_entityKind_entityId_version_key" ON "AdminChange"("entityKind", "entityId", "version");

-- CreateIndex
CREATE INDEX "AdminChange_at_idx" ON "AdminChange"("at");

-- CreateIndex
CREATE INDEX "AdminChange_districtId_at_idx" ON "AdminChange"("districtId", "at");
