// Residents' personal data in workflow histories: a case started through the API with a
// reporter's name and phone leaves neither in any payload Temporal stores; the same history
// decodes with the right key and fails cleanly with a wrong one; the API's own readers
// (case read, audit replay) decode it.
import { Client } from '@temporalio/client';
import request from 'supertest';
import { decodeHistory, type History } from '../../platform/historyJson';
import { EncryptionCodec, PayloadDecryptionError, isEncrypted } from '../../platform/payloadCodec';
import { TEST_PAYLOAD_KEYS } from '../setup/env';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const NAME = 'Ouyang Mingyue 欧阳明月';
const PHONE = '139-8765-4321';

type PayloadLike = { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null };

/**
 * Every payload anywhere in a history (inputs, results, markers, headers, memo…). With
 * `dataOnly`, not the two kinds no payload codec ever sees: search attributes (indexed by the
 * server) and a local-activity marker's `data` detail, which the SDK's core writes itself
 * (sequence number, attempt, activity type, times; never case data).
 */
function payloadsOf(v: unknown, dataOnly = false, out: PayloadLike[] = []): PayloadLike[] {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return out;
  if (Array.isArray(v)) {
    for (const x of v) payloadsOf(x, dataOnly, out);
    return out;
  }
  const m = (v as PayloadLike).metadata;
  if (m && typeof m === 'object' && 'encoding' in m) {
    out.push(v as PayloadLike);
    return out;
  }
  const isMarker = typeof (v as { markerName?: unknown }).markerName === 'string';
  for (const [k, x] of Object.entries(v)) {
    if (dataOnly && k === 'searchAttributes') continue;
    if (dataOnly && isMarker && k === 'details') {
      for (const [dk, dx] of Object.entries((x ?? {}) as object)) if (dk !== 'data') payloadsOf(dx, dataOnly, out);
      continue;
    }
    payloadsOf(x, dataOnly, out);
  }
  return out;
}

/** The forms a secret could leak in: UTF-8 bytes, and base64 of them at each alignment. */
function leaks(bytes: Buffer, secret: string): boolean {
  const raw = Buffer.from(secret, 'utf8');
  if (bytes.includes(raw)) return true;
  const b64 = bytes.toString('base64');
  return [0, 1, 2].some((skip) => {
    const enc = raw.subarray(skip).toString('base64');
    // Only whole base64 groups are stable inside a longer stream.
    const stable = enc.slice(0, Math.floor(raw.subarray(skip).length / 3) * 4);
    return stable.length >= 8 && b64.includes(stable);
  });
}

const bytesOf = (ps: PayloadLike[]) =>
  Buffer.concat(ps.flatMap((p) => [...Object.values(p.metadata ?? {}).map((m) => Buffer.from(m)), Buffer.from(p.data ?? [])]));

it('stores the reporter only encrypted; the right key decodes, a wrong one fails cleanly', async () => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({
      channel: 'HOTLINE',
      categoryCode: 'CG-001',
      location: { gridId: 'GL-S01-C01-G01' },
      description: '小区门口有车辆长期违停',
      reporter: { name: NAME, phone: PHONE },
    });
  expect(res.status).toBe(201);
  const code: string = res.body.code;
  // The worker has run the case's first activities (their inputs carry the case too).
  await eventually(() => h.db.case.findUnique({ where: { code } }), 15_000, 'the Case row');

  // A client with no codec: what the Temporal server (and anyone reading its database) sees.
  const plain = new Client({ connection: h.temporal.connection, namespace: h.cfg.TEMPORAL_NAMESPACE });
  const history: History = await plain.workflow.getHandle(code).fetchHistory();
  const stored = payloadsOf(history);
  expect(stored.length).toBeGreaterThan(2);
  // Every payload the case's code wrote is encrypted (search attributes are not payload data the codec sees).
  expect(payloadsOf(history, true).filter((p) => !isEncrypted(p as never))).toEqual([]);
  for (const secret of [NAME, PHONE, '13987654321', 'Ouyang']) expect(leaks(bytesOf(stored), secret)).toBe(false);
  expect(JSON.stringify(history)).not.toContain(PHONE);

  // The right key: the reporter is there after decoding.
  const decoded = await decodeHistory(history, [EncryptionCodec.fromSpec(TEST_PAYLOAD_KEYS)]);
  const clear = bytesOf(payloadsOf(decoded));
  expect(clear.includes(Buffer.from(NAME))).toBe(true);
  expect(clear.includes(Buffer.from(PHONE))).toBe(true);
  // Decoding left the stored history as it was (the archive keeps it encrypted).
  expect(payloadsOf(history).every((p) => !bytesOf([p]).includes(Buffer.from(PHONE)))).toBe(true);

  // A wrong key under the same id, or only other keys: a clear error, never garbage.
  const wrongKey = EncryptionCodec.fromSpec(`test-1:${Buffer.alloc(32, 7).toString('base64')}`);
  await expect(decodeHistory(history, [wrongKey])).rejects.toThrow(PayloadDecryptionError);
  await expect(decodeHistory(history, [wrongKey])).rejects.toThrow(/key "test-1".*failed authentication/);
  const otherId = EncryptionCodec.fromSpec(`other:${Buffer.alloc(32, 7).toString('base64')}`);
  await expect(decodeHistory(history, [otherId])).rejects.toThrow(/unknown key id "test-1"/);

  // The API's readers decode with its client's codec: the case reads, its history replays.
  const read = await request(h.app).get(`/cases/${code}`).set('Authorization', await h.bearer('REPORTER'));
  expect(read.status).toBe(200);
  const replay = await request(h.app).get(`/cases/${code}/replay`).set('Authorization', await h.bearer('AUDITOR'));
  expect(replay.status).toBe(200);
  expect(replay.body.ok).toBe(true);
});
