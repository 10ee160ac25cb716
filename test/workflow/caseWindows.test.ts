// Windows, escalation, calls, review, triage and long-term plans on the
// time-skipping test server (the real binary): timers fire in skipped time.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addWorkingDays, nextOfficeStart } from '../../domain/calendar';
import type { Breach } from '../../domain/types';
import {
  acceptCaseUpdate,
  callDepartmentsUpdate,
  getCaseStateQuery,
  planLongTermUpdate,
  reportArrivalUpdate,
  respondCaseUpdate,
  resumePlanUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
  uploadEvidenceUpdate,
  whistleUpdate,
  type CaseWorkflowInput,
} from '../../workflows/messages';
import { ACTORS, failureType, DIRECTORY, UNITS, caseInput, startCaseEnv, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

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

async function start(o: Parameters<typeof caseInput>[1] = {}, at?: number): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput }> {
  const now = at ?? (await env.currentTimeMs());
  const input = caseInput(now, o);
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return { h, input };
}


const settled = (h: WorkflowHandle, code: string) => recorder.settled(h, code);

describe('accept window', () => {
  it('a case accepted in time opens its first-response window and records no breach', async () => {
    const { h, input } = await start();
    const s0 = await h.query(getCaseStateQuery);
    expect(s0.status).toBe('REPORTED');
    expect(s0.assignee.personId).toBe('p-grid');
    expect(s0.windows.map((w) => [w.kind, w.dueAt - input.intake.reportedAt])).toEqual([['ACCEPT', 10 * MIN]]);

    await env.sleep(5 * MIN);
    const s1 = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    expect(s1.status).toBe('ACCEPTED');
    expect(s1.breaches).toEqual([]);
    expect(s1.windows.map((w) => w.kind)).toEqual(['RESPONSE']);
    await env.sleep(20 * MIN);
    const s2 = await settled(h, input.intake.code);
    expect(s2.level).toBe('GRID');
    expect(recorder.types(input.intake.code).slice(0, 2)).toEqual(['REPORTED', 'ACCEPTED']);
    expect(recorder.types(input.intake.code)).not.toContain('BREACHED');
  });

  it('a case never touched climbs the default ladder grid → community → street → command center alone, one breach per level, each blamed on the unit that missed it; the duty desk has it, no leader', async () => {
    const { h, input } = await start();
    expect(input.policy.ladder).toEqual(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    await env.sleep(60 * MIN);
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('COMMAND_CENTER');
    expect(s.status).toBe('REPORTED');
    expect(s.onLeaderList).toBe(false);
    expect(s.breaches.map((b: Breach) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([
      ['ACCEPT', 'GRID', UNITS.gridId, 'COMMUNITY'],
      ['ACCEPT', 'COMMUNITY', UNITS.communityId, 'STREET'],
      ['ACCEPT', 'STREET', UNITS.streetId, 'COMMAND_CENTER'],
      ['ACCEPT', 'COMMAND_CENTER', 'GL', null],
    ]);
    // Each level's window restarted in full: breach k is due 10 minutes after breach k-1; none after the command center's.
    expect(s.breaches.map((b: Breach) => b.dueAt - input.intake.reportedAt)).toEqual([10, 20, 30, 40].map((m) => m * MIN));
    expect(s.windows).toEqual([]);
    const events = recorder.of(input.intake.code);
    expect(events.filter((e) => e.type === 'BREACHED').map((e) => [e.unitId, (e.data as { move: string }).move])).toEqual([
      [UNITS.gridId, 'CLIMB'], [UNITS.communityId, 'CLIMB'], [UNITS.streetId, 'CLIMB'], ['GL', 'HOLD'],
    ]);
    expect(events.filter((e) => e.type === 'ESCALATED').map((e) => (e.data as { to: string }).to)).toEqual(['COMMUNITY', 'STREET', 'COMMAND_CENTER']);
    expect(events.filter((e) => e.type === 'LEADER_LISTED')).toEqual([]);
    const notified = (recorder.notifications.get(input.intake.code) ?? []).filter((n) => n.kind === 'CASE_ESCALATED' || n.kind === 'LAPSE_TO_DISPATCH').map((n) => [n.kind, n.recipientId]);
    expect(notified).toEqual([['CASE_ESCALATED', 'p-community'], ['CASE_ESCALATED', 'p-street'], ['CASE_ESCALATED', 'p-cc'], ['LAPSE_TO_DISPATCH', 'p-cc']]);
    expect(s.assignee).toEqual(DIRECTORY.COMMAND_CENTER);
  });

  it('on the ladder without the community (a case started before it joined the default ladder) a case never touched climbs grid → street → command center', async () => {
    const { h, input } = await start({ noCommunityStep: true });
    expect(input.policy.ladder).toEqual(['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    await env.sleep(60 * MIN);
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('COMMAND_CENTER');
    expect(s.breaches.map((b: Breach) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([
      ['ACCEPT', 'GRID', UNITS.gridId, 'STREET'],
      ['ACCEPT', 'STREET', UNITS.streetId, 'COMMAND_CENTER'],
      ['ACCEPT', 'COMMAND_CENTER', 'GL', null],
    ]);
    expect(s.breaches.map((b: Breach) => b.dueAt - input.intake.reportedAt)).toEqual([10, 20, 30].map((m) => m * MIN));
    const notified = (recorder.notifications.get(input.intake.code) ?? []).filter((n) => n.kind === 'CASE_ESCALATED' || n.kind === 'LAPSE_TO_DISPATCH').map((n) => [n.kind, n.recipientId]);
    expect(notified).toEqual([['CASE_ESCALATED', 'p-street'], ['CASE_ESCALATED', 'p-cc'], ['LAPSE_TO_DISPATCH', 'p-cc']]);
  });

  it('a case started before the pacing rules (no pacing in its policy, the ladder without the community) still climbs the whole ladder alone, one breach per level', async () => {
    const { h, input } = await start({ noPacing: true, noCommunityStep: true });
    expect(input.policy.pacing).toBeUndefined();
    await env.sleep(60 * MIN);
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('PRINCIPAL_LEADER');
    expect(s.onLeaderList).toBe(true);
    expect(s.breaches.map((b: Breach) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([
      ['ACCEPT', 'GRID', UNITS.gridId, 'STREET'],
      ['ACCEPT', 'STREET', UNITS.streetId, 'COMMAND_CENTER'],
      ['ACCEPT', 'COMMAND_CENTER', 'GL', 'DEPUTY_LEADER'],
      ['ACCEPT', 'DEPUTY_LEADER', 'GL', 'PRINCIPAL_LEADER'],
      ['ACCEPT', 'PRINCIPAL_LEADER', 'GL', null],
    ]);
    // Each level's window restarted in full: breach k is due 10 minutes after breach k-1.
    const dues = s.breaches.map((b: Breach) => b.dueAt - input.intake.reportedAt);
    expect(dues).toEqual([10, 20, 30, 40, 50].map((m) => m * MIN));
    expect(s.windows).toEqual([]);
    const events = recorder.of(input.intake.code);
    expect(events.filter((e) => e.type === 'BREACHED').map((e) => e.unitId)).toEqual([UNITS.gridId, UNITS.streetId, 'GL', 'GL', 'GL']);
    expect(events.filter((e) => e.type === 'ESCALATED').map((e) => (e.data as { to: string }).to)).toEqual([
      'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER',
    ]);
    expect(events.filter((e) => e.type === 'LEADER_LISTED')).toHaveLength(1);
    // The new holder is notified at each level.
    const notified = (recorder.notifications.get(input.intake.code) ?? []).filter((n) => n.kind === 'CASE_ESCALATED').map((n) => n.recipientId);
    expect(notified).toEqual(['p-street', 'p-cc', 'p-deputy', 'p-principal']);
    expect(s.assignee).toEqual(DIRECTORY.PRINCIPAL_LEADER);
  });

  it('reminds the assignee at 80% of the window', async () => {
    const { h, input } = await start();
    await env.sleep(8 * MIN + 30_000);
    await settled(h, input.intake.code);
    const reminder = recorder.of(input.intake.code).find((e) => e.type === 'REMINDED');
    expect(reminder?.data).toMatchObject({ kind: 'ACCEPT', remindAt: input.intake.reportedAt + 8 * MIN, dueAt: input.intake.reportedAt + 10 * MIN });
    expect(reminder!.at).toBeGreaterThanOrEqual(input.intake.reportedAt + 8 * MIN);
    expect(recorder.types(input.intake.code)).not.toContain('BREACHED');
    expect((recorder.notifications.get(input.intake.code) ?? []).filter((n) => n.kind === 'REMINDER').map((n) => n.recipientId)).toEqual(['p-grid']);
  });
});

describe('invalid transitions are rejected and change nothing', () => {
  it('rejects wrong state, wrong unit and wrong level with typed errors', async () => {
    const { h } = await start();
    const before = await h.query(getCaseStateQuery);
    expect(await failureType(h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: 'x' }] }))).toBe('InvalidTransition');
    expect(await failureType(h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.otherGrid }] }))).toBe('Forbidden');
    expect(await failureType(h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.auditor }] }))).toBe('Forbidden');
    expect(await failureType(h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] }))).toBe('InvalidTransition');
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const reportBy = (await env.currentTimeMs()) + HOUR;
    expect(
      await failureType(h.executeUpdate(callDepartmentsUpdate, { args: [{ actor: ACTORS.grid, calls: [{ departmentId: 'GL-D-CG', reportBy, place: '路口' }] }] })),
    ).toBe('InvalidTransition');
    expect(await failureType(h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'GUIDANCE' }] }))).toBe('BadInput');
    const after = await h.query(getCaseStateQuery);
    expect(after.status).toBe('ACCEPTED');
    expect(after.lastEventSeq).toBe(before.lastEventSeq + 1);
  });
});

