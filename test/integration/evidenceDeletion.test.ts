// Deleting a case's files against the real stack: only an administrator, with a reason, written
// to the change log auditors read; reads answer 410 naming who and when, the integrity check
// says the same, and bytes another case still holds are kept.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { eventually, harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';

let h: ApiHarness;
let dir: string;
let gridWorker: string;
let admin: string;
let auditor: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-deletion-'));
  h = await startHarness({ cfg: harnessConfig({ EVIDENCE_DIR: dir }) });
  gridWorker = await h.bearer('GRID_WORKER', GRID);
  admin = await h.bearer('ADMIN', 'GL');
  auditor = await h.bearer('AUDITOR', 'GL');
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const filesNamed = (sha256: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith(sha256)).map((e) => e.name) : []);

async function caseInProgress(): Promise<string> {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾桶满溢' });
  const code: string = res.body.code;
  expect((await request(h.app).post(`/cases/${code}/accept`).set('Authorization', gridWorker)).status).toBe(200);
  expect((await request(h.app).post(`/cases/${code}/respond`).set('Authorization', gridWorker).send({ decision: 'SELF' })).status).toBe(200);
  return code;
}
const upload = async (code: string, bytes: Buffer, kind: string, filename: string) => {
  const res = await request(h.app).post(`/cases/${code}/evidence/files`).set('Authorization', gridWorker).field('kind', kind).attach('file', bytes, filename);
  expect(res.status).toBe(201);
  await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code, type: 'EVIDENCE_UPLOADED', data: { path: ['sha256'], equals: res.body.sha256 } } })) > 0, 15_000, 'fact');
  return res.body.sha256 as string;
};
const del = (code: string, sha256: string, auth: string, body: unknown = { reason: '法院裁定删除（测试）' }) =>
  request(h.app).delete(`/cases/${code}/evidence/files/${sha256}`).set('Authorization', auth).send(body as object);

describe('deleting evidence files', () => {
  let a: string;
  let b: string;
  let shared: string;
  let photo: string;

  beforeAll(async () => {
    [a, b] = [await caseInProgress(), await caseInProgress()];
    // The same document on two cases: one stored file.
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1200, 0x52)]);
    shared = await upload(a, pdf, 'DOCUMENT', 'notice.pdf');
    expect(await upload(b, pdf, 'DOCUMENT', 'notice.pdf')).toBe(shared);
    photo = await upload(a, await sharp({ create: { width: 30, height: 20, channels: 3, background: '#336699' } }).jpeg().toBuffer(), 'PHOTO', 'p.jpg');
    expect((await request(h.app).get(`/cases/${a}/evidence/files/${photo}/thumbnail`).set('Authorization', gridWorker)).status).toBe(200);
  });

  it('only an administrator may, and only with a reason', async () => {
    expect((await del(a, shared, gridWorker)).status).toBe(403);
    expect((await del(a, shared, auditor)).status).toBe(403);
    const noReason = await del(a, shared, admin, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual([{ path: 'body.reason', message: expect.any(String) }]);
    expect((await del(a, 'ab'.repeat(32), admin)).status).toBe(404);
  });

  it('a file another case still holds: this case loses it (410), the bytes stay for the other', async () => {
    const res = await del(a, shared, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code: a, sha256: shared, deletedBy: 'p-admin-GL', reason: '法院裁定删除（测试）', bytesDeleted: false });
    const gone = await request(h.app).get(`/cases/${a}/evidence/files/${shared}`).set('Authorization', gridWorker);
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({ code: 'EVIDENCE_DELETED', message: expect.stringContaining(`deleted by p-admin-GL at ${res.body.deletedAt}`) });
    const integrity = await request(h.app).get(`/cases/${a}/evidence/files/${shared}/integrity`).set('Authorization', auditor);
    expect(integrity.status).toBe(200);
    expect(integrity.body.deleted).toMatchObject({ deletedBy: 'p-admin-GL', deletedAt: res.body.deletedAt, bytesDeleted: false });
    expect((await request(h.app).get(`/cases/${b}/evidence/files/${shared}`).set('Authorization', gridWorker)).status).toBe(200);
    expect(filesNamed(shared)).toHaveLength(1);
  });

  it('the last case holding it: the bytes are removed; the integrity check says by whom and when', async () => {
    const res = await del(b, shared, admin, { reason: '居民申请删除个人信息' });
    expect(res.status).toBe(200);
    expect(res.body.bytesDeleted).toBe(true);
    expect(filesNamed(shared)).toEqual([]);
    expect((await request(h.app).get(`/cases/${b}/evidence/files/${shared}`).set('Authorization', gridWorker)).status).toBe(410);
    const integrity = await request(h.app).get(`/cases/${b}/evidence/files/${shared}/integrity`).set('Authorization', auditor);
    expect(integrity.body).toMatchObject({ ok: false, actualSha256: null, deleted: { deletedBy: 'p-admin-GL', deletedAt: res.body.deletedAt, reason: '居民申请删除个人信息', bytesDeleted: true } });
    // Deleting again answers 410 with the first deletion.
    const again = await del(b, shared, admin);
    expect(again.status).toBe(410);
    expect(again.body.error.message).toContain(res.body.deletedAt);
  });

  it('an image goes with its thumbnail; the case keeps its fact', async () => {
    expect(filesNamed(photo).length).toBe(2);
    expect((await del(a, photo, admin)).status).toBe(200);
    expect(filesNamed(photo)).toEqual([]);
    expect((await request(h.app).get(`/cases/${a}/evidence/files/${photo}/thumbnail`).set('Authorization', gridWorker)).status).toBe(410);
    expect(await h.db.caseEvent.count({ where: { caseCode: a, type: 'EVIDENCE_UPLOADED' } })).toBe(2);
  });

  it('auditors read every deletion in the change log', async () => {
    const log = await request(h.app).get('/admin/changes?entityKind=EVIDENCE_FILE').set('Authorization', auditor);
    expect(log.status).toBe(200);
    const mine = log.body.items.filter((c: { entityId: string }) => [a, b].some((code) => c.entityId.startsWith(`${code}/`)));
    expect(mine).toHaveLength(3);
    expect(mine.find((c: { entityId: string }) => c.entityId === `${b}/${shared}`)).toMatchObject({
      action: 'DELETE',
      actorId: 'p-admin-GL',
      districtId: 'GL',
      before: { caseCode: b, sha256: shared, kind: 'DOCUMENT', size: 1209 },
      after: { reason: '居民申请删除个人信息', bytesDeleted: true, otherCasesHolding: 0 },
    });
  });
});
