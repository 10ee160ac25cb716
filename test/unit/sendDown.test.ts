// The command center's send-down (派单/转办, domain/dispatch + CaseMachine.sendDown): a case the
// command center holds goes down to its own street, community or grid with a reason and a fresh
// accept window. Instants from the pinned start (Tue 2026-11-24 10:00 Beijing), office hours
// 09:00–12:00, 13:30–17:30.
import { SEND_DOWN_LEVELS, sendDownBlocker, sendDownTarget } from '../../domain/dispatch';
import { CaseMachine } from '../../workflows/caseMachine';
import { probeAction } from '../../workflows/caseActions';
import { ACTORS, CODE, MIN, T0, UNITS, bj, machineInput, newMachine, verdict } from './fixtures/machineFixture';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

/** A paced case nobody accepted: at 10:30 it waits with the command center's duty desk (HOLD). */
function heldByDutyDesk(o: { urgent?: boolean; responseFromReceipt?: boolean } = {}): CaseMachine {
  const input = machineInput({ paced: true, urgent: o.urgent });
  const m = new CaseMachine(o.responseFromReceipt ? { ...input, policy: { ...input.policy, responseFromReceipt: true } } : input, T0);
  m.tick(bj(11, 24, 10, 30));
  expect([m.state.level, m.state.status, m.state.windows.filter((w) => w.kind === 'ACCEPT')]).toEqual(['COMMAND_CENTER', 'REPORTED', []]);
  return m;
}

describe('domain/dispatch', () => {
  test('sends down to the street, the community or the grid, and only the case\'s own unit', () => {
    expect(SEND_DOWN_LEVELS).toEqual(['STREET', 'COMMUNITY', 'GRID']);
    expect(sendDownTarget('STREET', UNITS)).toEqual({ unitId: UNITS.streetId });
    expect(sendDownTarget('COMMUNITY', UNITS, UNITS.communityId)).toEqual({ unitId: UNITS.communityId });
    expect(sendDownTarget('GRID', UNITS)).toEqual({ unitId: UNITS.gridId });
    expect(sendDownTarget('STREET', UNITS, 'GL-S02')).toEqual({ field: 'unitId', message: expect.stringContaining('GL-S02 is not this case\'s street') });
    expect(sendDownTarget('COMMAND_CENTER', UNITS)).toEqual({ field: 'level', message: 'one of STREET, COMMUNITY, GRID' });
  });

  test('only a case the command center holds, not yet answered', () => {
    expect(sendDownBlocker({ status: 'REPORTED', level: 'COMMAND_CENTER' })).toBeNull();
    expect(sendDownBlocker({ status: 'ACCEPTED', level: 'COMMAND_CENTER' })).toBeNull();
    expect(sendDownBlocker({ status: 'IN_PROGRESS', level: 'COMMAND_CENTER' })).toMatch(/IN_PROGRESS/);
    expect(sendDownBlocker({ status: 'REPORTED', level: 'STREET' })).toMatch(/held by the STREET/);
  });
});

