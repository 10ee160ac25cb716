// The services of the dev stack, started as child processes: the Temporal dev server
// and the embedded Postgres (PGlite over the wire protocol), plus `prisma migrate
// deploy`. Shared by `npm start` (scripts/start.ts), the jest global setup
// (test/setup/globalSetup.ts) and the benchmarks (bench/lib.ts).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runNode, spawnManaged, waitUntil, type Log, type ManagedProcess } from './processes';

// ───────────────────────── Temporal dev server ─────────────────────────

export interface DevServerOptions {
  /** Path of the `temporal` CLI; undefined = let the SDK download one (needs the internet). */
  cli: string | undefined;
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** The UI's codec server (`--ui-codec-endpoint`): our API's /codec, so allowed readers see payloads decoded. */
  uiCodecEndpoint?: string;
  /** SQLite file; omit for an in-memory server. */
  dbFile?: string;
  namespaces?: string[];
  /** `--sqlite-pragma` values (file databases only). */
  sqlitePragmas?: string[];
  /** `--dynamic-config-value KEY=JSON` values. */
  dynamicConfig?: Record<string, unknown>;
  logFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Serve Prometheus metrics on this port (the benchmarks read the server's persistence figures). */
  metricsPort?: number;
  detached?: boolean;
  readyTimeoutMs?: number;
  readyIntervalMs?: number;
  /** Called as soon as the process is spawned (before it is ready). */
  onSpawn?: (proc: ManagedProcess) => void;
}

export interface RunningService {
  name: string;
  /** host:port (Temporal) or postgresql:// URL (databases). */
  address: string;
  pid?: number;
  proc?: ManagedProcess;
  stop(): Promise<void>;
}

/** The pragmas measured to help the dev server's SQLite file (see README / report). */
export const DEV_SERVER_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * Dynamic config for the dev server. The CLI turns Temporal's search-attribute cache off
 * unless this key is given (so attributes added at run time are usable at once); then every
 * start, upsert and visibility write re-reads the cluster metadata and the namespace from
 * SQLite — measured at 2 of the 6.8 persistence calls of a bare timer workflow and 5 of the
 * 9.8 of an escalation (bench/README.md). A production server caches them; so do we, and
 * ensureNamespace waits until freshly added attributes are queryable.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = { 'system.forceSearchAttributesCacheRefreshOnRead': false };

export function devServerArgs(o: DevServerOptions): string[] {
  const ip = o.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(o.port)];
  if (o.uiPort !== undefined) args.push('--ui-port', String(o.uiPort), '--ui-disable-news-fetch');
  if (o.uiPort !== undefined && o.uiCodecEndpoint) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  else args.push('--headless');
  if (o.dbFile) {
    args.push('--db-filename', o.dbFile);
    for (const p of o.sqlitePragmas ?? []) args.push('--sqlite-pragma', p);
  }
  for (const ns of o.namespaces ?? []) args.push('--namespace', ns);
  for (const [k, v] of Object.entries(o.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  args.push('--log-level', o.logLevel ?? 'warn');
  if (o.metricsPort !== undefined) args.push('--metrics-port', String(o.metricsPort));
  return args;
}

/** gRPC health: a real call answered, not just an open port. */
export async function temporalAnswers(address: string): Promise<boolean> {
  const { Connection } = await import('@temporalio/client');
  let conn: import('@temporalio/client').Connection | undefined;
  try {
    conn = await Connection.connect({ address, connectTimeout: 1000 });
    await conn.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

export async function startTemporalDevServer(o: DevServerOptions, log: Log): Promise<RunningService> {
  const ip = o.ip ?? '127.0.0.1';
  const address = `${ip}:${o.port}`;
  if (o.dbFile) mkdirSync(path.dirname(o.dbFile), { recursive: true });
  if (!o.cli) return startDevServerViaSdk(o, log);
  const args = devServerArgs(o);
  log(`starting Temporal dev server: ${o.cli} ${args.join(' ')}`);
  const proc = spawnManaged('temporal', o.cli, args, { logFile: o.logFile, detached: o.detached });
  o.onSpawn?.(proc);
  try {
    await waitUntil('Temporal dev server', () => temporalAnswers(address), {
      timeoutMs: o.readyTimeoutMs ?? 60_000,
      intervalMs: o.readyIntervalMs ?? 150,
      proc,
    });
    if (o.uiPort !== undefined) {
      const ui = `http://${ip}:${o.uiPort}/`;
      await waitUntil('Temporal Web UI', async () => (await fetch(ui)).ok, { timeoutMs: 30_000, proc });
    }
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  return { name: 'temporal', address, pid: proc.pid, proc, stop: () => proc.stop(15_000) };
}

/** Fallback when no binary is found: the SDK downloads the CLI and runs it (needs the internet). */
async function startDevServerViaSdk(o: DevServerOptions, log: Log): Promise<RunningService> {
  log('no local `temporal` binary: asking the Temporal SDK to download the dev server (needs the internet)');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const extraArgs: string[] = [];
  if (o.dbFile) for (const p of o.sqlitePragmas ?? []) extraArgs.push('--sqlite-pragma', p);
  for (const ns of (o.namespaces ?? []).slice(1)) extraArgs.push('--namespace', ns);
  for (const [k, v] of Object.entries(o.dynamicConfig ?? {})) extraArgs.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  if (o.metricsPort !== undefined) extraArgs.push('--metrics-port', String(o.metricsPort));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download' },
      ip: o.ip ?? '127.0.0.1',
      port: o.port,
      ui: o.uiPort !== undefined,
      uiPort: o.uiPort,
      dbFilename: o.dbFile,
      namespace: o.namespaces?.[0],
      log: { format: 'json', level: o.logLevel ?? 'warn' },
      extraArgs,
    },
  });
  return { name: 'temporal', address: env.address, stop: () => env.teardown() };
}

// ───────────────────────── embedded Postgres (PGlite) ─────────────────────────

export interface PgliteOptions {
  /** Data directory, or 'memory://' for a throwaway database. */
  dataDir: string;
  port: number;
  host?: string;
  /** Connections the multiplexer accepts; beyond it clients get "Too many connections". */
  maxConnections?: number;
  logFile?: string;
  detached?: boolean;
  readyTimeoutMs?: number;
  /** Called as soon as the process is spawned (before it is ready). */
  onSpawn?: (proc: ManagedProcess) => void;
}

export function pgliteServerScript(): string {
  // The package exports only ".", so locate the CLI from its main entry.
  const main = require.resolve('@electric-sql/pglite-socket');
  return path.join(path.dirname(main), 'scripts', 'server.js');
}

/** Answers `SELECT 1`? */
export async function postgresAnswers(url: string): Promise<boolean> {
  const { Client } = await import('pg');
  const { poolConfigFromUrl } = await import('../platform/dbUrl');
  const client = new Client({ ...poolConfigFromUrl(url), connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startPglite(o: PgliteOptions, log: Log): Promise<RunningService> {
  const host = o.host ?? '127.0.0.1';
  if (o.dataDir !== 'memory://') mkdirSync(o.dataDir, { recursive: true });
  const args = [
    pgliteServerScript(),
    `--db=${o.dataDir}`,
    `--host=${host}`,
    `--port=${o.port}`,
    `--max-connections=${o.maxConnections ?? 50}`,
  ];
  log(`starting embedded Postgres (PGlite): ${o.dataDir} on ${host}:${o.port}`);
  const proc = spawnManaged('pglite', process.execPath, args, { logFile: o.logFile, detached: o.detached });
  o.onSpawn?.(proc);
  const url = `postgresql://postgres:postgres@${host}:${o.port}/postgres`;
  try {
    await waitUntil('embedded Postgres', () => postgresAnswers(url), {
      timeoutMs: o.readyTimeoutMs ?? 120_000,
      intervalMs: 200,
      proc,
    });
  } catch (err) {
    await proc.stop(5000);
    throw err;
  }
  // PGlite flushes its data directory on SIGTERM/SIGINT: give it time.
  return { name: 'pglite', address: url, pid: proc.pid, proc, stop: () => proc.stop(30_000) };
}

// ───────────────────────── Prisma ─────────────────────────

function prismaCli(): string {
  return require.resolve('prisma/build/index.js', { paths: [PROJECT_ROOT] });
}

/** Run the Prisma CLI (`args`) against `databaseUrl`; rejects with its output on failure. */
export function runPrisma(args: string[], databaseUrl: string, opts: { timeoutMs?: number; log?: Log } = {}): Promise<string> {
  // prismaFastExit.js: without it every run lingers 10 s on a timer of the wasm engine.
  const preload = path.join(PROJECT_ROOT, 'scripts', 'prismaFastExit.js');
  return runNode(['-r', preload, prismaCli(), ...args], { DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' }, `prisma ${args.join(' ')}`, opts);
}

/** `prisma migrate deploy` against `databaseUrl`. */
export function migrateDeploy(databaseUrl: string, opts: { timeoutMs?: number; log?: Log } = {}): Promise<string> {
  return runPrisma(['migrate', 'deploy'], databaseUrl, { timeoutMs: opts.timeoutMs ?? 180_000, log: opts.log });
}
