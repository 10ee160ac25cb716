// Revisit surveys (回访) on the time-skipping test server (the real binary): closing
// opens a SURVEY window held by the district command center; a satisfied answer ends
// the case, an unsatisfied or unsolved one reopens it with a fresh completion window,
// too many reopens send it to the command center, and silence ends it per policy.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addWorkingDays } from '../../domain/calendar';
import type { Actor, UnreachablePolicy } from '../../domain/types';
import { residentActorId } from '../../workflows/caseMachine';
import {
  acceptCaseUpdate,
  getCaseStateQuery,
  recordSurveyUpdate,
  respondCaseUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
  type CaseState,
  type CaseWorkflowInput,
  type RecordSurveyInput,
} from '../../workflows/messages';
import { ACTORS, failureType, DIRECTORY, caseInput, startCaseEnv, type MemoryRecorder } from './caseFixture';

jest.setTimeout(180_000);

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

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

async function start(edit: (input: CaseWorkflowInput) => void = () => undefined): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput; code: string }> {
  const input = caseInput(await env.currentTimeMs());
  edit(input);
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return { h, input, code: input.intake.code };
}


/** Wait until the recorder has persisted every fact the workflow has emitted so far. */
async function settled(h: WorkflowHandle, code: string): Promise<CaseState> {
  for (let i = 0; i < 100; i++) {
    const s = await h.query(getCaseStateQuery);
    const last = recorder.of(code).at(-1)?.seq ?? 0;
    if (last === s.lastEventSeq) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('recorder did not catch up');
}

/** The grid accepts, handles it itself, submits a result; the street reviews and closes. */
async function handleAndClose(h: WorkflowHandle): Promise<CaseState> {
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
  return closeRound(h, ACTORS.grid, ACTORS.street);
}

/** One handling round of a case already in progress: result by the holder, review and close. */
async function closeRound(h: WorkflowHandle, holder: Actor, reviewer: Actor): Promise<CaseState> {
  await h.executeUpdate(submitResultUpdate, { args: [{ actor: holder, summary: '已处置' }] });
  const closed = await h.executeUpdate(reviewCaseUpdate, { args: [{ actor: reviewer, decision: 'CLOSE', reason: '核实已办结' }] });
  expect(closed.status).toBe('CLOSED');
  expect(closed.windows.map((w) => w.kind)).toEqual(['SURVEY']);
  return closed;
}

const survey = (o: Partial<RecordSurveyInput> = {}): RecordSurveyInput => ({
  actor: ACTORS.cc,
  satisfaction: 'SATISFIED',
  solved: true,
  channel: 'PHONE',
  ...o,
});

describe('a satisfied survey', () => {
  it('ends the case: SURVEYED, the survey window closed, the workflow completes', async () => {
    const { h, code } = await start();
    await handleAndClose(h);
    await env.sleep(30 * MIN);
    const s = await h.executeUpdate(recordSurveyUpdate, { args: [survey({ satisfaction: 'BASICALLY_SATISFIED', comment: '基本满意' })] });
    expect(s.status).toBe('SURVEYED');
    expect(s.windows).toEqual([]);
    expect(s.survey).toMatchObject({ satisfaction: 'BASICALLY_SATISFIED', solved: true, channel: 'PHONE', recordedBy: 'p-cc', unreachable: false, comment: '基本满意' });
    expect(await h.result()).toEqual({ code, status: 'SURVEYED', resolution: 'RESOLVED', breaches: 0, reopenCount: 0 });
    const recorded = recorder.of(code).filter((e) => e.type === 'SURVEY_RECORDED');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actorId: 'p-cc', actorRole: 'COMMAND_CENTER', unitId: 'GL' });
    expect(recorded[0].data).toEqual({ satisfaction: 'BASICALLY_SATISFIED', solved: true, comment: '基本满意', channel: 'PHONE' });
    expect(recorder.types(code).slice(-3)).toEqual(['REVIEWED_CLOSED', 'CLOSED', 'SURVEY_RECORDED']);
    expect(recorder.projections.get(code)).toMatchObject({ status: 'SURVEYED', reopenCount: 0 });
  });
});

