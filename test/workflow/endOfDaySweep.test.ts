// The end-of-day sweep workflow on the time-skipping server: it asks the calendar and sweeps a
// working day (调休 included), does nothing on a weekend or holiday, and refuses a malformed
// date. The activities are in memory; the days are given explicitly (pinned), so the test
// never depends on which day it runs.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { defaultCalendar } from '../../domain/calendar';
import { CN_HOLIDAYS_2025_2026 } from '../../domain/holidays';
import { startTimeSkippingEnv } from '../../devstack/testServers';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../../platform/workflowCode';
import type { RecordEndOfDaySweepInput } from '../../workflows/activityContract';
import { endOfDaySweepWorkflow } from '../../workflows/endOfDayWorkflow';

jest.setTimeout(120_000);

const cal = defaultCalendar({
  holidays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'HOLIDAY').map((e) => e.date),
  workdays: CN_HOLIDAYS_2025_2026.filter((e) => e.kind === 'WORKDAY').map((e) => e.date),
});

let env: TestWorkflowEnvironment;
let worker: Worker;
let run: Promise<void>;
const taskQueue = `eod-${randomUUID()}`;
const recorded: RecordEndOfDaySweepInput[] = [];

beforeAll(async () => {
  env = await startTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: CASE_WORKFLOWS_PATH,
    bundlerOptions: CASE_BUNDLER_OPTIONS,
    activities: {
      loadCalendar: async () => cal,
      recordEndOfDaySweep: async (input: RecordEndOfDaySweepInput) => {
        recorded.push(input);
        return { date: input.date, created: true, items: 2, notifications: 3 };
      },
    },
  });
  run = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

const sweep = (date?: string) =>
  env.client.workflow.execute(endOfDaySweepWorkflow, { taskQueue, workflowId: `eod-${randomUUID()}`, args: [date ? { date } : {}] });

beforeEach(() => {
  recorded.length = 0;
});

describe('endOfDaySweepWorkflow', () => {
  it('sweeps a working day: the whole day from its Shanghai midnight, recorded by this run', async () => {
    const res = await sweep('2026-12-03');
    expect(res).toEqual({ swept: true, date: '2026-12-03', created: true, items: 2, notifications: 3 });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ date: '2026-12-03', from: Date.parse('2026-12-03T00:00:00+08:00'), asOf: Date.parse('2026-12-04T00:00:00+08:00') });
    expect(recorded[0].recordedBy).toMatch(/^eod-.+:.+/);
  });

  it('does nothing on a weekend or a public holiday', async () => {
    expect(await sweep('2026-12-05')).toEqual({ swept: false, date: '2026-12-05', reason: '2026-12-05 is not a working day' });
    expect(await sweep('2026-10-01')).toMatchObject({ swept: false, date: '2026-10-01' });
    expect(recorded).toHaveLength(0);
  });

  it('sweeps a make-up working day (调休, Saturday 2026-02-14)', async () => {
    expect(await sweep('2026-02-14')).toMatchObject({ swept: true, date: '2026-02-14' });
    expect(recorded.map((r) => r.date)).toEqual(['2026-02-14']);
  });

  it('fails at once on a malformed date', async () => {
    const err = await sweep('2026-02-30').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'BadInput' });
    expect(recorded).toHaveLength(0);
  });
});
