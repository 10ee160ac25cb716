// The API runs Temporal workers only to replay histories (the audit endpoints): it installs the
// process-wide Temporal runtime, with its logs routed into pino (platform/runtimeLogger), right
// before the first replay, not at start-up. Loading @temporalio/worker (its native runtime, rxjs,
// the workflow bundler) and starting the runtime's threads cost every API process memory it
// otherwise never uses. The worker process installs the runtime itself, first thing.
import type { Logger } from './logger';

let pending: Logger | null = null;
let installed: Promise<void> | null = null;

/** Route the Temporal runtime's logs to `logger` once a worker (a replay) is first created in this process. */
export function installRuntimeLoggerOnFirstWorker(logger: Logger): void {
  pending = logger;
}

/** Install the runtime logger asked for above, once; a no-op in processes that did not ask. Call before creating a Worker. */
export function ensureRuntimeLogger(): Promise<void> {
  const logger = pending;
  if (!logger) return Promise.resolve();
  installed ??= import('./runtimeLogger').then(({ installRuntimeLogger }) => installRuntimeLogger(logger));
  return installed;
}
