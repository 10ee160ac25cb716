// Evidence files against the real stack (Temporal dev server, worker, database, disk): upload
// from a "phone", metadata stripped, recorded on the case, read back under the case's read
// rule, thumbnails, integrity, and the limits that leave nothing on disk.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import sharp from 'sharp';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createDirectoryCache } from '../../features/directory/directory';
import { createDiskStorage } from '../../features/evidence/storage';
import { eventually, harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
/** Low, so a "too big" file is cheap to make; the photos below are a few KB. */
const MAX_FILE_MB = '0.05';

let h: ApiHarness;
let dir: string;
let gridWorker: string;
let otherGridWorker: string;
let street: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-'));
  h = await startHarness({ cfg: harnessConfig({ EVIDENCE_DIR: dir, EVIDENCE_MAX_FILE_MB: MAX_FILE_MB, EVIDENCE_MAX_FILES_PER_CASE: '3' }) });
  gridWorker = await h.bearer('GRID_WORKER', GRID);
  otherGridWorker = await h.bearer('GRID_WORKER', 'GL-S02-C01-G02');
  street = await h.bearer('STREET_DISPATCHER', 'GL-S01');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Every stored file (temporary ones included): what a failed upload must not leave behind. */
const filesOnDisk = () => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : []);

/** A case in progress, held by the grid worker (who may then add evidence). */
async function caseInProgress(): Promise<string> {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾堆积多日无人清运' });
  expect(res.status).toBe(201);
  const code: string = res.body.code;
  expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', gridWorker)).status).toBe(200);
  const responded = await request(h.app).post(`/cases/${code}/respond`).set('Authorization', gridWorker).send({ decision: 'SELF' });
  expect(responded.body.status).toBe('IN_PROGRESS');
  return code;
}

