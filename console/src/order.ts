import type { CaseRecord } from './types';

/** My work's order: nearest deadline first; cases with no open window last, newest first among them. */
export function byDeadline(a: CaseRecord, b: CaseRecord): number {
  if (a.dueAt && b.dueAt) return Date.parse(a.dueAt) - Date.parse(b.dueAt);
  if (a.dueAt) return -1;
  if (b.dueAt) return 1;
  return Date.parse(b.reportedAt) - Date.parse(a.reportedAt);
}
