// The Temporal Web UI's codec endpoint: auditors and admins get payloads decoded, others 403,
// the UI's origin gets CORS, a payload under an unknown key is a 400.
import request from 'supertest';
import { EncryptionCodec } from '../../platform/payloadCodec';
import { TEST_PAYLOAD_KEYS } from '../setup/env';
import { startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;
const codec = EncryptionCodec.fromSpec(TEST_PAYLOAD_KEYS);
const utf8 = (s: string) => new TextEncoder().encode(s);
const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const plain = { metadata: { encoding: utf8('json/plain') }, data: utf8(JSON.stringify({ reporter: { name: '张三', phone: '13800000000' } })) };

beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  await h?.close();
});

const decode = (who: string, body: object) =>
  request(h.app).post('/codec/decode').set('Authorization', who).set('Origin', 'http://127.0.0.1:8233').set('X-Namespace', 'city-governance').send(body);

describe('POST /codec/decode', () => {
  it('decodes for an auditor, with CORS for the UI origin', async () => {
    const sealed = codec.encodeOne(plain);
    const res = await decode(await h.bearer('AUDITOR'), { payloads: [asJson(sealed), asJson(plain)] });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    expect(res.body.payloads).toEqual([asJson(plain), asJson(plain)]);
    expect((await decode(await h.bearer('ADMIN'), { payloads: [asJson(sealed)] })).status).toBe(200);
  });

  it('refuses other roles (403) and answers the preflight without credentials', async () => {
    const sealed = asJson(codec.encodeOne(plain));
    for (const role of ['COMMAND_CENTER', 'DEPARTMENT_OFFICER', 'GRID_WORKER'] as const) {
      const res = await decode(await h.bearer(role), { payloads: [sealed] });
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('13800000000');
    }
    expect((await request(h.app).post('/codec/decode').send({ payloads: [sealed] })).status).toBe(401);
    const pre = await request(h.app).options('/codec/decode').set('Origin', 'http://127.0.0.1:8233').set('Access-Control-Request-Method', 'POST');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toContain('Authorization');
    const stranger = await request(h.app).options('/codec/decode').set('Origin', 'https://evil.example');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a payload under another key is a 400, never garbage', async () => {
    const other = EncryptionCodec.fromSpec(`test-1:${Buffer.alloc(32, 1).toString('base64')}`);
    const res = await decode(await h.bearer('AUDITOR'), { payloads: [asJson(other.encodeOne(plain))] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('UNDECODABLE_PAYLOAD');
  });
});
