// Shared machinery of the benchmarks (bench/intake.ts, bench/herd.ts): a fresh Temporal
// dev server on a SQLite file, a throwaway database, child processes that never outlive
// the run, CPU/RSS sampling from /proc, the dev server's Prometheus metrics, percentiles.
// Everything listens on and talks to 127.0.0.1 only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client as TemporalClient } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, generatePayloadKeyEntry } from '../platform/payloadCodec';
import { createDatabase, dropDatabase, dropLeftoverDatabases, isLocalServer, withAdmin, withDatabase } from '../devstack/databases';
import { freePort, portOpen, PROJECT_ROOT, signalGroup, sleep, spawnManaged, spawnWatchdog, tail, waitUntil, type ManagedProcess } from '../devstack/processes';
import { DEV_SERVER_DYNAMIC_CONFIG, migrateDeploy, postgresAnswers, startPglite, startTemporalDevServer } from '../devstack/services';
import { resolveTemporalCli } from '../devstack/tools';

export const RESULTS_DIR = path.join(__dirname, 'results');
export const BENCH_TASK_QUEUE = 'bench';

// ───────────────────────── logging ─────────────────────────

const startedAt = Date.now();
export function log(msg: string): void {
  process.stderr.write(`[bench +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${msg}\n`);
}

export { sleep };

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return n;
}

export function envList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (!list.length || list.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`${name}=${raw}: expected a comma-separated list of positive integers`);
  return list;
}

// ───────────────────────── cleanup ─────────────────────────

interface CleanupEntry {
  name: string;
  run: () => Promise<void>;
}
const cleanups: CleanupEntry[] = [];
const children = new Set<ManagedProcess>();

/**
 * Register `fn` to run at exit (last registered runs first). Returns a function that
 * runs it now, once, and unregisters it.
 */
export function track(name: string, fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const entry: CleanupEntry = { name, run: () => (done ??= fn()) };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    await entry.run();
  };
}

async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      await withTimeout(c.run(), 60_000, `cleanup: ${c.name}`);
    } catch (err) {
      log(`cleanup ${c.name} failed: ${(err as Error).message}`);
    }
  }
}

