// Photos sent with a report (POST /cases as multipart/form-data) against the real stack:
// stored through the evidence pipeline, recorded in the case's first facts, readable under
// the case's read rule, and a refused or cut-off report leaves no file behind.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { eventually, harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const MAX_FILE_MB = '0.05';

let h: ApiHarness;
let dir: string;
let reporter: string;
let gridWorker: string;
let otherGridWorker: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'intake-files-'));
  h = await startHarness({ cfg: harnessConfig({ EVIDENCE_DIR: dir, EVIDENCE_MAX_FILE_MB: MAX_FILE_MB, EVIDENCE_MAX_FILES_PER_CASE: '3' }) });
  reporter = await h.bearer('REPORTER');
  gridWorker = await h.bearer('GRID_WORKER', GRID);
  otherGridWorker = await h.bearer('GRID_WORKER', 'GL-S02-C01-G02');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const filesOnDisk = () => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : []);

async function phonePhoto(color: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 48, height: 24, channels: 3, background: color } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Model-X', Artist: 'Li Si' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 3/1 15/1', GPSLongitudeRef: 'E', GPSLongitude: '118/1 47/1 30/1' },
    })
    .toBuffer();
}

/** A report form as a phone sends it: the fields, then the photos. */
function report(fields: Record<string, string | string[]>, photos: Array<{ bytes: Buffer; filename?: string; contentType?: string }>, auth = reporter) {
  let r = request(h.app).post('/cases').set('Authorization', auth);
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) r = r.field(name, v);
  for (const p of photos) r = r.attach('photo', p.bytes, { filename: p.filename ?? '李四-13900002222.jpg', contentType: p.contentType ?? 'image/jpeg' });
  return r;
}
const FIELDS = {
  channel: 'RESIDENT_APP',
  categoryCode: 'CG-002',
  'location.gridId': GRID,
  description: '楼道里堆满了垃圾',
  'reporter.name': '李四',
  'reporter.phone': '13900002222',
};

