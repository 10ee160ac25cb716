// The extension inbox's projection (features/inbox/pendingExtensions.ts) against the run's real
// PostgreSQL, written by the recordCase activity as facts arrive: a request appears, climbs with
// its EXTENSION_ESCALATED, leaves with its decision or the case's closing; a retried activity
// (the same batch again, or an older batch after a newer one) leaves the rows as the facts say;
// and the rebuild (migration 0017's backfill) gives the same rows.
import { randomUUID } from 'node:crypto';
import { makeRecordCase } from '../../activities/recordCase';
import { rebuildPendingExtensions } from '../../features/inbox/pendingExtensions';
import type { RecordCaseInput } from '../../workflows/activityContract';
import { createDb, type Db } from '../../platform/db';
import { caseInput } from '../workflow/caseFixture';
import { testConfig } from '../setup/env';

jest.setTimeout(60_000);

let db: Db;
let recordCase: ReturnType<typeof makeRecordCase>;

beforeAll(() => {
  db = createDb(testConfig().DATABASE_URL!, 2);
  recordCase = makeRecordCase(db, { deliver: false });
});

afterAll(async () => {
  await db?.$disconnect();
});

const T0 = Date.parse('2026-11-23T01:30:00Z');
const MIN = 60_000;
type Fact = RecordCaseInput['facts'][number]['event'];

type Projection = RecordCaseInput['projection'];

function projection(status: Projection['status'], version: number, level: Projection['level'] = 'STREET'): Projection {
  return {
    status, level, triage: 'BIG', assigneeId: null, assigneeUnitId: 'GL-S01', dueAt: null, overdue: false,
    breachCount: 0, reopenCount: 0, resolution: null, closedAt: status === 'CLOSED' ? T0 + 60 * MIN : null, version,
  };
}

function batch(code: string, facts: Fact[], status: Projection['status'], create = false): RecordCaseInput {
  const input = caseInput(T0);
  input.intake.code = code;
  return {
    code,
    ...(create ? { create: input.intake } : {}),
    facts: facts.map((event) => ({ event, notifications: [] })),
    projection: projection(status, facts[facts.length - 1].seq),
  };
}

const fact = (seq: number, type: string, data: Record<string, unknown> = {}, extra: Partial<Fact> = {}): Fact =>
  ({ seq, type, at: T0 + seq * MIN, unitId: 'GL-S01', level: 'STREET', data, ...extra }) as Fact;

async function rowsOf(code: string) {
  return db.pendingExtension.findMany({ where: { caseCode: code }, orderBy: { requestId: 'asc' } });
}

async function started(): Promise<string> {
  const code = `GL-20261123-${randomUUID().slice(0, 8)}`;
  await recordCase(batch(code, [fact(1, 'REPORTED', { windows: [] }, { level: 'GRID', unitId: 'GL-S01-C01-G01' })], 'REPORTED', true));
  await recordCase(batch(code, [fact(2, 'ACCEPTED'), fact(3, 'RESPONDED', { decision: 'SELF' })], 'IN_PROGRESS'));
  return code;
}

const request = (seq: number, requestId: string, approverLevel: string) =>
  fact(seq, 'EXTENSION_REQUESTED', { requestId, days: 3, reason: '等待清运车辆', approverLevel }, { actorId: 'p-street', actorRole: 'STREET_DISPATCHER' });

