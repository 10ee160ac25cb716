// The response window counts from receipt (接到事项1个工作小时内) on the time-skipping server:
// a new case accepted 8 minutes after its report must decide within the hour from the report,
// and lapses then; a case started before the flag counts from its acceptance. The server's
// clock is first moved to a Tuesday 10:00 Beijing (office hours), so the figures never depend on
// the time of day the test runs.
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { acceptCaseUpdate, getCaseStateQuery, type CaseWorkflowInput } from '../../workflows/messages';
import { ACTORS, caseInput, startCaseEnv, terminateWhenQuiet, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

const MIN = 60_000;
const HOUR = 60 * MIN;
const WEEK = 7 * 24 * HOUR;
/** A Tuesday 10:00 Beijing; the test runs at the first one after the server's clock. */
const TUESDAY_10 = Date.parse('2026-11-24T10:00:00+08:00');

let env: TestWorkflowEnvironment;
let worker: Worker;
let recorder: MemoryRecorder;
let taskQueue: string;
let run: Promise<void>;

beforeAll(async () => {
  ({ env, worker, recorder, taskQueue, run } = await startCaseEnv());
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

/** Skip the server's clock to the next Tuesday 10:00 Beijing (the default calendar has no holidays). */
async function toTuesdayMorning(): Promise<void> {
  const now = await env.currentTimeMs();
  const target = TUESDAY_10 + Math.max(1, Math.ceil((now - TUESDAY_10) / WEEK) + 1) * WEEK;
  await env.sleep(target - now);
}

async function start(o: Parameters<typeof caseInput>[1] = {}): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput }> {
  const input = caseInput(await env.currentTimeMs(), o);
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return { h, input };
}

it('reported 10:00, accepted 10:08: a new case must decide by 11:00 and lapses then; a case started before the flag by 11:08', async () => {
  await toTuesdayMorning();
  const { h, input } = await start();
  const old = await start({ noResponseFromReceipt: true });
  const reported = input.intake.reportedAt;
  expect(input.policy.responseFromReceipt).toBe(true);
  expect(old.input.policy.responseFromReceipt).toBeUndefined();
  await env.sleep(8 * MIN);
  const s = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  const w = s.windows.find((x) => x.kind === 'RESPONSE')!;
  expect(w.startedAt).toBe(reported);
  expect(w.dueAt).toBe(reported + HOUR);
  const sOld = await old.h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  const wOld = sOld.windows.find((x) => x.kind === 'RESPONSE')!;
  expect(wOld.dueAt - wOld.startedAt).toBe(HOUR);
  expect(wOld.startedAt).toBeGreaterThanOrEqual(old.input.intake.reportedAt + 8 * MIN);

  await env.sleep(53 * MIN);
  const after = await recorder.settled(h, input.intake.code);
  const breach = recorder.of(input.intake.code).find((e) => e.type === 'BREACHED');
  expect(breach?.data).toMatchObject({ kind: 'RESPONSE', dueAt: reported + HOUR });
  // The grid's missed hour goes to its community (the default ladder, 层层).
  expect(after.level).toBe('COMMUNITY');
  // The older case's hour is not over yet.
  expect(recorder.of(old.input.intake.code).some((e) => e.type === 'BREACHED')).toBe(false);
  expect((await old.h.query(getCaseStateQuery)).level).toBe('GRID');
  await Promise.all([terminateWhenQuiet(h), terminateWhenQuiet(old.h)]);
});