describe('photos sent with a report', () => {
  let code: string;
  let stored: string[];
  let originals: Buffer[];

  it('stores each photo stripped of its metadata and records the hashes in the first facts, by the reporter', async () => {
    originals = [await phonePhoto({ r: 10, g: 120, b: 200 }), await phonePhoto({ r: 220, g: 200, b: 20 })];
    const res = await report(FIELDS, originals.map((bytes) => ({ bytes })));
    expect(res.status).toBe(201);
    code = res.body.code;
    expect(res.body.files).toHaveLength(2);
    stored = res.body.files.map((f: { sha256: string }) => f.sha256);
    res.body.files.forEach((f: Record<string, string>, i: number) => {
      expect(f).toEqual({ kind: 'PHOTO', url: `/cases/${code}/evidence/files/${stored[i]}`, sha256: stored[i], receivedSha256: sha256(originals[i]!) });
    });
    for (const s of stored) {
      const file = readFileSync(join(dir, s.slice(0, 2), s));
      expect(sha256(file)).toBe(s);
      expect((await sharp(file).metadata()).exif).toBeUndefined();
      expect(file.toString('latin1')).not.toMatch(/PhoneMaker|Model-X|Li Si/);
    }
    // Neither the upload's file name nor the reporter's name or phone reaches a path.
    expect(filesOnDisk().join('\n')).not.toMatch(/李四|13900002222|\.jpg/);

    const facts = await eventually(
      async () => {
        const rows = await h.db.caseEvent.findMany({ where: { caseCode: code }, orderBy: { seq: 'asc' } });
        return rows.length >= 3 ? rows : null;
      },
      15_000,
      'intake facts',
    );
    expect(facts.slice(0, 3).map((f) => f.type)).toEqual(['REPORTED', 'EVIDENCE_UPLOADED', 'EVIDENCE_UPLOADED']);
    expect(facts[1]!.actorId).toBe(facts[0]!.actorId);
    expect(facts[1]!.actorRole).toBe('REPORTER');
    expect(facts[1]!.data).toEqual({ callId: null, kind: 'PHOTO', url: `/cases/${code}/evidence/files/${stored[0]}`, sha256: stored[0], receivedSha256: sha256(originals[0]!) });
    expect((facts[2]!.data as { sha256: string }).sha256).toBe(stored[1]);
  });

  it('the photos are read like the case: the reporter and the grid see them, another grid gets 404', async () => {
    const own = await request(h.app).get(`/cases/${code}/evidence/files/${stored[0]}`).set('Authorization', reporter);
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toBe('image/jpeg');
    const thumb = await request(h.app).get(`/cases/${code}/evidence/files/${stored[1]}/thumbnail`).set('Authorization', gridWorker);
    expect(thumb.status).toBe(200);
    expect((await request(h.app).get(`/cases/${code}/evidence/files/${stored[0]}`).set('Authorization', otherGridWorker)).status).toBe(404);
    const integrity = await request(h.app).get(`/cases/${code}/evidence/files/${stored[0]}/integrity`).set('Authorization', gridWorker);
    expect(integrity.body).toMatchObject({ ok: true, actualSha256: stored[0] });
  });

  it('the same Idempotency-Key with the same photo replays the case; nothing is stored twice', async () => {
    const photo = await phonePhoto({ r: 1, g: 2, b: 3 });
    const first = await report(FIELDS, [{ bytes: photo }]).set('Idempotency-Key', 'intake-photo-1');
    expect(first.status).toBe(201);
    const n = filesOnDisk().length;
    const again = await report(FIELDS, [{ bytes: photo }]).set('Idempotency-Key', 'intake-photo-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.code).toBe(first.body.code);
    expect(again.body.files).toEqual(first.body.files);
    expect(filesOnDisk().length).toBe(n);
    // Another photo under the same key is another request.
    const other = await report(FIELDS, [{ bytes: await phonePhoto({ r: 3, g: 2, b: 1 }) }]).set('Idempotency-Key', 'intake-photo-1');
    expect(other.status).toBe(409);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a form the case would refuse is refused before any file is stored (400 with the field)', async () => {
    const n = filesOnDisk().length;
    const { description: _omitted, ...withoutDescription } = FIELDS;
    const res = await report({ ...withoutDescription, 'location.lat': 'north' }, [{ bytes: await phonePhoto({ r: 9, g: 9, b: 9 }) }]);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.description', 'body.location.lat']);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a report refused after its photos were stored (unknown category) removes them', async () => {
    const n = filesOnDisk().length;
    const res = await report({ ...FIELDS, categoryCode: 'NO-SUCH' }, [{ bytes: await phonePhoto({ r: 7, g: 7, b: 7 }) }]);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: 'body.categoryCode', message: expect.stringContaining('unknown category') }]);
    expect(filesOnDisk().length).toBe(n);
  });

  it('a wrong type, a too-big file or one file too many refuses the report and keeps none of its files', async () => {
    const n = filesOnDisk().length;
    const good = { bytes: await phonePhoto({ r: 5, g: 50, b: 5 }) };
    const text = await report(FIELDS, [good, { bytes: Buffer.from('not a photo at all, only text '.repeat(8)) }]);
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('UNSUPPORTED_FILE');
    expect(filesOnDisk().length).toBe(n);

    const big = await report(FIELDS, [good, { bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(80 * 1024, 0x41)]), contentType: 'application/pdf' }]);
    expect(big.status).toBe(413);
    expect(filesOnDisk().length).toBe(n);

    const many = await report(FIELDS, [good, { bytes: await phonePhoto({ r: 6, g: 60, b: 6 }) }, { bytes: await phonePhoto({ r: 7, g: 70, b: 7 }) }, { bytes: await phonePhoto({ r: 8, g: 80, b: 8 }) }]);
    expect(many.status).toBe(400);
    expect(many.body.error.fields).toEqual([{ path: 'body.photo', message: 'at most 3 files per case' }]);
    expect(filesOnDisk().length).toBe(n);

    const misnamed = await request(h.app).post('/cases').set('Authorization', reporter).field('channel', 'RESIDENT_APP').attach('file', good.bytes, 'a.jpg');
    expect(misnamed.status).toBe(400);
    expect(misnamed.body.error.fields[0].path).toBe('body.file');
    expect(filesOnDisk().length).toBe(n);
  });

  it('an upload cut off mid-file leaves nothing behind, not even the partial file', async () => {
    const n = filesOnDisk().length;
    const server: Server = await new Promise((resolve) => {
      const s = createServer(h.app).listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const boundary = 'cutoffboundary';
      const head = [
        ...Object.entries(FIELDS).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ].join('');
      const req = httpRequest({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        method: 'POST',
        path: '/cases',
        headers: { Authorization: reporter, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(Buffer.byteLength(head) + 40_000) },
      });
      req.on('error', () => undefined);
      req.write(head);
      req.write(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 0x41)]));
      // The partial file is being written…
      await eventually(async () => filesOnDisk().some((f) => f.includes('.upload-')), 10_000, 'a partial upload on disk');
      // …when the phone loses its connection.
      req.destroy();
      await eventually(async () => filesOnDisk().length === n, 10_000, 'the partial upload removed');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('JSON reports are unchanged: no files, no files field', async () => {
    const res = await request(h.app).post('/cases').set('Authorization', reporter).send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '路灯坏了' });
    expect(res.status).toBe(201);
    expect(res.body.files).toBeUndefined();
  });
});
