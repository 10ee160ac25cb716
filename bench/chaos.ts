// npm run chaos — a fault-injection run on this machine. While cases climb the ladder on short
// ACCEPT windows and people accept some of them through the API, it injects, one after another:
//   1. worker-kill:      kill -9 of the worker, CHAOS_WORKER_KILLS times at random moments (every
//                        other one at the instant the worker sends its INSERT INTO "CaseEvent");
//   2. temporal-kill:    kill -9 of the Temporal dev server, restarted on its own SQLite file;
//   3. database-outage:  the database taken away for CHAOS_DB_OUTAGE_S (a TCP proxy the run owns,
//                        in front of a throwaway database, drops every connection and refuses
//                        new ones) while windows lapse;
//   4. api-kill:         kill -9 of the API while requests are in flight; clients retry with the
//                        same Idempotency-Key;
//   5. second-pair-kill: a second worker and a second API join; kill -9 of one of each.
// Killed processes are restarted by devstack's supervisor (as `npm start` does). Then every
// case's events are compared with what its lapses and accepts must produce (bench/chaosCheck.ts)
// and the outbox with what the run's webhook receiver got. Writes bench/results/chaos.json.
//
// Flags/env: --quick (a smoke run: few cases, short windows, 3 kills, 10 s outage), CHAOS_CASES,
// CHAOS_ACCEPT_SECONDS, CHAOS_WORKER_KILLS, CHAOS_DB_OUTAGE_S, CHAOS_ACCEPT_SHARE, CHAOS_SEED,
// CHAOS_MAX_MINUTES, DATABASE_URL (a server to create the throwaway database on; default the
// local PostgreSQL on 127.0.0.1:5432, else an embedded PGlite), BENCH_KEEP_TMP=1 (keep logs).
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { loadConfig } from '../config/env';
import { buildCasePolicy } from '../domain/policy';
import type { Level } from '../domain/types';
import { signAccessToken } from '../features/auth/auth';
import { createDb } from '../platform/db';
import { poolConfigFromUrl } from '../platform/dbUrl';
import { ensureNamespace } from '../scripts/ensureNamespace';
import { apiNodeArgs, freePort, signalGroup, spawnManaged, spawnWatchdog, waitUntil, workerNodeArgs, type ManagedProcess } from '../devstack/processes';
import { DEV_SERVER_DYNAMIC_CONFIG, DEV_SERVER_SQLITE_PRAGMAS, startTemporalDevServer, temporalAnswers } from '../devstack/services';
import { supervise, type Supervised } from '../devstack/supervisor';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import {
  checkCase,
  checkOutbox,
  exposed,
  firstProgressAfter,
  honouringReceiver,
  ladderOfAcceptLapses,
  lastExpectedAt,
  noLoss,
  sumDefects,
  type CaseDefects,
  type CaseRun,
  type FaultWindow,
  type Model,
  type ProgressSample,
  type ReceivedDelivery,
} from './chaosCheck';
import { verifyStandardWebhook, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../features/outbox/signature';
import { createBenchDatabase, log, machineInfo, round, runBench, sleep, spawnTs, temporalCli, tempDir, track, writeResult } from './lib';
import { startTcpProxy } from './tcpProxy';

const QUICK = process.argv.includes('--quick') || process.env.CHAOS_QUICK === '1';
const num = (name: string, full: number, quick: number) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? (QUICK ? quick : full) : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: expected a number ≥ 0`);
  return n;
};
/** Cases reported over the fault phase (at CASES / CHAOS_FAULT_PHASE_S a second, until the last fault is done). */
const CASES = num('CHAOS_CASES', 300, 40);
const ACCEPT_S = num('CHAOS_ACCEPT_SECONDS', 15, 8);
const WORKER_KILLS = num('CHAOS_WORKER_KILLS', 20, 3);
const DB_OUTAGE_S = num('CHAOS_DB_OUTAGE_S', 60, 10);
const ACCEPT_SHARE = num('CHAOS_ACCEPT_SHARE', 0.3, 0.3);
const SEED = num('CHAOS_SEED', 17, 17);
const MAX_MINUTES = num('CHAOS_MAX_MINUTES', 16, 8);
/** Expected length of the fault phase, over which the cases are reported. */
const FAULT_PHASE_S = num('CHAOS_FAULT_PHASE_S', 300, 60);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'warn';
/** Recovery target: first progress within this long of the process (or database) being back. */
const RECOVERY_TARGET_S = 30;
/** A case counts as exposed to a fault from its injection until this long after it was back. */
const SETTLE_MS = 30_000;
/** A client gives up retrying one request after this long (longer than the database outage). */
const CLIENT_GIVE_UP_MS = (DB_OUTAGE_S + 90) * 1000;

// Deterministic randomness (mulberry32): the same seed injects at the same offsets.
let rngState = SEED >>> 0;
function random(): number {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number) => lo + random() * (hi - lo);

type FaultKind = 'worker-kill' | 'temporal-kill' | 'database-outage' | 'api-kill' | 'second-pair-kill';
interface FaultRecord extends FaultWindow {
  kind: FaultKind;
  detail: string;
  /** What counts as progress afterwards: a new case event, or a 2xx from the restarted API. */
  progress: { kind: 'event' } | { kind: 'api'; port: number };
  firstProgressAt?: number | null;
  /** The next fault came before any progress: no recovery time to measure. */
  interrupted?: boolean;
  /** Killed on its INSERT INTO "CaseEvent", inside the recording of facts. */
  recording?: boolean;
  /** A restarted worker: when its process was spawned (backAt is when it was ready). */
  spawnedAt?: number;
}

interface ClientStats {
  attempts: number;
  retries: number;
  replayed: number;
  gaveUp: number;
}

runBench('chaos', MAX_MINUTES, async () => {
  const began = Date.now();
  const dir = tempDir('coe-chaos-');
  const machine = await machineInfo();
  log(`chaos${QUICK ? ' --quick' : ''}: ${CASES} cases, ACCEPT window ${ACCEPT_S}s, ${WORKER_KILLS} worker kills, database away ${DB_OUTAGE_S}s, seed ${SEED}; logs in ${dir}`);

  // ── the Temporal dev server, supervised on a fixed port and its own SQLite file ──
  const baseCfg = loadConfig({ ...process.env, DATABASE_URL: undefined, LOG_LEVEL });
  const namespace = baseCfg.TEMPORAL_NAMESPACE;
  const cli = await temporalCli();
  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const spawnTimes = new Map<string, number[]>();
  const adopt = (name: string) => (p: ManagedProcess) => {
    spawnTimes.set(name, [...(spawnTimes.get(name) ?? []), Date.now()]);
    if (p.pid > 0) spawnWatchdog(process.pid, [p.pid]);
  };
  const supervisorLog = { info: (m: string) => log(`[supervisor] ${m}`), warn: (m: string) => log(`[supervisor] ${m}`) };
  // Restart at once, every time: the run kills on purpose, more often than `npm start` would tolerate.
  const policy = { initialDelayMs: 500, maxDelayMs: 2000, resetAfterMs: 1, maxRestarts: 10_000, windowMs: 60_000 };
  const superviseHere = (name: string, start: (spawned: (p: ManagedProcess) => void) => Promise<ManagedProcess>, graceMs: number): Supervised => {
    const sup = supervise({ name, start, policy, onSpawn: adopt(name), onGiveUp: (r) => log(`[supervisor] gave up: ${r}`), log: supervisorLog });
    track(`stop ${name}`, () => sup.stop(graceMs));
    return sup;
  };
  const temporal = superviseHere(
    'temporal',
    async (spawned) =>
      (
        await startTemporalDevServer(
          {
            cli, port: temporalPort, dbFile: path.join(dir, 'temporal.sqlite'), sqlitePragmas: DEV_SERVER_SQLITE_PRAGMAS,
            dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG, namespaces: [namespace], logFile: path.join(dir, 'temporal.log'), logLevel: 'warn',
            detached: true, readyTimeoutMs: 90_000, readyIntervalMs: 200, onSpawn: spawned,
          },
          (m) => log(`[temporal] ${m}`),
        )
      ).proc!,
    15_000,
  );
  await temporal.started;
  {
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      await ensureNamespace(connection, { namespace, retentionDays: baseCfg.TEMPORAL_RETENTION_DAYS, searchAttributes: CASE_SEARCH_ATTRIBUTES });
    } finally {
      await connection.close();
    }
  }

  // ── the throwaway database, behind a proxy the run can cut ──
  const db = await createBenchDatabase(dir);
  const dbUrl = new URL(db.url);
  const proxy = await startTcpProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
  track('close the database proxy', () => proxy.close());
  const proxiedUrl = new URL(db.url);
  proxiedUrl.hostname = '127.0.0.1';
  proxiedUrl.port = String(proxy.port);
  const pool = new Pool({ ...poolConfigFromUrl(db.url), max: 3 });
  track('close pg pool', () => pool.end());
  const q = async <R extends object>(sql: string, params: unknown[] = []) => (await pool.query<R>(sql, params)).rows;

  // ── the webhook receiver: checks the Standard Webhooks signature, counts each webhook-id ──
  const jwtSecret = `chaos-${process.pid}-${Date.now()}-0123456789abcdef0123456789`;
  const webhookSecret = `whsec_${Buffer.from(`chaos-webhook-${jwtSecret}`).toString('base64')}`;
  const received = new Map<string, number>();
  const deliveries: Array<ReceivedDelivery & { caseCode: string }> = [];
  const signatures = { ok: 0, bad: 0, notes: [] as string[] };
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = (n: string) => (typeof req.headers[n] === 'string' ? (req.headers[n] as string) : undefined);
      const check = verifyStandardWebhook(
        webhookSecret,
        { id: header(WEBHOOK_ID_HEADER), timestamp: header(WEBHOOK_TIMESTAMP_HEADER), signature: header(WEBHOOK_SIGNATURE_HEADER) },
        raw,
        Math.floor(Date.now() / 1000),
      );
      if (check.ok) signatures.ok += 1;
      else {
        signatures.bad += 1;
        if (signatures.notes.length < 10) signatures.notes.push(`${header(WEBHOOK_ID_HEADER) ?? '(no webhook-id)'}: ${check.reason}`);
      }
      const id = header(WEBHOOK_ID_HEADER) ?? '';
      if (id) received.set(id, (received.get(id) ?? 0) + 1);
      let content = raw;
      let caseCode = '';
      try {
        const { id: _bodyId, ...rest } = JSON.parse(raw) as { id?: string; caseCode?: string };
        content = JSON.stringify(rest);
        caseCode = rest.caseCode ?? '';
      } catch {
        /* not JSON: the raw body is the content */
      }
      deliveries.push({ id, content, caseCode });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  track('close the webhook receiver', () => new Promise<void>((r) => receiver.close(() => r())));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  // ── the apps' environment: short ACCEPT windows, nothing else lapses, no reminders ──
  const apiPorts = [await freePort(), await freePort()];
  const appEnv = (apiPort: number): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL,
    DATABASE_URL: proxiedUrl.toString(),
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    JWT_SECRET: jwtSecret,
    NOTIFY_WEBHOOKS: hookUrl,
    NOTIFY_WEBHOOK_SECRET: webhookSecret,
    NOTIFY_WEBHOOK_TIMEOUT_MS: '2000',
    NOTIFY_RETRY_BASE_MS: '500',
    NOTIFY_RETRY_MAX_MS: '4000',
    NOTIFY_MAX_ATTEMPTS: '100',
    NOTIFY_SWEEP_INTERVAL_MS: '1000',
    ACCEPT_MINUTES: String(ACCEPT_S / 60),
    REMIND_AT_FRACTION: '0',
    RESPONSE_WORKING_HOURS: '10000',
    ON_SITE_HOURS: '10000',
    WORKER_METRICS_PORT: '0',
    WORKER_SDK_METRICS_PORT: '0',
  });
  const cfg = loadConfig(appEnv(apiPorts[0]));
  const nodeArgs = workerNodeArgs(cfg.WORKER_HEAP_MB);
  // The worker logs at info: its "worker started" line tells when a restarted worker polls again.
  const startApp = (name: string, entry: string, args: string[], apiPort: number) => async (spawned: (p: ManagedProcess) => void) => {
    const env = { ...appEnv(apiPort), ...(name === 'worker' ? { LOG_LEVEL: 'info' } : {}) };
    const p = spawnManaged(name, process.execPath, [...args, '--import', 'tsx', entry], { env, logFile: path.join(dir, `${name}.log`), detached: true });
    spawned(p);
    return p;
  };
  const worker = superviseHere('worker', startApp('worker', 'worker/main.ts', nodeArgs, apiPorts[0]), 20_000);
  const api = superviseHere('api', startApp('api', 'api/main.ts', apiNodeArgs(cfg.API_HEAP_MB), apiPorts[0]), 20_000);
  const apiUrl = (port: number) => `http://127.0.0.1:${port}`;
  const apiReady = async (port: number) => (await fetch(`${apiUrl(port)}/ready`, { signal: AbortSignal.timeout(3000) })).status === 200;
  await waitUntil('API /ready', () => apiReady(apiPorts[0]), { timeoutMs: 180_000, intervalMs: 300 });

  // ── who reports and who accepts: grids whose grid worker exists; categories that keep the model ──
  const prisma = createDb(db.url, 2);
  track('disconnect prisma', () => prisma.$disconnect());
  const reporter = await prisma.person.findFirst({ where: { active: true, role: 'COMMAND_CENTER' }, orderBy: { id: 'asc' } });
  const gridWorkers = await prisma.person.findMany({ where: { active: true, role: 'GRID_WORKER' }, orderBy: { id: 'asc' } });
  const categoryRows = await prisma.matterCategory.findMany({ where: { active: true, urgent: false, defaultLevel: 'GRID' }, orderBy: { code: 'asc' } });
  const categories = categoryRows
    .filter((c) => {
      const p = buildCasePolicy(c, cfg);
      return p.windows.accept.clock === 'WALL' && 'minutes' in p.windows.accept && p.windows.accept.minutes === cfg.ACCEPT_MINUTES && p.windows.remindAt === 0;
    })
    .map((c) => c.code);
  if (!reporter || !gridWorkers.length || !categories.length) throw new Error('the seed has no command-center person, no grid workers or no category with the default ACCEPT window');
  const reporterToken = await signAccessToken(cfg, reporter, { ttlSeconds: 3600 });
  const workerTokens = await Promise.all(gridWorkers.map((p) => signAccessToken(cfg, p, { ttlSeconds: 3600 })));
  // Where a case nobody accepts goes: the pacing rules new cases carry stop it at the duty desk.
  // The configured ladder is every case's: each seed grid's community has a worker, so intake keeps
  // the community step (ladderForPlace) wherever LADDER names it (the default, 层层).
  const climb = ladderOfAcceptLapses(cfg.LADDER as Level[], buildCasePolicy(categoryRows.find((c) => c.code === categories[0])!, cfg).pacing);
  const ladder = climb.ladder;
  log(`${categories.length} categories keep the model; ${gridWorkers.length} grids; an unaccepted case climbs ${ladder.join(' → ')}${climb.listedAtTop ? ' (leaders\' list)' : ' (held by the duty desk)'}`);

  // ── progress: the newest event id, sampled directly (not through the proxy) ──
  const samples: ProgressSample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        const [r] = await q<{ m: string | null }>('SELECT max(id) AS m FROM "CaseEvent"');
        samples.push({ at: Date.now(), maxEventId: Number(r.m ?? 0) });
      } catch {
        /* the database itself is not what the run takes away */
      }
      await sleep(200);
    }
  })();
  track('stop the progress sampler', async () => {
    sampling = false;
    await sampler;
  });

  // ── the clients: report cases, accept some; retry with the same Idempotency-Key ──
  const liveApis = [apiPorts[0]];
  let rr = 0;
  const stats = { report: { attempts: 0, retries: 0, replayed: 0, gaveUp: 0 } as ClientStats, accept: { attempts: 0, retries: 0, replayed: 0, gaveUp: 0 } as ClientStats };
  let inFlight = 0;
  const apiOk: Array<{ port: number; at: number }> = [];
  const send = async (s: ClientStats, pathOf: string, token: string, key: string, body: unknown, until: number, done: (status: number) => boolean) => {
    // What each attempt got (a status, or the error): a refused accept is judged with its history.
    const trail: string[] = [];
    for (let attempt = 0; ; attempt++) {
      const port = liveApis[rr++ % liveApis.length];
      s.attempts += 1;
      if (attempt > 0) s.retries += 1;
      inFlight += 1;
      try {
        const res = await fetch(`${apiUrl(port)}${pathOf}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        trail.push(`${new Date().toISOString().slice(11, 23)} ${res.status}`);
        if (res.status < 300) apiOk.push({ port, at: Date.now() });
        if (res.headers.get('idempotent-replayed') === 'true') s.replayed += 1;
        if (done(res.status)) return { status: res.status, body: text, trail };
      } catch (err) {
        /* connection refused or reset: the API is down */
        trail.push(`${new Date().toISOString().slice(11, 23)} ${(err as Error).name}`);
      } finally {
        inFlight -= 1;
      }
      if (Date.now() > until) {
        s.gaveUp += 1;
        return { status: 0, body: '', trail };
      }
      await sleep(Math.min(2000, 250 * 2 ** Math.min(attempt, 3)));
    }
  };
  const runId = `${process.pid}-${began}`;
  const acks = new Map<string, string>(); // key → code
  const codesByKey = new Map<string, Set<string>>();
  const acceptOf = new Map<string, CaseRun['accept']>();
  const clients: Promise<void>[] = [];
  const reportCase = async (i: number) => {
    const key = `chaos-${runId}-${i}`;
    const grid = gridWorkers[i % gridWorkers.length];
    const body = {
      channel: 'HOTLINE',
      categoryCode: categories[i % categories.length],
      location: { gridId: grid.unitId },
      description: `chaos run ${runId} case ${i}`,
      reporter: { name: '演练', phone: '13800000000' },
    };
    const r = await send(stats.report, '/cases', reporterToken, key, body, Date.now() + CLIENT_GIVE_UP_MS, (st) => st === 201 || (st >= 400 && st < 500 && st !== 429));
    if (r.status !== 201) {
      if (r.status) log(`case ${i}: refused ${r.status} ${r.body.slice(0, 200)}`);
      return;
    }
    const code = (JSON.parse(r.body) as { code: string }).code;
    acks.set(key, code);
    codesByKey.set(key, new Set([...(codesByKey.get(key) ?? []), code]));
    if (random() >= ACCEPT_SHARE) return;
    // A person accepts it a few seconds in, long before the window lapses; a retry after the
    // window's first third is given up (its outcome then stays unknown to the model).
    await sleep(between(0.1, 0.25) * ACCEPT_S * 1000);
    const a = await send(stats.accept, `/cases/${code}/accept`, workerTokens[i % gridWorkers.length], `accept-${code}`, {}, Date.now() + ACCEPT_S * 330, (st) => st < 500 && st !== 429);
    acceptOf.set(code, a.status >= 200 && a.status < 300 ? 'acknowledged' : a.status === 0 ? 'unknown' : 'none');
    if (a.status >= 300) log(`accept ${code}: ${a.status} ${a.body.slice(0, 160)} (attempts: ${a.trail.join(', ')})`);
  };
  let reported = 0;
  let faultsDone = false;
  const loadStart = Date.now();
  const interval = (FAULT_PHASE_S * 1000) / CASES;
  // Work keeps arriving until the last fault is over, so there is progress to wait for after each.
  const load = (async () => {
    while ((reported < CASES || !faultsDone) && reported < 3 * CASES) {
      const due = loadStart + reported * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      clients.push(reportCase(reported++));
    }
  })();

  // ── the faults, one after another ──
  const faults: FaultRecord[] = [];
  const kill = (p: ManagedProcess | undefined) => {
    if (p?.running) signalGroup(p.pid, 'SIGKILL');
  };
  const backAfter = async (name: string, since: number, ready: () => Promise<boolean>) => {
    await waitUntil(`${name} back`, async () => (spawnTimes.get(name) ?? []).some((t) => t > since) && (await ready()), { timeoutMs: 180_000, intervalMs: 100 });
    return Date.now();
  };
  const firstOkAfter = (port: number, from: number) => apiOk.filter((o) => o.port === port && o.at >= from).reduce<number | null>((m, o) => (m === null || o.at < m ? o.at : m), null);
  const progressAfter = (f: FaultRecord) => (f.progress.kind === 'event' ? firstProgressAfter(samples, f.backAt) : firstOkAfter(f.progress.port, f.backAt));
  /** Record a fault; with `wait`, until its first progress (bounded). */
  const record = async (f: FaultRecord, wait: boolean) => {
    faults.push(f);
    let p: number | null = null;
    if (wait) {
      const deadline = Date.now() + 120_000;
      while ((p = progressAfter(f)) === null && Date.now() < deadline) await sleep(200);
    }
    log(`${f.kind} (${f.detail}): back after ${round((f.backAt - f.at) / 1000, 1)}s${wait ? `, first progress ${p === null ? 'NEVER' : `${round((p - f.backAt) / 1000, 1)}s after`}` : ''}`);
  };

  // When the worker is back: its "worker started" line (Worker.create done; it polls next), read
  // as worker.log grows. A respawned process that has not got there yet is not back.
  const workerLog = path.join(dir, 'worker.log');
  const workerStarts: number[] = [];
  let logOffset = 0;
  let logRest = '';
  const readWorkerStarts = () => {
    if (!existsSync(workerLog)) return;
    const size = statSync(workerLog).size;
    if (size <= logOffset) return;
    const fd = openSync(workerLog, 'r');
    try {
      const buf = Buffer.alloc(size - logOffset);
      readSync(fd, buf, 0, buf.length, logOffset);
      logOffset = size;
      const lines = (logRest + buf.toString('utf8')).split('\n');
      logRest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.includes('"worker started"')) continue;
        try {
          workerStarts.push(Date.parse((JSON.parse(line) as { time: string }).time));
        } catch {
          /* not a log line */
        }
      }
    } finally {
      closeSync(fd);
    }
  };
  const workerReadyAfter = (t: number) => {
    readWorkerStarts();
    return workerStarts.find((x) => x > t);
  };

  await sleep(Math.min(10_000, FAULT_PHASE_S * 100));
  // 1. the worker, killed WORKER_KILLS times: each kill comes once the worker killed before it is
  //    back and has made progress (so every kill has a recovery figure), at a random moment
  //    0.5–8 s later, or (two of them) at the instant it sends an INSERT INTO "CaseEvent",
  //    inside the recording of facts.
  let insideRecording = 0;
  for (let k = 0; k < WORKER_KILLS; k++) {
    const mode = k === Math.floor(WORKER_KILLS / 3) || k === Math.floor((2 * WORKER_KILLS) / 3) ? 'recording' : 'random';
    let at: number;
    if (mode === 'recording') {
      at = await new Promise<number>((resolve) => {
        const fallback = setTimeout(() => {
          kill(worker.current);
          resolve(Date.now());
        }, 60_000);
        proxy.onceClientSends('INSERT INTO "CaseEvent"', () => {
          clearTimeout(fallback);
          kill(worker.current);
          insideRecording += 1;
          resolve(Date.now());
        });
      });
    } else {
      await sleep(between(0.5, 8) * 1000);
      at = Date.now();
      kill(worker.current);
    }
    const spawnedAt = await backAfter('worker', at, async () => true);
    let backAt = spawnedAt;
    await waitUntil('worker started', async () => (backAt = workerReadyAfter(spawnedAt) ?? 0) > 0, { timeoutMs: 180_000, intervalMs: 100 });
    const detail = `kill ${k + 1}/${WORKER_KILLS}, ${mode === 'recording' ? 'on its INSERT INTO "CaseEvent"' : 'at a random moment after the last recovery'}`;
    await record({ kind: 'worker-kill', at, backAt, spawnedAt, detail, progress: { kind: 'event' }, ...(mode === 'recording' ? { recording: true } : {}) }, true);
  }

  // 2. the Temporal dev server, killed and restarted on its own SQLite file.
  {
    const at = Date.now();
    kill(temporal.current);
    const backAt = await backAfter('temporal', at, () => temporalAnswers(temporalAddress));
    await record({ kind: 'temporal-kill', at, backAt, detail: 'kill -9, restarted on its SQLite file', progress: { kind: 'event' } }, true);
  }

  // 3. the database taken away while windows lapse.
  {
    const at = Date.now();
    proxy.cut();
    log(`database away for ${DB_OUTAGE_S}s…`);
    await sleep(DB_OUTAGE_S * 1000);
    proxy.restore();
    await record({ kind: 'database-outage', at, backAt: Date.now(), detail: `every connection dropped and refused for ${DB_OUTAGE_S}s`, progress: { kind: 'event' } }, true);
  }

  // 4. the API, killed with requests in flight (a burst of reports, retried with their keys).
  {
    const burst = Array.from({ length: 8 }, () => reportCase(reported++));
    clients.push(...burst);
    await sleep(40);
    const flying = inFlight;
    const at = Date.now();
    kill(api.current);
    const backAt = await backAfter('api', at, () => apiReady(apiPorts[0]).catch(() => false));
    await record({ kind: 'api-kill', at, backAt, detail: `kill -9 with ${flying} requests in flight`, progress: { kind: 'api', port: apiPorts[0] } }, true);
  }

  // 5. a second worker and a second API; one of each killed.
  {
    const w2 = spawnTs('worker-2', 'worker/main.ts', appEnv(apiPorts[1]), path.join(dir, 'worker-2.log'), nodeArgs);
    const a2 = spawnTs('api-2', 'api/main.ts', appEnv(apiPorts[1]), path.join(dir, 'api-2.log'), apiNodeArgs(cfg.API_HEAP_MB));
    await waitUntil('second API /ready', () => apiReady(apiPorts[1]), { timeoutMs: 180_000, intervalMs: 300, proc: a2 });
    liveApis.push(apiPorts[1]);
    // Let the second worker take a share of the work before it dies.
    await sleep(Math.max(5000, ACCEPT_S * 500));
    const flying = inFlight;
    const at = Date.now();
    signalGroup(w2.pid, 'SIGKILL');
    signalGroup(a2.pid, 'SIGKILL');
    liveApis.splice(liveApis.indexOf(apiPorts[1]), 1);
    const detail = `2 workers and 2 APIs; kill -9 of worker-2 and api-2 (${flying} requests in flight); the others carry on`;
    await record({ kind: 'second-pair-kill', at, backAt: at, detail, progress: { kind: 'event' } }, true);
    // The surviving API answers too.
    const deadline = Date.now() + 60_000;
    while (firstOkAfter(apiPorts[0], at) === null && Date.now() < deadline) await sleep(200);
  }
  faultsDone = true;
  for (const [i, f] of faults.entries()) {
    f.firstProgressAt = progressAfter(f);
    const next = faults[i + 1];
    // Each fault waits for the progress after the one before it, so this marks only a recovery
    // that never came within the wait (its figure is then missing, and the verdict says so).
    if (next && (f.firstProgressAt === null || f.firstProgressAt > next.at)) {
      f.firstProgressAt = null;
      f.interrupted = true;
    }
  }

  // ── drain: every case reported, every lapse due, the outbox emptied ──
  await load;
  await Promise.all(clients);
  const lastReport = Date.now();
  const drainUntil = lastReport + ladder.length * ACCEPT_S * 1000 + 60_000;
  log(`all ${CASES} reports answered; waiting for the last lapses (until +${round((drainUntil - lastReport) / 1000, 0)}s at most)…`);
  const marker = `chaos run ${runId} %`;
  const openLadder = async () =>
    Number(
      (
        await q<{ n: string }>(
          `SELECT count(*) AS n FROM "Case" c WHERE c.description LIKE $1 AND NOT EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseCode" = c.code AND (e.type = 'ACCEPTED' OR (e.type = 'BREACHED' AND e.data->>'escalatedTo' IS NULL)))`,
          [marker],
        )
      )[0].n,
    );
  while (Date.now() < drainUntil && (await openLadder()) > 0) await sleep(1000);
  const pendingOutbox = async () => Number((await q<{ n: string }>(`SELECT count(*) AS n FROM "Notification" WHERE state <> 'DELIVERED'`))[0].n);
  const outboxUntil = Date.now() + 60_000;
  while (Date.now() < outboxUntil && (await pendingOutbox()) > 0) await sleep(1000);
  await sleep(2000);
  const checkedAt = Date.now();

  // ── the verdict ──
  const caseRows = await q<{ code: string; description: string }>(`SELECT code, description FROM "Case" WHERE description LIKE $1`, [marker]);
  const eventRows = await q<{ caseCode: string; seq: number; type: string; at: Date; data: Record<string, unknown> }>(
    `SELECT "caseCode", seq, type, at, data FROM "CaseEvent" WHERE "caseCode" = ANY($1)`,
    [caseRows.map((c) => c.code)],
  );
  const outboxRows = await q<{ id: string; caseCode: string; seq: number; state: string }>(
    `SELECT id, "caseCode", seq, state FROM "Notification" WHERE "caseCode" = ANY($1)`,
    [caseRows.map((c) => c.code)],
  );
  const byCase = new Map<string, CaseRun>();
  for (const c of caseRows) byCase.set(c.code, { code: c.code, accept: acceptOf.get(c.code) ?? 'none', events: [] });
  for (const e of eventRows) byCase.get(e.caseCode)?.events.push({ seq: e.seq, type: e.type, at: e.at.getTime(), data: e.data });
  const runs = [...byCase.values()];
  const model: Model = { ladder, listedAtTop: climb.listedAtTop, acceptMs: ACCEPT_S * 1000, checkedAt, graceMs: 10_000, raceToleranceMs: 60_000 };
  const defects = new Map<string, CaseDefects>(runs.map((r) => [r.code, checkCase(r, model)]));
  const ackedCodes = new Set(acks.values());
  const lostCodes = [...ackedCodes].filter((c) => !byCase.has(c) || byCase.get(c)!.events.length === 0);
  const perKey = new Map<string, number>();
  for (const c of caseRows) {
    const i = /case (\d+)$/.exec(c.description)?.[1];
    if (i !== undefined) perKey.set(i, (perKey.get(i) ?? 0) + 1);
  }
  const casesDuplicated = [...perKey.values()].reduce((s, n) => s + Math.max(0, n - 1), 0) + [...codesByKey.values()].filter((s) => s.size > 1).length;
  const outbox = checkOutbox(runs, outboxRows, received);
  // The run's cases only (the seed's own cases notify nobody here, but the filter keeps it exact).
  const codes = new Set(runs.map((r) => r.code));
  const honoured = honouringReceiver(deliveries.filter((d) => codes.has(d.caseCode)));
  const totals = { ...sumDefects([...defects.values()], lostCodes.length), casesDuplicated };

  const spanOf = (r: CaseRun) => {
    const reportedAt = r.events.find((e) => e.type === 'REPORTED')?.at ?? 0;
    return { reportedAt, lastAt: lastExpectedAt(r, model) ?? reportedAt };
  };
  const kinds: FaultKind[] = ['worker-kill', 'temporal-kill', 'database-outage', 'api-kill', 'second-pair-kill'];
  const perFault = Object.fromEntries(
    kinds.map((kind) => {
      const list = faults.filter((f) => f.kind === kind);
      const hit = runs.filter((r) => list.some((f) => exposed(spanOf(r).reportedAt, spanOf(r).lastAt, f, SETTLE_MS)));
      const hitDefects = hit.map((r) => defects.get(r.code)!);
      const hitOutbox = checkOutbox(hit, outboxRows.filter((o) => hit.some((r) => r.code === o.caseCode)), received);
      const hitCodes = new Set(hit.map((r) => r.code));
      const hitHonoured = honouringReceiver(deliveries.filter((d) => hitCodes.has(d.caseCode)));
      const measured = list.filter((f) => !f.interrupted);
      const fromFault = measured.map((f) => (f.firstProgressAt == null ? null : f.firstProgressAt - f.at));
      const fromBack = measured.map((f) => (f.firstProgressAt == null ? null : f.firstProgressAt - f.backAt));
      const maxOf = (xs: Array<number | null>) => (xs.some((x) => x === null) ? null : round(Math.max(...(xs as number[])) / 1000, 1));
      return [
        kind,
        {
          injections: list.length,
          recoveriesMeasured: measured.length,
          ...(kind === 'worker-kill'
            ? {
                insideRecording,
                /** Spawn → "worker started" of the restarted workers (the bundle read from its cache). */
                workerStartS: (() => {
                  const xs = list.filter((f) => f.spawnedAt !== undefined).map((f) => (f.backAt - f.spawnedAt!) / 1000).sort((a, b) => a - b);
                  return xs.length ? { min: round(xs[0], 1), median: round(xs[Math.floor((xs.length - 1) / 2)], 1), max: round(xs[xs.length - 1], 1) } : null;
                })(),
              }
            : {}),
          casesExposed: hit.length,
          losses: {
            ...sumDefects(hitDefects, lostCodes.filter((c) => hit.some((r) => r.code === c)).length),
            notificationsLost: hitOutbox.lost + hitOutbox.rowsMissing,
            /** Raw redeliveries: notifications whose webhook-id the receiver got more than once. */
            notificationsSentTwice: hitOutbox.sentTwice,
            /** Notifications a receiver that honours webhook-id applied twice. */
            notificationsTwiceAtIdempotentReceiver: hitHonoured.appliedTwice,
          },
          /** Longest time from the injection to the first new event afterwards. */
          maxFaultToProgressS: maxOf(fromFault),
          /** Longest time from the process (or database) being back to the first new event. */
          maxBackToProgressS: maxOf(fromBack),
          each: list.map((f) => ({
            detail: f.detail,
            downS: round((f.backAt - f.at) / 1000, 1),
            ...(f.spawnedAt !== undefined ? { respawnedAfterS: round((f.spawnedAt - f.at) / 1000, 1), startS: round((f.backAt - f.spawnedAt) / 1000, 1) } : {}),
            progress: f.progress.kind === 'event' ? 'new case event' : '2xx from the restarted API',
            ...(f.interrupted ? { interrupted: 'killed again before any progress' } : {}),
            faultToProgressS: f.firstProgressAt == null ? null : round((f.firstProgressAt - f.at) / 1000, 1),
            backToProgressS: f.firstProgressAt == null ? null : round((f.firstProgressAt - f.backAt) / 1000, 1),
          })),
        },
      ];
    }),
  );
  const recoveries = faults.filter((f) => !f.interrupted).map((f) => (f.firstProgressAt == null ? Infinity : f.firstProgressAt - f.backAt));
  const verdict = {
    noLoss: noLoss(totals) && totals.casesDuplicated === 0 && outbox.lost + outbox.rowsMissing === 0,
    /** Raw redeliveries (same webhook-id received more than once): at-least-once delivery, not a loss. */
    notificationsSentTwice: outbox.sentTwice,
    /** What a receiver that honours webhook-id (the documented idempotency key) applied twice. */
    notificationsTwiceAtIdempotentReceiver: honoured.appliedTwice,
    signaturesValid: signatures.bad === 0 && signatures.ok > 0,
    recoveriesMeasured: `${faults.filter((f) => !f.interrupted).length}/${faults.length}`,
    recoveryWithinTarget: faults.every((f) => !f.interrupted) && recoveries.every((ms) => ms <= RECOVERY_TARGET_S * 1000),
    recoveryTargetS: RECOVERY_TARGET_S,
  };
  const notes = [...defects.values()].filter((d) => d.notes.length).slice(0, 30).map((d) => `${d.code}: ${d.notes.join('; ')}`);
  const result = {
    benchmark: 'chaos',
    quick: QUICK,
    finishedAt: new Date().toISOString(),
    durationS: round((Date.now() - began) / 1000, 0),
    verdict,
    totals: {
      casesReported: caseRows.length,
      casesAcknowledged: ackedCodes.size,
      casesAccepted: runs.filter((r) => r.events.some((e) => e.type === 'ACCEPTED')).length,
      events: eventRows.length,
      lapses: eventRows.filter((e) => e.type === 'BREACHED').length,
      ...totals,
      notifications: outboxRows.length,
      notificationsLost: outbox.lost + outbox.rowsMissing,
      notificationsSentTwice: outbox.sentTwice,
      webhookRequests: honoured.requests,
      redeliveredRequestsDropped: honoured.redeliveriesDropped,
      notificationsUnderTwoIds: honoured.distinctIdsForOneNotification,
      notificationsTwiceAtIdempotentReceiver: honoured.appliedTwice,
      signaturesOk: signatures.ok,
      signaturesBad: signatures.bad,
    },
    faults: perFault,
    clients: stats,
    config: {
      cases: CASES,
      acceptWindowS: ACCEPT_S,
      ladder,
      workerKills: WORKER_KILLS,
      databaseOutageS: DB_OUTAGE_S,
      acceptShare: ACCEPT_SHARE,
      seed: SEED,
      faultPhaseS: FAULT_PHASE_S,
      supervisorPolicy: policy,
      database: { kind: db.kind, behind: 'a TCP proxy in the run (cut = drop + refuse)' },
      temporal: { sqliteFile: 'temp dir, reopened on restart', pragmas: DEV_SERVER_SQLITE_PRAGMAS },
      outbox: {
        receiver: 'HTTP server in the run: verifies the Standard Webhooks signature (whsec_ secret), counts each webhook-id (raw redeliveries), and applies each id once as a receiver honouring the idempotency key would',
        retryBaseMs: 500, retryMaxMs: 4000, sweepMs: 1000,
      },
      model: 'reminders off; only the ACCEPT window is short (wall clock); a case nobody accepts climbs as its pacing rules say (BREACHED+ESCALATED per level up to the ACCEPT ceiling, the command center, then one last BREACHED held by the duty desk; without pacing: the whole ladder, LEADER_LISTED at the top); an accepted one records ACCEPTED after the lapses due before it (bench/chaosCheck.ts)',
    },
    machine,
    defects: [...notes, ...outbox.notes.slice(0, 20), ...honoured.notes.slice(0, 20), ...signatures.notes, ...lostCodes.slice(0, 20).map((c) => `${c}: acknowledged (201) but not in the database`)],
  };
  const out = writeResult(QUICK ? 'chaos-quick.json' : 'chaos.json', result);
  process.stdout.write(`${JSON.stringify({ verdict, totals: result.totals, faults: Object.fromEntries(Object.entries(perFault).map(([k, v]) => [k, { injections: v.injections, losses: v.losses, maxFaultToProgressS: v.maxFaultToProgressS, maxBackToProgressS: v.maxBackToProgressS }])) }, null, 2)}\n\nwritten: ${out}\n`);
});