function killAllNow(): void {
  for (const p of children) signalGroup(p.pid, 'SIGKILL');
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: did not finish within ${Math.round(ms / 1000)}s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Run a benchmark: cleanup on success, failure, SIGINT/SIGTERM/SIGHUP and after
 * `maxMinutes` (a hard bound on the whole run). A second signal kills the children at once.
 */
export function runBench(name: string, maxMinutes: number, fn: () => Promise<void>): void {
  let stopping = false;
  let firstSignalAt = 0;
  const finish = (code: number) => {
    cleanupAll()
      .catch(() => undefined)
      .finally(() => {
        killAllNow();
        process.exit(code);
      });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // npm/tsx relay the terminal's Ctrl-C too: the same keypress may arrive twice.
    if (stopping && Date.now() - firstSignalAt < 1500) return;
    if (stopping) {
      log(`${signal} again: killing the child processes now`);
      killAllNow();
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    log(`${signal}: stopping and cleaning up (press again to kill at once)`);
    finish(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  const deadline = setTimeout(() => {
    if (stopping) return;
    stopping = true;
    log(`${name}: exceeded its time bound of ${maxMinutes} minutes; cleaning up`);
    finish(1);
  }, maxMinutes * 60_000);
  deadline.unref();
  fn().then(
    () => {
      if (stopping) return;
      stopping = true;
      finish(0);
    },
    (err: unknown) => {
      if (stopping) return;
      stopping = true;
      log(`${name} FAILED: ${(err as Error)?.stack ?? String(err)}`);
      finish(1);
    },
  );
}

// ───────────────────────── temp dirs & child processes ─────────────────────────

/** A temp dir removed at exit (or earlier by `remove`); BENCH_KEEP_TMP=1 keeps it (logs, SQLite files). */
export function scopedTempDir(prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (process.env.BENCH_KEEP_TMP === '1') {
    log(`temp dir ${dir} (kept: BENCH_KEEP_TMP=1)`);
    return { dir, remove: async () => undefined };
  }
  return { dir, remove: track(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true })) };
}

export function tempDir(prefix: string): string {
  return scopedTempDir(prefix).dir;
}

function manage(p: ManagedProcess, stopGraceMs: number): ManagedProcess & { release: () => Promise<void> } {
  children.add(p);
  void p.exited.then(() => children.delete(p));
  if (p.pid > 0) spawnWatchdog(process.pid, [p.pid]);
  const release = track(`stop ${p.name} (pid ${p.pid})`, () => p.stop(stopGraceMs));
  return Object.assign(p, { release });
}

/**
 * `node --import tsx <script>`: one process (no tsx wrapper), so its pid is the one to measure.
 * BENCH_NODE_ARGS adds node flags to these processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, which
 * NODE_OPTIONS does not allow); each profile file carries its process id.
 */
export function spawnTs(name: string, script: string, env: NodeJS.ProcessEnv, logFile: string, nodeArgs: string[] = []) {
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const p = spawnManaged(name, process.execPath, [...nodeArgs, ...extra, '--import', 'tsx', script], { env, logFile, detached: true, cwd: PROJECT_ROOT });
  return manage(p, 20_000);
}

// ───────────────────────── Temporal dev server ─────────────────────────

export interface DevServer {
  address: string;
  pid: number;
  metricsUrl: string;
  dbFile: string;
  pragmas: string[];
  logFile: string;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

let cliPath: string | undefined;
export async function temporalCli(): Promise<string> {
  cliPath ??= await resolveTemporalCli({ log: (m) => log(`[tools] ${m}`) });
  if (!cliPath) {
    throw new Error(
      'no local `temporal` CLI (TEMPORAL_CLI_PATH, PATH, .tools/venv): run `npm run setup` first. The benchmark needs the server as a child process of its own to measure it.',
    );
  }
  return cliPath;
}

export function temporalVersion(): string {
  try {
    return execFileSync(cliPath ?? 'temporal', ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * The dev server's dynamic config in a bench: the shipped DEV_SERVER_DYNAMIC_CONFIG, plus
 * BENCH_DYNAMIC_CONFIG='{"key": value}' for an experiment (recorded in the result's config).
 */
export function benchDynamicConfig(): Record<string, unknown> {
  const raw = process.env.BENCH_DYNAMIC_CONFIG;
  if (!raw) return DEV_SERVER_DYNAMIC_CONFIG;
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('BENCH_DYNAMIC_CONFIG must be a JSON object');
  return { ...DEV_SERVER_DYNAMIC_CONFIG, ...(parsed as Record<string, unknown>) };
}

/** A fresh, headless dev server on a SQLite file in `dir`, with its Prometheus endpoint. */
export async function startDevServer(dir: string, label: string, pragmas: string[], namespace: string): Promise<DevServer> {
  const cli = await temporalCli();
  const port = await freePort();
  const metricsPort = await freePort();
  const dbFile = path.join(dir, `${label}.sqlite`);
  const logFile = path.join(dir, `${label}.temporal.log`);
  let proc: (ManagedProcess & { release: () => Promise<void> }) | undefined;
  const server = await startTemporalDevServer(
    {
      cli, port, dbFile, sqlitePragmas: pragmas, namespaces: [namespace], logLevel: 'warn', metricsPort,
      dynamicConfig: benchDynamicConfig(), logFile, detached: true, readyTimeoutMs: 90_000, readyIntervalMs: 200,
      onSpawn: (p) => (proc = manage(p, 15_000)),
    },
    (m) => log(`(${label}) ${m}`),
  );
  if (!proc) throw new Error('Temporal dev server: not started as a child process');
  const managed = proc;
  return {
    address: server.address,
    pid: managed.pid,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    dbFile,
    pragmas,
    logFile,
    proc: managed,
    stop: async () => {
      await managed.release();
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
    },
  };
}

/** Wait until a worker polls `taskQueue` (workflow tasks, and activity tasks when asked). */
export async function waitForPoller(
  client: TemporalClient,
  taskQueue: string,
  opts: { proc: ManagedProcess; activities?: boolean; timeoutMs?: number },
): Promise<void> {
  const types = opts.activities ? [1, 2] : [1];
  await waitUntil(
    `worker polling task queue "${taskQueue}"`,
    async () => {
      for (const taskQueueType of types) {
        const r = await client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: 1 },
          taskQueueType,
        });
        if (!r.pollers?.length) return false;
      }
      return true;
    },
    { timeoutMs: opts.timeoutMs ?? 180_000, intervalMs: 500, proc: opts.proc },
  );
}

// ───────────────────────── database ─────────────────────────

export interface BenchDb {
  url: string;
  kind: 'postgres (DATABASE_URL)' | 'postgres (local 127.0.0.1:5432)' | 'pglite';
  name: string;
  /** Processes doing this database's work (backends + the server's writers; or the PGlite process). */
  pids(): Promise<number[]>;
  drop(): Promise<void>;
}

const LOCAL_PG = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Every process whose parent is `ppid` (from /proc). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * A fresh database for one run: DATABASE_URL's server, else the local PostgreSQL when it
 * answers on 127.0.0.1:5432 (a throwaway `coe_bench_<pid>`, dropped at the end), else an
 * in-memory PGlite. Migrated and seeded.
 */
export async function createBenchDatabase(dir: string, suffix = ''): Promise<BenchDb> {
  const name = `coe_bench_${process.pid}${suffix}`;
  let server: string | undefined;
  let kind: BenchDb['kind'] = 'pglite';
  if (process.env.DATABASE_URL) {
    server = process.env.DATABASE_URL;
    kind = 'postgres (DATABASE_URL)';
  } else if ((await portOpen('127.0.0.1', 5432)) && (await postgresAnswers(LOCAL_PG))) {
    server = LOCAL_PG;
    kind = 'postgres (local 127.0.0.1:5432)';
  }
  let db: BenchDb;
  if (server) {
    const admin = withDatabase(server, 'postgres');
    const isLocal = isLocalServer(server);
    await withAdmin(admin, async (c) => {
      await dropLeftoverDatabases(c, { family: 'coe_bench', serverUrl: server, mine: (n) => n === name, what: 'benchmark database', log });
      await createDatabase(c, name);
    });
    const drop = track(`drop database ${name}`, () => withAdmin(admin, (c) => dropDatabase(c, name)));
    const url = withDatabase(server, name);
    // Writers shared by every database of the server: the WAL writer, checkpointer, background writer.
    let helpers: number[] | undefined;
    db = {
      url,
      kind,
      name,
      pids: async () => {
        if (!isLocal) return [];
        const backends = await withAdmin(admin, async (c) => {
          if (!helpers) {
            const r = await c.query<{ pid: number }>(
              `SELECT pid FROM pg_stat_activity WHERE backend_type IN ('walwriter','checkpointer','background writer')`,
            );
            helpers = r.rows.map((x) => Number(x.pid));
          }
          const r = await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
          return r.rows.map((x) => Number(x.pid));
        }).catch(() => [] as number[]);
        return [...(helpers ?? []), ...backends];
      },
      drop,
    };
  } else {
    const port = await freePort();
    const pg = await startPglite(
      { dataDir: 'memory://', port, maxConnections: 100, logFile: path.join(dir, `pglite${suffix}.log`), detached: true },
      (m) => log(m),
    );
    const proc = manage(pg.proc!, 30_000);
    db = { url: pg.address, kind, name: 'pglite (memory)', pids: async () => [proc.pid], drop: () => proc.release() };
  }
  log(`database: ${kind} ${db.name}; prisma migrate deploy…`);
  await migrateDeploy(db.url, { timeoutMs: 240_000 });
  const { seed, formatSeedSummary } = await import('../prisma/seed');
  const { createDb } = await import('../platform/db');
  const prisma = createDb(db.url, 2);
  try {
    log(formatSeedSummary(await seed(prisma)));
  } finally {
    await prisma.$disconnect();
  }
  return db;
}

// ───────────────────────── /proc sampling ─────────────────────────

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime+stime in ticks, or undefined when the process is gone. */
export function procTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

/** VmRSS in MB, or undefined. */
export function procRssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Machine jiffies: total, busy (not idle/iowait) and steal (time the hypervisor gave the vCPUs to others), all CPUs. */
export function machineJiffies(): { total: number; busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // user nice system idle iowait irq softirq steal
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { total, busy: total - v[3] - v[4], steal: v[7] ?? 0 };
}

export interface ProcGroup {
  name: string;
  pids: () => number[] | Promise<number[]>;
}

export interface CpuMark {
  at: number;
  machine: { total: number; busy: number; steal: number };
  groups: Record<string, number>;
  /** Every process's ticks (to name the other tenants of the machine). */
  all: Map<number, { comm: string; ticks: number }>;
  /** The pids of the measured groups. */
  ours: Set<number>;
}

function allProcTicks(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const f = stat.slice(close + 2).split(' ');
      out.set(Number(d), { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* gone */
    }
  }
  return out;
}

function describePid(pid: number, comm: string): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return (cmd || comm).replace(/\/work\/main\/node_modules\//g, '').slice(0, 110);
  } catch {
    return comm;
  }
}

export interface CpuUsage {
  wallS: number;
  /** Cores busy on the whole machine (of `cores`). */
  machineBusyCores: number;
  cores: number;
  /** Cores used by each group. */
  byProcess: Record<string, number>;
  /** Machine busy minus every measured group: other tenants of the machine (includes `stealCores`). */
  otherCores: number;
  /** Of that, time the hypervisor ran something else on our vCPUs (/proc/stat steal): a slower host, not a process. */
  stealCores: number;
  /** The busiest processes outside the measured groups (other tenants), by cores. */
  topOthers: Array<{ pid: number; cores: number; cmd: string }>;
}

/**
 * Samples CPU ticks and RSS of process groups every second. A pid's last seen ticks
 * are kept after it exits, so short-lived database backends still count.
 */
export class ProcSampler {
  private lastTicks = new Map<string, Map<number, number>>();
  private ours = new Set<number>();
  private rssMax = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;

  constructor(private readonly groups: ProcGroup[], private readonly intervalMs = 1000) {
    for (const g of groups) this.lastTicks.set(g.name, new Map());
  }

  start(): this {
    const tick = () => {
      this.sampling = this.sample().catch(() => undefined);
      void this.sampling.finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sampling;
  }

  private async sample(): Promise<void> {
    for (const g of this.groups) {
      const pids = await g.pids();
      for (const pid of pids) this.ours.add(pid);
      const seen = this.lastTicks.get(g.name)!;
      let rss = 0;
      for (const pid of pids) {
        const t = procTicks(pid);
        if (t !== undefined) seen.set(pid, Math.max(t, seen.get(pid) ?? 0));
        rss += procRssMb(pid) ?? 0;
      }
      this.rssMax.set(g.name, Math.max(rss, this.rssMax.get(g.name) ?? 0));
    }
  }

  async mark(): Promise<CpuMark> {
    await this.sampling;
    await this.sample();
    const groups: Record<string, number> = {};
    for (const [name, m] of this.lastTicks) groups[name] = [...m.values()].reduce((a, b) => a + b, 0);
    return { at: Date.now(), machine: machineJiffies(), groups, all: allProcTicks(), ours: new Set([...this.ours, process.ppid]) };
  }

  resetRss(): void {
    this.rssMax.clear();
  }

  maxRssMb(name: string): number {
    return round(this.rssMax.get(name) ?? 0, 1);
  }

  static usage(a: CpuMark, b: CpuMark): CpuUsage {
    const wallS = (b.at - a.at) / 1000;
    const cores = os.cpus().length;
    const dTotal = b.machine.total - a.machine.total;
    const machineBusyCores = dTotal > 0 ? ((b.machine.busy - a.machine.busy) / dTotal) * cores : 0;
    const stealCores = dTotal > 0 ? ((b.machine.steal - a.machine.steal) / dTotal) * cores : 0;
    const byProcess: Record<string, number> = {};
    let ours = 0;
    for (const name of Object.keys(b.groups)) {
      const c = (b.groups[name] - (a.groups[name] ?? 0)) / CLK_TCK / wallS;
      byProcess[name] = round(c, 2);
      ours += c;
    }
    const others: Array<{ pid: number; cores: number; cmd: string }> = [];
    for (const [pid, p] of b.all) {
      if (b.ours.has(pid)) continue;
      const cores = (p.ticks - (a.all.get(pid)?.ticks ?? 0)) / CLK_TCK / wallS;
      if (cores >= 0.03) others.push({ pid, cores: round(cores, 2), cmd: p.comm });
    }
    others.sort((x, y) => y.cores - x.cores);
    const topOthers = others.slice(0, 5).map((o) => ({ ...o, cmd: describePid(o.pid, o.cmd) }));
    return {
      wallS: round(wallS, 1),
      machineBusyCores: round(machineBusyCores, 2),
      cores,
      byProcess,
      otherCores: round(Math.max(0, machineBusyCores - ours), 2),
      stealCores: round(stealCores, 2),
      topOthers,
    };
  }
}

// ───────────────────────── dev server metrics ─────────────────────────

export type Metrics = Map<string, number>;

export async function scrapeMetrics(url: string): Promise<Metrics> {
  const m: Metrics = new Map();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      m.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
  } catch {
    /* metrics are evidence, not essential */
  }
  return m;
}

function labelOf(key: string, label: string): string | undefined {
  return new RegExp(`[{,]${label}="([^"]*)"`).exec(key)?.[1];
}

function sumBy(a: Metrics, b: Metrics, metric: string, label: string, filter: (key: string) => boolean = () => true): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, v] of b) {
    if (!key.startsWith(`${metric}{`) || !filter(key)) continue;
    const l = labelOf(key, label) ?? '';
    out.set(l, (out.get(l) ?? 0) + v - (a.get(key) ?? 0));
  }
  return out;
}

