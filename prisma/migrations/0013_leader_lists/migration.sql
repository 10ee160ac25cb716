-- The district leaders' case lists (包案责任清单, 对单销号, issue 16): the responsible leader of a
-- case that reached a leader level, and the tick-off, projected by the case's recordings.
ALTER TABLE "Case" ADD COLUMN "leaderId" TEXT;
ALTER TABLE "Case" ADD COLUMN "leaderLevel" TEXT;
ALTER TABLE "Case" ADD COLUMN "leaderSince" TIMESTAMPTZ(3);
ALTER TABLE "Case" ADD COLUMN "leaderTickedAt" TIMESTAMPTZ(3);
ALTER TABLE "Case" ADD COLUMN "leaderNote" TEXT;

-- A leader's list reads only its own rows, open items first, by deadline.
CREATE INDEX "Case_leaderId_leaderTickedAt_dueAt_idx" ON "Case"("leaderId", "leaderTickedAt", "dueAt");
