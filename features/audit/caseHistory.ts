// A case's full Temporal history: every run of its continue-as-new chain, oldest first,
// read from Temporal or, once Temporal's retention has deleted it, from the archive
// table. One shape for both sources, so the timeline, the replayer and the API never
// care where a history came from.
//
// Payloads: a CaseRun's history is as Temporal stores it (encrypted by platform/payloadCodec
// when keys are configured), so the archive keeps ciphertext too. Readers that look into
// payloads decode first with decodeRuns (loadCaseHistory does, for the API).
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import { decodeHistory, historyFromJson, historyToJson, timestampMs, type History, type HistoryCodec } from '../../platform/historyJson';
import type { Db } from '../../platform/db';
import { GRPC_NOT_FOUND, grpcStatusOf, payloadCodecsOf } from '../../platform/temporalConnection';

/** One run of a case's workflow and its history. */
export interface CaseRun {
  runId: string;
  /** 0 for the run the case started in, then 1, 2… along the continue-as-new chain. */
  runIndex: number;
  workflowType: string;
  /** RUNNING, COMPLETED, CONTINUED_AS_NEW, TERMINATED, FAILED, TIMED_OUT or CANCELED. */
  status: RunStatus;
  startedAt: number;
  closedAt: number | null;
  history: History;
}

export type RunStatus = 'RUNNING' | 'COMPLETED' | 'CONTINUED_AS_NEW' | 'TERMINATED' | 'FAILED' | 'TIMED_OUT' | 'CANCELED';

/** Where a case's history was read from (both: early runs archived, Temporal has deleted them). */
export type HistorySource = 'TEMPORAL' | 'ARCHIVE' | 'ARCHIVE_AND_TEMPORAL';

export interface CaseHistory {
  workflowId: string;
  source: HistorySource;
  runs: CaseRun[];
}

/** The history file format: each run as Temporal exports it (protobuf JSON, as `temporal workflow show -o json`). */
export interface CaseHistoryJson {
  workflowId: string;
  source: HistorySource;
  runs: Array<{ runId: string; runIndex: number; workflowType: string; status: RunStatus; startedAt: string; closedAt: string | null; history: HistoryJson }>;
}

/** A history as Temporal's JSON export: `{ events: [...] }`. */
export interface HistoryJson {
  events: unknown[];
}

type HistoryEvent = NonNullable<History['events']>[number];

/** Close status of a run from its last event (RUNNING when the run has not closed). */
export function runStatusOf(history: History): RunStatus {
  const last = history.events?.at(-1);
  if (!last) return 'RUNNING';
  if (last.workflowExecutionCompletedEventAttributes) return 'COMPLETED';
  if (last.workflowExecutionContinuedAsNewEventAttributes) return 'CONTINUED_AS_NEW';
  if (last.workflowExecutionTerminatedEventAttributes) return 'TERMINATED';
  if (last.workflowExecutionFailedEventAttributes) return 'FAILED';
  if (last.workflowExecutionTimedOutEventAttributes) return 'TIMED_OUT';
  if (last.workflowExecutionCanceledEventAttributes) return 'CANCELED';
  return 'RUNNING';
}

function startedOf(history: History): NonNullable<HistoryEvent['workflowExecutionStartedEventAttributes']> {
  const attrs = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!attrs) throw new TypeError('a history must begin with WorkflowExecutionStarted');
  return attrs;
}

/** The run that this run continued (its predecessor in the chain), or null for the first run. */
export function previousRunId(history: History): string | null {
  return startedOf(history).continuedExecutionRunId || null;
}

/** Describe a run from its history alone. */
export function runOf(runId: string, runIndex: number, history: History): CaseRun {
  const events = history.events ?? [];
  const status = runStatusOf(history);
  return {
    runId,
    runIndex,
    workflowType: startedOf(history).workflowType?.name ?? '',
    status,
    startedAt: timestampMs(events[0].eventTime),
    closedAt: status === 'RUNNING' ? null : timestampMs(events[events.length - 1].eventTime),
    history,
  };
}

export interface RunChainOptions {
  /** Walk back from this run instead of the latest. */
  fromRunId?: string;
  /** Stop before the first run this is true of (e.g. one already archived). */
  stopAt?: (runId: string) => boolean;
}

