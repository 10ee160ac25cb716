// Archiving closed cases' histories, against the run's Temporal dev server and database
// (test/setup/globalSetup.ts): a real worker with the real recordCase, startArchiver and
// archiveCaseHistory activities. A case is archived exactly once even when the activity
// runs again, the archive replays, its timeline matches the event log, and auditors read
// it through the API (every read logged) after Temporal has deleted the workflow. A long
// case archives each run once the next one records, so retention cannot take its early runs.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { makeArchiveCaseHistory } from '../../activities/archiveCaseHistory';
import { createActivities } from '../../activities';
import { makeStartArchiver } from '../../activities/startArchiver';
import { errorHandler } from '../../api/errors';
import { compareWithRecord, createAuditRouter } from '../../api/routes/audit';
import { databaseUrl } from '../../config/env';
import { defaultCalendar, localDate } from '../../domain/calendar';
import type { Principal } from '../../features/auth/auth';
import { fetchRunChain, loadArchivedRuns, loadCaseHistory } from '../../features/audit/caseHistory';
import { createDb, type Db } from '../../platform/db';
import { replayHistories, workflowBundle } from '../../features/audit/replay';
import { connectTemporal, connectTemporalNative, type TemporalClientBundle } from '../../platform/temporalConnection';
import { deriveTimeline } from '../../features/audit/timeline';
import { archiveWorkflowId } from '../../workflows/archiveCaseWorkflow';
import { acceptCaseUpdate, respondCaseUpdate, type CaseWorkflowInput } from '../../workflows/messages';
import { ACTORS, caseInput } from '../workflow/caseFixture';
import { testConfig, uniqueTaskQueue } from '../setup/env';

jest.setTimeout(120_000);

const cfg = testConfig();
const PREFIX = `A${Array.from(randomBytes(4), (b) => String.fromCharCode(65 + (b % 26))).join('')}`;
let seq = 0;

let temporal: TemporalClientBundle;
let db: Db;
let worker: Worker;
let running: Promise<void>;
let closeNative: () => Promise<void>;
let taskQueue: string;
let archive: ReturnType<typeof makeArchiveCaseHistory>;

