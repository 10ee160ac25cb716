// Jest global setup of the `workflow` project: find (or install) the time-skipping
// test server once, so every test file's createTimeSkippingEnv() starts it from
// TEMPORAL_TEST_SERVER_PATH instead of each resolving it.
import { resolveTestServer } from '../../devstack/tools';

export default async function workflowGlobalSetup(): Promise<void> {
  const path = await resolveTestServer({ log: (m) => process.stderr.write(`[test setup] ${m}\n`) });
  if (path) process.env.TEMPORAL_TEST_SERVER_PATH = path;
}
