// Routes the Temporal SDK's logs (workflow, activity, worker, core) into pino.
// Workflow and activity log entries carry workflowId/runId in their meta, and
// the case code is the workflow id, so every worker line names its case.
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export interface RuntimeOptions {
  /**
   * host:port where the SDK (core) serves its own Prometheus metrics (task latencies, slots,
   * polls, sticky cache…). The runtime is process-wide and installed once, before any Worker
   * exists, so this is the only place it can be turned on.
   */
  prometheusBindAddress?: string;
}

/** Install the process-wide Temporal runtime with a pino-backed logger (once per process). */
export function installRuntimeLogger(logger: Logger, level: LogLevel = 'INFO', opts: RuntimeOptions = {}): void {
  Runtime.install({
    ...(opts.prometheusBindAddress
      ? {
          telemetryOptions: {
            // `_total` on counters and seconds for durations, like every other metric we export.
            metrics: { prometheus: { bindAddress: opts.prometheusBindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
          },
        }
      : {}),
    logger: new DefaultLogger(level, (entry: LogEntry) => {
      const meta = entry.meta ?? {};
      const caseCode = (meta as { workflowId?: string }).workflowId;
      logger[LEVELS[entry.level]]({ ...meta, ...(caseCode ? { caseCode } : {}) }, entry.message);
    }),
  });
}
