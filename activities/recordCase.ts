// Writes a batch of facts: events, the projection and the outbox, in one SQL statement.
// Idempotent: events and notifications are keyed by (case code, seq), and the
// projection only moves forward (version guard), so a retried activity changes nothing.
import { Prisma } from '../generated/prisma/client';
import type { Db } from '../platform/db';
import type { RecordCaseInput, RecordCaseResult, RecordedLocally } from '../workflows/activityContract';
import type { CaseIntake } from '../domain/types';
import { refreshCaseCounts, touchesAssessment } from '../features/assessment/caseCounts';
import { refreshPendingExtensions, touchesPendingExtensions } from '../features/inbox/pendingExtensions';

export interface RecordCaseOptions {
  deliver: boolean;
  /**
   * Starts a history archiver (idempotent): of every run once the last facts of an ended case
   * are stored; of the runs before `beforeRunId` once a continued run's first facts are.
   */
  startArchiver?: (code: string, beforeRunId?: string) => Promise<void>;
  /**
   * Told of the events this call actually inserted (not those a retried call found already
   * stored), so counters fed from here count every fact once (worker/metrics.ts).
   */
  onInserted?: (events: InsertedEvent[]) => void;
}

/** An event row the record statement inserted: its type, level and data (as stored). */
export interface InsertedEvent {
  type: string;
  level: string | null;
  data: unknown;
}

