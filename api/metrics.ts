// The API's Prometheus figures: requests by method, route pattern and status, and their latency.
// The route label is the matched pattern (`/cases/:code`), never the raw path: one series per
// route, however many cases there are; requests no route matched share `<unmatched>`.
//
// Who may scrape: with METRICS_TOKEN set, whoever sends `Authorization: Bearer <token>`;
// without it, loopback clients only (a Prometheus on the same host, or `curl` on it), and in
// production nobody — behind a reverse proxy every client looks like loopback, so production
// needs the token (answers 404 otherwise, as if the endpoint did not exist).
import type { RequestHandler, Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppConfig } from '../config/env';

export interface ApiMetrics {
  registry: Registry;
  /** First middleware of the app: times every request. */
  middleware: RequestHandler;
  /** GET /metrics. */
  handler: RequestHandler;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The matched route pattern of a finished request (mount path + route path). */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || route.path === undefined) return '<unmatched>';
  const p = typeof route.path === 'string' ? route.path : String(route.path);
  return `${req.baseUrl ?? ''}${p}` || '/';
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const want = Buffer.from(`Bearer ${token}`);
  const got = Buffer.from(header ?? '');
  return got.length === want.length && timingSafeEqual(got, want);
}

export function createApiMetrics(cfg: Pick<AppConfig, 'METRICS_TOKEN' | 'NODE_ENV'>, opts: { defaultMetrics?: boolean } = {}): ApiMetrics {
  // A registry per app, not prom-client's global one: tests build several apps in one process.
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'city_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'city_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      requests.inc(labels);
      latency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };

  const handler: RequestHandler = async (req, res) => {
    if (cfg.METRICS_TOKEN) {
      if (!tokenMatches(req.headers.authorization, cfg.METRICS_TOKEN)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').end();
        return;
      }
    } else if (cfg.NODE_ENV === 'production') {
      res.status(404).end();
      return;
    } else if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      res.status(403).end();
      return;
    }
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  };

  return { registry, middleware, handler };
}
