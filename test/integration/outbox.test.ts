// The outbox's retries, dead letters and replay against real PostgreSQL and receivers on
// loopback. The delivery functions run directly with a clock the test moves (the retry backoff
// is data, not waiting); rows are inserted as a case's recording would, under case codes of
// this suite only, so the shared database's other rows are never touched.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { deliverRows, sweepOutbox, type DeliveryOptions } from '../../features/outbox/delivery';
import { verifySignature, verifyStandardWebhook } from '../../features/outbox/signature';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(60_000);

const SECRET = 'outbox-test-secret-0123456789';

interface Received {
  id: string;
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A receiver whose answer to each request is decided by `answer` (a status, or a promise of one). */
async function receiver(answer: (n: number) => number | Promise<number>) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ id: String(req.headers['x-delivery-id']), headers: req.headers, raw });
      void Promise.resolve(answer(received.length)).then((status) => {
        res.statusCode = status;
        res.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('notification outbox: retries, dead letters, replay', () => {
  let h: ApiHarness;
  const code = `OB-${randomBytes(4).toString('hex')}`;
  let seq = 0;
  const closers: (() => Promise<void>)[] = [];

  /** A fresh outbox row of this suite's case, as the record activity writes it. */
  async function row(): Promise<string> {
    seq += 1;
    const id = `${code}:${seq}:0`;
    await h.db.notification.create({
      data: { id, caseCode: code, seq, kind: 'CASE_ASSIGNED', recipientId: 'p-1', payload: { caseCode: code, kind: 'CASE_ASSIGNED', message: `m${seq}` } },
    });
    return id;
  }

  const opts = (urls: string[], now: () => number, extra: Partial<DeliveryOptions> = {}): DeliveryOptions => ({
    urls,
    timeoutMs: 5000,
    secret: SECRET,
    maxAttempts: 3,
    baseMs: 60_000,
    maxMs: 600_000,
    concurrency: 2,
    now,
    ...extra,
  });

  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });

  afterAll(async () => {
    await h?.db.notification.deleteMany({ where: { caseCode: code } });
    for (const c of closers) await c();
    await h?.close();
  });

  it('retries with backoff: fails twice, then delivered on the 3rd attempt, signed; the receiver that took it is not sent it again', async () => {
    const flaky = await receiver((n) => (n <= 2 ? 500 : 204));
    const steady = await receiver(() => 200);
    closers.push(flaky.close, steady.close);
    const id = await row();
    let now = Date.now();
    const o = opts([flaky.url, steady.url], () => now);

    expect(await deliverRows(h.db, [id], o)).toMatchObject({ tried: 1, retrying: 1 });
    let r = await h.db.notification.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ state: 'PENDING', attempts: 1, deliveredTo: [steady.url] });
    expect(r.lastError).toMatch(/answered 500/);
    expect(r.nextAttemptAt!.getTime()).toBe(now + 60_000); // base

    // Not due yet: a sweep leaves it alone.
    expect((await sweepOutbox(h.db, { ...o, caseCodes: [code] })).tried).toBe(0);
    now += 60_000;
    expect(await sweepOutbox(h.db, { ...o, caseCodes: [code] })).toMatchObject({ tried: 1, retrying: 1 });
    r = await h.db.notification.findUniqueOrThrow({ where: { id } });
    expect(r.attempts).toBe(2);
    expect(r.nextAttemptAt!.getTime()).toBe(now + 120_000); // doubled
    now += 120_000;
    expect(await sweepOutbox(h.db, { ...o, caseCodes: [code] })).toMatchObject({ tried: 1, delivered: 1 });
    r = await h.db.notification.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ state: 'DELIVERED', attempts: 3, lastError: null, nextAttemptAt: null });
    expect(r.deliveredAt).not.toBeNull();

    expect(flaky.received.map((x) => x.id)).toEqual([id, id, id]);
    expect(flaky.received.map((x) => x.headers['x-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(steady.received.map((x) => x.id)).toEqual([id]);
    const last = flaky.received[2];
    expect(JSON.parse(last.raw)).toMatchObject({ id, caseCode: code, kind: 'CASE_ASSIGNED' });
    expect(verifySignature(SECRET, String(last.headers['x-signature']), last.raw, Math.floor(now / 1000))).toEqual({ ok: true, t: Math.floor(now / 1000) });
    expect(verifySignature('another-secret-0123456789', String(last.headers['x-signature']), last.raw, Math.floor(now / 1000)).ok).toBe(false);
    // Standard Webhooks: the same webhook-id on every attempt (the receiver's idempotency key), a
    // timestamp and signature per attempt, verifiable as the standardwebhooks libraries do.
    expect(flaky.received.map((x) => x.headers['webhook-id'])).toEqual([id, id, id]);
    const std = (x: Received) => ({ id: String(x.headers['webhook-id']), timestamp: String(x.headers['webhook-timestamp']), signature: String(x.headers['webhook-signature']) });
    expect(last.headers['webhook-timestamp']).toBe(String(Math.floor(now / 1000)));
    expect(verifyStandardWebhook(SECRET, std(last), last.raw, Math.floor(now / 1000))).toEqual({ ok: true, id, t: Math.floor(now / 1000) });
    expect(verifyStandardWebhook('another-secret-0123456789', std(last), last.raw, Math.floor(now / 1000)).ok).toBe(false);

    // Delivered is final: neither the activity nor a sweep sends it again.
    now += 3_600_000;
    expect((await deliverRows(h.db, [id], o)).tried).toBe(0);
    expect((await sweepOutbox(h.db, { ...o, caseCodes: [code] })).tried).toBe(0);
    expect(flaky.received).toHaveLength(3);
  });

  it('a receiver that took a row while the database was away is not sent it again (the write is retried under the claim)', async () => {
    const hook = await receiver(() => 200);
    closers.push(hook.close);
    const id = await row();
    // The database refuses the first two writes of "this receiver took it" (found by npm run chaos:
    // the row used to count as a failed attempt and went out again once the database was back).
    let refusals = 2;
    const db = new Proxy(h.db, {
      get(target, prop) {
        if (prop === '$executeRaw' && refusals > 0) {
          refusals -= 1;
          return () => Promise.reject(new Error('Connection terminated unexpectedly'));
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const o = opts([hook.url], () => Date.now());
    expect(await deliverRows(db, [id], o)).toMatchObject({ tried: 1, delivered: 1 });
    expect(refusals).toBe(0);
    const r = await h.db.notification.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ state: 'DELIVERED', attempts: 1, deliveredTo: [hook.url] });
    expect(hook.received.map((x) => x.id)).toEqual([id]);
  });

  it('goes DEAD after the last attempt, shows in GET /admin/outbox?state=DEAD, and a replay delivers it', async () => {
    let up = false;
    const down = await receiver(() => (up ? 204 : 503));
    closers.push(down.close);
    const id = await row();
    let now = Date.now();
    const o = opts([down.url], () => now);

    await deliverRows(h.db, [id], o);
    for (let i = 0; i < 5; i += 1) {
      now += 600_000;
      await sweepOutbox(h.db, { ...o, caseCodes: [code] });
    }
    const dead = await h.db.notification.findUniqueOrThrow({ where: { id } });
    expect(dead).toMatchObject({ state: 'DEAD', attempts: 3, nextAttemptAt: null });
    expect(dead.deadAt).not.toBeNull();
    expect(down.received).toHaveLength(3);

    for (const role of ['ADMIN', 'AUDITOR'] as const) {
      const res = await request(h.app).get('/admin/outbox').query({ state: 'DEAD', caseCode: code }).set('Authorization', await h.bearer(role));
      expect(res.status).toBe(200);
      expect(res.body.items.map((x: { id: string }) => x.id)).toEqual([id]);
      expect(res.body.items[0]).toMatchObject({ state: 'DEAD', attempts: 3, lastError: expect.stringMatching(/answered 503/) });
    }
    const denied = await request(h.app).get('/admin/outbox').set('Authorization', await h.bearer('GRID_WORKER'));
    expect(denied.status).toBe(403);
    const auditorReplay = await request(h.app).post(`/admin/outbox/${encodeURIComponent(id)}/replay`).set('Authorization', await h.bearer('AUDITOR'));
    expect(auditorReplay.status).toBe(403);

    const replay = await request(h.app).post(`/admin/outbox/${encodeURIComponent(id)}/replay`).set('Authorization', await h.bearer('ADMIN'));
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id, state: 'PENDING', attempts: 0, deadAt: null });
    expect(replay.body.replayedAt).not.toBeNull();
    const again = await request(h.app).post(`/admin/outbox/${encodeURIComponent(id)}/replay`).set('Authorization', await h.bearer('ADMIN'));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('NOT_DEAD');
    const missing = await request(h.app).post('/admin/outbox/no-such-row/replay').set('Authorization', await h.bearer('ADMIN'));
    expect(missing.status).toBe(404);

    up = true;
    // The replay made it due at the real "now": the sweeper's clock is past it.
    now = Date.now() + 1000;
    expect(await sweepOutbox(h.db, { ...o, caseCodes: [code] })).toMatchObject({ tried: 1, delivered: 1 });
    expect(await h.db.notification.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: 'DELIVERED', attempts: 1 });
    expect(down.received).toHaveLength(4);
  });

  it('a slow receiver does not hold up a fast one, nor the rest of the batch', async () => {
    let release!: (status: number) => void;
    const released = new Promise<number>((r) => (release = r));
    const slow = await receiver(() => released);
    const fast = await receiver(() => 204);
    closers.push(slow.close, fast.close);
    const a = await row();
    const b = await row();
    const o = opts([slow.url, fast.url], Date.now, { concurrency: 1 });

    const round = deliverRows(h.db, [a, b], o);
    // Both rows reach the fast receiver while the slow one still holds its first request
    // (its lane, at concurrency 1, has not even sent the second).
    await eventually(async () => {
      const rows = await h.db.notification.findMany({ where: { id: { in: [a, b] } } });
      return rows.length === 2 && rows.every((x) => x.deliveredTo.includes(fast.url));
    }, 20_000, 'both rows delivered to the fast receiver');
    expect(fast.received.map((x) => x.id).sort()).toEqual([a, b].sort());
    expect(slow.received).toHaveLength(1);
    const during = await h.db.notification.findMany({ where: { id: { in: [a, b] } } });
    expect(during.map((x) => [x.state, x.attempts])).toEqual([
      ['PENDING', 0],
      ['PENDING', 0],
    ]);

    release(204);
    expect(await round).toMatchObject({ tried: 2, delivered: 2 });
    const after = await h.db.notification.findMany({ where: { id: { in: [a, b] } }, orderBy: { id: 'asc' } });
    expect(after.map((x) => [x.state, x.attempts])).toEqual([
      ['DELIVERED', 1],
      ['DELIVERED', 1],
    ]);
    expect(slow.received).toHaveLength(2);
    expect(fast.received).toHaveLength(2);
  });
});
