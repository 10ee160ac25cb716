-- Residents' personal data (docs/PRIVACY.md): reveals of a masked reporter and residents' data
-- exports and anonymisations are access-log kinds, and the retention run marks the cases it
-- anonymised.

-- AlterEnum
ALTER TYPE "AccessKind" ADD VALUE 'PERSONAL_DATA_REVEALED';
ALTER TYPE "AccessKind" ADD VALUE 'RESIDENT_DATA_EXPORTED';
ALTER TYPE "AccessKind" ADD VALUE 'PERSONAL_DATA_ANONYMISED';

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "anonymisedAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "Case_closedAt_idx" ON "Case"("closedAt");
