// Running cases follow the directory and the calendar (time-skipping test server): a directory
// change reassigns the case and records it; a new calendar re-plans open windows (a 7-working-day
// completion window moves past a Spring Festival, one running past 31 December past New Year's Day), windows already lapsed stay lapsed;
// and the fan-out workflow carries one change to many cases.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addSpan, addWorkingDays, defaultCalendar } from '../../domain/calendar';
import type { Actor, CalendarSnapshot } from '../../domain/types';
import { startDirectoryFanOut, startCalendarFanOut } from '../../features/fanout/fanOut';
import type { FanOutActivities, ListFanOutCasesInput } from '../../workflows/activityContract';
import type { FanOutResult } from '../../workflows/fanOutWorkflow';
import {
  acceptCaseUpdate,
  calendarChangedSignal,
  directoryChangedSignal,
  getCaseStateQuery,
  respondCaseUpdate,
  type CaseWorkflowInput,
} from '../../workflows/messages';
import { CASE_BUNDLER_OPTIONS, CASE_WORKFLOWS_PATH } from '../../platform/workflowCode';
import { startTimeSkippingEnv } from '../../devstack/testServers';
import { ACTORS, DIRECTORY, MemoryRecorder, UNITS, caseInput, terminateWhenQuiet } from './caseFixture';

jest.setTimeout(180_000);

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// The seeded calendar has the 2025–2026 holidays only: any later year reads as plain weeks
// until its schedule is imported. The tests work in a year Y at least two years after the test
// server's clock (which only moves forward), so they hold on whatever day they run; Y's
// schedule has New Year's Day and a Spring Festival week (Saturday to Friday).
const NO_SCHEDULE = defaultCalendar();
/** What the worker's loadCalendar answers (the fan-out test does not look at dates). */
const WITH_2027: CalendarSnapshot = {
  ...NO_SCHEDULE,
  holidays: [...NO_SCHEDULE.holidays, '2027-01-01', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
};

/** 10:00 in Shanghai on a day given as (year, month from 0, day), which may overflow. */
const at10 = (y: number, m0: number, d: number) => Date.UTC(y, m0, d, 2, 0);
/** YYYY-MM-DD of a day given as (year, month from 0, day), which may overflow. */
const ymd = (y: number, m0: number, d: number) => new Date(Date.UTC(y, m0, d)).toISOString().slice(0, 10);
const weekday = (y: number, m0: number, d: number) => new Date(Date.UTC(y, m0, d)).getUTCDay();
/** Day of the month of the first Monday. */
const firstMonday = (y: number, m0: number) => [1, 2, 3, 4, 5, 6, 7].find((d) => weekday(y, m0, d) === 1)!;

interface ScheduleYear {
  y: number;
  /** Day of February of the Monday before the Spring Festival week. */
  feb: number;
  calendar: CalendarSnapshot;
}

/** The first year ≥ two years ahead of the server whose New Year's Day is a working weekday, and its schedule. */
async function scheduleYear(): Promise<ScheduleYear> {
  let y = new Date(await env.currentTimeMs()).getUTCFullYear() + 2;
  while ([0, 6].includes(weekday(y, 0, 1))) y++;
  const feb = firstMonday(y, 1);
  const festival = [5, 6, 7, 8, 9, 10, 11].map((k) => ymd(y, 1, feb + k));
  return { y, feb, calendar: { ...NO_SCHEDULE, holidays: [...NO_SCHEDULE.holidays, ymd(y, 0, 1), ...festival] } };
}

let env: TestWorkflowEnvironment;
let worker: Worker;
let recorder: MemoryRecorder;
let taskQueue: string;
let run: Promise<void>;
/** What the fan-out's listing activity answers: the open cases, by code. */
let openCases: string[] = [];
const listed: ListFanOutCasesInput[] = [];

beforeAll(async () => {
  env = await startTimeSkippingEnv();
  recorder = new MemoryRecorder();
  taskQueue = `follows-${randomUUID()}`;
  const fanOut: FanOutActivities = {
    async listFanOutCases(input) {
      listed.push(input);
      const codes = openCases.filter((c) => input.after === null || c > input.after).sort().slice(0, input.limit);
      const directory = { ...DIRECTORY, GRID: { ...DIRECTORY.GRID!, personId: 'p-grid-7', personName: '新网格员' } };
      return { cases: codes.map((code) => ({ code, ...(input.kind === 'DIRECTORY' ? { directory } : {}) })), asOf: Date.now() };
    },
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: CASE_WORKFLOWS_PATH,
    bundlerOptions: CASE_BUNDLER_OPTIONS,
    activities: { ...recorder.activities(), loadCalendar: async () => WITH_2027, ...fanOut },
  });
  run = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

/**
 * A case as a running one started with local recording has it (CaseOptions.recordLocally). This
 * file is about following directory and calendar changes, not about how facts are recorded
 * (caseWindows and caseRace test that): with recording by the activity, the time-skipping test
 * server was seen in CI to stop skipping time in this file's months-long sleeps after a case
 * was terminated, even with no activity in flight, and the tests then waited in real time.
 */
async function start(o: Parameters<typeof caseInput>[1] = {}): Promise<{ h: WorkflowHandle; input: CaseWorkflowInput; code: string }> {
  const input = caseInput(await env.currentTimeMs(), { recordLocally: true, ...o });
  const h = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });
  return { h, input, code: input.intake.code };
}

