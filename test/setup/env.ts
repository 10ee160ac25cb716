// Helpers for test files. How a test gets its configuration:
//
//   const cfg = testConfig();            // AppConfig via loadConfig(): in the
//                                        // integration project it points at the
//                                        // run's Temporal dev server + database
//   const { client, close } = await connectTemporal(cfg);
//   const db = createDb(databaseUrl(cfg));
//
// Workflow tests: `const env = await createTimeSkippingEnv();` (the custom search
// attributes are registered on it unless { searchAttributes: false }).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig, type AppConfig } from '../../config/env';
import { ENV_FILE_VAR, testDatabasePrefix, type TestRunInfo } from './shared';

export type { TestRunInfo };

/**
 * The tests' payload key (a fixed, public test value, never a deployment's): the integration
 * harness encrypts every payload with it, so the suites run the way production does.
 */
export const TEST_PAYLOAD_KEYS = `test-1:${Buffer.alloc(32, 0x5a).toString('base64')}`;

let cachedInfo: TestRunInfo | null | undefined;

/** What the integration global setup started, or null outside the integration project. */
export function maybeTestRunInfo(): TestRunInfo | null {
  if (cachedInfo !== undefined) return cachedInfo;
  const file = process.env[ENV_FILE_VAR];
  cachedInfo = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TestRunInfo) : null;
  return cachedInfo;
}

/** What the integration global setup started; throws outside the integration project. */
export function testRunInfo(): TestRunInfo {
  const info = maybeTestRunInfo();
  if (!info) {
    throw new Error(
      `No test servers: ${ENV_FILE_VAR} is not set. Servers are started only for the integration ` +
        'project (test/integration/**); run it with `npm test` or `npm run test:integration`.',
    );
  }
  return info;
}

/**
 * The application config for a test: loadConfig() over process.env with
 * NODE_ENV=test, LOG_LEVEL=silent (unless LOG_LEVEL is set), PAYLOAD_KEYS=TEST_PAYLOAD_KEYS
 * (unless set), the run's Temporal
 * address/namespace and database (integration project), then `overrides`.
 */
export function testConfig(overrides: Record<string, string | undefined> = {}): AppConfig {
  const info = maybeTestRunInfo();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PAYLOAD_KEYS: process.env.PAYLOAD_KEYS ?? TEST_PAYLOAD_KEYS,
    ...(info
      ? { TEMPORAL_ADDRESS: info.temporalAddress, TEMPORAL_NAMESPACE: info.namespace, DATABASE_URL: info.databaseUrl }
      : {}),
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return loadConfig(env);
}

/** A task queue no other test file polls (workers of parallel files never steal each other's tasks). */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export interface TimeSkippingOptions {
  /** Register the case search attributes (CaseStatus…) on the test server. Default true. */
  searchAttributes?: boolean;
}

/**
 * A time-skipping TestWorkflowEnvironment started from the local test server
 * binary (TEMPORAL_TEST_SERVER_PATH, PATH or .tools/venv; the SDK download only
 * as a last resort). Call `env.teardown()` in afterAll.
 *
 * The Java test server accepts AddSearchAttributes, so the workflow's upserts of
 * the custom attributes work here once registered; it does not implement
 * ListSearchAttributes nor visibility queries (client.workflow.list).
 */
export async function createTimeSkippingEnv(opts: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  const { startTimeSkippingEnv } = await import('../../devstack/testServers');
  const env = await startTimeSkippingEnv(process.env.TEMPORAL_TEST_SERVER_PATH || undefined);
  const pinAt = process.env.TEST_CLOCK_AT;
  if (pinAt) {
    // Skip the server's clock to the pinned time of day (test/setup/clock.ts).
    const { nextWorkingInstantAt } = await import('./clock');
    const { defaultCalendar } = await import('../../domain/calendar');
    const now = await env.currentTimeMs();
    const target = nextWorkingInstantAt(now, pinAt, defaultCalendar());
    await env.sleep(target - now);
    const reached = await env.currentTimeMs();
    if (reached < target || reached > target + 60_000) {
      await env.teardown();
      throw new Error(`TEST_CLOCK_AT=${pinAt}: the test server's clock is at ${new Date(reached).toISOString()}, not ${new Date(target).toISOString()}`);
    }
  }
  if (opts.searchAttributes !== false) {
    const { ensureSearchAttributes } = await import('../../scripts/ensureNamespace');
    const { CASE_SEARCH_ATTRIBUTES } = await import('../../workflows/searchAttributes');
    try {
      await ensureSearchAttributes(env.connection, env.namespace ?? 'default', CASE_SEARCH_ATTRIBUTES);
    } catch (err) {
      await env.teardown();
      throw err;
    }
  }
  return env;
}

export interface IsolatedDatabase {
  url: string;
  drop(): Promise<void>;
}

let isolatedSeq = 0;

/**
 * A migrated database of its own, for a test file that must not share tables
 * with files running in parallel (e.g. one that truncates or counts rows).
 * PostgreSQL: cloned from the run's template (~0.1–0.5 s). PGlite: a second
 * in-memory server + migrate deploy (a few seconds). Call drop() in afterAll.
 */
export async function isolatedDatabase(): Promise<IsolatedDatabase> {
  const info = testRunInfo();
  if (info.databaseKind === 'postgres') {
    const { cloneDatabase, dropDatabase, withAdmin } = await import('../../devstack/databases');
    const name = `${testDatabasePrefix(info.setupPid)}_${process.pid}_${++isolatedSeq}_${randomBytes(2).toString('hex')}`;
    const url = await cloneDatabase(info.adminDatabaseUrl!, info.templateDatabase!, name);
    return { url, drop: () => withAdmin(info.adminDatabaseUrl!, (c) => dropDatabase(c, name)) };
  }
  const { freePort, spawnWatchdog } = await import('../../devstack/processes');
  const { migrateDeploy, startPglite } = await import('../../devstack/services');
  const port = await freePort();
  const logFile = `${info.runDir}/pglite-isolated-${port}.log`;
  const pg = await startPglite({ dataDir: 'memory://', port, maxConnections: 50, detached: false, logFile }, () => undefined);
  const watchdog = spawnWatchdog(process.pid, [pg.pid!]);
  try {
    await migrateDeploy(pg.address);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    url: pg.address,
    drop: async () => {
      await pg.stop();
      try {
        process.kill(watchdog.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
    },
  };
}

/** A logger for bundleWorkflowCode that keeps the bundler's info lines out of test output. */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (msg: string) => console.warn(msg),
  error: (msg: string) => console.error(msg),
};
