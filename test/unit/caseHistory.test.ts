// Reading histories in every form the project meets: Temporal's JSON export of one run, the
// history endpoint's { runs } and the dossier; run chains walked through continuedExecutionRunId.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  archivedToTheEnd,
  caseHistoryToJson,
  caseRunsFromJson,
  previousRunId,
  recordedRunIndex,
  runIdOf,
  runOf,
  runStatusOf,
  withArchivedEarlierRuns,
  type CaseHistory,
  type CaseRun,
} from '../../features/audit/caseHistory';
import { historyFromJson, historyToJson, timestampMs } from '../../platform/historyJson';

const DIR = path.resolve(__dirname, '..', 'histories');
const read = (f: string) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8'));
const chainFiles = ['long-term-plan.run-0.json', 'long-term-plan.run-1.json', 'long-term-plan.run-2.json'];

it('round-trips Temporal JSON exactly', () => {
  const json = read('department-called-late.json');
  expect(historyToJson(historyFromJson(json))).toEqual(json);
});

it('accepts older exports with Pascal-case enum names', () => {
  const json = read('private-guidance.json');
  const old = { events: json.events.map((e: { eventType: string }) => ({ ...e, eventType: e.eventType.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)(\w)/g, (_m: string, _u: string, c: string) => c.toUpperCase()) })) };
  expect(old.events[0].eventType).toBe('WorkflowExecutionStarted');
  expect(historyToJson(historyFromJson(old))).toEqual(json);
});

it('walks a continue-as-new chain: statuses, predecessors, recorded run positions', () => {
  const runs = chainFiles.map((f) => historyFromJson(read(f)));
  expect(runs.map(runStatusOf)).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'COMPLETED']);
  expect(previousRunId(runs[0])).toBeNull();
  expect(previousRunId(runs[1])).toBe(runIdOf(runs[0], '?'));
  expect(previousRunId(runs[2])).toBe(runIdOf(runs[1], '?'));
  expect(runs.map(recordedRunIndex)).toEqual([null, 1, 2]);
  const first = runOf(runIdOf(runs[0], '?'), 0, runs[0]);
  expect(first.startedAt).toBe(timestampMs(runs[0].events![0].eventTime));
  expect(first.closedAt).toBeGreaterThan(first.startedAt);
});

it('reads a single export, the history endpoint\'s body and a dossier alike', () => {
  const single = caseRunsFromJson(read('whistle.json'), 'whistle');
  expect(single.runs).toHaveLength(1);
  expect(single.runs[0]).toMatchObject({ runIndex: 0, workflowType: 'caseWorkflow', status: 'COMPLETED' });

  const h: CaseHistory = {
    workflowId: 'GL-20261123-990009',
    source: 'ARCHIVE',
    runs: chainFiles.map((f, i) => {
      const history = historyFromJson(read(f));
      return runOf(runIdOf(history, f), i, history);
    }),
  };
  const body = JSON.parse(JSON.stringify(caseHistoryToJson(h)));
  const fromBody = caseRunsFromJson(body);
  expect(fromBody.workflowId).toBe('GL-20261123-990009');
  expect(fromBody.runs.map((r) => [r.runId, r.runIndex, r.status])).toEqual(h.runs.map((r) => [r.runId, r.runIndex, r.status]));
  expect(caseRunsFromJson({ code: 'x', history: body }).runs).toHaveLength(3);
  expect(() => caseRunsFromJson({ nothing: true })).toThrow(/not a history/);
});

describe('a long chain read from the archive and Temporal together', () => {
  const chain: CaseRun[] = chainFiles.map((f, i) => {
    const history = historyFromJson(read(f));
    return runOf(runIdOf(history, f), i, history);
  });
  const running: CaseRun = { ...chain[2], status: 'RUNNING', closedAt: null };

  it('the archive alone serves a case only once it holds the case to its end', () => {
    expect(archivedToTheEnd(chain)).toBe(true);
    expect(archivedToTheEnd(chain.slice(0, 2))).toBe(false);
    expect(archivedToTheEnd([])).toBe(false);
  });

  it('prepends the archived runs that Temporal has deleted, and takes runs in both from Temporal', () => {
    // Retention deleted run 0; run 1 is in both; run 2 still runs.
    const merged = withArchivedEarlierRuns(chain.slice(0, 2), [chain[1], running]);
    expect(merged.fromArchive).toBe(1);
    expect(merged.runs.map((r) => [r.runIndex, r.status])).toEqual([[0, 'CONTINUED_AS_NEW'], [1, 'CONTINUED_AS_NEW'], [2, 'RUNNING']]);
    expect(merged.runs[1]).toBe(chain[1]);
    // Nothing deleted yet: Temporal's chain as it is.
    expect(withArchivedEarlierRuns(chain.slice(0, 1), [chain[0], chain[1], running])).toEqual({ runs: [chain[0], chain[1], running], fromArchive: 0 });
  });
});
