// Jest global setup of the `integration` project (runs once, in the jest parent
// process, only when integration tests are selected):
//  1. resolve the Temporal binaries (installing the project venv if needed);
//  2. start ONE headless, in-memory `temporal server start-dev` on a free port and
//     register the namespace (retention) and the case search attributes;
//  3. pick the database: DATABASE_URL set → a fresh `coe_test_<pid>` database on
//     that server (dropped at teardown); unset → an in-memory PGlite server on a
//     free port; then `prisma migrate deploy`;
//  4. publish the addresses in process.env and <runDir>/env.json (see env.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/env';
import { connectTemporal } from '../../platform/temporalConnection';
import { ensureNamespace } from '../../scripts/ensureNamespace';
import { adminUrlOf, createTemplatedDatabases } from '../../devstack/databases';
import { freePort, spawnWatchdog } from '../../devstack/processes';
import { DEV_SERVER_DYNAMIC_CONFIG, migrateDeploy, startPglite, startTemporalDevServer, type RunningService } from '../../devstack/services';
import { resolveTools } from '../../devstack/tools';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/searchAttributes';
import { ENV_FILE_VAR, testDatabasePrefix, type TestRunInfo } from './shared';

export interface GlobalState {
  services: RunningService[];
  info?: TestRunInfo;
  watchdogPid?: number;
}
declare global {
  var __COE_TEST__: GlobalState | undefined;
}

const log = (msg: string) => {
  if (process.env.TEST_SETUP_QUIET !== '1') process.stderr.write(`[test setup] ${msg}\n`);
};

/** Rejects with a clear message when `p` takes longer than `ms`. */
async function step<T>(what: string, ms: number, p: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`test setup: ${what} did not finish within ${ms / 1000}s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    log(`${what}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
}

export default async function globalSetup(): Promise<void> {
  const state: GlobalState = { services: [] };
  globalThis.__COE_TEST__ = state;
  const started = Date.now();
  try {
    await setup(state);
  } catch (err) {
    // Jest does not run globalTeardown when globalSetup throws: clean up here.
    const { default: teardown } = await import('./globalTeardown');
    await teardown().catch(() => undefined);
    throw err;
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function setup(state: GlobalState): Promise<void> {
  const baseCfg = loadConfig({ ...process.env, NODE_ENV: 'test' });
  const tools = await step('Temporal tools', 15 * 60_000, () => resolveTools({ log }));
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'coe-test-'));

  // Temporal (in memory, headless) and the database start in parallel, on free ports.
  const info: TestRunInfo = {
    runDir,
    setupPid: process.pid,
    temporalAddress: '',
    namespace: baseCfg.TEMPORAL_NAMESPACE,
    retentionDays: baseCfg.TEMPORAL_RETENTION_DAYS,
    databaseUrl: '',
    databaseKind: baseCfg.DATABASE_URL ? 'postgres' : 'pglite',
    temporalCliPath: tools.temporalCli,
    testServerPath: tools.testServer,
  };
  state.info = info;

  const temporalReady = (async () => {
    const port = await freePort();
    const temporal = await step('Temporal dev server', 90_000, () =>
      startTemporalDevServer(
        {
          cli: tools.temporalCli,
          port,
          namespaces: [baseCfg.TEMPORAL_NAMESPACE],
          dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG,
          logFile: path.join(runDir, 'temporal.log'),
          logLevel: 'error',
          detached: false,
          onSpawn: (proc) => state.services.push({ name: proc.name, address: '', pid: proc.pid, proc, stop: () => proc.stop(10_000) }),
        },
        log,
      ),
    );
    info.temporalAddress = temporal.address;
    if (!temporal.proc) state.services.push(temporal); // SDK-downloaded server: no process of ours
    const temporalEnv = { ...process.env, NODE_ENV: 'test', TEMPORAL_ADDRESS: temporal.address } as NodeJS.ProcessEnv;
    await step('namespace + search attributes', 60_000, async () => {
      const { connection, close } = await connectTemporal(loadConfig(temporalEnv), { retryForMs: 10_000 });
      try {
        await ensureNamespace(connection, {
          namespace: baseCfg.TEMPORAL_NAMESPACE,
          retentionDays: baseCfg.TEMPORAL_RETENTION_DAYS,
          searchAttributes: CASE_SEARCH_ATTRIBUTES,
        });
      } finally {
        await close();
      }
    });
  })();

  const databaseReady = (async () => {
    if (baseCfg.DATABASE_URL) {
      info.adminDatabaseUrl = adminUrlOf(baseCfg.DATABASE_URL); // teardown drops coe_test_<pid>* even if this fails
      const dbs = await step('throwaway PostgreSQL database + migrate deploy', 180_000, () =>
        createTemplatedDatabases(baseCfg.DATABASE_URL!, {
          family: 'coe_test',
          prefix: testDatabasePrefix(process.pid),
          migrate: (url) => migrateDeploy(url),
          what: 'test database',
          log,
        }),
      );
      Object.assign(info, dbs);
      return;
    }
    const pgPort = await freePort();
    const pg = await step('embedded Postgres (PGlite, in memory)', 120_000, () =>
      startPglite(
        {
          dataDir: 'memory://',
          port: pgPort,
          maxConnections: 100,
          logFile: path.join(runDir, 'pglite.log'),
          detached: false,
          onSpawn: (proc) => state.services.push({ name: proc.name, address: '', pid: proc.pid, proc, stop: () => proc.stop(10_000) }),
        },
        log,
      ),
    );
    info.databaseUrl = pg.address;
    await step('prisma migrate deploy', 180_000, () => migrateDeploy(pg.address));
  })();

  const results = await Promise.allSettled([temporalReady, databaseReady]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;

  // Children die with jest even if it is killed without a teardown.
  state.watchdogPid = spawnWatchdog(
    process.pid,
    state.services.map((s) => s.pid).filter((p): p is number => typeof p === 'number' && p > 0),
  ).pid;

  const envFile = path.join(runDir, 'env.json');
  writeFileSync(envFile, JSON.stringify(info, null, 2));
  Object.assign(process.env, {
    [ENV_FILE_VAR]: envFile,
    NODE_ENV: 'test',
    TEMPORAL_ADDRESS: info.temporalAddress,
    TEMPORAL_NAMESPACE: info.namespace,
    DATABASE_URL: info.databaseUrl,
    ...(info.temporalCliPath ? { TEMPORAL_CLI_PATH: info.temporalCliPath } : {}),
    ...(info.testServerPath ? { TEMPORAL_TEST_SERVER_PATH: info.testServerPath } : {}),
  });
  log(`Temporal ${info.temporalAddress} (namespace ${info.namespace}), database ${info.databaseKind} ${redact(info.databaseUrl)}`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
