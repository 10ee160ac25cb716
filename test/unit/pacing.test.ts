// The pacing rules as data (domain/pacing): every window kind × level of the default ladder (with the
// community) and of the ladder without it, the night rule, and the calendar's next office time.
// Instants are pinned Beijing wall times.
import { defaultCalendar, nextOfficeStart } from '../../domain/calendar';
import { DEFAULT_PACING, PACED_WINDOW_KINDS, defaultPacing, lapseMove, pageDeferredUntil, type LapseMove, type PacedWindowKind } from '../../domain/pacing';
import { buildCasePolicy } from '../../domain/policy';
import type { Level } from '../../domain/types';
import { cfg } from '../../devstack/sampleCaseInput';

const cal = defaultCalendar();
/** Beijing wall time (UTC+8) in 2026 as epoch ms. */
const bj = (month: number, day: number, hh: number, mm = 0) => Date.UTC(2026, month - 1, day, hh - 8, mm);

/** The default ladder (LADDER), with the community (层层), as a new case at a grid with a community freezes it. */
const LADDER: Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
/** The ladder without the community: a grid whose community post is missing or vacant (ladderForPlace), and cases started before. */
const WITHOUT_COMMUNITY: Level[] = ['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
const climb = (to: Level): LapseMove => ({ move: 'CLIMB', to });
const HOLD: LapseMove = { move: 'HOLD', dutyDesk: 'COMMAND_CENTER' };
const TOP: LapseMove = { move: 'TOP' };
const SUPERVISE: LapseMove = { move: 'SUPERVISE', by: 'COMMAND_CENTER' };

// Rows: the level whose window lapsed; columns: GRID, COMMUNITY, STREET, COMMAND_CENTER, DEPUTY_LEADER, PRINCIPAL_LEADER.
const TABLE: Record<PacedWindowKind, LapseMove[]> = {
  // a missed acceptance goes to the next level (the grid's to its community), at most to the command center
  ACCEPT: [climb('COMMUNITY'), climb('STREET'), climb('COMMAND_CENTER'), HOLD, HOLD, TOP],
  // unanswered and unfinished matters climb to the leaders
  RESPONSE: [climb('COMMUNITY'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  ON_SITE: [climb('COMMUNITY'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  COMPLETION: [climb('COMMUNITY'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  // a missed review and close goes above the reviewer, at most to the command center
  REVIEW: [climb('COMMUNITY'), climb('STREET'), climb('COMMAND_CENTER'), HOLD, HOLD, TOP],
  // a late department never moves the case
  REPORT: [SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE],
};
// Without the community on the ladder the grid's lapses go to the street (a COMMUNITY holding a case, sent down, too).
const TABLE_WITHOUT_COMMUNITY: Record<PacedWindowKind, LapseMove[]> = {
  ACCEPT: [climb('STREET'), climb('STREET'), climb('COMMAND_CENTER'), HOLD, HOLD, TOP],
  RESPONSE: [climb('STREET'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  ON_SITE: [climb('STREET'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  COMPLETION: [climb('STREET'), climb('STREET'), climb('COMMAND_CENTER'), climb('DEPUTY_LEADER'), climb('PRINCIPAL_LEADER'), TOP],
  REVIEW: [climb('STREET'), climb('STREET'), climb('COMMAND_CENTER'), HOLD, HOLD, TOP],
  REPORT: [SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE, SUPERVISE],
};
const LEVELS: Level[] = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

describe('lapseMove: the default pacing, window kind × level', () => {
  test('the default ladder is the one the table is written for (LADDER names the community)', () => {
    expect(buildCasePolicy({ completionDays: 3, urgent: false, windowOverrides: {} }, cfg).ladder).toEqual(LADDER);
  });
  test('every paced window kind has a row', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...PACED_WINDOW_KINDS].sort());
    expect(Object.keys(TABLE_WITHOUT_COMMUNITY).sort()).toEqual([...PACED_WINDOW_KINDS].sort());
  });
  test.each(PACED_WINDOW_KINDS.flatMap((kind) => LEVELS.map((level, i) => [kind, level, TABLE[kind][i]] as const)))(
    'on the default ladder (with the community): %s lapsed at %s', (kind, level, expected) => {
      expect(lapseMove(kind, level, LADDER, DEFAULT_PACING)).toEqual(expected);
    },
  );
  test.each(PACED_WINDOW_KINDS.flatMap((kind) => LEVELS.map((level, i) => [kind, level, TABLE_WITHOUT_COMMUNITY[kind][i]] as const)))(
    'on the ladder without the community: %s lapsed at %s', (kind, level, expected) => {
      expect(lapseMove(kind, level, WITHOUT_COMMUNITY, DEFAULT_PACING)).toEqual(expected);
    },
  );
  test('the ceiling is a rank, so a ladder without the command center stops below it', () => {
    expect(lapseMove('ACCEPT', 'STREET', ['GRID', 'STREET', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'], DEFAULT_PACING)).toEqual(HOLD);
  });
  test('the rules are data: a ceiling moved to the deputy leader lets a missed acceptance reach him', () => {
    const pacing = { ...defaultPacing(), lapses: { ...defaultPacing().lapses, ACCEPT: { rule: 'CLIMB' as const, upTo: 'DEPUTY_LEADER' as const } } };
    expect(lapseMove('ACCEPT', 'COMMAND_CENTER', LADDER, pacing)).toEqual(climb('DEPUTY_LEADER'));
    expect(lapseMove('ACCEPT', 'DEPUTY_LEADER', LADDER, pacing)).toEqual(HOLD);
  });
});

describe('pageDeferredUntil: leaders are paged in office hours only', () => {
  test.each([
    ['a deputy leader at 03:00 on a Wednesday: the same morning at 09:00', 'DEPUTY_LEADER', bj(11, 25, 3), bj(11, 25, 9)],
    ['the principal leader at 18:00 on a Tuesday: Wednesday 09:00', 'PRINCIPAL_LEADER', bj(11, 24, 18), bj(11, 25, 9)],
    ['at 17:30 (office time ends): the next morning', 'DEPUTY_LEADER', bj(11, 24, 17, 30), bj(11, 25, 9)],
    ['at lunch (12:30): 13:30', 'DEPUTY_LEADER', bj(11, 24, 12, 30), bj(11, 24, 13, 30)],
    ['on Friday night: Monday 09:00', 'PRINCIPAL_LEADER', bj(11, 27, 22), bj(11, 30, 9)],
    ['in office hours: now', 'DEPUTY_LEADER', bj(11, 24, 10), null],
    ['the command center at night: now (its duty desk works around the clock)', 'COMMAND_CENTER', bj(11, 25, 3), null],
    ['a street at night: now', 'STREET', bj(11, 25, 3), null],
  ] as const)('%s', (_what, level, at, expected) => {
    expect(pageDeferredUntil(level, at, DEFAULT_PACING, cal)).toBe(expected);
  });
});

describe('nextOfficeStart', () => {
  test.each([
    ['inside office hours: itself', bj(11, 24, 10, 7), bj(11, 24, 10, 7)],
    ['at the first minute: itself', bj(11, 24, 9), bj(11, 24, 9)],
    ['before office: 09:00', bj(11, 24, 8, 59), bj(11, 24, 9)],
    ['at 12:00 (end exclusive): 13:30', bj(11, 24, 12), bj(11, 24, 13, 30)],
    ['Saturday: Monday 09:00', bj(11, 28, 11), bj(11, 30, 9)],
    // 2026-10-01..07 National Day holidays; 2026-10-10 (Saturday) a make-up working day (调休)
    ['during the National Day holidays: the 8th, 09:00', bj(10, 3, 10), bj(10, 8, 9)],
    ['Friday evening before a make-up Saturday: Saturday 09:00', bj(10, 9, 20), bj(10, 10, 9)],
  ])('%s', (_what, at, expected) => {
    expect(nextOfficeStart(at, cal)).toBe(expected);
  });
});

test('a new case\'s policy carries the default pacing, a copy it owns', () => {
  const policy = buildCasePolicy({ completionDays: 3, urgent: false, windowOverrides: {} }, cfg);
  expect(policy.pacing).toEqual(DEFAULT_PACING);
  expect(policy.pacing).not.toBe(DEFAULT_PACING);
  expect(policy.pacing!.lapses).not.toBe(DEFAULT_PACING.lapses);
});
