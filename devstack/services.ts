// The local services the system needs, started as child processes: the Temporal
// dev server and the embedded Postgres (PGlite over the wire protocol), plus
// `prisma migrate deploy`. Shared by `npm start` (scripts/start.ts) and the jest
// global setup (test/setup/globalSetup.ts).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from './tools';

export type Log = (msg: string) => void;

// ───────────────────────── processes ─────────────────────────

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Where its stdout/stderr go ('inherit' when streamed to ours). */
  logFile?: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`. Resolves once it has exited. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnManagedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Append stdout+stderr to this file; otherwise inherit ours. */
  logFile?: string;
  /**
   * Own process group: a terminal's Ctrl-C then reaches only the parent, which
   * stops the children in order. Default true.
   */
  detached?: boolean;
}

export function spawnManaged(name: string, cmd: string, args: string[], opts: SpawnManagedOptions = {}): ManagedProcess {
  let fd: number | undefined;
  if (opts.logFile) {
    mkdirSync(path.dirname(opts.logFile), { recursive: true });
    fd = openSync(opts.logFile, 'a');
  }
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd ?? PROJECT_ROOT,
    env: opts.env ?? process.env,
    detached: opts.detached ?? true,
    stdio: fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd],
  };
  const child = spawn(cmd, args, spawnOpts);
  if (fd !== undefined) closeSync(fd); // the child holds its own copy
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', () => {
      running = false;
      resolve({ code: -1, signal: null });
    });
  });
  if (child.pid === undefined) {
    // spawn failed synchronously (ENOENT arrives as an 'error' event)
  }
  const proc: ManagedProcess = {
    name,
    child,
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    exited,
    get running() {
      return running;
    },
    async stop(graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM') {
      if (!running) return;
      signalProc(proc, signal, spawnOpts.detached === true);
      const timer = setTimeout(() => signalProc(proc, 'SIGKILL', spawnOpts.detached === true), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return proc;
}

function signalProc(proc: ManagedProcess, signal: NodeJS.Signals, group: boolean) {
  if (proc.pid <= 0) return;
  try {
    // The whole group when it has its own (any grandchildren go too).
    process.kill(group ? -proc.pid : proc.pid, signal);
  } catch {
    try {
      process.kill(proc.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Last `n` lines of a log file, for error messages. */
export function tail(file: string | undefined, n = 30): string {
  if (!file || !existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * A detached watchdog that kills `pids` (their process groups) once `parentPid`
 * is gone, so children never outlive a parent that was SIGKILLed. `pids` may be
 * a JSON file `{ "children": [pid, …] }`, re-read every second (children spawned
 * later are covered too). Exits by itself when the parent exits normally and the
 * children are gone.
 */
export function spawnWatchdog(parentPid: number, pids: number[] | { file: string }): ChildProcess {
  const code = `
    const fs = require('node:fs');
    const [parent, mode, ...rest] = process.argv.slice(1);
    const read = () => {
      if (mode !== 'file') return rest.map(Number);
      try { return (JSON.parse(fs.readFileSync(rest[0], 'utf8')).children || []).map(Number); } catch { return last; }
    };
    let last = [];
    last = read();
    const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
    const kill = (p, s) => { try { process.kill(-p, s); } catch { try { process.kill(p, s); } catch {} } };
    const t = setInterval(() => {
      if (alive(Number(parent))) { last = read(); if (mode !== 'file' && !last.some(alive)) process.exit(0); return; }
      clearInterval(t);
      const pids = last.filter(alive);
      pids.forEach((p) => kill(p, 'SIGTERM'));
      const deadline = Date.now() + 15000;
      setInterval(() => {
        const left = pids.filter(alive);
        if (left.length && Date.now() < deadline) return;
        left.forEach((p) => kill(p, 'SIGKILL'));
        process.exit(0);
      }, 250);
    }, 1000);`;
  const args = Array.isArray(pids) ? ['pids', ...pids.map(String)] : ['file', pids.file];
  const child = spawn(process.execPath, ['-e', code, String(parentPid), ...args], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

// ───────────────────────── ports & waiting ─────────────────────────

/**
 * Node flags for a worker process: its V8 heap cap (config WORKER_HEAP_MB; 0 = none). A flag,
 * not a setting the worker can apply itself: V8 sizes an isolate's heap when it starts.
 */
export function workerNodeArgs(heapMb: number): string[] {
  return heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
}

/** A port the OS says is free right now on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Throws a clear error when host:port is already taken. */
export async function assertPortFree(host: string, port: number, what: string, hint: string): Promise<void> {
  if (await portOpen(host, port)) {
    throw new Error(`${what}: ${host}:${port} is already in use. ${hint}`);
  }
}

/**
 * Poll `probe` until it returns true. Fails early when `proc` exits, and on
 * timeout, quoting the end of its log.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; proc?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.proc && !opts.proc.running) {
      const { code, signal } = await opts.proc.exited;
      throw new Error(
        `${what}: ${opts.proc.name} exited (${signal ?? `code ${code}`}) before it was ready` +
          (opts.proc.logFile ? `; end of ${opts.proc.logFile}:\n${tail(opts.proc.logFile)}` : ''),
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${opts.timeoutMs / 1000}s` +
          (opts.proc?.logFile ? `; end of ${opts.proc.logFile}:\n${tail(opts.proc.logFile)}` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

// ───────────────────────── Temporal dev server ─────────────────────────

export interface DevServerOptions {
  /** Path of the `temporal` CLI; undefined = let the SDK download one (needs the internet). */
  cli: string | undefined;
  ip?: string;
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file; omit for an in-memory server. */
  dbFile?: string;
  namespaces?: string[];
  /** `--sqlite-pragma` values (file databases only). */
  sqlitePragmas?: string[];
  /** `--dynamic-config-value KEY=JSON` values. */
  dynamicConfig?: Record<string, unknown>;
  logFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  detached?: boolean;
  readyTimeoutMs?: number;
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
  else args.push('--headless');
  if (o.dbFile) {
    args.push('--db-filename', o.dbFile);
    for (const p of o.sqlitePragmas ?? []) args.push('--sqlite-pragma', p);
  }
  for (const ns of o.namespaces ?? []) args.push('--namespace', ns);
  for (const [k, v] of Object.entries(o.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  args.push('--log-level', o.logLevel ?? 'warn');
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
      intervalMs: 150,
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

/** Run `node <args>` in the project, capturing output; rejects with it on failure or timeout. */
export function runNode(
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  label: string,
  opts: { timeoutMs?: number; log?: Log } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    opts.log?.(`$ ${label}`);
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timeoutMs = opts.timeoutMs ?? 180_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: timed out after ${timeoutMs / 1000}s\n${out.slice(-4000)}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${label}: failed (${signal ?? `exit ${code}`})\n${out.slice(-4000)}`));
    });
  });
}
