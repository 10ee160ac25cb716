// The worker's Prometheus figures and the small HTTP listener that serves them.
//
// Counters come from the record activity (activities/recordCase.ts → onInserted): it sees every
// fact of every case, and it reports only the event rows it actually inserted, so a retried
// recording never counts twice. Gauges read the database on a scrape, through a short cache so
// a scrape every few seconds by several Prometheus servers costs one set of queries. The SDK's
// own worker metrics (task slots, latencies, polls, sticky cache) are served by Temporal's core
// on WORKER_SDK_METRICS_PORT; this listener appends them, so one scrape target has everything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { asFact } from '../domain/facts';
import { outboxStats, type OutboxStats } from '../features/outbox/outbox';
import type { Db } from '../platform/db';
import type { InsertedEvent } from '../activities/recordCase';

/** Case statuses after which a case is no longer open. */
const ENDED = ['CLOSED', 'SURVEYED'];

export interface DbFigures {
  openByLevel: Record<string, number>;
  /** Null when no webhook is configured: rows then wait by design, and a backlog would only alarm. */
  outbox: OutboxStats | null;
  /**
   * The last day the working calendar covers (YYYY-MM-DD): 31 December of the last year with a
   * schedule (a year's holidays and make-up days are imported whole), or null when it holds none.
   */
  calendarLastDay: string | null;
}

/** Today's date (YYYY-MM-DD) in the calendar's time zone. */
export function calendarToday(now: number, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}

/**
 * Whole days from `today` to `lastDay` (both YYYY-MM-DD, the calendar's own dates): 0 on the
 * last day, negative once it has passed. Past the last day the windows fall back to weekdays
 * without holidays, so operators must load the next year's calendar before this reaches 0.
 */
