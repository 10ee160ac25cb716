// Custom search attributes of the case workflow. The keys are typed, so the
// workflow upserts and the API queries with the same names and types. The
// namespace must have them registered (scripts/ensureNamespace.ts does that).
// Safe to import from workflow code: @temporalio/common is deterministic.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseStatusKey = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const CaseStreetKey = defineSearchAttributeKey('CaseStreet', SearchAttributeType.KEYWORD);
export const CaseGridKey = defineSearchAttributeKey('CaseGrid', SearchAttributeType.KEYWORD);
export const CaseCategoryKey = defineSearchAttributeKey('CaseCategory', SearchAttributeType.KEYWORD);
export const CaseLevelKey = defineSearchAttributeKey('CaseLevel', SearchAttributeType.KEYWORD);
export const CaseOverdueKey = defineSearchAttributeKey('CaseOverdue', SearchAttributeType.BOOL);

/** Every custom search attribute the system registers on its namespace. */
export const CASE_SEARCH_ATTRIBUTES = [
  CaseStatusKey,
  CaseStreetKey,
  CaseGridKey,
  CaseCategoryKey,
  CaseLevelKey,
  CaseOverdueKey,
] as const;