describe('calling departments', () => {
  it('a department that reports late is recorded late and blamed, the command center supervises, and the case stays with the street', async () => {
    // The street calls by itself: the big matter's route (which calls the category's departments at intake) is left out.
    const { h, input } = await start({ startLevel: 'STREET', triageRoutes: ['SMALL', 'PRIVATE'] });
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.street }] });
    const now = await env.currentTimeMs();
    const s1 = await h.executeUpdate(callDepartmentsUpdate, {
      args: [{ actor: ACTORS.street, calls: [
        { departmentId: 'GL-D-CG', reportBy: now + HOUR, place: '鼓东路口' },
        { departmentId: 'GL-D-SJ', reportBy: now + HOUR, place: '鼓东路口' },
      ] }],
    });
    expect(s1.status).toBe('IN_PROGRESS');
    expect(s1.calls).toHaveLength(2);
    const [cg, sj] = s1.calls;
    // 市场监管 reports on time.
    await env.sleep(30 * MIN);
    await h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.sj, callId: sj.id }] });
    // 城管 does not report by the time named: its window lapses.
    await env.sleep(45 * MIN);
    const s2 = await settled(h, code);
    const reportBreaches = s2.breaches.filter((b: Breach) => b.kind === 'REPORT');
    expect(reportBreaches).toHaveLength(1);
    expect(reportBreaches[0].unitId).toBe('GL-D-CG');
    expect(reportBreaches[0].escalatedTo).toBeNull();
    expect(s2.level).toBe('STREET');
    expect(s2.assignee).toEqual(DIRECTORY.STREET);
    expect((recorder.notifications.get(code) ?? []).filter((n) => n.kind === 'DEPARTMENT_LATE').map((n) => [n.recipientId, n.recipientUnitId])).toEqual([['p-cc', 'GL']]);
    expect(recorder.types(code)).not.toContain('ESCALATED');
    // A department may act only on its own call.
    expect(await failureType(h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.sj, callId: cg.id }] }))).toBe('Forbidden');
    const s3 = await h.executeUpdate(reportArrivalUpdate, { args: [{ actor: ACTORS.cg, callId: cg.id }] });
    expect(s3.calls.map((c) => [c.departmentId, c.late])).toEqual([['GL-D-CG', true], ['GL-D-SJ', false]]);
    const reported = recorder.of(code).filter((e) => e.type === 'DEPARTMENT_REPORTED');
    await settled(h, code);
    expect(recorder.of(code).filter((e) => e.type === 'DEPARTMENT_REPORTED').map((e) => [e.unitId, (e.data as { late: boolean }).late])).toEqual([
      ['GL-D-SJ', false],
      ['GL-D-CG', true],
    ]);
    expect(reported.length).toBeLessThanOrEqual(2);
    // Evidence and results from both departments send the case to review.
    const sha = 'a'.repeat(64);
    await h.executeUpdate(uploadEvidenceUpdate, { args: [{ actor: ACTORS.cg, callId: cg.id, kind: 'DOCUMENT', url: 'https://files.example/cg.pdf', sha256: sha }] });
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.cg, callId: cg.id, summary: '已清理' }] });
    expect((await h.query(getCaseStateQuery)).status).toBe('IN_PROGRESS');
    const s4 = await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.sj, callId: sj.id, summary: '已处罚' }] });
    expect(s4.status).toBe('PENDING_REVIEW');
    expect(s4.calls[0].evidence.map((e) => e.sha256)).toEqual([sha]);
  });
});

