// Authenticate a route unless the app already did, so a router works mounted before the
// app-wide `authenticate` (next to public routes) as well as after it.
import type { RequestHandler } from 'express';
import type { AppConfig } from '../../config/env';
import { createAuthenticator, type Authenticator } from '../../features/auth/auth';
import type { Db } from '../../platform/db';
import { authenticate } from './auth';

/** Sets req.principal from the credentials, or keeps the one already set. */
export function ensurePrincipal(deps: { db: Db; cfg: AppConfig; authenticator?: Authenticator }): RequestHandler {
  const viaAuthenticator = authenticate(deps.authenticator ?? createAuthenticator({ db: deps.db, cfg: deps.cfg }));
  return (req, res, next) => (req.principal ? next() : viaAuthenticator(req, res, next));
}