export function makeRecordCase(db: Db, opts: RecordCaseOptions) {
  return async function recordCase(input: RecordCaseInput): Promise<RecordCaseResult> {
    const { code, facts, projection: p } = input;
    const notifications = facts.flatMap(({ event, notifications: ns }) =>
      ns.map((n, i) => ({
        id: `${code}:${event.seq}:${i}`,
        caseCode: code,
        seq: event.seq,
        recipientId: n.recipientId,
        recipientUnitId: n.recipientUnitId,
        kind: n.kind,
        payload: { caseCode: code, kind: n.kind, message: n.message, at: new Date(event.at).toISOString(), recipientId: n.recipientId },
        // A page held to office hours (NotificationRecord.notBefore): neither the case nor the sweeper claims it before then.
        nextAttemptAt: n.notBefore !== undefined ? new Date(n.notBefore).toISOString() : null,
      })),
    );
    const row = {
      ...(input.create ? intakeColumns(input.create) : { code }),
      status: p.status,
      level: p.level,
      triage: p.triage,
      assigneeId: p.assigneeId,
      assigneeUnitId: p.assigneeUnitId,
      dueAt: iso(p.dueAt),
      overdue: p.overdue,
      breachCount: p.breachCount,
      reopenCount: p.reopenCount,
      resolution: p.resolution,
      closedAt: iso(p.closedAt),
      version: p.version,
      // The leader's list (包案): null on cases never at a leader level.
      leaderId: p.leader?.personId ?? null,
      leaderLevel: p.leader?.level ?? null,
      leaderSince: iso(p.leader?.since ?? null),
      leaderTickedAt: iso(p.leader?.tickedOffAt ?? null),
      leaderNote: p.leader?.note ?? null,
      // Arrival and the hazard path (CasePolicy.site): null / empty on cases without it.
      siteArrivedAt: iso(p.site?.arrivedAt ?? null),
      hazardSteps: p.site?.steps ?? [],
      hazardDueAt: iso(p.site?.hazardDueAt ?? null),
      hazardClearedAt: iso(p.site?.clearedAt ?? null),
    };
    const events = facts.map(({ event: e }) => ({
      caseCode: code,
      seq: e.seq,
      type: e.type,
      at: new Date(e.at).toISOString(),
      actorId: e.actorId ?? null,
      actorRole: e.actorRole ?? null,
      unitId: e.unitId ?? null,
      level: e.level ?? null,
      data: e.data ?? {},
    }));
    const inserted = await db.$queryRaw<InsertedEvent[]>(
      recordStatement(Boolean(input.create), JSON.stringify(row), JSON.stringify(events), JSON.stringify(notifications)),
    );
    // The case's assessment counts follow its facts. Also on a retry that inserted nothing:
    // the attempt before may have stored the events and failed before this.
    const types = facts.map((f) => f.event.type);
    // The extension inbox's rows follow the same way (rewritten from the case's facts: idempotent),
    // first: a decided request leaves the inbox as soon as possible.
    if (touchesPendingExtensions(types)) await refreshPendingExtensions(db, [code]);
    if (touchesAssessment(types)) await refreshCaseCounts(db, [code]);
    if (opts.onInserted && inserted.length) {
      try {
        opts.onInserted(inserted);
      } catch {
        // A counter must never fail a recording.
      }
    }
    if (opts.startArchiver) {
      if (input.archiveRunsBefore) await opts.startArchiver(code, input.archiveRunsBefore);
      if (input.final) await opts.startArchiver(code);
    }
    return { deliver: opts.deliver ? notifications.map((n) => n.id) : [] };
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The whole write as ONE statement: every step of every case passes through here, so it is
 * one round trip and atomic without a transaction block (the interactive transaction it
 * replaces cost five round trips and most of the worker's CPU per step). The rows arrive as
 * JSON and are typed by the tables themselves (json(b)_populate_record). Idempotent: the
 * Case insert, events and notifications skip existing keys; the projection moves forward only
 * (version guard). All parts share one snapshot, so on the first write the UPDATE sees no row
 * and the INSERT carries the projection. Every data-modifying part runs whether or not the final
 * SELECT reads it; that SELECT returns the events actually inserted (none on a retry), which the
 * worker's counters read.
 */
function recordStatement(create: boolean, row: string, events: string, notifications: string) {
  return Prisma.sql`
    WITH r AS (SELECT * FROM jsonb_populate_record(NULL::"Case", ${row}::jsonb)),
    created AS (
      INSERT INTO "Case" ("code", "workflowId", "channel", "categoryCode", "triage", "districtId", "streetId", "communityId", "gridId",
        "address", "lat", "lng", "description", "reporterName", "reporterPhone", "reporterEmail", "photoUrls", "reportedAt", "clientAppId",
        "status", "level", "assigneeId", "assigneeUnitId", "dueAt", "overdue", "breachCount", "reopenCount", "resolution", "closedAt",
        "leaderId", "leaderLevel", "leaderSince", "leaderTickedAt", "leaderNote",
        "siteArrivedAt", "hazardSteps", "hazardDueAt", "hazardClearedAt", "version", "updatedAt")
      SELECT "code", "workflowId", "channel", "categoryCode", "triage", "districtId", "streetId", "communityId", "gridId",
        "address", "lat", "lng", "description", "reporterName", "reporterPhone", "reporterEmail", COALESCE("photoUrls", '{}'), "reportedAt", "clientAppId",
        "status", "level", "assigneeId", "assigneeUnitId", "dueAt", "overdue", "breachCount", "reopenCount", "resolution", "closedAt",
        "leaderId", "leaderLevel", "leaderSince", "leaderTickedAt", "leaderNote",
        "siteArrivedAt", COALESCE("hazardSteps", '{}'), "hazardDueAt", "hazardClearedAt", "version", now()
      FROM r WHERE ${create}::boolean
      ON CONFLICT ("code") DO NOTHING
    ),
    events AS (
      INSERT INTO "CaseEvent" ("caseCode", "seq", "type", "at", "actorId", "actorRole", "unitId", "level", "data")
      SELECT "caseCode", "seq", "type", "at", "actorId", "actorRole", "unitId", "level", "data"
      FROM jsonb_populate_recordset(NULL::"CaseEvent", ${events}::jsonb)
      ON CONFLICT ("caseCode", "seq") DO NOTHING
      RETURNING "type", "level", "data"
    ),
    outbox AS (
      INSERT INTO "Notification" ("id", "caseCode", "seq", "recipientId", "recipientUnitId", "kind", "payload", "nextAttemptAt")
      SELECT "id", "caseCode", "seq", "recipientId", "recipientUnitId", "kind", "payload", "nextAttemptAt"
      FROM jsonb_populate_recordset(NULL::"Notification", ${notifications}::jsonb)
      ON CONFLICT ("id") DO NOTHING
    ),
    projection AS (
      UPDATE "Case" c SET
        "status" = r."status", "level" = r."level", "triage" = r."triage", "assigneeId" = r."assigneeId",
        "assigneeUnitId" = r."assigneeUnitId", "dueAt" = r."dueAt", "overdue" = r."overdue", "breachCount" = r."breachCount",
        "reopenCount" = r."reopenCount", "resolution" = r."resolution", "closedAt" = r."closedAt", "version" = r."version",
        "leaderId" = r."leaderId", "leaderLevel" = r."leaderLevel", "leaderSince" = r."leaderSince", "leaderTickedAt" = r."leaderTickedAt",
        "leaderNote" = r."leaderNote", "siteArrivedAt" = r."siteArrivedAt", "hazardSteps" = COALESCE(r."hazardSteps", '{}'),
        "hazardDueAt" = r."hazardDueAt", "hazardClearedAt" = r."hazardClearedAt", "updatedAt" = now()
      FROM r WHERE c."code" = r."code" AND c."version" < r."version"
    )
    SELECT "type", "level", "data" FROM events`;
}

/** The local-activity form of a recordCase: the same write, echoing its input for the history. */
export function recordingLocally(recordCase: (input: RecordCaseInput) => Promise<RecordCaseResult>) {
  return async function recordCaseLocally(input: RecordCaseInput): Promise<RecordedLocally> {
    return { ...(await recordCase(input)), recorded: input };
  };
}

function intakeColumns(i: CaseIntake) {
  return {
    code: i.code,
    workflowId: i.code,
    channel: i.channel,
    categoryCode: i.categoryCode,
    districtId: i.units.districtId,
    streetId: i.units.streetId,
    communityId: i.units.communityId,
    gridId: i.units.gridId,
    address: i.address ?? null,
    lat: i.lat ?? null,
    lng: i.lng ?? null,
    description: i.description,
    reporterName: i.reporter.name ?? null,
    reporterPhone: i.reporter.phone ?? null,
    reporterEmail: i.reporter.email ?? null,
    photoUrls: i.photoUrls,
    reportedAt: new Date(i.reportedAt).toISOString(),
    clientAppId: i.clientAppId ?? null,
  };
}
