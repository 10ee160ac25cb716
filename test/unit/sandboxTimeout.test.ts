// worker/sandboxTimeout: which Worker class and options each WORKER_SANDBOX_TIMEOUT_MS gives,
// and the start-up probe of what a timed sandbox call costs. (The behaviour of both classes
// against a real server is in test/workflow/sandboxTimeout.test.ts.)
import { Worker } from '@temporalio/worker';
import { loadConfig } from '../../config/env';
import { measureSandboxTimeoutCostUs, sandboxTimeout } from '../../worker/sandboxTimeout';

describe('sandboxTimeout', () => {
  it('a positive value is the SDK deadlock detector with that timeout', () => {
    const { WorkerClass, options } = sandboxTimeout(5000);
    expect(WorkerClass).toBe(Worker);
    expect(options).toEqual({ isolateExecutionTimeout: 5000 });
  });

  it('0 is a Worker subclass that runs the sandbox without a timeout', () => {
    const { WorkerClass, options } = sandboxTimeout(0);
    expect(WorkerClass).not.toBe(Worker);
    expect(Object.getPrototypeOf(WorkerClass)).toBe(Worker);
    expect(options).toEqual({});
  });

  it('the configuration keeps the SDK default unless told otherwise, and refuses negatives', () => {
    expect(loadConfig({}).WORKER_SANDBOX_TIMEOUT_MS).toBe(5000);
    expect(loadConfig({ WORKER_SANDBOX_TIMEOUT_MS: '0' }).WORKER_SANDBOX_TIMEOUT_MS).toBe(0);
    expect(() => loadConfig({ WORKER_SANDBOX_TIMEOUT_MS: '-1' })).toThrow(/WORKER_SANDBOX_TIMEOUT_MS/);
  });

  it('measures the cost of a timed call as a whole number of µs', () => {
    const us = measureSandboxTimeoutCostUs(5);
    expect(Number.isInteger(us)).toBe(true);
    expect(us).toBeGreaterThanOrEqual(0);
  });
});
