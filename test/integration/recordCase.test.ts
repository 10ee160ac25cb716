// The recordCase activity against the run's real PostgreSQL: one statement writes the Case
// row, its events and its outbox; a retried call changes nothing; an older projection never
// overwrites a newer one; a failing write leaves nothing behind.
import { randomUUID } from 'node:crypto';
import { makeRecordCase } from '../../activities/recordCase';
import { deliverRows, sweepOutbox } from '../../features/outbox/delivery';
import type { RecordCaseInput } from '../../workflows/activityContract';
import { createDb, type Db } from '../../platform/db';
import { caseInput } from '../workflow/caseFixture';
import { testConfig } from '../setup/env';

jest.setTimeout(60_000);

let db: Db;
const archivers: Array<[string, string | undefined]> = [];
let recordCase: ReturnType<typeof makeRecordCase>;

beforeAll(() => {
  db = createDb(testConfig().DATABASE_URL!, 2);
  recordCase = makeRecordCase(db, { deliver: true, startArchiver: async (code, beforeRunId) => void archivers.push([code, beforeRunId]) });
});

afterAll(async () => {
  await db?.$disconnect();
});

const T0 = Date.parse('2026-11-23T01:30:00Z');

function firstBatch(): RecordCaseInput {
  const input = caseInput(T0);
  const code = `GL-20261123-${randomUUID().slice(0, 8)}`;
  input.intake.code = code;
  input.intake.photoUrls = ['https://example.org/a.jpg', 'https://example.org/b.jpg'];
  input.intake.address = '鼓楼区 中山路 1 号';
  return {
    code,
    create: input.intake,
    facts: [
      {
        event: { seq: 1, type: 'REPORTED', at: T0, actorId: 'p-rep', actorRole: 'REPORTER', unitId: 'GL-S01-C01-G01', level: 'GRID', data: { windows: [{ kind: 'ACCEPT' }] } },
        notifications: [{ recipientId: 'p-grid', recipientUnitId: 'GL-S01-C01-G01', kind: 'ASSIGNED', message: '新案件' }],
      },
    ],
    projection: {
      status: 'REPORTED', level: 'GRID', triage: 'BIG', assigneeId: 'p-grid', assigneeUnitId: 'GL-S01-C01-G01',
      dueAt: T0 + 600_000, overdue: false, breachCount: 0, reopenCount: 0, resolution: null, closedAt: null, version: 1,
    },
  };
}

function escalation(code: string): RecordCaseInput {
  const at = T0 + 600_000;
  return {
    code,
    facts: [
      { event: { seq: 2, type: 'BREACHED', at, unitId: 'GL-S01-C01-G01', level: 'GRID', data: { window: 'ACCEPT' } }, notifications: [] },
      {
        event: { seq: 3, type: 'ESCALATED', at, unitId: 'GL-S01', level: 'STREET', data: { from: 'GRID' } },
        notifications: [
          { recipientId: 'p-street', recipientUnitId: 'GL-S01', kind: 'ESCALATED', message: '升级' },
          { recipientId: 'p-grid', recipientUnitId: 'GL-S01-C01-G01', kind: 'BREACHED', message: '超时' },
        ],
      },
    ],
    projection: {
      status: 'REPORTED', level: 'STREET', triage: 'BIG', assigneeId: 'p-street', assigneeUnitId: 'GL-S01',
      dueAt: at + 600_000, overdue: true, breachCount: 1, reopenCount: 0, resolution: null, closedAt: null, version: 3,
    },
  };
}

const rowsOf = async (code: string) => ({
  case: await db.case.findUnique({ where: { code } }),
  events: await db.caseEvent.findMany({ where: { caseCode: code }, orderBy: { seq: 'asc' } }),
  outbox: await db.notification.findMany({ where: { caseCode: code }, orderBy: { id: 'asc' } }),
});

it('the first batch creates the Case row with its projection, its events and its outbox', async () => {
  const b = firstBatch();
  expect(await recordCase(b)).toEqual({ deliver: [`${b.code}:1:0`] });
  const r = await rowsOf(b.code);
  expect(r.case).toMatchObject({
    code: b.code, workflowId: b.code, channel: 'HOTLINE', categoryCode: 'CG-001', triage: 'BIG', gridId: b.create!.units.gridId,
    address: '鼓楼区 中山路 1 号', lat: null, photoUrls: ['https://example.org/a.jpg', 'https://example.org/b.jpg'],
    reportedAt: new Date(T0), status: 'REPORTED', level: 'GRID', assigneeId: 'p-grid', dueAt: new Date(T0 + 600_000), overdue: false, version: 1,
  });
  expect(r.events.map((e) => [e.seq, e.type, e.at.getTime(), e.actorId, e.data])).toEqual([[1, 'REPORTED', T0, 'p-rep', { windows: [{ kind: 'ACCEPT' }] }]]);
  expect(r.outbox.map((n) => [n.id, n.recipientId, n.kind, n.attempts, n.deliveredAt])).toEqual([[`${b.code}:1:0`, 'p-grid', 'ASSIGNED', 0, null]]);
  expect(r.outbox[0].payload).toMatchObject({ caseCode: b.code, kind: 'ASSIGNED', message: '新案件', at: new Date(T0).toISOString() });
});