describe('PendingExtension, maintained by the recording activity', () => {
  it('lists a request, moves it up with its escalation and drops it with its decision; retries change nothing', async () => {
    const code = await started();
    expect(await rowsOf(code)).toEqual([]);

    const asked = batch(code, [request(4, 'EXT-1', 'STREET')], 'IN_PROGRESS');
    await recordCase(asked);
    const [row] = await rowsOf(code);
    expect(row).toMatchObject({
      caseCode: code, requestId: 'EXT-1', districtId: 'GL', approverLevel: 'STREET', requiredLevel: 'STREET', seq: 4,
      actorId: 'p-street', actorRole: 'STREET_DISPATCHER', actorUnitId: 'GL-S01', days: 3, reason: '等待清运车辆',
    });
    expect(row.requestedAt.getTime()).toBe(T0 + 4 * MIN);
    await recordCase(asked); // a retried activity
    expect(await rowsOf(code)).toEqual([row]);

    // The street did not decide in time: the request climbs to the command center.
    const climbed = batch(code, [fact(5, 'BREACHED', { kind: 'EXTENSION_DECISION', requestId: 'EXT-1' }), fact(6, 'EXTENSION_ESCALATED', { requestId: 'EXT-1', approverLevel: 'COMMAND_CENTER' })], 'IN_PROGRESS');
    await recordCase(climbed);
    expect(await rowsOf(code)).toEqual([{ ...row, approverLevel: 'COMMAND_CENTER' }]);
    await recordCase(asked); // an older batch retried late: the facts, not the batch, decide
    expect((await rowsOf(code))[0].approverLevel).toBe('COMMAND_CENTER');

    // A second request beside it, then the first decided.
    await recordCase(batch(code, [request(7, 'EXT-2', 'STREET')], 'IN_PROGRESS'));
    expect((await rowsOf(code)).map((r) => [r.requestId, r.approverLevel])).toEqual([['EXT-1', 'COMMAND_CENTER'], ['EXT-2', 'STREET']]);
    const decided = batch(code, [fact(8, 'EXTENSION_APPROVED', { requestId: 'EXT-1' }, { level: 'COMMAND_CENTER', unitId: 'GL' })], 'IN_PROGRESS');
    await recordCase(decided);
    await recordCase(decided);
    expect((await rowsOf(code)).map((r) => r.requestId)).toEqual(['EXT-2']);

    // Closing the case rejects what is still pending.
    await recordCase(batch(code, [fact(9, 'CLOSED', { resolution: 'RESOLVED' })], 'CLOSED'));
    expect(await rowsOf(code)).toEqual([]);
    await recordCase(climbed);
    expect(await rowsOf(code)).toEqual([]);
  });

  it('drops a request rejected, and one of a case put in a long-term plan', async () => {
    const a = await started();
    await recordCase(batch(a, [request(4, 'EXT-1', 'STREET')], 'IN_PROGRESS'));
    await recordCase(batch(a, [fact(5, 'EXTENSION_REJECTED', { requestId: 'EXT-1' })], 'IN_PROGRESS'));
    expect(await rowsOf(a)).toEqual([]);

    const b = await started();
    await recordCase(batch(b, [request(4, 'EXT-1', 'COMMAND_CENTER')], 'IN_PROGRESS'));
    expect((await rowsOf(b)).map((r) => r.approverLevel)).toEqual(['COMMAND_CENTER']);
    await recordCase(batch(b, [fact(5, 'LONG_TERM_PLANNED', {})], 'LONG_TERM_PLAN'));
    expect(await rowsOf(b)).toEqual([]);
  });

  it('the rebuild (the migration\'s backfill) gives the rows the recordings maintained', async () => {
    const code = await started();
    await recordCase(batch(code, [request(4, 'EXT-1', 'STREET'), request(5, 'EXT-2', 'COMMAND_CENTER')], 'IN_PROGRESS'));
    await recordCase(batch(code, [fact(6, 'EXTENSION_ESCALATED', { requestId: 'EXT-1', approverLevel: 'COMMAND_CENTER' })], 'IN_PROGRESS'));
    const maintained = await db.pendingExtension.findMany({ orderBy: [{ caseCode: 'asc' }, { requestId: 'asc' }] });
    expect(maintained.filter((r) => r.caseCode === code)).toHaveLength(2);
    await rebuildPendingExtensions(db);
    expect(await db.pendingExtension.findMany({ orderBy: [{ caseCode: 'asc' }, { requestId: 'asc' }] })).toEqual(maintained);
  });
});
