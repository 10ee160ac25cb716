// The district's routines on the time-skipping test server (the real binary): a leader's case
// list (包案, 对单销号) keeps a resolved case open until its leader ticks it off, and an urge
// (催办) left unanswered becomes a notice (通报) by the case's own durable timer, in skipped time.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import {
  acceptCaseUpdate,
  getCaseStateQuery,
  recordSurveyUpdate,
  replyToUrgeUpdate,
  respondCaseUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
  tickOffLeaderCaseUpdate,
  urgeUnitUpdate,
  whistleUpdate,
  type CaseWorkflowInput,
} from '../../workflows/messages';
import { ACTORS, type caseInput, failureType, startCaseAtMorning, startCaseEnv, terminateWhenQuiet, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

const SEC = 1000;
const MIN = 60 * SEC;
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

/** A case started at 09:30 (calendar time) of a working morning after now, as intake starts one today. */
const startMorning = (o: Parameters<typeof caseInput>[1] = {}) => startCaseAtMorning(env, taskQueue, o);

/** Let skipped time pass (odd offsets: never on a timer's instant), then let the case record. */
async function pass(h: WorkflowHandle, code: string, ms: number) {
  await env.sleep(ms);
  return recorder.settled(h, code);
}

describe("a leader's case list (包案, 对单销号)", () => {
  it('a case whistled up the default ladder (grid → community → street → command center) to the deputy leader is his; resolved and surveyed, it stays open until he ticks it off, then ends', async () => {
    const { h, input } = await startMorning();
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.grid, reason: '需社区协调' }] });
    await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.community, reason: '需街道协调' }] });
    await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.street, reason: '涉及多个部门' }] });
    await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.cc, reason: '需区领导协调' }] });
    let s = await recorder.settled(h, code);
    expect(s.leader).toMatchObject({ personId: 'p-deputy', level: 'DEPUTY_LEADER', tickedOffAt: null });
    expect(recorder.projections.get(code)?.leader).toMatchObject({ personId: 'p-deputy', level: 'DEPUTY_LEADER', tickedOffAt: null, note: null });

    // Not resolved yet: the tick-off is refused (409).
    expect(await failureType(h.executeUpdate(tickOffLeaderCaseUpdate, { args: [{ actor: ACTORS.deputy, note: '销号' }] }))).toBe('InvalidTransition');
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.deputy, summary: '协调解决' }] });
    await pass(h, code, 17 * MIN + 3 * SEC);
    await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.deputy, decision: 'CLOSE', reason: '核实' }] });
    await pass(h, code, 23 * MIN + 7 * SEC);
    await h.executeUpdate(recordSurveyUpdate, { args: [{ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }] });
    s = await pass(h, code, 31 * MIN + 11 * SEC);
    expect(s.status).toBe('SURVEYED');
    // Surveyed, yet running: the case waits for its leader (no timer: nothing to wake for).
    expect((await h.describe()).status.name).toBe('RUNNING');
    expect(await failureType(h.executeUpdate(tickOffLeaderCaseUpdate, { args: [{ actor: ACTORS.principal, note: '销号' }] }))).toBe('Forbidden');
    expect(await failureType(h.executeUpdate(tickOffLeaderCaseUpdate, { args: [{ actor: ACTORS.deputy, note: '  ' }] }))).toBe('BadInput');

    const ticked = await h.executeUpdate(tickOffLeaderCaseUpdate, { args: [{ actor: ACTORS.deputy, note: '已协调解决，对单销号' }] });
    expect(ticked.leader).toMatchObject({ personId: 'p-deputy', note: '已协调解决，对单销号' });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED', resolution: 'RESOLVED' });
    expect(recorder.types(code).filter((t) => t.startsWith('LEADER_'))).toEqual(['LEADER_ASSIGNED', 'LEADER_TICKED_OFF']);
    expect(recorder.projections.get(code)?.leader).toMatchObject({ personId: 'p-deputy', note: '已协调解决，对单销号', tickedOffAt: ticked.leader!.tickedOffAt });
  });

  it('a case started before the lists (no leaderList in its policy, the ladder without the community) ends at its survey as before, on nobody\'s list', async () => {
    const { h, input } = await startMorning({ noRoutines: true, noCommunityStep: true });
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    for (const [actor, reason] of [[ACTORS.grid, '需街道协调'], [ACTORS.street, '涉及多个部门'], [ACTORS.cc, '需区领导协调']] as const) {
      await h.executeUpdate(whistleUpdate, { args: [{ actor, reason }] });
    }
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.deputy, summary: '协调解决' }] });
    await pass(h, code, 17 * MIN + 3 * SEC);
    await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.deputy, decision: 'CLOSE', reason: '核实' }] });
    await pass(h, code, 23 * MIN + 7 * SEC);
    await h.executeUpdate(recordSurveyUpdate, { args: [{ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }] });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED' });
    expect(recorder.types(code).filter((t) => t.startsWith('LEADER_'))).toEqual([]);
    expect(recorder.projections.get(code)?.leader).toBeUndefined();
  });
});

