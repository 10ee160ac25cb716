// CaseMachine.tick on a paced case (CasePolicy.pacing, the default rules of domain/pacing):
// how far each lapse moves the case, the duty desk, the late department, and leaders' pages
// held to office hours. Cases without pacing keep the old ladder (caseMachine.clock.test.ts).
// Most tests run on the ladder without the community (GRID → STREET → …: the fixture's, as for
// cases started before the community joined the default ladder and for a grid without one); the
// last block runs on the default ladder with the community (层层, `communityStep`).
// Instants are worked out by hand from the pinned start (Tue 2026-11-24 10:00 Beijing) and the
// office hours 09:00–12:00, 13:30–17:30.
import type { Level } from '../../domain/types';
import type { CaseMachine } from '../../workflows/caseMachine';
import { ACTORS, CODE, DAY, HOUR, MIN, T0, bj, newMachine, types, verdict } from './fixtures/machineFixture';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

const paced = (o: { urgent?: boolean; startLevel?: Level; completionDays?: number; at?: number } = {}) => newMachine({ ...o, paced: true });

function inProgress(o: { urgent?: boolean; startLevel?: Level; completionDays?: number } = {}): CaseMachine {
  const m = paced(o);
  const holder = o.startLevel === 'STREET' ? ACTORS.street : ACTORS.grid;
  m.accept({ actor: holder }, T0);
  m.respond({ actor: holder, decision: 'SELF' }, T0);
  return m;
}

/** Facts emitted after `seq`, as [type, level, unitId]. */
const since = (m: CaseMachine, seq: number) => m.pending.filter((f) => f.event.seq > seq);

