// Make the monthly assessment schedule exist: at 01:00 Asia/Shanghai on the 1st of every
// month it starts monthlyAssessmentWorkflow, which publishes the month that just ended. And the
// daily retention schedule: personalDataRetentionWorkflow at 02:30 (docs/PRIVACY.md). And the
// end-of-day sweep (事不过夜): endOfDaySweepWorkflow at 17:30 (docs/RULES.md).
// Idempotent: creates the schedule, or brings an existing one to this definition (its
// paused state and notes are kept). Run at every start, like ensureNamespace.
//
// CLI: tsx scripts/ensureSchedule.ts   (reads TEMPORAL_* from the environment)
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';

/** The schedule's id in the namespace. */
export const ASSESSMENT_SCHEDULE_ID = 'assessment-monthly';

/** 01:00 on day 1 of every month (minute hour day-of-month month day-of-week). */
export const ASSESSMENT_CRON = '0 1 1 * *';

export interface EnsureScheduleOptions {
  /** The task queue of the worker that runs monthlyAssessmentWorkflow (the case worker's). */
  taskQueue: string;
  /** Default Asia/Shanghai: periods are Shanghai local months. */
  timezone?: string;
  scheduleId?: string;
  log?: (msg: string) => void;
}

/** The schedule's spec, action and policies (exported for tests). */
export function assessmentScheduleDefinition(opts: EnsureScheduleOptions): {
  spec: ScheduleSpec;
  action: ScheduleOptionsAction;
  policies: NonNullable<ScheduleOptions['policies']>;
} {
  return {
    spec: { cronExpressions: [ASSESSMENT_CRON], timezone: opts.timezone ?? 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: 'monthlyAssessmentWorkflow',
      taskQueue: opts.taskQueue,
      // No period: the workflow assesses the month before the one it starts in.
      args: [{}],
      workflowId: `${opts.scheduleId ?? ASSESSMENT_SCHEDULE_ID}-run`,
    },
    // A server outage of up to a day still publishes the month (late, on the 1st or 2nd).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

type ScheduleDefinition = ReturnType<typeof assessmentScheduleDefinition>;

/** Create a schedule, or update an existing one to `def` (its spec, action and policies). */
async function upsertSchedule(client: Client, scheduleId: string, def: ScheduleDefinition, purpose: string, log: (m: string) => void): Promise<'created' | 'updated'> {
  const what = `${def.spec.cronExpressions?.join(' ')} ${def.spec.timezone}`;
  try {
    await client.schedule.create({ scheduleId, ...def, memo: { purpose } });
    log(`schedule ${scheduleId} created (${what})`);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update((prev) => ({ ...prev, spec: def.spec, action: def.action, policies: { ...prev.policies, ...def.policies } }));
  log(`schedule ${scheduleId} updated (${what})`);
  return 'updated';
}

/** Create the schedule, or update it to the current definition. */
export function ensureAssessmentSchedule(client: Client, opts: EnsureScheduleOptions): Promise<'created' | 'updated'> {
  return upsertSchedule(client, opts.scheduleId ?? ASSESSMENT_SCHEDULE_ID, assessmentScheduleDefinition(opts), 'monthly assessment snapshot (考核)', opts.log ?? (() => undefined));
}

// ---- retention of residents' personal data ----------------------------------------------------

/** The retention schedule's id in the namespace. */
export const RETENTION_SCHEDULE_ID = 'personal-data-retention';

/** 02:30 every day (Asia/Shanghai): after the night's archiving, before the working day. */
export const RETENTION_CRON = '30 2 * * *';

/** The retention schedule's spec, action and policies (exported for tests). */
export function retentionScheduleDefinition(opts: EnsureScheduleOptions): ScheduleDefinition {
  return {
    spec: { cronExpressions: [RETENTION_CRON], timezone: opts.timezone ?? 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: 'personalDataRetentionWorkflow',
      taskQueue: opts.taskQueue,
      args: [],
      workflowId: `${opts.scheduleId ?? RETENTION_SCHEDULE_ID}-run`,
    },
    // A missed day is caught up by the next one (the run takes every case due by then).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** Create the daily retention schedule, or update it to the current definition. */
export function ensureRetentionSchedule(client: Client, opts: EnsureScheduleOptions): Promise<'created' | 'updated'> {
  const purpose = "anonymise residents' personal data after PERSONAL_DATA_RETENTION_DAYS";
  return upsertSchedule(client, opts.scheduleId ?? RETENTION_SCHEDULE_ID, retentionScheduleDefinition(opts), purpose, opts.log ?? (() => undefined));
}

// ---- the end-of-day sweep (事不过夜) ------------------------------------------------------------

/** The end-of-day schedule's id in the namespace. */
export const END_OF_DAY_SCHEDULE_ID = 'end-of-day-sweep';

/**
 * 17:30 every day (Asia/Shanghai): the end of the default office hours (09:00–12:00,
 * 13:30–17:30, a **default**). Every day, not Monday to Friday: the workflow asks the calendar,
 * so holidays are skipped and make-up working days (调休, often a Saturday) are swept.
 */
export const END_OF_DAY_CRON = '30 17 * * *';

/** The end-of-day schedule's spec, action and policies (exported for tests). */
export function endOfDayScheduleDefinition(opts: EnsureScheduleOptions): ScheduleDefinition {
  return {
    spec: { cronExpressions: [END_OF_DAY_CRON], timezone: opts.timezone ?? 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow',
      workflowType: 'endOfDaySweepWorkflow',
      taskQueue: opts.taskQueue,
      // No date: the workflow sweeps the day it starts on.
      args: [{}],
      workflowId: `${opts.scheduleId ?? END_OF_DAY_SCHEDULE_ID}-run`,
    },
    // A late start the same evening still sweeps the day (its own date); a day later it would
    // sweep the wrong date, so the catch-up window stays short.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '4 hours' },
  };
}

/** Create the daily end-of-day schedule, or update it to the current definition. */
export function ensureEndOfDaySchedule(client: Client, opts: EnsureScheduleOptions): Promise<'created' | 'updated'> {
  const purpose = 'end-of-day sweep of unanswered and urgent unresolved cases (事不过夜)';
  return upsertSchedule(client, opts.scheduleId ?? END_OF_DAY_SCHEDULE_ID, endOfDayScheduleDefinition(opts), purpose, opts.log ?? (() => undefined));
}

if (require.main === module) {
  void (async () => {
    const { loadConfig } = await import('../config/env');
    const { connectTemporal } = await import('../platform/temporalConnection');
    const cfg = loadConfig();
    const { client, close } = await connectTemporal(cfg);
    try {
      const log = (m: string) => process.stderr.write(`${m}\n`);
      const res = await ensureAssessmentSchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
      process.stdout.write(`${JSON.stringify({ scheduleId: ASSESSMENT_SCHEDULE_ID, result: res })}\n`);
      const retention = await ensureRetentionSchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
      process.stdout.write(`${JSON.stringify({ scheduleId: RETENTION_SCHEDULE_ID, result: retention })}\n`);
      const endOfDay = await ensureEndOfDaySchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
      process.stdout.write(`${JSON.stringify({ scheduleId: END_OF_DAY_SCHEDULE_ID, result: endOfDay })}\n`);
    } finally {
      await close();
    }
  })().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
