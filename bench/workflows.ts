// Bare workflows for the benchmarks: the least a workflow can cost on the same server
// and worker, so the case numbers have a ceiling to be compared with.
import { sleep } from '@temporalio/workflow';

/** Returns at once: one start, one workflow task, one completion. */
export async function benchEmptyWorkflow(): Promise<void> {
  // nothing
}

/** One durable timer due at `untilMs` (epoch ms), then completes. Returns the instant it woke (workflow time). */
export async function benchTimerWorkflow(untilMs: number): Promise<number> {
  const wait = untilMs - Date.now();
  if (wait > 0) await sleep(wait);
  return Date.now();
}
