// Open-model HTTP load: request i is due at start + i/rate whether or not earlier ones
// have answered, and its latency runs from that scheduled instant to the end of the
// response — a slow server is charged for the requests it made wait (no coordinated
// omission). Plain node:http with a keep-alive agent; 127.0.0.1 only.
import http from 'node:http';
import { percentile, round, sleep } from './lib';

export interface OpenLoadOptions {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  path: string;
  method: 'POST';
  /** Headers of request i (e.g. rotating bearer tokens). */
  headers: (i: number) => Record<string, string>;
  body: (i: number) => string;
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Per-request timeout, counted from its scheduled instant. */
  timeoutMs?: number;
  /** Sockets to the server (requests beyond wait in the agent, and that wait counts). */
  maxSockets?: number;
  /** Status that counts as success. */
  okStatus?: number;
}

export interface OpenLoadResult {
  offeredRate: number;
  durationS: number;
  scheduled: number;
  ok: number;
  errors: number;
  /** status code (or error code) → count, for the non-OK answers. */
  errorKinds: Record<string, number>;
  /** ok / (last OK answer − first scheduled send). */
  casesPerSec: number;
  /** OK answers that arrived within the sending window, per second of it. */
  okPerSecWithinWindow: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Mean lateness of the actual send vs its schedule (the generator's own lag). */
  meanSendLagMs: number;
  /** Latency percentiles per second of the window (shows queues building up). */
  perSecond: Array<{ s: number; sent: number; ok: number; p50Ms: number; p99Ms: number }>;
}

export async function runOpenLoad(o: OpenLoadOptions): Promise<OpenLoadResult> {
  const url = new URL(o.baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`load generator: refusing to send traffic to ${url.hostname} (127.0.0.1 only)`);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const okStatus = o.okStatus ?? 201;
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 512 });
  const total = Math.max(1, Math.round((o.rate * o.durationMs) / 1000));
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  const perSec = new Map<number, { sent: number; ok: number; lat: number[] }>();
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let okInWindow = 0;
  let lastOkAt = 0;
  let sendLagSum = 0;
  let outstanding = 0;
  let resolveDrained: (() => void) | undefined;

  const start = performance.now() + 20;
  const windowEnd = start + o.durationMs;
  const bucket = (s: number) => {
    let b = perSec.get(s);
    if (!b) perSec.set(s, (b = { sent: 0, ok: 0, lat: [] }));
    return b;
  };
  const settle = (i: number, scheduled: number, status: number | string) => {
    const now = performance.now();
    const lat = now - scheduled;
    const b = bucket(Math.floor((scheduled - start) / 1000));
    if (status === okStatus) {
      ok += 1;
      latencies.push(lat);
      b.ok += 1;
      b.lat.push(lat);
      lastOkAt = now;
      if (now <= windowEnd) okInWindow += 1;
    } else {
      errors += 1;
      const k = String(status);
      errorKinds[k] = (errorKinds[k] ?? 0) + 1;
    }
    outstanding -= 1;
    if (outstanding === 0 && resolveDrained) resolveDrained();
    void i;
  };

  const fire = (i: number, scheduled: number) => {
    outstanding += 1;
    sendLagSum += performance.now() - scheduled;
    bucket(Math.floor((scheduled - start) / 1000)).sent += 1;
    const body = o.body(i);
    let done = false;
    const finish = (status: number | string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      settle(i, scheduled, status);
    };
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: o.path,
        method: o.method,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...o.headers(i) },
      },
      (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode ?? 0));
        res.on('error', (err) => finish((err as NodeJS.ErrnoException).code ?? 'RESPONSE_ERROR'));
      },
    );
    const timer = setTimeout(() => {
      finish('TIMEOUT');
      req.destroy();
    }, Math.max(1, scheduled + timeoutMs - performance.now()));
    req.on('error', (err) => finish((err as NodeJS.ErrnoException).code ?? 'REQUEST_ERROR'));
    req.end(body);
  };

  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      fire(next, start + next * interval);
      next += 1;
    }
    if (next < total) {
      const wait = start + next * interval - performance.now();
      await sleep(Math.max(0, Math.min(wait, 5)));
    }
  }
  if (outstanding > 0) await new Promise<void>((r) => (resolveDrained = r));
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
  const activeS = lastOkAt > start ? (lastOkAt - start) / 1000 : o.durationMs / 1000;
  return {
    offeredRate: round(o.rate, 1),
    durationS: round(o.durationMs / 1000, 1),
    scheduled: total,
    ok,
    errors,
    errorKinds,
    casesPerSec: round(ok / activeS, 1),
    okPerSecWithinWindow: round(okInWindow / (o.durationMs / 1000), 1),
    p50Ms: round(percentile(latencies, 50)),
    p90Ms: round(percentile(latencies, 90)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    meanMs: round(mean),
    meanSendLagMs: round(sendLagSum / total, 2),
    perSecond: [...perSec.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, b]) => {
        const l = b.lat.sort((x, y) => x - y);
        return { s, sent: b.sent, ok: b.ok, p50Ms: round(percentile(l, 50)), p99Ms: round(percentile(l, 99)) };
      }),
  };
}