beforeAll(async () => {
  temporal = await connectTemporal(cfg, { retryForMs: 30_000 });
  const native = await connectTemporalNative(cfg, { retryForMs: 30_000 });
  closeNative = () => native.close();
  db = createDb(databaseUrl(cfg), 5);
  taskQueue = uniqueTaskQueue('archive');
  archive = makeArchiveCaseHistory({ db, client: temporal.client });
  worker = await Worker.create({
    connection: native,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      db,
      webhooks: { urls: [], timeoutMs: 1000 },
      loadCalendar: async () => defaultCalendar(),
      archiveCaseHistory: archive,
      startArchiver: makeStartArchiver(temporal.client, taskQueue),
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await closeNative?.();
  await temporal?.close();
  await db?.$disconnect();
});

/** A new case with a real case code (the API validates codes), on this file's task queue. */
async function startCase(o: { historyEventLimit?: number } = {}): Promise<CaseWorkflowInput> {
  const input = caseInput(Date.now(), { triage: 'PRIVATE' });
  seq += 1;
  input.intake.code = `${PREFIX}-${localDate(input.intake.reportedAt, input.calendar).replace(/-/g, '')}-${String(seq).padStart(6, '0')}`;
  // A tiny history limit makes the case continue as new after its first action: a real chain of runs.
  if (o.historyEventLimit) input.policy.historyEventLimit = o.historyEventLimit;
  await temporal.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return input;
}

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Accept, then (in the next run) answer with guidance: the case ends. */
async function driveToClose(code: string): Promise<void> {
  // The first workflow task must be done: an accept that rode in it would be decided while the
  // history is still 3 events long, under the limit, and the case would not continue as new.
  const first = await until(async () => {
    const d = await temporal.client.workflow.getHandle(code).describe();
    return d.historyLength > 3 && d;
  }, 'the first workflow task');
  await temporal.client.workflow.getHandle(code).executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  // The history limit makes it continue as new after this action.
  await until(async () => (await temporal.client.workflow.getHandle(code).describe()).runId !== first.runId, 'continue-as-new');
  await temporal.client.workflow.getHandle(code).executeUpdate(respondCaseUpdate, {
    args: [{ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '请联系物业处理' }],
  });
  await temporal.client.workflow.getHandle(code).result();
}

const archivedRows = (caseCode: string) =>
  db.caseHistoryArchive.findMany({ where: { caseCode }, orderBy: { runIndex: 'asc' }, select: { id: true, runId: true, runIndex: true, closeStatus: true, eventCount: true, verifiedAt: true, replayError: true, archivedAt: true } });

describe('archiveCaseHistory', () => {
  let code: string;

  beforeAll(async () => {
    code = (await startCase({ historyEventLimit: 3 })).intake.code;
    await driveToClose(code);
    // The case's last recordCase started its archiver; its activity retries until the case has closed.
    await temporal.client.workflow.getHandle(archiveWorkflowId(code)).result();
  });

  it('stores every run of a closed case once, verified by replay', async () => {
    const chain = (await fetchRunChain(temporal.client, code))!;
    expect(chain.length).toBeGreaterThanOrEqual(2);
    const rows = await archivedRows(code);
    expect(rows.map((r) => [r.runId, r.runIndex, r.closeStatus, r.eventCount])).toEqual(
      chain.map((r) => [r.runId, r.runIndex, r.status, r.history.events!.length]),
    );
    expect(rows.at(-1)!.closeStatus).toBe('COMPLETED');
    for (const r of rows) {
      expect(r.verifiedAt).toBeInstanceOf(Date);
      expect(r.replayError).toBeNull();
    }
  });

  it('is idempotent: running the activity again, even twice at once, archives nothing more', async () => {
    const before = await archivedRows(code);
    const results = await Promise.all([archive({ workflowId: code }), archive({ workflowId: code })]);
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual({ runs: before.length, events: before.reduce((n, r) => n + r.eventCount, 0) });
    expect(await archivedRows(code)).toEqual(before);
    // Two attempts racing on an empty archive still insert each run once.
    await db.caseHistoryArchive.deleteMany({ where: { caseCode: code } });
    await Promise.all([archive({ workflowId: code }), archive({ workflowId: code })]);
    const again = await archivedRows(code);
    expect(again.map((r) => r.runId)).toEqual(before.map((r) => r.runId));
  });

  it('the archive replays, and its timeline agrees with the event log row by row', async () => {
    const runs = (await loadArchivedRuns(db, code))!;
    const verdict = await replayHistories(runs.map((r) => ({ workflowId: code, runId: r.runId, runIndex: r.runIndex, history: r.history })));
    expect(verdict).toEqual({ ok: true, replayed: runs.length });
    const timeline = deriveTimeline(runs);
    const events = await db.caseEvent.findMany({ where: { caseCode: code }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['REPORTED', 'ACCEPTED', 'GUIDANCE_GIVEN', 'CLOSED']);
    const views = events.map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), actorId: e.actorId, actorRole: e.actorRole, unitId: e.unitId, level: e.level, data: e.data as Record<string, unknown> }));
    expect(compareWithRecord(timeline, views)).toEqual({ factsInHistory: 4, eventsInRecord: 4, consistent: true, mismatches: [] });
    expect(timeline.entries.filter((e) => e.kind === 'FACT').map((e) => e.data)).toEqual(views.map((v) => v.data));
  });

  it('archives the runs before a continued run once it records, so retention cannot take them from a long case', async () => {
    const { intake } = await startCase({ historyEventLimit: 3 });
    const handle = temporal.client.workflow.getHandle(intake.code);
    const first = await until(async () => {
      const d = await handle.describe();
      return d.historyLength > 3 && d;
    }, 'the first workflow task');
    await handle.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    // Run 1's first workflow task done too, so the response below is decided past the history limit.
    const second = await until(async () => {
      const d = await handle.describe();
      return d.runId !== first.runId && d.historyLength > 3 && d;
    }, 'continue-as-new');
    // The continued run's first facts (a response that does not end the case) start the archiver of run 0.
    // The case is a private matter (三事分流): handling it corrects its kind, with a reason (CasePolicy.triage).
    await handle.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL', triageReason: '需网格员现场处理' }] });
    // Started by the recordCase activity that records the response, a moment after the update answers.
    const archiver = temporal.client.workflow.getHandle(archiveWorkflowId(intake.code, second.runId));
    await until(() => archiver.describe().catch(() => null), 'the archiver of run 0');
    await expect(archiver.result()).resolves.toMatchObject({ runs: 1 });
    const rows = await archivedRows(intake.code);
    expect(rows.map((r) => [r.runId, r.runIndex, r.closeStatus])).toEqual([[first.runId, 0, 'CONTINUED_AS_NEW']]);
    expect(rows[0].verifiedAt).toBeInstanceOf(Date);
    expect(rows[0].replayError).toBeNull();
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // The response made run 1 continue too: the archiver of the runs before run 2 walks back only to run 0, already archived.
    const third = await until(async () => {
      const d = await handle.describe();
      return d.runId !== second.runId && d;
    }, 'the second continue-as-new');
    expect(await archive({ workflowId: intake.code, beforeRunId: third.runId })).toMatchObject({ runs: 2 });
    expect((await archivedRows(intake.code)).map((r) => [r.runId, r.runIndex, r.closeStatus])).toEqual([
      [first.runId, 0, 'CONTINUED_AS_NEW'],
      [second.runId, 1, 'CONTINUED_AS_NEW'],
    ]);

    // Retention deletes run 0 from Temporal: the history still starts with it, from the archive.
    await temporal.client.workflowService.deleteWorkflowExecution({
      namespace: cfg.TEMPORAL_NAMESPACE,
      workflowExecution: { workflowId: intake.code, runId: first.runId },
    });
    const merged = await until(async () => {
      const h = await loadCaseHistory({ db, temporal: temporal.client }, intake.code);
      return h?.source === 'ARCHIVE_AND_TEMPORAL' && h;
    }, 'Temporal to delete run 0', 100_000);
    expect(merged.runs[0]).toMatchObject({ runId: first.runId, runIndex: 0, status: 'CONTINUED_AS_NEW' });
    expect(merged.runs.slice(1).map((r) => r.runIndex)).toEqual(merged.runs.slice(1).map((_, i) => i + 1));
    expect(merged.runs.at(-1)!.status).toBe('RUNNING');
    // Every run of the merged history still replays.
    const verdict = await replayHistories(merged.runs.map((r) => ({ workflowId: intake.code, runId: r.runId, runIndex: r.runIndex, history: r.history })));
    expect(verdict).toEqual({ ok: true, replayed: merged.runs.length });
    // `npm run replay -- <code>` takes the same runs.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), path.resolve(__dirname, '../../scripts/replay.ts'), intake.code],
      { env: { ...process.env, TEMPORAL_ADDRESS: cfg.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE, DATABASE_URL: databaseUrl(cfg) } },
    );
    expect(stdout).toContain(`${intake.code} (${merged.runs.length} runs, from archive_and_temporal): replays cleanly`);
    await handle.terminate('test done');
    // Slow on a busy machine: two continue-as-new, Temporal's deletion of run 0 and a replay in a child
    // process that bundles the workflows (a clean clone has no bundle cache); in band in CI it took over 180 s.
  }, 420_000);

  it('fails retryably while the case is still running (Temporal\'s backoff waits, no polling loop)', async () => {
    const { intake } = await startCase();
    const err = await archive({ workflowId: intake.code }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'CaseStillRunning', nonRetryable: false });
    expect(await archivedRows(intake.code)).toEqual([]);
    await temporal.client.workflow.getHandle(intake.code).terminate('test done');
  });
});