/** A photo as a phone takes it: camera make and model, a GPS position, and turned by EXIF orientation. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Model-X', Artist: 'Zhang San' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 15/1', GPSLongitudeRef: 'E', GPSLongitude: '118/1 47/1 30/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

const upload = (code: string, auth: string, file: Buffer, opts: { kind?: string; filename?: string; contentType?: string; sha256?: string } = {}) => {
  let r = request(h.app).post(`/cases/${code}/evidence/files`).set('Authorization', auth).field('kind', opts.kind ?? 'PHOTO');
  if (opts.sha256) r = r.field('sha256', opts.sha256);
  return r.attach('file', file, { filename: opts.filename ?? '张三-13800001111.jpg', contentType: opts.contentType ?? 'image/jpeg' });
};

describe('evidence files', () => {
  let code: string;
  let photo: Buffer;
  let stored: string;

  it('a phone photo is stored without its GPS position and camera, and the case records the stored hash', async () => {
    code = await caseInProgress();
    photo = await phonePhoto();
    const before = await sharp(photo).metadata();
    expect(before.exif?.toString('latin1')).toContain('PhoneMaker');
    expect(before.orientation).toBe(6);

    const res = await upload(code, gridWorker, photo, { sha256: sha256(photo) });
    expect(res.status).toBe(201);
    stored = res.body.sha256;
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', url: `/cases/${code}/evidence/files/${stored}`, receivedSha256: sha256(photo), deviceSha256: sha256(photo) });
    // The stored bytes are not the uploaded ones: the hash is of the stripped image.
    expect(stored).not.toBe(sha256(photo));

    const file = readFileSync(join(dir, stored.slice(0, 2), stored));
    expect(sha256(file)).toBe(stored);
    const after = await sharp(file).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(file.toString('latin1')).not.toMatch(/PhoneMaker|Model-X|Zhang San|GPS/);
    // Turned upright by the orientation before that tag was dropped.
    expect([after.width, after.height]).toEqual([32, 64]);
    // No name or phone number of the upload reaches the disk.
    expect(filesOnDisk().join('\n')).not.toMatch(/张三|13800001111|\.jpg/);

    const fact = await eventually(
      async () => (await h.db.caseEvent.findMany({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } }))[0],
      15_000,
      'EVIDENCE_UPLOADED fact',
    );
    expect(fact.data).toMatchObject({ kind: 'PHOTO', sha256: stored, url: `/cases/${code}/evidence/files/${stored}`, callId: null, receivedSha256: sha256(photo) });
  });

  it('reads it back with its type and a safe name; a thumbnail 320 px wide at most', async () => {
    const res = await request(h.app).get(`/cases/${code}/evidence/files/${stored}`).set('Authorization', street).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${code}-photo-${stored.slice(0, 8)}.jpg"`);
    expect(sha256(res.body as Buffer)).toBe(stored);

    const thumb = await request(h.app).get(`/cases/${code}/evidence/files/${stored}/thumbnail`).set('Authorization', gridWorker).buffer(true).parse(binary);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(thumb.body as Buffer).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeLessThanOrEqual(320);
    // Made once, kept beside the file.
    expect(filesOnDisk().some((f) => f.endsWith(`${stored}.thumb320.jpg`))).toBe(true);
  });

  it('answers 404 outside the read scope, and for a hash the case does not record', async () => {
    expect((await request(h.app).get(`/cases/${code}/evidence/files/${stored}`).set('Authorization', otherGridWorker)).status).toBe(404);
    expect((await request(h.app).get(`/cases/${code}/evidence/files/${stored}/integrity`).set('Authorization', otherGridWorker)).status).toBe(404);
    const other = await caseInProgress();
    expect((await request(h.app).get(`/cases/${other}/evidence/files/${stored}`).set('Authorization', gridWorker)).status).toBe(404);
  });

  it('a caller who may not add evidence leaves no file', async () => {
    const n = filesOnDisk().length;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20)]);
    const res = await upload(code, otherGridWorker, pdf, { kind: 'DOCUMENT', filename: 'a.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(403);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a file the case then refuses (not in progress yet: 409) is removed again', async () => {
    const res = await request(h.app)
      .post('/cases')
      .set('Authorization', await h.bearer('REPORTER'))
      .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '路灯不亮' });
    const accepted = res.body.code as string;
    expect((await request(h.app).post(`/cases/${accepted}/accept`).set('Authorization', gridWorker)).status).toBe(200);
    const n = filesOnDisk().length;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1500, 0x44)]);
    const refused = await upload(accepted, gridWorker, pdf, { kind: 'DOCUMENT', contentType: 'application/pdf' });
    expect(refused.status).toBe(409);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a text file named .jpg is refused for its content (400), a too-big file with 413; neither leaves anything', async () => {
    const n = filesOnDisk().length;
    const text = await upload(code, gridWorker, Buffer.from('just some text, not a photo at all '.repeat(10)));
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('UNSUPPORTED_FILE');
    expect(text.body.error.message).toMatch(/not an accepted type/);

    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(80 * 1024, 0x41)]);
    const tooBig = await upload(code, gridWorker, big, { kind: 'DOCUMENT', filename: 'big.pdf', contentType: 'application/pdf' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('FILE_TOO_LARGE');

    // An image too big is stopped while it is being re-encoded, too.
    const noisy = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    expect(noisy.length).toBeGreaterThan(80 * 1024);
    const bigImage = await upload(code, gridWorker, noisy, { filename: 'x.png', contentType: 'image/png' });
    expect(bigImage.status).toBe(413);

    // JPEG's magic number with nothing of a picture after it.
    const fake = await upload(code, gridWorker, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 0x20)]));
    expect(fake.status).toBe(400);
    expect(fake.body.error.message).toMatch(/cannot be decoded/);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a file many times the limit, arriving in many pieces, is refused without stalling the request', async () => {
    // Regression: the parser used to stall when the file stream it feeds had been destroyed by
    // an early refusal while more of the body was still arriving, and the request never ended.
    const n = filesOnDisk().length;
    const huge = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4 * 1024 * 1024, 0x41)]);
    const tooBig = await upload(code, gridWorker, huge, { kind: 'DOCUMENT', filename: 'huge.pdf', contentType: 'application/pdf' });
    expect(tooBig.status).toBe(413);
    const text = await upload(code, gridWorker, Buffer.alloc(4 * 1024 * 1024, 0x61));
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('UNSUPPORTED_FILE');
    const noisy = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    expect((await upload(code, gridWorker, noisy, { filename: 'y.png', contentType: 'image/png' })).status).toBe(413);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a damaged transfer (the device hash does not match) is refused and removed', async () => {
    const n = filesOnDisk().length;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 0x42)]);
    const res = await upload(code, gridWorker, pdf, { kind: 'DOCUMENT', contentType: 'application/pdf', sha256: 'ab'.repeat(32) });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: 'body.sha256', message: expect.any(String) }]);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a PDF is served as an attachment', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 0x43)]);
    const res = await upload(code, gridWorker, pdf, { kind: 'DOCUMENT', filename: '13800001111.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(201);
    // Not an image: stored as sent.
    expect(res.body.sha256).toBe(sha256(pdf));
    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } })) === 2, 15_000, 'second fact');
    const got = await request(h.app).get(`/cases/${code}/evidence/files/${res.body.sha256}`).set('Authorization', gridWorker).buffer(true).parse(binary);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="${code}-document-${res.body.sha256.slice(0, 8)}.pdf"`);
    expect((await request(h.app).get(`/cases/${code}/evidence/files/${res.body.sha256}/thumbnail`).set('Authorization', gridWorker)).status).toBe(404);
  });

  it('a case holds at most EVIDENCE_MAX_FILES_PER_CASE files (409 beyond, nothing stored)', async () => {
    const pdf = (fill: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, fill)]);
    expect((await upload(code, gridWorker, pdf(0x45), { kind: 'DOCUMENT', contentType: 'application/pdf' })).status).toBe(201);
    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } })) === 3, 15_000, 'third fact');
    const n = filesOnDisk().length;
    const fourth = await upload(code, gridWorker, pdf(0x46), { kind: 'DOCUMENT', contentType: 'application/pdf' });
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.code).toBe('TOO_MANY_FILES');
    expect(filesOnDisk().length).toBe(n);
  });

  it('a file an administrator deleted no longer counts toward the limit: the case takes another', async () => {
    const pdf = (fill: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, fill)]);
    const facts = await h.db.caseEvent.findMany({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' }, orderBy: { seq: 'asc' } });
    expect(facts).toHaveLength(3);
    const victim = (facts[facts.length - 1].data as { sha256: string }).sha256;
    const del = await request(h.app)
      .delete(`/cases/${code}/evidence/files/${victim}`)
      .set('Authorization', await h.bearer('ADMIN', 'GL'))
      .send({ reason: '居民申请删除（测试）' });
    expect(del.status).toBe(200);
    expect((await request(h.app).get(`/cases/${code}/evidence/files/${victim}/thumbnail`).set('Authorization', gridWorker)).status).toBe(410);
    const again = await upload(code, gridWorker, pdf(0x47), { kind: 'DOCUMENT', contentType: 'application/pdf' });
    expect(again.status).toBe(201);
    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } })) === 4, 15_000, 'fourth fact');
    // Three live files again: the next one is refused.
    const fifth = await upload(code, gridWorker, pdf(0x48), { kind: 'DOCUMENT', contentType: 'application/pdf' });
    expect(fifth.status).toBe(409);
    expect(fifth.body.error.code).toBe('TOO_MANY_FILES');
  });

  it('is served after a restart: a new storage on the same folder', async () => {
    const again = createDiskStorage(dir);
    expect(await again.stat(stored)).toMatchObject({ sha256: stored });
    const app = createApp({ db: h.db, temporal: h.client, cfg: h.cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000), evidenceStorage: again });
    const res = await request(app).get(`/cases/${code}/evidence/files/${stored}`).set('Authorization', gridWorker).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(sha256(res.body as Buffer)).toBe(stored);
  });

  it('integrity: OK, then a tampered file is reported as a mismatch', async () => {
    const ok = await request(h.app).get(`/cases/${code}/evidence/files/${stored}/integrity`).set('Authorization', gridWorker);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ sha256: stored, ok: true, actualSha256: stored });

    writeFileSync(join(dir, stored.slice(0, 2), stored), Buffer.from('tampered'));
    const bad = await request(h.app).get(`/cases/${code}/evidence/files/${stored}/integrity`).set('Authorization', gridWorker);
    expect(bad.body).toMatchObject({ sha256: stored, ok: false, actualSha256: sha256(Buffer.from('tampered')) });
  });
});

describe('disk storage', () => {
  it("an iPhone's HEIC photo is stored as a JPEG without its GPS position and camera, served as a JPEG", async () => {
    // 96×64, red left half and blue right half, with Make "Apple", Model "iPhone 15" and a GPS
    // position in its EXIF (made with pillow-heif's x265 encoder; the image library here decodes no HEVC).
    const heic = readFileSync(join(__dirname, '../fixtures/evidence/gps.heic'));
    expect(heic.toString('latin1')).toMatch(/iPhone 15/);
    const heicCase = await caseInProgress();
    const res = await upload(heicCase, gridWorker, heic, { filename: 'IMG_0001.HEIC', contentType: 'image/heic', sha256: sha256(heic) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', receivedSha256: sha256(heic), deviceSha256: sha256(heic) });
    const storedHeic: string = res.body.sha256;
    const file = readFileSync(join(dir, storedHeic.slice(0, 2), storedHeic));
    expect(sha256(file)).toBe(storedHeic);
    const meta = await sharp(file).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 96, height: 64 });
    expect(meta.exif).toBeUndefined();
    expect(file.toString('latin1')).not.toMatch(/Apple|iPhone|GPS/);
    // The pixels survived the trip: red on the left, blue on the right.
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    expect(px(10, 30)[0]).toBeGreaterThan(180);
    expect(px(10, 30)[2]).toBeLessThan(80);
    expect(px(85, 30)[2]).toBeGreaterThan(180);
    expect(px(85, 30)[0]).toBeLessThan(80);

    const read = await request(h.app).get(`/cases/${heicCase}/evidence/files/${storedHeic}`).set('Authorization', street).buffer(true).parse(binary);
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('image/jpeg');
    expect(read.headers['content-disposition']).toBe(`inline; filename="${heicCase}-photo-${storedHeic.slice(0, 8)}.jpg"`);
    const fact = await eventually(
      async () => (await h.db.caseEvent.findMany({ where: { caseCode: heicCase, type: 'EVIDENCE_UPLOADED' } }))[0],
      15_000,
      'EVIDENCE_UPLOADED fact of the HEIC photo',
    );
    expect(fact.data).toMatchObject({ kind: 'PHOTO', sha256: storedHeic, receivedSha256: sha256(heic) });
  });

  it('a file that says it is HEIC but cannot be decoded is refused (400) and leaves nothing', async () => {
    const heicCase = await caseInProgress();
    const before = filesOnDisk().length;
    const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(200, 7)]);
    const res = await upload(heicCase, gridWorker, fake, { filename: 'IMG_0002.HEIC', contentType: 'image/heic' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_FILE', message: 'the image cannot be decoded' });
    expect(filesOnDisk().length).toBe(before);
  });

  it('a stream that fails midway leaves nothing behind', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'evidence-abort-'));
    const storage = createDiskStorage(folder);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 1));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.put(failing)).rejects.toThrow('connection reset');
    expect(readdirSync(folder, { recursive: true })).toEqual([]);
    const put = await storage.put(Readable.from([Buffer.from('same bytes')]));
    expect(put).toMatchObject({ sha256: sha256(Buffer.from('same bytes')), size: 10, created: true });
    expect(await storage.put(Readable.from([Buffer.from('same bytes')]))).toMatchObject({ created: false });
    await storage.delete(put.sha256);
    expect(await storage.get(put.sha256)).toBeNull();
    rmSync(folder, { recursive: true, force: true });
  });
});

/** supertest's parser for a binary body. */
function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
