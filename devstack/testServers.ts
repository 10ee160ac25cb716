// Temporal's test environments (@temporalio/testing) started from the local binaries
// (devstack/tools.ts): the time-skipping test server, and the dev server managed by the
// SDK. Only when no binary resolves does the SDK download one (needs the internet).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalCli, resolveTestServer } from './tools';

type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

/** The SDK's `executable` option for a resolved binary path (undefined: download it). */
export function sdkExecutable(path: string | undefined): Executable {
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}

/** A time-skipping environment on the `temporal-test-server` binary. Call `teardown()` when done. */
export async function startTimeSkippingEnv(serverPath?: string): Promise<TestWorkflowEnvironment> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: sdkExecutable(serverPath ?? (await resolveTestServer())) } });
}

/** A local environment (a dev server where time is real) on the `temporal` CLI. Call `teardown()` when done. */
export async function startLocalEnv(cliPath?: string): Promise<TestWorkflowEnvironment> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  return TestWorkflowEnvironment.createLocal({ server: { executable: sdkExecutable(cliPath ?? (await resolveTemporalCli())) } });
}
