-- The extension inbox's projection (issue 18): GET /inbox/extensions read every open case's
-- events (2.4–3 s at 500,000 cases): it now reads the pending requests alone. Maintained by the
-- recording activity (features/inbox/pendingExtensions.ts), filled here for existing cases with
-- the same query (rebuildPendingExtensions).
CREATE TABLE "PendingExtension" (
    "caseCode" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "districtId" TEXT NOT NULL,
    "approverLevel" TEXT NOT NULL,
    "requiredLevel" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "actorId" TEXT,
    "actorRole" TEXT,
    "actorUnitId" TEXT,
    "days" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    CONSTRAINT "PendingExtension_pkey" PRIMARY KEY ("caseCode", "requestId")
);
CREATE INDEX "PendingExtension_districtId_approverLevel_requestedAt_idx" ON "PendingExtension"("districtId", "approverLevel", "requestedAt");

INSERT INTO "PendingExtension" ("caseCode", "requestId", "districtId", "approverLevel", "requiredLevel", seq, "requestedAt", "actorId", "actorRole", "actorUnitId", days, reason)
SELECT r."caseCode", r.data->>'requestId', c."districtId",
       COALESCE((
         SELECT x.data->>'approverLevel' FROM "CaseEvent" x
         WHERE x."caseCode" = r."caseCode" AND x.type = 'EXTENSION_ESCALATED' AND x.data->>'requestId' = r.data->>'requestId'
         ORDER BY x.seq DESC LIMIT 1
       ), r.data->>'approverLevel'),
       r.data->>'approverLevel', r.seq, r.at, r."actorId", r."actorRole", r."unitId",
       (r.data->>'days')::int, COALESCE(r.data->>'reason', '')
FROM "Case" c
CROSS JOIN LATERAL (SELECT * FROM "CaseEvent" e WHERE e."caseCode" = c.code AND e.type = 'EXTENSION_REQUESTED') r
WHERE c.status NOT IN ('CLOSED', 'SURVEYED', 'LONG_TERM_PLAN')
  AND NOT EXISTS (
    SELECT 1 FROM "CaseEvent" d
    WHERE d."caseCode" = r."caseCode" AND d.seq > r.seq
      AND ((d.type IN ('EXTENSION_APPROVED', 'EXTENSION_REJECTED') AND d.data->>'requestId' = r.data->>'requestId')
           OR d.type IN ('CLOSED', 'LONG_TERM_PLANNED'))
  )
ON CONFLICT ("caseCode", "requestId") DO NOTHING;