/** What the server's persistence (SQLite) did between two scrapes. */
export function persistenceSummary(a: Metrics, b: Metrics, wallS: number) {
  const counts = sumBy(a, b, 'persistence_latency_count', 'operation');
  const sums = sumBy(a, b, 'persistence_latency_sum', 'operation');
  const requests = [...counts.values()].reduce((x, y) => x + y, 0);
  const latencyS = [...sums.values()].reduce((x, y) => x + y, 0);
  const top = [...sums.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([operation, s]) => ({ operation, count: counts.get(operation) ?? 0, totalS: round(s, 2), meanMs: round((s / Math.max(1, counts.get(operation) ?? 0)) * 1000, 2) }));
  let numShards: number | undefined;
  for (const [key, v] of b) if (key.startsWith('numshards_gauge')) numShards = v;
  const semCount = [...sumBy(a, b, 'dd_shard_io_semaphore_latency_count', 'operation').values()].reduce((x, y) => x + y, 0);
  const semSum = [...sumBy(a, b, 'dd_shard_io_semaphore_latency_sum', 'operation').values()].reduce((x, y) => x + y, 0);
  return {
    requests,
    requestsPerSec: round(requests / wallS, 1),
    meanLatencyMs: round((latencyS / Math.max(1, requests)) * 1000, 2),
    /** Sum of all persistence call latencies / wall time (calls waiting on SQLite's single writer overlap, so >1 means queueing). */
    latencySumPerWallSecond: round(latencyS / wallS, 2),
    topOperationsByTime: top,
    numHistoryShards: numShards,
    /** Waits for the history shard's I/O semaphore (history.shardIOConcurrency). */
    shardIoSemaphore: { acquisitions: semCount, meanWaitMs: round((semSum / Math.max(1, semCount)) * 1000, 2) },
  };
}

