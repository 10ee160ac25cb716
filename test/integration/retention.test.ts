// Retention: with a pinned "now", the reporters of cases closed longer than the configured
// period are anonymised in the projection and in their archived (encrypted) histories, each
// run recorded in the access log; recent cases keep theirs; assessment figures do not move and
// the anonymised history still replays. Personal data written into free text (the description,
// a handling note, an outbox message, the same texts inside the history) goes too: nothing
// personal is left anywhere the case is stored. On an isolated database (it counts every case).
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
/** Free text with personal data in it: the reporter's name and number, another number, an e-mail. */
const DESCRIPTION = '路边占道经营，李四反映，电话 139-0000-1111';
const NOTE = '自行处置，已电话联系李四 13900001111，另告知物业 021-62345678';
const PERSONAL = ['李四', '13900001111', '139-0000-1111', '021-62345678', 'lisi@example.cn', '张三', '13800000000'];

/** A JSON value with every string in `texts` replaced (the recorded history, given personal free text). */
function withTexts(value: unknown, texts: Record<string, string>): unknown {
  if (typeof value === 'string') return texts[value] ?? value;
  if (Array.isArray(value)) return value.map((v) => withTexts(v, texts));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTexts(v, texts)]));
  return value;
}

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
  await db.case.update({ where: { code: CODES.A }, data: { ...reporter, description: DESCRIPTION, address: '鼓楼路 1 号 李四家门口', status: 'SURVEYED', closedAt: OLD_CLOSED } });
  // A handling note in A's event log and a notification in its outbox carry the number too.
  const firstA = await db.caseEvent.findFirstOrThrow({ where: { caseCode: CODES.A }, orderBy: { seq: 'asc' } });
  await db.caseEvent.update({ where: { id: firstA.id }, data: { data: { ...(firstA.data as object), note: NOTE } } });
  await db.notification.create({ data: { id: `${CODES.A}:1:x`, caseCode: CODES.A, seq: 1, kind: 'CASE_RETURNED', payload: { message: `Case ${CODES.A} was sent back: ${NOTE}`, caseCode: CODES.A } } });
  // C is recent: its free text stays.
  await db.case.update({ where: { code: CODES.C }, data: { description: DESCRIPTION } });
  await db.case.update({ where: { code: CODES.B }, data: { ...reporter, reporterEmail: null, status: 'CLOSED', closedAt: OLD_CLOSED } });
  await db.case.update({ where: { code: CODES.C }, data: { ...reporter, status: 'CLOSED', closedAt: RECENT_CLOSED } });
  await db.case.update({ where: { code: CODES.D }, data: { status: 'CLOSED', closedAt: OLD_CLOSED } });
  // A's archive: a recorded history (reporter 张三 / 13800000000), encrypted as the archive keeps it.
  // Its description and a note (in the update's argument, the fact and the activity inputs alike)
  // given personal data, as a resident and a grid worker might have typed them.
  const recorded = JSON.parse(readFileSync(path.resolve(__dirname, '../..', RECORDED), 'utf8'));
  const texts = (p: Payload): Payload => {
    if (Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString() !== 'json/plain' || !p.data) return p;
    const value = withTexts(JSON.parse(Buffer.from(p.data).toString('utf8')), { 路边占道经营: DESCRIPTION, 自行处置: NOTE });
    return { metadata: p.metadata, data: new TextEncoder().encode(JSON.stringify(value)) };
  };
  const encrypted = await mapHistoryPayloads(historyFromJson(recorded), async (p) => (await codec.encode([texts(p as Payload)]))[0]);
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
    expect(text).toContain('139-0000-1111');
    expect(text).toContain('021-62345678');
  });

  it('the personalised history replays before the run too (so the replay after it tests the scrubbing)', async () => {
    const row = await db.caseHistoryArchive.findFirstOrThrow({ where: { caseCode: CODES.A } });
    const history = await decodeHistory(historyFromJson(row.history), [codec]);
    expect(await replayHistories([{ workflowId: CODES.A, runId: 'run-0', runIndex: 0, history }], { compareActivityInputs: true })).toMatchObject({ ok: true, replayed: 1 });
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
    expect(await db.case.findUniqueOrThrow({ where: { code: CODES.C } })).toMatchObject({ reporterName: '李四', reporterPhone: '13900001111', anonymisedAt: null, description: DESCRIPTION });
    expect(res.textsScrubbed).toBe(4); // A's description and address, its note, its outbox message

    // Nothing personal left in A's rows: the projection, the event log, the outbox.
    const rowsOfA = JSON.stringify([
      await db.case.findUniqueOrThrow({ where: { code: CODES.A } }),
      await db.caseEvent.findMany({ where: { caseCode: CODES.A } }),
      await db.notification.findMany({ where: { caseCode: CODES.A } }),
    ], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    for (const p of PERSONAL) expect(rowsOfA).not.toContain(p);
    expect(a.description).toBe(`路边占道经营，${ANONYMISED}反映，电话 ${ANONYMISED}`);
    expect(a.address).toBe(`鼓楼路 1 号 ${ANONYMISED}家门口`);

    // Nothing personal left in the archive, which stays encrypted.
    const archived = await db.caseHistoryArchive.findFirstOrThrow({ where: { caseCode: CODES.A } });
    const text = await payloadTexts(archived.history);
    for (const p of PERSONAL) expect(text).not.toContain(p);
    expect(text).toContain(ANONYMISED);
    expect(text).toContain('路边占道经营'); // the rest of the free text stays readable
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
