// Arrival on site and the hazard path on the time-skipping test server (the real binary): the
// holder's arrival meets the urgent on-site window so the case's timer never lapses it; the hazard
// steps (现场勘查, 方案确定, 人材机进场, 消险) are facts in order and the Case projection shows them;
// the two-hour promise (seed 002) is read from the steps' times. A case started without
// CasePolicy.site keeps the old behaviour: the window is met only by the result and lapses.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  acceptCaseUpdate,
  callDepartmentsUpdate,
  recordSiteStepUpdate,
  reportArrivalUpdate,
  respondCaseUpdate,
  type CaseWorkflowInput,
  type SiteStepInput,
} from '../../workflows/messages';
import { ACTORS, type caseInput, failureType, startCaseAtMorning, startCaseEnv, terminateWhenQuiet, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const SHA = 'c'.repeat(64);

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

/** An urgent case started at 09:30 (calendar time) of a working morning after now. */
const startMorning = (o: Parameters<typeof caseInput>[1] = {}) => startCaseAtMorning(env, taskQueue, { urgent: true, ...o });

/** Let skipped time pass (odd offsets: never on a timer's instant), then let the case record. */
async function pass(h: WorkflowHandle, code: string, ms: number) {
  await env.sleep(ms);
  return recorder.settled(h, code);
}

const step = (h: WorkflowHandle, input: Omit<SiteStepInput, 'actor'>, actor: SiteStepInput['actor'] = ACTORS.grid) =>
  h.executeUpdate(recordSiteStepUpdate, { args: [{ actor, ...input }] });

const facts = (code: string, type: string) => (recorder.events.get(code) ?? []).filter((e) => e.type === type);

describe('arrival on site and the hazard path (CasePolicy.site)', () => {
  it('the arrival meets the on-site window (no lapse at two hours); the steps are facts in order, shown in the projection; cleared late, the promise is missed', async () => {
    const { h, input } = await startMorning();
    const code = input.intake.code;
    const reportedAt = input.intake.reportedAt;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    let s = await recorder.settled(h, code);
    expect(s.site).toEqual({ arrivedAt: null, steps: [], hazardDueAt: reportedAt + 2 * HOUR, clearedAt: null });
    expect(recorder.projections.get(code)?.site).toEqual({ arrivedAt: null, steps: [], hazardDueAt: reportedAt + 2 * HOUR, clearedAt: null });

    // Not arrived yet: a hazard step is refused (409), and so is another grid's arrival (403).
    expect(await failureType(step(h, { step: 'SURVEYED' }))).toBe('InvalidTransition');
    expect(await failureType(step(h, { step: 'ARRIVED' }, ACTORS.otherGrid))).toBe('Forbidden');

    s = await pass(h, code, 33 * MIN + 7 * SEC);
    await step(h, { step: 'ARRIVED', note: '已到场', evidence: [{ kind: 'PHOTO', url: 'https://files.example/arrived.jpg', sha256: SHA }] });
    s = await recorder.settled(h, code);
    expect(s.windows.map((w) => w.kind)).not.toContain('ON_SITE');
    const [arrived] = facts(code, 'SITE_STEP');
    expect(arrived.data).toMatchObject({ step: 'ARRIVED', onSite: { windowDueAt: reportedAt + 2 * HOUR, onTime: true }, evidence: [{ kind: 'PHOTO', sha256: SHA }] });

    await pass(h, code, 17 * MIN + 3 * SEC);
    await step(h, { step: 'SURVEYED', note: '树木倾斜，压在电线上' });
    expect(await failureType(step(h, { step: 'CREW_ON_SITE' }))).toBe('InvalidTransition');
    await pass(h, code, 21 * MIN + 5 * SEC);
    await step(h, { step: 'PLANNED' });
    // Past the two hours: the on-site window was met by the arrival, so the clock records no lapse.
    s = await pass(h, code, 59 * MIN + 11 * SEC);
    expect(facts(code, 'BREACHED')).toEqual([]);
    expect(s.level).toBe('GRID');
    await step(h, { step: 'CREW_ON_SITE' });
    await pass(h, code, 13 * MIN + 1 * SEC);
    await step(h, { step: 'CLEARED', note: '已消险' });
    s = await recorder.settled(h, code);
    expect(facts(code, 'SITE_STEP').map((e) => e.data?.step)).toEqual(['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']);
    expect(facts(code, 'SITE_STEP').at(-1)!.data).toMatchObject({ hazardDueAt: reportedAt + 2 * HOUR, withinPromise: false });
    expect(recorder.projections.get(code)?.site).toEqual({
      arrivedAt: s.site!.arrivedAt,
      steps: ['SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED'],
      hazardDueAt: reportedAt + 2 * HOUR,
      clearedAt: s.site!.clearedAt,
    });
    // Left running: terminated here (even with no activity in flight), the time-skipping server
    // stopped skipping time for the next test, whose two hours then passed in real time.
  });

  it('a case started before CasePolicy.site: the action is refused, a department report leaves the window open, and it lapses', async () => {
    // Started before CasePolicy.site, so before the triage routes too (they came later).
    const { h, input } = await startMorning({ noSite: true, noTriage: true, startLevel: 'STREET' });
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.street }] });
    const s0 = await h.executeUpdate(callDepartmentsUpdate, {
      args: [{ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: (await env.currentTimeMs()) + 40 * MIN, place: '路口' }] }],
    });
    await pass(h, code, 21 * MIN + 3 * SEC);
    await h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.cg, callId: s0.calls[0].id }] });
    expect(await failureType(step(h, { step: 'ARRIVED' }, ACTORS.street))).toBe('InvalidTransition');
    let s = await recorder.settled(h, code);
    expect(s.site).toBeUndefined();
    expect(s.windows.map((w) => w.kind)).toContain('ON_SITE');
    expect(recorder.projections.get(code)?.site).toBeUndefined();
    s = await pass(h, code, 2 * HOUR);
    expect(facts(code, 'BREACHED').map((e) => e.data?.kind)).toEqual(['ON_SITE']);
    expect(s.level).toBe('COMMAND_CENTER');
    await terminateWhenQuiet(h);
  });
});
