// The command center's send-down (派单) on the time-skipping test server: a case nobody accepted
// waits with the duty desk (HOLD); the command center sends it down to the street with a reason,
// the street gets a fresh accept window and is told, and its response hour counts from the send-down.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { acceptCaseUpdate, getCaseStateQuery, sendDownUpdate } from '../../workflows/messages';
import { ACTORS, DIRECTORY, UNITS, failureType, startCaseAtMorning, type MemoryRecorder, startCaseEnv } from './caseFixture';

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

describe('send-down (派单)', () => {
  it('the duty desk sends a case it holds down to the street: REPORTED there with a fresh accept window, the street told, a SENT_DOWN fact; the street\'s hour counts from the send-down', async () => {
    // 09:30 on a working morning; nobody accepts on the default ladder: grid 09:40, community 09:50, street 10:00,
    // the command center holds it at 10:10.
    const { h, input } = await startCaseAtMorning(env, taskQueue);
    const code = input.intake.code;
    await env.sleep(45 * MIN);
    const held = await recorder.settled(h, code);
    expect([held.level, held.status, held.windows]).toEqual(['COMMAND_CENTER', 'REPORTED', []]);

    // Not the street's to send, nor a unit of another street.
    expect(await failureType(h.executeUpdate(sendDownUpdate, { args: [{ actor: ACTORS.street, level: 'STREET', reason: '街道处置' }] }))).toBe('Forbidden');
    expect(await failureType(h.executeUpdate(sendDownUpdate, { args: [{ actor: ACTORS.cc, level: 'STREET', unitId: 'GL-S02', reason: '街道处置' }] }))).toBe('BadInput');

    const s = await h.executeUpdate(sendDownUpdate, { args: [{ actor: ACTORS.cc, level: 'STREET', reason: '属街道职责，请街道受理' }] });
    expect([s.level, s.status, s.assignee]).toEqual(['STREET', 'REPORTED', DIRECTORY.STREET]);
    await recorder.settled(h, code);
    const sent = recorder.of(code).find((e) => e.type === 'SENT_DOWN');
    expect(sent).toMatchObject({ actorId: 'p-cc', level: 'STREET', unitId: UNITS.streetId, data: { from: 'COMMAND_CENTER', to: 'STREET', fromStatus: 'REPORTED', reason: '属街道职责，请街道受理' } });
    const at = sent!.at;
    expect(s.windows.map((w) => [w.kind, w.level, w.unitId, w.dueAt])).toEqual([['ACCEPT', 'STREET', UNITS.streetId, at + 10 * MIN]]);
    expect((recorder.notifications.get(code) ?? []).filter((n) => n.kind === 'CASE_ASSIGNED').map((n) => n.recipientId)).toEqual(['p-grid', 'p-street']);

    await env.sleep(5 * MIN);
    const a = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.street }] });
    // Received at the send-down (10:15, office hours): the response is due one working hour later.
    expect(a.windows.map((w) => [w.kind, w.startedAt, w.dueAt])).toEqual([['RESPONSE', at, at + HOUR]]);
    const q = await h.query(getCaseStateQuery);
    expect(q.sentDown).toMatchObject({ at, from: 'COMMAND_CENTER', to: 'STREET', by: 'p-cc' });
  });

  it('sent down and not accepted again: the missed acceptance climbs back to the command center as any does (through the community, on the default ladder)', async () => {
    const { h, input } = await startCaseAtMorning(env, taskQueue);
    await env.sleep(45 * MIN);
    await recorder.settled(h, input.intake.code);
    await h.executeUpdate(sendDownUpdate, { args: [{ actor: ACTORS.cc, level: 'GRID', reason: '网格事项' }] });
    await env.sleep(35 * MIN);
    const s = await recorder.settled(h, input.intake.code);
    expect([s.level, s.status]).toEqual(['COMMAND_CENTER', 'REPORTED']);
    expect(s.breaches.map((b) => [b.kind, b.level]).slice(4)).toEqual([['ACCEPT', 'GRID'], ['ACCEPT', 'COMMUNITY'], ['ACCEPT', 'STREET']]);
  });
});