async function sleepUntil(at: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

/** The minute an instant falls in (a case starts a few milliseconds after the instant slept to). */
const minute = (ms: number) => Math.floor(ms / MIN) * MIN;
const gridWorker = (personId: string): Actor => ({ personId, role: 'GRID_WORKER', unitId: UNITS.gridId });

describe('a directory change', () => {
  it('reassigns the case held at the changed level, notifies the new holder and records REASSIGNED', async () => {
    const { h, code } = await start();
    await h.signal(directoryChangedSignal, {
      directory: { GRID: { ...DIRECTORY.GRID!, personId: 'p-grid-9', personName: '王五' } },
      changeId: 'chg-1',
      reason: 'grid worker p-grid deactivated',
      asOf: Date.now(),
    });
    await h.signal(directoryChangedSignal, {
      directory: { STREET: { ...DIRECTORY.STREET!, personId: 'p-street-2' } },
      changeId: 'chg-2',
      asOf: Date.now(),
    });
    const s = await recorder.settled(h, code);
    expect(s.assignee).toEqual({ level: 'GRID', unitId: UNITS.gridId, personId: 'p-grid-9', personName: '王五' });
    const facts = recorder.of(code).filter((e) => e.type === 'REASSIGNED');
    expect(facts.map((e) => [e.level, e.unitId, e.data])).toEqual([
      ['GRID', UNITS.gridId, { level: 'GRID', fromPersonId: 'p-grid', toPersonId: 'p-grid-9', toPersonName: '王五', holder: true, reason: 'grid worker p-grid deactivated', changeId: 'chg-1' }],
      ['STREET', UNITS.streetId, { level: 'STREET', fromPersonId: 'p-street', toPersonId: 'p-street-2', toPersonName: '街道', holder: false, reason: null, changeId: 'chg-2' }],
    ]);
    expect(recorder.notifications.get(code)!.filter((n) => n.kind === 'CASE_ASSIGNED').map((n) => n.recipientId)).toEqual(['p-grid', 'p-grid-9']);
    // The same change again, or an older read arriving late, records nothing.
    await h.signal(directoryChangedSignal, { directory: { GRID: { ...DIRECTORY.GRID!, personId: 'p-grid-9', personName: '王五' } }, changeId: 'chg-1', asOf: Date.now() });
    await h.signal(directoryChangedSignal, { directory: { GRID: { ...DIRECTORY.GRID!, personId: 'p-grid' } }, changeId: 'chg-0', asOf: 1 });
    const again = await recorder.settled(h, code);
    expect(again.assignee.personId).toBe('p-grid-9');
    expect(recorder.types(code).filter((t) => t === 'REASSIGNED')).toHaveLength(2);
    // The new holder works the case.
    const accepted = await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: gridWorker('p-grid-9') }] });
    expect(accepted.status).toBe('ACCEPTED');
    await terminateWhenQuiet(h);
  });
});

