// Anonymises the reporters of cases closed longer than PERSONAL_DATA_RETENTION_DAYS. A Temporal
// Schedule starts it daily (scripts/ensureSchedule.ts); started by hand it does the same.
// "Now" is the workflow's start time, so a retried activity uses the same cut-off.
import { proxyActivities } from '@temporalio/workflow';
import type { AnonymiseExpiredResult, RetentionActivities } from './activityContract';

const { anonymiseExpiredPersonalData } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '30 minutes',
  // A database outage delays the run; the next day's run would catch up anyway.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes', maximumAttempts: 20 },
});

export async function personalDataRetentionWorkflow(): Promise<AnonymiseExpiredResult> {
  return anonymiseExpiredPersonalData({ now: Date.now() });
}
