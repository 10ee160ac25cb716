// npm run bench:api-memory — what the API process holds: its RSS and V8 heap right after start
// (/ready, then 3 s idle), after a mix of reads (case lists, the inbox, live rankings of the
// year) and after BENCH_API_MEMORY_REPORTS (500) reports (POST /cases, 6 at a time: workflows
// started, no worker needed). The API is started BENCH_API_MEMORY_STARTS (3) times, each against
// the same small seeded database and Temporal dev server. Beside it, the cost of loading the API's
// modules alone (a process that requires api/main.ts and exits): RSS, heap, modules loaded, and
// whether the heavy packages only some routes need (sharp, @temporalio/worker, the S3 client)
// were loaded. Writes bench/results/api-memory.json (BENCH_OUT renames it). The machine is
// shared: the load averages are recorded before and after.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { apiNodeArgs, freePort, waitUntil } from '../devstack/processes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../devstack/services';
import { signAccessToken } from '../features/auth/auth';
import { DISTRICT_ID } from '../prisma/seedData';
import { ensureNamespace } from '../scripts/ensureNamespace';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { createBenchDatabase, envNumber, log, machineInfo, procRssMb, round, runBench, scopedTempDir, scrapeMetrics, sleep, spawnTs, stackEnv, startDevServer, track, writeResult } from './lib';

const STARTS = envNumber('BENCH_API_MEMORY_STARTS', 3);
const REPORTS = envNumber('BENCH_API_MEMORY_REPORTS', 500);
const PROJECT_ROOT = path.resolve(__dirname, '..');
/** A directory to write a heap snapshot of each API into once its reports are in (diagnosis; off by default). */
const SNAPSHOT_DIR = process.env.BENCH_API_MEMORY_SNAPSHOT_DIR;
/** Packages the API needs only for some requests (uploads, audit replays, S3 storage). */
const HEAVY = ['sharp', '@temporalio/worker', '@temporalio/workflow', '@aws-sdk/client-s3', 'rxjs'];

