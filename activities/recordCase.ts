// Writes a batch of facts: events, the projection and the outbox, in one transaction.
// Idempotent: events and notifications are keyed by (case code, seq), and the
// projection only moves forward (version guard), so a retried activity changes nothing.
import type { Db } from '../lib/db';
import type { RecordCaseInput, RecordCaseResult } from './types';
import type { CaseIntake } from '../domain/types';

export interface RecordCaseOptions {
  deliver: boolean;
  /** Called once the last facts of an ended case are stored (starts the history archiver). */
  onFinal?: (code: string) => Promise<void>;
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
      })),
    );
    const columns = {
      status: p.status,
      level: p.level,
      triage: p.triage,
      assigneeId: p.assigneeId,
      assigneeUnitId: p.assigneeUnitId,
      dueAt: p.dueAt === null ? null : new Date(p.dueAt),
      overdue: p.overdue,
      breachCount: p.breachCount,
      reopenCount: p.reopenCount,
      resolution: p.resolution,
      closedAt: p.closedAt === null ? null : new Date(p.closedAt),
      version: p.version,
    };
    await db.$transaction(async (tx) => {
      if (input.create) {
        await tx.case.upsert({ where: { code }, create: { ...intakeColumns(input.create), ...columns }, update: {} });
      }
      await tx.caseEvent.createMany({
        data: facts.map(({ event: e }) => ({
          caseCode: code,
          seq: e.seq,
          type: e.type,
          at: new Date(e.at),
          actorId: e.actorId ?? null,
          actorRole: e.actorRole ?? null,
          unitId: e.unitId ?? null,
          level: e.level ?? null,
          data: (e.data ?? {}) as object,
        })),
        skipDuplicates: true,
      });
      await tx.case.updateMany({ where: { code, version: { lt: p.version } }, data: columns });
      if (notifications.length) await tx.notification.createMany({ data: notifications, skipDuplicates: true });
    });
    if (input.final && opts.onFinal) await opts.onFinal(code);
    return { deliver: opts.deliver ? notifications.map((n) => n.id) : [] };
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
    reportedAt: new Date(i.reportedAt),
    clientAppId: i.clientAppId ?? null,
  };
}