describe('a calendar change', () => {
  let Y: ScheduleYear;
  beforeAll(async () => {
    Y = await scheduleYear();
  });

  it("moves a completion window that runs past 31 December when next year's schedule is imported", async () => {
    // The last Monday of December, 10:00: 7 working days end on the Wednesday after, in January.
    const dec = [31, 30, 29, 28, 27, 26, 25].find((d) => weekday(Y.y - 1, 11, d) === 1)!;
    await sleepUntil(at10(Y.y - 1, 11, dec));
    const { h, code } = await start({ completionDays: 7 });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const responded = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    const before = responded.windows.find((w) => w.kind === 'COMPLETION')!;
    expect(minute(before.startedAt)).toBe(at10(Y.y - 1, 11, dec));
    expect(minute(before.dueAt)).toBe(at10(Y.y - 1, 11, dec + 9));
    expect(new Date(before.dueAt).getUTCFullYear()).toBe(Y.y);

    await h.signal(calendarChangedSignal, { calendar: Y.calendar, changeId: `cal-${Y.y}-new-year`, asOf: Date.now() });
    const s = await recorder.settled(h, code);
    const after = s.windows.find((w) => w.kind === 'COMPLETION')!;
    // New Year's Day is off now: one working day later.
    expect(minute(after.dueAt)).toBe(at10(Y.y - 1, 11, dec + 10));
    expect(after.dueAt).toBe(addSpan(before.startedAt, { clock: 'WORKING', days: 7 }, Y.calendar));
    expect(recorder.of(code).filter((e) => e.type === 'CALENDAR_REPLANNED')).toHaveLength(1);
    await terminateWhenQuiet(h);
  });

  it("moves a 7-working-day completion window past the imported year's Spring Festival, and the timer with it", async () => {
    // The Monday before the festival week, 10:00: 7 working days end on the Wednesday inside it
    // on the calendar without the year's schedule.
    await sleepUntil(at10(Y.y, 1, Y.feb));
    const { h, code } = await start({ completionDays: 7 });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const responded = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    const before = responded.windows.find((w) => w.kind === 'COMPLETION')!;
    expect(minute(before.startedAt)).toBe(at10(Y.y, 1, Y.feb));
    expect(minute(before.dueAt)).toBe(at10(Y.y, 1, Y.feb + 9));

    // Tuesday: the year's schedule is imported.
    await env.sleep(DAY);
    await h.signal(calendarChangedSignal, { calendar: Y.calendar, changeId: `cal-${Y.y}`, asOf: Date.now() });
    const s = await recorder.settled(h, code);
    const after = s.windows.find((w) => w.kind === 'COMPLETION')!;
    // Four working days before the festival week, three after it: the Wednesday a week later.
    expect(minute(after.dueAt)).toBe(at10(Y.y, 1, Y.feb + 16));
    expect(after.dueAt).toBe(addSpan(before.startedAt, { clock: 'WORKING', days: 7 }, Y.calendar));
    expect(after.startedAt).toBe(before.startedAt);
    expect(s.completionDueAt).toBe(after.dueAt);
    const replanned = recorder.of(code).filter((e) => e.type === 'CALENDAR_REPLANNED');
    expect(replanned.map((e) => e.data)).toEqual([
      { changeId: `cal-${Y.y}`, windows: [{ windowId: before.id, kind: 'COMPLETION', startedAt: before.startedAt, fromDueAt: before.dueAt, toDueAt: after.dueAt }], completionDueAt: after.dueAt },
    ]);
    expect(recorder.projections.get(code)!.dueAt).toBe(after.dueAt);

    // The old deadline passes without a breach; the new one lapses on time.
    await sleepUntil(before.dueAt + HOUR);
    const held = await h.query(getCaseStateQuery);
    expect(held.breaches).toEqual([]);
    expect(held.level).toBe('GRID');
    await sleepUntil(after.dueAt + MIN);
    const lapsed = await recorder.settled(h, code);
    expect(lapsed.breaches.map((b) => [b.kind, b.level, b.dueAt])).toEqual([['COMPLETION', 'GRID', after.dueAt]]);
    await terminateWhenQuiet(h);
  });

  it('leaves a lapsed window lapsed: its breach and the escalation stand, only the open windows move', async () => {
    // The first Monday of March, 10:00: 7 working days end on the Wednesday after.
    const mar = firstMonday(Y.y, 2);
    await sleepUntil(at10(Y.y, 2, mar));
    const { h, code } = await start({ completionDays: 7 });
    await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
    const responded = await h.executeUpdate(respondCaseUpdate, { args: [{ actor: ACTORS.grid, decision: 'SELF' }] });
    const first = responded.windows.find((w) => w.kind === 'COMPLETION')!;
    expect(minute(first.dueAt)).toBe(at10(Y.y, 2, mar + 9));
    await sleepUntil(first.dueAt + HOUR);
    const escalated = await recorder.settled(h, code);
    expect(escalated.breaches.map((b) => [b.windowId, b.dueAt])).toEqual([[first.id, first.dueAt]]);
    const restarted = escalated.windows.find((w) => w.kind === 'COMPLETION')!;
    expect(restarted.startedAt).toBe(first.dueAt);

    // A corrected schedule: the Wednesday before the lapse and the Friday inside the restarted window become holidays.
    const corrected = { ...Y.calendar, holidays: [...Y.calendar.holidays, ymd(Y.y, 2, mar + 2), ymd(Y.y, 2, mar + 11)] };
    await h.signal(calendarChangedSignal, { calendar: corrected, changeId: 'cal-fix', asOf: Date.now() });
    const s = await recorder.settled(h, code);
    expect(s.breaches).toEqual(escalated.breaches);
    expect(s.level).toBe(escalated.level);
    const moved = s.windows.find((w) => w.kind === 'COMPLETION')!;
    expect(moved.id).toBe(restarted.id);
    expect(moved.dueAt).toBe(addSpan(restarted.startedAt, { clock: 'WORKING', days: 7 }, corrected));
    // The holiday is a Friday: the deadline moves one working day, over the weekend.
    expect(moved.dueAt).toBe(addWorkingDays(restarted.dueAt, 1, corrected));
    expect(moved.dueAt - restarted.dueAt).toBe(3 * DAY);
    const replanned = recorder.of(code).filter((e) => e.type === 'CALENDAR_REPLANNED');
    expect(replanned.map((e) => (e.data as { windows: Array<{ windowId: string }> }).windows.map((w) => w.windowId))).toEqual([[restarted.id]]);
    expect(recorder.types(code).filter((t) => t === 'BREACHED')).toHaveLength(1);
    await terminateWhenQuiet(h);
  });
});

