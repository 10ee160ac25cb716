// Shared set-up of the API integration suites: the run's database and Temporal dev server
// (started by test/setup/globalSetup, read through testConfig) plus a real case worker.
// Each suite gets its own task queue and case-code prefix, so suites running in parallel
// on the shared database and server never see each other's cases.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import pino from 'pino';
import { makeArchiveCaseHistory } from '../../activities/archiveCaseHistory';
import { createApp } from '../../api/app';
import { databaseUrl, type AppConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import { signAccessToken } from '../../features/auth/auth';
import { createDb, type Db } from '../../platform/db';
import { createDirectoryCache, loadCalendar } from '../../features/directory/directory';
import { connectTemporal, connectTemporalNative, type TemporalClientBundle } from '../../platform/temporalConnection';
import { payloadCodecFromConfig } from '../../platform/payloadCodec';
import { seed } from '../../prisma/seed';
import { SEED_PEOPLE } from '../../prisma/seedData';
import { createCaseWorker } from '../../worker/createWorker';
import { testConfig, uniqueTaskQueue } from '../setup/env';

export interface ApiHarness {
  cfg: AppConfig;
  db: Db;
  temporal: TemporalClientBundle;
  client: Client;
  app: Express;
  worker: Worker | null;
  /** A bearer token for the seed person with this id. */
  tokenFor(personId: string): Promise<string>;
  /** "Bearer …" for the first seed person of a role (optionally in a unit). */
  bearer(role: Role, unitId?: string): Promise<string>;
  close(): Promise<void>;
}

/** A random case-code prefix (2..6 capital letters) so suites never share codes. */
export function uniquePrefix(): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return `T${Array.from(randomBytes(5), (b) => letters[b % 26]).join('')}`;
}

/** The suite's configuration: the run's servers (test/setup testConfig) plus per-suite isolation. */
export function harnessConfig(overrides: Record<string, string> = {}): AppConfig {
  return testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api'), CASE_CODE_PREFIX: uniquePrefix(), ...overrides });
}

/** Seed the database, make the namespace ready, start a worker (unless told not to), build the app. */
export async function startHarness(opts: { worker?: boolean; cfg?: AppConfig; webhooks?: string[] } = {}): Promise<ApiHarness> {
  const cfg = opts.cfg ?? harnessConfig();
  if (!cfg.DATABASE_URL) throw new Error('DATABASE_URL is not set: the API integration tests need the jest globalSetup (or a database)');
  // One connection: the embedded PGlite server (the test database when DATABASE_URL is unset)
  // fails interleaved queries from several connections ("unnamed prepared statement does not exist").
  const db = createDb(databaseUrl(cfg), 1);
  await seed(db);
  // The global setup registered the namespace and the case search attributes.
  // Encrypted like production (testConfig sets the test key): the API's client and the worker share the codec.
  const payloadCodec = payloadCodecFromConfig(cfg);
  const temporal = await connectTemporal(cfg, { retryForMs: 30_000, payloadCodec });

  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  let nativeClose: (() => Promise<void>) | null = null;
  if (opts.worker !== false) {
    const connection = await connectTemporalNative(cfg, { retryForMs: 30_000 });
    nativeClose = () => connection.close();
    worker = await createCaseWorker({
      connection,
      cfg,
      payloadCodec,
      deps: {
        db,
        webhooks: { urls: opts.webhooks ?? [], timeoutMs: 1000 },
        loadCalendar: () => loadCalendar(db),
        archiveCaseHistory: makeArchiveCaseHistory({ db, client: temporal.client }),
      },
    });
    running = worker.run();
  }

  const logger = pino({ level: cfg.LOG_LEVEL });
  const app = createApp({ db, temporal: temporal.client, cfg, logger, directory: createDirectoryCache(db, 30_000) });

  const tokenFor = async (personId: string) => {
    const p = SEED_PEOPLE.find((x) => x.id === personId);
    if (!p) throw new Error(`no seed person ${personId}`);
    return signAccessToken(cfg, p);
  };

  return {
    cfg,
    db,
    temporal,
    client: temporal.client,
    app,
    worker,
    tokenFor,
    async bearer(role, unitId) {
      const p = SEED_PEOPLE.find((x) => x.role === role && (unitId === undefined || x.unitId === unitId));
      if (!p) throw new Error(`no seed person with role ${role}${unitId ? ` in ${unitId}` : ''}`);
      return `Bearer ${await tokenFor(p.id)}`;
    },
    async close() {
      // Leave no running cases behind on a shared server: this suite's task queue is its own.
      await terminateSuiteWorkflows(temporal.client, cfg.TEMPORAL_TASK_QUEUE).catch(() => undefined);
      if (worker && running) {
        worker.shutdown();
        await running;
      }
      await nativeClose?.();
      await temporal.close();
      await db.$disconnect();
    },
  };
}

/** Terminate every running workflow on a task queue (best effort; visibility may lag a little). */
async function terminateSuiteWorkflows(client: Client, taskQueue: string): Promise<void> {
  for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(w.workflowId, w.runId).terminate('API test suite finished').catch(() => undefined);
  }
}

/** Poll until `fn` returns a truthy value (the projection is written asynchronously by the workflow). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
