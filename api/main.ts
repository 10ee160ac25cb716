// The API process: load config once, connect, listen; on SIGTERM/SIGINT stop accepting,
// let in-flight requests finish, then close the Temporal connection and the database.
import type { Server } from 'node:http';
import { getHeapStatistics } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { databaseUrl, loadConfig, type AppConfig } from '../config/env';
import { createDb } from '../platform/db';
import { calendarWarning } from '../features/admin/calendar';
import { createDirectoryCache } from '../features/directory/directory';
import { assertProductionReady } from '../features/auth/demoAccounts';
import { createLogger, type Logger } from '../platform/logger';
import { connectTemporal } from '../platform/temporalConnection';
import { payloadCodecFromConfig } from '../platform/payloadCodec';
import { installRuntimeLoggerOnFirstWorker } from '../platform/deferredRuntimeLogger';
import { createApp } from './app';

/** How long in-flight requests may run after a stop signal before connections are cut. */
const DRAIN_TIMEOUT_MS = 25_000;
/** How long directory lookups (categories, grids, people) are served from memory. */
const DIRECTORY_CACHE_TTL_MS = 30_000;

export interface RunningApi {
  server: Server;
  /** "http://host:port" actually bound (API_PORT=0 picks a free port). */
  url: string;
  /** Stop accepting, drain, close Temporal and the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Connect everything and listen on cfg.API_HOST:cfg.API_PORT. */
export async function startApi(cfg: AppConfig, logger: Logger = createLogger('api', cfg.LOG_LEVEL)): Promise<RunningApi> {
  // First: in production an API without PAYLOAD_KEYS refuses to start (residents' data would
  // reach Temporal in the clear).
  const payloadCodec = payloadCodecFromConfig(cfg);
  logger.info({ payloadEncryption: payloadCodec ? `on (key ${payloadCodec.currentKeyId})` : 'off' }, 'payload codec');
  const db = createDb(databaseUrl(cfg), cfg.DB_POOL_MAX);
  try {
    await assertProductionReady(db, cfg);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;
  try {
    temporal = await connectTemporal(cfg, {
      retryForMs: 60_000,
      payloadCodec,
      onRetry: (err, attempt) => logger.warn({ attempt, err: String(err) }, 'Temporal not reachable yet, retrying'),
    });
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  const app = createApp({ db, temporal: temporal.client, cfg, logger, directory: createDirectoryCache(db, DIRECTORY_CACHE_TTL_MS) });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(cfg.API_PORT, cfg.API_HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  logger.info({ url, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, heapLimitMb }, `API listening on ${url} (docs at ${url}/docs)`);
  // V8 adds its own margin to the cap; far above it means the launcher did not pass the flag.
  if (cfg.API_HEAP_MB > 0 && heapLimitMb > cfg.API_HEAP_MB * 1.5) {
    logger.warn(
      { heapLimitMb, API_HEAP_MB: cfg.API_HEAP_MB },
      `started without the heap cap: the heap grows with the garbage of busy reads before V8 collects it; run with NODE_OPTIONS=--max-old-space-size=${cfg.API_HEAP_MB}`,
    );
  }
  await warnAboutCalendar(db, logger);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('API stopping: no new connections, draining in-flight requests');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs: DRAIN_TIMEOUT_MS }, 'drain timed out; closing remaining connections');
        server.closeAllConnections();
      }, DRAIN_TIMEOUT_MS);
      await drained;
      clearTimeout(timer);
      await Promise.allSettled([temporal.close(), db.$disconnect()]);
      logger.info('API stopped');
    })());

  return { server, url, close };
}

/** Say at start-up when the working calendar lacks next year's schedule (from 1 November) or this year's. */
export async function warnAboutCalendar(db: Parameters<typeof calendarWarning>[0], logger: Logger, nowMs = Date.now()): Promise<string | null> {
  const warning = await calendarWarning(db, nowMs).catch((err: unknown) => {
    logger.warn({ err: String(err) }, 'could not check the working calendar');
    return null;
  });
  if (warning) logger.warn({ calendar: 'schedule-missing' }, `working calendar: ${warning}`);
  return warning;
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  const logger = createLogger('api', cfg.LOG_LEVEL);
  // Replays (audit endpoints) run a replay worker in this process: route its logs to pino too
  // (the runtime is installed before the first replay, not at start: platform/deferredRuntimeLogger).
  installRuntimeLoggerOnFirstWorker(logger);
  const api = await startApi(cfg, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second stop signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'stop signal received');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

if (require.main === module) {
  main().catch((err) => {
    // eslint-disable-next-line no-console
    console.error(err);
    process.exit(1);
  });
}
