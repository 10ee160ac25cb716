// CaseMachine.tick with a fake clock: every window kind lapsing up the ladder, reminders,
// races between an update and a lapse at the same instant, and the facts emitted.
// Expected instants are worked out by hand from the pinned start (Tue 2026-11-24 10:00
// Beijing) and the office hours 09:00–12:00, 13:30–17:30 (7 working hours a day).
import type { Level, WindowKind } from '../../domain/types';
import type { CaseMachine } from '../../workflows/caseMachine';
import { FORBIDDEN_ERROR } from '../../workflows/messages';
import { ACTORS, CODE, DAY, HOUR, MIN, T0, bj, newMachine, types, verdict } from './fixtures/machineFixture';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

const UNIT: Record<Level, string> = {
  GRID: 'GL-S01-C01-G01',
  COMMUNITY: 'GL-S01-C01',
  STREET: 'GL-S01',
  COMMAND_CENTER: 'GL',
  DEPUTY_LEADER: 'GL',
  PRINCIPAL_LEADER: 'GL',
};
const LADDER: Level[] = ['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

function acceptedGrid(): CaseMachine {
  const m = newMachine();
  m.accept({ actor: ACTORS.grid }, T0);
  return m;
}
function inProgress(o: { urgent?: boolean; startLevel?: Level; completionDays?: number } = {}): CaseMachine {
  const m = newMachine(o);
  const holder = o.startLevel === 'STREET' ? ACTORS.street : ACTORS.grid;
  m.accept({ actor: holder }, T0);
  m.respond({ actor: holder, decision: 'SELF' }, T0);
  return m;
}
function calledAtStreet(): CaseMachine {
  const m = newMachine({ startLevel: 'STREET' });
  m.accept({ actor: ACTORS.street }, T0);
  m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: bj(11, 24, 11), place: '路口' }] }, T0);
  return m;
}
function reviewAtStreet(): CaseMachine {
  const m = inProgress({ startLevel: 'STREET' });
  m.submitResult({ actor: ACTORS.street, summary: '已清理' }, T0);
  return m;
}
/** completionDays 10 keeps the completion deadline clear of the decision windows. */
function extensionPending(completionDays = 10): CaseMachine {
  const m = inProgress({ completionDays });
  m.requestExtension({ actor: ACTORS.grid, days: 2, reason: '材料未到' }, T0);
  return m;
}

interface Step { level: Level; unitId: string; dueAt: number }
type Chain = [WindowKind, () => CaseMachine, Step[], { caseMoves: boolean }];

const steps = (levels: Level[], dues: number[], unit?: string): Step[] => levels.map((level, i) => ({ level, unitId: unit ?? UNIT[level], dueAt: dues[i] }));

const chains: Chain[] = [
  // 10 wall minutes at every level
  ['ACCEPT', () => newMachine(), steps(LADDER, [bj(11, 24, 10, 10), bj(11, 24, 10, 20), bj(11, 24, 10, 30), bj(11, 24, 10, 40), bj(11, 24, 10, 50)]), { caseMoves: true }],
  // 1 working hour: 10:00→11:00, →12:00 (ends on the segment end), 12:00 counts from 13:30 →14:30, →15:30, →16:30
  ['RESPONSE', acceptedGrid, steps(LADDER, [bj(11, 24, 11), bj(11, 24, 12), bj(11, 24, 14, 30), bj(11, 24, 15, 30), bj(11, 24, 16, 30)]), { caseMoves: true }],
  // urgent on-site, 2 wall hours (lunch and evening do not stop it)
  ['ON_SITE', () => inProgress({ urgent: true }), steps(LADDER, [bj(11, 24, 12), bj(11, 24, 14), bj(11, 24, 16), bj(11, 24, 18), bj(11, 24, 20)]), { caseMoves: true }],
  // 3 working days = 21 working hours: Tue 10:00 → Fri 10:00 → Wed 12-02 10:00 (over the weekend) → Mon 12-07 → Thu 12-10 → Tue 12-15
  ['COMPLETION', () => inProgress(), steps(LADDER, [bj(11, 27, 10), bj(12, 2, 10), bj(12, 7, 10), bj(12, 10, 10), bj(12, 15, 10)]), { caseMoves: true }],
  // report by 11:00 named by the caller, then 2 working hours per level: 14:30, 16:30, Wed 10:00; the department stays blamed
  ['REPORT', calledAtStreet, steps(['STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'], [bj(11, 24, 11), bj(11, 24, 14, 30), bj(11, 24, 16, 30), bj(11, 25, 10)], 'GL-D-CG'), { caseMoves: true }],
  // 1 working day per level, from the street (reviews are done by the street or the level holding the case)
  ['REVIEW', reviewAtStreet, steps(['STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'], [bj(11, 25, 10), bj(11, 26, 10), bj(11, 27, 10), bj(11, 30, 10)]), { caseMoves: true }],
  // a 2-day extension is decided by the command center; 1 working day per approver; the case itself stays with the grid
  ['EXTENSION_DECISION', extensionPending, steps(['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'], [bj(11, 25, 10), bj(11, 26, 10), bj(11, 27, 10)]), { caseMoves: false }],
];

