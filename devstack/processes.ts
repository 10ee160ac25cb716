// Child processes of the dev stack: spawned in their own process group so a terminal's
// Ctrl-C reaches only the parent (which stops them in order), stopped by signalling the
// group, and watched by a detached watchdog so none outlives a parent that was SIGKILLed.
// Used by `npm start`, the jest global setup and the benchmarks — never by the app itself.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The repository root (devstack/ sits at its top). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

export type Log = (msg: string) => void;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ───────────────────────── pids and signals ─────────────────────────

/** Whether `pid` exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Signal `pid`'s whole process group (its grandchildren go too), or just `pid` when
 * it leads no group of its own (`group: false`, or the group call fails).
 */
export function signalGroup(pid: number, signal: NodeJS.Signals, group = true): void {
  if (pid <= 0) return;
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

// ───────────────────────── managed children ─────────────────────────

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
  // A failed spawn (ENOENT) arrives as an 'error' event, with no pid.
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
  const group = spawnOpts.detached === true;
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
      signalGroup(proc.pid, signal, group);
      const timer = setTimeout(() => signalGroup(proc.pid, 'SIGKILL', group), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return proc;
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
 *
 * Its code is a string run by `node -e`: it must not depend on this module (or on
 * tsx), because it has to keep running after everything else here is dead.
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

/**
 * Node flags for a worker process: its V8 heap cap (config WORKER_HEAP_MB; 0 = none). A flag,
 * not a setting the worker can apply itself: V8 sizes an isolate's heap when it starts.
 */
export function workerNodeArgs(heapMb: number): string[] {
  return heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
}

/** Node flags for the API process: its V8 heap cap (config API_HEAP_MB; 0 = none), as for the worker. */
export function apiNodeArgs(heapMb: number): string[] {
  return heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
}

// ───────────────────────── one-shot commands ─────────────────────────

/** Run `cmd args` capturing its output; rejects with the output's end on failure or timeout. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { label?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; log?: Log } = {},
): Promise<string> {
  const label = opts.label ?? `${cmd} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    opts.log?.(`$ ${label}`);
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Run `node <args>` in the project, capturing output; rejects with it on failure or timeout. */
export function runNode(
  args: string[],
  extraEnv: NodeJS.ProcessEnv,
  label: string,
  opts: { timeoutMs?: number; log?: Log } = {},
): Promise<string> {
  return runCommand(process.execPath, args, { label, cwd: PROJECT_ROOT, env: { ...process.env, ...extraEnv }, ...opts });
}

// ───────────────────────── ports & waiting ─────────────────────────

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
    await sleep(opts.intervalMs ?? 100);
  }
}
