// npm run bench:worker-start — how long a (re)started worker takes to poll again: from the
// process being spawned to its "worker started" line (Worker.create done; run() polls next).
// First one start with an empty cache (bundles and writes it); then, alternately, starts that
// bundle (WORKFLOW_BUNDLE_CACHE_DIR=off, the worker before issue 17's fix) and starts from the
// cache, BENCH_WORKER_STARTS (5) of each; each worker is killed with -9 once up (as a crash).
// Writes bench/results/worker-start.json. On a shared machine the figures move with the load:
// the load average is recorded before and after.
import { readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { signalGroup, waitUntil, workerNodeArgs } from '../devstack/processes';
import { DEV_SERVER_SQLITE_PRAGMAS } from '../devstack/services';
import { ensureNamespace } from '../scripts/ensureNamespace';
import { CASE_SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';
import { createBenchDatabase, log, machineInfo, percentile, round, runBench, spawnTs, startDevServer, tempDir, writeResult } from './lib';

const STARTS = Number(process.env.BENCH_WORKER_STARTS ?? 5);

/** The worker's logged lines with their times, parsed from its JSON log. */
function loggedAt(file: string, msg: string): number[] {
  if (!existsSync(file)) return [];
  const out: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(`"${msg}"`)) continue;
    try {
      out.push(Date.parse((JSON.parse(line) as { time: string }).time));
    } catch {
      /* not a log line */
    }
  }
  return out;
}

runBench('worker-start', 20, async () => {
  const dir = tempDir('coe-worker-start-');
  const machine = await machineInfo();
  const cfg = loadConfig({ ...process.env, DATABASE_URL: undefined });
  const server = await startDevServer(dir, 'worker-start', DEV_SERVER_SQLITE_PRAGMAS, cfg.TEMPORAL_NAMESPACE);
  const connection = await Connection.connect({ address: server.address });
  try {
    await ensureNamespace(connection, { namespace: cfg.TEMPORAL_NAMESPACE, retentionDays: 1, searchAttributes: CASE_SEARCH_ATTRIBUTES });
  } finally {
    await connection.close();
  }
  const db = await createBenchDatabase(dir);
  const cacheDir = path.join(dir, 'bundle-cache');
  let n = 0;
  /** One start: spawned → "worker started"; then kill -9. */
  const start = async (cache: string): Promise<{ startS: number; bundle: string; loadS: number; bundleS: number; createS: number }> => {
    n += 1;
    const logFile = path.join(dir, `worker-${n}.log`);
    const env = {
      ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', DATABASE_URL: db.url, TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE: `worker-start-${n}`, NOTIFY_WEBHOOKS: '',
      WORKER_METRICS_PORT: '0', WORKER_SDK_METRICS_PORT: '0', WORKFLOW_BUNDLE_CACHE_DIR: cache,
    };
    const spawnedAt = Date.now();
    const p = spawnTs(`worker-${n}`, 'worker/main.ts', env, logFile, workerNodeArgs(cfg.WORKER_HEAP_MB));
    await waitUntil('worker started', async () => loggedAt(logFile, 'worker started').length > 0, { timeoutMs: 180_000, intervalMs: 50, proc: p });
    const startedAt = loggedAt(logFile, 'worker started')[0];
    const bundleLine = readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes('"workflow bundle"'));
    const bundle = bundleLine ? (JSON.parse(bundleLine) as { origin: string; ms: number; time: string }) : { origin: '?', ms: NaN, time: '' };
    // Where the time goes: loading the code (node, tsx, the modules) until the first log line;
    // the bundle; connecting and Worker.create (the workflow threads load the bundle).
    const firstLine = loggedAt(logFile, 'payload codec')[0];
    const bundledAt = Date.parse(bundle.time);
    const phases = { loadS: round((firstLine - spawnedAt) / 1000, 2), bundleS: round(bundle.ms / 1000, 2), createS: round((startedAt - bundledAt) / 1000, 2) };
    signalGroup(p.pid, 'SIGKILL');
    await p.exited;
    const startS = round((startedAt - spawnedAt) / 1000, 2);
    log(`start ${n} (${cache === 'off' ? 'cache off' : 'cache'}): ${startS}s, bundle ${bundle.origin} in ${bundle.ms} ms`);
    return { startS, bundle: bundle.origin, ...phases };
  };
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { n: s.length, minS: s[0], medianS: percentile(s, 50), maxS: s[s.length - 1] };
  };
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  // A first start (warms tsx's own transpile cache, bundles into the empty cache), then the two
  // ways alternately, so a change in the machine's load falls on both.
  const cold = await start(cacheDir);
  const off: Awaited<ReturnType<typeof start>>[] = [];
  const warm: Awaited<ReturnType<typeof start>>[] = [];
  for (let i = 0; i < STARTS; i++) {
    off.push(await start('off'));
    warm.push(await start(cacheDir));
  }
  const result = {
    benchmark: 'worker-start',
    finishedAt: new Date().toISOString(),
    what: 'spawned → the worker\'s "worker started" line (Worker.create done, polling next); each worker killed -9 once up',
    bundlingAtEveryStart: { ...summary(off.map((s) => s.startS)), each: off },
    firstStartEmptyCache: cold,
    fromCache: { ...summary(warm.map((s) => s.startS)), each: warm },
    loadAvgBefore: loadBefore,
    loadAvgAfter: os.loadavg().map((x) => round(x, 2)),
    machine,
  };
  const out = writeResult('worker-start.json', result);
  process.stdout.write(`${JSON.stringify({ bundlingAtEveryStart: result.bundlingAtEveryStart, fromCache: result.fromCache, firstStartEmptyCache: cold }, null, 2)}\nwritten: ${out}\n`);
  await server.stop();
});