describe('a missed acceptance', () => {
  test('climbs to the command center and stops there: the duty desk is told to dispatch, no leader is reached', () => {
    const m = paced();
    m.tick(bj(11, 24, 10, 10));
    m.tick(bj(11, 24, 10, 20));
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.windows.map((w) => [w.kind, w.level, w.startedAt, w.dueAt])).toEqual([['ACCEPT', 'COMMAND_CENTER', bj(11, 24, 10, 20), bj(11, 24, 10, 30)]]);
    const seq = m.state.lastEventSeq;
    expect(m.tick(bj(11, 24, 10, 30))).toBe(true);
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.status).toBe('REPORTED');
    expect(m.state.onLeaderList).toBe(false);
    expect(m.state.breaches.map((b) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([
      ['ACCEPT', 'GRID', 'GL-S01-C01-G01', 'STREET'],
      ['ACCEPT', 'STREET', 'GL-S01', 'COMMAND_CENTER'],
      ['ACCEPT', 'COMMAND_CENTER', 'GL', null],
    ]);
    // No window restarts at the ceiling: the case waits with the duty desk, and nothing more lapses.
    expect(m.state.windows).toEqual([]);
    const held = since(m, seq);
    expect(held.map((f) => f.event.type)).toEqual(['BREACHED']);
    expect(held[0].event).toMatchObject({ level: 'COMMAND_CENTER', unitId: 'GL', data: { kind: 'ACCEPT', escalatedTo: null, move: 'HOLD', handledBy: 'COMMAND_CENTER' } });
    expect(held[0].notifications).toEqual([{
      recipientId: 'p-cc', recipientUnitId: 'GL', kind: 'LAPSE_TO_DISPATCH',
      message: `Case ${CODE}: accept window lapsed at COMMAND_CENTER (reported, held by COMMAND_CENTER); dispatch it (派单).`,
    }]);
    expect(m.tick(bj(11, 24, 10, 30) + DAY)).toBe(false);
    // The command center can still accept it.
    m.accept({ actor: ACTORS.cc }, bj(11, 24, 11));
    expect(m.state.status).toBe('ACCEPTED');
  });

  test('at 3 a.m. the same: the command center\'s duty desk has it at 03:20 and is told at 03:30; nobody is paged later, no leader at all', () => {
    const at = bj(11, 25, 3);
    const m = paced({ at });
    expect(m.tick(at + HOUR)).toBe(true);
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.breaches.map((b) => [b.level, b.dueAt, b.escalatedTo])).toEqual([
      ['GRID', at + 10 * MIN, 'STREET'],
      ['STREET', at + 20 * MIN, 'COMMAND_CENTER'],
      ['COMMAND_CENTER', at + 30 * MIN, null],
    ]);
    expect(types(m)).toEqual(['REPORTED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'BREACHED']);
    const notices = m.pending.flatMap((f) => f.notifications);
    expect(notices.map((n) => [n.recipientId, n.kind, n.notBefore])).toEqual([
      ['p-grid', 'CASE_ASSIGNED', undefined],
      ['p-street', 'CASE_ESCALATED', undefined],
      ['p-cc', 'CASE_ESCALATED', undefined],
      ['p-cc', 'LAPSE_TO_DISPATCH', undefined],
    ]);
  });

  test('whistled up to the deputy leader and not accepted there: held, not moved to the principal leader', () => {
    const m = paced();
    m.whistle({ actor: ACTORS.grid, reason: '需区级协调' }, T0);
    m.whistle({ actor: ACTORS.street, reason: '需区级协调' }, T0);
    m.whistle({ actor: ACTORS.cc, reason: '需分管领导' }, T0);
    expect(m.state.level).toBe('DEPUTY_LEADER');
    m.tick(T0 + 10 * MIN);
    expect(m.state.level).toBe('DEPUTY_LEADER');
    expect(m.state.breaches.map((b) => [b.level, b.escalatedTo])).toEqual([['DEPUTY_LEADER', null]]);
    expect(m.pending.at(-1)!.notifications.map((n) => [n.recipientId, n.kind])).toEqual([['p-cc', 'LAPSE_TO_DISPATCH']]);
  });
});

describe('missed response and completion climb to the leaders', () => {
  test('response: one level per working hour from the level that missed it, the leaders\' list at the top (all in office hours: paged at once)', () => {
    const m = paced();
    m.accept({ actor: ACTORS.grid }, T0);
    const dues = [bj(11, 24, 11), bj(11, 24, 12), bj(11, 24, 14, 30), bj(11, 24, 15, 30), bj(11, 24, 16, 30)];
    for (const d of dues) m.tick(d);
    expect(m.state.breaches.map((b) => [b.level, b.dueAt, b.escalatedTo])).toEqual([
      ['GRID', dues[0], 'STREET'],
      ['STREET', dues[1], 'COMMAND_CENTER'],
      ['COMMAND_CENTER', dues[2], 'DEPUTY_LEADER'],
      ['DEPUTY_LEADER', dues[3], 'PRINCIPAL_LEADER'],
      ['PRINCIPAL_LEADER', dues[4], null],
    ]);
    expect(m.state.level).toBe('PRINCIPAL_LEADER');
    expect(m.state.onLeaderList).toBe(true);
    expect(m.pending.filter((f) => f.event.type === 'BREACHED').map((f) => (f.event.data as { move: string }).move)).toEqual(['CLIMB', 'CLIMB', 'CLIMB', 'CLIMB', 'TOP']);
    expect(m.pending.flatMap((f) => f.notifications).filter((n) => n.notBefore !== undefined)).toEqual([]);
    expect(m.state.windows).toEqual([]);
  });

  test('completion: 3 working days per level, as before', () => {
    const m = inProgress();
    const dues = [bj(11, 27, 10), bj(12, 2, 10), bj(12, 7, 10), bj(12, 10, 10)];
    for (const d of dues) m.tick(d);
    expect(m.state.level).toBe('PRINCIPAL_LEADER');
    expect(m.state.completionDueAt).toBe(bj(12, 15, 10));
    expect(m.state.breaches.map((b) => b.escalatedTo)).toEqual(['STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
  });
});

describe('at night the leaders get the case on their list, and their page at the next office time', () => {
  // Urgent on-site: 2 wall hours per level from 10:00: 12:00, 14:00, 16:00, 18:00 (night), 20:00 (night).
  test('an on-site window lapsing at 18:00 moves the case to the principal leader; his page waits for 09:00, the duty desk is told now', () => {
    const m = inProgress({ urgent: true });
    for (const d of [bj(11, 24, 12), bj(11, 24, 14), bj(11, 24, 16)]) m.tick(d);
    expect(m.state.level).toBe('DEPUTY_LEADER');
    // 16:00 is office time: the deputy leader was paged at once.
    expect(m.pending.at(-1)!.event.data).not.toHaveProperty('deferredUntil');
    expect(m.pending.at(-1)!.notifications.map((n) => [n.recipientId, n.kind, n.notBefore])).toEqual([['p-deputy', 'CASE_ESCALATED', undefined]]);

    const seq = m.state.lastEventSeq;
    const night = bj(11, 24, 18);
    const morning = bj(11, 25, 9);
    expect(m.tick(night)).toBe(true);
    expect(m.state.level).toBe('PRINCIPAL_LEADER');
    expect(m.state.onLeaderList).toBe(true);
    const facts = since(m, seq);
    expect(facts.map((f) => f.event.type)).toEqual(['BREACHED', 'ESCALATED', 'LEADER_LISTED']);
    expect(facts[1].event.data).toEqual({
      from: 'DEPUTY_LEADER', to: 'PRINCIPAL_LEADER', cause: 'BREACH', reason: 'on_site window lapsed at DEPUTY_LEADER', assigneeId: 'p-principal', deferredUntil: morning,
    });
    expect(facts[1].notifications).toEqual([
      { recipientId: 'p-principal', recipientUnitId: 'GL', kind: 'CASE_ESCALATED', message: `Case ${CODE} escalated to you (breach): on_site window lapsed at DEPUTY_LEADER`, notBefore: morning },
      {
        recipientId: 'p-cc', recipientUnitId: 'GL', kind: 'NIGHT_DUTY',
        message: `Case ${CODE} reached the PRINCIPAL_LEADER outside office hours (on_site window lapsed at DEPUTY_LEADER); the duty desk handles it until ${new Date(morning).toISOString()}.`,
      },
    ]);
    expect(facts[2].event.data).toEqual({ reason: 'on_site window lapsed at DEPUTY_LEADER', deferredUntil: morning });
    expect(facts[2].notifications.map((n) => [n.recipientId, n.kind, n.notBefore])).toEqual([['p-principal', 'LEADER_CASE', morning]]);

    // The restarted window's reminder at 19:00 and its lapse at 20:00 page nobody before the morning either.
    const seq2 = m.state.lastEventSeq;
    m.tick(bj(11, 24, 19));
    m.tick(bj(11, 24, 20));
    const later = since(m, seq2);
    expect(later.map((f) => [f.event.type, (f.event.data as { move?: string }).move])).toEqual([['REMINDED', undefined], ['BREACHED', 'TOP']]);
    expect(later[0].notifications.map((n) => [n.recipientId, n.kind, n.notBefore])).toEqual([['p-principal', 'REMINDER', morning]]);
  });

  test('a whistle at night is a person\'s decision: the leader is paged at once', () => {
    const m = paced({ at: bj(11, 25, 2) });
    m.whistle({ actor: ACTORS.grid, reason: '塌陷' }, bj(11, 25, 2));
    m.whistle({ actor: ACTORS.street, reason: '塌陷' }, bj(11, 25, 2));
    m.whistle({ actor: ACTORS.cc, reason: '塌陷' }, bj(11, 25, 2));
    const esc = m.pending.at(-1)!;
    expect(esc.event.data).toEqual({ from: 'COMMAND_CENTER', to: 'DEPUTY_LEADER', cause: 'WHISTLE', reason: '塌陷', assigneeId: 'p-deputy' });
    expect(esc.notifications.map((n) => [n.recipientId, n.notBefore])).toEqual([['p-deputy', undefined]]);
  });
});

describe('a late department', () => {
  test('is the department\'s breach, supervised by the command center; the case stays with the street that called it', () => {
    const m = paced({ startLevel: 'STREET' });
    m.accept({ actor: ACTORS.street }, T0);
    m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: bj(11, 24, 11), place: '路口' }] }, T0);
    const seq = m.state.lastEventSeq;
    expect(m.tick(bj(11, 24, 11))).toBe(true);
    expect(m.state.level).toBe('STREET');
    expect(m.state.assignee.personId).toBe('p-street');
    expect(m.state.calls[0].late).toBe(true);
    expect(m.state.breaches.map((b) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([['REPORT', 'STREET', 'GL-D-CG', null]]);
    expect(m.state.windows.map((w) => w.kind)).toEqual(['COMPLETION']);
    const facts = since(m, seq);
    expect(facts.map((f) => f.event.type)).toEqual(['BREACHED']);
    expect(facts[0].event).toMatchObject({ unitId: 'GL-D-CG', level: 'STREET', data: { kind: 'REPORT', move: 'SUPERVISE', handledBy: 'COMMAND_CENTER', escalatedTo: null } });
    expect(facts[0].notifications).toEqual([{
      recipientId: 'p-cc', recipientUnitId: 'GL', kind: 'DEPARTMENT_LATE',
      message: `Case ${CODE}: department GL-D-CG did not report (报到) by ${new Date(bj(11, 24, 11)).toISOString()}; supervise (督办).`,
    }]);
    // It may still report, late.
    m.reportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }, bj(11, 24, 14));
    expect(m.pending.at(-1)!.event).toMatchObject({ type: 'DEPARTMENT_REPORTED', data: { late: true } });
  });
});

