// The one place a Case projection row becomes what a caller sees of it: the reporter's name,
// phone and e-mail in full or masked by domain/personalData's rule. Every route that sends a
// Case row (GET /cases, GET /cases/{code}, the audit dossier) goes through caseRecordView;
// Open311 views never carry the reporter (api/open311/views.ts), the event log and the live
// state never held it.
import type { Caller } from '../domain/access';
import { reporterFieldsFor, reporterViewFor, type ReporterFields } from '../domain/personalData';

/** The projection columns the rule reads, besides the reporter fields. */
export interface CaseRowForView extends ReporterFields {
  districtId: string;
  streetId: string;
  communityId: string;
  gridId: string;
  level: string;
  status: string;
  anonymisedAt?: Date | null;
}

/** A Case row as this caller may see it, with `reporterView` saying how its reporter fields are shown. */
export function caseRecordView<T extends CaseRowForView>(caller: Caller, row: T): T & { reporterView: 'FULL' | 'MASKED' | 'ANONYMISED' } {
  // Erased by the retention run: nothing left to mask or reveal.
  if (row.anonymisedAt) return { ...row, reporterView: 'ANONYMISED' };
  const { districtId, streetId, communityId, gridId } = row;
  const view = reporterViewFor(caller, { units: { districtId, streetId, communityId, gridId }, level: row.level, status: row.status });
  return { ...reporterFieldsFor(view, row), reporterView: view };
}