describe('an unsatisfied or unsolved survey reopens the case', () => {
  it('unsatisfied → reopened with a fresh completion window → handled again → satisfied', async () => {
    const { h, input, code } = await start();
    const closed = await handleAndClose(h);
    await env.sleep(2 * 60 * MIN);
    const reopened = await h.executeUpdate(recordSurveyUpdate, { args: [survey({ satisfaction: 'UNSATISFIED', solved: false, comment: '摊贩又回来了' })] });
    expect(reopened.status).toBe('IN_PROGRESS');
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.resolution).toBeNull();
    expect(reopened.result).toBeNull();
    // The same holder keeps it (one reopen is under the limit), with a new full completion window.
    expect(reopened.level).toBe('GRID');
    expect(reopened.assignee).toEqual(DIRECTORY.GRID);
    expect(reopened.windows.map((w) => w.kind)).toEqual(['COMPLETION']);
    const w = reopened.windows[0];
    expect(w.dueAt).toBe(addWorkingDays(w.startedAt, 3, input.calendar));
    expect(reopened.completionDueAt).toBe(w.dueAt);
    expect(w.startedAt).toBeGreaterThanOrEqual(closed.updatedAt);

    await closeRound(h, ACTORS.grid, ACTORS.street);
    const done = await h.executeUpdate(recordSurveyUpdate, { args: [survey()] });
    expect(done.status).toBe('SURVEYED');
    expect(await h.result()).toMatchObject({ status: 'SURVEYED', reopenCount: 1 });
    const events = recorder.of(code);
    expect(events.filter((e) => e.type === 'REOPENED').map((e) => e.data)).toEqual([{ reopenCount: 1, completionDueAt: w.dueAt }]);
    expect(events.filter((e) => e.type === 'SURVEY_RECORDED').map((e) => (e.data as { satisfaction: string }).satisfaction)).toEqual(['UNSATISFIED', 'SATISFIED']);
    expect(events.filter((e) => e.type === 'CLOSED')).toHaveLength(2);
    expect((recorder.notifications.get(code) ?? []).filter((n) => n.kind === 'CASE_REOPENED').map((n) => n.recipientId)).toEqual(['p-grid']);
  });

  it('satisfied but not solved also reopens', async () => {
    const { h } = await start();
    await handleAndClose(h);
    const s = await h.executeUpdate(recordSurveyUpdate, { args: [survey({ satisfaction: 'SATISFIED', solved: false })] });
    expect(s.status).toBe('IN_PROGRESS');
    expect(s.reopenCount).toBe(1);
    // Finish it properly: a terminated workflow keeps the test server from skipping time.
    await closeRound(h, ACTORS.grid, ACTORS.street);
    await h.executeUpdate(recordSurveyUpdate, { args: [survey()] });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED', reopenCount: 1 });
  });

  it('after maxReopens reopens the next one sends the case to the district command center, one escalation per level of the default ladder (community, street, command center)', async () => {
    const { h, input, code } = await start();
    const max = input.policy.maxReopens;
    expect(max).toBe(2);
    await handleAndClose(h);
    for (let k = 1; k <= max; k++) {
      const s = await h.executeUpdate(recordSurveyUpdate, { args: [survey({ satisfaction: 'UNSATISFIED', solved: false })] });
      expect([s.status, s.level, s.reopenCount]).toEqual(['IN_PROGRESS', 'GRID', k]);
      await closeRound(h, ACTORS.grid, ACTORS.street);
    }
    const up = await h.executeUpdate(recordSurveyUpdate, { args: [survey({ satisfaction: 'UNSATISFIED', solved: false })] });
    expect(up.reopenCount).toBe(max + 1);
    expect(up.status).toBe('IN_PROGRESS');
    expect(up.level).toBe('COMMAND_CENTER');
    expect(up.assignee).toEqual(DIRECTORY.COMMAND_CENTER);
    expect(up.breaches).toEqual([]);
    expect(up.windows.map((w) => [w.kind, w.level, w.unitId])).toEqual([['COMPLETION', 'COMMAND_CENTER', 'GL']]);
    await settled(h, code);
    const esc = recorder.of(code).filter((e) => e.type === 'ESCALATED');
    expect(esc.map((e) => [(e.data as { from: string }).from, (e.data as { to: string }).to, (e.data as { cause: string }).cause])).toEqual([
      ['GRID', 'COMMUNITY', 'REOPEN_LIMIT'],
      ['COMMUNITY', 'STREET', 'REOPEN_LIMIT'],
      ['STREET', 'COMMAND_CENTER', 'REOPEN_LIMIT'],
    ]);
    // The grid may no longer act; the command center handles and closes it, and the survey ends it.
    expect(await failureType(h.executeUpdate(submitResultUpdate, { args: [{ actor: ACTORS.grid, summary: 'x' }] }))).toBe('Forbidden');
    await closeRound(h, ACTORS.cc, ACTORS.cc);
    await h.executeUpdate(recordSurveyUpdate, { args: [survey()] });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED', reopenCount: max + 1 });
    const closings = recorder.of(code).filter((e) => e.type === 'CLOSED').map((e) => (e.data as { handlerUnitId: string }).handlerUnitId);
    expect(closings).toEqual(['GL-S01-C01-G01', 'GL-S01-C01-G01', 'GL-S01-C01-G01', 'GL']);
  });
});

