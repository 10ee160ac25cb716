// Proves the workflow-test infrastructure: the time-skipping server starts from
// the local binary, a bundled workflow sleeps a day in skipped time, and the
// case search attributes can be upserted on this server.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { CaseOverdueKey, CaseStatusKey } from '../../workflows/searchAttributes';
import { createTimeSkippingEnv, quietLogger, uniqueTaskQueue } from '../setup/env';

describe('time-skipping test environment', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  // A Worker runs once: bundle the workflows once, build one worker per test.
  const newWorker = (taskQueue: string) =>
    Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: bundle });

  beforeAll(async () => {
    [env, bundle] = await Promise.all([
      createTimeSkippingEnv(),
      bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/sleeper'), logger: quietLogger }),
    ]);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps one day in a few seconds of real time', async () => {
    const taskQueue = uniqueTaskQueue('sleeper');
    const worker = await newWorker(taskQueue);
    // The server's own clock shows the skip; how fast it happens is not a test's business
    // (without skipping, the test would outlive its timeout).
    const serverBefore = await env.currentTimeMs();
    const slept = await worker.runUntil(env.client.workflow.execute('sleeper', { taskQueue, workflowId: taskQueue }));
    expect(slept).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    const serverAfter = await env.currentTimeMs();
    expect(serverAfter - serverBefore).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it('accepts upserts of the case search attributes', async () => {
    const taskQueue = uniqueTaskQueue('sa');
    const worker = await newWorker(taskQueue);
    const handle = await env.client.workflow.start('searchAttributesProbe', { taskQueue, workflowId: taskQueue });
    const result = await worker.runUntil(handle.result());
    expect(result).toEqual({ status: 'CLOSED', overdue: true });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(CaseStatusKey)).toBe('CLOSED');
    expect(described.typedSearchAttributes.get(CaseOverdueKey)).toBe(true);
  });
});
