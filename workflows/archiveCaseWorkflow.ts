// Archives a closed case's full history into the database, so auditors can still
// read and replay it after Temporal's retention has deleted it. Started by the
// recordCase activity when it stores an ended case's last facts (activities/
// startArchiver.ts); its activity retries until the case's history is final.
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities/types';

const { archiveCaseHistory } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Workflow id of a case's archiver. */
export function archiveWorkflowId(code: string): string {
  return `archive:${code}`;
}

export async function archiveCaseWorkflow(input: { code: string }): Promise<{ events: number; runs: number }> {
  return archiveCaseHistory({ workflowId: input.code });
}
