// Replays recorded histories against workflow code: the guard that a change to the
// workflows still reproduces every recorded decision. Used by the archive activity
// (verify before storing), the audit API, `npm run replay` and the corpus tests.
// The worker and workflow packages (and the bundle cache, which needs the bundler) are loaded on
// the first replay, not with this module: the API imports it for its audit routes, and most API
// processes never replay (platform/deferredRuntimeLogger).
import { isDeepStrictEqual } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/common';
import type { DefaultLogger, InjectedSinks, WorkflowBundle } from '@temporalio/worker';
import type { History } from '../../platform/historyJson';
import type { ReplayProbeSinks } from './replayProbe';
import { localActivityOf, recordedBatchOf } from './recordedFacts';
import { CASE_WORKFLOWS_PATH } from '../../platform/workflowCode';
import { ensureRuntimeLogger } from '../../platform/deferredRuntimeLogger';

export { CASE_WORKFLOWS_PATH };

/** The interceptor that reports scheduled activities to the strict replay. */
const PROBE_PATH = require.resolve('./replayProbe');

/** One history to replay; the workflow id is not in the history, so it travels beside it. */
export interface ReplayInput {
  workflowId: string;
  runId: string;
  runIndex?: number;
  history: History;
}

/** Where replay first departed from the history. */
export interface Divergence {
  workflowId: string;
  runId: string;
  runIndex: number | null;
  /**
   * DeterminismViolationError: the code issued other commands; ActivityInputMismatch: the same
   * commands, but an activity got other arguments (e.g. the case would record another fact);
   * ReplayError: the replay itself failed.
   */
  kind: 'DeterminismViolationError' | 'ActivityInputMismatch' | 'ReplayError';
  message: string;
}

export type ReplayVerdict = { ok: true; replayed: number } | { ok: false; replayed: number; divergence: Divergence };

const bundles = new Map<string, Promise<WorkflowBundle>>();
let quietLogger: DefaultLogger | undefined;
const quiet = async (): Promise<DefaultLogger> => (quietLogger ??= new (await import('@temporalio/worker')).DefaultLogger('WARN'));

/**
 * The workflow bundle for `workflowsPath`, built once per process. Bundling (webpack) costs
 * seconds; the replay itself costs milliseconds, so every replay after the first is cheap.
 * `probe` adds the interceptor that reports scheduled activities (compareActivityInputs).
 */
export function workflowBundle(workflowsPath: string = CASE_WORKFLOWS_PATH, opts: { probe?: boolean } = {}): Promise<WorkflowBundle> {
  const key = `${workflowsPath}${opts.probe ? '#probe' : ''}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    const interceptors = opts.probe ? { workflowInterceptorModules: [PROBE_PATH] } : {};
    bundle = (async () => {
      const logger = await quiet();
      if (workflowsPath === CASE_WORKFLOWS_PATH) {
        // The case code is replayed as the worker runs it (shared modules), from the worker's bundle cache.
        const { bundleCacheDirOf, caseWorkflowBundle } = await import('../../platform/workflowBundleCache');
        return (await caseWorkflowBundle({ cacheDir: bundleCacheDirOf(process.env), logger, ...interceptors })).bundle;
      }
      const { bundleWorkflowCode } = await import('@temporalio/worker');
      const { code } = await bundleWorkflowCode({ workflowsPath, logger, ...interceptors });
      return { code };
    })();
    // A failed build is not remembered: the next call tries again.
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

export interface ReplayOptions {
  /** Workflow code to replay against (default: the case workflows). Ignored when `bundle` is given. */
  workflowsPath?: string;
  bundle?: WorkflowBundle;
  /**
   * Also require every activity the code schedules to get the arguments the history recorded.
   * Temporal's replay compares commands, not activity inputs: without this, a change to what
   * the case machine records (a fact's type or data) replays "cleanly".
   */
  compareActivityInputs?: boolean;
}

/** args null: a local activity whose arguments the history does not hold (only its type is compared). */
type ScheduledActivity = { activityType: string; args: unknown[] | null };

/**
 * The activities a history scheduled, in order, with their decoded arguments. A local
 * activity's arguments are not in the history: only recordCaseLocally's, which it echoes
 * in its result (features/audit/recordedFacts), can be compared.
 */
function scheduledIn(history: History): ScheduledActivity[] {
  return (history.events ?? []).flatMap((e): ScheduledActivity[] => {
    const a = e.activityTaskScheduledEventAttributes;
    if (a) {
      const args = (a.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
      return [{ activityType: a.activityType?.name ?? '', args }];
    }
    const la = localActivityOf(e);
    if (!la) return [];
    const batch = recordedBatchOf(e);
    return [{ activityType: la.activityType, args: batch ? [batch.input] : null }];
  });
}

/** Plain JSON values (what a payload round trip keeps), for comparison. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v ?? null));

function firstInputMismatch(recorded: ScheduledActivity[], replayed: ScheduledActivity[]): string | null {
  for (let i = 0; i < Math.min(recorded.length, replayed.length); i++) {
    const [r, p] = [recorded[i], replayed[i]];
    if (r.activityType !== p.activityType || (r.args !== null && !isDeepStrictEqual(plain(r.args), plain(p.args)))) {
      const detail = JSON.stringify(diffPath(plain(r.args), plain(p.args)));
      return `activity #${i + 1} (${r.activityType}) was scheduled with other arguments than recorded: ${detail}`;
    }
  }
  return null;
}

