// Encryption of the payloads Temporal stores (workflow inputs, results, signals, activity
// arguments…): residents' names and phone numbers travel in them, and a history outlives the
// case by the retention period, so the Temporal server and its database only ever see
// ciphertext.
//
// Format of an encoded payload:
//   metadata.encoding          = "binary/encrypted"
//   metadata.encryption-key-id = the id of the key (UTF-8)
//   data                       = 12-byte IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag
// The plaintext is the original Payload serialised as temporal.api.common.v1.Payload
// protobuf (the same message the server stores), so metadata such as the JSON encoding is
// restored exactly. The key id is also the GCM additional data: a payload relabelled with
// another key id fails authentication instead of decrypting under the wrong key.
//
// Keys: PAYLOAD_KEYS = "id:base64key,id2:base64key2" (32-byte keys). The first encrypts; all
// decrypt, so rotation is "put a new key first, keep the old ones until no history needs them".
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as proto from '@temporalio/proto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { AppConfig } from '../config/env';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const PayloadMessage = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** A payload this codec cannot decode (unknown key, tampered, malformed): never garbage. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** Parse "id:base64key,…" (throws with the offending entry named, never the key). */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error(`PAYLOAD_KEYS entry ${i + 1}: expected id:base64key with an id of letters, digits, . _ -`);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`PAYLOAD_KEYS key "${id}": expected ${KEY_BYTES} bytes in base64, got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('PAYLOAD_KEYS: no key');
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('PAYLOAD_KEYS: duplicate key id');
  return keys;
}

/** A fresh key entry "id:base64key" (the id says when it was made, to tell keys apart in rotation). */
export function generatePayloadKeyEntry(now = new Date()): string {
  const id = `k${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey;

  constructor(keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('EncryptionCodec: at least one key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  static fromSpec(spec: string): EncryptionCodec {
    return new EncryptionCodec(parsePayloadKeys(spec));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encodeOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decodeOne(p));
  }

  encodeOne(payload: Payload): Payload {
    const plaintext = PayloadMessage.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(this.current.id, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(this.current.id) },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  /** Payloads not encrypted by this codec (histories recorded before it) pass through unchanged. */
  decodeOne(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const keyId = fromUtf8(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadDecryptionError('encrypted payload without an encryption-key-id');
    const key = this.byId.get(keyId);
    if (!key) throw new PayloadDecryptionError(`encrypted payload with unknown key id "${keyId}" (not in PAYLOAD_KEYS)`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") is truncated`);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(keyId, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // GCM's tag check: a wrong key under the right id, or altered bytes.
      throw new PayloadDecryptionError(`encrypted payload (key "${keyId}") failed authentication: wrong key or tampered data`);
    }
    const decoded = PayloadMessage.decode(plaintext);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}

export function isEncrypted(payload: Payload): boolean {
  return fromUtf8(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The dev key file `npm start` writes when PAYLOAD_KEYS is unset. */
export function devPayloadKeyFile(dataDir: string): string {
  return path.resolve(dataDir, 'payload-key');
}

/** Read the dev key file, creating it (mode 600) when missing. `created` says which, for the log. */
export function ensureDevPayloadKeys(dataDir: string): { keys: string; file: string; created: boolean } {
  const file = devPayloadKeyFile(dataDir);
  if (existsSync(file)) return { keys: readFileSync(file, 'utf8').trim(), file, created: false };
  mkdirSync(path.dirname(file), { recursive: true });
  const keys = generatePayloadKeyEntry();
  writeFileSync(file, `${keys}\n`, { mode: 0o600 });
  return { keys, file, created: true };
}

/**
 * The codec of a process, from PAYLOAD_KEYS; in development without it, from the dev key file
 * when `npm start` made one. Null = payloads stay plain (tests and tools that do not set keys).
 * Production without PAYLOAD_KEYS throws: the API and worker refuse to start rather than
 * write residents' data to Temporal in the clear. (Checked here, not in loadConfig, because
 * tools that never touch payloads — migrations, namespace set-up — load the same config.)
 */
export function payloadCodecFromConfig(cfg: Pick<AppConfig, 'PAYLOAD_KEYS' | 'NODE_ENV' | 'DATA_DIR'>): EncryptionCodec | null {
  if (cfg.PAYLOAD_KEYS) return EncryptionCodec.fromSpec(cfg.PAYLOAD_KEYS);
  if (cfg.NODE_ENV === 'production') {
    throw new Error('PAYLOAD_KEYS is required in production (id:base64 of 32 bytes, e.g. `k1:$(openssl rand -base64 32)`): payloads would reach Temporal unencrypted');
  }
  if (cfg.NODE_ENV === 'development' && existsSync(devPayloadKeyFile(cfg.DATA_DIR))) {
    return EncryptionCodec.fromSpec(readFileSync(devPayloadKeyFile(cfg.DATA_DIR), 'utf8').trim());
  }
  return null;
}

/** Client/Worker dataConverter options for a codec (none when null). */
export function dataConverterFor(codec: PayloadCodec | null): { payloadCodecs: PayloadCodec[] } | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}