/** Queue latency of the server's timer tasks (how late the timer queue processed them). */
export function timerQueueSummary(a: Metrics, b: Metrics) {
  const isTimer = (k: string) => /operation="TimerActive/.test(k);
  const count = [...sumBy(a, b, 'task_latency_queue_count', 'operation', isTimer).values()].reduce((x, y) => x + y, 0);
  const sum = [...sumBy(a, b, 'task_latency_queue_sum', 'operation', isTimer).values()].reduce((x, y) => x + y, 0);
  return { timerTasks: count, meanQueueLatencyMs: round((sum / Math.max(1, count)) * 1000, 1) };
}

// ───────────────────────── statistics & output ─────────────────────────

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export async function machineInfo() {
  await temporalCli();
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    kernel: os.release(),
    node: process.version,
    temporal: temporalVersion(),
    loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
    tmpDir: os.tmpdir(),
  };
}

/** Writes bench/results/<file>, or bench/results/<BENCH_OUT> for a run kept beside the main figures. */
export function writeResult(file: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, process.env.BENCH_OUT ? path.basename(process.env.BENCH_OUT) : file);
  writeFileSync(out, `${JSON.stringify(data, null, 2)}\n`);
  return out;
}

export { tail };

/**
 * On a shared machine, wait (bounded by BENCH_QUIET_WAIT_S, default 90 s) until the other
 * tenants use less than `maxBusyCores` over a 3 s sample. Returns what it saw; never fails.
 */