describe.each(chains)('%s lapses up the ladder', (kind, setup, chain, { caseMoves }) => {
  test.each(chain.map((s, i) => [s.level, i] as const))('lapse at %s', (_level, i) => {
    const m = setup();
    for (let j = 0; j < i; j++) m.tick(chain[j].dueAt);
    const here = chain[i];
    const w = m.state.windows.find((x) => x.kind === kind)!;
    expect(w).toMatchObject({ level: here.level, unitId: here.unitId, dueAt: here.dueAt });
    if (i > 0) expect(w.startedAt).toBe(chain[i - 1].dueAt);

    expect(m.tick(here.dueAt - 1) && m.state.breaches.some((b) => b.windowId === w.id)).toBe(false);
    const seqBefore = m.state.lastEventSeq;
    expect(m.tick(here.dueAt)).toBe(true);

    const next = chain[i + 1];
    const breach = m.state.breaches.find((b) => b.windowId === w.id);
    expect(breach).toEqual({ windowId: w.id, kind, level: here.level, unitId: here.unitId, dueAt: here.dueAt, at: here.dueAt, escalatedTo: next?.level ?? null });
    const fresh = m.state.windows.find((x) => x.kind === kind);
    if (next) {
      // restarts in full at the new level, from the lapsed due time
      expect(fresh).toMatchObject({ level: next.level, unitId: next.unitId, startedAt: here.dueAt, dueAt: next.dueAt, reminded: false });
    } else {
      expect(fresh).toBeUndefined();
    }
    const emitted = m.pending.filter((f) => f.event.seq > seqBefore).map((f) => f.event.type);
    const expectedLevel = caseMoves ? (next?.level ?? here.level) : 'GRID';
    expect(m.state.level).toBe(expectedLevel);
    expect(m.state.assignee.level).toBe(expectedLevel);
    if (caseMoves) {
      const top = next?.level === 'PRINCIPAL_LEADER';
      expect(emitted).toEqual(next ? ['BREACHED', 'ESCALATED', ...(top ? ['LEADER_LISTED'] : [])] : ['BREACHED']);
      expect(m.state.onLeaderList).toBe(top || !next);
    } else {
      expect(emitted).toEqual(next ? ['BREACHED', 'EXTENSION_ESCALATED'] : ['BREACHED']);
      expect(m.state.extensions[0].approverLevel).toBe(next?.level ?? here.level);
      expect(m.state.extensions[0].status).toBe('PENDING');
      expect(m.state.onLeaderList).toBe(false);
    }
    if (kind === 'COMPLETION') expect(m.state.completionDueAt).toBe(next ? next.dueAt : here.dueAt);
    if (kind === 'REPORT') expect(m.state.calls[0].late).toBe(true);
  });
});