it('a retried batch changes nothing; a later batch moves the projection; an older one never moves it back', async () => {
  const b = firstBatch();
  await recordCase(b);
  await recordCase(b);
  const up = escalation(b.code);
  await recordCase(up);
  const once = await rowsOf(b.code);
  await recordCase(up);
  await recordCase(b); // a stale retry of the first batch, after the escalation was stored
  const twice = await rowsOf(b.code);
  expect(twice.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  expect(twice.outbox.map((n) => n.id)).toEqual([`${b.code}:1:0`, `${b.code}:3:0`, `${b.code}:3:1`]);
  expect(twice.case).toMatchObject({ level: 'STREET', assigneeId: 'p-street', overdue: true, breachCount: 1, version: 3 });
  expect(twice).toEqual(once);
});

it('a page held to office hours (notBefore) is stored with nextAttemptAt then, and neither the case nor the sweeper claims it earlier', async () => {
  const b = firstBatch();
  await recordCase(b);
  const at = T0 + 3_600_000;
  const morning = Date.parse('2026-11-24T01:00:00Z'); // 09:00 Beijing the next day
  expect(await recordCase({
    code: b.code,
    facts: [{
      event: { seq: 2, type: 'ESCALATED', at, unitId: 'GL', level: 'PRINCIPAL_LEADER', data: { from: 'DEPUTY_LEADER', deferredUntil: morning } },
      notifications: [
        { recipientId: 'p-principal', recipientUnitId: 'GL', kind: 'CASE_ESCALATED', message: '升级', notBefore: morning },
        { recipientId: 'p-cc', recipientUnitId: 'GL', kind: 'NIGHT_DUTY', message: '值班' },
      ],
    }],
    projection: { ...b.projection, level: 'PRINCIPAL_LEADER', assigneeId: 'p-principal', assigneeUnitId: 'GL', version: 2 },
  })).toEqual({ deliver: [`${b.code}:2:0`, `${b.code}:2:1`] });
  const r = await rowsOf(b.code);
  expect(r.outbox.map((n) => [n.id, n.kind, n.nextAttemptAt?.getTime() ?? null])).toEqual([
    [`${b.code}:1:0`, 'ASSIGNED', null],
    [`${b.code}:2:0`, 'CASE_ESCALATED', morning],
    [`${b.code}:2:1`, 'NIGHT_DUTY', null],
  ]);
  // A receiver nobody listens on: a claimed row counts as tried (and retrying).
  const o = { urls: ['http://127.0.0.1:9/hook'], timeoutMs: 1000, maxAttempts: 3, baseMs: 60_000, maxMs: 600_000, concurrency: 1 };
  expect((await deliverRows(db, [`${b.code}:2:0`], { ...o, now: () => morning - 1 })).tried).toBe(0);
  const held = () => db.notification.findUniqueOrThrow({ where: { id: `${b.code}:2:0` } });
  await sweepOutbox(db, { ...o, now: () => morning - 1, caseCodes: [b.code] });
  expect(await held()).toMatchObject({ state: 'PENDING', attempts: 0, nextAttemptAt: new Date(morning) });
  await sweepOutbox(db, { ...o, now: () => morning, caseCodes: [b.code] });
  expect((await held()).attempts).toBe(1);
});

it('a batch that fails writes nothing (one statement: all or none)', async () => {
  const b = firstBatch();
  await recordCase(b);
  const bad = escalation(b.code);
  // A fact with no type violates NOT NULL after the projection and the first event were already in the statement.
  (bad.facts[1].event as { type: unknown }).type = null;
  await expect(recordCase(bad)).rejects.toThrow();
  const r = await rowsOf(b.code);
  expect(r.events.map((e) => e.seq)).toEqual([1]);
  expect(r.outbox).toHaveLength(1);
  expect(r.case).toMatchObject({ level: 'GRID', version: 1 });
});

it('the final batch of an ended case starts its archiver once it is stored', async () => {
  const b = firstBatch();
  await recordCase(b);
  expect(archivers.filter(([code]) => code === b.code)).toEqual([]);
  await recordCase({ ...b, final: true });
  expect(archivers.filter(([code]) => code === b.code)).toEqual([[b.code, undefined]]);
});

it('the first batch of a continued run starts the archiver of the runs before it', async () => {
  const b = firstBatch();
  await recordCase({ ...b, archiveRunsBefore: 'run-2' });
  expect(archivers.filter(([code]) => code === b.code)).toEqual([[b.code, 'run-2']]);
  // Ended in its first batch: both archivers, the earlier runs' first.
  const c = firstBatch();
  await recordCase({ ...c, archiveRunsBefore: 'run-1', final: true });
  expect(archivers.filter(([code]) => code === c.code)).toEqual([[c.code, 'run-1'], [c.code, undefined]]);
});
