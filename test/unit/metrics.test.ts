// Pure parts of the metrics: calendar days left, the worker's fact counters (fed as the record
// activity feeds them), the bearer check, the route label.
import type { Request } from 'express';
import { routeLabel } from '../../api/metrics';
import { bearerMatches, calendarToday, createWorkerMetrics, daysUntil } from '../../worker/metrics';

describe('calendar days left', () => {
  it('counts whole days in the calendar\'s own dates', () => {
    expect(daysUntil('2026-12-31', '2026-12-03')).toBe(28);
    expect(daysUntil('2026-12-31', '2026-12-31')).toBe(0);
    expect(daysUntil('2026-12-31', '2027-01-02')).toBe(-2);
    expect(daysUntil('2028-03-01', '2028-02-28')).toBe(2); // leap year
  });

  it('takes today in the calendar\'s time zone', () => {
    // 2026-12-03 17:00 UTC is already 12-04 in Beijing.
    const t = Date.parse('2026-12-03T17:00:00Z');
    expect(calendarToday(t, 'Asia/Shanghai')).toBe('2026-12-04');
    expect(calendarToday(t, 'UTC')).toBe('2026-12-03');
  });
});

describe('worker counters', () => {
  it('count reported cases, escalations by level and cause, breaches by window kind', async () => {
    const m = createWorkerMetrics({
      readFigures: async () => ({ openByLevel: { GRID: 2, STREET: 1 }, outbox: { pending: 3, dead: 1, oldestPendingSeconds: 42 }, calendarLastDay: '2026-12-31' }),
      cacheMs: 1000,
      timeZone: 'UTC',
      now: () => Date.parse('2026-12-03T12:00:00Z'),
      defaultMetrics: false,
    });
    m.onRecorded([
      { type: 'REPORTED', level: 'GRID', data: { channel: 'HOTLINE' } },
      { type: 'REPORTED', level: 'GRID', data: { channel: 'HOTLINE' } },
      { type: 'BREACHED', level: 'GRID', data: { kind: 'ACCEPT' } },
      { type: 'ESCALATED', level: 'STREET', data: { from: 'GRID', to: 'STREET', cause: 'BREACH' } },
      { type: 'ACCEPTED', level: 'STREET', data: {} },
      { type: 'NOT_A_FACT', level: null, data: {} },
    ]);
    const text = await m.registry.metrics();
    expect(text).toContain('city_cases_reported_total{channel="HOTLINE"} 2');
    expect(text).toContain('city_breaches_total{window_kind="ACCEPT"} 1');
    expect(text).toContain('city_escalations_total{level="STREET",cause="BREACH"} 1');
    expect(text).toContain('city_open_cases{level="GRID"} 2');
    expect(text).toContain('city_outbox_backlog{state="PENDING"} 3');
    expect(text).toContain('city_outbox_backlog{state="DEAD"} 1');
    expect(text).toContain('city_outbox_oldest_pending_age_seconds 42');
    expect(text).toContain('city_calendar_days_left 28');
  });

  it('reads the database once per cache period, and again after a failed read', async () => {
    let reads = 0;
    let fail = true;
    let now = 0;
    const m = createWorkerMetrics({
      readFigures: async () => {
        reads += 1;
        if (fail) throw new Error('database restarting');
        return { openByLevel: {}, outbox: { pending: 0, dead: 0, oldestPendingSeconds: 0 }, calendarLastDay: null };
      },
      cacheMs: 1000,
      timeZone: 'UTC',
      now: () => now,
      defaultMetrics: false,
    });
    await expect(m.registry.metrics()).rejects.toThrow(/database restarting/);
    fail = false;
    await m.registry.metrics();
    await m.registry.metrics();
    expect(reads).toBe(2);
    now += 1000;
    expect(await m.registry.metrics()).toContain('city_calendar_days_left 0');
    expect(reads).toBe(3);
  });
});

describe('metrics access and labels', () => {
  it('matches the bearer token exactly', () => {
    expect(bearerMatches('Bearer s3cret-token-0123456', 's3cret-token-0123456')).toBe(true);
    expect(bearerMatches('Bearer s3cret-token-012345', 's3cret-token-0123456')).toBe(false);
    expect(bearerMatches(undefined, 's3cret-token-0123456')).toBe(false);
  });

  it('labels a request by its mount path and route pattern, or <unmatched>', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/cases/:code' } } as unknown as Request)).toBe('/cases/:code');
    expect(routeLabel({ baseUrl: '/open311/v2', route: { path: '/requests/:id.:format' } } as unknown as Request)).toBe('/open311/v2/requests/:id.:format');
    expect(routeLabel({ baseUrl: '' } as unknown as Request)).toBe('<unmatched>');
  });
});

describe('outbox gauges without webhooks', () => {
  it('are absent, not zero or growing, when no receiver is configured', async () => {
    const m = createWorkerMetrics({
      readFigures: async () => ({ openByLevel: {}, outbox: null, calendarLastDay: '2026-12-31' }),
      outbox: false,
      cacheMs: 0,
      timeZone: 'UTC',
      defaultMetrics: false,
    });
    const text = await m.registry.metrics();
    expect(text).not.toMatch(/^city_outbox_backlog\{/m);
    expect(text).not.toMatch(/^city_outbox_oldest_pending_age_seconds /m);
  });
});