describe('review and close', () => {
  it('review sends it back with a reason, then closes it and opens the survey window', async () => {
    const { h, input } = await start();
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const s1 = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    expect(s1.status).toBe('IN_PROGRESS');
    // From the instant the workflow responded (its own clock), not the test server's clock read
    // afterwards: at the edge of office hours the two differ by the update's round trip.
    expect(s1.completionDueAt).toBe(addWorkingDays(s1.updatedAt, 3, input.calendar));
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.grid, summary: '已劝离' }] });
    // The street command sub-center reviews; the grid may not.
    expect(await failureType(h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'CLOSE', reason: 'ok' }] }))).toBe('Forbidden');
    const back = await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'RETURN', reason: '未提供照片' }] });
    expect(back.status).toBe('IN_PROGRESS');
    expect(back.result).toBeNull();
    expect(back.completionDueAt).toBe(s1.completionDueAt);
    await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.grid, summary: '已劝离，附照片' }] });
    const closed = await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: ACTORS.street, decision: 'CLOSE', reason: '核实已办结' }] });
    expect(closed.status).toBe('CLOSED');
    expect(closed.resolution).toBe('RESOLVED');
    expect(closed.windows.map((w) => [w.kind, w.level, w.unitId])).toEqual([['SURVEY', 'COMMAND_CENTER', 'GL']]);
    await settled(h, input.intake.code);
    expect(recorder.types(input.intake.code)).toEqual([
      'REPORTED', 'ACCEPTED', 'RESPONDED', 'RESULT_SUBMITTED', 'REVIEW_REQUESTED', 'REVIEW_RETURNED',
      'RESULT_SUBMITTED', 'REVIEW_REQUESTED', 'REVIEWED_CLOSED', 'CLOSED',
    ]);
  });
});

