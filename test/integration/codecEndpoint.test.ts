// The Temporal Web UI's codec endpoint: auditors and admins get payloads decoded, others 403,
// the UI's origin gets CORS, a payload under an unknown key is a 400. With a browser cookie
// session it is a POST like any other: another site cannot make an auditor's browser decode
// for it (the cookie is SameSite=Strict, and without the session's X-CSRF-Token it is 403).
import request from 'supertest';
import { hashPassword, scryptParams } from '../../features/auth/passwords';
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

const AUDITOR_ID = `p-codec-auditor-${process.pid}`;
const PASSWORD = 'long enough passphrase 1';

beforeAll(async () => {
  h = await startHarness({ worker: false });
  const district = await h.db.orgUnit.findFirstOrThrow({ where: { kind: 'DISTRICT' }, orderBy: { id: 'asc' } });
  await h.db.person.create({
    data: { id: AUDITOR_ID, name: '审计员', role: 'AUDITOR', unitId: district.id, login: AUDITOR_ID, passwordHash: await hashPassword(PASSWORD, scryptParams(14)) },
  });
});
afterAll(async () => {
  await h?.db.session.deleteMany({ where: { personId: AUDITOR_ID } });
  await h?.db.accessLog.deleteMany({ where: { personId: AUDITOR_ID } });
  await h?.db.person.deleteMany({ where: { id: AUDITOR_ID } });
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

  it("a cookie session: refused cross-site without the session's CSRF token, decoded with it", async () => {
    const signin = await request(h.app).post('/auth/login').send({ login: AUDITOR_ID, password: PASSWORD });
    expect(signin.status).toBe(200);
    const setCookie = ([] as string[]).concat(signin.headers['set-cookie'] ?? []).find((c) => c.startsWith('coe_session='));
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie!.split(';')[0];
    const sealed = asJson(codec.encodeOne(plain));

    // What a page on another site can make the browser send: the cookie, its own Origin, no token.
    const forged = await request(h.app).post('/codec/decode').set('Cookie', cookie).set('Origin', 'https://evil.example').send({ payloads: [sealed] });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toContain('X-CSRF-Token');
    expect(forged.headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.stringify(forged.body)).not.toContain(Buffer.from(plain.data).toString('base64'));
    // A "simple" form post (no preflight) fares no better, nor does a guessed token.
    const form = await request(h.app).post('/codec/decode').set('Cookie', cookie).set('Origin', 'https://evil.example').set('Content-Type', 'text/plain').send(JSON.stringify({ payloads: [sealed] }));
    expect(form.status).toBe(403);
    const guessed = await request(h.app).post('/codec/decode').set('Cookie', cookie).set('X-CSRF-Token', 'coe_c_guess').send({ payloads: [sealed] });
    expect(guessed.status).toBe(403);

    // The session's own token (which only a page that signed in can read) decodes.
    const own = await request(h.app).post('/codec/decode').set('Cookie', cookie).set('X-CSRF-Token', signin.body.csrfToken).send({ payloads: [sealed] });
    expect(own.status).toBe(200);
    expect(own.body.payloads).toEqual([asJson(plain)]);
  });
});
