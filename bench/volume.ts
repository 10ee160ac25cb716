// bench:volume — a year of a busy district: are the reads still fast at 500,000 cases?
//
// Loads a generated year (devstack/volumeYear: the seeded district with a Gulou-sized
// directory beside it — 10 streets, 69 communities, 150 grids, 96 departments — and
// 10–20 events a case) into a throwaway database with multi-row INSERTs, then measures
// through the HTTP API with real tokens: the console's case lists (each filter and sort),
// the extension inbox, rankings and a scorecard for a month, a quarter and the year (live
// and from a published snapshot), the year's CSV export, publishing a month's snapshot,
// and the API's peak RSS. Beside each figure: the same answer from one hand-written SQL
// query on the same rows (EXPLAIN ANALYZE time), so every figure is a ratio of one run.
// The loaded cases bypass the recording activity, so their assessment counts are built by the
// same backfill a deployment runs after migration 0013 (rebuildCaseCounts, timed).
//
//   npm run bench:volume                     # 500,000 cases
//   npm run bench:volume -- --cases 50000    # smaller, while developing
// BENCH_VOLUME_REPS (default 200): requests per page read (lists, inbox, leader list), after
// BENCH_VOLUME_WARMUP (default 5) not counted; BENCH_VOLUME_ASSESS_REPS (default 40): per
// assessment read. Each measure records the load averages before and after it and the machine's
// busy cores while it ran (the machine is shared); each page read also times its hand SQL
// (plain queries, not EXPLAIN) right after every request: the noise floor of the same moment.
//
// Writes bench/results/volume.json (BENCH_OUT renames it), prints a table, drops its database.
import path from 'node:path';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { loadConfig } from '../config/env';
import { parsePeriod } from '../domain/assessment/period';
import { countsQuery } from '../features/assessment/sqlFigures';
import { backfillCaseCounts, maintainedCountsQuery, monthsOf } from '../features/assessment/caseCounts';
import { createDb } from '../platform/db';
import { CASE_LIST_COUNT_CAP } from '../api/schemas/cases';
import { signAccessToken } from '../features/auth/auth';
import { poolConfigFromUrl } from '../platform/dbUrl';
import { ensureNamespace } from '../scripts/ensureNamespace';
import { apiNodeArgs, freePort, waitUntil, workerNodeArgs } from '../devstack/processes';
import { rebuildPendingExtensions } from '../features/inbox/pendingExtensions';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../devstack/services';
import { generateCases, GULOU_SCALE, insertCases, insertDirectory, scaledDirectory, type GeneratedCase } from '../devstack/volumeYear';
import { DISTRICT_ID } from '../prisma/seedData';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { computeBacklogInDb, openFromEvents, openFromSpans } from '../features/assessment/backlogSql';
import { backlogInstants } from '../domain/assessment/backlog';
import { maintainedCanAnswer } from '../features/assessment/caseCounts';
import {
  createBenchDatabase,
  machineJiffies,
  scrapeMetrics,
  envNumber,
  log,
  machineInfo,
  percentile,
  procRssMb,
  round,
  runBench,
  scopedTempDir,
  spawnTs,
  stackEnv,
  startDevServer,
  waitForPoller,
  track,
  writeResult,
} from './lib';

const argCases = (() => {
  const i = process.argv.indexOf('--cases');
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
})();
const CASES = argCases ?? envNumber('BENCH_VOLUME_CASES', 500_000);
if (!Number.isInteger(CASES) || CASES < 1000) throw new Error(`--cases ${CASES}: expected an integer of at least 1000`);
const REPS = envNumber('BENCH_VOLUME_REPS', 200);
const WARMUP = envNumber('BENCH_VOLUME_WARMUP', 5);
const ASSESS_REPS = envNumber('BENCH_VOLUME_ASSESS_REPS', 40);
/** Open cases started as real workflows (POST /cases through the API and the worker) beside the loaded year. */
const LIVE_CASES = envNumber('BENCH_VOLUME_LIVE_CASES', 2_000);
/** Of those, how many are accepted and ask for an extension (pending in the inbox, with a live workflow). */
const LIVE_EXTENSIONS = envNumber('BENCH_VOLUME_LIVE_EXTENSIONS', 40);
const BATCH = 2_000;
/** Diagnosis only: a directory for a heap snapshot of the API taken right before the live export (it forces a full GC, so the RSS figures after it are not comparable). */
const HEAP_SNAPSHOT_DIR = process.env.BENCH_VOLUME_HEAP_SNAPSHOT_DIR;
/** The generated year (Shanghai dates), entirely in the past so live figures are complete. */
const YEAR = 2025;
const PREFIX = `${DISTRICT_ID}-V`;
const SH = 8 * 3600_000;

const TARGETS = { listP99Ms: 100, yearLiveMs: 2_000, yearVsHand: 3, monthSnapshotMs: 10_000, exportRssMb: 300 };