describe('a missed review and close', () => {
  test('climbs from the reviewer (the street), not from the grid that handled the case: to the command center, which reviews', () => {
    const m = inProgress();
    m.submitResult({ actor: ACTORS.grid, summary: '已清理' }, T0);
    expect(m.state.windows.map((w) => [w.kind, w.level])).toEqual([['REVIEW', 'STREET']]);
    m.tick(bj(11, 25, 10));
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.breaches.map((b) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([['REVIEW', 'STREET', 'GL-S01', 'COMMAND_CENTER']]);
    expect(m.state.windows.map((w) => [w.kind, w.level, w.unitId, w.startedAt, w.dueAt])).toEqual([['REVIEW', 'COMMAND_CENTER', 'GL', bj(11, 25, 10), bj(11, 26, 10)]]);
    expect(m.pending.at(-1)!.event.data).toMatchObject({ from: 'GRID', to: 'COMMAND_CENTER', cause: 'BREACH' });
    // At the command center it stops: held, no leader.
    m.tick(bj(11, 26, 10));
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.status).toBe('PENDING_REVIEW');
    expect(m.state.breaches.at(-1)).toMatchObject({ kind: 'REVIEW', level: 'COMMAND_CENTER', escalatedTo: null });
    m.review({ actor: ACTORS.cc, decision: 'CLOSE', reason: '核实' }, bj(11, 26, 11));
    expect(m.state.status).toBe('CLOSED');
  });
});

