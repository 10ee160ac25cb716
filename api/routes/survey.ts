// One-time revisit-survey links. The command center issues a link for a closed case
// awaiting its survey (authenticated); the resident opens and answers it without an
// account (public: GET and POST /survey/:token need no credentials — mount this router
// before the app-wide `authenticate`; its own protected route authenticates itself).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AppConfig } from '../../config/env';
import type { Authenticator } from '../../features/auth/auth';
import type { Db } from '../../platform/db';
import { issueSurveyLink, redeemSurveyLink, viewSurveyLink, type SurveyLinkDeps } from '../../features/surveys/surveyLinks';
import { DomainError } from '../../domain/errors';
import { principalOf, requireRole } from '../middleware/auth';
import { ensurePrincipal } from '../middleware/ensurePrincipal';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { authenticated, CaseCodeParams, ErrorBodySchema, errorResponses, IsoDateTime, jsonResponse } from '../schemas/common';

export interface SurveyRouterDeps {
  db: Db;
  temporal: Client;
  cfg: AppConfig;
  logger: Logger;
  /** Defaults to createAuthenticator over `db` and `cfg` (used only when the app has not authenticated already). */
  authenticator?: Authenticator;
}

/** Public answers per IP per minute (a link is single-use; this only slows guessing). */
const PUBLIC_PER_MINUTE = 60;

const TokenParams = z.object({ token: z.string().min(20).max(2048).meta({ description: 'The signed one-time link token' }) });

export const SurveyAnswerBodySchema = z
  .strictObject({
    satisfaction: z.enum(['SATISFIED', 'BASICALLY_SATISFIED', 'UNSATISFIED']),
    solved: z.boolean().meta({ description: 'Was the problem actually solved?' }),
    comment: z.string().trim().max(2000).optional(),
  })
  .meta({ id: 'SurveyAnswer' });

const SurveyLinkIssuedSchema = z
  .object({
    code: z.string(),
    token: z.string(),
    path: z.string().meta({ description: 'Public path to send the resident (prefix with the public base URL)', example: '/survey/eyJhbGciOi…' }),
    jti: z.string(),
    expiresAt: IsoDateTime,
  })
  .meta({ id: 'SurveyLinkIssued' });

const SurveyLinkViewSchema = z
  .object({
    code: z.string(),
    categoryCode: z.string(),
    categoryName: z.string(),
    closedAt: IsoDateTime.nullable(),
    closingSummary: z.string(),
    awaitingSurvey: z.boolean(),
    expiresAt: IsoDateTime,
  })
  .meta({ id: 'SurveyLinkView' });

const SurveyAnsweredSchema = z
  .object({ code: z.string(), status: z.string(), reopened: z.boolean(), message: z.string() })
  .meta({ id: 'SurveyAnswered' });

export const surveyRegistry = new OpenAPIRegistry();
surveyRegistry.registerPath({
  method: 'post',
  path: '/cases/{code}/survey-link',
  tags: ['revisit survey'],
  summary: 'Issue a one-time survey link for a closed case awaiting its revisit survey (district command center)',
  security: authenticated,
  request: { params: CaseCodeParams },
  responses: {
    201: jsonResponse(SurveyLinkIssuedSchema, 'The link'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    404: errorResponses[404],
    409: errorResponses[409],
    503: errorResponses[503],
  },
});
surveyRegistry.registerPath({
  method: 'get',
  path: '/survey/{token}',
  tags: ['revisit survey'],
  summary: 'Public: what the link is about (case code, category, closing summary)',
  request: { params: TokenParams },
  responses: {
    200: jsonResponse(SurveyLinkViewSchema, 'The case to rate'),
    404: errorResponses[404],
    410: jsonResponse(ErrorBodySchema, 'Expired or already used'),
    429: errorResponses[429],
  },
});
surveyRegistry.registerPath({
  method: 'post',
  path: '/survey/{token}',
  tags: ['revisit survey'],
  summary: 'Public: answer the revisit survey, once',
  request: { params: TokenParams, body: { content: { 'application/json': { schema: SurveyAnswerBodySchema } }, required: true } },
  responses: {
    200: jsonResponse(SurveyAnsweredSchema, 'Recorded'),
    400: errorResponses[400],
    404: errorResponses[404],
    409: errorResponses[409],
    410: jsonResponse(ErrorBodySchema, 'Expired or already used'),
    429: errorResponses[429],
    503: errorResponses[503],
  },
});

/** The survey-link routes: POST /cases/:code/survey-link (command center), GET and POST /survey/:token (public). */
export function createSurveyRouter(deps: SurveyRouterDeps): Router {
  const router = Router();
  const links: SurveyLinkDeps = { db: deps.db, temporal: deps.temporal, cfg: deps.cfg };
  const publicLimit = rateLimit({
    windowMs: 60_000,
    limit: PUBLIC_PER_MINUTE,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) => `survey:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`,
    handler: (_req, _res, next) => next(new DomainError('RateLimited', 'RATE_LIMITED', 'too many requests; slow down', { retryAfterSeconds: 60 })),
  });
  // The token is a bearer credential in the URL: keep it out of caches and referrers.
  const noStore: RequestHandler = (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };

  router.post('/cases/:code/survey-link', ensurePrincipal(deps), requireRole(['COMMAND_CENTER'], 'issue survey links'), async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    const principal = principalOf(req);
    const link = await issueSurveyLink(links, code, principal);
    req.log?.info?.({ code, jti: link.jti, by: principal.personId }, 'survey link issued');
    res.status(201).json({ code, token: link.token, path: `/survey/${link.token}`, jti: link.jti, expiresAt: new Date(link.expiresAt).toISOString() });
  });

  router.get('/survey/:token', publicLimit, noStore, async (req, res) => {
    const { token } = parseOr400(TokenParams, req.params, 'params');
    res.json(await viewSurveyLink(links, token));
  });

  router.post('/survey/:token', publicLimit, noStore, requireJsonBody, async (req, res) => {
    const { token } = parseOr400(TokenParams, req.params, 'params');
    const answer = parseOr400(SurveyAnswerBodySchema, req.body ?? {}, 'body');
    // SurveyLinkErrors (and NOT_AWAITING when the case workflow has ended) are DomainErrors.
    const { code, state } = await redeemSurveyLink(links, token, answer);
    const reopened = state.status !== 'SURVEYED';
    res.json({
      code,
      status: state.status,
      reopened,
      message: reopened ? 'Thank you. The case has been reopened and will be handled again.' : 'Thank you for your answer.',
    });
  });

  return router;
}
