// The one place a Case projection row becomes what a caller sees of it: the reporter's name,
// phone and e-mail in full or masked by domain/personalData's rule. Every route that sends a
// Case row (GET /cases, GET /cases/{code}, the audit dossier) goes through caseRecordView;
// Open311 views never carry the reporter (api/open311/views.ts), the event log and the live
// state never held it. A masked view also masks personal data written into the record's free
// text (the description, the address: "请联系 13812345678" → "请联系 138****5678"), or the
// number hidden in one field would stand in full in the next.
import type { Caller } from '../domain/access';
import { reporterFieldsFor, reporterViewFor, type ReporterFields } from '../domain/personalData';
import { personalTextMasker } from '../domain/personalText';

/** The projection columns the rule reads, besides the reporter fields. */
export interface CaseRowForView extends ReporterFields {
  districtId: string;
  streetId: string;
  communityId: string;
  gridId: string;
  level: string;
  status: string;
  anonymisedAt?: Date | null;
  description?: string;
  address?: string | null;
}

/** A Case row as this caller may see it, with `reporterView` saying how its reporter fields are shown. */
export function caseRecordView<T extends CaseRowForView>(caller: Caller, row: T): T & { reporterView: 'FULL' | 'MASKED' | 'ANONYMISED' } {
  // Erased by the retention run: nothing left to mask or reveal.
  if (row.anonymisedAt) return { ...row, reporterView: 'ANONYMISED' };
  const { districtId, streetId, communityId, gridId } = row;
  const view = reporterViewFor(caller, { units: { districtId, streetId, communityId, gridId }, level: row.level, status: row.status });
  if (view === 'FULL') return { ...row, reporterView: view };
  const mask = personalTextMasker({ name: row.reporterName, phone: row.reporterPhone, email: row.reporterEmail });
  const texts: Partial<Pick<CaseRowForView, 'description' | 'address'>> = {};
  if (typeof row.description === 'string') texts.description = mask(row.description);
  if (typeof row.address === 'string') texts.address = mask(row.address);
  return { ...reporterFieldsFor(view, row), ...texts, reporterView: view };
}
