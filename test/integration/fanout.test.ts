// Running cases follow the directory and the calendar, end to end: cases started through the
// API on the run's dev server and database, an administrative change made in the database, and
// the fan-out (features/fanout) carrying it to every open case through the worker.
import request from 'supertest';
import { localDate } from '../../domain/calendar';
import { loadCalendar } from '../../features/directory/directory';
import { startCalendarFanOut, startDirectoryFanOut } from '../../features/fanout/fanOut';
import type { FanOutResult } from '../../workflows/fanOutWorkflow';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

// Grids no other suite reports in: this suite changes their people and the calendar.
const GRID = 'GL-S03-C01-G01';
const CAL_GRID = 'GL-S03-C01-G02';
const OLD_WORKER = `p-grid-${GRID}`;
const NEW_WORKER = `p-grid-${GRID}-new`;

let h: ApiHarness;
let auditor: string;
let addedHoliday: string | null = null;
/** A make-up working day (调休) the test turned into a holiday, restored afterwards. */
let replacedWorkday: { date: string; name: string } | null = null;

beforeAll(async () => {
  h = await startHarness();
  auditor = await h.bearer('AUDITOR');
});
afterAll(async () => {
  // Put the shared seed back as it was.
  await h?.db.person.deleteMany({ where: { id: NEW_WORKER } });
  await h?.db.person.update({ where: { id: OLD_WORKER }, data: { active: true, deactivatedAt: null } });
  if (addedHoliday) await h?.db.calendarDay.deleteMany({ where: { date: addedHoliday } });
  if (replacedWorkday) await h?.db.calendarDay.create({ data: { date: replacedWorkday.date, kind: 'WORKDAY', name: replacedWorkday.name } });
  await h?.close();
});

const report = async (gridId: string, categoryCode = 'JT-001'): Promise<string> => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode, location: { gridId }, description: '道路坑洼破损' });
  expect(res.status).toBe(201);
  return res.body.code;
};

const live = async (code: string) => {
  const res = await request(h.app).get(`/cases/${code}`).set('Authorization', auditor);
  expect(res.status).toBe(200);
  return res.body.live as { assignee: { personId: string | null }; windows: Array<{ id: string; kind: string; dueAt: number; startedAt: number }>; completionDueAt: number | null };
};

const timelineTypes = async (code: string): Promise<Array<{ type: string; text: string }>> => {
  const res = await request(h.app).get(`/cases/${code}/timeline`).set('Authorization', auditor);
  expect(res.status).toBe(200);
  return res.body.timeline.entries;
};

it('a grid worker deactivated and replaced: every open case of the grid moves to the new worker, with REASSIGNED on its timeline', async () => {
  const codes = [await report(GRID), await report(GRID), await report(GRID)];
  await eventually(async () => (await h.db.case.count({ where: { code: { in: codes }, assigneeId: OLD_WORKER } })) === 3, 15_000, 'three projections');

  // The administrative change, as the admin API commits it.
  const old = await h.db.person.findUniqueOrThrow({ where: { id: OLD_WORKER } });
  await h.db.person.create({ data: { id: NEW_WORKER, name: '新网格员', role: 'GRID_WORKER', unitId: GRID } });
  await h.db.person.update({ where: { id: OLD_WORKER }, data: { active: false, deactivatedAt: new Date() } });

  const changeId = `it-dir-${Date.now()}`;
  const started = await startDirectoryFanOut(h.client, {
    taskQueue: h.cfg.TEMPORAL_TASK_QUEUE,
    changeId,
    personIds: [OLD_WORKER, NEW_WORKER],
    reason: `grid worker ${old.name} deactivated`,
    codePrefix: `${h.cfg.CASE_CODE_PREFIX}-`,
  });
  expect(started).toEqual({ workflowId: `fanout:directory:${changeId}`, started: true });
  const result = (await h.client.workflow.getHandle(started.workflowId).result()) as FanOutResult;
  expect(result).toEqual({ kind: 'DIRECTORY', changeId, signalled: 3, gone: 0, pages: 1, runs: 1 });

  for (const code of codes) {
    expect((await live(code)).assignee.personId).toBe(NEW_WORKER);
    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.assigneeId === NEW_WORKER, 15_000, `${code} projection`);
    const entries = await timelineTypes(code);
    const fact = entries.find((e) => e.type === 'REASSIGNED');
    expect(fact?.text).toContain(`GRID post now held by ${NEW_WORKER}`);
    const events = await request(h.app).get(`/cases/${code}/events`).set('Authorization', auditor);
    const reassigned = events.body.items.find((e: { type: string }) => e.type === 'REASSIGNED');
    expect(reassigned.data).toEqual(expect.objectContaining({ level: 'GRID', fromPersonId: OLD_WORKER, toPersonId: NEW_WORKER, holder: true, changeId }));
  }
  // The same change again is a no-op.
  expect((await startDirectoryFanOut(h.client, { taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, changeId, personIds: [OLD_WORKER] })).started).toBe(false);
});

it('a holiday added to the schedule: the open case re-plans its completion window on the calendar read from the database', async () => {
  const code = await report(CAL_GRID);
  const worker = await h.bearer('GRID_WORKER', CAL_GRID);
  expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', worker)).status).toBe(200);
  expect((await request(h.app).post(`/cases/${code}/respond`).set('Authorization', worker).send({ decision: 'SELF' })).status).toBe(200);
  const before = (await live(code)).windows.find((w) => w.kind === 'COMPLETION')!;

  // The day the deadline falls on becomes a holiday (a corrected year's schedule).
  const calendar = await loadCalendar(h.db);
  const day = localDate(before.dueAt, calendar);
  // A deadline falls on a working day: a plain weekday, or a make-up working day (调休) of the seed.
  const existing = await h.db.calendarDay.findUnique({ where: { date: day } });
  if (existing) {
    expect(existing.kind).toBe('WORKDAY');
    replacedWorkday = { date: day, name: existing.name };
    await h.db.calendarDay.delete({ where: { date: day } });
  }
  await h.db.calendarDay.create({ data: { date: day, kind: 'HOLIDAY', name: 'test holiday' } });
  addedHoliday = day;

  const changeId = `it-cal-${Date.now()}`;
  const started = await startCalendarFanOut(h.client, { taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, changeId, year: Number(day.slice(0, 4)), codePrefix: `${h.cfg.CASE_CODE_PREFIX}-` });
  const result = (await h.client.workflow.getHandle(started.workflowId).result()) as FanOutResult;
  expect(result).toEqual(expect.objectContaining({ kind: 'CALENDAR', changeId, gone: 0 }));
  expect(result.signalled).toBeGreaterThanOrEqual(1);

  const after = await eventually(async () => {
    const w = (await live(code)).windows.find((x) => x.kind === 'COMPLETION')!;
    return w.dueAt !== before.dueAt ? w : null;
  }, 15_000, 're-planned window');
  expect(after.startedAt).toBe(before.startedAt);
  expect(after.dueAt).toBeGreaterThan(before.dueAt);
  expect(localDate(after.dueAt, calendar)).not.toBe(day);
  const entries = await timelineTypes(code);
  expect(entries.find((e) => e.type === 'CALENDAR_REPLANNED')?.text).toContain('completion window due');
});
