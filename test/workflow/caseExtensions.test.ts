// Extensions on the time-skipping server: the approver level follows the length,
// an approval moves the running deadline, a lapsed decision climbs the ladder.
import { type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addWorkingDays } from '../../domain/calendar';
import {
  acceptCaseUpdate,
  decideExtensionUpdate,
  getCaseStateQuery,
  requestExtensionUpdate,
  respondCaseUpdate,
  type CaseWorkflowInput,
} from '../../workflows/messages';
import { ACTORS, failureType, caseInput, startCaseEnv, type MemoryRecorder } from './caseFixture';

jest.setTimeout(120_000);

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


/** A case in progress at the grid, handled by the grid itself. */
async function inProgress(): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput; dueAt: number }> {
  const input = caseInput(await env.currentTimeMs());
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  const s = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
  return { h, input, dueAt: s.completionDueAt! };
}

describe('approver level follows the length', () => {
  it.each([
    [2, 'COMMAND_CENTER', ACTORS.cc],
    [3, 'COMMAND_CENTER', ACTORS.cc],
    [5, 'DEPUTY_LEADER', ACTORS.deputy],
    [10, 'DEPUTY_LEADER', ACTORS.deputy],
    [12, 'PRINCIPAL_LEADER', ACTORS.principal],
  ] as const)('%i working days → %s approves and the deadline moves by that many working days', async (days, level, approver) => {
    const { h, input, dueAt } = await inProgress();
    const req = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days, reason: '需等待配件' }] });
    const ext = req.extensions[0];
    expect(ext.requiredLevel).toBe(level);
    expect(req.windows.find((w) => w.kind === 'EXTENSION_DECISION')?.level).toBe(level);
    // Below the required level is refused, and refusing changes nothing.
    if (level !== 'COMMAND_CENTER') {
      expect(await failureType(h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: ext.id, approve: true, reason: 'ok' }] }))).toBe('Forbidden');
    }
    expect(await failureType(h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.street, requestId: ext.id, approve: true, reason: 'ok' }] }))).toBe('Forbidden');
    const s = await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: approver, requestId: ext.id, approve: true, reason: '同意' }] });
    const expected = addWorkingDays(dueAt, days, input.calendar);
    expect(s.completionDueAt).toBe(expected);
    // One completion window, moved — not a second one added.
    expect(s.windows.filter((w) => w.kind === 'COMPLETION').map((w) => w.dueAt)).toEqual([expected]);
    expect(s.extensions[0]).toMatchObject({ status: 'APPROVED', decidedBy: approver.personId, decidedRole: approver.role, decidedUnitId: 'GL', decisionReason: '同意', previousDueAt: dueAt, newDueAt: expected });
  });

  it('a higher level may decide a request that a lower level could have approved', async () => {
    const { h } = await inProgress();
    const req = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 1, reason: '天气' }] });
    const s = await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.principal, requestId: req.extensions[0].id, approve: true, reason: '同意' }] });
    expect(s.extensions[0].status).toBe('APPROVED');
  });
});

describe('rejection, limits and lapses', () => {
  it('a rejection with a reason leaves the old deadline standing', async () => {
    const { h, dueAt } = await inProgress();
    const req = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 2, reason: '人手不足' }] });
    expect(await failureType(h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: req.extensions[0].id, approve: false, reason: ' ' }] }))).toBe('BadInput');
    const s = await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: req.extensions[0].id, approve: false, reason: '理由不充分' }] });
    expect(s.completionDueAt).toBe(dueAt);
    expect(s.extensions[0]).toMatchObject({ status: 'REJECTED', decisionReason: '理由不充分', newDueAt: null });
    expect(await failureType(h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: req.extensions[0].id, approve: true, reason: '改主意' }] }))).toBe('InvalidTransition');
  });

  it('at most K extensions per case; one request at a time', async () => {
    const { h } = await inProgress();
    for (let i = 0; i < 2; i++) {
      const r = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 1, reason: `第${i + 1}次` }] });
      expect(await failureType(h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 1, reason: '再来' }] }))).toBe('InvalidTransition');
      await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: r.extensions[i].id, approve: true, reason: '同意' }] });
    }
    expect(await failureType(h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 1, reason: '第三次' }] }))).toBe('InvalidTransition');
  });

  it('when nobody decides in time the request climbs to the next approver, and the missed level is blamed', async () => {
    const { h, input, dueAt } = await inProgress();
    const req = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 2, reason: '需协调' }] });
    const w = req.windows.find((x) => x.kind === 'EXTENSION_DECISION')!;
    expect(w.dueAt).toBeLessThan(dueAt);
    await env.sleep(w.dueAt - (await env.currentTimeMs()) + 60_000);
    const s = await h.query(getCaseStateQuery);
    expect(s.extensions[0]).toMatchObject({ status: 'PENDING', requiredLevel: 'COMMAND_CENTER', approverLevel: 'DEPUTY_LEADER' });
    expect(s.breaches.map((b) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([['EXTENSION_DECISION', 'COMMAND_CENTER', 'GL', 'DEPUTY_LEADER']]);
    // The case itself stays where it was.
    expect(s.level).toBe('GRID');
    // The command center's turn is over; the deputy decides now.
    expect(await failureType(h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.cc, requestId: req.extensions[0].id, approve: true, reason: 'late' }] }))).toBe('Forbidden');
    const d = await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: ACTORS.deputy, requestId: req.extensions[0].id, approve: true, reason: '同意' }] });
    expect(d.completionDueAt).toBe(addWorkingDays(dueAt, 2, input.calendar));
    await recorder.settled(h, input.intake.code);
    const types = recorder.types(input.intake.code);
    expect(types.filter((t) => t.startsWith('EXTENSION_'))).toEqual(['EXTENSION_REQUESTED', 'EXTENSION_ESCALATED', 'EXTENSION_APPROVED']);
  });

  it('an approval just before the completion deadline moves it, so the deadline never lapses', async () => {
    const { h, input, dueAt } = await inProgress();
    const req = await h.executeUpdate(requestExtensionUpdate, { args: [{ actor: ACTORS.grid, days: 1, reason: '需要更多时间' }] });
    // The deputy answers after the command center's window lapsed, a minute before the completion deadline.
    await env.sleep(dueAt - (await env.currentTimeMs()) - 60_000);
    const before = await h.query(getCaseStateQuery);
    expect(before.breaches.filter((b) => b.kind === 'COMPLETION')).toEqual([]);
    const approver = before.extensions[0].approverLevel === 'COMMAND_CENTER' ? ACTORS.cc : before.extensions[0].approverLevel === 'DEPUTY_LEADER' ? ACTORS.deputy : ACTORS.principal;
    await h.executeUpdate(decideExtensionUpdate, { args: [{ actor: approver, requestId: req.extensions[0].id, approve: true, reason: '同意' }] });
    await env.sleep(2 * 60_000);
    const s = await h.query(getCaseStateQuery);
    expect(s.breaches.filter((b) => b.kind === 'COMPLETION')).toEqual([]);
    expect(s.level).toBe('GRID');
    expect(s.completionDueAt).toBe(addWorkingDays(dueAt, 1, input.calendar));
  });
});