describe('triage (三事分流)', () => {
  it('a small matter goes to the community worker with a completion window', async () => {
    // As a case started before CasePolicy.triage (which now starts small matters at the community: caseTriage.test.ts).
    const { h } = await start({ triage: 'SMALL', noTriage: true });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const s = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'COMMUNITY', note: '邻里纠纷' }] });
    expect(s.level).toBe('COMMUNITY');
    expect(s.assignee).toEqual(DIRECTORY.COMMUNITY);
    expect(s.windows.map((w) => [w.kind, w.unitId])).toEqual([['COMPLETION', UNITS.communityId]]);
    // The community now holds it; the grid no longer may act.
    expect(await failureType(h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.grid, summary: 'x' }] }))).toBe('Forbidden');
    const r = await h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.community, summary: '已调解' }] });
    expect(r.status).toBe('PENDING_REVIEW');
  });

  it('a private matter is answered with guidance and the case ends', async () => {
    const { h, input } = await start({ triage: 'PRIVATE' });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const s = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '请携带身份证到社区服务中心办理' }] });
    expect(s.status).toBe('CLOSED');
    expect(s.resolution).toBe('GUIDANCE');
    const outcome = await h.result();
    expect(outcome).toEqual({ code: input.intake.code, status: 'CLOSED', resolution: 'GUIDANCE', breaches: 0, reopenCount: 0 });
    expect(recorder.types(input.intake.code)).toEqual(['REPORTED', 'ACCEPTED', 'GUIDANCE_GIVEN', 'CLOSED']);
    expect((recorder.notifications.get(input.intake.code) ?? []).map((n) => n.kind)).toContain('REPORTER_CASE_ANSWERED');
  });
});

