// The evidence storage contract, run against both adapters: the folder on disk and an
// S3-compatible object store (moto in server mode, a real HTTP S3 server started here). Then
// one photo uploaded through the API into S3 and read back under the case's rule.
import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import request from 'supertest';
import { freePort, portOpen, spawnManaged, waitUntil, type ManagedProcess } from '../../devstack/processes';
import { resolveMotoServer } from '../../devstack/tools';
import { createS3Storage, s3OptionsOf } from '../../features/evidence/s3Storage';
import { testConfig } from '../setup/env';
import { createDiskStorage, sha256Of, type EvidenceStorage } from '../../features/evidence/storage';
import { eventually, harnessConfig, startHarness, type ApiHarness } from './api.harness';

// The first run on a machine installs moto from PyPI (~45 s).
jest.setTimeout(240_000);

const BUCKET = 'city-evidence';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: ManagedProcess;
let endpoint: string;
let logDir: string;

/** The same settings an operator would give (EVIDENCE_S3_*), through the same function the API uses. */
const s3Env = (prefix: string) => ({
  EVIDENCE_STORAGE: 's3',
  EVIDENCE_S3_BUCKET: BUCKET,
  EVIDENCE_S3_PREFIX: prefix,
  EVIDENCE_S3_ENDPOINT: endpoint,
  EVIDENCE_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  EVIDENCE_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
});
const s3Client = (): S3Client => s3OptionsOf(testConfig(s3Env(''))).client;

beforeAll(async () => {
  const bin = await resolveMotoServer();
  const port = await freePort();
  logDir = mkdtempSync(join(tmpdir(), 'moto-'));
  moto = spawnManaged('moto_server', bin, ['-H', '127.0.0.1', '-p', String(port)], { logFile: join(logDir, 'moto.log') });
  endpoint = `http://127.0.0.1:${port}`;
  await waitUntil('moto_server', () => portOpen('127.0.0.1', port), { timeoutMs: 60_000, proc: moto });
  await s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await moto?.stop(5_000);
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const text = async (r: Readable | null) => (r ? (await Readable.from(r).toArray()).map((c: Buffer) => c.toString()).join('') : null);

/** Every key in the bucket under a prefix: what a failed upload must not leave behind. */
async function keysUnder(prefix: string): Promise<string[]> {
  const res = await s3Client().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!);
}

let diskDir: string;
const adapters: Array<[string, () => EvidenceStorage, () => Promise<string[]>]> = [
  ['disk', () => createDiskStorage(diskDir), async () => readdirSync(diskDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)],
  ['s3', () => createS3Storage(s3OptionsOf(testConfig(s3Env('contract')))), () => keysUnder('contract/')],
];

describe.each(adapters)('%s storage', (_name, make, stored) => {
  beforeAll(() => {
    diskDir = mkdtempSync(join(tmpdir(), 'evidence-contract-'));
  });
  afterAll(() => rmSync(diskDir, { recursive: true, force: true }));

  it('stores bytes under their hash, once; reads, stats and deletes them with their variants', async () => {
    const storage = make();
    const bytes = Buffer.from('a department report, as PDF bytes would be');
    const put = await storage.put(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]));
    expect(put).toEqual({ sha256: sha256(bytes), size: bytes.length, created: true });
    expect(await storage.put(Readable.from([bytes]))).toEqual({ sha256: sha256(bytes), size: bytes.length, created: false });
    expect(await storage.stat(put.sha256)).toEqual({ sha256: put.sha256, size: bytes.length });
    expect(await text(await storage.get(put.sha256))).toBe(bytes.toString());

    expect(await storage.getVariant(put.sha256, 'thumb320.jpg')).toBeNull();
    await storage.putVariant(put.sha256, 'thumb320.jpg', Buffer.from('small'));
    expect((await storage.getVariant(put.sha256, 'thumb320.jpg'))?.toString()).toBe('small');
    // Only the file and its variant: no temporary object or file is left.
    expect(await stored()).toHaveLength(2);

    await storage.delete(put.sha256);
    expect(await storage.get(put.sha256)).toBeNull();
    expect(await storage.stat(put.sha256)).toBeNull();
    expect(await storage.getVariant(put.sha256, 'thumb320.jpg')).toBeNull();
    expect(await stored()).toEqual([]);
  });

  it('a stream that fails midway leaves nothing behind', async () => {
    const storage = make();
    let sent = 0;
    const failing = new Readable({
      read() {
        // More than one multipart part's worth would take long on moto: a few chunks, then a reset.
        if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, sent));
        else this.destroy(new Error('connection reset'));
      },
    });
    await expect(storage.put(failing)).rejects.toThrow('connection reset');
    expect(await stored()).toEqual([]);
  });

  it('refuses a key that is not a SHA-256 (it could climb out of the folder or prefix)', async () => {
    const storage = make();
    await expect(storage.get('../../etc/passwd')).rejects.toThrow(/not a SHA-256/);
    await expect(storage.stat('ab'.repeat(31))).rejects.toThrow(/not a SHA-256/);
  });

  it('streams a 12 MB file in parts and hashes it right', async () => {
    const storage = make();
    const big = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const chunks = Array.from({ length: 12 }, (_, i) => big.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    const put = await storage.put(Readable.from(chunks));
    expect(put).toMatchObject({ sha256: sha256(big), size: big.length, created: true });
    expect(await sha256Of((await storage.get(put.sha256))!)).toBe(sha256(big));
    await storage.delete(put.sha256);
  });
});

describe('the API with EVIDENCE_STORAGE=s3', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startHarness({
      cfg: harnessConfig(s3Env('api')),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('stores an uploaded photo (stripped) in the bucket by its hash and serves it back', async () => {
    const grid = 'GL-S01-C01-G01';
    const gridWorker = await h.bearer('GRID_WORKER', grid);
    const created = await request(h.app)
      .post('/cases')
      .set('Authorization', await h.bearer('REPORTER'))
      .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: grid }, description: '垃圾堆积' });
    const code: string = created.body.code;
    expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', gridWorker)).status).toBe(200);
    expect((await request(h.app).post(`/cases/${code}/respond`).set('Authorization', gridWorker).send({ decision: 'SELF' })).status).toBe(200);

    const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#3366cc' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'PhoneMaker' } })
      .toBuffer();
    const res = await request(h.app).post(`/cases/${code}/evidence/files`).set('Authorization', gridWorker).field('kind', 'PHOTO').attach('file', photo, { filename: 'p.jpg', contentType: 'image/jpeg' });
    expect(res.status).toBe(201);
    const hash: string = res.body.sha256;
    expect(await keysUnder('api/')).toEqual([`api/${hash.slice(0, 2)}/${hash}`]);

    await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED' } })) === 1, 15_000, 'EVIDENCE_UPLOADED fact');
    const got = await request(h.app)
      .get(`/cases/${code}/evidence/files/${hash}`)
      .set('Authorization', gridWorker)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(got.status).toBe(200);
    expect(sha256(got.body as Buffer)).toBe(hash);
    expect((got.body as Buffer).toString('latin1')).not.toContain('PhoneMaker');
    const integrity = await request(h.app).get(`/cases/${code}/evidence/files/${hash}/integrity`).set('Authorization', gridWorker);
    expect(integrity.body).toMatchObject({ sha256: hash, ok: true });
  });
});
