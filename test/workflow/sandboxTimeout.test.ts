// WORKER_SANDBOX_TIMEOUT_MS (worker/sandboxTimeout): a positive value is the SDK's deadlock
// detector, which fails a workflow task whose synchronous code runs too long; 0 runs the
// sandbox without a timeout, so the same code simply takes its time.
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { sandboxTimeout } from '../../worker/sandboxTimeout';
import { createTimeSkippingEnv, quietLogger, uniqueTaskQueue } from '../setup/env';

// About a second of synchronous work in the sandbox on the CI machine: far above the 50 ms limit
// below on any host, far below the 10 s workflow-task timeout.
const ROUNDS = 5_000_000;

describe('sandbox timeout (the SDK deadlock detector)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([
      createTimeSkippingEnv({ searchAttributes: false }),
      bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/sleeper'), logger: quietLogger }),
    ]);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const workerWith = (timeoutMs: number, taskQueue: string) => {
    const { WorkerClass, options } = sandboxTimeout(timeoutMs);
    return WorkerClass.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue, workflowBundle: bundle, ...options });
  };

  it('a positive timeout fails the workflow task of code that runs longer', async () => {
    const taskQueue = uniqueTaskQueue('sandbox-limit');
    const worker = await workerWith(50, taskQueue);
    const handle = await env.client.workflow.start('busyLoop', { taskQueue, workflowId: taskQueue, args: [ROUNDS] });
    const failure = await worker.runUntil(async () => {
      for (;;) {
        const { events } = await handle.fetchHistory();
        const failed = events?.find((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
        if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message ?? '';
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    expect(failure).toMatch(/timed out/i);
    await handle.terminate('test over');
  });

  it('0 runs the same code to completion', async () => {
    const taskQueue = uniqueTaskQueue('sandbox-none');
    const worker = await workerWith(0, taskQueue);
    const result = await worker.runUntil(env.client.workflow.execute('busyLoop', { taskQueue, workflowId: taskQueue, args: [ROUNDS] }));
    expect(typeof result).toBe('number');
    const { events } = await env.client.workflow.getHandle(taskQueue).fetchHistory();
    expect(events?.some((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)).toBe(false);
  });
});