export async function waitForQuietMachine(maxBusyCores = 0.35): Promise<{ waitedS: number; busyCores: number; quiet: boolean }> {
  const maxS = process.env.BENCH_QUIET_WAIT_S === undefined ? 90 : Number(process.env.BENCH_QUIET_WAIT_S);
  const t = Date.now();
  let busyCores = 0;
  for (;;) {
    const a = machineJiffies();
    await sleep(3000);
    const b = machineJiffies();
    busyCores = round(((b.busy - a.busy) / Math.max(1, b.total - a.total)) * os.cpus().length, 2);
    const waitedS = round((Date.now() - t) / 1000, 0);
    if (busyCores <= maxBusyCores) return { waitedS, busyCores, quiet: true };
    if (waitedS >= maxS) {
      log(`the machine is still busy (${busyCores} cores used by others) after ${waitedS}s; measuring anyway`);
      return { waitedS, busyCores, quiet: false };
    }
    if (waitedS < 4) log(`other processes use ${busyCores} cores; waiting up to ${maxS}s for a quieter machine (BENCH_QUIET_WAIT_S)…`);
  }
}

/**
 * The environment of the stack's child processes (worker, API): the bench's own server and
 * database, development mode, no webhooks; `extra` adds or overrides variables.
 */
export function stackEnv(
  parts: { server: Pick<DevServer, 'address'>; namespace: string; taskQueue: string; db: Pick<BenchDb, 'url'>; logLevel: string },
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: parts.logLevel,
    DATABASE_URL: parts.db.url,
    TEMPORAL_ADDRESS: parts.server.address,
    TEMPORAL_NAMESPACE: parts.namespace,
    TEMPORAL_TASK_QUEUE: parts.taskQueue,
    NOTIFY_WEBHOOKS: '',
    ...extra,
  };
}