describe('CaseMachine.sendDown', () => {
  test('a case held by the duty desk goes to the grid: REPORTED there, a fresh 10-minute accept window, the grid worker told, a SENT_DOWN fact', () => {
    const m = heldByDutyDesk();
    const at = bj(11, 24, 10, 40);
    const seq = m.state.lastEventSeq;
    m.sendDown({ actor: ACTORS.cc, level: 'GRID', reason: '经核实属网格事项' }, at);
    expect([m.state.level, m.state.status, m.state.assignee.personId]).toEqual(['GRID', 'REPORTED', 'p-grid']);
    expect(m.state.windows.map((w) => [w.kind, w.level, w.unitId, w.startedAt, w.dueAt])).toEqual([['ACCEPT', 'GRID', UNITS.gridId, at, at + 10 * MIN]]);
    expect(m.state.sentDown).toEqual({ at, from: 'COMMAND_CENTER', to: 'GRID', unitId: UNITS.gridId, reason: '经核实属网格事项', by: 'p-cc' });
    const facts = m.pending.filter((f) => f.event.seq > seq);
    expect(facts.map((f) => f.event)).toEqual([expect.objectContaining({
      type: 'SENT_DOWN', actorId: 'p-cc', actorRole: 'COMMAND_CENTER', level: 'GRID', unitId: UNITS.gridId,
      data: { from: 'COMMAND_CENTER', to: 'GRID', unitId: UNITS.gridId, reason: '经核实属网格事项', assigneeId: 'p-grid', fromStatus: 'REPORTED', acceptDueAt: at + 10 * MIN },
    })]);
    expect(facts[0].notifications).toEqual([{
      recipientId: 'p-grid', recipientUnitId: UNITS.gridId, kind: 'CASE_ASSIGNED',
      message: `Case ${CODE} sent down to you by the command center (派单): 经核实属网格事项. Accept by ${new Date(at + 10 * MIN).toISOString()}.`,
    }]);
    // The grid accepts it; missed again, it climbs as any missed acceptance does.
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toBe('ok');
  });

  test('the new holder\'s response hour counts from the send-down (its receipt), not from the report', () => {
    const m = heldByDutyDesk({ responseFromReceipt: true });
    const at = bj(11, 24, 14);
    m.sendDown({ actor: ACTORS.cc, level: 'STREET', reason: '请街道处置' }, at);
    m.accept({ actor: ACTORS.street }, bj(11, 24, 14, 5));
    expect(m.state.windows.map((w) => [w.kind, w.level, w.startedAt, w.dueAt])).toEqual([['RESPONSE', 'STREET', at, bj(11, 24, 15)]]);
  });

  test('an accepted case not yet answered: its response window closes, it is REPORTED again at the community', () => {
    const m = heldByDutyDesk();
    m.accept({ actor: ACTORS.cc }, bj(11, 24, 10, 35));
    expect(m.state.windows.map((w) => w.kind)).toEqual(['RESPONSE']);
    m.sendDown({ actor: ACTORS.cc, level: 'COMMUNITY', reason: '小区内部事务' }, bj(11, 24, 10, 40));
    expect([m.state.level, m.state.status, m.state.assignee.personId]).toEqual(['COMMUNITY', 'REPORTED', 'p-community']);
    expect(m.state.windows.map((w) => [w.kind, w.level])).toEqual([['ACCEPT', 'COMMUNITY']]);
    expect(m.pending.at(-1)!.event.data).toMatchObject({ fromStatus: 'ACCEPTED' });
  });

  test('an urgent case: the on-site window keeps its due time (the hazard does not wait) and moves to the new holder', () => {
    const m = heldByDutyDesk({ urgent: true });
    const onSite = m.state.windows.find((w) => w.kind === 'ON_SITE')!;
    const due = onSite.dueAt;
    m.sendDown({ actor: ACTORS.cc, level: 'STREET', reason: '街道就近处置' }, bj(11, 24, 10, 40));
    expect(m.state.windows.find((w) => w.kind === 'ON_SITE')).toMatchObject({ dueAt: due, level: 'STREET', unitId: UNITS.streetId });
  });

  test('guards: the command center of the case\'s district, a case it holds and has not answered, its own units, a reason', () => {
    const m = heldByDutyDesk();
    const ok = { actor: ACTORS.cc, level: 'GRID' as const, reason: '派网格' };
    expect(verdict(() => m.guardSendDown(ok))).toBe('ok');
    expect(verdict(() => m.guardSendDown({ ...ok, actor: ACTORS.street }))).toMatchObject({ type: 'Forbidden' });
    expect(verdict(() => m.guardSendDown({ ...ok, actor: ACTORS.deputy }))).toMatchObject({ type: 'Forbidden' });
    expect(verdict(() => m.guardSendDown({ ...ok, actor: { ...ACTORS.cc, unitId: 'XX' } }))).toMatchObject({ type: 'Forbidden' });
    expect(verdict(() => m.guardSendDown({ ...ok, level: 'DEPUTY_LEADER' }))).toMatchObject({ type: 'BadInput', message: 'level: one of STREET, COMMUNITY, GRID' });
    expect(verdict(() => m.guardSendDown({ ...ok, level: 'STREET', unitId: 'GL-S02' }))).toMatchObject({ type: 'BadInput', message: expect.stringMatching(/^unitId: /) });
    expect(verdict(() => m.guardSendDown({ ...ok, reason: '  ' }))).toMatchObject({ type: 'BadInput', message: expect.stringMatching(/^reason: /) });
    // Not held by the command center: a fresh case at the grid.
    expect(verdict(() => newMachine({ paced: true }).guardSendDown(ok))).toMatchObject({ type: 'InvalidTransition', message: expect.stringContaining('held by the GRID') });
    // In progress: the handler keeps it.
    m.accept({ actor: ACTORS.cc }, bj(11, 24, 10, 35));
    m.respond({ actor: ACTORS.cc, decision: 'SELF' }, bj(11, 24, 10, 36));
    expect(verdict(() => m.guardSendDown(ok))).toMatchObject({ type: 'InvalidTransition', message: expect.stringContaining('IN_PROGRESS') });
  });

  test('the allowed-actions probe: the command center may send down the case it holds; nobody else, and not a case below it', () => {
    const m = heldByDutyDesk();
    expect(probeAction(m, 'send-down', ACTORS.cc)).toEqual({ action: 'send-down', allowed: true });
    expect(probeAction(m, 'send-down', ACTORS.street)).toMatchObject({ allowed: false, refusal: { type: 'Forbidden' } });
    expect(probeAction(newMachine({ paced: true }), 'send-down', ACTORS.cc)).toMatchObject({ allowed: false, refusal: { type: 'InvalidTransition' } });
  });

  test('a case without pacing takes it too (a new update: no old history calls it), e.g. one whistled up to the command center', () => {
    const m = newMachine();
    m.whistle({ actor: ACTORS.grid, reason: '需上级协调' }, T0);
    m.whistle({ actor: ACTORS.street, reason: '需区级协调' }, T0);
    expect(m.state.level).toBe('COMMAND_CENTER');
    m.sendDown({ actor: ACTORS.cc, level: 'STREET', reason: '街道可自行处置' }, T0 + MIN);
    expect([m.state.level, m.state.status]).toEqual(['STREET', 'REPORTED']);
  });
});
