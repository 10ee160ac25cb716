// Retention: with a pinned "now", the reporters of cases closed longer than the configured
// period are anonymised in the projection and in their archived (encrypted) histories, each
// run recorded in the access log; recent cases keep theirs; assessment figures do not move and
// the anonymised history still replays. On an isolated database (it counts every case).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Payload } from '@temporalio/common';
import { ANONYMISED } from '../../domain/personalData';
import { historyFromJson, historyToJson, mapHistoryPayloads, decodeHistory } from '../../platform/historyJson';
import { computeLive } from '../../features/assessment/store';
import { replayHistories } from '../../features/audit/replay';
import { anonymiseExpiredCases } from '../../features/privacy/retention';
import { createDb, type Db } from '../../platform/db';
import { EncryptionCodec } from '../../platform/payloadCodec';
import { AS_OF, CODES } from '../fixtures/assessmentCases';
import { isolatedDatabase, TEST_PAYLOAD_KEYS, type IsolatedDatabase } from '../setup/env';
import { insertAssessmentFixture } from './assessmentFixtureDb';

jest.setTimeout(180_000);

const codec = EncryptionCodec.fromSpec(TEST_PAYLOAD_KEYS);
const RETENTION_DAYS = 1096;
/** The pinned run: 2029-12-01 00:00 Shanghai; the cut-off is 1096 days earlier (2028 is a leap year), 2026-12-01 00:00. */
const NOW = Date.parse('2029-12-01T00:00:00+08:00');
const OLD_CLOSED = new Date('2026-10-20T10:00:00+08:00');
const RECENT_CLOSED = new Date('2026-12-20T10:00:00+08:00');
const RECORDED = 'test/histories/review-returned-then-closed.json';

let iso: IsolatedDatabase;
let db: Db;

/** Every payload of a stored (encrypted) history, decoded to text. */
async function payloadTexts(json: unknown): Promise<string> {
  const texts: string[] = [];
  await mapHistoryPayloads(await decodeHistory(historyFromJson(json), [codec]), async (p) => {
    texts.push(Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
    return p;
  });
  return texts.join('\n');
}

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 5);
  await insertAssessmentFixture(db);
  // A, B closed long ago, C recently; every one with a reporter. D has none (closed long ago).
  const reporter = { reporterName: '李四', reporterPhone: '13900001111', reporterEmail: 'lisi@example.cn' };
  await db.case.update({ where: { code: CODES.A }, data: { ...reporter, status: 'SURVEYED', closedAt: OLD_CLOSED } });
  await db.case.update({ where: { code: CODES.B }, data: { ...reporter, reporterEmail: null, status: 'CLOSED', closedAt: OLD_CLOSED } });
  await db.case.update({ where: { code: CODES.C }, data: { ...reporter, status: 'CLOSED', closedAt: RECENT_CLOSED } });
  await db.case.update({ where: { code: CODES.D }, data: { status: 'CLOSED', closedAt: OLD_CLOSED } });
  // A's archive: a recorded history (reporter 张三 / 13800000000), encrypted as the archive keeps it.
  const recorded = JSON.parse(readFileSync(path.resolve(__dirname, '../..', RECORDED), 'utf8'));
  const encrypted = await mapHistoryPayloads(historyFromJson(recorded), async (p) => (await codec.encode([p as Payload]))[0]);
  await db.caseHistoryArchive.create({
    data: { caseCode: CODES.A, runId: 'run-0', runIndex: 0, workflowType: 'caseWorkflow', closeStatus: 'COMPLETED', history: historyToJson(encrypted) as object, eventCount: 1, startedAt: OLD_CLOSED },
  });
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

describe('anonymiseExpiredCases', () => {
  it('the archived history holds the reporter (encrypted) before the run', async () => {
    const row = await db.caseHistoryArchive.findFirstOrThrow({ where: { caseCode: CODES.A } });
    expect(JSON.stringify(row.history)).not.toContain('13800000000');
    const text = await payloadTexts(row.history);
    expect(text).toContain('13800000000');
    expect(text).toContain('张三');
  });

  it('erases what is due, leaves recent cases, keeps figures, and records each case', async () => {
    const octBefore = await computeLive(db, '2026-10', AS_OF);
    const novBefore = await computeLive(db, '2026-11', AS_OF);

    const res = await anonymiseExpiredCases({ db, codec, retentionDays: RETENTION_DAYS }, { now: NOW, batchSize: 2 });
    expect(res.cutoff).toBe('2026-11-30T16:00:00.000Z');
    expect(res.cases.sort()).toEqual([CODES.A, CODES.B, CODES.D].sort());
    expect(res).toMatchObject({ archivedRunsRewritten: 1, more: false });
    expect(res.payloadsRewritten).toBeGreaterThan(0);

    const a = await db.case.findUniqueOrThrow({ where: { code: CODES.A } });
    expect(a).toMatchObject({ reporterName: ANONYMISED, reporterPhone: ANONYMISED, reporterEmail: ANONYMISED, anonymisedAt: new Date(NOW) });
    expect(await db.case.findUniqueOrThrow({ where: { code: CODES.B } })).toMatchObject({ reporterName: ANONYMISED, reporterPhone: ANONYMISED, reporterEmail: null });
    expect(await db.case.findUniqueOrThrow({ where: { code: CODES.C } })).toMatchObject({ reporterName: '李四', reporterPhone: '13900001111', anonymisedAt: null });

    // Nothing personal left in the archive, which stays encrypted.
    const archived = await db.caseHistoryArchive.findFirstOrThrow({ where: { caseCode: CODES.A } });
    const text = await payloadTexts(archived.history);
    expect(text).not.toContain('13800000000');
    expect(text).not.toContain('张三');
    expect(text).toContain(ANONYMISED);
    expect(JSON.stringify(archived.history)).toContain(Buffer.from('binary/encrypted').toString('base64'));

    // Figures unchanged.
    expect(await computeLive(db, '2026-10', AS_OF)).toEqual(octBefore);
    expect(await computeLive(db, '2026-11', AS_OF)).toEqual(novBefore);

    // One access-log record per case, for auditors.
    const log = await db.accessLog.findMany({ where: { kind: 'PERSONAL_DATA_ANONYMISED' }, orderBy: { id: 'asc' } });
    expect(log.map((l) => (l.detail as { caseCode: string }).caseCode).sort()).toEqual([CODES.A, CODES.B, CODES.D].sort());
    expect(log.find((l) => (l.detail as { caseCode: string }).caseCode === CODES.A)).toMatchObject({
      at: new Date(NOW),
      detail: { retentionDays: RETENTION_DAYS, archivedRunsRewritten: 1, fields: ['reporterName', 'reporterPhone', 'reporterEmail'] },
    });
  });

  it('is idempotent: a second run finds nothing due', async () => {
    const again = await anonymiseExpiredCases({ db, codec, retentionDays: RETENTION_DAYS }, { now: NOW + 86_400_000 });
    expect(again.cases).toEqual([]);
    expect(await db.accessLog.count({ where: { kind: 'PERSONAL_DATA_ANONYMISED' } })).toBe(3);
  });

  it('the anonymised history still replays, strictly (every activity input the same as the workflow now issues)', async () => {
    const archived = await db.caseHistoryArchive.findFirstOrThrow({ where: { caseCode: CODES.A } });
    const history = await decodeHistory(historyFromJson(archived.history), [codec]);
    const verdict = await replayHistories([{ workflowId: CODES.A, runId: 'run-0', runIndex: 0, history }], { compareActivityInputs: true });
    expect(verdict).toMatchObject({ ok: true, replayed: 1 });
  });
});