describe('the fan-out workflow', () => {
  it('signals every listed case page by page across continue-as-new, counts closed ones, and runs once per change', async () => {
    const cases = await Promise.all([start(), start(), start()]);
    openCases = [...cases.map((c) => c.code), 'GL-20270301-999999-closed'];
    listed.length = 0;
    const first = await startDirectoryFanOut(env.client, { taskQueue, changeId: 'chg-fan-1', unitIds: [UNITS.gridId], reason: 'grid worker moved' });
    expect(first).toEqual({ workflowId: 'fanout:directory:chg-fan-1', started: true });
    const result = (await env.client.workflow.getHandle(first.workflowId).result()) as FanOutResult;
    expect(result).toEqual({ kind: 'DIRECTORY', changeId: 'chg-fan-1', signalled: 3, gone: 1, pages: 1, runs: 1 });
    expect(listed).toEqual([{ kind: 'DIRECTORY', unitIds: [UNITS.gridId], after: null, limit: 100 }]);
    for (const c of cases) {
      const s = await recorder.settled(c.h, c.code);
      expect(s.assignee.personId).toBe('p-grid-7');
      expect(recorder.of(c.code).find((e) => e.type === 'REASSIGNED')?.data).toEqual(expect.objectContaining({ changeId: 'chg-fan-1', toPersonId: 'p-grid-7', holder: true, reason: 'grid worker moved' }));
    }
    // The same change again: nothing starts.
    expect(await startDirectoryFanOut(env.client, { taskQueue, changeId: 'chg-fan-1', unitIds: [UNITS.gridId] })).toEqual({ workflowId: 'fanout:directory:chg-fan-1', started: false });

    // Pages of 2, one page a run: the cursor and the counts cross continue-as-new.
    listed.length = 0;
    const paged = await env.client.workflow.execute('fanOutWorkflow', {
      workflowId: 'fanout:directory:chg-fan-2',
      taskQueue,
      args: [{ kind: 'DIRECTORY', changeId: 'chg-fan-2', personIds: ['p-grid'], pageSize: 2, concurrency: 2, pagesPerRun: 1 }],
    });
    expect(paged).toEqual({ kind: 'DIRECTORY', changeId: 'chg-fan-2', signalled: 3, gone: 1, pages: 2, runs: 3 });
    const sorted = [...openCases].sort();
    expect(listed.map((l) => l.after)).toEqual([null, sorted[1], sorted[3]]);
    // Nothing changed since chg-fan-1: no case records anything new.
    for (const c of cases) expect(recorder.types(c.code).filter((t) => t === 'REASSIGNED')).toHaveLength(1);

    // The calendar: every open case gets the calendar the fan-out read once (the worker's loadCalendar).
    openCases = cases.map((c) => c.code);
    const cal = await startCalendarFanOut(env.client, { taskQueue, changeId: 'cal-fan-1', year: 2027 });
    expect(cal).toEqual({ workflowId: 'fanout:calendar:cal-fan-1', started: true });
    expect(await env.client.workflow.getHandle(cal.workflowId).result()).toEqual(expect.objectContaining({ kind: 'CALENDAR', signalled: 3, gone: 0 }));
    for (const c of cases) await terminateWhenQuiet(c.h);
  });
});
