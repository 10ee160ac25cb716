// Authentication and the coarse role rules. Who may act on a particular case is decided
// by the case workflow's validators; here only "which roles may call this at all".
import type { Request, RequestHandler } from 'express';
import type { Role } from '../../domain/types';
import type { Authenticator, Principal } from '../../features/auth/auth';
import { httpErrors } from '../errors';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` on every protected route. */
    principal?: Principal;
  }
}

/** Require a bearer token or an API key; sets req.principal. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    const apiKey = req.headers['x-api-key'];
    const csrf = req.headers['x-csrf-token'];
    req.principal = await authenticator.authenticate({
      authorization: req.headers.authorization,
      apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey,
      cookie: req.headers.cookie,
      method: req.method,
      csrfToken: Array.isArray(csrf) ? csrf[0] : csrf,
      ip: req.ip,
    });
    req.log?.setBindings?.({ personId: req.principal.personId });
    next();
  };
}

/** The authenticated caller (routes behind `authenticate` only). */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw httpErrors.unauthorized('authentication required');
  return req.principal;
}

/** Only these roles may call the route. */
export function requireRole(roles: readonly Role[], what: string): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    if (!roles.includes(p.role)) throw httpErrors.forbidden(`${p.role} may not ${what}`);
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Auditors read everything and write nothing. */
export const forbidAuditorWrites: RequestHandler = (req, _res, next) => {
  if (!SAFE_METHODS.has(req.method) && req.principal?.role === 'AUDITOR') {
    throw httpErrors.forbidden('auditors have read-only access');
  }
  next();
};