export function daysUntil(lastDay: string, today: string): number {
  return Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

export async function readDbFigures(db: Db, opts: { outbox: boolean }, now = Date.now()): Promise<DbFigures> {
  const [open, outbox, last] = await Promise.all([
    db.case.groupBy({ by: ['level'], where: { status: { notIn: ENDED } }, _count: { _all: true } }),
    opts.outbox ? outboxStats(db, now) : null,
    db.calendarDay.findFirst({ orderBy: { date: 'desc' }, select: { date: true } }),
  ]);
  return {
    openByLevel: Object.fromEntries(open.map((g) => [g.level, g._count._all])),
    outbox,
    // The last special day of a year is rarely 31 December; the schedule covers the whole year.
    calendarLastDay: last ? `${last.date.slice(0, 4)}-12-31` : null,
  };
}

export interface WorkerMetricsOptions {
  /** Reads the database figures (readDbFigures over the worker's client, or a fake). */
  readFigures: () => Promise<DbFigures>;
  cacheMs: number;
  timeZone: string;
  now?: () => number;
  /** Node's process metrics (CPU, heap, event-loop lag). Default true. */
  defaultMetrics?: boolean;
  /** The outbox gauges; false when no webhook is configured (rows then wait by design). Default true. */
  outbox?: boolean;
}

export interface WorkerMetrics {
  registry: Registry;
  /** Counts the facts of inserted event rows (ActivityDeps.onRecorded). */
  onRecorded(events: InsertedEvent[]): void;
}

export function createWorkerMetrics(o: WorkerMetricsOptions): WorkerMetrics {
  const registry = new Registry();
  if (o.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const now = o.now ?? Date.now;

  const reported = new Counter({ name: 'city_cases_reported_total', help: 'Cases reported, by channel', labelNames: ['channel'], registers: [registry] });
  const escalations = new Counter({
    name: 'city_escalations_total',
    help: 'Escalations up the ladder, by the level reached and the cause (BREACH, WHISTLE, REOPEN_LIMIT)',
    labelNames: ['level', 'cause'],
    registers: [registry],
  });
  const breaches = new Counter({ name: 'city_breaches_total', help: 'Lapsed windows, by window kind', labelNames: ['window_kind'], registers: [registry] });

  // One cached read of the database serves every gauge of a scrape (and of scrapes close together).
  let cached: { at: number; figures: Promise<DbFigures> } | undefined;
  const figures = (): Promise<DbFigures> => {
    const t = now();
    if (!cached || t - cached.at >= o.cacheMs) {
      const p = o.readFigures();
      cached = { at: t, figures: p };
      // A failed read is not cached: the next scrape tries again.
      p.catch(() => {
        if (cached?.figures === p) cached = undefined;
      });
    }
    return cached.figures;
  };

  new Gauge({
    name: 'city_open_cases',
    help: 'Open cases (not closed or surveyed), by the ladder level that holds them',
    labelNames: ['level'],
    registers: [registry],
    async collect() {
      const f = await figures();
      this.reset();
      for (const [level, n] of Object.entries(f.openByLevel)) this.set({ level }, n);
    },
  });
  // Only with receivers: without any, rows wait by design and a growing backlog would only alarm.
  if (o.outbox !== false) {
    new Gauge({
      name: 'city_outbox_backlog',
      help: 'Notifications in the outbox by state (PENDING: not yet delivered to every receiver; DEAD: attempts ran out)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const f = await figures();
        this.reset();
        if (!f.outbox) return;
        this.set({ state: 'PENDING' }, f.outbox.pending);
        this.set({ state: 'DEAD' }, f.outbox.dead);
      },
    });
    new Gauge({
      name: 'city_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest notification not yet delivered (0 when none)',
      registers: [registry],
      async collect() {
        const { outbox } = await figures();
        this.reset();
        if (outbox) this.set(outbox.oldestPendingSeconds);
      },
    });
  }
  new Gauge({
    name: 'city_calendar_days_left',
    help: 'Days until the end of the last year with a working-calendar schedule; past it, holidays are unknown',
    registers: [registry],
    async collect() {
      const last = (await figures()).calendarLastDay;
      // No calendar at all: as urgent as one that ran out today.
      this.set(last ? daysUntil(last, calendarToday(now(), o.timeZone)) : 0);
    },
  });

  return {
    registry,
    onRecorded(events) {
      for (const e of events) {
        const fact = asFact(e);
        if (!fact) continue;
        switch (fact.type) {
          case 'REPORTED':
            reported.inc({ channel: fact.data.channel });
            break;
          case 'ESCALATED':
            escalations.inc({ level: fact.data.to, cause: fact.data.cause });
            break;
          case 'BREACHED':
            breaches.inc({ window_kind: fact.data.kind });
            break;
          default:
            break;
        }
      }
    },
  };
}

/** Whether `header` is "Bearer <token>" (constant time). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const want = Buffer.from(`Bearer ${token}`);
  const got = Buffer.from(header ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface MetricsListenerOptions {
  registry: Registry;
  host: string;
  port: number;
  /** Required as "Authorization: Bearer <token>" when set. */
  token?: string;
  /** More exposition text to append (the SDK's metrics); a failure leaves it out. */
  extra?: () => Promise<string>;
  onError?: (err: unknown) => void;
}

export interface MetricsListener {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serve GET /metrics (and nothing else) on host:port. */
export async function startMetricsListener(o: MetricsListenerOptions): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      if (o.token && !bearerMatches(req.headers.authorization, o.token)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      try {
        let text = await o.registry.metrics();
        if (o.extra) text += await o.extra().catch((err: unknown) => (o.onError?.(err), ''));
        res.writeHead(200, { 'content-type': o.registry.contentType }).end(text);
      } catch (err) {
        o.onError?.(err);
        res.writeHead(500).end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads the SDK's Prometheus text from its core exporter (WORKER_SDK_METRICS_PORT). */
export function sdkMetricsReader(bindAddress: string, timeoutMs = 2000): () => Promise<string> {
  return async () => {
    const res = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`SDK metrics answered ${res.status}`);
    const text = await res.text();
    return text.endsWith('\n') ? text : `${text}\n`;
  };
}
