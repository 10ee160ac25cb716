// Builds the case worker: the workflow bundle plus activities wired to the database.
import type { PayloadCodec } from '@temporalio/common';
import type { NativeConnection, Worker, WorkerOptions, WorkflowBundle } from '@temporalio/worker';
import type { AppConfig } from '../config/env';
import { createActivities, type ActivityDeps } from '../activities';
import { createAssessmentActivities } from '../activities/assessment';
import { createFanOutActivities } from '../activities/fanOut';
import { createRetentionActivities } from '../activities/retention';
import { createEndOfDayActivities } from '../activities/endOfDay';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../platform/workflowCode';
import { sandboxTimeout } from './sandboxTimeout';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  cfg: AppConfig;
  deps: ActivityDeps;
  /** Encrypts/decrypts the payloads the worker sends and receives (platform/payloadCodec); null = plain. */
  payloadCodec?: PayloadCodec | null;
  /** The case workflows already bundled (platform/workflowBundleCache); else the SDK bundles them. */
  workflowBundle?: WorkflowBundle;
  /** Test or benchmark overrides (e.g. a prebuilt bundle, a smaller cache). */
  overrides?: Partial<WorkerOptions>;
}

export async function createCaseWorker({ connection, cfg, deps, payloadCodec, workflowBundle, overrides }: CaseWorkerOptions): Promise<Worker> {
  const { WorkerClass, options: timeoutOptions } = sandboxTimeout(cfg.WORKER_SANDBOX_TIMEOUT_MS);
  return WorkerClass.create({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    // A prebuilt bundle must have been built with CASE_BUNDLER_OPTIONS (caseWorkflowBundle does).
    ...(workflowBundle
      ? { workflowBundle }
      : {
          workflowsPath: CASE_WORKFLOWS_PATH,
          // Pure modules are evaluated once per thread, not once per cached case (platform/workflowCode).
          bundlerOptions: CASE_BUNDLER_OPTIONS,
        }),
    activities: {
      ...createActivities(deps), ...createAssessmentActivities({ db: deps.db }), ...createFanOutActivities({ db: deps.db }),
      ...createRetentionActivities({ db: deps.db, codec: payloadCodec ?? null, retentionDays: cfg.PERSONAL_DATA_RETENTION_DAYS }),
      ...createEndOfDayActivities({ db: deps.db }),
    },
    // The cache bounds worker memory: evicted cases replay from history when they wake.
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: cfg.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: cfg.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // The codec runs outside the sandbox (workflows see plain values), so workflow code is untouched.
    ...(payloadCodec ? { dataConverter: { payloadCodecs: [payloadCodec] } } : {}),
    ...timeoutOptions,
    ...overrides,
  });
}
