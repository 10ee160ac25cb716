// Clock pause (issue 16) in the case machine, alone (no server), with a pinned clock: the holder
// asks, the level above decides within its decision window, the paused window neither reminds
// nor lapses, and when the pause ends its due time moves by the paused time — so the on-time
// verdict recorded on the closing fact excludes it. A case without CasePolicy.pause takes none.
import { ACTORS, HOUR, MIN, T0, bj, newMachine, verdict } from './fixtures/machineFixture';
import type { CaseMachine } from '../../workflows/caseMachine';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';
import { allowedActions } from '../../workflows/caseActions';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

const facts = (m: CaseMachine, type: string) => m.pending.filter((f) => f.event.type === type).map((f) => f.event);
const completion = (m: CaseMachine) => m.state.windows.find((w) => w.kind === 'COMPLETION')!;
/** Completion of 3 working days from Tue 10:05: due Fri 2026-11-27 10:05, reminder (half) Wed 15:05. */
const DUE = bj(11, 27, 10, 5);

/** The grid handles it (Tue 10:05) and asks the street to pause its completion clock (Tue 10:30). */
function pauseAsked(o: { until?: number } = {}): CaseMachine {
  const m = newMachine({ pause: true });
  m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
  m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
  const ask = { actor: ACTORS.grid, reasonKind: 'THIRD_PARTY' as const, reason: '等待法院裁定', ...(o.until ? { until: o.until } : {}) };
  expect(verdict(() => m.guardRequestPause(ask))).toBe('ok');
  m.requestPause(ask, T0 + 30 * MIN);
  return m;
}

