// Builds the express app without listening: main.ts listens, tests use supertest on it.
import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import { createAuthenticator } from '../features/auth/auth';
import type { ApiDeps } from './deps';
import { consoleRouter } from './console';
import { errorHandler, notFoundHandler } from './errors';
import { authenticate, forbidAuditorWrites } from './middleware/auth';
import { authFailureRateLimit, principalRateLimit } from './middleware/rateLimit';
import { createSignInServices, withSessions } from './middleware/sessionAuth';
import { requestLogger } from './middleware/requestLogger';
import { createApiMetrics } from './metrics';
import { createOpen311Router } from './open311';
import { openApiDocument } from './openapi';
import { adminRouter } from './routes/admin';
import { createAssessmentRouter } from './routes/assessment';
import { createAuditRouter } from './routes/audit';
import { createSurveyRouter } from './routes/survey';
import { caseActionsRouter } from './routes/caseActions';
import { evidenceFilesRouter } from './routes/evidenceFiles';
import { casesRouter } from './routes/cases';
import { directoryRouter } from './routes/directory';
import { healthRouter } from './routes/health';
import { inboxRouter } from './routes/inbox';
import { commandCenterBoardRouter } from './routes/commandCenterBoard';
import { leadersRouter } from './routes/leaders';
import { outboxRouter } from './routes/outbox';
import { personalDataRouter } from './routes/personalData';
import { routinesRouter } from './routes/routines';
import { codecCors, codecRouter } from './routes/codec';
import { signinPublicRouter, signinRouter } from './routes/signin';

export type { ApiDeps } from './deps';

/** The HTTP API over the given dependencies. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  const signin = createSignInServices({ db: deps.db, cfg: deps.cfg, now: deps.now });
  const authenticator = withSessions(deps.authenticator ?? createAuthenticator({ db: deps.db, cfg: deps.cfg }), signin, deps.logger);
  const signinDeps = { db: deps.db, cfg: deps.cfg, signin, authenticator, directory: deps.directory };

  const metrics = createApiMetrics(deps.cfg);

  app.disable('x-powered-by');
  app.set('etag', false);
  // Without it req.ip is the proxy's address, and every client behind it shares one rate limit.
  app.set('trust proxy', deps.cfg.TRUST_PROXY);
  app.use(metrics.middleware);
  app.use(requestLogger(deps.logger));
  // No upgrade-insecure-requests: on a plain-HTTP deployment it would send the docs' assets to https.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // Open311 clients authenticate with their api_key and parse their own (form) bodies.
  app.use('/open311/v2', createOpen311Router(deps));
  app.use(express.json({ limit: deps.cfg.API_BODY_LIMIT }));

  // Public: probes and documentation. /metrics guards itself (METRICS_TOKEN or loopback: api/metrics.ts).
  app.use(healthRouter(deps));
  app.get('/metrics', metrics.handler);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(undefined, { swaggerOptions: { url: '/openapi.json' }, customSiteTitle: 'Case orchestrator API' }));

  // The web console's static files (public: the data behind them needs a session).
  app.use(consoleRouter(deps.consoleDir));

  // Residents answer revisit surveys through a signed one-time link, without an account.
  app.use(createSurveyRouter({ ...deps, authenticator }));

  // Everything else needs a known, active person.
  app.use(authFailureRateLimit(deps.cfg.API_RATE_LIMIT_PER_MINUTE));
  app.use(codecCors(deps.cfg.CODEC_CORS_ORIGINS));
  app.use(signinPublicRouter(signinDeps));
  app.use(authenticate(authenticator));
  app.use(principalRateLimit(deps.cfg.API_RATE_LIMIT_PER_MINUTE));
  app.use(signinRouter(signinDeps));
  // Decoding is a read, though the codec protocol POSTs it: before the auditors' read-only guard.
  app.use(codecRouter(deps));
  app.use(forbidAuditorWrites);
  app.use(casesRouter(deps));
  app.use(caseActionsRouter(deps));
  app.use(evidenceFilesRouter(deps));
  app.use(inboxRouter(deps));
  app.use(commandCenterBoardRouter(deps));
  app.use(leadersRouter(deps));
  app.use(directoryRouter(deps));
  app.use(adminRouter({ ...deps, authenticator }));
  app.use(createAuditRouter(deps));
  app.use(outboxRouter(deps));
  app.use(personalDataRouter(deps));
  app.use(routinesRouter(deps));
  app.use(createAssessmentRouter({ ...deps, authenticator }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
