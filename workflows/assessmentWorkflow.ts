// Publishes one period's assessment snapshot. A Temporal Schedule starts it at 01:00
// (Asia/Shanghai) on the 1st of each month without a period: it then assesses the month
// that just ended. Started by hand with a period, it publishes that period (a correction
// of a published period is its next version).
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { isPeriod, previousMonth } from '../domain/assessment/period';
import type { AssessmentActivities, ComputeSnapshotResult } from './activityContract';

const { computeAssessmentSnapshot } = proxyActivities<AssessmentActivities>({
  startToCloseTimeout: '15 minutes',
  // A database outage delays the snapshot; it is never skipped.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes' },
});

export interface MonthlyAssessmentInput {
  /** The period to publish; default the month before the one the workflow starts in. */
  period?: string;
}

export async function monthlyAssessmentWorkflow(input: MonthlyAssessmentInput = {}): Promise<ComputeSnapshotResult> {
  const period = input.period ?? previousMonth(Date.now()).text;
  if (!isPeriod(period)) {
    throw ApplicationFailure.create({ type: 'BadInput', message: `period: not a period "${period}" (YYYY-MM, YYYY-Qn or YYYY)`, nonRetryable: true });
  }
  const { workflowId, runId } = workflowInfo();
  // Keyed by this run: an activity retried after a lost completion finds its own version.
  return computeAssessmentSnapshot({ period, requestId: `workflow:${workflowId}:${runId}` });
}