// ───────────────────────── payload codec alone ─────────────────────────

/**
 * The AES-256-GCM payload codec (platform/payloadCodec) alone, in this process: µs to encode and
 * to decode one payload shaped like a case's start input (reporter, description, policy, units),
 * so the end-to-end ratios can be read against what the cipher itself costs.
 */
export function codecAlone(iterations = 5000): { payloadBytes: number; encodeUs: number; decodeUs: number; iterations: number } {
  const codec = EncryptionCodec.fromSpec(generatePayloadKeyEntry());
  const input = {
    caseCode: 'BJ-XC-20261203-0001',
    intake: {
      channel: 'HOTLINE',
      categoryCode: 'ROAD_OCCUPATION',
      description: '路边占道经营，影响通行。'.repeat(8),
      reporter: { name: '王小明', phone: '13800000000' },
      location: { gridId: 'G-0001', address: '西城区某街道某社区 12 号楼' },
      reportedAt: '2026-12-03T08:00:00.000Z',
    },
    units: { grid: 'G-0001', street: 'S-01', district: 'D-XC' },
    policy: { windows: { ACCEPT: 600_000, HANDLE: 86_400_000, remindAt: 0.8 }, ladder: ['GRID', 'STREET', 'DISTRICT'], flags: { v: 1 } },
    calendar: { holidays: Array.from({ length: 20 }, (_, i) => `2026-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1}`) },
  };
  const payload = defaultPayloadConverter.toPayload(input);
  for (let i = 0; i < 200; i++) codec.decodeOne(codec.encodeOne(payload));
  const encoded: Payload[] = [];
  let t = performance.now();
  for (let i = 0; i < iterations; i++) encoded.push(codec.encodeOne(payload));
  const encodeUs = ((performance.now() - t) * 1000) / iterations;
  t = performance.now();
  for (const e of encoded) codec.decodeOne(e);
  const decodeUs = ((performance.now() - t) * 1000) / iterations;
  return { payloadBytes: payload.data?.length ?? 0, encodeUs: round(encodeUs, 1), decodeUs: round(decodeUs, 1), iterations };
}
