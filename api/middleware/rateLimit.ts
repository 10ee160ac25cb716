// Rate limits: per authenticated person on protected routes, and per IP for failed
// authentication (so guessing tokens or API keys is slow). In-memory: per API instance.
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { DomainError } from '../../domain/errors';

function limited(windowMs: number): DomainError {
  return new DomainError('RateLimited', 'RATE_LIMITED', 'too many requests; slow down', { retryAfterSeconds: Math.ceil(windowMs / 1000) });
}

function clientIp(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

/** `perMinute` requests per authenticated person (or IP before authentication). */
export function principalRateLimit(perMinute: number): RequestHandler {
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => (req.principal ? `p:${req.principal.personId}` : `ip:${clientIp(req)}`),
    handler: (_req, _res, next) => next(limited(windowMs)),
  });
}

/** `perMinute` failed authentications (401) per IP; counts nothing else. */
export function authFailureRateLimit(perMinute: number): RequestHandler {
  const windowMs = 60_000;
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: false,
    legacyHeaders: false,
    keyGenerator: (req) => `auth:${clientIp(req)}`,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: (_req, _res, next) => next(limited(windowMs)),
  });
}
