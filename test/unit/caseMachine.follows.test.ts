// CaseMachine following the directory and the calendar (pure): who is told, what is ignored.
import { addWorkingDays, localDate } from '../../domain/calendar';
import { ACTORS, DIRECTORY, MIN, T0, UNITS, newMachine } from './fixtures/machineFixture';

const street2 = { ...DIRECTORY.STREET!, personId: 'p-street-2', personName: '新调度员' };

describe('CaseMachine.reassign', () => {
  it('tells the new street dispatcher that a review waits for them, though the case is held by the grid', () => {
    const m = newMachine();
    m.accept({ actor: ACTORS.grid }, T0);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0);
    m.submitResult({ actor: ACTORS.grid, summary: '已清理' }, T0 + MIN);
    m.pending.splice(0);
    expect(m.reassign({ directory: { STREET: street2 }, changeId: 'c1', asOf: 10 }, T0 + 2 * MIN)).toBe(true);
    expect(m.state.assignee.personId).toBe('p-grid');
    expect(m.pending.map((f) => [f.event.type, f.event.level, f.event.unitId, (f.event.data as { holder: boolean }).holder, f.notifications.map((n) => [n.kind, n.recipientId])])).toEqual([
      ['REASSIGNED', 'STREET', UNITS.streetId, false, [['DECISION_AWAITED', 'p-street-2']]],
    ]);
  });

  it('ignores a directory read before the one in force, and records nothing for a closed case', () => {
    const m = newMachine();
    m.reassign({ directory: { STREET: street2 }, asOf: 20 }, T0);
    m.pending.splice(0);
    expect(m.reassign({ directory: { STREET: DIRECTORY.STREET! }, asOf: 10 }, T0)).toBe(false);
    expect(m.directorySnapshot.STREET?.personId).toBe('p-street-2');

    const closed = newMachine();
    closed.accept({ actor: ACTORS.grid }, T0);
    closed.respond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '请联系物业' }, T0);
    closed.pending.splice(0);
    expect(closed.reassign({ directory: { STREET: street2 } }, T0 + MIN)).toBe(false);
    expect(closed.pending).toEqual([]);
    expect(closed.directorySnapshot.STREET?.personId).toBe('p-street-2');
  });
});

describe('CaseMachine.replanCalendar', () => {
  it('moves the completion deadline, keeps the calendar for new windows, and ignores an older calendar', () => {
    const m = newMachine();
    m.accept({ actor: ACTORS.grid }, T0);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0);
    const cal = m.calendarSnapshot;
    const due = m.state.completionDueAt!;
    const holiday = localDate(due, cal);
    const next = { ...cal, holidays: [...cal.holidays, holiday] };
    m.pending.splice(0);
    expect(m.replanCalendar({ calendar: next, changeId: 'c2', asOf: 20 }, T0 + MIN)).toBe(true);
    expect(m.state.completionDueAt).toBe(addWorkingDays(T0, 3, next));
    expect(m.calendarSnapshot).toBe(next);
    expect(m.pending.map((f) => [f.event.type, f.notifications.map((n) => [n.kind, n.recipientId])])).toEqual([['CALENDAR_REPLANNED', [['DEADLINE_MOVED', 'p-grid']]]]);
    expect(m.replanCalendar({ calendar: cal, changeId: 'c1', asOf: 10 }, T0 + 2 * MIN)).toBe(false);
    expect(m.calendarSnapshot).toBe(next);
  });
});
