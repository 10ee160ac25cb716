// Archives a case's history into the database, so auditors can still read and replay it
// after Temporal's retention has deleted it. Started by the recordCase activity
// (activities/startArchiver.ts): when an ended case's last facts are stored (every run; its
// activity retries until the history is final), and when a continued run records its first
// facts (the runs before it, closed already: a case parked for longer than the retention
// keeps its early runs).
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from './activityContract';

const { archiveCaseHistory } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Workflow id of a case's archiver: of the ended case, or of the runs before `beforeRunId`. */
export function archiveWorkflowId(code: string, beforeRunId?: string): string {
  return beforeRunId ? `archive:${code}:before:${beforeRunId}` : `archive:${code}`;
}

export async function archiveCaseWorkflow(input: { code: string; beforeRunId?: string }): Promise<{ events: number; runs: number }> {
  // Archivers started before beforeRunId existed passed { workflowId } alone: same arguments.
  return archiveCaseHistory(input.beforeRunId ? { workflowId: input.code, beforeRunId: input.beforeRunId } : { workflowId: input.code });
}