describe('nobody answers the survey', () => {
  it('the survey window lapses and the case ends SURVEY_UNREACHABLE under its frozen policy', async () => {
    const policies: UnreachablePolicy[] = ['SATISFIED', 'NEUTRAL', 'EXCLUDED'];
    const cases = [];
    for (const policy of policies) {
      const c = await start((i) => {
        i.policy.unreachablePolicy = policy;
      });
      const closed = await handleAndClose(c.h);
      cases.push({ ...c, policy, surveyDueAt: closed.windows[0].dueAt });
    }
    // Well past the survey windows (3 working days), never at the instant a timer fires.
    await env.sleep(15 * DAY + 7 * MIN);
    for (const c of cases) {
      expect(await c.h.result()).toMatchObject({ status: 'SURVEYED', reopenCount: 0 });
      const s = await c.h.query(getCaseStateQuery);
      expect(s.status).toBe('SURVEYED');
      expect(s.survey).toMatchObject({
        satisfaction: c.policy === 'SATISFIED' ? 'SATISFIED' : null,
        solved: null,
        channel: 'NONE',
        recordedBy: null,
        unreachable: true,
      });
      const events = recorder.of(c.code);
      const lapsed = events.filter((e) => e.type === 'SURVEY_UNREACHABLE');
      expect(lapsed).toHaveLength(1);
      expect(lapsed[0]).toMatchObject({ unitId: 'GL', level: 'COMMAND_CENTER', actorId: null, data: { policy: c.policy } });
      expect(lapsed[0].at).toBeGreaterThanOrEqual(c.surveyDueAt);
      // The command center was reminded before the window lapsed; nobody is blamed for silence.
      expect(events.find((e) => e.type === 'REMINDED')?.data).toMatchObject({ kind: 'SURVEY' });
      expect(events.map((e) => e.type)).not.toContain('BREACHED');
      expect(events.map((e) => e.type)).not.toContain('REOPENED');
    }
  });
});

describe('who may record the survey', () => {
  it('refuses other roles, other districts, the LINK channel for staff and the wrong resident; refuses open cases', async () => {
    const { h, code } = await start();
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    expect(await failureType(h.executeUpdate(recordSurveyUpdate, { args: [survey()] }))).toBe('InvalidTransition');
    await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    await closeRound(h, ACTORS.grid, ACTORS.street);
    const before = await h.query(getCaseStateQuery);

    const refused = async (o: Partial<RecordSurveyInput>) => failureType(h.executeUpdate(recordSurveyUpdate, { args: [survey(o)] }));
    expect(await refused({ actor: ACTORS.street })).toBe('Forbidden');
    expect(await refused({ actor: ACTORS.grid })).toBe('Forbidden');
    expect(await refused({ actor: ACTORS.deputy })).toBe('Forbidden');
    expect(await refused({ actor: ACTORS.auditor })).toBe('Forbidden');
    expect(await refused({ actor: { personId: 'p-cc-other', role: 'COMMAND_CENTER', unitId: 'TJ' } })).toBe('Forbidden');
    // Staff do not answer through the resident's link…
    expect(await refused({ actor: ACTORS.cc, channel: 'LINK' })).toBe('Forbidden');
    // …and a resident answers only through the link, only for their own case.
    expect(await refused({ actor: { personId: residentActorId(code), role: 'REPORTER', unitId: 'GL' }, channel: 'PHONE' })).toBe('Forbidden');
    expect(await refused({ actor: { personId: residentActorId('GL-20261123-999999'), role: 'REPORTER', unitId: 'GL' }, channel: 'LINK' })).toBe('Forbidden');
    expect(await refused({ actor: { personId: residentActorId(code), role: 'GRID_WORKER', unitId: 'GL' }, channel: 'LINK' })).toBe('Forbidden');

    const after = await h.query(getCaseStateQuery);
    expect(after.status).toBe('CLOSED');
    expect(after.survey).toBeNull();
    expect(after.lastEventSeq).toBe(before.lastEventSeq);
    await h.executeUpdate(recordSurveyUpdate, { args: [survey()] });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED' });
  });

  it('accepts the resident answering through the one-time link (channel LINK)', async () => {
    const { h, code } = await start();
    await handleAndClose(h);
    const resident: Actor = { personId: residentActorId(code), role: 'REPORTER', unitId: 'GL' };
    const s = await h.executeUpdate(recordSurveyUpdate, { args: [{ actor: resident, satisfaction: 'SATISFIED', solved: true, channel: 'LINK', comment: '很及时' }] });
    expect(s.status).toBe('SURVEYED');
    expect(s.survey).toMatchObject({ channel: 'LINK', recordedBy: residentActorId(code), unreachable: false });
    expect(await h.result()).toMatchObject({ status: 'SURVEYED' });
    const recorded = recorder.of(code).find((e) => e.type === 'SURVEY_RECORDED');
    expect(recorded).toMatchObject({ actorId: residentActorId(code), actorRole: 'REPORTER', data: { channel: 'LINK', satisfaction: 'SATISFIED', solved: true } });
    // The survey is recorded once: the case has ended and takes no second answer.
    await expect(h.executeUpdate(recordSurveyUpdate, { args: [survey()] })).rejects.toThrow();
  });
});
