// The replay corpus is a real guard: a change that would make running cases decide
// differently is caught with a DeterminismViolationError, and the same change made
// behind patched() replays every recorded history cleanly.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJson } from '../../platform/historyJson';
import { replayHistories, workflowBundle } from '../../features/audit/replay';

jest.setTimeout(120_000);

const DIR = path.resolve(__dirname, '..', 'histories');
const CHANGED = require.resolve('./fixtures/changedCaseWorkflow');
const PATCHED = require.resolve('./fixtures/patchedCaseWorkflow');
const DEADLINE = require.resolve('./fixtures/changedDeadlineCaseWorkflow');
const V1 = 'v1-activity-recorder';
const load = (file: string) => historyFromJson(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
/** Both corpora (test/replay/corpus.test.ts), as paths relative to test/histories. */
const allFiles = [...readdirSync(DIR).filter((f) => f.endsWith('.json')), ...readdirSync(path.join(DIR, V1)).filter((f) => f.endsWith('.json')).map((f) => `${V1}/${f}`)];
// The archiver's and the end-of-day sweep's histories are other workflow types, untouched by the change.
const caseFiles = allFiles.filter((f) => !path.basename(f).startsWith('archive-') && !path.basename(f).startsWith('end-of-day-'));

beforeAll(async () => {
  await Promise.all([workflowBundle(CHANGED), workflowBundle(PATCHED)]);
});

it('a corpus history replayed against the changed workflow fails with a DeterminismViolationError', async () => {
  const bundle = await workflowBundle(CHANGED);
  const replay = Worker.runReplayHistory({ workflowBundle: bundle }, load('accepted-in-time.json'), 'accepted-in-time');
  await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, load('accepted-in-time.json'))).rejects.toThrow(/[Nn]ondetermin/);
});

it('every recorded case history diverges from the changed workflow, at its first run', async () => {
  for (const file of caseFiles) {
    const verdict = await replayHistories([{ workflowId: file, runId: file, runIndex: 0, history: load(file) }], { workflowsPath: CHANGED });
    expect({ file, ok: verdict.ok }).toEqual({ file, ok: false });
    if (!verdict.ok) expect(verdict.divergence.kind).toBe('DeterminismViolationError');
  }
});

it('the same change behind patched() replays the whole corpus cleanly', async () => {
  const files = allFiles;
  const verdict = await replayHistories(
    files.map((f) => ({ workflowId: f, runId: f, history: load(f) })),
    { workflowsPath: PATCHED },
  );
  expect(verdict).toEqual({ ok: true, replayed: files.length });
});

it.each([
  ['accepted-in-time.json', 'recordCaseLocally'],
  [`${V1}/accepted-in-time.json`, 'recordCase'],
])('a change of what a case records (a deadline) passes plain replay but is caught when activity inputs are compared (%s)', async (file, recorder) => {
  const history = load(file);
  const input = [{ workflowId: 'accepted-in-time', runId: 'accepted-in-time', runIndex: 0, history }];
  expect(await replayHistories(input, { workflowsPath: DEADLINE })).toEqual({ ok: true, replayed: 1 });
  const verdict = await replayHistories(input, { workflowsPath: DEADLINE, compareActivityInputs: true });
  expect(verdict.ok).toBe(false);
  if (verdict.ok) return;
  expect(verdict.divergence.kind).toBe('ActivityInputMismatch');
  // The first recording carries the REPORTED fact with the accept window's due time.
  expect(verdict.divergence.message).toContain(`activity #1 (${recorder})`);
  expect(verdict.divergence.message).toMatch(/"path":"args\.0\.facts\.0\.event\.data\.windows\.0\.dueAt"/);
});