/**
 * Every run of a workflow's continue-as-new chain, oldest first, from Temporal: the latest
 * run (or `fromRunId`), then back through WorkflowExecutionStarted.continuedExecutionRunId.
 * Null when Temporal has no such workflow or run (never started, or deleted by retention).
 */
export async function fetchRunChain(client: Client, workflowId: string, opts: RunChainOptions = {}): Promise<CaseRun[] | null> {
  let latestRunId: string;
  try {
    latestRunId = opts.fromRunId ?? (await client.workflow.getHandle(workflowId).describe()).runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  const newestFirst: Array<{ runId: string; history: History }> = [];
  const seen = new Set<string>();
  for (let runId: string | null = latestRunId; runId !== null && !opts.stopAt?.(runId); ) {
    if (seen.has(runId)) throw new Error(`run chain of ${workflowId} loops at ${runId}`);
    seen.add(runId);
    let history: History;
    try {
      history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    } catch (err) {
      // A run's history call fails with a plain gRPC NOT_FOUND, not WorkflowNotFoundError.
      if (!(err instanceof WorkflowNotFoundError || grpcStatusOf(err) === GRPC_NOT_FOUND)) throw err;
      // The first run asked for is gone: no chain. An older one deleted by retention: the chain Temporal still has starts later.
      if (newestFirst.length === 0) return null;
      break;
    }
    newestFirst.push({ runId, history });
    runId = previousRunId(history);
  }
  const oldestFirst = newestFirst.reverse();
  const first = oldestFirst[0];
  if (!first) return [];
  // Older runs of a long chain may be gone (retention counts from each run's close) or left out
  // (stopAt): number the runs from the position the first of them records.
  // The run index is in the (possibly encrypted) input: decoded with the client's own codecs.
  const base = previousRunId(first.history) === null ? 0 : recordedRunIndex(await decodeHistory(first.history, payloadCodecsOf(client))) ?? 0;
  return oldestFirst.map((r, i) => runOf(r.runId, base + i, r.history));
}

/**
 * The run's position in its chain as the case workflow records it (input.carried.runs, set
 * at each continue-as-new), or null when the input does not say.
 */
export function recordedRunIndex(history: History): number | null {
  const payload = startedOf(history).input?.payloads?.[0];
  if (!payload) return null;
  try {
    const input = defaultPayloadConverter.fromPayload<{ carried?: { runs?: unknown } }>(payload);
    const runs = input?.carried?.runs;
    return typeof runs === 'number' && Number.isInteger(runs) && runs >= 0 ? runs : null;
  } catch {
    return null;
  }
}

/** The archived runs of a case, oldest first, or null when it has not been archived. */
export async function loadArchivedRuns(db: Pick<Db, 'caseHistoryArchive'>, caseCode: string): Promise<CaseRun[] | null> {
  const rows = await db.caseHistoryArchive.findMany({ where: { caseCode }, orderBy: { runIndex: 'asc' } });
  if (rows.length === 0) return null;
  return rows.map((r) => ({
    runId: r.runId,
    runIndex: r.runIndex,
    workflowType: r.workflowType,
    status: r.closeStatus as RunStatus,
    startedAt: r.startedAt.getTime(),
    closedAt: r.closedAt?.getTime() ?? null,
    history: historyFromJson(r.history),
  }));
}

export interface LoadCaseHistoryDeps {
  db: Pick<Db, 'caseHistoryArchive'>;
  temporal: Client;
}

/** True when the archive holds the case to its end: its last run closed other than by continuing. */
export function archivedToTheEnd(archived: CaseRun[]): boolean {
  const last = archived.at(-1);
  return last !== undefined && last.status !== 'RUNNING' && last.status !== 'CONTINUED_AS_NEW';
}

/**
 * The chain Temporal has, preceded by the archived runs older than its first run (those
 * retention may have deleted from Temporal). Runs in both come from Temporal.
 */
export function withArchivedEarlierRuns(archived: CaseRun[], live: CaseRun[]): { runs: CaseRun[]; fromArchive: number } {
  const liveIds = new Set(live.map((r) => r.runId));
  const firstLive = live[0]?.runIndex ?? Number.POSITIVE_INFINITY;
  const earlier = archived.filter((r) => !liveIds.has(r.runId) && r.runIndex < firstLive);
  return { runs: [...earlier, ...live], fromArchive: earlier.length };
}

/**
 * A case's history: the archive when it holds the case to its end (closed, final, verified);
 * otherwise Temporal's chain, preceded by archived runs Temporal no longer has (a case on the
 * long-term plan archives each run once the next one records). Null when neither knows the
 * case. If Temporal is unreachable and the case is not archived to its end, the error
 * propagates (the caller answers 503).
 */
export async function loadCaseHistory(deps: LoadCaseHistoryDeps, workflowId: string): Promise<CaseHistory | null> {
  const stored = await loadStoredCaseHistory(deps, workflowId);
  // Decoded with the API client's codecs: the archive holds what the worker's client read, encrypted alike.
  return stored && { ...stored, runs: await decodeRuns(stored.runs, payloadCodecsOf(deps.temporal)) };
}

/** loadCaseHistory without decoding: the histories as Temporal and the archive store them. */
async function loadStoredCaseHistory(deps: LoadCaseHistoryDeps, workflowId: string): Promise<CaseHistory | null> {
  const archived = await loadArchivedRuns(deps.db, workflowId);
  if (archived && archivedToTheEnd(archived)) return { workflowId, source: 'ARCHIVE', runs: archived };
  const live = await fetchRunChain(deps.temporal, workflowId);
  if (!live) return archived ? { workflowId, source: 'ARCHIVE', runs: archived } : null;
  if (!archived) return { workflowId, source: 'TEMPORAL', runs: live };
  const { runs, fromArchive } = withArchivedEarlierRuns(archived, live);
  return { workflowId, source: fromArchive > 0 ? 'ARCHIVE_AND_TEMPORAL' : 'TEMPORAL', runs };
}

/** The runs with their histories' payloads decoded (platform/historyJson decodeHistory). */
export async function decodeRuns(runs: CaseRun[], codecs: readonly HistoryCodec[]): Promise<CaseRun[]> {
  if (codecs.length === 0) return runs;
  return Promise.all(runs.map(async (r) => ({ ...r, history: await decodeHistory(r.history, codecs) })));
}

/** A history as Temporal's JSON export (round-trips with historyFromJson). */
export function historyAsJson(history: History): HistoryJson {
  return historyToJson(history);
}

/** The JSON form of a case history (the history endpoint's body and the replay script's input file). */
export function caseHistoryToJson(h: CaseHistory): CaseHistoryJson {
  return {
    workflowId: h.workflowId,
    source: h.source,
    runs: h.runs.map((r) => ({
      runId: r.runId,
      runIndex: r.runIndex,
      workflowType: r.workflowType,
      status: r.status,
      startedAt: new Date(r.startedAt).toISOString(),
      closedAt: r.closedAt === null ? null : new Date(r.closedAt).toISOString(),
      history: historyAsJson(r.history),
    })),
  };
}

/**
 * Read any history file this project writes or Temporal exports: a single run's
 * `{ events }`, a CaseHistoryJson `{ runs: [{ history }] }`, or a dossier `{ history: CaseHistoryJson }`.
 * Runs without a known run id get a positional one.
 */
export function caseRunsFromJson(json: unknown, fallbackId = 'history'): { workflowId: string; runs: CaseRun[] } {
  const obj = json as { events?: unknown; runs?: unknown; history?: unknown; workflowId?: unknown };
  if (obj && typeof obj === 'object' && Array.isArray(obj.events)) {
    const history = historyFromJson(obj);
    return { workflowId: fallbackId, runs: [runOf(runIdOf(history, `${fallbackId}#0`), 0, history)] };
  }
  if (obj && typeof obj === 'object' && Array.isArray(obj.runs)) {
    const workflowId = typeof obj.workflowId === 'string' ? obj.workflowId : fallbackId;
    const runs = (obj.runs as Array<{ runId?: string; history?: unknown }>).map((r, i) => {
      const history = historyFromJson(r.history);
      return runOf(r.runId ?? runIdOf(history, `${workflowId}#${i}`), i, history);
    });
    return { workflowId, runs };
  }
  if (obj && typeof obj === 'object' && obj.history && typeof obj.history === 'object') return caseRunsFromJson(obj.history, fallbackId);
  throw new TypeError('not a history: expected { events: [...] } or { runs: [{ history }] }');
}

/** A run's own id as recorded in its start event (originalExecutionRunId), or the fallback. */
export function runIdOf(history: History, fallback: string): string {
  return startedOf(history).originalExecutionRunId || fallback;
}