describe('audit API', () => {
  let app: Express;
  let archivedCode: string;
  let openCode: string;
  const people: Record<string, Principal> = {
    auditor: { personId: 'p-audit-1', role: 'AUDITOR', unitId: 'GL', name: '审计员', via: 'jwt' },
    admin: { personId: 'p-admin-1', role: 'ADMIN', unitId: 'GL', name: '管理员', via: 'jwt' },
    elsewhere: { personId: 'p-audit-xx', role: 'AUDITOR', unitId: 'XX', name: '外区审计员', via: 'jwt' },
    grid: { personId: 'p-grid', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01', name: '网格员', via: 'jwt' },
  };
  const as = (who: keyof typeof people) => ({ 'x-test-person': who });

  beforeAll(async () => {
    app = express();
    // Stands in for the API's authenticate middleware: the principal is on req.
    app.use((req, _res, next) => {
      req.principal = people[String(req.headers['x-test-person'])];
      next();
    });
    app.use(createAuditRouter({ db, temporal: temporal.client, logger: pino({ level: 'silent' }) }));
    app.use(errorHandler(pino({ level: 'silent' })));

    archivedCode = (await startCase({ historyEventLimit: 3 })).intake.code;
    await driveToClose(archivedCode);
    await temporal.client.workflow.getHandle(archiveWorkflowId(archivedCode)).result();
    openCode = (await startCase()).intake.code;
    await temporal.client.workflow.getHandle(openCode).executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await until(async () => (await db.caseEvent.count({ where: { caseCode: openCode } })) === 2, 'the open case recorded');
  });

  afterAll(async () => {
    await temporal.client.workflow.getHandle(openCode).terminate('test done').catch(() => undefined);
  });

  const accessOf = (personId: string) => db.auditAccess.findMany({ where: { personId }, orderBy: { id: 'asc' } });

  it('refuses everyone but auditors and admins, and logs nothing for them', async () => {
    for (const p of ['history', 'timeline', 'replay', 'dossier']) {
      const res = await request(app).get(`/cases/${archivedCode}/${p}`).set(as('grid'));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await accessOf('p-grid')).toEqual([]);
  });

  it('answers an auditor of another district as if the case did not exist, and logs the attempt', async () => {
    for (const code of [openCode, archivedCode]) {
      for (const p of ['history', 'timeline', 'replay', 'dossier']) {
        const res = await request(app).get(`/cases/${code}/${p}`).set(as('elsewhere'));
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('NOT_FOUND');
      }
    }
    expect((await accessOf('p-audit-xx')).map((r) => [r.caseCode, r.what])).toEqual(
      [openCode, archivedCode].flatMap((c) => ['HISTORY', 'TIMELINE', 'REPLAY', 'DOSSIER'].map((w) => [c, w])),
    );
  });

  it('serves an open case\'s history from Temporal and a closed one\'s from the archive', async () => {
    const open = await request(app).get(`/cases/${openCode}/history`).set(as('auditor'));
    expect(open.status).toBe(200);
    expect(open.body).toMatchObject({ workflowId: openCode, source: 'TEMPORAL', runs: [{ runIndex: 0, status: 'RUNNING' }] });
    expect(open.body.runs[0].history.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');

    const closed = await request(app).get(`/cases/${archivedCode}/history`).set(as('auditor'));
    expect(closed.status).toBe(200);
    expect(closed.body.source).toBe('ARCHIVE');
    expect(closed.body.runs.length).toBeGreaterThanOrEqual(2);
    expect(closed.body.runs.at(-1)).toMatchObject({ status: 'COMPLETED' });
  });

  it('derives the timeline, replays, and bundles a dossier with the record', async () => {
    const timeline = await request(app).get(`/cases/${archivedCode}/timeline`).set(as('admin'));
    expect(timeline.status).toBe(200);
    expect(timeline.body.timeline.facts).toBe(4);
    expect(timeline.body.timeline.entries.find((e: { type: string }) => e.type === 'ACCEPTED')).toMatchObject({
      actor: { personId: 'p-grid', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01' },
      window: { kind: 'ACCEPT' },
      onTime: true,
    });
    const text = await request(app).get(`/cases/${archivedCode}/timeline?format=text`).set(as('auditor'));
    expect(text.type).toBe('text/plain');
    expect(text.text).toContain('ACCEPTED by p-grid (GRID_WORKER, GL-S01-C01-G01)');

    const replay = await request(app).get(`/cases/${archivedCode}/replay`).set(as('auditor'));
    expect(replay.body).toMatchObject({ ok: true, source: 'ARCHIVE' });

    const dossier = await request(app).get(`/cases/${archivedCode}/dossier`).set(as('auditor'));
    expect(dossier.status).toBe(200);
    expect(dossier.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?${archivedCode}-dossier\\.json"?$`));
    expect(dossier.body).toMatchObject({
      code: archivedCode,
      generatedFor: { personId: 'p-audit-1', role: 'AUDITOR' },
      replay: { ok: true },
      consistency: { consistent: true, factsInHistory: 4, eventsInRecord: 4 },
      record: { case: { code: archivedCode, status: 'CLOSED', resolution: 'GUIDANCE' } },
    });
    expect(dossier.body.record.events).toHaveLength(4);
    expect(dossier.body.history.runs.length).toBe(dossier.body.timeline.runs.length);
  });

  it('answers 404 for an unknown case and 400 for a malformed code', async () => {
    expect((await request(app).get(`/cases/${PREFIX}-20260101-999999/history`).set(as('auditor'))).status).toBe(404);
    expect((await request(app).get('/cases/not-a-code/history').set(as('auditor'))).status).toBe(400);
  });

  it('logs every audit read: who, role, unit, case, what, when', async () => {
    const rows = await accessOf('p-audit-1');
    expect(rows.map((r) => [r.role, r.unitId, r.caseCode, r.what])).toEqual([
      ['AUDITOR', 'GL', openCode, 'HISTORY'],
      ['AUDITOR', 'GL', archivedCode, 'HISTORY'],
      ['AUDITOR', 'GL', archivedCode, 'TIMELINE'],
      ['AUDITOR', 'GL', archivedCode, 'REPLAY'],
      ['AUDITOR', 'GL', archivedCode, 'DOSSIER'],
      ['AUDITOR', 'GL', `${PREFIX}-20260101-999999`, 'HISTORY'],
    ]);
    for (const r of rows) expect(r.at).toBeInstanceOf(Date);
    expect((await accessOf('p-admin-1')).map((r) => r.what)).toEqual(['TIMELINE']);
  });

  it('still serves and replays the history once Temporal has deleted the workflow', async () => {
    const chain = (await fetchRunChain(temporal.client, archivedCode))!;
    for (const r of chain) {
      await temporal.client.workflowService.deleteWorkflowExecution({
        namespace: cfg.TEMPORAL_NAMESPACE,
        workflowExecution: { workflowId: archivedCode, runId: r.runId },
      });
    }
    await until(
      async () => temporal.client.workflow.getHandle(archivedCode).describe().then(() => false, (e: unknown) => e instanceof WorkflowNotFoundError),
      'Temporal to delete the case',
      // The dev server deletes in the background; under a full parallel run it takes a while.
      100_000,
    );
    const res = await request(app).get(`/cases/${archivedCode}/replay`).set(as('auditor'));
    expect(res.body).toMatchObject({ ok: true, source: 'ARCHIVE', runs: chain.length });
    // The activity, run again now, finds the archive and changes nothing.
    expect(await archive({ workflowId: archivedCode })).toMatchObject({ runs: chain.length });

    // `npm run replay -- <code>` falls back to the archive too.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [require.resolve('tsx/cli'), path.resolve(__dirname, '../../scripts/replay.ts'), archivedCode],
      { env: { ...process.env, TEMPORAL_ADDRESS: cfg.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE, DATABASE_URL: databaseUrl(cfg) } },
    );
    expect(stdout).toContain(`${archivedCode} (${chain.length} runs, from archive): replays cleanly`);
  }, 180_000);
});
