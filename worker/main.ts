// The worker process: runs case workflows and their activities until SIGTERM/SIGINT.
import { getHeapStatistics } from 'node:v8';
import { loadConfig, databaseUrl } from '../config/env';
import { createDb } from '../platform/db';
import { loadCalendar } from '../features/directory/directory';
import { createLogger } from '../platform/logger';
import { makeArchiveCaseHistory } from '../activities/archiveCaseHistory';
import { makeStartArchiver } from '../activities/startArchiver';
import { connectTemporal, connectTemporalNative } from '../platform/temporalConnection';
import { payloadCodecFromConfig } from '../platform/payloadCodec';
import { createCaseWorker } from './createWorker';
import { bundleCacheDirOf, caseWorkflowBundle } from '../platform/workflowBundleCache';
import { DefaultLogger } from '@temporalio/worker';
import { installRuntimeLogger } from '../platform/runtimeLogger';
import { COSTLY_SANDBOX_TIMEOUT_US, measureSandboxTimeoutCostUs } from './sandboxTimeout';
import { createWorkerMetrics, readDbFigures, sdkMetricsReader, startMetricsListener, type MetricsListener } from './metrics';
import { startOutboxSweeper } from './outboxSweeper';
import { startChangeFollower } from './changeFollower';
import { fanOutStarter } from '../features/fanout/changeFollower';

async function main(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger('worker', cfg.LOG_LEVEL);
  // Before connecting: in production a worker without PAYLOAD_KEYS refuses to start.
  const payloadCodec = payloadCodecFromConfig(cfg);
  logger.info({ payloadEncryption: payloadCodec ? `on (key ${payloadCodec.currentKeyId})` : 'off' }, 'payload codec');
  // Before any Worker exists: the runtime (and with it the SDK's metrics exporter) is process-wide.
  const sdkMetricsAddress = cfg.WORKER_SDK_METRICS_PORT > 0 ? `${cfg.METRICS_HOST}:${cfg.WORKER_SDK_METRICS_PORT}` : undefined;
  installRuntimeLogger(logger, 'INFO', { prometheusBindAddress: sdkMetricsAddress });
  const db = createDb(databaseUrl(cfg), cfg.DB_POOL_MAX);
  const outbox = cfg.NOTIFY_WEBHOOKS.length > 0;
  const metrics = createWorkerMetrics({
    readFigures: () => readDbFigures(db, { outbox }),
    outbox,
    cacheMs: cfg.METRICS_DB_CACHE_MS,
    timeZone: cfg.CALENDAR_TIME_ZONE,
  });
  let listener: MetricsListener | undefined;
  if (cfg.WORKER_METRICS_PORT > 0) {
    listener = await startMetricsListener({
      registry: metrics.registry,
      host: cfg.METRICS_HOST,
      port: cfg.WORKER_METRICS_PORT,
      token: cfg.METRICS_TOKEN,
      extra: sdkMetricsAddress ? sdkMetricsReader(sdkMetricsAddress) : undefined,
      onError: (err) => logger.warn({ err: String(err) }, 'metrics scrape: a part failed'),
    });
    logger.info({ url: listener.url, sdk: sdkMetricsAddress ?? null, token: Boolean(cfg.METRICS_TOKEN) }, 'worker metrics listening');
  }
  const webhooks = {
    urls: cfg.NOTIFY_WEBHOOKS,
    timeoutMs: cfg.NOTIFY_WEBHOOK_TIMEOUT_MS,
    secret: cfg.NOTIFY_WEBHOOK_SECRET,
    maxAttempts: cfg.NOTIFY_MAX_ATTEMPTS,
    baseMs: cfg.NOTIFY_RETRY_BASE_MS,
    maxMs: cfg.NOTIFY_RETRY_MAX_MS,
    concurrency: cfg.NOTIFY_CONCURRENCY,
  };
  if (webhooks.urls.length && !webhooks.secret) logger.warn('NOTIFY_WEBHOOK_SECRET is not set: webhook deliveries go out unsigned');
  // The workflow bundle from the cache when the workflow code is unchanged: a restarted worker
  // polls again in seconds instead of bundling anew (webpack: 5–30 s of CPU here).
  const wf = await caseWorkflowBundle({ cacheDir: bundleCacheDirOf(cfg), logger: new DefaultLogger('WARN') });
  logger.info({ origin: wf.origin, ms: wf.ms, ...(wf.reason ? { reason: wf.reason } : {}) }, 'workflow bundle');
  const connection = await connectTemporalNative(cfg, {
    retryForMs: 60_000,
    onRetry: (err, n) => logger.warn({ attempt: n, err: String(err) }, 'Temporal not reachable yet, retrying'),
  });
  // A client connection too: the archiver reads histories and starts archive workflows.
  const temporal = await connectTemporal(cfg, { retryForMs: 60_000, payloadCodec });
  const worker = await createCaseWorker({
    connection,
    cfg,
    payloadCodec,
    workflowBundle: wf.bundle,
    deps: {
      db,
      webhooks,
      onRecorded: metrics.onRecorded,
      loadCalendar: () => loadCalendar(db),
      archiveCaseHistory: makeArchiveCaseHistory({ db, client: temporal.client, logger }),
      startArchiver: makeStartArchiver(temporal.client, cfg.TEMPORAL_TASK_QUEUE),
    },
  });
  // The SDK stops polling on SIGINT/SIGTERM and lets running tasks finish (shutdownSignals default).
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  logger.info({ taskQueue: cfg.TEMPORAL_TASK_QUEUE, namespace: cfg.TEMPORAL_NAMESPACE, heapLimitMb, cache: cfg.WORKER_MAX_CACHED_WORKFLOWS }, 'worker started');
  // V8 adds its own margin to the cap; far above it means the launcher did not pass the flag.
  if (cfg.WORKER_HEAP_MB > 0 && heapLimitMb > cfg.WORKER_HEAP_MB * 1.5) {
    logger.warn(
      { heapLimitMb, WORKER_HEAP_MB: cfg.WORKER_HEAP_MB },
      `started without the heap cap: memory will grow past what the cache needs; run with NODE_OPTIONS=--max-old-space-size=${cfg.WORKER_HEAP_MB}`,
    );
  }
  const timeoutCostUs = measureSandboxTimeoutCostUs();
  logger.info({ sandboxTimeoutMs: cfg.WORKER_SANDBOX_TIMEOUT_MS, timeoutCostUs }, 'workflow sandbox timeout');
  if (cfg.WORKER_SANDBOX_TIMEOUT_MS > 0 && timeoutCostUs > COSTLY_SANDBOX_TIMEOUT_US) {
    logger.warn(
      { timeoutCostUs },
      'the sandbox timeout (deadlock detector) is costly on this host: each call into a workflow starts a thread; WORKER_SANDBOX_TIMEOUT_MS=0 trades the detector for throughput (README)',
    );
  }
  const sweeper = startOutboxSweeper(db, { ...webhooks, intervalMs: cfg.NOTIFY_SWEEP_INTERVAL_MS, logger });
  // Administrative changes (directory, calendar) reach the running cases through their fan-outs.
  const follower = startChangeFollower(
    { db, start: fanOutStarter(temporal.client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, codePrefix: cfg.CASE_CODE_PREFIX }) },
    { intervalMs: cfg.ADMIN_CHANGE_FOLLOW_INTERVAL_MS, logger },
  );
  try {
    await worker.run();
  } finally {
    await follower.stop();
    await sweeper.stop();
    await listener?.close();
    await temporal.close();
    await connection.close();
    await db.$disconnect();
    logger.info('worker stopped');
  }
}

main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(err);
  process.exit(1);
});
