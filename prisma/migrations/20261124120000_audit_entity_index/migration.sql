-- A record's history (the loan page lists the audit events of the loan and its journal entries) was found
-- by scanning every audit event of the county: linear in the county's history, and on every posting
-- (the posting re-renders the loan page). By entity and id instead.
CREATE INDEX "AuditEvent_entity_entityId_idx" ON "AuditEvent"("entity", "entityId");