interface Timed {
  name: string;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** EXPLAIN ANALYZE (planning + execution) of the hand-written query giving the same answer. */
  handSqlMs: number | null;
  /** p50 ÷ handSqlMs. */
  ratio: number | null;
  /** Page reads: the hand SQL run (not explained) after each request, wall time through pg. */
  handRun?: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Requests not counted before the measured ones. */
  warmup: number;
  /** 1-, 5- and 15-minute load averages right before and right after the measure. */
  loadAvg: { before: number[]; after: number[] };
  /** Cores busy on the whole machine while it ran (ours included: the bench, the API, PostgreSQL). */
  busyCores: number;
  note?: string;
}

runBench('bench:volume', envNumber('BENCH_MAX_MINUTES', 120), async () => {
  const machine = await machineInfo();
  const { dir } = scopedTempDir('coe-volume-');
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const namespace = cfg.TEMPORAL_NAMESPACE;

  // The API needs Temporal to answer /ready (and the inbox asks it for live states).
  const server = await startDevServer(dir, 'main', DEV_SERVER_SQLITE_PRAGMAS, namespace);
  const connection = await Connection.connect({ address: server.address });
  track('close Temporal client', () => connection.close());
  await ensureNamespace(connection, { namespace, retentionDays: cfg.TEMPORAL_RETENTION_DAYS, searchAttributes: CASE_SEARCH_ATTRIBUTES, log: (m) => log(m) });
  const client = new Client({ connection, namespace });

  const db = await createBenchDatabase(dir);
  if (db.kind === 'pglite') log('WARNING: no PostgreSQL answered; PGlite is not built for this volume (see README)');
  const pool = new Pool(poolConfigFromUrl(db.url, { max: 3 }));
  // An idle connection ended by the server (the database dropped at cleanup) is not a failure of the run.
  pool.on('error', (err) => log(`pg pool: ${err.message}`));
  track('close pool', () => pool.end());

  // ── 1. load ──
  const directory = scaledDirectory(DISTRICT_ID, GULOU_SCALE, PREFIX);
  await insertDirectory(pool, directory);
  const street = directory.find((u) => u.kind === 'STREET')!.id;
  const grid = directory.find((u) => u.kind === 'GRID')!.id;
  await pool.query(`INSERT INTO "Person" (id, name, role, "unitId") VALUES ($1, '压测街道', 'STREET_DISPATCHER', $2)`, [`p-bench-${street}`, street]);
  const loadStart = Date.now();
  let loaded = 0;
  let events = 0;
  let batch: GeneratedCase[] = [];
  const inFlight = new Set<Promise<void>>();
  const flush = async (b: GeneratedCase[]) => {
    const p = insertCases(pool, b).then(() => {
      inFlight.delete(p);
    });
    inFlight.add(p);
    // Two batches in flight: one generating while the other is written.
    if (inFlight.size >= 2) await Promise.race(inFlight);
  };
  const startMs = Date.UTC(YEAR, 0, 1) - SH;
  const endMs = Date.UTC(YEAR + 1, 0, 1) - SH;
  for (const c of generateCases({ seed: 2025, cases: CASES, startMs, endMs, directory })) {
    batch.push(c);
    events += c.events.length;
    if (batch.length === BATCH) {
      await flush(batch);
      batch = [];
      loaded += BATCH;
      if (loaded % 50_000 === 0) log(`loaded ${loaded} cases, ${events} events (${Math.round(loaded / ((Date.now() - loadStart) / 1000))} cases/s)`);
    }
  }
  if (batch.length) await flush(batch);
  await Promise.all(inFlight);
  const loadS = (Date.now() - loadStart) / 1000;
  log(`loaded ${CASES} cases, ${events} events in ${round(loadS)} s; ANALYZE…`);
  await pool.query('ANALYZE');
  // The backfill of the maintained assessment counts (npm run assessment:rebuild does the same).
  const prisma = createDb(db.url, 2);
  track('close Prisma', () => prisma.$disconnect());
  const backfillStart = Date.now();
  await backfillCaseCounts(prisma, { chunk: 25_000, onChunk: (n) => { if (n % 100_000 === 0) log(`counted ${n} cases (${Math.round(n / ((Date.now() - backfillStart) / 1000))} cases/s)`); } });
  const backfillS = (Date.now() - backfillStart) / 1000;
  // VACUUM as autovacuum would after a bulk load: the visibility map lets the lists count from the index alone.
  log(`assessment counts backfilled in ${round(backfillS)} s; VACUUM ANALYZE…`);
  await pool.query('VACUUM (ANALYZE)');
  // The extension inbox's projection, as migration 0017 fills it for existing cases.
  const pendingStart = Date.now();
  const pendingRows = await rebuildPendingExtensions(prisma);
  const pendingS = (Date.now() - pendingStart) / 1000;
  log(`pending extension requests projected: ${pendingRows} in ${round(pendingS)} s`);
  await pool.query('ANALYZE "PendingExtension"');
  const leaderRows = (await pool.query<{ open: string; ticked: string }>(
    `SELECT count(*) FILTER (WHERE "leaderTickedAt" IS NULL)::text AS open, count(*) FILTER (WHERE "leaderTickedAt" IS NOT NULL)::text AS ticked FROM "Case" WHERE "leaderId" = $1`,
    [`p-deputy-${DISTRICT_ID}`],
  )).rows[0];
  const sizes = (await pool.query<{ rel: string; mb: string }>(
    `SELECT relname AS rel, round(pg_total_relation_size(oid) / 1048576.0)::text AS mb FROM pg_class
     WHERE relname IN ('Case', 'CaseEvent', 'CallScore', 'AssessmentCaseCount', 'AssessmentCaseState', 'AssessmentMonthCount', 'PendingExtension')`,
  )).rows;

  // ── 2. the API ──
  const apiPort = await freePort();
  const childEnv = stackEnv(
    { server, namespace, taskQueue: cfg.TEMPORAL_TASK_QUEUE, db, logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn' },
    {
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      JWT_SECRET: `bench-${process.pid}-${Date.now()}-0123456789abcdef0123456789`,
      DATA_DIR: path.join(dir, 'data'),
    },
  );
  delete childEnv.PAYLOAD_KEYS;
  const childCfg = loadConfig(childEnv);
  // The API runs as `npm start` runs it: with its heap cap (API_HEAP_MB).
  const api = spawnTs('api', 'api/main.ts', childEnv, path.join(dir, 'api.log'), [
    ...apiNodeArgs(childCfg.API_HEAP_MB),
    ...(HEAP_SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${HEAP_SNAPSHOT_DIR}`] : []),
  ]);
  // The case worker: the open cases below run as real workflows, recorded by its activity.
  const worker = LIVE_CASES > 0 ? spawnTs('worker', 'worker/main.ts', childEnv, path.join(dir, 'worker.log'), workerNodeArgs(childCfg.WORKER_HEAP_MB)) : null;
  const base = `http://127.0.0.1:${apiPort}`;
  await Promise.all([
    waitUntil('API /ready', async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).status === 200, { timeoutMs: 120_000, intervalMs: 300, proc: api }),
    worker ? waitForPoller(client, childCfg.TEMPORAL_TASK_QUEUE, { proc: worker, activities: true }) : Promise.resolve(),
  ]);
  let peakRss = 0;
  let phasePeak = 0;
  const rssTimer = setInterval(() => {
    const mb = procRssMb(api.pid) ?? 0;
    peakRss = Math.max(peakRss, mb);
    phasePeak = Math.max(phasePeak, mb);
  }, 50);
  track('stop RSS sampling', async () => clearInterval(rssTimer));
  const rssAtStart = procRssMb(api.pid) ?? 0;
  // The API's own account of its memory (prom-client's default metrics): V8's heap, the memory
  // outside it (buffers, WebAssembly), against the RSS the kernel counts.
  const memoryOf = async () => {
    const m = await scrapeMetrics(`${base}/metrics`);
    const mb = (k: string) => round((m.get(k) ?? NaN) / 1048576, 1);
    return {
      rssMb: round(procRssMb(api.pid) ?? 0, 1),
      heapUsedMb: mb('nodejs_heap_size_used_bytes'), heapTotalMb: mb('nodejs_heap_size_total_bytes'), externalMb: mb('nodejs_external_memory_bytes'),
      newSpaceMb: mb('nodejs_heap_space_size_total_bytes{space="new"}'), oldSpaceMb: mb('nodejs_heap_space_size_total_bytes{space="old"}'), codeSpaceMb: mb('nodejs_heap_space_size_total_bytes{space="code"}'),
    };
  };
  const apiMemory: Record<string, Awaited<ReturnType<typeof memoryOf>>> = { atStart: await memoryOf() };

  const cc = await signAccessToken(childCfg, { id: `p-cc-${DISTRICT_ID}`, role: 'COMMAND_CENTER', unitId: DISTRICT_ID, name: 'cc' });
  const leader = await signAccessToken(childCfg, { id: `p-deputy-${DISTRICT_ID}`, role: 'DEPUTY_LEADER', unitId: DISTRICT_ID, name: 'deputy' });
  const dispatcher = await signAccessToken(childCfg, { id: `p-bench-${street}`, role: 'STREET_DISPATCHER', unitId: street, name: 'street' });

  const call = async (token: string, url: string, init: RequestInit = {}): Promise<{ ms: number; status: number; bytes: number }> => {
    const t0 = performance.now();
    const res = await fetch(`${base}${url}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    return { ms, status: res.status, bytes: body.byteLength };
  };
  const callJson = async (token: string, url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${base}${url}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text: text.slice(0, 300) };
    }
    return { status: res.status, body };
  };

  // ── 2b. open cases started as real workflows (POST /cases → Temporal → the worker records them) ──
  const live = { cases: 0, refused: 0, seconds: 0, extensionsAsked: 0, extensionsPending: 0, errors: [] as string[] };
  if (LIVE_CASES > 0) {
    const workers = (await pool.query<{ id: string; unitId: string; name: string }>(
      `SELECT p.id, p."unitId", p.name FROM "Person" p
       WHERE p.role = 'GRID_WORKER' AND p.active AND p."unitId" LIKE $1 AND p."unitId" NOT LIKE $2 ORDER BY p.id LIMIT 16`,
      [`${DISTRICT_ID}-%`, `${PREFIX}%`],
    )).rows;
    const category = (await pool.query<{ code: string }>(`SELECT code FROM "MatterCategory" WHERE active ORDER BY code LIMIT 1`)).rows[0]?.code;
    if (!workers.length || !category) throw new Error('the seed left no grid workers or categories for the real workflows');
    const tokens = await Promise.all(workers.map((w) => signAccessToken(childCfg, { id: w.id, role: 'GRID_WORKER', unitId: w.unitId, name: w.name })));
    const liveStart = Date.now();
    const codes: Array<{ code: string; w: number }> = [];
    let next = 0;
    const post = async () => {
      for (let i = next++; i < LIVE_CASES; i = next++) {
        const w = i % workers.length;
        const r = await callJson(tokens[w], '/cases', {
          method: 'POST',
          body: JSON.stringify({ channel: 'GRID_PATROL', categoryCode: category, location: { gridId: workers[w].unitId }, description: `volume bench open case ${i}`, reporter: { name: '压测' } }),
        });
        if (r.status === 201) codes.push({ code: String(r.body.code), w });
        else {
          live.refused += 1;
          if (live.errors.length < 5) live.errors.push(`POST /cases ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        }
        if ((i + 1) % 500 === 0) log(`started ${i + 1} real cases`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, post));
    const recorded = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Case" WHERE code = ANY($1::text[])`, [codes.map((c) => c.code)])).rows[0].n);
    await waitUntil('the real cases recorded by the worker', async () => (await recorded()) >= codes.length, { timeoutMs: 600_000, intervalMs: 1000 });
    live.cases = codes.length;
    // A few accepted by their grid worker and asking for an extension: pending, with a live workflow.
    for (const { code, w } of codes.slice(0, LIVE_EXTENSIONS)) {
      const route = (a: string) => `/cases/${encodeURIComponent(code)}/${a}`;
      let accepted = await callJson(tokens[w], route('accept'), { method: 'POST', body: '{}' });
      if (accepted.status === 200) accepted = await callJson(tokens[w], route('respond'), { method: 'POST', body: JSON.stringify({ decision: 'SELF', note: '网格员自行处置' }) });
      const asked = accepted.status === 200
        ? await callJson(tokens[w], route('extensions'), { method: 'POST', body: JSON.stringify({ days: 2, reason: '等待清运车辆' }) })
        : accepted;
      if (asked.status === 200) live.extensionsAsked += 1;
      else if (live.errors.length < 10) live.errors.push(`${code}: ${asked.status} ${JSON.stringify(asked.body).slice(0, 200)}`);
    }
    const liveCodes = codes.map((c) => c.code);
    const projected = async () => Number((await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "PendingExtension" WHERE "caseCode" = ANY($1::text[])`, [liveCodes])).rows[0].n);
    await waitUntil('the real extension requests projected', async () => (await projected()) >= live.extensionsAsked, { timeoutMs: 120_000, intervalMs: 500 })
      .catch((e: Error) => void live.errors.push(e.message));
    live.extensionsPending = await projected();
    live.seconds = round((Date.now() - liveStart) / 1000);
    log(`real workflows: ${live.cases} open cases started (${live.refused} refused) in ${live.seconds} s; ${live.extensionsAsked} asked for an extension, ${live.extensionsPending} pending in the projection${live.errors.length ? `; ${live.errors.join(' | ')}` : ''}`);
    await pool.query('ANALYZE "Case"');
  }
  apiMemory.afterRealCases = await memoryOf();
  /** EXPLAIN ANALYZE time (planning + execution) of one or more queries answering the same question. */
  const handMs = async (...queries: Array<{ text: string; values?: unknown[] }>): Promise<number> => {
    let total = 0;
    for (const q of queries) {
      const r = await pool.query<{ 'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.text}`, q.values);
      const plan = r.rows[0]['QUERY PLAN'][0];
      total += plan['Planning Time'] + plan['Execution Time'];
    }
    return round(total, 1);
  };
  const results: Timed[] = [];
  const loadAvg = () => os.loadavg().map((x) => round(x, 2));
  /** Run `one` `reps` times after `WARMUP` uncounted runs; `hand` (optional) runs after each counted one. */
  const measure = async (name: string, reps: number, one: () => Promise<number>, handSql: number | null, opts: { hand?: () => Promise<number>; note?: string } = {}): Promise<Timed> => {
    const before = loadAvg();
    const j0 = machineJiffies();
    let warm = 0;
    for (let i = 0; i < WARMUP; i++) warm = Math.max(warm, await one());
    // A read far off its target is measured twice, not a hundred times (the run must end).
    const n = warm > 5_000 ? Math.min(reps, 2) : reps;
    const ms: number[] = [];
    const hand: number[] = [];
    for (let i = 0; i < n; i++) {
      ms.push(await one());
      if (opts.hand) hand.push(await opts.hand());
    }
    const j1 = machineJiffies();
    ms.sort((a, b) => a - b);
    hand.sort((a, b) => a - b);
    const p50 = percentile(ms, 50);
    const t: Timed = {
      name, requests: n, p50Ms: round(p50, 1), p99Ms: round(percentile(ms, 99), 1), maxMs: round(ms[ms.length - 1], 1),
      handSqlMs: handSql, ratio: handSql ? round(p50 / handSql, 2) : null,
      ...(hand.length ? { handRun: { p50Ms: round(percentile(hand, 50), 1), p99Ms: round(percentile(hand, 99), 1), maxMs: round(hand[hand.length - 1], 1) } } : {}),
      warmup: WARMUP, loadAvg: { before, after: loadAvg() },
      busyCores: round(((j1.busy - j0.busy) / Math.max(1, j1.total - j0.total)) * os.cpus().length, 2),
      ...(opts.note ? { note: opts.note } : {}),
    };
    results.push(t);
    log(`${name}: p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms (${n} requests), hand SQL ${handSql ?? '–'} ms${t.handRun ? ` (run: p50 ${t.handRun.p50Ms}, p99 ${t.handRun.p99Ms})` : ''}; load ${before[0]} → ${t.loadAvg.after[0]}, ${t.busyCores} cores busy`);
    return t;
  };
  const timed = (name: string, reps: number, token: string, url: string, handSql: number | null, init?: RequestInit, note?: string, hand?: Array<{ text: string; values?: unknown[] }>) =>
    measure(name, reps, async () => (await call(token, url, init)).ms, handSql, { note, ...(hand ? { hand: () => handRun(hand) } : {}) });
  /** Wall time of the hand-written queries themselves (one after the other, through pg). */
  const handRun = async (queries: Array<{ text: string; values?: unknown[] }>): Promise<number> => {
    const t0 = performance.now();
    for (const q of queries) await pool.query(q.text, q.values);
    return performance.now() - t0;
  };

  // ── 3. case lists (the console's filters and sorts), as the command center ──
  // The API counts up to a cap (or the end of the page): the hand-written pair does the same.
  const capped = (offset: number) => Math.max(CASE_LIST_COUNT_CAP, offset + 20) + 1;
  const page = (where: string, order: string, values: unknown[], offset = 0) => [
    { text: `SELECT * FROM "Case" WHERE "districtId" = $1 ${where} ORDER BY ${order} LIMIT 20 OFFSET ${offset}`, values: [DISTRICT_ID, ...values] },
    { text: `SELECT count(*) FROM (SELECT 1 FROM "Case" WHERE "districtId" = $1 ${where} LIMIT ${capped(offset)}) x`, values: [DISTRICT_ID, ...values] },
  ];
  const NEWEST = `"reportedAt" DESC, code DESC`;
  const DEADLINE = `"dueAt" ASC NULLS LAST, "reportedAt" DESC, code DESC`;
  const june = { from: new Date(Date.UTC(YEAR, 5, 1) - SH).toISOString(), to: new Date(Date.UTC(YEAR, 6, 1) - SH).toISOString() };
  const lists: Array<[string, string, string, unknown[], number?]> = [
    ['newest first', '', NEWEST, []],
    ['deadline first', '', DEADLINE, []],
    ['status=IN_PROGRESS', 'AND status = $2', NEWEST, ['IN_PROGRESS']],
    ['streetId', 'AND "streetId" = $2', NEWEST, [street]],
    ['gridId', 'AND "gridId" = $2', NEWEST, [grid]],
    ['categoryCode', 'AND "categoryCode" = $2', NEWEST, ['CG-007']],
    ['overdue=true, deadline first', 'AND overdue = $2', DEADLINE, [true]],
    ['assigneeUnitId', 'AND "assigneeUnitId" = $2', NEWEST, [street]],
    ['reported in June', 'AND "reportedAt" >= $2 AND "reportedAt" < $3', NEWEST, [june.from, june.to]],
    ['page 500', '', NEWEST, [], 500],
  ];
  const query: Record<string, string> = {
    'newest first': '',
    'deadline first': 'sort=deadline',
    'status=IN_PROGRESS': 'status=IN_PROGRESS',
    streetId: `streetId=${street}`,
    gridId: `gridId=${grid}`,
    categoryCode: 'categoryCode=CG-007',
    'overdue=true, deadline first': 'overdue=true&sort=deadline',
    assigneeUnitId: `assigneeUnitId=${street}`,
    'reported in June': `reportedFrom=${encodeURIComponent(june.from)}&reportedTo=${encodeURIComponent(june.to)}`,
    'page 500': 'page=500',
  };
  for (const [name, where, order, values, p] of lists) {
    const hand = page(where, order, values, ((p ?? 1) - 1) * 20);
    await timed(`GET /cases ${name}`, REPS, cc, `/cases?${query[name]}`, await handMs(...hand), undefined, undefined, hand);
  }
  const dispatcherHand = [
    { text: `SELECT * FROM "Case" WHERE "streetId" = $1 ORDER BY ${NEWEST} LIMIT 20`, values: [street] },
    { text: `SELECT count(*) FROM (SELECT 1 FROM "Case" WHERE "streetId" = $1 LIMIT ${capped(0)}) x`, values: [street] },
  ];
  await timed('GET /cases street dispatcher', REPS, dispatcher, '/cases', await handMs(...dispatcherHand), undefined, undefined, dispatcherHand);
  // The inbox: the district's pending requests at every level up to the deputy's (the projection).
  const inboxLevels = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER'];
  const inboxPage = (offset: number) => [
    { text: `SELECT p.*, c.status, c.level FROM "PendingExtension" p JOIN "Case" c ON c.code = p."caseCode"
              WHERE p."districtId" = $1 AND p."approverLevel" = ANY($2::text[]) ORDER BY p."requestedAt", p."caseCode", p."requestId" OFFSET ${offset} LIMIT 20`, values: [DISTRICT_ID, inboxLevels] },
    { text: `SELECT count(*) FROM "PendingExtension" p JOIN "Case" c ON c.code = p."caseCode" WHERE p."districtId" = $1 AND p."approverLevel" = ANY($2::text[])`, values: [DISTRICT_ID, inboxLevels] },
  ];
  await timed('GET /inbox/extensions (leader, lower levels too)', REPS, leader, '/inbox/extensions?includeLowerLevels=true', await handMs(...inboxPage(0)), undefined,
    `pending requests of the district from the projection alone (the default): ${pendingRows} pending`, inboxPage(0));
  // The console's inbox (live=true) on its last page: the newest requests, those of the real workflows.
  const inboxTotal = Number((await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "PendingExtension" WHERE "districtId" = $1 AND "approverLevel" = ANY($2::text[])`, [DISTRICT_ID, inboxLevels])).rows[0].n);
  const lastInboxPage = Math.max(1, Math.ceil(inboxTotal / 20));
  await timed('GET /inbox/extensions live=true, last page (console)', 10, leader, `/inbox/extensions?includeLowerLevels=true&live=true&page=${lastInboxPage}`,
    await handMs(...inboxPage((lastInboxPage - 1) * 20)), undefined,
    `the newest requests, cross-checked with each listed case's live workflow state (one Temporal query per case; ${live.extensionsPending} of them have real workflows, the generated ones answer not found)`);
  // A leader's list: the deputy's (cases that climbed to the command center, one in three).
  const leaderId = `p-deputy-${DISTRICT_ID}`;
  const leaderHand = [
    { text: `SELECT * FROM "Case" WHERE "leaderId" = $1 AND "leaderTickedAt" IS NULL ORDER BY "dueAt" ASC NULLS LAST, code LIMIT 50`, values: [leaderId] },
    { text: `SELECT * FROM "Case" WHERE "leaderId" = $1 AND "leaderTickedAt" IS NOT NULL ORDER BY "leaderTickedAt" DESC, code LIMIT 50`, values: [leaderId] },
    { text: `SELECT count(*) FROM "Case" WHERE "leaderId" = $1 AND "leaderTickedAt" IS NULL`, values: [leaderId] },
    { text: `SELECT count(*) FROM "Case" WHERE "leaderId" = $1 AND "leaderTickedAt" IS NOT NULL`, values: [leaderId] },
  ];
  await timed(`GET /leaders/{personId}/cases`, REPS, leader, `/leaders/${leaderId}/cases`, await handMs(...leaderHand), undefined,
    `the deputy's list: ${leaderRows.open} open, ${leaderRows.ticked} ticked off`, leaderHand);

  // ── 4. assessment: live, then publish, then from the snapshot ──
  const asOf = Date.now();
  const periods = [`${YEAR}-06`, `${YEAR}-Q2`, `${YEAR}`];
  const exportPeak: Record<string, number> = {};
  // Hand SQL = the sum over the maintained month rows plus the backlog from the open spans (what
  // the live read runs); the event-level query over the same period (what it ran before migration
  // 0013) beside it, once.
  const eventLevelMs: Record<string, number> = {};
  // The completeness check the live read runs first (every case of the period has its rows): the
  // month markers (migration 0019, what it runs now) and the count of the cases (what it ran
  // before, and still runs when the markers do not balance); which one answered.
  const completenessMs: Record<string, { markers: number; cases: number; answeredBy: string }> = {};
  // The backlog year on year (a stock at the period's end and a year before): the open spans
  // (migration 0019) against the event-level aggregate it ran before.
  const backlogEventLevelMs: Record<string, number> = {};
  const handFor: Record<string, number> = {};
  for (const p of periods) {
    const m = monthsOf(parsePeriod(p))!;
    const at = new Date(asOf);
    const markers = await handMs({
      text: `SELECT COALESCE(sum(m.reported), 0) = COALESCE(sum(m.counted), 0) AND COALESCE(max(m."lastAt") <= $3, true) AS ok
             FROM "AssessmentMonthMarker" m WHERE m.month >= $1 AND m.month < $2`,
      values: [m.start, m.end, at],
    });
    const cases = await handMs({
      text: `SELECT EXISTS (SELECT 1 FROM "AssessmentCaseState" s WHERE s."lastAt" > $3 AND s.month >= $1 AND s.month < $2) AS later,
                    (SELECT count(DISTINCT r."caseCode") FROM "CaseEvent" r WHERE r.type = 'REPORTED' AND r.at >= $1 AND r.at < $2 AND r.at <= $3) AS reported,
                    (SELECT count(*) FROM "AssessmentCaseState" s WHERE s.month >= $1 AND s.month < $2 AND s."reportedAt" <= $3) AS maintained`,
      values: [m.start, m.end, at],
    });
    completenessMs[p] = { markers, cases, answeredBy: String(await maintainedCanAnswer(prisma, m, asOf)) };
    log(`completeness check ${p}: markers ${markers} ms, cases ${cases} ms; answered by ${completenessMs[p].answeredBy}`);
  }
  for (const p of periods) {
    const period = parsePeriod(p);
    const { at, yearBeforeAt } = backlogInstants(period, asOf);
    const spansSql = openFromSpans(at, yearBeforeAt);
    const spansMs = await handMs({ text: spansSql.text, values: spansSql.values });
    const ev = openFromEvents(at, yearBeforeAt);
    backlogEventLevelMs[p] = await handMs({ text: ev.text, values: ev.values });
    let source = '';
    await measure(`backlog ${p} (computeBacklogInDb)`, ASSESS_REPS, async () => {
      const t0 = performance.now();
      await computeBacklogInDb(prisma, period, asOf, { onSource: (s) => void (source = s) });
      return performance.now() - t0;
    }, spansMs, { note: 'in the bench process (the code the live read runs, its own Prisma client); hand SQL = the open spans query' });
    results[results.length - 1].note += `; answered from the ${source}; the event-level aggregate: ${backlogEventLevelMs[p]} ms`;
    const q = maintainedCountsQuery(monthsOf(period)!, asOf);
    handFor[p] = round((await handMs({ text: q.text, values: q.values })) + spansMs, 1);
  }
  for (const p of periods) {
    const hand = handFor[p];
    if (p === `${YEAR}-06` || process.env.BENCH_VOLUME_EVENT_LEVEL_ALL === '1') {
      const ev = countsQuery(parsePeriod(p), asOf);
      eventLevelMs[p] = await handMs({ text: ev.text, values: ev.values });
      log(`event-level query ${p}: ${eventLevelMs[p]} ms`);
    }
    await timed(`rankings ${p} live`, ASSESS_REPS, cc, `/assessment/rankings?period=${p}&level=STREET&source=live`, hand, undefined, 'hand SQL = the sum over the month rows + the backlog from the open spans');
    await timed(`scorecard ${p} live (trend 0)`, ASSESS_REPS, cc, `/assessment/units/${street}/scorecard?period=${p}&trend=0&source=live`, hand);
  }
  // The RSS right before each export too: what the export adds to what the earlier phases (the
  // 2,000 POST /cases among them) left in the heap.
  exportPeak.liveBefore = round(procRssMb(api.pid) ?? 0, 1);
  apiMemory.beforeExport = await memoryOf();
  if (HEAP_SNAPSHOT_DIR) {
    process.kill(api.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 30_000));
    apiMemory.afterHeapSnapshot = await memoryOf();
  }
  phasePeak = 0;
  await timed(`export.csv ${YEAR} live`, 3, cc, `/assessment/export.csv?period=${YEAR}&level=GRID&source=live`, null);
  exportPeak.live = round(phasePeak, 1);
  const publish: Record<string, number> = {};
  for (const p of periods) {
    const t0 = performance.now();
    await call(cc, '/assessment/snapshots', { method: 'POST', body: JSON.stringify({ period: p }) });
    publish[p] = round(performance.now() - t0, 0);
    log(`published ${p} in ${publish[p]} ms`);
  }
  for (const p of periods) {
    const hand = await handMs({ text: `SELECT figures FROM "AssessmentSnapshot" WHERE period = $1 ORDER BY version DESC LIMIT 1`, values: [p] });
    await timed(`rankings ${p} snapshot`, ASSESS_REPS, cc, `/assessment/rankings?period=${p}&level=STREET`, hand);
    await timed(`scorecard ${p} snapshot (trend 0)`, ASSESS_REPS, cc, `/assessment/units/${street}/scorecard?period=${p}&trend=0`, hand);
  }
  exportPeak.snapshotBefore = round(procRssMb(api.pid) ?? 0, 1);
  phasePeak = 0;
  await timed(`export.csv ${YEAR} snapshot`, 5, cc, `/assessment/export.csv?period=${YEAR}&level=GRID`, null);
  exportPeak.snapshot = round(phasePeak, 1);
  clearInterval(rssTimer);

  // ── 5. verdict ──
  const get = (n: string) => results.find((r) => r.name === n)!;
  const listRows = results.filter((r) => r.name.startsWith('GET ') && !r.name.includes('live=true'));
  const yearRankings = get(`rankings ${YEAR} live`);
  const yearScorecard = get(`scorecard ${YEAR} live (trend 0)`);
  const verdict = {
    listP99Ms: { target: `< ${TARGETS.listP99Ms}`, worst: Math.max(...listRows.map((r) => r.p99Ms)), met: listRows.every((r) => r.p99Ms < TARGETS.listP99Ms) },
    yearLive: {
      target: `< ${TARGETS.yearLiveMs} ms and ≤ ${TARGETS.yearVsHand}× hand SQL`,
      rankingsMs: yearRankings.p50Ms, scorecardMs: yearScorecard.p50Ms, ratio: yearRankings.ratio,
      met: Math.max(yearRankings.p50Ms, yearScorecard.p50Ms) < TARGETS.yearLiveMs && (yearRankings.ratio ?? Infinity) <= TARGETS.yearVsHand,
    },
    monthSnapshot: { target: `< ${TARGETS.monthSnapshotMs} ms`, ms: publish[`${YEAR}-06`], met: publish[`${YEAR}-06`] < TARGETS.monthSnapshotMs },
    exportRss: {
      target: `< ${TARGETS.exportRssMb} MB`, peakMb: exportPeak.live, beforeExportMb: exportPeak.liveBefore,
      growthMb: round(exportPeak.live - exportPeak.liveBefore, 1), met: exportPeak.live < TARGETS.exportRssMb,
    },
  };
  const out = writeResult('volume.json', {
    bench: 'volume',
    at: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    sharedMachine: 'a 2-core machine shared with other sessions: see machine.loadAvgAtStart / loadAvgAtEnd',
    database: db.kind,
    data: {
      cases: CASES, events, year: YEAR, directory: GULOU_SCALE, loadSeconds: round(loadS), casesPerSecLoaded: Math.round(CASES / loadS),
      assessmentBackfillSeconds: round(backfillS), pendingExtensions: pendingRows, pendingExtensionsBackfillSeconds: round(pendingS),
      deputyLeaderList: { open: Number(leaderRows.open), tickedOff: Number(leaderRows.ticked) }, realWorkflows: live, tableMb: Object.fromEntries(sizes.map((s) => [s.rel, Number(s.mb)])),
    },
    eventLevelQueryMs: eventLevelMs,
    completenessCheckMs: completenessMs,
    apiRssMb: { atStart: round(rssAtStart, 1), peak: round(peakRss, 1), exportPeak, heapCapMb: childCfg.API_HEAP_MB },
    apiMemory,
    backlogEventLevelMs,
    reps: { pages: REPS, assessment: ASSESS_REPS, warmup: WARMUP },
    publishMs: publish,
    targets: TARGETS,
    verdict,
    results,
  });
  const pad = (s: string | number | null, w: number) => String(s ?? '–').padStart(w);
  process.stdout.write(`\n${CASES} cases, ${events} events (${db.kind})\n${'measure'.padEnd(52)}${pad('n', 5)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('hand ms', 9)}${pad('ratio', 7)}${pad('hand p99', 10)}${pad('load', 12)}${pad('busy', 6)}\n`);
  for (const r of results) {
    process.stdout.write(`${r.name.padEnd(52)}${pad(r.requests, 5)}${pad(r.p50Ms, 9)}${pad(r.p99Ms, 9)}${pad(r.handSqlMs, 9)}${pad(r.ratio, 7)}${pad(r.handRun?.p99Ms ?? null, 10)}${pad(`${r.loadAvg.before[0]}→${r.loadAvg.after[0]}`, 12)}${pad(r.busyCores, 6)}\n`);
  }
  process.stdout.write(`publish: ${JSON.stringify(publish)} ms; API RSS peak ${round(peakRss, 1)} MB (export ${JSON.stringify(exportPeak)})\n${JSON.stringify(verdict, null, 1)}\nwrote ${out}\n`);
  await api.release();
  await worker?.release();
});
