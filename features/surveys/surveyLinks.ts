// One-time revisit-survey links (回访链接): the command center issues a signed link for a
// closed case awaiting its survey; the resident opens it without an account and answers
// once. The token is an HS256 JWT (the service's JWT secret, its own audience) carrying the
// case code, a jti and an expiry. Single use is enforced by the SurveyLinkUse table: the jti
// is inserted before the answer goes to the case workflow, and deleted again if the
// workflow refuses the answer, so a refused answer leaves nothing behind.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { jwtSecret, type AppConfig } from '../../config/env';
import { workflowIdForCase } from '../../domain/caseCode';
import { asFact, assertNever, type Typed } from '../../domain/facts';
import { DomainError, type ErrorKind } from '../../domain/errors';
import type { Actor, Satisfaction } from '../../domain/types';
import { residentActorId } from '../../workflows/caseMachine';
import { getCaseStateQuery, recordSurveyUpdate, type CaseState } from '../../workflows/messages';
import type { Db } from '../../platform/db';

export type SurveyLinkConfig = Pick<AppConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'SURVEY_LINK_TTL_HOURS'>;

/** Audience of survey-link tokens: an access token is never a survey link, nor the reverse. */
export const SURVEY_LINK_AUDIENCE = 'revisit-survey';
const ALGORITHM = 'HS256';
/** How long the link's answer may wait for the case workflow. */
const UPDATE_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = 5_000;

/** Why a link cannot be used. */
export type SurveyLinkErrorKind =
  | 'INVALID' // not a link this service signed (NotFound, SURVEY_LINK_INVALID: 404)
  | 'EXPIRED' // past its expiry (Gone, SURVEY_LINK_EXPIRED: 410)
  | 'USED' // already answered through (Gone, SURVEY_LINK_USED: 410)
  | 'NO_CASE' // the case does not exist (NotFound, NOT_FOUND: 404)
  | 'FORBIDDEN' // the issuer is not the case's district command center (Forbidden, FORBIDDEN: 403)
  | 'NOT_AWAITING'; // the case is not closed and awaiting its survey (Conflict, NOT_AWAITING_SURVEY: 409)

const AS_DOMAIN: Record<SurveyLinkErrorKind, [ErrorKind, string]> = {
  INVALID: ['NotFound', 'SURVEY_LINK_INVALID'],
  EXPIRED: ['Gone', 'SURVEY_LINK_EXPIRED'],
  USED: ['Gone', 'SURVEY_LINK_USED'],
  NO_CASE: ['NotFound', 'NOT_FOUND'],
  FORBIDDEN: ['Forbidden', 'FORBIDDEN'],
  NOT_AWAITING: ['Conflict', 'NOT_AWAITING_SURVEY'],
};

export class SurveyLinkError extends DomainError {
  override name = 'SurveyLinkError';
  constructor(
    readonly reason: SurveyLinkErrorKind,
    message: string,
  ) {
    super(AS_DOMAIN[reason][0], AS_DOMAIN[reason][1], message);
  }
}

/** What a verified link says. */
export interface SurveyLinkClaims {
  code: string;
  jti: string;
  /** epoch ms */
  expiresAt: number;
}

const keyOf = (cfg: SurveyLinkConfig) => new TextEncoder().encode(jwtSecret(cfg as AppConfig));

/** Sign a link token for case `code` (lifetime cfg.SURVEY_LINK_TTL_HOURS unless given). */
export async function signSurveyToken(
  cfg: SurveyLinkConfig,
  code: string,
  opts: { now?: number; ttlHours?: number; jti?: string } = {},
): Promise<{ token: string } & SurveyLinkClaims> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const exp = iat + Math.round((opts.ttlHours ?? cfg.SURVEY_LINK_TTL_HOURS) * 3600);
  const jti = opts.jti ?? randomUUID();
  const token = await new SignJWT({ code })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(cfg.JWT_ISSUER)
    .setAudience(SURVEY_LINK_AUDIENCE)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keyOf(cfg));
  return { token, code, jti, expiresAt: exp * 1000 };
}

/** Verify signature, issuer, audience and expiry; throws SurveyLinkError INVALID or EXPIRED. */
export async function verifySurveyToken(cfg: SurveyLinkConfig, token: string, opts: { now?: number } = {}): Promise<SurveyLinkClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keyOf(cfg), {
      issuer: cfg.JWT_ISSUER,
      audience: SURVEY_LINK_AUDIENCE,
      algorithms: [ALGORITHM],
      requiredClaims: ['jti', 'exp'],
      ...(opts.now !== undefined ? { currentDate: new Date(opts.now) } : {}),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new SurveyLinkError('EXPIRED', 'this survey link has expired');
    throw new SurveyLinkError('INVALID', 'this is not a valid survey link');
  }
  const { code, jti, exp } = payload;
  if (typeof code !== 'string' || code === '' || typeof jti !== 'string' || jti === '' || typeof exp !== 'number') {
    throw new SurveyLinkError('INVALID', 'this is not a valid survey link');
  }
  return { code, jti, expiresAt: exp * 1000 };
}

