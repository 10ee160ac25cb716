// The SDK's deadlock detector, as configuration.
//
// The SDK runs every call into the workflow sandbox (several per activation) under a timeout,
// its `isolateExecutionTimeout` (5 s), so a workflow stuck in a synchronous loop fails its task
// instead of blocking the thread. Node implements a vm timeout by starting a watchdog thread for
// each call and joining it afterwards. On an ordinary Linux host that costs tens of µs; on a
// host where thread creation is slow (nested virtualisation: ≈ 0.2 ms of kernel CPU and up to
// 1 ms of wall time per call, bench/README.md limit 7) it was the largest single cost of a case
// step. The SDK accepts only a positive timeout, but its protected `createWorkflowCreator` is
// the extension point for how workflows are run; the subclass below passes no timeout at all.
import { createContext, Script, type RunningScriptOptions } from 'node:vm';
import { Worker } from '@temporalio/worker';

/** A Worker whose workflow sandbox calls run without a timeout (no watchdog thread per call). */
class WorkerWithoutSandboxTimeout extends Worker {
  protected static override createWorkflowCreator(
    ...[bundle, options, logger]: Parameters<typeof Worker.createWorkflowCreator>
  ): ReturnType<typeof Worker.createWorkflowCreator> {
    // `undefined` reaches vm.runInContext as "no timeout".
    return super.createWorkflowCreator(bundle, { ...options, isolateExecutionTimeoutMs: undefined as unknown as number }, logger);
  }
}

/**
 * The Worker class to create workers with, and the option it needs, for WORKER_SANDBOX_TIMEOUT_MS:
 * a positive value is the SDK's own `isolateExecutionTimeout`; 0 turns the detector off.
 */
export function sandboxTimeout(timeoutMs: number): { WorkerClass: typeof Worker; options: { isolateExecutionTimeout?: number } } {
  return timeoutMs > 0 ? { WorkerClass: Worker, options: { isolateExecutionTimeout: timeoutMs } } : { WorkerClass: WorkerWithoutSandboxTimeout, options: {} };
}

/**
 * What a timeout costs one sandbox call on this host, in µs (median of `calls` timed calls minus
 * the same untimed), so the worker can say at start-up what the detector costs here.
 */
export function measureSandboxTimeoutCostUs(calls = 40): number {
  const context = createContext({});
  const script = new Script('0');
  const median = (opts: RunningScriptOptions): number => {
    const t: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = process.hrtime.bigint();
      script.runInContext(context, opts);
      t.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    return t.sort((a, b) => a - b)[Math.floor(calls / 2)] ?? 0;
  };
  return Math.max(0, Math.round(median({ timeout: 5000 }) - median({})));
}

/** Above this per-call cost the worker suggests weighing WORKER_SANDBOX_TIMEOUT_MS=0 (≈ 15 calls a case step). */
export const COSTLY_SANDBOX_TIMEOUT_US = 60;
