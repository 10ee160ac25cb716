// The end-of-day sweep (事不过夜) on its own database: a pinned working day's unanswered cases
// and unresolved urgent cases are recorded once (a second run changes nothing), the streets and
// the command center get one outbox row each, GET /sweeps/{date} shows each reader its own
// scope; the schedule is upserted idempotently on the run's Temporal server, and the workflow,
// run through the real worker and activities, records the sweep.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { END_OF_DAY_CRON, endOfDayScheduleDefinition, ensureEndOfDaySchedule } from '../../scripts/ensureSchedule';
import { recordEndOfDaySweep, sweepOutboxCode } from '../../features/routines/endOfDay';
import { endOfDaySweepWorkflow } from '../../workflows/endOfDayWorkflow';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';
import { harnessConfig, startHarness, type ApiHarness } from './api.harness';
import { insertCases } from './routinesFixture';

jest.setTimeout(180_000);

const DAY = '2026-11-18'; // a Wednesday
const FROM = Date.parse('2026-11-18T00:00:00+08:00');
const AS_OF = Date.parse('2026-11-18T17:30:00+08:00');
const G1 = 'GL-S01-C01-G01';
const G2 = 'GL-S02-C01-G01';

let iso: IsolatedDatabase;
let h: ApiHarness;

beforeAll(async () => {
  iso = await isolatedDatabase();
  h = await startHarness({ cfg: harnessConfig({ DATABASE_URL: iso.url }) });
  await insertCases(h.db, [
    // Reported today, not answered: listed for street S01 (and for S02).
    { code: 'EOD-1', gridId: G1, status: 'REPORTED', reportedAt: '2026-11-18T10:00:00+08:00', dueAt: '2026-11-18T10:10:00+08:00', overdue: true },
    { code: 'EOD-2', gridId: G2, status: 'ACCEPTED', reportedAt: '2026-11-18T15:00:00+08:00' },
    // Answered today: not listed.
    { code: 'EOD-3', gridId: G1, status: 'IN_PROGRESS', reportedAt: '2026-11-18T09:30:00+08:00' },
    // Urgent from yesterday, still in progress: listed; urgent with its result in: not.
    { code: 'EOD-4', gridId: G1, status: 'IN_PROGRESS', urgent: true, reportedAt: '2026-11-17T16:00:00+08:00' },
    { code: 'EOD-5', gridId: G2, status: 'PENDING_REVIEW', urgent: true, reportedAt: '2026-11-18T08:00:00+08:00' },
    // Unanswered but from yesterday (not urgent), and one after the sweep read the cases: not listed.
    { code: 'EOD-6', gridId: G1, status: 'REPORTED', reportedAt: '2026-11-17T11:00:00+08:00' },
    { code: 'EOD-7', gridId: G1, status: 'REPORTED', reportedAt: '2026-11-18T17:45:00+08:00' },
    // Urgent on the hazard path, its result in but the hazard not cleared (no 消险): listed; one cleared: not.
    { code: 'EOD-8', gridId: G1, status: 'PENDING_REVIEW', urgent: true, reportedAt: '2026-11-18T08:30:00+08:00', hazardDueAt: '2026-11-18T10:30:00+08:00' },
    { code: 'EOD-9', gridId: G2, status: 'PENDING_REVIEW', urgent: true, reportedAt: '2026-11-18T09:00:00+08:00', hazardDueAt: '2026-11-18T11:00:00+08:00', hazardClearedAt: '2026-11-18T10:40:00+08:00' },
  ]);
});

afterAll(async () => {
  await h?.close();
  await iso?.drop();
});

describe('recordEndOfDaySweep', () => {
  it('records the day once, with its items, and one outbox row per street and for the command center', async () => {
    const first = await recordEndOfDaySweep(h.db, { date: DAY, from: FROM, asOf: AS_OF, recordedBy: 'test' });
    expect(first).toEqual({ date: DAY, created: true, items: 4, notifications: 3 });
    const items = await h.db.endOfDaySweepItem.findMany({ where: { sweepDate: DAY }, orderBy: { caseCode: 'asc' } });
    expect(items.map((i) => [i.caseCode, i.reason, i.streetId])).toEqual([
      ['EOD-1', 'UNANSWERED', 'GL-S01'],
      ['EOD-2', 'UNANSWERED', 'GL-S02'],
      ['EOD-4', 'URGENT_UNRESOLVED', 'GL-S01'],
      ['EOD-8', 'HAZARD_NOT_CLEARED', 'GL-S01'],
    ]);
    const notes = await h.db.notification.findMany({ where: { caseCode: sweepOutboxCode(DAY) }, orderBy: { id: 'asc' } });
    expect(notes.map((n) => [n.recipientUnitId, n.kind, n.state])).toEqual([
      ['GL', 'END_OF_DAY_SWEEP', 'PENDING'],
      ['GL-S01', 'END_OF_DAY_SWEEP', 'PENDING'],
      ['GL-S02', 'END_OF_DAY_SWEEP', 'PENDING'],
    ]);
    const s01 = notes.find((n) => n.recipientUnitId === 'GL-S01')!.payload as { message: string; counts: object; items: Array<{ caseCode: string }> };
    expect(s01.counts).toEqual({ UNANSWERED: 1, URGENT_UNRESOLVED: 1, HAZARD_NOT_CLEARED: 1 });
    expect(s01.items.map((i) => i.caseCode)).toEqual(['EOD-4', 'EOD-8', 'EOD-1']); // oldest first
    expect(s01.message).toBe('事不过夜:2026-11-18 下班前清单,当日上报未答复 1 件,紧急事项未处置完毕 1 件,紧急隐患未消险 1 件');

    // A second run of the same day (a retried activity, a second trigger) writes nothing.
    await h.db.case.update({ where: { code: 'EOD-3' }, data: { status: 'REPORTED' } });
    const again = await recordEndOfDaySweep(h.db, { date: DAY, from: FROM, asOf: AS_OF + 60_000, recordedBy: 'again' });
    expect(again).toEqual({ date: DAY, created: false, items: 4, notifications: 0 });
    await h.db.case.update({ where: { code: 'EOD-3' }, data: { status: 'IN_PROGRESS' } });
    expect(await h.db.endOfDaySweep.findUniqueOrThrow({ where: { date: DAY } })).toMatchObject({ recordedBy: 'test', asOf: new Date(AS_OF) });
    expect(await h.db.notification.count({ where: { caseCode: sweepOutboxCode(DAY) } })).toBe(3);
  });
});

