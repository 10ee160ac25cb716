// decodeHistory: the one place readers decode a history's payloads. The recorded corpus
// (plain payloads, from before encryption) passes through untouched; an encrypted copy of
// a history decodes back to the original.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeHistory, historyFromJson, historyToJson, type History } from '../../platform/historyJson';
import { EncryptionCodec, isEncrypted, PayloadDecryptionError } from '../../platform/payloadCodec';

const DIR = path.join(__dirname, '..', 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const codec = EncryptionCodec.fromSpec(`k1:${Buffer.alloc(32, 3).toString('base64')}`);
const load = (f: string) => historyFromJson(JSON.parse(readFileSync(path.join(DIR, f), 'utf8')));

/** The history with every payload encrypted (what a worker with the codec would have written). */
function encrypt(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || (v as { __isLong__?: boolean }).__isLong__) return v;
  if (Array.isArray(v)) return v.map(encrypt);
  const m = (v as { metadata?: Record<string, unknown> }).metadata;
  if (m && typeof m === 'object' && m.encoding instanceof Uint8Array) return codec.encodeOne(v as never);
  return Object.assign(Object.create(Object.getPrototypeOf(v) as object) as object, Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encrypt(x)])));
}

it.each(files)('%s: plain payloads pass through (the same object back)', async (f) => {
  const h = load(f);
  expect(await decodeHistory(h, [codec])).toBe(h);
});

it('an encrypted history decodes back to the original, leaving the encrypted one as it was', async () => {
  const original = load('accepted-in-time.json');
  const encrypted = encrypt(original) as History;
  const before = JSON.stringify(historyToJson(encrypted));
  expect(before).not.toEqual(JSON.stringify(historyToJson(original)));
  const start = encrypted.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  expect(start && isEncrypted(start as never)).toBe(true);
  expect(historyToJson(await decodeHistory(encrypted, [codec]))).toEqual(historyToJson(original));
  expect(JSON.stringify(historyToJson(encrypted))).toBe(before);
  await expect(decodeHistory(encrypted, [EncryptionCodec.fromSpec(`k2:${Buffer.alloc(32, 4).toString('base64')}`)])).rejects.toThrow(PayloadDecryptionError);
});
