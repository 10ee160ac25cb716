// Clock pause (issue 16) on the time-skipping test server (the real binary): the holder asks, the
// level above approves, the paused completion window neither reminds nor lapses while days pass,
// and when the pause ends its deadline (and the case's one timer) moves by the working time paused;
// a planned end ends the pause by itself. A case started without CasePolicy.pause takes none.
// Cases start at 09:30 of a working morning (startCaseAtMorning): no dependence on the hour.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addWorkingMinutes, workingMinutesBetween } from '../../domain/calendar';
import {
  acceptCaseUpdate,
  decidePauseUpdate,
  endPauseUpdate,
  requestPauseUpdate,
  respondCaseUpdate,
  submitResultUpdate,
} from '../../workflows/messages';
import { ACTORS, type caseInput, failureType, startCaseAtMorning, startCaseEnv, type MemoryRecorder } from './caseFixture';

jest.setTimeout(180_000);

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

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

const startMorning = (o: Parameters<typeof caseInput>[1] = {}) => startCaseAtMorning(env, taskQueue, o);

/** Let skipped time pass (odd offsets: never on a timer's instant), then let the case record. */
async function pass(h: WorkflowHandle, code: string, ms: number) {
  await env.sleep(ms);
  return recorder.settled(h, code);
}

const facts = (code: string, type: string) => (recorder.events.get(code) ?? []).filter((e) => e.type === type);

/** A case the grid handles itself, whose completion clock the grid asked the street to pause. */
async function pauseAsked(until?: (now: number) => number) {
  const { h, input } = await startMorning();
  const code = input.intake.code;
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  const responded = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
  await pass(h, code, 7 * MIN + 3 * SEC);
  const asked = await h.executeUpdate(requestPauseUpdate, {
    args: [{ actor: ACTORS.grid, reasonKind: 'THIRD_PARTY', reason: '等待法院裁定', ...(until !== undefined ? { until: until(await env.currentTimeMs()) } : {}) }],
  });
  return { h, input, code, dueAt: responded.completionDueAt!, pauseId: asked.pauses![0].id };
}

describe('clock pause (CasePolicy.pause)', () => {
  it('approved by the street: days pass with no reminder and no lapse; resumed, the deadline moves by the working time paused and the result counts as on time', async () => {
    const { h, input, code, dueAt, pauseId } = await pauseAsked();
    expect(await failureType(h.executeUpdate(decidePauseUpdate, { args: [{ actor: ACTORS.grid, pauseId, approve: true, reason: 'x' }] }))).toBe('Forbidden');
    await pass(h, code, 11 * MIN + 5 * SEC);
    let s = await h.executeUpdate(decidePauseUpdate, { args: [{ actor: ACTORS.street, pauseId, approve: true, reason: '属实' }] });
    expect(s.windows.find((w) => w.kind === 'COMPLETION')!.pausedAt).toBeDefined();
    // Past the old deadline by days: the paused window neither reminds nor lapses.
    s = await pass(h, code, dueAt - (await env.currentTimeMs()) + 2 * DAY + 17 * MIN);
    expect(facts(code, 'REMINDED')).toEqual([]);
    expect(facts(code, 'BREACHED')).toEqual([]);
    expect(s.level).toBe('GRID');
    s = await h.executeUpdate(endPauseUpdate, { args: [{ actor: ACTORS.grid, pauseId, note: '已收到裁定' }] });
    s = await recorder.settled(h, code);
    const [ended] = facts(code, 'PAUSE_ENDED');
    const d = ended.data as { pausedAt: number; endedAt: number; minutes: number; fromDueAt: number; toDueAt: number; cause: string };
    expect(d.cause).toBe('RESUMED');
    expect(d.fromDueAt).toBe(dueAt);
    expect(d.minutes).toBe(workingMinutesBetween(d.pausedAt, d.endedAt, input.calendar));
    expect(d.minutes).toBeGreaterThan(0);
    expect(d.toDueAt).toBe(addWorkingMinutes(dueAt, d.minutes, input.calendar));
    expect(s.completionDueAt).toBe(d.toDueAt);
    expect(recorder.projections.get(code)?.dueAt).toBe(d.toDueAt);
    // The timeline's facts in order, with their times.
    expect((recorder.events.get(code) ?? []).map((e) => e.type).filter((t) => t.startsWith('PAUSE_'))).toEqual(['PAUSE_REQUESTED', 'PAUSE_APPROVED', 'PAUSE_ENDED']);
    // Submitted after the old deadline and before the moved one: on time, the paused time named.
    await pass(h, code, 3 * MIN + 1 * SEC);
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.grid, summary: '已处理' }] });
    await recorder.settled(h, code);
    expect(facts(code, 'REVIEW_REQUESTED')[0].data).toMatchObject({ windowDueAt: d.toDueAt, onTime: true, pausedMinutes: d.minutes });
  });

  it('a planned end ends the pause by itself; the case then lapses at the moved deadline, not at the old one', async () => {
    const { h, input, code, dueAt, pauseId } = await pauseAsked((now) => now + DAY + 2 * HOUR);
    await h.executeUpdate(decidePauseUpdate, { args: [{ actor: ACTORS.street, pauseId, approve: true, reason: '属实' }] });
    await recorder.settled(h, code);
    const until = (facts(code, 'PAUSE_REQUESTED')[0].data as { until: number }).until;
    await pass(h, code, until - (await env.currentTimeMs()) + 13 * MIN);
    const [ended] = facts(code, 'PAUSE_ENDED');
    const d = ended.data as { endedAt: number; minutes: number; toDueAt: number; cause: string; pausedAt: number };
    expect(d).toMatchObject({ cause: 'PLANNED_END', endedAt: until });
    expect(d.toDueAt).toBe(addWorkingMinutes(dueAt, workingMinutesBetween(d.pausedAt, until, input.calendar), input.calendar));
    // Nothing at the old deadline; the lapse comes at the moved one (the one timer was recomputed).
    await pass(h, code, dueAt - (await env.currentTimeMs()) + 7 * MIN);
    expect(facts(code, 'BREACHED')).toEqual([]);
    await pass(h, code, d.toDueAt - (await env.currentTimeMs()) + 7 * MIN);
    expect(facts(code, 'BREACHED').map((e) => e.data)).toEqual([expect.objectContaining({ kind: 'COMPLETION', dueAt: d.toDueAt })]);
  });

  it('a case started before CasePolicy.pause takes no pause (409)', async () => {
    const { h } = await startMorning({ noPause: true });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    expect(await failureType(h.executeUpdate(requestPauseUpdate, { args: [{ actor: ACTORS.grid, reasonKind: 'OTHER', reason: 'x' }] }))).toBe('InvalidTransition');
  });
});
