// The notification outbox end to end: a real case on the dev server, a real worker,
// real PostgreSQL, and webhook subscribers on loopback. A row is marked delivered
// only after the subscriber accepted it; a failing subscriber leaves it undelivered.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SEED_PEOPLE } from '../../prisma/seedData';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(60_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: { id: string; caseCode: string; kind: string; message: string; recipientId: string | null };
}

function subscriber(status: number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(data) });
      res.statusCode = status;
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hook`, received });
    });
  });
}

const body = {
  channel: 'HOTLINE',
  categoryCode: 'CG-001',
  location: { gridId: 'GL-S01-C01-G01' },
  description: '小区门口有车辆长期违停',
  reporter: { name: '王先生', phone: '13800001234' },
};
const gridWorker = SEED_PEOPLE.find((p) => p.role === 'GRID_WORKER' && p.unitId === 'GL-S01-C01-G01')!;

describe('notification outbox', () => {
  let ok: Awaited<ReturnType<typeof subscriber>>;
  let failing: Awaited<ReturnType<typeof subscriber>>;
  let good: ApiHarness;
  let bad: ApiHarness;

  beforeAll(async () => {
    ok = await subscriber(204);
    failing = await subscriber(500);
    good = await startHarness({ webhooks: [ok.url] });
    bad = await startHarness({ webhooks: [failing.url] });
  });

  afterAll(async () => {
    await good?.close();
    await bad?.close();
    ok?.server.close();
    failing?.server.close();
  });

  it('delivers the assignment notice to the subscriber and marks the outbox row delivered', async () => {
    const res = await request(good.app).post('/cases').set('Authorization', await good.bearer('REPORTER')).send(body);
    expect(res.status).toBe(201);
    const code = res.body.code as string;
    const row = await eventually(
      () => good.db.notification.findFirst({ where: { caseCode: code, kind: 'CASE_ASSIGNED', deliveredAt: { not: null } } }),
      20_000,
      'the assignment notice to be delivered',
    );
    const got = ok.received.filter((r) => r.body.caseCode === code);
    expect(got.map((r) => [r.body.kind, r.body.recipientId])).toEqual([['CASE_ASSIGNED', gridWorker.id]]);
    // The outbox id travels as the idempotency key, so a subscriber can drop a redelivery.
    expect(got[0].headers['idempotency-key']).toBe(row.id);
    expect(got[0].body.id).toBe(row.id);
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBeNull();
  });

  it('never marks a notification delivered when the subscriber refuses it', async () => {
    const res = await request(bad.app).post('/cases').set('Authorization', await bad.bearer('REPORTER')).send(body);
    expect(res.status).toBe(201);
    const code = res.body.code as string;
    const row = await eventually(
      () => bad.db.notification.findFirst({ where: { caseCode: code, kind: 'CASE_ASSIGNED', attempts: { gte: 1 } } }),
      20_000,
      'a delivery attempt',
    );
    expect(failing.received.some((r) => r.body.caseCode === code)).toBe(true);
    expect(row.deliveredAt).toBeNull();
    expect(row.lastError).toMatch(/answered 500/);
  });
});
