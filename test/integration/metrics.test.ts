// Prometheus metrics against the run's real PostgreSQL: the API's /metrics through supertest
// (request counts labelled by route pattern, never the raw path), the worker's listener with
// its figures read from the database, and the record activity's counters counting each fact
// once even when a recording is retried.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { makeRecordCase } from '../../activities/recordCase';
import { createApiMetrics } from '../../api/metrics';
import { createWorkerMetrics, readDbFigures, startMetricsListener, type MetricsListener } from '../../worker/metrics';
import type { RecordCaseInput } from '../../workflows/activityContract';
import { caseInput } from '../workflow/caseFixture';
import { harnessConfig, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(60_000);

const TOKEN = 'metrics-test-token-0123456789';

describe('metrics', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startHarness({ worker: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the API counts requests by route pattern and status; /metrics is loopback-only without a token', async () => {
    const auth = await h.bearer('AUDITOR');
    await request(h.app).get('/health').expect(200);
    await request(h.app).get('/cases/GL-20990101-000001').set('Authorization', auth).expect(404);
    await request(h.app).get('/cases/GL-20990101-000002').set('Authorization', auth).expect(404);
    await request(h.app).get('/no/such/path').set('Authorization', auth).expect(404);
    const res = await request(h.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('# TYPE city_http_requests_total counter');
    expect(text).toContain('# TYPE city_http_request_duration_seconds histogram');
    expect(text).toContain('city_http_requests_total{method="GET",route="/health",status="200"} 1');
    // Both case reads under one series: the pattern, not the codes.
    expect(text).toContain('city_http_requests_total{method="GET",route="/cases/:code",status="404"} 2');
    expect(text).not.toContain('GL-20990101');
    expect(text).toContain('route="<unmatched>",status="404"');
    expect(text).toMatch(/city_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/cases\/:code",status="404"\}/);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('with METRICS_TOKEN the API asks for it; in production without one there is no /metrics', async () => {
    const cfg = harnessConfig({ METRICS_TOKEN: TOKEN });
    const { createApp } = await import('../../api/app');
    const pino = (await import('pino')).default;
    const { createDirectoryCache } = await import('../../features/directory/directory');
    const app = createApp({ db: h.db, temporal: h.client, cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 1000) });
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
    const prod = createApiMetrics({ NODE_ENV: 'production', METRICS_TOKEN: undefined }, { defaultMetrics: false });
    const res = { status: jest.fn().mockReturnThis(), end: jest.fn(), set: jest.fn().mockReturnThis(), send: jest.fn() };
    await prod.handler({ headers: {}, socket: { remoteAddress: '127.0.0.1' } } as never, res as never, () => undefined);
    expect(res.status).toHaveBeenCalledWith(404);
  });

  describe('the worker', () => {
    let listener: MetricsListener;
    // A pinned clock: the days-left figure must not depend on when the test runs.
    const NOW = Date.parse('2026-12-03T10:00:00+08:00');
    const metrics = createWorkerMetrics({ readFigures: () => readDbFigures(h.db, { outbox: true }, NOW), cacheMs: 0, timeZone: 'Asia/Shanghai', now: () => NOW });

    beforeAll(async () => {
      listener = await startMetricsListener({
        registry: metrics.registry,
        host: '127.0.0.1',
        port: 0,
        token: TOKEN,
        extra: async () => 'temporal_sdk_example_total 7\n',
      });
    });
    afterAll(async () => {
      await listener?.close();
    });

    it('serves its figures (from the database) and the SDK\'s on one listener, behind the token', async () => {
      expect((await fetch(listener.url)).status).toBe(401);
      expect((await fetch(listener.url.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      const res = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const name of [
        'city_cases_reported_total',
        'city_escalations_total',
        'city_breaches_total',
        'city_open_cases',
        'city_outbox_backlog',
        'city_outbox_oldest_pending_age_seconds',
        'city_calendar_days_left',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect(text).toContain(`# TYPE ${name} `);
      }
      expect(text).toContain('temporal_sdk_example_total 7');
      // The calendar covers through 31 December of its last scheduled year (2026 in the seed; a
      // file running beside this one may import a later year for a while): the figure counts to a 31 December.
      const days = Number(/^city_calendar_days_left (-?\d+)$/m.exec(text)?.[1]);
      const end = new Date(Date.parse('2026-12-03T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
      expect(end).toMatch(/^\d{4}-12-31$/);
      expect(Number(end.slice(0, 4))).toBeGreaterThanOrEqual(2026);
      expect(text).toMatch(/^city_outbox_backlog\{state="PENDING"\} \d+$/m);
    });

    it('counts each recorded fact once, even when the recording is retried', async () => {
      const recordCase = makeRecordCase(h.db, { deliver: false, onInserted: metrics.onRecorded });
      const T0 = Date.parse('2026-11-23T01:30:00Z');
      const input = caseInput(T0);
      const code = `MX-${randomUUID().slice(0, 8)}`;
      input.intake.code = code;
      const at = T0 + 600_000;
      const batch: RecordCaseInput = {
        code,
        create: input.intake,
        facts: [
          { event: { seq: 1, type: 'REPORTED', at: T0, level: 'GRID', data: { channel: 'APP' } }, notifications: [] },
          { event: { seq: 2, type: 'BREACHED', at, level: 'GRID', data: { kind: 'ACCEPT' } }, notifications: [] },
          { event: { seq: 3, type: 'ESCALATED', at, level: 'STREET', data: { from: 'GRID', to: 'STREET', cause: 'BREACH' } }, notifications: [] },
        ],
        projection: {
          status: 'REPORTED', level: 'STREET', triage: 'BIG', assigneeId: null, assigneeUnitId: null,
          dueAt: null, overdue: true, breachCount: 1, reopenCount: 0, resolution: null, closedAt: null, version: 3,
        },
      };
      const value = async (re: RegExp) => Number(re.exec(await metrics.registry.metrics())?.[1] ?? 0);
      const before = {
        app: await value(/^city_cases_reported_total\{channel="APP"\} (\d+)$/m),
        accept: await value(/^city_breaches_total\{window_kind="ACCEPT"\} (\d+)$/m),
        street: await value(/^city_escalations_total\{level="STREET",cause="BREACH"\} (\d+)$/m),
      };
      await recordCase(batch);
      await recordCase(batch); // a retried activity: nothing new inserted, nothing counted
      expect(await value(/^city_cases_reported_total\{channel="APP"\} (\d+)$/m)).toBe(before.app + 1);
      expect(await value(/^city_breaches_total\{window_kind="ACCEPT"\} (\d+)$/m)).toBe(before.accept + 1);
      expect(await value(/^city_escalations_total\{level="STREET",cause="BREACH"\} (\d+)$/m)).toBe(before.street + 1);
      await h.db.caseEvent.deleteMany({ where: { caseCode: code } });
      await h.db.case.deleteMany({ where: { code } });
    });
  });
});
