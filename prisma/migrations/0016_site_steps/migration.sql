-- Arrival on site and the hazard path's steps (seed 002, issue 16): projected by the case's recordings
-- so the end-of-day sweep (事不过夜) can list urgent cases whose hazard is not cleared
ALTER TABLE "Case" ADD COLUMN "siteArrivedAt" TIMESTAMPTZ(3);
ALTER TABLE "Case" ADD COLUMN "hazardSteps" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "Case" ADD COLUMN "hazardDueAt" TIMESTAMPTZ(3);
ALTER TABLE "Case" ADD COLUMN "hazardClearedAt" TIMESTAMPTZ(3);