/** The first place two JSON values differ: { path, recorded, replayed }. */
function diffPath(a: unknown, b: unknown, path = 'args'): { path: string; recorded: unknown; replayed: unknown } | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) {
      const d = diffPath((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return { path, recorded: a, replayed: b };
}

/**
 * Replay each history in order with one replay worker; stops at the first divergence.
 * Throws only when replay cannot run at all (e.g. the bundle does not build).
 */
export async function replayHistories(inputs: readonly ReplayInput[], opts: ReplayOptions = {}): Promise<ReplayVerdict> {
  if (inputs.length === 0) return { ok: true, replayed: 0 };
  const probe = opts.compareActivityInputs === true;
  const bundle = opts.bundle ?? (await workflowBundle(opts.workflowsPath, { probe }));
  const seen: ScheduledActivity[] = [];
  const sinks: InjectedSinks<ReplayProbeSinks> = {
    replayProbe: { activity: { fn: (_info, activityType, args) => void seen.push({ activityType, args }), callDuringReplay: true } },
  };
  let replayed = 0;
  await ensureRuntimeLogger();
  const [{ Worker }, { DeterminismViolationError }] = await Promise.all([import('@temporalio/worker'), import('@temporalio/workflow')]);
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'case-replay', ...(probe ? { sinks } : {}) },
    inputs.map((i) => ({ workflowId: i.workflowId, history: i.history })),
  );
  // Histories are replayed one at a time, in order: the n-th result is the n-th input.
  for await (const result of results) {
    const input = inputs[replayed];
    const mismatch = !result.error && probe ? firstInputMismatch(scheduledIn(input.history), seen.splice(0)) : null;
    if (result.error || mismatch) {
      // Returning from the loop stops the iterator, which shuts the replay worker down.
      return {
        ok: false,
        replayed,
        divergence: {
          workflowId: result.workflowId,
          runId: input.runId,
          runIndex: input.runIndex ?? null,
          kind: mismatch ? 'ActivityInputMismatch' : result.error instanceof DeterminismViolationError ? 'DeterminismViolationError' : 'ReplayError',
          message: mismatch ?? result.error!.message,
        },
      };
    }
    seen.length = 0;
    replayed += 1;
  }
  return { ok: true, replayed };
}

/** One line for people: "replays cleanly" or the first divergence. */
export function describeVerdict(v: ReplayVerdict): string {
  if (v.ok) return `replays cleanly (${v.replayed} run${v.replayed === 1 ? '' : 's'})`;
  const d = v.divergence;
  const run = d.runIndex === null ? d.runId : `run ${d.runIndex} (${d.runId})`;
  return `diverges in ${run} of ${d.workflowId}: ${d.kind}: ${d.message}`;
}
