-- Sign-in: local accounts (scrypt hashes, lockout), city SSO subjects, revocable sessions
-- (only token/CSRF hashes stored) and the access log auditors read.
-- Made offline with: prisma migrate diff --from-schema-datamodel <previous schema> --to-schema-datamodel prisma/schema.prisma --script

-- CreateEnum
CREATE TYPE "SessionKind" AS ENUM ('BROWSER', 'PROGRAM');

-- CreateEnum
CREATE TYPE "AccessKind" AS ENUM ('SIGN_IN', 'SIGN_IN_FAILED', 'LOCKOUT', 'SIGN_OUT', 'OIDC_SIGN_IN', 'OIDC_SIGN_IN_FAILED', 'API_KEY_USED', 'PASSWORD_RESET', 'DEACTIVATED', 'API_KEY_ROTATED');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "deactivatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "demoAccount" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "externalSubject" TEXT,
ADD COLUMN     "failedLogins" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lockedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "login" TEXT,
ADD COLUMN     "passwordChangedAt" TIMESTAMPTZ(3),
ADD COLUMN     "passwordHash" TEXT;

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "csrfHash" TEXT,
    "kind" "SessionKind" NOT NULL,
    "method" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedReason" TEXT,
    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" "AccessKind" NOT NULL,
    "personId" TEXT,
    "login" TEXT,
    "actorId" TEXT,
    "ip" TEXT,
    "sessionId" TEXT,
    "detail" JSONB,
    "throttleKey" TEXT,
    CONSTRAINT "AccessLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_personId_idx" ON "Session"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "AccessLog_throttleKey_key" ON "AccessLog"("throttleKey");

-- CreateIndex
CREATE INDEX "AccessLog_at_idx" ON "AccessLog"("at");

-- CreateIndex
CREATE INDEX "AccessLog_personId_at_idx" ON "AccessLog"("personId", "at");

-- CreateIndex
CREATE INDEX "AccessLog_kind_at_idx" ON "AccessLog"("kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Person_login_key" ON "Person"("login");

-- CreateIndex
CREATE UNIQUE INDEX "Person_externalSubject_key" ON "Person"("externalSubject");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;
