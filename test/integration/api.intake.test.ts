// POST /cases end to end: real PostgreSQL, real Temporal dev server, real worker.
import request from 'supertest';
import { parseCaseCode, workflowIdForCase } from '../../domain/caseCode';
import { databaseUrl } from '../../config/env';
import { allocateCaseCode } from '../../features/intake/caseCodes';
import { createDb } from '../../platform/db';
import { scopedIdempotencyKey } from '../../features/intake/intake';
import { SEED_PEOPLE, SEED_UNITS } from '../../prisma/seedData';
import { maybeTestRunInfo } from '../setup/env';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

let h: ApiHarness;
let reporter: string;

beforeAll(async () => {
  h = await startHarness();
  reporter = await h.bearer('REPORTER');
});
afterAll(async () => {
  await h?.close();
});

const grid = (predicate: (g: (typeof SEED_UNITS)[number]) => boolean) => {
  const g = SEED_UNITS.find((u) => u.kind === 'GRID' && predicate(u));
  if (!g) throw new Error('no such seed grid');
  return g;
};
const gridWorkerOf = (gridId: string) => SEED_PEOPLE.find((p) => p.role === 'GRID_WORKER' && p.unitId === gridId)!;

const body = (over: Record<string, unknown> = {}) => ({
  channel: 'HOTLINE',
  categoryCode: 'CG-001',
  location: { gridId: 'GL-S01-C01-G01' },
  description: '小区门口有车辆长期违停，堵住消防通道',
  reporter: { name: '王先生', phone: '138-0000-1234' },
  photoUrls: ['https://img.example.cn/1.jpg'],
  ...over,
});

const post = (b: unknown, headers: Record<string, string> = {}) => {
  const r = request(h.app).post('/cases').set('Authorization', reporter);
  for (const [k, v] of Object.entries(headers)) r.set(k, v);
  return r.send(b as object);
};