test('a very late tick cascades the whole ladder at once, each level getting its full span from the lapsed due time', () => {
  const m = newMachine();
  const late = T0 + HOUR;
  expect(m.tick(late)).toBe(true);
  expect(m.state.breaches.map((b) => [b.level, b.dueAt, b.at, b.escalatedTo])).toEqual([
    ['GRID', T0 + 10 * MIN, late, 'STREET'],
    ['STREET', T0 + 20 * MIN, late, 'COMMAND_CENTER'],
    ['COMMAND_CENTER', T0 + 30 * MIN, late, 'DEPUTY_LEADER'],
    ['DEPUTY_LEADER', T0 + 40 * MIN, late, 'PRINCIPAL_LEADER'],
    ['PRINCIPAL_LEADER', T0 + 50 * MIN, late, null],
  ]);
  expect(types(m)).toEqual(['REPORTED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'BREACHED', 'ESCALATED', 'LEADER_LISTED', 'BREACHED']);
  expect(m.pending.map((f) => f.event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  expect(m.pending[1].event.data).toMatchObject({ kind: 'ACCEPT', dueAt: T0 + 10 * MIN, escalatedTo: 'STREET', lateMs: 50 * MIN });
  expect(m.pending[9].notifications).toEqual([{ recipientId: 'p-principal', recipientUnitId: 'GL', kind: 'LEADER_CASE', message: `Case ${CODE} is on the district leaders' case list (包案).` }]);
  expect(m.state.windows).toEqual([]);
  expect(m.tick(late + DAY)).toBe(false);
});

test('SURVEY lapsing: the resident is unreachable, the policy answer is recorded, no breach', () => {
  const m = reviewAtStreet();
  m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, T0);
  const w = m.state.windows.find((x) => x.kind === 'SURVEY')!;
  expect(w).toMatchObject({ level: 'COMMAND_CENTER', unitId: 'GL', dueAt: T0 + 3 * DAY });
  m.tick(T0 + 3 * DAY - 1);
  expect(m.state.status).toBe('CLOSED');
  expect(m.tick(T0 + 3 * DAY)).toBe(true);
  expect(m.state.status).toBe('SURVEYED');
  expect(m.state.survey).toEqual({ satisfaction: 'SATISFIED', solved: null, channel: 'NONE', at: T0 + 3 * DAY, recordedBy: null, unreachable: true });
  expect(m.state.breaches).toEqual([]);
  expect(m.pending.at(-1)!.event).toMatchObject({ type: 'SURVEY_UNREACHABLE', level: 'COMMAND_CENTER', unitId: 'GL', data: { policy: 'SATISFIED' } });
  expect(m.finished).toBe(true);
});

test.each([
  ['every 7 days', 7, 7 * DAY],
  ['policy default (30 wall days)', undefined, 30 * DAY],
])('PLAN_REVIEW lapsing (%s): review due, the next one opened from now, no reminder, no breach', (_n, every, span) => {
  const m = inProgress();
  m.planLongTerm({ actor: ACTORS.grid, explanation: '需立项', ...(every ? { reviewEveryDays: every } : {}) }, T0);
  expect(m.state.windows.map((w) => [w.kind, w.dueAt, w.remindAt])).toEqual([['PLAN_REVIEW', T0 + span, null]]);
  expect(m.tick(T0 + span)).toBe(true);
  expect(m.state.windows.map((w) => [w.kind, w.startedAt, w.dueAt])).toEqual([['PLAN_REVIEW', T0 + span, T0 + 2 * span]]);
  expect(m.state.longTermPlan!.nextReviewAt).toBe(T0 + 2 * span);
  expect(m.state.status).toBe('LONG_TERM_PLAN');
  expect(m.state.breaches).toEqual([]);
  expect(m.pending.at(-1)!.event).toMatchObject({ type: 'PLAN_REVIEW_DUE', data: { nextReviewAt: T0 + 2 * span } });
});

type Reminder = [WindowKind, () => CaseMachine, number, string];
const reminders: Reminder[] = [
  ['ACCEPT', () => newMachine(), T0 + 5 * MIN, 'p-grid'],
  ['RESPONSE', acceptedGrid, bj(11, 24, 10, 30), 'p-grid'],
  ['ON_SITE', () => inProgress({ urgent: true }), bj(11, 24, 11), 'p-grid'],
  // 10.5 of 21 working hours: Tue 6 h, then Wed 09:00–12:00 and 13:30–15:00
  ['COMPLETION', () => inProgress(), bj(11, 25, 15), 'p-grid'],
  // named report time: half way in wall time, to the department officer
  ['REPORT', calledAtStreet, bj(11, 24, 10, 30), 'p-dept-cg'],
  // 3.5 of 7 working hours from 10:00: 12:00 is 2 h, 13:30 + 1.5 h
  ['REVIEW', reviewAtStreet, bj(11, 24, 15), 'p-street'],
  ['EXTENSION_DECISION', extensionPending, bj(11, 24, 15), 'p-cc'],
];

test.each(reminders)('%s reminds at half its span, once, to the one who owes it', (kind, setup, remindAt, recipient) => {
  const m = setup();
  const w = m.state.windows.find((x) => x.kind === kind)!;
  expect(w.remindAt).toBe(remindAt);
  m.tick(remindAt - 1);
  expect(w.reminded).toBe(false);
  expect(m.tick(remindAt)).toBe(true);
  const reminded = m.pending.filter((f) => f.event.type === 'REMINDED');
  expect(reminded).toHaveLength(1);
  expect(reminded[0].event.data).toEqual({ windowId: w.id, kind, remindAt, dueAt: w.dueAt });
  expect(reminded[0].notifications[0]).toMatchObject({ recipientId: recipient, kind: 'REMINDER' });
  expect(m.tick(remindAt + 1)).toBe(false);
  expect(m.pending.filter((f) => f.event.type === 'REMINDED')).toHaveLength(1);
});

describe('races at the instant a window lapses', () => {
  const due = T0 + 10 * MIN;

  test('accept exactly at the due instant, before the tick: on time, nothing lapses', () => {
    const m = newMachine();
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toBe('ok');
    m.accept({ actor: ACTORS.grid }, due);
    expect(m.tick(due)).toBe(false);
    expect(m.state.breaches).toEqual([]);
    expect(m.pending.at(-1)!.event).toMatchObject({ type: 'ACCEPTED', at: due, data: { windowDueAt: due, onTime: true } });
    // the response window starts at the accept: 10:10 + 1 working hour
    expect(m.state.windows.map((w) => [w.kind, w.dueAt])).toEqual([['RESPONSE', bj(11, 24, 11, 10)]]);
  });

  test('tick first: the street now holds the case, the grid worker is refused, the street may accept', () => {
    const m = newMachine();
    m.tick(due);
    expect(m.state.level).toBe('STREET');
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toEqual({
      type: FORBIDDEN_ERROR,
      message: `case ${CODE} is held by the STREET (GL-S01); GRID_WORKER of GL-S01-C01-G01 may not act on it`,
    });
    expect(verdict(() => m.guardAccept({ actor: ACTORS.street }))).toBe('ok');
    m.accept({ actor: ACTORS.street }, due);
    expect(m.pending.at(-1)!.event).toMatchObject({ type: 'ACCEPTED', actorId: 'p-street', data: { windowDueAt: due + 10 * MIN, onTime: true } });
    expect(types(m)).toEqual(['REPORTED', 'BREACHED', 'ESCALATED', 'ACCEPTED']);
  });

  test('submit result at the completion due instant before the tick: review opens, no completion breach', () => {
    const m = inProgress();
    const completionDue = bj(11, 27, 10);
    m.submitResult({ actor: ACTORS.grid, summary: '已清理' }, completionDue);
    expect(m.tick(completionDue)).toBe(false);
    expect(m.state.breaches).toEqual([]);
    expect(m.pending.at(-1)!.event).toMatchObject({ type: 'REVIEW_REQUESTED', level: 'STREET', data: { windowDueAt: completionDue, onTime: true } });
  });

  test('decide an extension at its decision due instant before the tick: no decision breach, the deadline moves 2 working days', () => {
    const m = extensionPending(3);
    const decisionDue = bj(11, 25, 10);
    m.decideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }, decisionDue);
    expect(m.tick(decisionDue)).toBe(false);
    expect(m.state.breaches).toEqual([]);
    // Fri 11-27 10:00 + 14 working hours → Tue 12-01 10:00
    expect(m.state.completionDueAt).toBe(bj(12, 1, 10));
  });
});

test('facts: seq rises by one from 1 and the types follow the story', () => {
  const m = newMachine({ startLevel: 'STREET' });
  m.accept({ actor: ACTORS.street }, T0);
  m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: bj(11, 24, 11), place: '路口' }] }, T0);
  m.tick(bj(11, 24, 10, 30));
  m.reportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }, bj(11, 24, 10, 45));
  m.submitResult({ actor: ACTORS.cg, callId: m.state.calls[0].id, summary: '已处理' }, bj(11, 24, 11, 30));
  m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, bj(11, 24, 14));
  m.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, bj(11, 25, 9));
  expect(types(m)).toEqual([
    'REPORTED', 'ACCEPTED', 'RESPONDED', 'DEPARTMENT_CALLED', 'REMINDED', 'DEPARTMENT_REPORTED',
    'DEPARTMENT_RESULT', 'REVIEW_REQUESTED', 'REVIEWED_CLOSED', 'CLOSED', 'SURVEY_RECORDED',
  ]);
  expect(m.pending.map((f) => f.event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  expect(m.state.lastEventSeq).toBe(11);
  expect(m.state.calls[0].late).toBe(false);
  expect(m.state.status).toBe('SURVEYED');
});

test('a small matter sent down to the community climbs back to its street when the completion window lapses', () => {
  const m = newMachine({ startLevel: 'STREET' });
  m.accept({ actor: ACTORS.street }, T0);
  m.respond({ actor: ACTORS.street, decision: 'COMMUNITY' }, T0);
  expect(m.state).toMatchObject({ level: 'COMMUNITY', triage: 'SMALL', completionDueAt: bj(11, 27, 10) });
  m.tick(bj(11, 27, 10));
  expect(m.state.breaches).toEqual([
    { windowId: 'COMPLETION-3', kind: 'COMPLETION', level: 'COMMUNITY', unitId: 'GL-S01-C01', dueAt: bj(11, 27, 10), at: bj(11, 27, 10), escalatedTo: 'STREET' },
  ]);
  expect(m.state.level).toBe('STREET');
  expect(m.state.completionDueAt).toBe(bj(12, 2, 10));
});