export interface SurveyLinkDeps {
  db: Pick<Db, 'case' | 'caseEvent' | 'matterCategory' | 'surveyLinkUse'>;
  temporal: Client;
  cfg: SurveyLinkConfig;
}

/** Whether the live case is closed with its survey window open. */
export function awaitsSurvey(s: Pick<CaseState, 'status' | 'windows'>): boolean {
  return s.status === 'CLOSED' && s.windows.some((w) => w.kind === 'SURVEY');
}

/**
 * Issue a link for a case the district command center may survey: the case must exist,
 * belong to the issuer's district, and be closed awaiting its survey (asked of the workflow).
 */
export async function issueSurveyLink(
  deps: SurveyLinkDeps,
  code: string,
  issuer: Pick<Actor, 'unitId'>,
  opts: { now?: number; ttlHours?: number } = {},
): Promise<{ token: string } & SurveyLinkClaims> {
  const row = await deps.db.case.findUnique({ where: { code }, select: { districtId: true } });
  if (!row) throw new SurveyLinkError('NO_CASE', `no case ${code}`);
  if (row.districtId !== issuer.unitId) throw new SurveyLinkError('FORBIDDEN', `case ${code} is surveyed by the command center of district ${row.districtId}`);
  const { temporal } = deps;
  const state = await temporal.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () =>
    temporal.workflow.getHandle(workflowIdForCase(code)).query(getCaseStateQuery),
  );
  if (!awaitsSurvey(state)) {
    throw new SurveyLinkError('NOT_AWAITING', `case ${code} is ${state.status}, not closed and awaiting its revisit survey`);
  }
  return signSurveyToken(deps.cfg, code, opts);
}

/** What the resident sees before answering. */
export interface SurveyLinkView {
  code: string;
  categoryCode: string;
  categoryName: string;
  closedAt: string | null;
  /** What the handlers reported doing, as recorded before the case was closed. */
  closingSummary: string;
  awaitingSurvey: boolean;
  expiresAt: string;
}

/** One recorded event, as far as the closing summary needs it. */
export interface SummaryEvent {
  seq: number;
  type: string;
  data: unknown;
}

/**
 * The results reported in the handling round that ended in the latest closing: result
 * summaries after the last return, reopen or resumption and before the CLOSED event.
 */
export function closingSummary(events: readonly SummaryEvent[]): string {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let closed = -1;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (sorted[i].type === 'CLOSED') {
      closed = i;
      break;
    }
  }
  if (closed < 0) return '';
  const parts: string[] = [];
  for (let i = closed - 1; i >= 0; i--) {
    const fact = asFact(sorted[i]);
    if (!fact) continue; // a fact type of newer code says nothing here
    const part = summaryPart(fact);
    if (part === ROUND_START) break;
    if (typeof part === 'string' && part.trim()) parts.unshift(part.trim());
  }
  return parts.join('\n');
}

const ROUND_START = Symbol('round start');

/** What a fact adds to the closing summary: a result text, nothing, or ROUND_START (a handling round began here). */
function summaryPart(fact: Typed<SummaryEvent>): string | undefined | typeof ROUND_START {
  // Destructured, so that `data` narrows with `type` in each case.
  const { type, data } = fact;
  switch (type) {
    case 'REVIEW_RETURNED':
    case 'REOPENED':
    case 'PLAN_RESUMED':
    case 'CLOSED':
      return ROUND_START;
    case 'RESULT_SUBMITTED':
    case 'DEPARTMENT_RESULT':
      return data.summary;
    case 'GUIDANCE_GIVEN':
      return data.guidance;
    case 'REPORTED':
    case 'ACCEPTED':
    case 'RESPONDED':
    case 'REMINDED':
    case 'BREACHED':
    case 'ESCALATED':
    case 'LEADER_LISTED':
    case 'DEPARTMENT_CALLED':
    case 'DEPARTMENT_REPORTED':
    case 'EVIDENCE_UPLOADED':
    case 'REVIEW_REQUESTED':
    case 'REVIEWED_CLOSED':
    case 'LONG_TERM_PLANNED':
    case 'PLAN_REVIEW_DUE':
    case 'EXTENSION_REQUESTED':
    case 'EXTENSION_APPROVED':
    case 'EXTENSION_REJECTED':
    case 'EXTENSION_ESCALATED':
    case 'SURVEY_RECORDED':
    case 'SURVEY_UNREACHABLE':
    case 'REASSIGNED':
    case 'CALENDAR_REPLANNED':
    case 'LEADER_ASSIGNED':
    case 'LEADER_TICKED_OFF':
    case 'URGED':
    case 'URGE_REPLIED':
    case 'URGE_NOTICED':
    case 'SITE_STEP':
    case 'SENT_DOWN':
    case 'DELIBERATION_STEP':
    case 'PAUSE_REQUESTED':
    case 'PAUSE_APPROVED':
    case 'PAUSE_REJECTED':
    case 'PAUSE_ESCALATED':
    case 'PAUSE_ENDED':
      return undefined;
    default:
      return assertNever(type, 'fact type');
  }
}

