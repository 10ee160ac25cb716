// The monthly assessment on the run's Temporal dev server: the workflow publishes a
// snapshot through the case worker (which registers the assessment activity), each run a
// new version; the schedule is created idempotently and, triggered, publishes the month
// that just ended.
import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { previousMonth } from '../../domain/assessment/period';
import { ASSESSMENT_CRON, ensureAssessmentSchedule } from '../../scripts/ensureSchedule';
import { monthlyAssessmentWorkflow } from '../../workflows/assessmentWorkflow';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const run = (args: Parameters<typeof monthlyAssessmentWorkflow>) =>
  h.client.workflow.execute(monthlyAssessmentWorkflow, {
    taskQueue: h.cfg.TEMPORAL_TASK_QUEUE,
    workflowId: `assessment-test-${randomBytes(4).toString('hex')}`,
    args,
  });

describe('monthlyAssessmentWorkflow', () => {
  it('publishes the period it is given; a second run is version 2 and version 1 stays as it was', async () => {
    const period = '2024-02';
    const first = await run([{ period }]);
    expect(first).toMatchObject({ period, version: 1, created: true, cases: 0 });
    const v1 = await h.db.assessmentSnapshot.findUnique({ where: { period_version: { period, version: 1 } } });
    expect(v1).toMatchObject({ publishedBy: 'schedule' });
    expect(v1?.requestId).toMatch(/^workflow:assessment-test-/);
    const second = await run([{ period }]);
    expect(second).toMatchObject({ period, version: 2, created: true });
    expect(await h.db.assessmentSnapshot.findUnique({ where: { period_version: { period, version: 1 } } })).toEqual(v1);
  });

  it('without a period it publishes the month before the one it runs in', async () => {
    const expected = previousMonth(Date.now()).text;
    const res = await run([{}]);
    expect(res.period).toBe(expected);
    expect(res.version).toBeGreaterThanOrEqual(1);
  });

  it('fails at once on a malformed period', async () => {
    const err = await run([{ period: '2024-13' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'BadInput' });
  });
});

describe('the schedule', () => {
  it('is created once and updated in place; at 01:00 Shanghai on the 1st; triggered, it publishes last month', async () => {
    const scheduleId = `assessment-monthly-test-${randomBytes(4).toString('hex')}`;
    const opts = { taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, scheduleId };
    expect(await ensureAssessmentSchedule(h.client, opts)).toBe('created');
    expect(await ensureAssessmentSchedule(h.client, opts)).toBe('updated');
    const handle = h.client.schedule.getHandle(scheduleId);
    try {
      const d = await handle.describe();
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'monthlyAssessmentWorkflow', taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, args: [{}] });
      expect(d.policies.overlap).toBe('SKIP');
      expect(ASSESSMENT_CRON).toBe('0 1 1 * *');
      // Every upcoming action is at 01:00 on the 1st, Shanghai time.
      expect(d.info.nextActionTimes.length).toBeGreaterThan(0);
      for (const t of d.info.nextActionTimes) {
        const local = new Date(t.getTime() + 8 * 3600_000);
        expect([local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()]).toEqual([1, 1, 0]);
      }

      const period = previousMonth(Date.now()).text;
      const before = await h.db.assessmentSnapshot.count({ where: { period } });
      await handle.trigger();
      await eventually(async () => (await h.db.assessmentSnapshot.count({ where: { period } })) > before, 30_000, 'scheduled snapshot');
      const latest = await h.db.assessmentSnapshot.findFirst({ where: { period }, orderBy: { version: 'desc' } });
      expect(latest).toMatchObject({ publishedBy: 'schedule', version: before + 1 });
    } finally {
      await handle.delete();
    }
  });
});