describe('whistle', () => {
  it('a handler escalates by hand with a reason before any window lapses: on the default ladder the grid whistles to its community, which whistles on to the street', async () => {
    const { h, input } = await start();
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    expect(await failureType(h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.grid, reason: ' ' }] }))).toBe('BadInput');
    const s = await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.grid, reason: '需要城管执法' }] });
    expect(s.level).toBe('COMMUNITY');
    expect(s.assignee.personId).toBe('p-community');
    expect(s.breaches).toEqual([]);
    expect(await failureType(h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.grid, reason: '再升级' }] }))).toBe('Forbidden');
    const s2 = await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.community, reason: '社区无执法权' }] });
    expect(s2.level).toBe('STREET');
    expect(s2.assignee.personId).toBe('p-street');
    await settled(h, input.intake.code);
    const esc = recorder.of(input.intake.code).filter((e) => e.type === 'ESCALATED');
    expect(esc.map((e) => [e.actorId, e.data])).toEqual([
      ['p-grid', expect.objectContaining({ from: 'GRID', to: 'COMMUNITY', cause: 'WHISTLE', reason: '需要城管执法' })],
      ['p-community', expect.objectContaining({ from: 'COMMUNITY', to: 'STREET', cause: 'WHISTLE', reason: '社区无执法权' })],
    ]);
    expect((recorder.notifications.get(input.intake.code) ?? []).filter((n) => n.kind === 'CASE_ESCALATED').map((n) => n.recipientId)).toEqual(['p-community', 'p-street']);
  });

  it('on the ladder without the community (a grid without one) the grid whistles straight to the street', async () => {
    const { h, input } = await start({ noCommunityStep: true });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const s = await h.executeUpdate(whistleUpdate, { args: [{ actor: ACTORS.grid, reason: '需要城管执法' }] });
    expect(s.level).toBe('STREET');
    expect(s.assignee.personId).toBe('p-street');
    await settled(h, input.intake.code);
    expect(recorder.of(input.intake.code).find((e) => e.type === 'ESCALATED')?.data).toMatchObject({ from: 'GRID', to: 'STREET', cause: 'WHISTLE' });
  });
});

