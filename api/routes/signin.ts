// Signing in and out (local password, city single sign-on), the admin's credential routes
// and the access log. The public part is mounted before the app-wide authentication; the
// rest after it (and before the auditors' read-only rule: an auditor must be able to sign out).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type CookieOptions, type Request, type Response } from 'express';
import type { AppConfig } from '../../config/env';
import type { Authenticator } from '../../features/auth/auth';
import type { DirectoryCache } from '../../features/directory/directory';
import { accessLogScope } from '../../features/auth/accessLog';
import { SESSION_COOKIE, type NewSession } from '../../features/auth/sessions';
import type { Prisma } from '../../generated/prisma/client';
import type { Db } from '../../platform/db';
import { DomainError, domainErrors } from '../../domain/errors';
import { ApiError, httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import type { SignInServices } from '../middleware/sessionAuth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { authenticated, errorResponses, jsonResponse } from '../schemas/common';
import {
  AccessLogPageSchema,
  AccessLogQuerySchema,
  LoginBodySchema,
  OidcBodySchema,
  PersonIdParams,
  ResetPasswordBodySchema,
  SessionInfoSchema,
  SignedInSchema,
} from '../schemas/signin';

export const signinRegistry = new OpenAPIRegistry();
const body = (schema: Parameters<typeof jsonResponse>[0]) => ({ body: { content: { 'application/json': { schema } } } });
signinRegistry.registerPath({
  method: 'post',
  path: '/auth/login',
  tags: ['sign-in'],
  summary: 'Sign in with a local login and password: a session cookie + CSRF token (browser) or a bearer token (program)',
  request: body(LoginBodySchema),
  responses: {
    200: jsonResponse(SignedInSchema, 'Signed in (browser: Set-Cookie coe_session, HttpOnly, SameSite=Strict)'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    429: errorResponses[429],
  },
});
signinRegistry.registerPath({
  method: 'post',
  path: '/auth/oidc',
  tags: ['sign-in'],
  summary: 'Sign in with an ID token of the city single sign-on (OIDC): same session or token as /auth/login',
  request: body(OidcBodySchema),
  responses: { 200: jsonResponse(SignedInSchema, 'Signed in'), 400: errorResponses[400], 401: errorResponses[401], 404: errorResponses[404], 503: errorResponses[503] },
});
signinRegistry.registerPath({
  method: 'post',
  path: '/auth/logout',
  tags: ['sign-in'],
  summary: 'End the calling session now (cookie or program token); a JWT cannot be ended (409)',
  security: authenticated,
  responses: { 204: { description: 'Signed out' }, 401: errorResponses[401], 403: errorResponses[403], 409: errorResponses[409] },
});
signinRegistry.registerPath({
  method: 'get',
  path: '/auth/session',
  tags: ['sign-in'],
  summary: 'The calling session; a cookie session gets a fresh CSRF token (e.g. after a page reload)',
  security: authenticated,
  responses: { 200: jsonResponse(SessionInfoSchema, 'The session'), 401: errorResponses[401] },
});
for (const [path, summary] of [
  ['/admin/people/{id}/password', 'ADMIN: set a new password (and login); ends the person\'s sessions'],
  ['/admin/people/{id}/deactivate', 'ADMIN: deactivate the person; ends its sessions now'],
  ['/admin/people/{id}/api-key', 'ADMIN: a new API key for an integration, shown once; the old one stops working'],
] as const) {
  signinRegistry.registerPath({
    method: 'post',
    path,
    tags: ['admin'],
    summary,
    security: authenticated,
    request: { params: PersonIdParams, ...(path.endsWith('password') ? body(ResetPasswordBodySchema) : {}) },
    responses: { 200: { description: 'Done' }, 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404], 409: errorResponses[409] },
  });
}
signinRegistry.registerPath({
  method: 'get',
  path: '/access-log',
  tags: ['audit'],
  summary: 'AUDITOR, ADMIN of the district: sign-ins, failures, lockouts, sign-outs, API-key use, credential changes; newest first',
  security: authenticated,
  request: { query: AccessLogQuerySchema },
  responses: { 200: jsonResponse(AccessLogPageSchema, 'A page of the log'), 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403] },
});

export interface SignInRouteDeps {
  db: Db;
  cfg: AppConfig;
  signin: SignInServices;
  authenticator: Authenticator;
  /** Dropped after a deactivation: the intake must not assign cases to the person. */
  directory?: DirectoryCache;
}

/** Secure outside development and test: those run on plain http://127.0.0.1. */
export function sessionCookieOptions(cfg: Pick<AppConfig, 'NODE_ENV'>): CookieOptions {
  return { httpOnly: true, secure: cfg.NODE_ENV === 'production', sameSite: 'strict', path: '/' };
}

function answerSignedIn(res: Response, cfg: AppConfig, person: { id: string; name: string; role: string; unitId: string }, session: NewSession): void {
  // Credentials must not linger in any cache.
  res.setHeader('Cache-Control', 'no-store');
  const common = { personId: person.id, name: person.name, role: person.role, unitId: person.unitId, sessionId: session.id, expiresAt: session.expiresAt.toISOString() };
  if (session.kind === 'BROWSER') {
    res.cookie(SESSION_COOKIE, session.token, { ...sessionCookieOptions(cfg), expires: session.expiresAt });
    res.json({ ...common, client: 'browser', csrfToken: session.csrfToken });
  } else {
    res.json({ ...common, client: 'program', token: session.token, tokenType: 'Bearer' });
  }
}

