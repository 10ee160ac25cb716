// A human action racing a lapsing timer, on a local dev server (real time, real
// binary). The time-skipping test server rejects a workflow task that answers an
// update and a fired timer together ("invalid history builder state for action"),
// so this race is exercised where production runs it.
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { acceptCaseUpdate, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';
import { ACTORS, caseInput, startCaseEnv, terminateWhenQuiet, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let worker: Worker;
let recorder: MemoryRecorder;
let taskQueue: string;
let run: Promise<void>;

beforeAll(async () => {
  ({ env, worker, recorder, taskQueue, run } = await startCaseEnv('local'));
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

const ACCEPT_MS = 1500;

it('an accept racing the lapsing accept window has exactly one outcome, recorded once', async () => {
  const outcomes: string[] = [];
  // Aim the update at the due instant, a little before and a little after, so both winners occur.
  for (const offset of [-40, -10, 0, 10, 40]) {
    const input = caseInput(Date.now());
    input.policy.windows.accept = { clock: 'WALL', minutes: ACCEPT_MS / 60_000 };
    input.policy.windows.remindAt = 0;
    const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
    const dueAt = input.intake.reportedAt + ACCEPT_MS;
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt + offset - Date.now())));
    const accept = async () => {
      try {
        await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
        return 'accepted';
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        return (err.cause as { type?: string }).type ?? 'unknown';
      }
    };
    let outcome = await accept();
    // Refused because the window was already due (guardNoLapseDue: its lapse is recorded first,
    // as soon as the server fires the timer); a retry a moment later meets the escalated case.
    if (outcome === CONFLICT_ERROR) {
      outcomes.push(outcome);
      for (let i = 0; i < 50 && outcome === CONFLICT_ERROR; i++) {
        await new Promise((r) => setTimeout(r, 100));
        outcome = await accept();
      }
      expect(outcome).toBe(FORBIDDEN_ERROR);
    }
    outcomes.push(outcome);
    // Let the escalation chain settle past this instant, then check the record.
    await new Promise((r) => setTimeout(r, 300));
    const code = input.intake.code;
    const s = await recorder.settled(h, code);
    const types = recorder.types(code);
    const acceptBreachesAtGrid = s.breaches.filter((b) => b.kind === 'ACCEPT' && b.level === 'GRID');
    if (outcome === 'accepted') {
      expect(types.filter((t) => t === 'ACCEPTED')).toHaveLength(1);
      expect(acceptBreachesAtGrid).toHaveLength(0);
      expect(s.level).toBe('GRID');
    } else {
      expect(outcome).toBe(FORBIDDEN_ERROR);
      expect(types).not.toContain('ACCEPTED');
      expect(acceptBreachesAtGrid).toHaveLength(1);
      expect(types.filter((t) => t === 'BREACHED').length).toBeGreaterThanOrEqual(1);
      expect(s.level).not.toBe('GRID');
    }
    await terminateWhenQuiet(h);
  }
  // Both outcomes are legal; what matters is that each run had exactly one.
  expect(outcomes.filter((o) => o !== CONFLICT_ERROR)).toHaveLength(5);
});

it('an update that comes with the start (update-with-start) is applied in the first workflow task and recorded once', async () => {
  const input = caseInput(Date.now());
  const startWorkflowOperation = new WithStartWorkflowOperation('caseWorkflow', {
    workflowId: input.intake.code,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
  });
  const s = await env.client.workflow.executeUpdateWithStart(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }], startWorkflowOperation });
  expect(s.status).toBe('ACCEPTED');
  expect(s.windows.map((w) => w.kind)).toEqual(['RESPONSE']);
  const h = await startWorkflowOperation.workflowHandle();
  const after = await recorder.settled(h, input.intake.code);
  expect(after.status).toBe('ACCEPTED');
  expect(recorder.types(input.intake.code)).toEqual(['REPORTED', 'ACCEPTED']);
  // Both facts came out of the first workflow task: it scheduled one recordCase holding both.
  const events = (await h.fetchHistory()).events!;
  const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordCase');
  expect(scheduled).toHaveLength(1);
  const firstTask = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
  expect(Number(scheduled[0]!.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId)).toBe(Number(events[firstTask]!.eventId));
  expect(events.filter((e) => e.markerRecordedEventAttributes)).toHaveLength(0);
});
