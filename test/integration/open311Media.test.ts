// Open311 `media` uploads against the real stack: a GeoReport v2 client sends its photo as a
// multipart file, the case records it at intake, GET /requests/{id} shows the filing client a
// media_url it can read with its api_key, and nobody else sees it or any other evidence.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { issueClient, type IssuedClient } from '../../api/open311/clients';
import { eventually, harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const BASE = '/open311/v2';

let h: ApiHarness;
let dir: string;
let clientA: IssuedClient;
let clientB: IssuedClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'open311-media-'));
  h = await startHarness({ cfg: harnessConfig({ EVIDENCE_DIR: dir, EVIDENCE_MAX_FILE_MB: '0.05' }) });
  const suffix = randomBytes(3).toString('hex');
  clientA = await issueClient(h.db, { id: `media-a-${suffix}`, name: '随手拍 A', unitId: 'GL' });
  clientB = await issueClient(h.db, { id: `media-b-${suffix}`, name: '随手拍 B', unitId: 'GL' });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const filesOnDisk = () => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0);
const key = (c: IssuedClient) => encodeURIComponent(c.apiKey);

const photo = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 30, g: 160, b: 60 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Model-Y' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '26/1 4/1 27/1' } })
    .toBuffer();

/** A service request as a GeoReport v2 client posts it with a photo: form fields, then `media`. */
const postWithMedia = (fields: Record<string, string>, media: Buffer, name = 'media') => {
  let r = request(h.app).post(`${BASE}/requests.json`);
  for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
  return r.attach(name, media, { filename: '王小明-13800001234.jpg', contentType: 'image/jpeg' });
};
const fieldsFor = (c: IssuedClient) => ({ api_key: c.apiKey, service_code: 'CG-002', address_id: GRID, description: '小区门口垃圾满了', phone: '13800001234' });

describe('Open311 media upload', () => {
  let code: string;
  let mediaPath: string;
  let original: Buffer;

  it('POST /requests takes the photo as `media`; the filing client reads it back through media_url, stripped', async () => {
    original = await photo();
    const res = await postWithMedia(fieldsFor(clientA), original);
    expect(res.status).toBe(200);
    code = res.body[0].service_request_id;

    const view = await eventually(
      async () => {
        const r = await request(h.app).get(`${BASE}/requests/${code}.json?api_key=${key(clientA)}`);
        return r.body[0]?.media_url ? r.body[0] : null;
      },
      15_000,
      'media_url',
    );
    const url = new URL(view.media_url as string);
    mediaPath = url.pathname;
    expect(mediaPath).toMatch(new RegExp(`^${BASE}/media/${code}/[0-9a-f]{64}$`));
    const stored = mediaPath.split('/').pop()!;
    const fact = await h.db.caseEvent.findFirst({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } });
    expect(fact?.data).toMatchObject({ kind: 'PHOTO', sha256: stored, receivedSha256: sha256(original) });

    const got = await request(h.app).get(`${mediaPath}?api_key=${key(clientA)}`).buffer(true).parse(binary);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['content-disposition']).toBe(`inline; filename="${code}-media-${stored.slice(0, 8)}.jpg"`);
    expect(sha256(got.body as Buffer)).toBe(stored);
    expect((await sharp(got.body as Buffer).metadata()).exif).toBeUndefined();
  });

  it('nobody else sees it: another client gets no media_url and 404, no key 403', async () => {
    const other = await request(h.app).get(`${BASE}/requests/${code}.json?api_key=${key(clientB)}`);
    expect(other.status).toBe(200);
    expect(other.body[0].media_url).toBeNull();
    const anonymous = await request(h.app).get(`${BASE}/requests/${code}.json`);
    expect(anonymous.body[0].media_url).toBeNull();
    expect((await request(h.app).get(`${mediaPath}?api_key=${key(clientB)}`)).status).toBe(404);
    expect((await request(h.app).get(mediaPath)).status).toBe(403);
  });

  it('evidence the handlers add later is never served as media, even to the filing client', async () => {
    const grid = await h.bearer('GRID_WORKER', GRID);
    expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', grid)).status).toBe(200);
    expect((await request(h.app).post(`/cases/${code}/respond`).set('Authorization', grid).send({ decision: 'SELF' })).status).toBe(200);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(800, 0x51)]);
    const up = await request(h.app).post(`/cases/${code}/evidence/files`).set('Authorization', grid).field('kind', 'DOCUMENT').attach('file', pdf, 'doc.pdf');
    expect(up.status).toBe(201);
    expect((await request(h.app).get(`${BASE}/media/${code}/${up.body.sha256}?api_key=${key(clientA)}`)).status).toBe(404);
    // media_url still names the reporter's photo.
    const view = await request(h.app).get(`${BASE}/requests/${code}.json?api_key=${key(clientA)}`);
    expect(new URL(view.body[0].media_url as string).pathname).toBe(mediaPath);
  });

  it('a refused request keeps no file: a text file as media, an unknown service, two media files', async () => {
    const n = filesOnDisk();
    const text = await postWithMedia(fieldsFor(clientA), Buffer.from('this is not a picture, only text '.repeat(6)));
    expect(text.status).toBe(400);
    expect(text.body[0].description).toMatch(/not an accepted type/);
    const unknown = await postWithMedia({ ...fieldsFor(clientA), service_code: 'NO-SUCH' }, await photo());
    expect(unknown.status).toBe(404);
    const two = await postWithMedia(fieldsFor(clientA), await photo()).attach('media', await photo(), 'second.jpg');
    expect(two.status).toBe(400);
    expect(two.body[0].description).toMatch(/media: send one file/);
    const noKey = await postWithMedia({ service_code: 'CG-002', address_id: GRID }, await photo());
    expect(noKey.status).toBe(403);
    expect(filesOnDisk()).toBe(n);
  });

  it('media_url as a URL still works as before', async () => {
    const res = await request(h.app)
      .post(`${BASE}/requests.json`)
      .type('form')
      .send({ ...fieldsFor(clientA), media_url: 'https://example.org/p.jpg' });
    expect(res.status).toBe(200);
    const view = await eventually(
      async () => (await request(h.app).get(`${BASE}/requests/${res.body[0].service_request_id}.json?api_key=${key(clientA)}`)).body[0] ?? null,
      15_000,
      'the request',
    );
    expect(view.media_url).toBe('https://example.org/p.jpg');
  });
});

function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