describe('clock pause (CasePolicy.pause)', () => {
  it('the street approves; the completion clock stops (no reminder, no lapse), and resuming moves it by the working time paused; the result is on time', () => {
    const m = pauseAsked();
    expect(completion(m).dueAt).toBe(DUE);
    expect(facts(m, 'PAUSE_REQUESTED')[0].data).toMatchObject({ windowKind: 'COMPLETION', reasonKind: 'THIRD_PARTY', approverLevel: 'STREET', until: null });
    const decision = m.state.windows.find((w) => w.kind === 'PAUSE_DECISION')!;
    expect(decision).toMatchObject({ level: 'STREET', refId: m.state.pauses![0].id });
    const id = m.state.pauses![0].id;
    // The grid cannot approve its own pause; the street (the level above) can.
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.grid, pauseId: id, approve: true, reason: 'ok' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }))).toBe('ok');
    m.decidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }, T0 + HOUR);
    expect(m.state.windows.map((w) => w.kind)).toEqual(['COMPLETION']);
    expect(completion(m).pausedAt).toBe(T0 + HOUR);
    // Nothing wakes the case: its only window is paused.
    expect(m.nextWakeAt()).toBeNull();
    m.tick(DUE + HOUR);
    expect(facts(m, 'REMINDED')).toEqual([]);
    expect(facts(m, 'BREACHED')).toEqual([]);
    expect(verdict(() => m.guardNoLapseDue(DUE + HOUR))).toBe('ok');
    // Resumed Thu 11:00: Tue 11:00–17:30 (300) + Wed (420) + Thu 09:00–11:00 (120) = two working days.
    const resume = bj(11, 26, 11);
    expect(verdict(() => m.guardEndPause({ actor: ACTORS.grid, pauseId: id }))).toBe('ok');
    m.endPauseAction({ actor: ACTORS.grid, pauseId: id, note: '已收到裁定' }, resume);
    expect(facts(m, 'PAUSE_ENDED')[0].data).toEqual({
      pauseId: id, windowId: completion(m).id, windowKind: 'COMPLETION', cause: 'RESUMED', note: '已收到裁定',
      pausedAt: T0 + HOUR, endedAt: resume, minutes: 840, fromDueAt: DUE, toDueAt: bj(12, 1, 10, 5),
    });
    expect(completion(m)).toMatchObject({ dueAt: bj(12, 1, 10, 5), remindAt: bj(11, 27, 15, 5), pausedMinutes: 840 });
    expect(completion(m).pausedAt).toBeUndefined();
    expect(m.state.completionDueAt).toBe(bj(12, 1, 10, 5));
    expect(m.state.pauses![0]).toMatchObject({ status: 'ENDED', endCause: 'RESUMED', pausedMinutes: 840 });
    // Submitted Monday, after the old deadline and before the moved one: on time, the paused time named.
    m.submitResult({ actor: ACTORS.grid, summary: '已处理' }, bj(11, 30, 10));
    expect(facts(m, 'REVIEW_REQUESTED')[0].data).toMatchObject({ windowDueAt: bj(12, 1, 10, 5), onTime: true, pausedMinutes: 840 });
  });

  it('a planned end ends the pause by itself at that instant; the window counts again from there', () => {
    const until = bj(11, 25, 10);
    const m = pauseAsked({ until });
    const id = m.state.pauses![0].id;
    m.decidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }, T0 + HOUR);
    expect(m.nextWakeAt()).toBe(until);
    expect(verdict(() => m.guardNoLapseDue(until))).toMatchObject({ type: CONFLICT_ERROR });
    m.tick(until + 5 * MIN);
    // Tue 11:00–17:30 (300) + Wed 09:00–10:00 (60): Fri 10:05 + 360 working minutes = Mon 09:05.
    expect(facts(m, 'PAUSE_ENDED')[0]).toMatchObject({ at: until + 5 * MIN, actorId: null, data: { cause: 'PLANNED_END', endedAt: until, minutes: 360, toDueAt: bj(11, 30, 9, 5) } });
    expect(completion(m).dueAt).toBe(bj(11, 30, 9, 5));
    expect(m.nextWakeAt()).toBe(completion(m).remindAt);
  });

  it('rejected: the clock never stopped; a second request is refused while one waits', () => {
    const m = pauseAsked();
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: 'again' }))).toMatchObject({ type: CONFLICT_ERROR });
    const id = m.state.pauses![0].id;
    m.decidePause({ actor: ACTORS.street, pauseId: id, approve: false, reason: '应继续办理' }, T0 + HOUR);
    expect(facts(m, 'PAUSE_REJECTED')[0].data).toEqual({ pauseId: id, windowKind: 'COMPLETION', reason: '应继续办理', withdrawn: false });
    expect(m.state.windows.map((w) => w.kind)).toEqual(['COMPLETION']);
    expect(completion(m).pausedAt).toBeUndefined();
    m.tick(DUE);
    expect(facts(m, 'BREACHED').map((e) => e.data?.kind)).toEqual(['COMPLETION']);
  });

  it('the approver lets the decision window lapse: the approver’s breach, and the request climbs to the command center (the case stays)', () => {
    const m = pauseAsked();
    m.tick(bj(11, 25, 10, 30));
    const [breach] = facts(m, 'BREACHED');
    expect(breach).toMatchObject({ unitId: 'GL-S01', data: { kind: 'PAUSE_DECISION', escalatedTo: 'COMMAND_CENTER', pauseId: m.state.pauses![0].id } });
    expect(facts(m, 'PAUSE_ESCALATED')[0].data).toEqual({ pauseId: m.state.pauses![0].id, approverLevel: 'COMMAND_CENTER' });
    expect(m.state.level).toBe('GRID');
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.street, pauseId: m.state.pauses![0].id, approve: true, reason: 'x' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.cc, pauseId: m.state.pauses![0].id, approve: true, reason: 'x' }))).toBe('ok');
  });

  it('the result submitted while paused ends the pause (WINDOW_CLOSED) and is judged on the moved deadline; a waiting request is withdrawn', () => {
    const m = pauseAsked();
    const id = m.state.pauses![0].id;
    m.decidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }, T0 + HOUR);
    m.submitResult({ actor: ACTORS.grid, summary: '已处理' }, bj(11, 27, 11));
    const types = m.pending.map((f) => f.event.type);
    expect(types.slice(-3)).toEqual(['RESULT_SUBMITTED', 'PAUSE_ENDED', 'REVIEW_REQUESTED']);
    expect(facts(m, 'REVIEW_REQUESTED')[0].data).toMatchObject({ onTime: true });

    const w = pauseAsked();
    w.submitResult({ actor: ACTORS.grid, summary: '已处理' }, T0 + 2 * HOUR);
    expect(facts(w, 'PAUSE_REJECTED')[0].data).toMatchObject({ withdrawn: true, reason: 'the window closed' });
    expect(w.state.windows.some((x) => x.kind === 'PAUSE_DECISION')).toBe(false);
    expect(w.state.pauses![0].status).toBe('WITHDRAWN');
  });

  it('a wall-clock window (urgent on-site) moves by the wall minutes paused', () => {
    const m = newMachine({ pause: true, urgent: true });
    m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
    m.requestPause({ actor: ACTORS.grid, windowKind: 'ON_SITE', reasonKind: 'REPORTER_UNREACHABLE', reason: '住户不在家，无法入户' }, T0 + 10 * MIN);
    const id = m.state.pauses![0].id;
    m.decidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }, T0 + 20 * MIN);
    m.endPauseAction({ actor: ACTORS.grid, pauseId: id }, T0 + 50 * MIN);
    expect(m.state.windows.find((w) => w.kind === 'ON_SITE')!.dueAt).toBe(T0 + 2 * HOUR + 30 * MIN);
  });

  it('on the default ladder with the community (层层) the street still decides a grid\'s pause (PausePolicy.approverFrom), not the community; the community\'s own pause goes to the street too', () => {
    const m = newMachine({ pause: true, communityStep: true });
    m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
    m.requestPause({ actor: ACTORS.grid, reasonKind: 'REPORTER_UNREACHABLE', reason: '住户不在家' }, T0 + 30 * MIN);
    expect(facts(m, 'PAUSE_REQUESTED')[0].data).toMatchObject({ approverLevel: 'STREET' });
    expect(m.pending.at(-1)!.notifications.map((n) => [n.recipientId, n.kind])).toEqual([['p-street', 'PAUSE_REQUESTED']]);
    const id = m.state.pauses![0].id;
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.community, pauseId: id, approve: true, reason: 'ok' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardDecidePause({ actor: ACTORS.street, pauseId: id, approve: true, reason: '属实' }))).toBe('ok');

    const c = newMachine({ pause: true, communityStep: true });
    c.whistle({ actor: ACTORS.grid, reason: '需社区协调' }, T0);
    c.accept({ actor: ACTORS.community }, T0 + 3 * MIN);
    c.respond({ actor: ACTORS.community, decision: 'SELF' }, T0 + 5 * MIN);
    c.requestPause({ actor: ACTORS.community, reasonKind: 'THIRD_PARTY', reason: '等待物业' }, T0 + 30 * MIN);
    expect(facts(c, 'PAUSE_REQUESTED')[0].data).toMatchObject({ approverLevel: 'STREET' });
  });

  it('what may be paused and by whom; a case started before pauses takes none', () => {
    const m = newMachine({ pause: true });
    // Only the accept window runs: nothing to pause before acceptance.
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: 'x' }))).toMatchObject({ type: CONFLICT_ERROR });
    m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.street, reasonKind: 'OTHER', reason: 'x' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.grid, windowKind: 'COMPLETION', reasonKind: 'OTHER', reason: 'x' }))).toMatchObject({ type: BAD_INPUT_ERROR });
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.grid, windowKind: 'ACCEPT' as never, reasonKind: 'OTHER', reason: 'x' }))).toMatchObject({ type: BAD_INPUT_ERROR });
    expect(verdict(() => m.guardRequestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: 'x', until: T0 - MIN }))).toMatchObject({ type: BAD_INPUT_ERROR });
    // The response window pauses by default after acceptance; the form's content is all that is missing.
    expect(allowedActions(m, ACTORS.grid).find((v) => v.action === 'pause')).toMatchObject({ allowed: true });
    expect(allowedActions(m, ACTORS.street).find((v) => v.action === 'pause-decision')).toMatchObject({ allowed: false });

    const old = newMachine();
    old.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    expect(verdict(() => old.guardRequestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: 'x' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('started before clock pauses') });
  });
});