test('a lapsed extension decision restarts from the lapsed due time, however late the tick', () => {
  const m = inProgress({ completionDays: 10 });
  m.requestExtension({ actor: ACTORS.grid, days: 2, reason: '材料未到' }, T0);
  m.tick(bj(11, 25, 11)); // the command center's decision was due Wed 10:00
  expect(m.state.windows.filter((w) => w.kind === 'EXTENSION_DECISION').map((w) => [w.level, w.startedAt, w.dueAt])).toEqual([
    ['DEPUTY_LEADER', bj(11, 25, 10), bj(11, 26, 10)],
  ]);
});

describe('on the default ladder with the community (层层: GRID → COMMUNITY → STREET → …)', () => {
  const layered = (o: { urgent?: boolean; at?: number } = {}) => newMachine({ ...o, paced: true, communityStep: true });

  test('a missed acceptance climbs grid → community → street → command center, ten minutes a level, and is held there by the duty desk', () => {
    const m = layered();
    for (const d of [bj(11, 24, 10, 10), bj(11, 24, 10, 20), bj(11, 24, 10, 30)]) m.tick(d);
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.windows.map((w) => [w.kind, w.level, w.dueAt])).toEqual([['ACCEPT', 'COMMAND_CENTER', bj(11, 24, 10, 40)]]);
    expect(m.tick(bj(11, 24, 10, 40))).toBe(true);
    expect(m.state.level).toBe('COMMAND_CENTER');
    expect(m.state.status).toBe('REPORTED');
    expect(m.state.onLeaderList).toBe(false);
    expect(m.state.breaches.map((b) => [b.kind, b.level, b.unitId, b.escalatedTo])).toEqual([
      ['ACCEPT', 'GRID', 'GL-S01-C01-G01', 'COMMUNITY'],
      ['ACCEPT', 'COMMUNITY', 'GL-S01-C01', 'STREET'],
      ['ACCEPT', 'STREET', 'GL-S01', 'COMMAND_CENTER'],
      ['ACCEPT', 'COMMAND_CENTER', 'GL', null],
    ]);
    expect(m.state.windows).toEqual([]);
    expect(types(m)).toEqual(['REPORTED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'BREACHED']);
    expect(m.pending.filter((f) => f.event.type === 'ESCALATED').map((f) => [(f.event.data as { from: string }).from, (f.event.data as { to: string }).to, f.event.unitId])).toEqual([
      ['GRID', 'COMMUNITY', 'GL-S01-C01'],
      ['COMMUNITY', 'STREET', 'GL-S01'],
      ['STREET', 'COMMAND_CENTER', 'GL'],
    ]);
    // Each holder is told: the community's worker first.
    expect(m.pending.flatMap((f) => f.notifications).map((n) => [n.recipientId, n.kind])).toEqual([
      ['p-grid', 'CASE_ASSIGNED'],
      ['p-community', 'CASE_ESCALATED'],
      ['p-street', 'CASE_ESCALATED'],
      ['p-cc', 'CASE_ESCALATED'],
      ['p-cc', 'LAPSE_TO_DISPATCH'],
    ]);
  });

  test('the community accepts what climbed to it within its own ten minutes; the grid no longer may', () => {
    const m = layered();
    m.tick(bj(11, 24, 10, 10));
    expect(m.state.level).toBe('COMMUNITY');
    expect(m.state.assignee).toMatchObject({ level: 'COMMUNITY', unitId: 'GL-S01-C01', personId: 'p-community' });
    expect(m.state.windows.map((w) => [w.kind, w.level, w.unitId, w.dueAt])).toEqual([['ACCEPT', 'COMMUNITY', 'GL-S01-C01', bj(11, 24, 10, 20)]]);
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toMatchObject({ type: 'Forbidden' });
    expect(verdict(() => m.guardAccept({ actor: ACTORS.community }))).toBe('ok');
    m.accept({ actor: ACTORS.community }, bj(11, 24, 10, 15));
    expect(m.state.status).toBe('ACCEPTED');
    expect(m.tick(bj(11, 24, 10, 20))).toBe(false);
    expect(m.state.level).toBe('COMMUNITY');
  });

  test('missed response and completion climb through the community to the leaders', () => {
    const m = layered();
    m.accept({ actor: ACTORS.grid }, T0);
    // One working hour per level from 10:00 (lunch 12:00–13:30): the sixth lapse is at the top.
    const dues = [bj(11, 24, 11), bj(11, 24, 12), bj(11, 24, 14, 30), bj(11, 24, 15, 30), bj(11, 24, 16, 30), bj(11, 24, 17, 30)];
    for (const d of dues) m.tick(d);
    expect(m.state.breaches.map((b) => [b.level, b.dueAt, b.escalatedTo])).toEqual([
      ['GRID', dues[0], 'COMMUNITY'],
      ['COMMUNITY', dues[1], 'STREET'],
      ['STREET', dues[2], 'COMMAND_CENTER'],
      ['COMMAND_CENTER', dues[3], 'DEPUTY_LEADER'],
      ['DEPUTY_LEADER', dues[4], 'PRINCIPAL_LEADER'],
      ['PRINCIPAL_LEADER', dues[5], null],
    ]);
    expect(m.state.level).toBe('PRINCIPAL_LEADER');
    expect(m.state.onLeaderList).toBe(true);

    const c = layered();
    c.accept({ actor: ACTORS.grid }, T0);
    c.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0);
    // Three working days per level.
    for (const d of [bj(11, 27, 10), bj(12, 2, 10), bj(12, 7, 10), bj(12, 10, 10), bj(12, 15, 10)]) c.tick(d);
    expect(c.state.breaches.map((b) => [b.kind, b.level, b.escalatedTo])).toEqual([
      ['COMPLETION', 'GRID', 'COMMUNITY'],
      ['COMPLETION', 'COMMUNITY', 'STREET'],
      ['COMPLETION', 'STREET', 'COMMAND_CENTER'],
      ['COMPLETION', 'COMMAND_CENTER', 'DEPUTY_LEADER'],
      ['COMPLETION', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'],
    ]);
    expect(c.state.level).toBe('PRINCIPAL_LEADER');
  });

  test('the grid whistles to the community, whose worker is paged at once; the community handles it and the street reviews and closes (审核结案)', () => {
    const m = layered();
    m.whistle({ actor: ACTORS.grid, reason: '需社区协调' }, T0);
    expect(m.state.level).toBe('COMMUNITY');
    const esc = m.pending.at(-1)!;
    expect(esc.event).toMatchObject({ type: 'ESCALATED', level: 'COMMUNITY', unitId: 'GL-S01-C01' });
    expect(esc.event.data).toEqual({ from: 'GRID', to: 'COMMUNITY', cause: 'WHISTLE', reason: '需社区协调', assigneeId: 'p-community' });
    expect(esc.notifications.map((n) => [n.recipientId, n.recipientUnitId, n.kind])).toEqual([['p-community', 'GL-S01-C01', 'CASE_ESCALATED']]);
    m.accept({ actor: ACTORS.community }, T0 + MIN);
    m.respond({ actor: ACTORS.community, decision: 'SELF' }, T0 + 2 * MIN);
    m.submitResult({ actor: ACTORS.community, summary: '已协调处理' }, T0 + HOUR);
    expect(m.state.windows.map((w) => [w.kind, w.level, w.unitId])).toEqual([['REVIEW', 'STREET', 'GL-S01']]);
    expect(verdict(() => m.guardReview({ actor: ACTORS.community, decision: 'CLOSE', reason: '核实' }))).toMatchObject({ type: 'Forbidden' });
    m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, T0 + 2 * HOUR);
    expect(m.state.status).toBe('CLOSED');
  });

  test('the community whistles on to the street, one level at a time', () => {
    const m = layered();
    m.whistle({ actor: ACTORS.grid, reason: '需社区协调' }, T0);
    expect(verdict(() => m.guardWhistle({ actor: ACTORS.grid, reason: '再升级' }))).toMatchObject({ type: 'Forbidden' });
    m.whistle({ actor: ACTORS.community, reason: '超出社区能力' }, T0 + MIN);
    expect(m.state.level).toBe('STREET');
    expect(m.pending.at(-1)!.event.data).toMatchObject({ from: 'COMMUNITY', to: 'STREET', cause: 'WHISTLE', assigneeId: 'p-street' });
  });
});
