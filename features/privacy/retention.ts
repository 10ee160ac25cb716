// Retention of residents' personal data: a case closed longer than PERSONAL_DATA_RETENTION_DAYS
// loses its reporter's name, phone and e-mail, in the Case projection and in every archived run
// of its history; each anonymisation is an access-log record (PERSONAL_DATA_ANONYMISED) auditors
// read. Run daily by a Temporal Schedule (workflows/retentionWorkflow.ts).
//
// Personal data people wrote into free text goes too (domain/personalText: phone, id-card and
// e-mail patterns, the reporter's own name and number): in the case's description, address and
// resolution, its event log, its outbox messages and the same texts inside the archived history,
// scrubbed by one function so that the rows and the history still agree.
//
// Not a fact on the case: the case's workflow has completed (a closed workflow takes no signal
// or update), and a CaseEvent row written from outside it would be a fact its history lacks
// (the dossier's consistency check would rightly flag it). Figures stay as they were: the
// assessment reads units and facts, never the reporter; histories keep their structure, so
// they still replay and their timelines read the same.
import type { PayloadCodec } from '@temporalio/common';
import { ANONYMISED, anonymiseClosedBefore, anonymisedFields } from '../../domain/personalData';
import { personalTextScrubber, scrubFreeTextFields } from '../../domain/personalText';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { historyFromJson, historyToJson } from '../../platform/historyJson';
import { rewriteReporterInHistory } from './historyPrivacy';

export interface RetentionDeps {
  db: Pick<Db, 'case' | 'caseEvent' | 'notification' | 'caseHistoryArchive' | 'accessLog' | '$transaction'>;
  /** The payload codec the archive's histories were encrypted with (null: plain histories only). */
  codec: PayloadCodec | null;
  retentionDays: number;
}

export interface RetentionRun {
  /** The instant the run takes as now (the schedule's start time; tests pin it). */
  now: number;
  /** Cases per database round (each case is one transaction). */
  batchSize?: number;
  /** Cases per run at most; the next day's run continues. */
  maxCases?: number;
}

export interface RetentionResult {
  cutoff: string;
  cases: string[];
  archivedRunsRewritten: number;
  payloadsRewritten: number;
  /** Case fields, event rows and outbox rows whose free text held personal data. */
  textsScrubbed: number;
  /** More cases were due than maxCases allowed. */
  more: boolean;
}

/** Anonymise every case closed before now − retentionDays that is not anonymised yet. Idempotent. */
export async function anonymiseExpiredCases(deps: RetentionDeps, run: RetentionRun): Promise<RetentionResult> {
  const { db, codec, retentionDays } = deps;
  const cutoff = new Date(anonymiseClosedBefore(run.now, retentionDays));
  const at = new Date(run.now);
  const batchSize = run.batchSize ?? 100;
  const maxCases = run.maxCases ?? 5000;
  const result: RetentionResult = { cutoff: cutoff.toISOString(), cases: [], archivedRunsRewritten: 0, payloadsRewritten: 0, textsScrubbed: 0, more: false };
  for (;;) {
    const due = await db.case.findMany({
      where: { closedAt: { lt: cutoff }, anonymisedAt: null },
      select: { code: true, closedAt: true, reporterName: true, reporterPhone: true, reporterEmail: true, description: true, address: true, resolution: true },
      orderBy: [{ closedAt: 'asc' }, { code: 'asc' }],
      take: batchSize,
    });
    if (due.length === 0) return result;
    for (const row of due) {
      if (result.cases.length >= maxCases) {
        result.more = true;
        return result;
      }
      const scrub = personalTextScrubber({ name: row.reporterName, phone: row.reporterPhone, email: row.reporterEmail });
      const archived = await db.caseHistoryArchive.findMany({ where: { caseCode: row.code }, select: { id: true, runId: true, history: true } });
      const writes: Prisma.PrismaPromise<unknown>[] = [];
      let payloads = 0;
      for (const a of archived) {
        const { history, changed } = await rewriteReporterInHistory(historyFromJson(a.history), () => ANONYMISED, codec, scrub);
        if (changed === 0) continue;
        payloads += changed;
        writes.push(db.caseHistoryArchive.update({ where: { id: a.id }, data: { history: historyToJson(history) as Prisma.InputJsonValue } }));
      }
      const runsRewritten = writes.length;
      // Free text in the projection, the event log and the outbox.
      const texts: Partial<Record<'description' | 'address' | 'resolution', string>> = {};
      for (const f of ['description', 'address', 'resolution'] as const) {
        const v = row[f];
        if (v !== null && scrub(v) !== v) texts[f] = scrub(v);
      }
      let scrubbed = Object.keys(texts).length;
      for (const e of await db.caseEvent.findMany({ where: { caseCode: row.code }, select: { id: true, data: true } })) {
        const data = scrubFreeTextFields(e.data, scrub);
        if (data === e.data) continue;
        scrubbed++;
        writes.push(db.caseEvent.update({ where: { id: e.id }, data: { data: data as Prisma.InputJsonValue } }));
      }
      for (const n of await db.notification.findMany({ where: { caseCode: row.code }, select: { id: true, payload: true } })) {
        const payload = scrubFreeTextFields(n.payload, scrub);
        if (payload === n.payload) continue;
        scrubbed++;
        writes.push(db.notification.update({ where: { id: n.id }, data: { payload: payload as Prisma.InputJsonValue } }));
      }
      // One transaction per case: the projection, the archive and the record go together or not at all.
      await db.$transaction([
        ...writes,
        db.case.update({ where: { code: row.code }, data: { ...anonymisedFields(row), ...texts, anonymisedAt: at } }),
        db.accessLog.create({
          data: {
            kind: 'PERSONAL_DATA_ANONYMISED',
            at,
            detail: {
              caseCode: row.code,
              closedAt: row.closedAt?.toISOString() ?? null,
              retentionDays,
              fields: (['reporterName', 'reporterPhone', 'reporterEmail'] as const).filter((f) => row[f] !== null),
              archivedRunsRewritten: runsRewritten,
              payloadsRewritten: payloads,
              textsScrubbed: scrubbed,
            },
          },
        }),
      ]);
      result.cases.push(row.code);
      result.archivedRunsRewritten += runsRewritten;
      result.payloadsRewritten += payloads;
      result.textsScrubbed += scrubbed;
    }
  }
}