describe('long-term plan', () => {
  it('parks with a periodic review, continues as new to bound history, and resumes', async () => {
    const { h, input } = await start();
    const code = input.intake.code;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const firstRun = (await h.describe()).runId;
    const s = await h.executeUpdate(planLongTermUpdate, { args: [{ actor: ACTORS.grid, explanation: '需纳入旧改计划', reviewEveryDays: 7 }] });
    expect(s.status).toBe('LONG_TERM_PLAN');
    expect(s.windows.map((w) => w.kind)).toEqual(['PLAN_REVIEW']);
    await env.sleep(7 * 24 * HOUR + MIN);
    // A fresh handle follows the chain to the newest run.
    const latest = env.client.workflow.getHandle(code);
    const desc = await latest.describe();
    expect(desc.runId).not.toBe(firstRun);
    const parked = await latest.query(getCaseStateQuery);
    expect(parked.status).toBe('LONG_TERM_PLAN');
    expect(parked.longTermPlan?.explanation).toBe('需纳入旧改计划');
    const resumed = await latest.executeUpdate(resumePlanUpdate, { args: [{ actor: ACTORS.grid, note: '资金到位' }] });
    expect(resumed.status).toBe('IN_PROGRESS');
    expect(resumed.windows.map((w) => w.kind)).toEqual(['COMPLETION']);
    await settled(latest, code);
    const types = recorder.types(code);
    expect(types).toEqual(['REPORTED', 'ACCEPTED', 'LONG_TERM_PLANNED', 'PLAN_REVIEW_DUE', 'PLAN_RESUMED']);
    // seq continues across runs: no fact is written twice.
    expect(recorder.of(code).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('how facts are recorded (CaseOptions.recordLocally)', () => {
  const eventTypes = async (h: WorkflowHandle) => (await h.fetchHistory()).events!.map((e) => ({
    activity: e.activityTaskScheduledEventAttributes?.activityType?.name ?? null,
    marker: e.markerRecordedEventAttributes?.markerName ?? null,
  }));

  it('a new case records its facts with the recordCase activity, which only a committed workflow task schedules: no local activity', async () => {
    const { h, input } = await start();
    expect(input.options.recordLocally).toBeUndefined();
    await env.sleep(25 * MIN); // grid → community → street (the default ladder)
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('STREET');
    expect(recorder.types(input.intake.code)).toEqual(['REPORTED', 'REMINDED', 'BREACHED', 'ESCALATED', 'REMINDED', 'BREACHED', 'ESCALATED']);
    const events = await eventTypes(h);
    expect(events.filter((e) => e.marker !== null)).toEqual([]);
    // One recording per workflow task that produced facts: intake, 2 reminders, 2 escalations.
    expect(events.filter((e) => e.activity === 'recordCase').length).toBe(5);
  });

  it('a case started with local recording (recordLocally in its input) keeps the local activity, inside the workflow task: no activity task at all', async () => {
    // Started then, on the ladder without the community: grid → street → command center.
    const { h, input } = await start({ recordLocally: true, noCommunityStep: true });
    await env.sleep(25 * MIN);
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('COMMAND_CENTER');
    expect(recorder.types(input.intake.code)).toEqual(['REPORTED', 'REMINDED', 'BREACHED', 'ESCALATED', 'REMINDED', 'BREACHED', 'ESCALATED']);
    const events = await eventTypes(h);
    expect(events.filter((e) => e.activity !== null)).toEqual([]);
    expect(events.filter((e) => e.marker === 'core_local_activity').length).toBe(5);
  });

  it('a case started before local recording (no flag in its input) keeps the recordCase activity and still climbs the ladder', async () => {
    const { h, input } = await start({ legacy: true });
    expect(input.options).toEqual({ searchAttributes: false });
    await env.sleep(25 * MIN);
    const s = await settled(h, input.intake.code);
    expect(s.level).toBe('COMMAND_CENTER');
    expect(recorder.types(input.intake.code)).toEqual(['REPORTED', 'REMINDED', 'BREACHED', 'ESCALATED', 'REMINDED', 'BREACHED', 'ESCALATED']);
    const events = await eventTypes(h);
    expect(events.filter((e) => e.marker !== null)).toEqual([]);
    expect(events.filter((e) => e.activity === 'recordCase').length).toBe(5);
    const after = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.cc }] });
    expect(after.status).toBe('ACCEPTED');
  });
});

describe('pacing at night (CasePolicy.pacing)', () => {
  it('on the default ladder an on-site window climbs grid → community → street → command center in office hours; lapsing after them it moves the case to the deputy, then the principal leader and onto the leaders\' list; their pages wait for the next office time, the duty desk is told now', async () => {
    // 09:30 on the next working day (the calendar's next office time after tomorrow's midnight, + 30 minutes).
    const cal = caseInput(0).calendar;
    const offset = cal.utcOffsetMinutes * MIN;
    const now = await env.currentTimeMs();
    const midnight = Math.floor((now + offset) / (24 * HOUR)) * 24 * HOUR + 24 * HOUR - offset;
    const morning = nextOfficeStart(midnight, cal) + 30 * MIN;
    await env.sleep(morning - now);
    const { h, input } = await start({ urgent: true });
    const code = input.intake.code;
    const reportedAt = input.intake.reportedAt;
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    // Nobody on site: 2 wall hours per level from 09:30 — 11:30 (community), 13:30 (street), 15:30 (command center),
    // 17:30 (deputy, after office time), 19:30 (principal).
    await env.sleep(reportedAt + 10 * HOUR + MIN - (await env.currentTimeMs()));
    const s = await settled(h, code);
    expect(s.level).toBe('PRINCIPAL_LEADER');
    expect(s.onLeaderList).toBe(true);
    expect(s.breaches.map((b: Breach) => [b.kind, b.level, b.escalatedTo])).toEqual([
      ['ON_SITE', 'GRID', 'COMMUNITY'],
      ['ON_SITE', 'COMMUNITY', 'STREET'],
      ['ON_SITE', 'STREET', 'COMMAND_CENTER'],
      ['ON_SITE', 'COMMAND_CENTER', 'DEPUTY_LEADER'],
      ['ON_SITE', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'],
    ]);
    const lapsedAt = reportedAt + 8 * HOUR;
    const nextMorning = nextOfficeStart(lapsedAt, cal);
    // 09:00 local of a later day (the case was reported a few milliseconds after 09:30, so it lapsed just after 17:30).
    expect((nextMorning + offset) % (24 * HOUR)).toBe(9 * HOUR);
    expect(nextMorning - lapsedAt).toBeGreaterThan(15 * HOUR);
    // The 19:30 lapse waits for the same morning.
    expect(nextOfficeStart(reportedAt + 10 * HOUR, cal)).toBe(nextMorning);
    const escalations = recorder.of(code).filter((e) => e.type === 'ESCALATED').map((e) => e.data as { to: string; deferredUntil?: number });
    expect(escalations.map((e) => [e.to, e.deferredUntil ?? null])).toEqual([
      ['COMMUNITY', null], ['STREET', null], ['COMMAND_CENTER', null], ['DEPUTY_LEADER', nextMorning], ['PRINCIPAL_LEADER', nextMorning],
    ]);
    expect(recorder.of(code).filter((e) => e.type === 'LEADER_LISTED').map((e) => e.data)).toEqual([
      { reason: 'on_site window lapsed at DEPUTY_LEADER', deferredUntil: nextMorning },
    ]);
    const pages = (recorder.notifications.get(code) ?? []).filter((n) => ['CASE_ESCALATED', 'LEADER_CASE', 'NIGHT_DUTY'].includes(n.kind));
    expect(pages.map((n) => [n.kind, n.recipientId, n.notBefore ?? null])).toEqual([
      ['CASE_ESCALATED', 'p-community', null],
      ['CASE_ESCALATED', 'p-street', null],
      ['CASE_ESCALATED', 'p-cc', null],
      ['CASE_ESCALATED', 'p-deputy', nextMorning],
      ['NIGHT_DUTY', 'p-cc', null],
      ['CASE_ESCALATED', 'p-principal', nextMorning],
      ['NIGHT_DUTY', 'p-cc', null],
      ['LEADER_CASE', 'p-principal', nextMorning],
    ]);
  });
});
