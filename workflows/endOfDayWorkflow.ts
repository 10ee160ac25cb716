// The end-of-day sweep (事不过夜). A Temporal Schedule starts it every day at the end of office
// hours (scripts/ensureSchedule.ts); the calendar decides whether the day is swept: weekends and
// holidays are not, a make-up working day (调休) is. Started by hand with a date, it sweeps that
// day (a missed run made up). "Now" is the workflow's clock, so a retried activity reads the
// same day and the sweep row keeps it to one per date.
import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { isIsoDate, planSweep } from '../domain/routines/endOfDay';
import type { CaseActivities, EndOfDayActivities, RecordEndOfDaySweepResult } from './activityContract';

const { loadCalendar } = proxyActivities<Pick<CaseActivities, 'loadCalendar'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

const { recordEndOfDaySweep } = proxyActivities<EndOfDayActivities>({
  startToCloseTimeout: '10 minutes',
  // A database outage delays the sweep; the list is still wanted that evening.
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

export interface EndOfDaySweepInput {
  /** The local date to sweep; default the day the workflow starts on. */
  date?: string;
}

export type EndOfDaySweepOutcome = ({ swept: true } & RecordEndOfDaySweepResult) | { swept: false; date: string; reason: string };

export async function endOfDaySweepWorkflow(input: EndOfDaySweepInput = {}): Promise<EndOfDaySweepOutcome> {
  if (input.date !== undefined && !isIsoDate(input.date)) {
    throw ApplicationFailure.create({ type: 'BadInput', message: `date: not a date "${input.date}" (YYYY-MM-DD)`, nonRetryable: true });
  }
  const cal = await loadCalendar();
  const plan = planSweep(Date.now(), cal, input.date);
  if (!plan.sweep) return { swept: false, date: plan.date, reason: plan.reason };
  const { workflowId, runId } = workflowInfo();
  const r = await recordEndOfDaySweep({ date: plan.date, from: plan.from, asOf: plan.asOf, recordedBy: `${workflowId}:${runId}` });
  return { swept: true, ...r };
}