describe('supervision (督办)', () => {
  it('an urge left unanswered becomes a notice by the case timer, one working day after its reply deadline; an answered one never does', async () => {
    const { h, input } = await startMorning();
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    let s = await recorder.settled(h, code);
    // Nothing overdue or at risk yet: the urge is refused (409).
    expect(await failureType(h.executeUpdate(urgeUnitUpdate, { args: [{ actor: ACTORS.cc, reason: '请加快' }] }))).toBe('InvalidTransition');
    const completion = s.windows.find((w) => w.kind === 'COMPLETION')!;
    s = await pass(h, code, completion.remindAt! + 7 * MIN + 3 * SEC - (await env.currentTimeMs()));
    // Only the command center urges.
    expect(await failureType(h.executeUpdate(urgeUnitUpdate, { args: [{ actor: ACTORS.street, reason: '请加快' }] }))).toBe('Forbidden');

    const first = (await h.executeUpdate(urgeUnitUpdate, { args: [{ actor: ACTORS.cc, reason: '请加快办理', replyWithinWorkingHours: 1 }] })).urges![0];
    await pass(h, code, 13 * MIN + 5 * SEC);
    await h.executeUpdate(replyToUrgeUpdate, { args: [{ actor: ACTORS.grid, urgeId: first.id, reply: '今日处理' }] });
    const second = (await h.executeUpdate(urgeUnitUpdate, { args: [{ actor: ACTORS.cc, reason: '请报告进度', replyWithinWorkingHours: 1 }] })).urges![1];
    expect(second.noticeAt).toBeGreaterThan(second.replyDueAt);
    // Just before the notice time: nothing yet.
    s = await pass(h, code, second.noticeAt - 2 * MIN - (await env.currentTimeMs()));
    expect(recorder.types(code)).not.toContain('URGE_NOTICED');
    // The case's own timer fires at the notice time (the completion deadline is later).
    expect(second.noticeAt).toBeLessThan(s.completionDueAt!);
    s = await pass(h, code, 5 * MIN + 3 * SEC);
    const notices = recorder.of(code).filter((e) => e.type === 'URGE_NOTICED');
    // Timers fire a few real milliseconds after their instant.
    expect(notices.map((e) => Math.round((e.at - second.noticeAt) / SEC))).toEqual([0]);
    expect(notices).toEqual([expect.objectContaining({ actorId: null, unitId: ACTORS.grid.unitId, data: { urgeId: second.id, unitId: ACTORS.grid.unitId, replyDueAt: second.replyDueAt } })]);
    expect(s.urges!.map((u) => [u.id, u.repliedAt !== null, u.noticedAt])).toEqual([[first.id, true, null], [second.id, false, notices[0].at]]);
    expect((recorder.notifications.get(code) ?? []).filter((n) => n.kind === 'URGE_NOTICE').map((n) => n.recipientId)).toEqual(['p-grid', 'p-cc']);
    // A notice stands: the late reply is refused.
    expect(await failureType(h.executeUpdate(replyToUrgeUpdate, { args: [{ actor: ACTORS.grid, urgeId: second.id, reply: '晚了' }] }))).toBe('InvalidTransition');
    expect((await h.query(getCaseStateQuery)).status).toBe('IN_PROGRESS');
    await terminateWhenQuiet(h);
  });
});
