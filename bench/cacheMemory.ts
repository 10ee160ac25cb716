// How much heap one cached workflow holds in the worker: K workflows are started and
// left waiting on their timers, and the heap is compared (after full GCs) with the
// heap before. The Worker runs in debugMode so its workflows share this thread's heap
// and process.memoryUsage() sees them. Variants: a bare timer workflow (the SDK's own
// cost), the case workflow with every module evaluated per workflow, and the case
// workflow as the worker runs it (pure modules shared: platform/workflowCode.ts).
//
// npm run bench:memory   (BENCH_MEMORY_K, default 500) → bench/results/cache-memory.json
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../platform/workflowCode';
import { startLocalEnv } from '../devstack/testServers';
import { MemoryRecorder } from '../devstack/memoryRecorder';
import { caseInput } from '../devstack/sampleCaseInput';
import { envNumber, log, machineInfo, round, runBench, track, writeResult } from './lib';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const K = envNumber('BENCH_MEMORY_K', 500);

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

interface Variant {
  name: string;
  options: Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'>;
  start: (env: TestWorkflowEnvironment, taskQueue: string) => Promise<void>;
  /** Resolves once every started workflow has run its first task. */
  settled: (count: number) => Promise<void>;
}

async function measure(env: TestWorkflowEnvironment, v: Variant, recorder: MemoryRecorder) {
  const taskQueue = `memory-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    debugMode: true,
    maxCachedWorkflows: K + 100,
    activities: recorder.activities(),
    ...v.options,
  });
  const run = worker.run();
  try {
    await v.start(env, taskQueue); // one to warm the bundle and the thread up
    await v.settled(1);
    const before = await settledHeap();
    for (let i = 0; i < K; i += 50) await Promise.all(Array.from({ length: Math.min(50, K - i) }, () => v.start(env, taskQueue)));
    await v.settled(K + 1);
    const after = await settledHeap();
    const perWorkflowKB = round((after - before) / K / 1024);
    log(`${v.name}: ${perWorkflowKB} KB of heap per cached workflow`);
    return { name: v.name, workflows: K, heapBeforeMb: round(before / 2 ** 20), heapAfterMb: round(after / 2 ** 20), perWorkflowKB };
  } finally {
    worker.shutdown();
    await run;
  }
}

runBench('cache-memory', 10, async () => {
  const began = Date.now();
  const env = await startLocalEnv();
  track('dev server', () => env.teardown());
  const results = [];
  let bareDone = 0;
  const poll = async (done: () => number, count: number) => {
    while (done() < count) await new Promise((r) => setTimeout(r, 100));
  };
  // The bare workflow only sleeps; its first task is done once the worker has it cached.
  const bare: Variant = {
    name: 'benchTimerWorkflow (bare)',
    options: { workflowsPath: require.resolve('./workflows') },
    start: async (e, taskQueue) => {
      const h = await e.client.workflow.start('benchTimerWorkflow', { workflowId: `bare-${randomUUID()}`, taskQueue, args: [Date.now() + 3_600_000] });
      // A query is answered once the first task has run.
      for (;;) {
        try {
          await h.query('__stack_trace');
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      bareDone += 1;
    },
    settled: (count) => poll(() => bareDone, count),
  };
  for (const [name, options] of [
    ['caseWorkflow, every module per workflow', { workflowsPath: CASE_WORKFLOWS_PATH }],
    ['caseWorkflow, pure modules shared (as the worker runs it)', { workflowsPath: CASE_WORKFLOWS_PATH, bundlerOptions: CASE_BUNDLER_OPTIONS }],
  ] as const) {
    const recorder = new MemoryRecorder();
    results.push(
      await measure(env, {
        name,
        options,
        start: async (e, taskQueue) => {
          const input = caseInput(Date.now());
          await e.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
        },
        // The first task records the REPORTED fact: one projection per case.
        settled: (count) => poll(() => recorder.projections.size, count),
      }, recorder),
    );
  }
  results.unshift(await measure(env, bare, new MemoryRecorder()));
  const out = writeResult('cache-memory.json', {
    benchmark: 'cache-memory',
    finishedAt: new Date().toISOString(),
    durationS: round((Date.now() - began) / 1000, 0),
    machine: await machineInfo(),
    method: 'debugMode Worker in this process; heapUsed after 4 full GCs, before vs after K workflows that wait on timers (JS heap only: the SDK core keeps per-run state outside it)',
    results,
  });
  log(`written: ${out}`);
});
