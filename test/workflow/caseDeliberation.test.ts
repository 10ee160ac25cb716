// The five-step deliberation (五步议事: 说、问、议、办、评, seed 001) on the time-skipping test server
// (the real binary): a small matter sent down to the community records its five steps in order as
// DELIBERATION_STEP facts counted for the community; the live state holds the record; the street's
// close waits for the residents' evaluation. A case started without CasePolicy.deliberation refuses
// the action and closes as before.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  acceptCaseUpdate,
  getAllowedActionsQuery,
  recordDeliberationStepUpdate,
  respondCaseUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
  type DeliberationStepInput,
} from '../../workflows/messages';
import { ACTORS, type caseInput, failureType, startCaseAtMorning, startCaseEnv, terminateWhenQuiet, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

const SEC = 1000;
const MIN = 60 * SEC;

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

/**
 * A small matter (小事) at 09:30 of a working morning after now: the grid sends it down to the
 * community. Without the triage routes (noTriage), which would start it with the community.
 */
async function sentDown(o: Parameters<typeof caseInput>[1] = {}) {
  const { h, input } = await startCaseAtMorning(env, taskQueue, { triage: 'SMALL', noTriage: true, ...o });
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'COMMUNITY' }] });
  return { h, code: input.intake.code };
}

async function pass(h: WorkflowHandle, code: string, ms: number) {
  await env.sleep(ms);
  return recorder.settled(h, code);
}

const step = (h: WorkflowHandle, input: Omit<DeliberationStepInput, 'actor'>, actor: DeliberationStepInput['actor'] = ACTORS.community) =>
  h.executeUpdate(recordDeliberationStepUpdate, { args: [{ actor, ...input }] });

const facts = (code: string, type: string) => (recorder.events.get(code) ?? []).filter((e) => e.type === type);

describe('the five-step deliberation (CasePolicy.deliberation)', () => {
  it('说、问、议、办、评 in order as facts for the community; the close waits for the evaluation', async () => {
    const { h, code } = await sentDown();
    // The community (and its street) may deliberate now; the grid may not.
    const allowed = async (actor: DeliberationStepInput['actor']) =>
      (await h.query(getAllowedActionsQuery, actor)).find((v) => v.action === 'deliberate')?.allowed;
    expect(await allowed(ACTORS.community)).toBe(true);
    expect(await allowed(ACTORS.street)).toBe(true);
    expect(await allowed(ACTORS.grid)).toBe(false);
    expect(await failureType(step(h, { step: 'SAY', text: '停车乱象' }, ACTORS.grid))).toBe('Forbidden');
    expect(await failureType(step(h, { step: 'ASK', text: '停车整治' }))).toBe('InvalidTransition');

    await pass(h, code, 17 * MIN + 3 * SEC);
    await step(h, { step: 'SAY', text: '书香门第小区车辆乱停乱放', source: '民情驿站' });
    await pass(h, code, 23 * MIN + 7 * SEC);
    await step(h, { step: 'ASK', text: '小区停车秩序整治' });
    await pass(h, code, 41 * MIN + 1 * SEC);
    expect(await failureType(step(h, { step: 'DISCUSS', text: '安装起降杆', forum: 'OWNERS_COMMITTEE', participants: [] }, ACTORS.street))).toBe('BadInput');
    await step(h, { step: 'DISCUSS', text: '由物业出资安装起降杆', forum: 'OWNERS_COMMITTEE', participants: [{ name: '李经理', role: '物业经理', unit: '物业公司' }] }, ACTORS.street);
    await pass(h, code, 37 * MIN + 5 * SEC);
    await step(h, { step: 'DO', text: '起降杆已安装', stream: 'SMALL' });
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.community, summary: '已整治' }] });
    await pass(h, code, 13 * MIN + 3 * SEC);
    expect(await failureType(h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }] }))).toBe('InvalidTransition');
    await step(h, { step: 'EVALUATE', text: '', votes: { satisfied: 12, basicallySatisfied: 3, dissatisfied: 5 }, cadres: ['王书记'] });
    let s = await recorder.settled(h, code);
    expect(s.deliberation).toMatchObject({ communityId: 'GL-S01-C01', verdict: 'SATISFIED', completedAt: expect.any(Number) });
    const steps = facts(code, 'DELIBERATION_STEP');
    expect(steps.map((e) => e.data?.step)).toEqual(['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE']);
    expect(steps.map((e) => e.unitId)).toEqual(Array(5).fill('GL-S01-C01'));
    expect(steps[4].data).toMatchObject({ votes: { satisfied: 12, basicallySatisfied: 3, dissatisfied: 5 }, verdict: 'SATISFIED', cadres: ['王书记'] });

    await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '核实，居民评议满意' }] });
    s = await recorder.settled(h, code);
    expect(s.status).toBe('CLOSED');
    // Left running: terminated here, the time-skipping server stopped skipping time for the next
    // test's sleep to the next working morning (see caseSiteSteps).
  });

  it('a case started before CasePolicy.deliberation: the action is refused and the community matter closes as before', async () => {
    const { h, code } = await sentDown({ noDeliberation: true });
    expect(await failureType(step(h, { step: 'SAY', text: '停车乱象' }))).toBe('InvalidTransition');
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.community, summary: '已整治' }] });
    await pass(h, code, 11 * MIN + 3 * SEC);
    await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }] });
    const s = await recorder.settled(h, code);
    expect(s.status).toBe('CLOSED');
    expect(s.deliberation).toBeUndefined();
    expect(facts(code, 'DELIBERATION_STEP')).toEqual([]);
    await terminateWhenQuiet(h);
  });
});
