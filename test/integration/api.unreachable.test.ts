// Dependencies down: the API answers 503 saying which one, and a case that could not
// start leaves nothing half-written (no Idempotency-Key row, no Case row).
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../platform/db';
import { createDirectoryCache } from '../../features/directory/directory';
import { signAccessToken } from '../../features/auth/auth';
import { scopedIdempotencyKey } from '../../features/intake/intake';
import { seed } from '../../prisma/seed';
import { harnessConfig } from './api.harness';

jest.setTimeout(60_000);

/** A port nothing listens on. */
const DEAD = '127.0.0.1:1';

const cfg = harnessConfig({ TEMPORAL_ADDRESS: DEAD });
let db: Db;
let deadConnection: Connection;
let app: Express;
let reporter: string;

/** A client on a dead address that gives up after two attempts (the default retries for ~20 s). */
function deadTemporal(): { connection: Connection; client: Client } {
  const connection = Connection.lazy({ address: DEAD, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))] });
  return { connection, client: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }) };
}

beforeAll(async () => {
  db = createDb(cfg.DATABASE_URL!, 1);
  await seed(db);
  const t = deadTemporal();
  deadConnection = t.connection;
  app = createApp({ db, temporal: t.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(db, 30_000) });
  reporter = `Bearer ${await signAccessToken(cfg, { id: 'p-reporter-hotline', role: 'REPORTER', unitId: 'GL', name: '12345热线话务员' })}`;
});
afterAll(async () => {
  await deadConnection?.close();
  await db?.$disconnect();
});

const body = { channel: 'HOTLINE', categoryCode: 'CG-001', location: { gridId: 'GL-S01-C01-G01' }, description: 'Temporal 不可达时的报案' };

describe('Temporal unreachable', () => {
  it('POST /cases → 503 and nothing written (Idempotency-Key removed, no Case row)', async () => {
    const key = `dead-${Date.now()}`;
    const description = `Temporal 不可达时的报案 ${key}`;
    const stored = scopedIdempotencyKey({ personId: 'p-reporter-hotline', role: 'REPORTER', unitId: 'GL' }, key);
    const res = await request(app).post('/cases').set('Authorization', reporter).set('Idempotency-Key', key).send({ ...body, description });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE', message: 'Temporal is unreachable' });
    expect(res.headers['retry-after']).toBeDefined();
    expect(await db.idempotencyKey.findUnique({ where: { key: stored } })).toBeNull();
    expect(await db.case.count({ where: { description } })).toBe(0);

    const plain = await request(app).post('/cases').set('Authorization', reporter).send(body);
    expect(plain.status).toBe(503);
  });

  it('actions → 503; lists (database only) still answer', async () => {
    // A role that acts on cases (a reporter is refused before anything is loaded).
    const gridWorker = `Bearer ${await signAccessToken(cfg, { id: 'p-grid-GL-S01-C01-G01', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01', name: '黄丽萍' })}`;
    const res = await request(app).post(`/cases/${cfg.CASE_CODE_PREFIX}-20260101-000001/accept`).set('Authorization', gridWorker).send({});
    expect(res.status).toBe(503);
    expect((await request(app).get('/cases').set('Authorization', reporter)).status).toBe(200);
  });

  it('GET /ready → 503 naming Temporal', async () => {
    const res = await request(app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.database.ok).toBe(true);
    expect(res.body.checks.temporal).toMatchObject({ ok: false, error: expect.stringMatching(/Temporal is unreachable/) });
  });
});

describe('database unreachable', () => {
  it('→ 503 "database is unreachable", and /ready names the database', async () => {
    const deadDb = createDb('postgresql://postgres@127.0.0.1:1/postgres', 1);
    const t = deadTemporal();
    try {
      const broken = createApp({ db: deadDb, temporal: t.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(deadDb, 30_000) });
      const res = await request(broken).get('/cases').set('Authorization', reporter);
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', message: 'database is unreachable' });
      const ready = await request(broken).get('/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toMatchObject({ ok: false });
    } finally {
      await t.connection.close();
      await deadDb.$disconnect();
    }
  });
});
