// Clock pause (issue 16), the pure parts: where a window is due after a pause, on its own clock
// (working time: nights, weekends and holidays do not count; wall time: every minute counts), and
// who decides. Pinned instants in Beijing time; the calendar is the default one, with a holiday
// added where a test says so.
import { defaultCalendar } from '../../domain/calendar';
import { DEFAULT_PAUSE, isDecisionWindow, pauseApproverLevel, pausedMinutes, pausesUsed, shiftForPause, type Pause } from '../../domain/pause';
import type { Level } from '../../domain/types';
import { bj } from './fixtures/machineFixture';

const cal = defaultCalendar();
/** The ladder without the community (cases started before it was the default, or a grid without a community). */
const LADDER: Level[] = ['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
const working = (dueAt: number, remindAt: number | null = null, reminded = false) => ({ clock: 'WORKING' as const, dueAt, remindAt, reminded });
const wall = (dueAt: number, remindAt: number | null = null, reminded = false) => ({ clock: 'WALL' as const, dueAt, remindAt, reminded });

describe('domain/pause: the due time moves by the paused time on the window’s clock', () => {
  it('a working-time window paused over a night moves by the office time that passed (Tue 15:00 → Wed 10:00 = 210 working minutes)', () => {
    // Due Tue 16:00: one working hour was left at 15:00; resumed Wed 10:00, that hour runs to 11:00.
    const s = shiftForPause(working(bj(11, 24, 16)), bj(11, 24, 15), bj(11, 25, 10), cal);
    expect(s.minutes).toBe(150 + 60);
    expect(s.dueAt).toBe(bj(11, 25, 11));
  });

  it('a working-time window paused over a holiday: the holiday does not count (Wed 2026-11-25 a holiday)', () => {
    const holiday = defaultCalendar({ holidays: [...cal.holidays, '2026-11-25'] });
    const s = shiftForPause(working(bj(11, 24, 16)), bj(11, 24, 15), bj(11, 26, 10), holiday);
    expect(s.minutes).toBe(150 + 60);
    // Tue 16:00 + 210 working minutes: 90 on Tuesday, the holiday skipped, 120 on Thursday.
    expect(s.dueAt).toBe(bj(11, 26, 11));
  });

  it('a pause wholly outside office hours (a night and a holiday) moves a working-time window nowhere', () => {
    const holiday = defaultCalendar({ holidays: [...cal.holidays, '2026-11-25'] });
    const s = shiftForPause(working(bj(11, 24, 16), bj(11, 24, 15, 30)), bj(11, 24, 17, 40), bj(11, 26, 8, 30), holiday);
    expect(s).toEqual({ dueAt: bj(11, 24, 16), remindAt: bj(11, 24, 15, 30), minutes: 0 });
  });

  it('the lunch break does not count either (11:00 → 14:00 is 90 working minutes)', () => {
    expect(pausedMinutes('WORKING', bj(11, 24, 11), bj(11, 24, 14), cal)).toBe(90);
    expect(shiftForPause(working(bj(11, 24, 12)), bj(11, 24, 11), bj(11, 24, 14), cal).dueAt).toBe(bj(11, 24, 15));
  });

  it('a wall-clock window moves by the wall time, night included', () => {
    const s = shiftForPause(wall(bj(11, 24, 12), bj(11, 24, 11, 36)), bj(11, 24, 10, 30), bj(11, 24, 13, 15), cal);
    expect(s).toEqual({ dueAt: bj(11, 24, 14, 45), remindAt: bj(11, 24, 14, 21), minutes: 165 });
    const night = shiftForPause(wall(bj(11, 24, 23)), bj(11, 24, 22), bj(11, 25, 8), cal);
    expect(night.dueAt).toBe(bj(11, 25, 9));
  });

  it('a reminder already sent stays where it was; one not sent moves with the due time', () => {
    const sent = shiftForPause(working(bj(11, 24, 16), bj(11, 24, 14), true), bj(11, 24, 15), bj(11, 25, 10), cal);
    expect(sent.remindAt).toBe(bj(11, 24, 14));
    const pending = shiftForPause(working(bj(11, 24, 16), bj(11, 24, 15, 30)), bj(11, 24, 15), bj(11, 25, 10), cal);
    expect(pending.remindAt).toBe(bj(11, 25, 10, 30));
  });

  it('on the ladder without the community the level above decides: grid and community → street, street → command center; nobody above the top', () => {
    expect(pauseApproverLevel('GRID', LADDER)).toBe('STREET');
    expect(pauseApproverLevel('COMMUNITY', LADDER)).toBe('STREET');
    expect(pauseApproverLevel('STREET', LADDER)).toBe('COMMAND_CENTER');
    expect(pauseApproverLevel('PRINCIPAL_LEADER', LADDER)).toBeNull();
  });

  it('on the default ladder with the community (层层) the street still decides a grid\'s pause (approverFrom STREET); a policy without approverFrom takes the next level', () => {
    const withCommunity: Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
    expect(DEFAULT_PAUSE.approverFrom).toBe('STREET');
    expect(pauseApproverLevel('GRID', withCommunity, DEFAULT_PAUSE.approverFrom)).toBe('STREET');
    expect(pauseApproverLevel('COMMUNITY', withCommunity, DEFAULT_PAUSE.approverFrom)).toBe('STREET');
    expect(pauseApproverLevel('STREET', withCommunity, DEFAULT_PAUSE.approverFrom)).toBe('COMMAND_CENTER');
    expect(pauseApproverLevel('PRINCIPAL_LEADER', withCommunity, DEFAULT_PAUSE.approverFrom)).toBeNull();
    expect(pauseApproverLevel('GRID', withCommunity)).toBe('COMMUNITY');
  });

  it('defaults: response, completion and on-site pause (never accept, report, review, decisions, survey); three per case; rejected and withdrawn requests do not count', () => {
    expect([...DEFAULT_PAUSE.windows].sort()).toEqual(['COMPLETION', 'ON_SITE', 'RESPONSE']);
    expect(DEFAULT_PAUSE.maxPauses).toBe(3);
    const p = (status: Pause['status']) => ({ status }) as Pause;
    expect(pausesUsed([p('REJECTED'), p('WITHDRAWN'), p('ENDED'), p('APPROVED')])).toBe(2);
    expect(isDecisionWindow('PAUSE_DECISION')).toBe(true);
    expect(isDecisionWindow('COMPLETION')).toBe(false);
  });
});
