-- CreateEnum
CREATE TYPE "CallScoreDirection" AS ENUM ('STREET_TO_DEPT', 'DEPT_TO_STREET');

-- CreateTable
CREATE TABLE "SurveyLinkUse" (
    "jti" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "usedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyLinkUse_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "CallScore" (
    "id" BIGSERIAL NOT NULL,
    "callId" TEXT NOT NULL,
    "caseCode" TEXT NOT NULL,
    "direction" "CallScoreDirection" NOT NULL,
    "fromUnitId" TEXT NOT NULL,
    "toUnitId" TEXT NOT NULL,
    "cooperation" INTEGER,
    "professionalism" INTEGER,
    "accurate" BOOLEAN,
    "comment" TEXT NOT NULL DEFAULT '',
    "scoredBy" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CallScore_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AssessmentSnapshot" (
    "id" BIGSERIAL NOT NULL,
    "period" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "asOf" TIMESTAMPTZ(3) NOT NULL,
    "publishedBy" TEXT,
    "requestId" TEXT,
    "figures" JSONB NOT NULL,

    CONSTRAINT "AssessmentSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SurveyLinkUse_caseCode_idx" ON "SurveyLinkUse"("caseCode");

-- CreateIndex
CREATE INDEX "CallScore_toUnitId_at_idx" ON "CallScore"("toUnitId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CallScore_caseCode_callId_direction_key" ON "CallScore"("caseCode", "callId", "direction");

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentSnapshot_requestId_key" ON "AssessmentSnapshot"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "AssessmentSnapshot_period_version_key" ON "AssessmentSnapshot"("period", "version");


-- A published snapshot never changes: corrections are new versions (Prisma does not model triggers).
-- The migration runner splits statements at every semicolon, even inside quotes, so the
-- function body writes its semicolons as the escape \073.
CREATE FUNCTION "assessment_snapshot_immutable"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''AssessmentSnapshot % version % is published and immutable: publish a new version instead'', OLD."period", OLD."version"\073
END\073
';

CREATE TRIGGER "AssessmentSnapshot_immutable"
  BEFORE UPDATE ON "AssessmentSnapshot"
  FOR EACH ROW EXECUTE FUNCTION "assessment_snapshot_immutable"();
