// Three kinds of matter (三事分流) and the community level on the time-skipping server: a small
// matter starts with the residents' committee, which may call departments (街镇、社区呼叫); a big
// matter is fast-tracked (政府快办: the street holds it, the category's departments are called at
// intake); a private matter is answered with guidance, and handling it takes a re-triage with a
// reason. Each case starts at a working morning (startCaseAtMorning), so nothing depends on the hour.
// The cases are left running (no terminate): after a terminate the time-skipping server was seen to
// stop skipping time for the next test's move to the next morning.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  acceptCaseUpdate,
  callDepartmentsUpdate,
  getCaseStateQuery,
  reportArrivalUpdate,
  respondCaseUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
} from '../../workflows/messages';
import { ACTORS, DIRECTORY, UNITS, failureType, startCaseAtMorning, startCaseEnv, type MemoryRecorder } from './caseFixture';

jest.setTimeout(180_000);

const MIN = 60_000;
const HOUR = 60 * MIN;

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

it('a small matter starts with the community (居委会主导), which calls a department; the street reviews and closes', async () => {
  const { h, input } = await startCaseAtMorning(env, taskQueue, { triage: 'SMALL' });
  expect(input.intake.startLevel).toBe('COMMUNITY');
  const s0 = await h.query(getCaseStateQuery);
  expect(s0).toMatchObject({ level: 'COMMUNITY', assignee: DIRECTORY.COMMUNITY });
  expect(s0.windows.map((w) => [w.kind, w.unitId])).toEqual([['ACCEPT', UNITS.communityId]]);
  expect(await failureType(h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] }))).toBe('Forbidden');
  await env.sleep(3 * MIN);
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.community }] });
  const reportBy = (await env.currentTimeMs()) + HOUR;
  const called = await h.executeUpdate(callDepartmentsUpdate, { args: [{ actor: ACTORS.community, calls: [{ departmentId: 'GL-D-CG', reportBy, place: '鼓屏路' }] }] });
  expect(called).toMatchObject({ status: 'IN_PROGRESS', level: 'COMMUNITY' });
  const callId = called.calls[0].id;
  await h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.cg, callId }] });
  const s = await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.cg, callId, summary: '已协调清理' }] });
  expect(s.windows.map((w) => [w.kind, w.level])).toEqual([['REVIEW', 'STREET']]);
  const closed = await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '社区已办结' }] });
  expect(closed.status).toBe('CLOSED');
  await recorder.settled(h, input.intake.code);
  expect(recorder.types(input.intake.code).slice(0, 4)).toEqual(['REPORTED', 'ACCEPTED', 'RESPONDED', 'DEPARTMENT_CALLED']);
});

it('a big matter of a street-level category is fast-tracked (政府快办, the default routes): the street holds it, its department is called at intake, the acceptance is the first response', async () => {
  const { h, input } = await startCaseAtMorning(env, taskQueue, { startLevel: 'STREET' });
  expect(input.intake).toMatchObject({ triage: 'BIG', startLevel: 'STREET' });
  const s0 = await h.query(getCaseStateQuery);
  expect(s0).toMatchObject({ level: 'STREET', status: 'REPORTED' });
  expect(s0.calls.map((c) => c.departmentId)).toEqual(['GL-D-CG']);
  expect(s0.windows.map((w) => [w.kind, w.unitId])).toEqual([['ACCEPT', UNITS.streetId], ['REPORT', 'GL-D-CG']]);
  await env.sleep(4 * MIN);
  const accepted = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.street }] });
  expect(accepted.status).toBe('IN_PROGRESS');
  const callId = accepted.calls[0].id;
  await env.sleep(40 * MIN);
  await h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.cg, callId }] });
  const s = await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.cg, callId, summary: '已清理占道摊点' }] });
  expect(s).toMatchObject({ status: 'PENDING_REVIEW', level: 'STREET' });
  await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '部门已处置' }] });
  await recorder.settled(h, input.intake.code);
  const facts = recorder.of(input.intake.code);
  expect(facts.map((f) => f.type).slice(0, 4)).toEqual(['REPORTED', 'DEPARTMENT_CALLED', 'ACCEPTED', 'RESPONDED']);
  expect(facts[1].data).toMatchObject({ departmentId: 'GL-D-CG', fastTrack: true });
  expect(facts[3].data).toMatchObject({ decision: 'DEPARTMENTS', onTime: true });
  expect(facts.find((f) => f.type === 'DEPARTMENT_REPORTED')!.data).toMatchObject({ late: false });
});

it('a private matter is answered with guidance; handling it takes a re-triage with a reason', async () => {
  const { h, input } = await startCaseAtMorning(env, taskQueue, { triage: 'PRIVATE' });
  expect(input.intake.startLevel).toBe('GRID');
  await env.sleep(2 * MIN);
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  expect(await failureType(h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] }))).toBe('BadInput');
  expect(await failureType(h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL' }] }))).toBe('BadInput');
  const s = await h.executeUpdate(respondCaseUpdate, {
    args: [{ actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL', triageReason: '楼道杂物影响公共通道，非个人事务' }],
  });
  expect(s).toMatchObject({ status: 'IN_PROGRESS', triage: 'SMALL' });
  await recorder.settled(h, input.intake.code);
  const responded = recorder.of(input.intake.code).find((f) => f.type === 'RESPONDED')!;
  expect(responded.data).toMatchObject({ decision: 'SELF', retriage: { from: 'PRIVATE', to: 'SMALL', reason: '楼道杂物影响公共通道，非个人事务' } });
});

it("the live state names the case's own ladder, so the console draws a grid without a community climbing straight to its street", async () => {
  const withCommunity = await startCaseAtMorning(env, taskQueue);
  expect((await withCommunity.h.query(getCaseStateQuery)).ladder).toEqual(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
  const without = await startCaseAtMorning(env, taskQueue, { noCommunityStep: true });
  const s = await without.h.query(getCaseStateQuery);
  expect(s.ladder).toEqual(['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
  expect(s.ladder).toEqual(without.input.policy.ladder);
});
