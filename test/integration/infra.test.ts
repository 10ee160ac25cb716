// Proves the integration-test infrastructure: the run's Temporal dev server has
// the namespace with the configured retention and the case search attributes,
// a worker runs a workflow there, and the database answers through platform/db.ts.
import { Worker } from '@temporalio/worker';
import { databaseUrl } from '../../config/env';
import { createDb, type Db } from '../../platform/db';
import { connectTemporal, connectTemporalNative, type TemporalClientBundle } from '../../platform/temporalConnection';
import { CASE_SEARCH_ATTRIBUTES, CaseStatusKey } from '../../workflows/searchAttributes';
import { testConfig, testRunInfo, uniqueTaskQueue } from '../setup/env';

const cfg = testConfig();

describe('Temporal dev server', () => {
  let temporal: TemporalClientBundle;
  beforeAll(async () => {
    temporal = await connectTemporal(cfg);
  });
  afterAll(async () => {
    await temporal?.close();
  });

  it('points the config at the run’s server and namespace', () => {
    expect(cfg.TEMPORAL_ADDRESS).toBe(testRunInfo().temporalAddress);
    expect(cfg.TEMPORAL_NAMESPACE).toBe(testRunInfo().namespace);
  });

  it('has the namespace with retention ≥ TEMPORAL_RETENTION_DAYS', async () => {
    const ns = await temporal.connection.workflowService.describeNamespace({ namespace: cfg.TEMPORAL_NAMESPACE });
    const seconds = Number(ns.config?.workflowExecutionRetentionTtl?.seconds?.toString() ?? 0);
    expect(seconds).toBeGreaterThanOrEqual(cfg.TEMPORAL_RETENTION_DAYS * 86_400);
  });

  it('has the case search attributes registered', async () => {
    const { customAttributes } = await temporal.connection.operatorService.listSearchAttributes({
      namespace: cfg.TEMPORAL_NAMESPACE,
    });
    for (const key of CASE_SEARCH_ATTRIBUTES) expect(Object.keys(customAttributes ?? {})).toContain(key.name);
  });

  it('runs a workflow on a worker and finds it by a custom search attribute', async () => {
    const taskQueue = uniqueTaskQueue('infra');
    const status = `SMOKE_${taskQueue.replace(/-/g, '_')}`;
    const connection = await connectTemporalNative(cfg);
    try {
      const worker = await Worker.create({
        connection,
        namespace: cfg.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowsPath: require.resolve('../workflow/fixtures/sleeper'),
      });
      const result = await worker.runUntil(
        temporal.client.workflow.execute('upsertStatus', { taskQueue, workflowId: taskQueue, args: [status] }),
      );
      expect(result).toBe(status);
    } finally {
      await connection.close();
    }
    // Visibility is eventually consistent: poll briefly.
    const deadline = Date.now() + 15_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      ids = [];
      for await (const wf of temporal.client.workflow.list({ query: `CaseStatus = "${status}"` })) ids.push(wf.workflowId);
      if (ids.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toEqual([taskQueue]);
    const described = await temporal.client.workflow.getHandle(taskQueue).describe();
    expect(described.typedSearchAttributes.get(CaseStatusKey)).toBe(status);
  });

  it('answers SELECT 1 through platform/db.ts', async () => {
    const db: Db = createDb(databaseUrl(cfg), 2);
    try {
      const rows = await db.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`;
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.$disconnect();
    }
  });
});

describe('isolatedDatabase()', () => {
  it('gives a migrated database of its own and drops it', async () => {
    const { isolatedDatabase } = await import('../setup/env');
    const iso = await isolatedDatabase();
    try {
      expect(iso.url).not.toBe(databaseUrl(cfg));
      const db = createDb(iso.url, 2);
      try {
        const rows = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "OrgUnit"`;
        expect(rows).toEqual([{ n: 0 }]);
      } finally {
        await db.$disconnect();
      }
    } finally {
      await iso.drop();
    }
  });
});
