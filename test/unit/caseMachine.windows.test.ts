// CaseOptions.recordWindows: the last fact of each step (intake, an action, a tick of the
// clock) carries the windows in force after it; cases started without the flag record exactly
// what they recorded before (their activity arguments are compared on strict replay).
import { CaseMachine } from '../../workflows/caseMachine';
import { ACTORS, MIN, T0, machineInput, newMachine } from './fixtures/machineFixture';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

const recording = (o: { urgent?: boolean } = {}) => {
  const input = machineInput(o);
  return new CaseMachine({ ...input, options: { ...input.options, recordWindows: true } }, T0);
};
const marks = (m: CaseMachine) => m.pending.map((f) => [f.event.type, f.windowsAfter?.map((w) => `${w.kind}@${w.level}`) ?? null]);

it('without the flag no fact carries windows', () => {
  const m = newMachine();
  m.endStep();
  m.accept({ actor: ACTORS.grid }, T0 + MIN);
  m.endStep();
  expect(m.pending.every((f) => !('windowsAfter' in f))).toBe(true);
});

it('marks the last fact of each step with the windows then in force, in the compact form', () => {
  const m = recording({ urgent: true });
  expect(marks(m)).toEqual([['REPORTED', ['ACCEPT@GRID', 'ON_SITE@GRID']]]);
  expect(m.pending[0].windowsAfter![0]).toEqual({ id: 'ACCEPT-1', kind: 'ACCEPT', level: 'GRID', unitId: 'GL-S01-C01-G01', dueAt: T0 + 10 * MIN, remindAt: T0 + 5 * MIN });
  m.accept({ actor: ACTORS.grid }, T0 + MIN);
  m.endStep();
  m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 2 * MIN);
  m.endStep();
  m.tick(T0 + 60 * MIN); // the on-site reminder, at half of its 2 hours
  m.endStep();
  // The on-site lapse at the grid is one step (breach, escalation): only its last fact is marked.
  m.tick(T0 + 120 * MIN);
  m.endStep();
  expect(marks(m).slice(1)).toEqual([
    ['ACCEPTED', ['ON_SITE@GRID', 'RESPONSE@GRID']],
    ['RESPONDED', ['ON_SITE@GRID', 'COMPLETION@GRID']],
    ['REMINDED', ['ON_SITE@GRID', 'COMPLETION@GRID']],
    ['BREACHED', null],
    ['ESCALATED', ['COMPLETION@STREET', 'ON_SITE@STREET']],
  ]);
});

it('a step without a fact marks nothing, and a mark is a copy the machine no longer changes', () => {
  const m = recording();
  m.tick(T0 + MIN);
  m.endStep();
  expect(m.pending).toHaveLength(1);
  // A whistle moves the open accept window to the street in place; the intake's mark still says grid.
  m.whistle({ actor: ACTORS.grid, reason: '需要街道协调' }, T0 + 2 * MIN);
  m.endStep();
  expect(marks(m)).toEqual([['REPORTED', ['ACCEPT@GRID']], ['ESCALATED', ['ACCEPT@STREET']]]);
});