describe('GET /sweeps/{date}', () => {
  const get = async (path: string, auth: string) => request(h.app).get(path).set('Authorization', auth);

  it('the command center and the leaders see the whole district', async () => {
    for (const role of ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'] as const) {
      const res = await get(`/sweeps/${DAY}`, await h.bearer(role));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ date: DAY, asOf: new Date(AS_OF).toISOString(), counts: { UNANSWERED: 2, URGENT_UNRESOLVED: 1, HAZARD_NOT_CLEARED: 1 } });
      expect(res.body.items.map((i: { caseCode: string }) => i.caseCode)).toEqual(['EOD-4', 'EOD-8', 'EOD-1', 'EOD-2']);
    }
  });

  it('a street sees its own items, a grid worker its grid, a community worker its community', async () => {
    const street = await get(`/sweeps/${DAY}`, await h.bearer('STREET_DISPATCHER', 'GL-S02'));
    expect(street.status).toBe(200);
    expect(street.body.items.map((i: { caseCode: string }) => i.caseCode)).toEqual(['EOD-2']);
    const grid = await get(`/sweeps/${DAY}`, await h.bearer('GRID_WORKER', G1));
    expect(grid.body.items.map((i: { caseCode: string }) => i.caseCode)).toEqual(['EOD-4', 'EOD-8', 'EOD-1']);
    const community = await get(`/sweeps/${DAY}`, await h.bearer('COMMUNITY_WORKER', 'GL-S02-C01'));
    expect(community.body.counts).toEqual({ UNANSWERED: 1, URGENT_UNRESOLVED: 0, HAZARD_NOT_CLEARED: 0 });
  });

  it('400 on a malformed date, 403 for reporters and departments, 404 for a day not swept', async () => {
    const bad = await get('/sweeps/2026-11-31', await h.bearer('COMMAND_CENTER'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toMatchObject({ path: 'params.date' });
    expect((await get(`/sweeps/${DAY}`, await h.bearer('REPORTER'))).status).toBe(403);
    expect((await get(`/sweeps/${DAY}`, await h.bearer('DEPARTMENT_OFFICER'))).status).toBe(403);
    const none = await get('/sweeps/2026-11-21', await h.bearer('COMMAND_CENTER'));
    expect(none.status).toBe(404);
  });
});

describe('the workflow and the schedule', () => {
  it('the workflow, on the real worker, records a pinned earlier working day and skips a weekend', async () => {
    const run = (date: string) =>
      h.client.workflow.execute(endOfDaySweepWorkflow, { taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, workflowId: `eod-test-${randomBytes(4).toString('hex')}`, args: [{ date }] });
    const res = await run('2026-11-17');
    expect(res).toMatchObject({ swept: true, date: '2026-11-17', created: true, items: 2 });
    const sweep = await h.db.endOfDaySweep.findUniqueOrThrow({ where: { date: '2026-11-17' }, include: { items: true } });
    expect(sweep.recordedBy).toMatch(/^eod-test-/);
    expect(sweep.items.map((i) => i.caseCode).sort()).toEqual(['EOD-4', 'EOD-6']);
    expect(await run('2026-11-21')).toEqual({ swept: false, date: '2026-11-21', reason: '2026-11-21 is not a working day' });
    expect(await h.db.endOfDaySweep.findUnique({ where: { date: '2026-11-21' } })).toBeNull();
  });

  it('the schedule is created once and updated in place, every day at 17:30 Shanghai', async () => {
    const scheduleId = `end-of-day-test-${randomBytes(4).toString('hex')}`;
    const opts = { taskQueue: h.cfg.TEMPORAL_TASK_QUEUE, scheduleId };
    expect(await ensureEndOfDaySchedule(h.client, opts)).toBe('created');
    expect(await ensureEndOfDaySchedule(h.client, opts)).toBe('updated');
    const handle = h.client.schedule.getHandle(scheduleId);
    try {
      const d = await handle.describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'endOfDaySweepWorkflow' });
      expect(END_OF_DAY_CRON).toBe('30 17 * * *');
      expect(endOfDayScheduleDefinition(opts).spec).toEqual({ cronExpressions: ['30 17 * * *'], timezone: 'Asia/Shanghai' });
    } finally {
      await handle.delete();
    }
  });
});