/** Read a link: the case, its category and closing summary. Throws SurveyLinkError. */
export async function viewSurveyLink(deps: SurveyLinkDeps, token: string, opts: { now?: number } = {}): Promise<SurveyLinkView> {
  const claims = await verifySurveyToken(deps.cfg, token, opts);
  const used = await deps.db.surveyLinkUse.findUnique({ where: { jti: claims.jti }, select: { jti: true } });
  if (used) throw new SurveyLinkError('USED', 'this survey link has already been used; thank you');
  const row = await deps.db.case.findUnique({ where: { code: claims.code }, select: { categoryCode: true, status: true, closedAt: true } });
  if (!row) throw new SurveyLinkError('INVALID', 'this is not a valid survey link');
  const category = await deps.db.matterCategory.findUnique({ where: { code: row.categoryCode }, select: { name: true } });
  const events = await deps.db.caseEvent.findMany({
    where: { caseCode: claims.code, type: { in: ['RESULT_SUBMITTED', 'DEPARTMENT_RESULT', 'GUIDANCE_GIVEN', 'REVIEW_RETURNED', 'REOPENED', 'PLAN_RESUMED', 'CLOSED'] } },
    select: { seq: true, type: true, data: true },
    orderBy: { seq: 'asc' },
  });
  return {
    code: claims.code,
    categoryCode: row.categoryCode,
    categoryName: category?.name ?? row.categoryCode,
    closedAt: row.closedAt?.toISOString() ?? null,
    closingSummary: closingSummary(events),
    // The projection: the workflow is the judge when the answer arrives.
    awaitingSurvey: row.status === 'CLOSED',
    expiresAt: new Date(claims.expiresAt).toISOString(),
  };
}

/** The resident's answer. */
export interface SurveyLinkAnswer {
  satisfaction: Satisfaction;
  solved: boolean;
  comment?: string;
}

/**
 * Answer through a link, once. The jti is claimed first (a second use fails on the primary
 * key, also when two answers race); then the case workflow records the survey as the
 * resident (channel LINK). If the workflow refuses — or cannot be reached — the claim is
 * released, so the link still works and nothing half-written remains.
 */
export async function redeemSurveyLink(
  deps: SurveyLinkDeps,
  token: string,
  answer: SurveyLinkAnswer,
  opts: { now?: number } = {},
): Promise<{ code: string; state: CaseState }> {
  const claims = await verifySurveyToken(deps.cfg, token, opts);
  const row = await deps.db.case.findUnique({ where: { code: claims.code }, select: { districtId: true } });
  if (!row) throw new SurveyLinkError('INVALID', 'this is not a valid survey link');
  try {
    await deps.db.surveyLinkUse.create({ data: { jti: claims.jti, caseCode: claims.code } });
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'P2002') throw new SurveyLinkError('USED', 'this survey link has already been used; thank you');
    throw err;
  }
  const actor: Actor = { personId: residentActorId(claims.code), role: 'REPORTER', unitId: row.districtId };
  const { temporal } = deps;
  try {
    const state = await temporal.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
      temporal.workflow.getHandle(workflowIdForCase(claims.code)).executeUpdate(recordSurveyUpdate, {
        args: [{ actor, satisfaction: answer.satisfaction, solved: answer.solved, ...(answer.comment ? { comment: answer.comment } : {}), channel: 'LINK' }],
        // A retried request is deduplicated by Temporal instead of answering twice.
        updateId: `survey-link:${claims.jti}`,
      }),
    );
    return { code: claims.code, state };
  } catch (err) {
    // Released whatever the failure: the workflow itself refuses a second survey, so this is safe.
    await deps.db.surveyLinkUse.deleteMany({ where: { jti: claims.jti } });
    // The case workflow has ended (surveyed another way, or archived): nothing to answer now.
    if (err instanceof WorkflowNotFoundError) throw new SurveyLinkError('NOT_AWAITING', 'this case no longer awaits a survey');
    throw err;
  }
}
