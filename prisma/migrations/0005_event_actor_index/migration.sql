-- A reporter lists the cases they reported (CaseEvent REPORTED by actorId).
CREATE INDEX "CaseEvent_actorId_type_idx" ON "CaseEvent"("actorId", "type");
