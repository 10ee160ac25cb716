import { defaultPayloadConverter } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  PayloadDecryptionError,
  generatePayloadKeyEntry,
  parsePayloadKeys,
  payloadCodecFromConfig,
} from '../../platform/payloadCodec';

const OLD = 'old:' + Buffer.alloc(32, 1).toString('base64');
const NEW = 'new:' + Buffer.alloc(32, 2).toString('base64');
const input = { reporter: { name: 'Wang Xiaoming', phone: '13800138000' } };
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

describe('EncryptionCodec', () => {
  it('round-trips a payload, and the encoded form carries neither the data nor its base64', async () => {
    const codec = EncryptionCodec.fromSpec(OLD);
    const plain = defaultPayloadConverter.toPayload(input);
    const [enc] = await codec.encode([plain]);
    expect(text(enc.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(enc.metadata?.['encryption-key-id'])).toBe('old');
    const raw = Buffer.from(enc.data!);
    for (const needle of ['Wang Xiaoming', '13800138000']) {
      expect(raw.includes(needle)).toBe(false);
      expect(raw.toString('base64').includes(Buffer.from(needle).toString('base64'))).toBe(false);
    }
    const [dec] = await codec.decode([enc]);
    expect(text(dec.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(dec)).toEqual(input);
  });

  it('passes payloads without its encoding through decode unchanged (histories recorded before it)', async () => {
    const codec = EncryptionCodec.fromSpec(OLD);
    const plain = defaultPayloadConverter.toPayload(input);
    const [dec] = await codec.decode([plain]);
    expect(dec).toBe(plain);
  });

  it('rotation: a payload encrypted with the old key decodes once a new key is put first', async () => {
    const [enc] = await EncryptionCodec.fromSpec(OLD).encode([defaultPayloadConverter.toPayload(input)]);
    const rotated = EncryptionCodec.fromSpec(`${NEW},${OLD}`);
    expect(rotated.currentKeyId).toBe('new');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([enc]))[0])).toEqual(input);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload(input)]);
    expect(text(fresh.metadata?.['encryption-key-id'])).toBe('new');
  });

  it('an unknown key id fails with a clear error', async () => {
    const [enc] = await EncryptionCodec.fromSpec(OLD).encode([defaultPayloadConverter.toPayload(input)]);
    const other = EncryptionCodec.fromSpec(NEW);
    await expect(other.decode([enc])).rejects.toThrow(PayloadDecryptionError);
    await expect(other.decode([enc])).rejects.toThrow(/unknown key id "old"/);
  });

  it('a wrong key under the right id, tampered ciphertext or a relabelled key id fail authentication', async () => {
    const codec = EncryptionCodec.fromSpec(OLD);
    const [enc] = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const tampered = Buffer.from(enc.data!);
    tampered[20] ^= 0x01;
    await expect(codec.decode([{ ...enc, data: tampered }])).rejects.toThrow(/failed authentication/);
    const wrongKey = EncryptionCodec.fromSpec('old:' + Buffer.alloc(32, 9).toString('base64'));
    await expect(wrongKey.decode([enc])).rejects.toThrow(/failed authentication/);
    const both = EncryptionCodec.fromSpec(`${OLD},${NEW.replace('new:', 'other:')}`);
    const relabelled = { ...enc, metadata: { ...enc.metadata, 'encryption-key-id': Buffer.from('other') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...enc, data: Buffer.alloc(5) }])).rejects.toThrow(/truncated/);
  });
});

describe('PAYLOAD_KEYS', () => {
  it('parses id:base64key lists and rejects bad ones without echoing the key', () => {
    expect(parsePayloadKeys(`${NEW}, ${OLD}`).map((k) => k.id)).toEqual(['new', 'old']);
    expect(() => parsePayloadKeys('k1:' + Buffer.alloc(16).toString('base64'))).toThrow(/expected 32 bytes/);
    expect(() => parsePayloadKeys(`${OLD},${OLD}`)).toThrow(/duplicate/);
    expect(() => parsePayloadKeys('nokey')).toThrow(/entry 1/);
    expect(parsePayloadKeys(generatePayloadKeyEntry())).toHaveLength(1);
  });

  it('production without keys refuses; test without keys stays plain', () => {
    expect(() => payloadCodecFromConfig({ NODE_ENV: 'production', DATA_DIR: '.data', PAYLOAD_KEYS: undefined })).toThrow(/PAYLOAD_KEYS is required in production/);
    expect(payloadCodecFromConfig({ NODE_ENV: 'test', DATA_DIR: '.data', PAYLOAD_KEYS: undefined })).toBeNull();
    expect(payloadCodecFromConfig({ NODE_ENV: 'production', DATA_DIR: '.data', PAYLOAD_KEYS: OLD })).toBeInstanceOf(EncryptionCodec);
  });
});
