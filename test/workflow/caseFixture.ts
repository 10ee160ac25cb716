// Shared fixture for case-workflow tests on the time-skipping server: the sample case
// (devstack/sampleCase.ts), in-memory activities that keep what the workflow persisted so
// tests can assert on the recorded facts, and a test server with a case worker.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { MemoryRecorder } from '../../devstack/memoryRecorder';
import { caseInput } from '../../devstack/sampleCaseInput';
import { nextOfficeStart } from '../../domain/calendar';
import type { CaseWorkflowInput } from '../../workflows/messages';
import { startLocalEnv, startTimeSkippingEnv } from '../../devstack/testServers';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../../platform/workflowCode';

export { ACTORS, DEPARTMENTS, DIRECTORY, UNITS } from '../../devstack/sampleCase';
export { caseInput, cfg } from '../../devstack/sampleCaseInput';
export { MemoryRecorder };

/**
 * A Temporal test environment (real binaries) with a worker running the case workflow:
 * the time-skipping test server by default, or a local dev server where time is real.
 */
export async function startCaseEnv(kind: 'timeSkipping' | 'local' = 'timeSkipping'): Promise<{ env: TestWorkflowEnvironment; worker: Worker; recorder: MemoryRecorder; taskQueue: string; run: Promise<void> }> {
  const env = kind === 'timeSkipping' ? await startTimeSkippingEnv() : await startLocalEnv();
  const recorder = new MemoryRecorder();
  const taskQueue = `cases-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: CASE_WORKFLOWS_PATH,
    bundlerOptions: CASE_BUNDLER_OPTIONS,
    activities: recorder.activities(),
  });
  const run = worker.run();
  return { env, worker, recorder, taskQueue, run };
}

/** The failure type of a rejected update ('Forbidden', 'InvalidTransition', 'BadInput'), or 'none'. */
export async function failureType(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string })?.type ?? 'unknown';
    throw err;
  }
  return 'none';
}

/**
 * Terminate a case once none of its activities is in flight. Terminated with a recordCase
 * still outstanding (new cases record by the activity), the time-skipping test server was seen
 * to stop skipping time, so a later test's sleep over months waited in real time.
 */
export async function terminateWhenQuiet(h: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (((await h.describe()).raw.pendingActivities ?? []).length === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await h.terminate('test done');
}

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/**
 * Skip the server's clock to 09:30 (calendar time) of the next working morning after today
 * and start a case there, as intake starts one: the test then never depends on the hour
 * the suite runs at.
 */
export async function startCaseAtMorning(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  o: Parameters<typeof caseInput>[1] = {},
): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput }> {
  const cal = caseInput(0).calendar;
  const offset = cal.utcOffsetMinutes * MIN;
  const now = await env.currentTimeMs();
  const midnight = Math.floor((now + offset) / DAY) * DAY + DAY - offset;
  await env.sleep(nextOfficeStart(midnight, cal) + 30 * MIN - now);
  const input = caseInput(await env.currentTimeMs(), o);
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return { h, input };
}
