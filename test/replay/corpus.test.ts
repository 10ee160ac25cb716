// Every recorded history in test/histories replays against the current workflow code.
// A change to workflows/ that would make a running case decide differently fails here,
// before it reaches a worker (docs/VERSIONING.md). No server is needed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJson } from '../../platform/historyJson';
import { describeVerdict, replayHistories, workflowBundle } from '../../features/audit/replay';

const DIR = path.resolve(__dirname, '..', 'histories');
// The current corpus, and the one recorded before facts were recorded by a local activity:
// cases started then still run, so their histories must replay for as long as they may.
const DIRS = [DIR, path.join(DIR, 'v1-activity-recorder')];
const FILES = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.relative(DIR, path.join(d, f))),
);

jest.setTimeout(120_000);

beforeAll(async () => {
  // One bundle for the whole file: every replay after it costs milliseconds.
  await workflowBundle();
});

it('has a recorded history for every path', () => {
  for (const d of DIRS) expect(FILES.filter((f) => path.dirname(path.join(DIR, f)) === d).length).toBeGreaterThanOrEqual(17);
});

it.each(FILES)('%s replays cleanly', async (file) => {
  const history = historyFromJson(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
  const verdict = await replayHistories([{ workflowId: file.replace(/\.json$/, ''), runId: file, history }]);
  expect(describeVerdict(verdict)).toBe('replays cleanly (1 run)');
});

it('replays the whole corpus in one replay worker', async () => {
  const inputs = FILES.map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    runId: file,
    history: historyFromJson(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
  }));
  const verdict = await replayHistories(inputs);
  expect(verdict).toEqual({ ok: true, replayed: FILES.length });
});

it('the current code schedules every activity with the recorded arguments (the same facts, the same deadlines)', async () => {
  // Temporal's replay checks commands, not activity inputs: this is the check that the case
  // machine would still record exactly what these histories recorded (docs/VERSIONING.md).
  const inputs = FILES.map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    runId: file,
    history: historyFromJson(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
  }));
  const verdict = await replayHistories(inputs, { compareActivityInputs: true });
  expect(describeVerdict(verdict)).toBe(`replays cleanly (${FILES.length} runs)`);
});