describe('POST /cases', () => {
  it('creates a case: 201 with code, deadlines, and the grid worker as assignee (by gridId)', async () => {
    const before = Date.now();
    const res = await post(body());
    expect(res.status).toBe(201);
    const { code } = res.body;
    expect(code).toMatch(new RegExp(`^${h.cfg.CASE_CODE_PREFIX}-\\d{8}-\\d{6}$`));
    expect(parseCaseCode(code)).not.toBeNull();
    expect(res.headers.location).toBe(`/cases/${code}`);
    expect(res.body).toMatchObject({
      workflowId: workflowIdForCase(code),
      status: 'REPORTED',
      level: 'GRID',
      assignee: { level: 'GRID', unitId: 'GL-S01-C01-G01', personId: 'p-grid-GL-S01-C01-G01' },
      links: { self: `/cases/${code}`, events: `/cases/${code}/events` },
    });
    const accept = res.body.windows.find((w: { kind: string }) => w.kind === 'ACCEPT');
    expect(accept).toBeDefined();
    // Accept within 10 minutes (wall clock), reminded at 80%.
    const reportedAt = Date.parse(res.body.reportedAt);
    expect(reportedAt).toBeGreaterThanOrEqual(before);
    expect(Date.parse(accept.dueAt) - reportedAt).toBe(h.cfg.ACCEPT_MINUTES * 60_000);
    expect(Date.parse(accept.remindAt) - reportedAt).toBe(Math.round(h.cfg.ACCEPT_MINUTES * 60_000 * h.cfg.REMIND_AT_FRACTION));

    // The workflow runs and its first activity writes the projection.
    const desc = await h.client.workflow.getHandle(code).describe();
    expect(desc.status.name).toBe('RUNNING');
    const row = await eventually(() => h.db.case.findUnique({ where: { code } }), 15_000, 'the Case row');
    expect(row).toMatchObject({ status: 'REPORTED', gridId: 'GL-S01-C01-G01', channel: 'HOTLINE', reporterPhone: '138-0000-1234' });
  });

  it('a small matter (三事分流, 邻里纠纷 SQ-001) starts with the community of its grid: the community worker is the assignee, the accept window the community\'s', async () => {
    const res = await post(body({ categoryCode: 'SQ-001', channel: 'COMMUNITY', description: '楼上楼下因噪音发生纠纷' }));
    expect(res.status).toBe(201);
    const community = SEED_PEOPLE.find((p) => p.role === 'COMMUNITY_WORKER' && p.unitId === 'GL-S01-C01')!;
    expect(res.body).toMatchObject({ level: 'COMMUNITY', assignee: { level: 'COMMUNITY', unitId: 'GL-S01-C01', personId: community.id } });
    expect(res.body.windows.map((w: { kind: string; unitId: string }) => [w.kind, w.unitId])).toEqual([['ACCEPT', 'GL-S01-C01']]);
    const row = await eventually(() => h.db.case.findUnique({ where: { code: res.body.code } }), 15_000, 'the Case row');
    expect(row).toMatchObject({ level: 'COMMUNITY', triage: 'SMALL', assigneeId: community.id });
  });

  it('routes by address keyword', async () => {
    const g = grid((u) => u.addressKeywords.includes('鼓屏路'));
    const res = await post(body({ location: { address: '福州市鼓楼区鼓屏路88号门口' } }));
    expect(res.status).toBe(201);
    expect(res.body.assignee).toMatchObject({ unitId: g.id, personId: gridWorkerOf(g.id).id });
  });

  it('routes by position to the nearest grid', async () => {
    const g = grid((u) => u.id === 'GL-S02-C01-G02');
    const res = await post(body({ location: { lat: g.lat! + 0.0003, lng: g.lng! - 0.0002 } }));
    expect(res.status).toBe(201);
    expect(res.body.assignee).toMatchObject({ unitId: g.id, personId: gridWorkerOf(g.id).id });
  });

  it('Idempotency-Key: the same request twice makes one case and one workflow', async () => {
    const key = `idem-${Date.now()}`;
    const b = body({ description: `重复提交测试 ${key}` });
    const first = await post(b, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const second = await post(b, { 'Idempotency-Key': key });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);

    const code = first.body.code;
    const reporterId = SEED_PEOPLE.find((p) => p.role === 'REPORTER')!.id;
    expect(await h.db.idempotencyKey.count({ where: { key: scopedIdempotencyKey({ personId: reporterId, role: 'REPORTER', unitId: 'GL' }, key) } })).toBe(1);
    await eventually(() => h.db.case.findUnique({ where: { code } }), 15_000, 'the Case row');
    expect(await h.db.case.count({ where: { description: `重复提交测试 ${key}` } })).toBe(1);
    // One workflow execution with this id (visibility is eventually consistent: wait for it).
    const listed = async () => {
      const runs = [];
      for await (const w of h.client.workflow.list({ query: `WorkflowId = '${code}'` })) runs.push(w);
      return runs;
    };
    const runs = await eventually(async () => {
      const r = await listed();
      return r.length > 0 && r;
    }, 15_000, 'the workflow in visibility');
    expect(runs).toHaveLength(1);
  });

  it('Idempotency-Key: a retry after the first attempt died before starting the workflow starts it', async () => {
    const key = `resume-${Date.now()}`;
    const b = body({ description: `中断后重试 ${key}` });
    const reporterId = SEED_PEOPLE.find((p) => p.role === 'REPORTER')!.id;
    const actor = { personId: reporterId, role: 'REPORTER' as const, unitId: 'GL' };
    // Simulate: the key was stored with a code, then the process died before the start.
    const first = await post(b, { 'Idempotency-Key': `${key}-probe` });
    const { requestHash } = (await h.db.idempotencyKey.findUnique({ where: { key: scopedIdempotencyKey(actor, `${key}-probe`) } }))!;
    const orphan = `${h.cfg.CASE_CODE_PREFIX}-20990101-000001`;
    await h.db.idempotencyKey.create({ data: { key: scopedIdempotencyKey(actor, key), caseCode: orphan, requestHash } });

    const res = await post(b, { 'Idempotency-Key': key });
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(res.body.code).toBe(orphan);
    expect(res.body.assignee).toEqual(first.body.assignee);
    expect((await h.client.workflow.getHandle(orphan).describe()).status.name).toBe('RUNNING');
  });

  it('Idempotency-Key: the same key with another body is refused with 409', async () => {
    const key = `conflict-${Date.now()}`;
    expect((await post(body(), { 'Idempotency-Key': key })).status).toBe(201);
    const res = await post(body({ description: '另一件事' }), { 'Idempotency-Key': key });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(res.body.error.message).toMatch(/different request/);
  });

  it('lists every bad field at once', async () => {
    const res = await post(body({ channel: 'FAX', description: '', photoUrls: ['ftp://x.example/a.jpg'] }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.channel', 'body.description', 'body.photoUrls.0']);
  });

  it('rejects an invalid Idempotency-Key together with the body errors', async () => {
    const res = await post(body({ channel: 'FAX' }), { 'Idempotency-Key': 'x'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.channel', 'headers.idempotency-key']);
  });

  it('unknown category → 400 on categoryCode', async () => {
    const res = await post(body({ categoryCode: 'NOPE-999' }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ path: 'body.categoryCode', message: expect.stringMatching(/unknown category/) }]);
  });

  it('unroutable location → 400 on location (and both lookups are reported together)', async () => {
    const res = await post(body({ categoryCode: 'NOPE-999', location: { address: '火星基地一号' } }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.categoryCode', 'body.location']);
    const far = await post(body({ location: { lat: 39.9, lng: 116.4 } }));
    expect(far.status).toBe(400);
    expect(far.body.error.fields[0].path).toBe('body.location');
  });

  it('refuses a non-JSON body with 415 and malformed JSON with 400', async () => {
    const text = await request(h.app).post('/cases').set('Authorization', reporter).set('Content-Type', 'text/plain').send('hello');
    expect(text.status).toBe(415);
    const bad = await request(h.app).post('/cases').set('Authorization', reporter).set('Content-Type', 'application/json').send('{"channel":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('MALFORMED_JSON');
  });

  it('roles: a department officer may not report (403); a grid worker may', async () => {
    const officer = await h.bearer('DEPARTMENT_OFFICER');
    const res = await request(h.app).post('/cases').set('Authorization', officer).send(body());
    expect(res.status).toBe(403);
    const worker = await h.bearer('GRID_WORKER');
    const ok = await request(h.app).post('/cases').set('Authorization', worker).send({ ...body(), channel: 'GRID_PATROL' });
    expect(ok.status).toBe(201);
  });
});

describe('case codes', () => {
  it('concurrent allocations get distinct, consecutive codes for the day', async () => {
    const prefix = h.cfg.CASE_CODE_PREFIX;
    const at = Date.parse('2031-03-03T04:00:00Z');
    // Real concurrency needs several connections; PGlite only copes with one (see the harness).
    const pooled = maybeTestRunInfo()?.databaseKind === 'postgres' ? createDb(databaseUrl(h.cfg), 10) : null;
    const db = pooled ?? h.db;
    const codes = await Promise.all(Array.from({ length: 25 }, () => allocateCaseCode(db, prefix, at))).finally(() => pooled?.$disconnect());
    const seqs = codes.map((c) => parseCaseCode(c)!.seq).sort((a, b) => a - b);
    expect(new Set(codes).size).toBe(25);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => seqs[0] + i));
    expect(codes.every((c) => c.startsWith(`${prefix}-20310303-`))).toBe(true);
  });
});
