// The response window counts from receipt (接到事项1个工作小时内) on new cases
// (CasePolicy.responseFromReceipt), from the acceptance on cases started before the flag.
// Instants pinned: Tuesday 2026-11-24, office hours 09:00–12:00, 13:30–17:30 Beijing.
import { buildCasePolicy } from '../../domain/policy';
import { responseStartsAt } from '../../domain/windows';
import { CaseMachine } from '../../workflows/caseMachine';
import { cfg } from '../../devstack/sampleCaseInput';
import { ACTORS, bj, machineInput } from './fixtures/machineFixture';

const fromReceipt = (reportedAt: number) => {
  const input = machineInput({ reportedAt, paced: true });
  return new CaseMachine({ ...input, policy: { ...input.policy, responseFromReceipt: true } }, reportedAt);
};
const responseWindow = (m: CaseMachine) => m.state.windows.find((w) => w.kind === 'RESPONSE')!;

beforeAll(() => {
  jest.useFakeTimers({ now: bj(11, 24, 10) });
});
afterAll(() => {
  jest.useRealTimers();
});

describe('responseStartsAt', () => {
  it('is the report on new cases, the acceptance on older ones', () => {
    expect(responseStartsAt({ reportedAt: 1 }, { responseFromReceipt: true }, 5)).toBe(1);
    expect(responseStartsAt({ reportedAt: 1 }, {}, 5)).toBe(5);
  });

  it('new cases get the flag from the policy builder', () => {
    expect(buildCasePolicy({ completionDays: 3, urgent: false, windowOverrides: {} }, cfg).responseFromReceipt).toBe(true);
  });
});

describe('the response window of a new case', () => {
  it('reported 10:00, accepted 10:08: due 11:00 (one working hour from receipt), not 11:08', () => {
    const m = fromReceipt(bj(11, 24, 10));
    m.accept({ actor: ACTORS.grid }, bj(11, 24, 10, 8));
    expect(responseWindow(m)).toMatchObject({ startedAt: bj(11, 24, 10), dueAt: bj(11, 24, 11), remindAt: bj(11, 24, 10, 30) });
  });

  it('working time from receipt: reported 11:40, accepted 11:45, due 14:10 (20 minutes before lunch, 40 after)', () => {
    const m = fromReceipt(bj(11, 24, 11, 40));
    m.accept({ actor: ACTORS.grid }, bj(11, 24, 11, 45));
    expect(responseWindow(m).dueAt).toBe(bj(11, 24, 14, 10));
  });

  it('reported at night (03:00), accepted by the duty desk at 03:05: due 10:00, one office hour from the morning', () => {
    const m = fromReceipt(bj(11, 24, 3));
    m.accept({ actor: ACTORS.grid }, bj(11, 24, 3, 5));
    expect(responseWindow(m).dueAt).toBe(bj(11, 24, 10));
  });

  it('accepted after the hour from receipt: the window is already due and lapses on the next tick', () => {
    const m = fromReceipt(bj(11, 24, 10));
    m.accept({ actor: ACTORS.street }, bj(11, 24, 11, 5));
    expect(responseWindow(m).dueAt).toBe(bj(11, 24, 11));
    m.endStep();
    m.tick(bj(11, 24, 11, 5));
    expect(m.pending.map((f) => f.event.type)).toContain('BREACHED');
  });
});

describe('a case started before the flag', () => {
  it('counts the hour from the acceptance, as it did', () => {
    const m = new CaseMachine(machineInput({ reportedAt: bj(11, 24, 10) }), bj(11, 24, 10));
    m.accept({ actor: ACTORS.grid }, bj(11, 24, 10, 8));
    expect(responseWindow(m)).toMatchObject({ startedAt: bj(11, 24, 10, 8), dueAt: bj(11, 24, 11, 8) });
  });
});
