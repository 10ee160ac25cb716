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
//
// Writes bench/results/volume.json (BENCH_OUT renames it), prints a table, drops its database.
import path from 'node:path';
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
import { freePort, waitUntil } from '../devstack/processes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../devstack/services';
import { generateCases, GULOU_SCALE, insertCases, insertDirectory, scaledDirectory, type GeneratedCase } from '../devstack/volumeYear';
import { DISTRICT_ID } from '../prisma/seedData';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import {
  createBenchDatabase,
  envNumber,
  log,
  machineInfo,
  percentile,
  procRssMb,
  round,
  runBench,
  scopedTempDir,
  spawnTs,
  startDevServer,
  track,
  writeResult,
} from './lib';

const argCases = (() => {
  const i = process.argv.indexOf('--cases');
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
})();
const CASES = argCases ?? envNumber('BENCH_VOLUME_CASES', 500_000);
if (!Number.isInteger(CASES) || CASES < 1000) throw new Error(`--cases ${CASES}: expected an integer of at least 1000`);
const REPS = envNumber('BENCH_VOLUME_REPS', 40);
const BATCH = 2_000;
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
  void new Client({ connection, namespace });

  const db = await createBenchDatabase(dir);
  if (db.kind === 'pglite') log('WARNING: no PostgreSQL answered; PGlite is not built for this volume (see README)');
  const pool = new Pool(poolConfigFromUrl(db.url, { max: 3 }));
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
  const sizes = (await pool.query<{ rel: string; mb: string }>(
    `SELECT relname AS rel, round(pg_total_relation_size(oid) / 1048576.0)::text AS mb FROM pg_class
     WHERE relname IN ('Case', 'CaseEvent', 'CallScore', 'AssessmentCaseCount', 'AssessmentCaseState', 'AssessmentMonthCount')`,
  )).rows;

  // ── 2. the API ──
  const apiPort = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: namespace,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    API_RATE_LIMIT_PER_MINUTE: '10000000',
    JWT_SECRET: `bench-${process.pid}-${Date.now()}-0123456789abcdef0123456789`,
    NOTIFY_WEBHOOKS: '',
  };
  const childCfg = loadConfig(childEnv);
  const api = spawnTs('api', 'api/main.ts', childEnv, path.join(dir, 'api.log'));
  const base = `http://127.0.0.1:${apiPort}`;
  await waitUntil('API /ready', async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).status === 200, { timeoutMs: 120_000, intervalMs: 300, proc: api });
  let peakRss = 0;
  let phasePeak = 0;
  const rssTimer = setInterval(() => {
    const mb = procRssMb(api.pid) ?? 0;
    peakRss = Math.max(peakRss, mb);
    phasePeak = Math.max(phasePeak, mb);
  }, 50);
  track('stop RSS sampling', async () => clearInterval(rssTimer));
  const rssAtStart = procRssMb(api.pid) ?? 0;

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
  const timed = async (name: string, reps: number, token: string, url: string, hand: number | null, init?: RequestInit, note?: string): Promise<Timed> => {
    const warm = await call(token, url, init); // warm-up
    // A read far off its target is measured twice, not forty times (the run must end).
    const n = warm.ms > 5_000 ? Math.min(reps, 2) : reps;
    const ms: number[] = [];
    for (let i = 0; i < n; i++) ms.push((await call(token, url, init)).ms);
    ms.sort((a, b) => a - b);
    const p50 = percentile(ms, 50);
    const t: Timed = {
      name, requests: n, p50Ms: round(p50, 1), p99Ms: round(percentile(ms, 99), 1), maxMs: round(ms[ms.length - 1], 1),
      handSqlMs: hand, ratio: hand ? round(p50 / hand, 2) : null, ...(note ? { note } : {}),
    };
    results.push(t);
    log(`${name}: p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms, hand SQL ${hand ?? '–'} ms`);
    return t;
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
    await timed(`GET /cases ${name}`, REPS, cc, `/cases?${query[name]}`, await handMs(...page(where, order, values, ((p ?? 1) - 1) * 20)));
  }
  await timed('GET /cases street dispatcher', REPS, dispatcher, '/cases', await handMs(
    { text: `SELECT * FROM "Case" WHERE "streetId" = $1 ORDER BY ${NEWEST} LIMIT 20`, values: [street] },
    { text: `SELECT count(*) FROM (SELECT 1 FROM "Case" WHERE "streetId" = $1 LIMIT ${capped(0)}) x`, values: [street] },
  ));
  await timed('GET /inbox/extensions (leader, lower levels too)', REPS, leader, '/inbox/extensions?includeLowerLevels=true', null, undefined,
    'pending requests of the district from the database alone (the default)');
  await timed('GET /inbox/extensions live=true (console)', 5, leader, '/inbox/extensions?includeLowerLevels=true&live=true', null, undefined,
    'cross-checked with each listed case\'s live state: generated cases have no workflows, so each item costs a failed Temporal query (not a target row)');
  // A leader's list (GET /leaders/{personId}/cases) exists only once its branch is merged.
  const leaderId = `p-deputy-${DISTRICT_ID}`;
  const leaderProbe = await fetch(`${base}/leaders/${leaderId}/cases`, { headers: { authorization: `Bearer ${leader}` } });
  await leaderProbe.arrayBuffer();
  let leaderNote: string | null = null;
  if (leaderProbe.status === 200) await timed(`GET /leaders/{personId}/cases`, REPS, leader, `/leaders/${leaderId}/cases`, null);
  else leaderNote = `GET /leaders/{personId}/cases answered ${leaderProbe.status}: not measured (the route is another branch's)`;
  if (leaderNote) log(leaderNote);

  // ── 4. assessment: live, then publish, then from the snapshot ──
  const asOf = Date.now();
  const periods = [`${YEAR}-06`, `${YEAR}-Q2`, `${YEAR}`];
  const exportPeak: Record<string, number> = {};
  // Hand SQL = the sum over the maintained month rows (what the live read runs); the
  // event-level query over the same period (what it ran before migration 0013) beside it, once.
  const eventLevelMs: Record<string, number> = {};
  for (const p of periods) {
    const q = maintainedCountsQuery(monthsOf(parsePeriod(p))!, asOf);
    const hand = await handMs({ text: q.text, values: q.values });
    if (p === `${YEAR}-06` || process.env.BENCH_VOLUME_EVENT_LEVEL_ALL === '1') {
      const ev = countsQuery(parsePeriod(p), asOf);
      eventLevelMs[p] = await handMs({ text: ev.text, values: ev.values });
      log(`event-level query ${p}: ${eventLevelMs[p]} ms`);
    }
    await timed(`rankings ${p} live`, REPS, cc, `/assessment/rankings?period=${p}&level=STREET&source=live`, hand, undefined, 'hand SQL = the sum over the month rows');
    await timed(`scorecard ${p} live (trend 0)`, REPS, cc, `/assessment/units/${street}/scorecard?period=${p}&trend=0&source=live`, hand);
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
    await timed(`rankings ${p} snapshot`, REPS, cc, `/assessment/rankings?period=${p}&level=STREET`, hand);
    await timed(`scorecard ${p} snapshot (trend 0)`, REPS, cc, `/assessment/units/${street}/scorecard?period=${p}&trend=0`, hand);
  }
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
    exportRss: { target: `< ${TARGETS.exportRssMb} MB`, peakMb: exportPeak.live, met: exportPeak.live < TARGETS.exportRssMb },
  };
  const out = writeResult('volume.json', {
    bench: 'volume',
    at: new Date().toISOString(),
    machine,
    database: db.kind,
    data: {
      cases: CASES, events, year: YEAR, directory: GULOU_SCALE, loadSeconds: round(loadS), casesPerSecLoaded: Math.round(CASES / loadS),
      assessmentBackfillSeconds: round(backfillS), tableMb: Object.fromEntries(sizes.map((s) => [s.rel, Number(s.mb)])),
    },
    eventLevelQueryMs: eventLevelMs,
    leaderList: leaderNote ?? 'measured',
    apiRssMb: { atStart: round(rssAtStart, 1), peak: round(peakRss, 1), exportPeak },
    publishMs: publish,
    targets: TARGETS,
    verdict,
    results,
  });
  const pad = (s: string | number | null, w: number) => String(s ?? '–').padStart(w);
  process.stdout.write(`\n${CASES} cases, ${events} events (${db.kind})\n${'measure'.padEnd(52)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}${pad('hand ms', 10)}${pad('ratio', 8)}\n`);
  for (const r of results) process.stdout.write(`${r.name.padEnd(52)}${pad(r.p50Ms, 10)}${pad(r.p99Ms, 10)}${pad(r.handSqlMs, 10)}${pad(r.ratio, 8)}\n`);
  process.stdout.write(`publish: ${JSON.stringify(publish)} ms; API RSS peak ${round(peakRss, 1)} MB (export ${JSON.stringify(exportPeak)})\n${JSON.stringify(verdict, null, 1)}\nwrote ${out}\n`);
  await api.release();
});