const kindOf = (client: 'browser' | 'program') => (client === 'program' ? 'PROGRAM' : 'BROWSER') as 'PROGRAM' | 'BROWSER';

/** POST /auth/login and /auth/oidc: before authentication. */
export function signinPublicRouter(deps: SignInRouteDeps): Router {
  const router = Router();

  router.post('/auth/login', requireJsonBody, async (req, res) => {
    const b = parseOr400(LoginBodySchema, req.body ?? {}, 'body');
    if (!deps.cfg.PASSWORD_LOGIN) throw httpErrors.forbidden('local passwords are switched off here: sign in with the city single sign-on (POST /auth/oidc)');
    const r = await deps.signin.passwordSignIn({ login: b.login, password: b.password, kind: kindOf(b.client), ip: req.ip });
    if (r.ok) {
      answerSignedIn(res, deps.cfg, r.person, r.session);
      return;
    }
    if (r.reason === 'locked') {
      throw new DomainError('RateLimited', 'ACCOUNT_LOCKED', `too many failed sign-ins: this account is locked; try again in ${r.retryAfterSeconds} s`, {
        retryAfterSeconds: r.retryAfterSeconds,
      });
    }
    throw httpErrors.unauthorized('wrong login or password');
  });

  router.post('/auth/oidc', requireJsonBody, async (req, res) => {
    const b = parseOr400(OidcBodySchema, req.body ?? {}, 'body');
    if (!deps.signin.oidcSignIn) throw httpErrors.notFound('single sign-on is not configured here (OIDC_ISSUER)');
    // OidcUnavailableError is a DomainError (Unavailable: 503, SSO_UNAVAILABLE, Retry-After).
    const r = await deps.signin.oidcSignIn({ idToken: b.idToken, kind: kindOf(b.client), ip: req.ip });
    answerSignedIn(res, deps.cfg, r.person, r.session);
  });

  return router;
}

const adminOf = (req: Request) => {
  const p = principalOf(req);
  return { personId: p.personId, unitId: p.unitId };
};

/** Sign-out, the session, the admin's credential routes and the access log: after authentication. */
export function signinRouter(deps: SignInRouteDeps): Router {
  const router = Router();

  router.post('/auth/logout', async (req, res) => {
    const p = principalOf(req);
    if (!p.sessionId) {
      throw httpErrors.conflict('NOT_A_SESSION', `signed in with ${p.via === 'jwt' ? 'a JWT, which cannot be ended: it expires at its exp' : 'an API key: an admin rotates it instead'}`);
    }
    await deps.signin.sessions.revoke(p.sessionId, 'logout');
    await deps.signin.accessLog.record({ kind: 'SIGN_OUT', personId: p.personId, sessionId: p.sessionId, ip: req.ip });
    if (p.via === 'session') res.clearCookie(SESSION_COOKIE, sessionCookieOptions(deps.cfg));
    res.status(204).end();
  });

  router.get('/auth/session', async (req, res) => {
    const p = principalOf(req);
    res.setHeader('Cache-Control', 'no-store');
    const csrfToken = p.via === 'session' && p.sessionId ? await deps.signin.sessions.rotateCsrf(p.sessionId) : undefined;
    res.json({ personId: p.personId, via: p.via, sessionId: p.sessionId ?? null, ...(csrfToken ? { csrfToken } : {}) });
  });

  const admin = requireRole(['ADMIN'], "manage people's credentials");

  router.post('/admin/people/:id/password', admin, requireJsonBody, async (req, res) => {
    const { id } = parseOr400(PersonIdParams, req.params, 'params');
    const b = parseOr400(ResetPasswordBodySchema, req.body ?? {}, 'body');
    const r = await deps.signin.accounts.resetPassword(adminOf(req), id, b, req.ip);
    deps.authenticator.clear();
    res.json(r);
  });

  router.post('/admin/people/:id/deactivate', admin, async (req, res) => {
    const { id } = parseOr400(PersonIdParams, req.params, 'params');
    const r = await deps.signin.accounts.deactivate(adminOf(req), id, req.ip);
    // This instance forgets the person at once; others within their 10 s person cache.
    deps.authenticator.clear();
    deps.directory?.clear();
    res.json(r);
  });

  router.post('/admin/people/:id/api-key', admin, async (req, res) => {
    const { id } = parseOr400(PersonIdParams, req.params, 'params');
    const r = await deps.signin.accounts.rotateApiKey(adminOf(req), id, req.ip);
    deps.authenticator.clear();
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(r);
  });

  router.get('/access-log', requireRole(['AUDITOR', 'ADMIN'], 'read the access log'), async (req, res) => {
    const q = parseOr400(AccessLogQuerySchema, req.query, 'query');
    const where: Prisma.AccessLogWhereInput = {
      AND: [await accessLogScope(deps.db, principalOf(req).unitId)],
      ...(q.personId ? { personId: q.personId } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.from || q.to ? { at: { ...(q.from ? { gte: new Date(q.from) } : {}), ...(q.to ? { lt: new Date(q.to) } : {}) } } : {}),
    };
    const [rows, total] = await Promise.all([
      deps.db.accessLog.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
      deps.db.accessLog.count({ where }),
    ]);
    res.json({
      items: rows.map((r) => ({
        id: r.id.toString(),
        at: r.at.toISOString(),
        kind: r.kind,
        personId: r.personId,
        login: r.login,
        actorId: r.actorId,
        ip: r.ip,
        sessionId: r.sessionId,
        detail: r.detail ?? null,
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    });
  });

  return router;
}
