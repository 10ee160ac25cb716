// Stores the final history of every run of a closed case in the database, so auditors
// can read and replay it after Temporal's retention has deleted it.
//
//  - The case's latest run still running → a retryable failure: Temporal's retry backoff
//    (archiveCaseWorkflow's retry policy) waits for it, never a polling loop here.
//  - Otherwise every run of the continue-as-new chain is fetched (walking back through
//    WorkflowExecutionStarted.continuedExecutionRunId), replayed once against this
//    worker's workflow code (one prebuilt bundle per process), and stored.
//  - With beforeRunId (a continued run has recorded its first facts): only the runs before
//    that run, which have all closed, while the case goes on. A case parked on the long-term
//    plan for longer than Temporal's retention so keeps its early runs.
//  - Idempotent by (caseCode, runId): a second run of the activity finds the archive and
//    returns, and a race between two attempts inserts each run once (skipDuplicates).
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { caseCodeFromWorkflowId } from '../domain/caseCode';
import { decodeRuns, fetchRunChain, historyAsJson, type CaseRun } from '../features/audit/caseHistory';
import { payloadCodecsOf } from '../platform/temporalConnection';
import type { Db } from '../platform/db';
import { CASE_WORKFLOWS_PATH, describeVerdict, replayHistories } from '../features/audit/replay';
import type { CaseActivities } from '../workflows/activityContract';

/** Failure type while the case's workflow is still running (retried with backoff). */
export const CASE_STILL_RUNNING = 'CaseStillRunning';
/** Failure type when neither Temporal nor the archive has the case (not retried). */
export const CASE_HISTORY_NOT_FOUND = 'CaseHistoryNotFound';

export interface ArchiveCaseHistoryDeps {
  db: Pick<Db, 'caseHistoryArchive'>;
  client: Client;
  /** Workflow code the archive is verified against (default: the case workflows). */
  workflowsPath?: string;
  /** Where a history that does not replay is reported (it is archived all the same). */
  logger?: { warn(obj: object, msg: string): void };
}

export function makeArchiveCaseHistory(deps: ArchiveCaseHistoryDeps): CaseActivities['archiveCaseHistory'] {
  const { db, client } = deps;
  const workflowsPath = deps.workflowsPath ?? CASE_WORKFLOWS_PATH;

  const archived = async (caseCode: string) => {
    const rows = await db.caseHistoryArchive.findMany({ where: { caseCode }, select: { runId: true, eventCount: true } });
    return { runIds: new Set(rows.map((r) => r.runId)), events: rows.reduce((n, r) => n + r.eventCount, 0), runs: rows.length };
  };

  /** Replay-verify the runs not archived yet and store them; idempotent by (caseCode, runId). */
  const store = async (caseCode: string, workflowId: string, chain: CaseRun[], archivedRunIds: Set<string>) => {
    const runs = chain.filter((r) => !archivedRunIds.has(r.runId));
    if (runs.length === 0) return;
    // Verified on the decoded histories; stored as Temporal has them (encrypted when keys are set).
    const decoded = await decodeRuns(runs, payloadCodecsOf(client));
    const verdict = await replayHistories(
      decoded.map((r) => ({ workflowId, runId: r.runId, runIndex: r.runIndex, history: r.history })),
      { workflowsPath },
    );
    const verifiedAt = verdict.ok ? new Date() : null;
    const replayError = verdict.ok ? null : describeVerdict(verdict);
    // The history is the record: one that no longer replays is archived all the same, with the divergence.
    if (replayError) deps.logger?.warn({ caseCode, replayError }, 'archived history does not replay against this worker');

    await db.caseHistoryArchive.createMany({
      data: runs.map((r) => ({
        caseCode,
        runId: r.runId,
        runIndex: r.runIndex,
        workflowType: r.workflowType,
        closeStatus: r.status,
        history: historyAsJson(r.history) as object,
        eventCount: r.history.events?.length ?? 0,
        startedAt: new Date(r.startedAt),
        closedAt: r.closedAt === null ? null : new Date(r.closedAt),
        verifiedAt,
        replayError,
      })),
      skipDuplicates: true,
    });
  };

  /** What the archive holds for the case: the activity's result. */
  const totals = (held: { events: number; runs: number }) => ({ events: held.events, runs: held.runs });

  /** The runs before `beforeRunId`: closed (each continued as new), while the case goes on. */
  const archiveEarlierRuns = async (workflowId: string, caseCode: string, beforeRunId: string) => {
    const held = await archived(caseCode);
    // Back from the new run to the newest run already archived: each archiver fetches only its own.
    const chain = await fetchRunChain(client, workflowId, { fromRunId: beforeRunId, stopAt: (runId) => held.runIds.has(runId) });
    if (!chain) {
      // Temporal no longer has the run (the case ended and was deleted): its final archiver has the rest.
      if (held.runs > 0) return totals(held);
      throw ApplicationFailure.nonRetryable(`Temporal has no run ${beforeRunId} of ${workflowId} and nothing was archived`, CASE_HISTORY_NOT_FOUND);
    }
    await store(caseCode, workflowId, chain.slice(0, -1), held.runIds);
    return totals(await archived(caseCode));
  };

  return async function archiveCaseHistory({ workflowId, beforeRunId }) {
    const caseCode = caseCodeFromWorkflowId(workflowId);
    if (beforeRunId) return archiveEarlierRuns(workflowId, caseCode, beforeRunId);
    let latestRunId: string;
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      if (d.status.name === 'RUNNING') {
        throw ApplicationFailure.retryable(`case ${caseCode} is still running (run ${d.runId}); its history is not final yet`, CASE_STILL_RUNNING);
      }
      latestRunId = d.runId;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Temporal no longer has it: fine if it was archived before, hopeless otherwise.
      const before = await archived(caseCode);
      if (before.runs > 0) return totals(before);
      throw ApplicationFailure.nonRetryable(`Temporal has no workflow ${workflowId} and it was never archived`, CASE_HISTORY_NOT_FOUND);
    }

    const before = await archived(caseCode);
    if (before.runIds.has(latestRunId)) return totals(before);

    // Back to the newest run already archived (runs before a continued one are archived as it records).
    const runs = await fetchRunChain(client, workflowId, { stopAt: (runId) => before.runIds.has(runId) });
    const last = runs?.at(-1);
    if (!runs || !last || last.runId !== latestRunId || last.status === 'RUNNING') {
      // A run started between describe and fetch (not expected for a closed case): try again later.
      throw ApplicationFailure.retryable(`case ${caseCode} changed while being archived`, CASE_STILL_RUNNING);
    }

    await store(caseCode, workflowId, runs, before.runIds);
    return totals(await archived(caseCode));
  };
}