/** Loading api/main.ts (no start): RSS and heap after a GC, the modules loaded, which heavy ones. */
function loadOnly(): { rssMb: number; heapUsedMb: number; modules: number; heavyLoaded: string[] } {
  const script = `
    require(${JSON.stringify(path.join(PROJECT_ROOT, 'api/main.ts'))});
    global.gc();
    const m = process.memoryUsage();
    const files = Object.keys(require.cache);
    const heavy = ${JSON.stringify(HEAVY)}.filter((p) => files.some((f) => f.includes('/node_modules/' + p + '/')));
    process.stdout.write(JSON.stringify({ rssMb: m.rss / 1048576, heapUsedMb: m.heapUsed / 1048576, modules: files.length, heavyLoaded: heavy }));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development' } });
  const r = JSON.parse(out) as { rssMb: number; heapUsedMb: number; modules: number; heavyLoaded: string[] };
  return { ...r, rssMb: round(r.rssMb, 1), heapUsedMb: round(r.heapUsedMb, 1) };
}

runBench('bench:api-memory', envNumber('BENCH_MAX_MINUTES', 30), async () => {
  const machine = await machineInfo();
  const loads = [loadOnly(), loadOnly(), loadOnly()];
  log(`loading api/main.ts alone: ${loads.map((l) => `${l.rssMb} MB`).join(', ')}; ${loads[0].modules} modules; heavy loaded: ${loads[0].heavyLoaded.join(', ') || 'none'}`);

  const { dir } = scopedTempDir('coe-api-memory-');
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const namespace = cfg.TEMPORAL_NAMESPACE;
  const server = await startDevServer(dir, 'main', DEV_SERVER_SQLITE_PRAGMAS, namespace);
  const connection = await Connection.connect({ address: server.address });
  track('close Temporal client', () => connection.close());
  await ensureNamespace(connection, { namespace, retentionDays: 1, searchAttributes: CASE_SEARCH_ATTRIBUTES });
  const db = await createBenchDatabase(dir);

  type Memory = { rssMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number };
  const runs: Array<{ ready: Memory; afterReads: Memory; afterReports: Memory }> = [];
  for (let n = 1; n <= STARTS; n++) {
    const port = await freePort();
    const env = stackEnv(
      { server, namespace, taskQueue: `api-memory-${n}`, db, logLevel: 'warn' },
      { API_HOST: '127.0.0.1', API_PORT: String(port), API_RATE_LIMIT_PER_MINUTE: '10000000', JWT_SECRET: `bench-${process.pid}-0123456789abcdef0123456789abcdef`, DATA_DIR: path.join(dir, 'data') },
    );
    delete env.PAYLOAD_KEYS;
    const childCfg = loadConfig(env);
    const base = `http://127.0.0.1:${port}`;
    const snapshotArgs = SNAPSHOT_DIR ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`] : [];
    // As `npm start` runs it: with its heap cap (API_HEAP_MB).
    const api = spawnTs(`api-${n}`, 'api/main.ts', env, path.join(dir, `api-${n}.log`), [...apiNodeArgs(childCfg.API_HEAP_MB), ...snapshotArgs]);
    await waitUntil('API /ready', async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).status === 200, { timeoutMs: 120_000, intervalMs: 200, proc: api });
    const memory = async (): Promise<Memory> => {
      const m = await scrapeMetrics(`${base}/metrics`);
      const mb = (k: string) => round((m.get(k) ?? NaN) / 1048576, 1);
      return {
        rssMb: round(procRssMb(api.pid) ?? NaN, 1),
        heapUsedMb: mb('nodejs_heap_size_used_bytes'),
        heapTotalMb: mb('nodejs_heap_size_total_bytes'),
        externalMb: mb('nodejs_external_memory_bytes'),
      };
    };
    await sleep(3000);
    const ready = await memory();
    const cc = await signAccessToken(childCfg, { id: `p-cc-${DISTRICT_ID}`, role: 'COMMAND_CENTER', unitId: DISTRICT_ID, name: 'cc' });
    const get = async (url: string) => {
      const res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${cc}` } });
      await res.arrayBuffer();
      if (res.status >= 300) throw new Error(`GET ${url}: ${res.status}`);
    };
    const year = new Date().getUTCFullYear();
    for (let i = 0; i < 200; i++) await get(`/cases?${['', 'sort=deadline', 'status=IN_PROGRESS', 'overdue=true'][i % 4]}`);
    for (let i = 0; i < 20; i++) await get('/inbox/extensions?includeLowerLevels=true');
    for (let i = 0; i < 20; i++) await get(`/assessment/rankings?period=${year}&level=STREET&source=live`);
    const afterReads = await memory();
    const grid = await firstGridWorker(db.url);
    const token = await signAccessToken(childCfg, { id: grid.id, role: 'GRID_WORKER', unitId: grid.unitId, name: grid.name });
    let next = 0;
    const post = async () => {
      for (let i = next++; i < REPORTS; i = next++) {
        const res = await fetch(`${base}/cases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'GRID_PATROL', categoryCode: grid.category, location: { gridId: grid.unitId }, description: `api memory bench ${n}-${i}`, reporter: { name: '压测' } }),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`POST /cases: ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, post));
    const afterReports = await memory();
    if (SNAPSHOT_DIR) {
      process.kill(api.pid, 'SIGUSR2');
      await sleep(15_000);
    }
    runs.push({ ready, afterReads, afterReports });
    log(`start ${n}: RSS ${ready.rssMb} MB ready → ${afterReads.rssMb} after reads → ${afterReports.rssMb} after ${REPORTS} reports (heap used ${ready.heapUsedMb} → ${afterReads.heapUsedMb} → ${afterReports.heapUsedMb} MB)`);
    await api.release();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = Object.fromEntries(
    (['ready', 'afterReads', 'afterReports'] as const).map((k) => [k, { rssMb: median(runs.map((r) => r[k].rssMb)), heapUsedMb: median(runs.map((r) => r[k].heapUsedMb)), heapTotalMb: median(runs.map((r) => r[k].heapTotalMb)) }]),
  );
  const out = writeResult('api-memory.json', {
    bench: 'api-memory',
    at: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)) },
    database: db.kind,
    reports: REPORTS,
    loadOnly: { rssMb: median(loads.map((l) => l.rssMb)), heapUsedMb: median(loads.map((l) => l.heapUsedMb)), modules: loads[0].modules, heavyLoaded: loads[0].heavyLoaded, runs: loads },
    medianOfStarts: summary,
    runs,
  });
  process.stdout.write(`${JSON.stringify({ loadOnly: { rssMb: median(loads.map((l) => l.rssMb)), modules: loads[0].modules, heavyLoaded: loads[0].heavyLoaded }, ...summary }, null, 1)}\nwrote ${out}\n`);
});

/** A grid worker of the seeded district and an active category, to report as. */
async function firstGridWorker(url: string): Promise<{ id: string; unitId: string; name: string; category: string }> {
  const { Pool } = await import('pg');
  const { poolConfigFromUrl } = await import('../platform/dbUrl');
  const pool = new Pool(poolConfigFromUrl(url, { max: 1 }));
  try {
    const w = (await pool.query<{ id: string; unitId: string; name: string }>(
      `SELECT id, "unitId", name FROM "Person" WHERE role = 'GRID_WORKER' AND active AND "unitId" LIKE $1 ORDER BY id LIMIT 1`, [`${DISTRICT_ID}-%`])).rows[0];
    const c = (await pool.query<{ code: string }>(`SELECT code FROM "MatterCategory" WHERE active ORDER BY code LIMIT 1`)).rows[0];
    if (!w || !c) throw new Error('the seed left no grid worker or category');
    return { ...w, category: c.code };
  } finally {
    await pool.end();
  }
}
