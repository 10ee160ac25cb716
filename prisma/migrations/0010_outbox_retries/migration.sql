-- Outbox retries and dead letters: each notification is PENDING until every receiver took it
-- (DELIVERED) or its attempts ran out (DEAD, replayable by an administrator). nextAttemptAt
-- schedules the next try (and holds a claim while one runs), and deliveredTo keeps a retry from
-- sending again to receivers that already answered 2xx.

-- CreateEnum
CREATE TYPE "OutboxState" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "deadAt" TIMESTAMPTZ(3),
ADD COLUMN     "deliveredTo" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3),
ADD COLUMN     "replayedAt" TIMESTAMPTZ(3),
ADD COLUMN     "state" "OutboxState" NOT NULL DEFAULT 'PENDING';

-- Rows delivered before this migration.
UPDATE "Notification" SET "state" = 'DELIVERED' WHERE "deliveredAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Notification_state_nextAttemptAt_idx" ON "Notification"("state", "nextAttemptAt");
