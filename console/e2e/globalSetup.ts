// Global setup of the browser suite: the whole system as `npm start` runs it (scripts/start.ts:
// a Temporal dev server, an embedded Postgres migrated and seeded with the demo accounts, the
// worker, and the API serving the console), on free ports in a throwaway data directory, with
// the console freshly built from the current sources. Returns the teardown: SIGTERM to
// start.ts, which stops the API and worker first, then Temporal and the database; then the
// data directory goes. The system's address is passed to the tests in E2E_BASE_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureConsoleBuilt } from '../../devstack/console';
import { freePort, PROJECT_ROOT, spawnManaged, tail, waitUntil } from '../../devstack/processes';

const log = (msg: string) => process.stderr.write(`[e2e setup] ${msg}\n`);

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'coe-e2e-'));
  const [apiPort, temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

  // Test what is in the tree now, not a build left from an earlier change.
  await ensureConsoleBuilt({ force: true, log });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DEV_SERVER: 'true',
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  };
  // A throwaway embedded database in dataDir, never the machine's PostgreSQL (CI exports
  // DATABASE_URL for jest, which makes its own throwaway database there). NODE_ENV stays
  // unset: the demo accounts exist outside production only, and not under jest's "test".
  delete env.DATABASE_URL;
  delete env.NODE_ENV;

  const logFile = path.join(dataDir, 'start.log');
  const stack = spawnManaged('npm start (e2e)', process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'start.ts')], { env, logFile });
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const ready = async () => {
    try {
      return (await fetch(`${baseUrl}/ready`)).ok;
    } catch {
      return false;
    }
  };
  try {
    await waitUntil('the system (npm start)', ready, { timeoutMs: 300_000, intervalMs: 500, proc: stack });
  } catch (err) {
    await stack.stop(60_000);
    throw new Error(`${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile, 40)}`);
  }
  log(`system up at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)}s (logs: ${logFile})`);
  process.env.E2E_BASE_URL = baseUrl;

  return async () => {
    await stack.stop(90_000);
    if (process.env.E2E_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
  };
}
