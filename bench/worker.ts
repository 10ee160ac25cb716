// The benchmarks' worker process. On one NativeConnection it runs:
//   - always: a Worker for the bare bench workflows (bench/workflows.ts) on BENCH_TASK_QUEUE;
//   - BENCH_WORKER_CASES=1: also the real case worker (createCaseWorker, the same code as
//     worker/main.ts) on TEMPORAL_TASK_QUEUE, so bare and case workflows share the process.
// Both Workers get the same cache size and workflow-task slots (WORKER_MAX_CACHED_WORKFLOWS,
// WORKER_MAX_CONCURRENT_WORKFLOW_TASKS). Stops on SIGTERM/SIGINT like worker/main.ts.
// The case worker encrypts payloads when PAYLOAD_KEYS is set (as worker/main.ts does); the bare
// workflows never do, so they stay the same reference with the codec on or off.
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { databaseUrl, loadConfig } from '../config/env';
import { createDb, type Db } from '../platform/db';
import { loadCalendar } from '../features/directory/directory';
import { createLogger } from '../platform/logger';
import { payloadCodecFromConfig } from '../platform/payloadCodec';
import { connectTemporalNative } from '../platform/temporalConnection';
import { createCaseWorker } from '../worker/createWorker';
import { installRuntimeLogger } from '../platform/runtimeLogger';
import { sandboxTimeout } from '../worker/sandboxTimeout';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger('bench-worker', cfg.LOG_LEVEL);
  installRuntimeLogger(logger, 'WARN');
  const benchQueue = process.env.BENCH_TASK_QUEUE ?? 'bench';
  const withCases = process.env.BENCH_WORKER_CASES === '1';
  const connection = await connectTemporalNative(cfg, { retryForMs: 60_000 });
  let db: Db | undefined;
  const workers: Worker[] = [];
  // The bare workflows run under the same sandbox timeout as the cases (WORKER_SANDBOX_TIMEOUT_MS).
  const { WorkerClass, options: timeoutOptions } = sandboxTimeout(cfg.WORKER_SANDBOX_TIMEOUT_MS);
  try {
    workers.push(
      await WorkerClass.create({
        connection,
        namespace: cfg.TEMPORAL_NAMESPACE,
        taskQueue: benchQueue,
        workflowsPath: require.resolve('./workflows'),
        maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
        maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        ...timeoutOptions,
      }),
    );
    if (withCases) {
      db = createDb(databaseUrl(cfg), cfg.DB_POOL_MAX);
      const caseDb = db;
      workers.push(
        await createCaseWorker({
          connection,
          cfg,
          payloadCodec: payloadCodecFromConfig(cfg),
          deps: {
            db: caseDb,
            webhooks: { urls: cfg.NOTIFY_WEBHOOKS, timeoutMs: cfg.NOTIFY_WEBHOOK_TIMEOUT_MS },
            loadCalendar: () => loadCalendar(caseDb),
            // Benchmark cases never close, so nothing is archived.
            archiveCaseHistory: async () => {
              throw ApplicationFailure.nonRetryable('history archiving is not part of the benchmark');
            },
          },
        }),
      );
    }
    logger.warn({ benchQueue, caseQueue: withCases ? cfg.TEMPORAL_TASK_QUEUE : null, cache: cfg.WORKER_MAX_CACHED_WORKFLOWS }, 'bench worker started');
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close().catch(() => undefined);
    await db?.$disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
