// Jest global teardown of the `integration` project: stop the servers started by
// globalSetup.ts, drop the throwaway databases, remove the run folder.
import { rmSync } from 'node:fs';
import { dropDatabasesWithPrefix } from '../../devstack/databases';
import { testDatabasePrefix } from './shared';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__COE_TEST__;
  if (!state) return;
  globalThis.__COE_TEST__ = undefined;
  const errors: unknown[] = [];
  const info = state.info;
  if (info?.adminDatabaseUrl) {
    try {
      await dropDatabasesWithPrefix(info.adminDatabaseUrl, testDatabasePrefix(info.setupPid));
    } catch (err) {
      errors.push(err);
    }
  }
  // Reverse start order; each stop() escalates to SIGKILL after its grace period.
  for (const svc of [...state.services].reverse()) {
    try {
      await svc.stop();
    } catch (err) {
      errors.push(err);
    }
  }
  if (state.watchdogPid) {
    try {
      process.kill(state.watchdogPid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  if (info?.runDir && process.env.KEEP_TEST_RUN_DIR !== '1') rmSync(info.runDir, { recursive: true, force: true });
  if (errors.length) {
    process.stderr.write(`[test teardown] ${errors.map((e) => (e as Error).message).join('\n')}\n`);
  }
}
