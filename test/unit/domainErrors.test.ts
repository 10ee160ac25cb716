// One error type: DomainError (domain/errors) with a kind, a code and details; api/errors maps
// kinds to HTTP once, and both renderers (JSON, Open311) start from the same DomainError.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, HTTP_STATUS, fromWorkflowFailure, toApiError, toDomainError } from '../../api/errors';
import { toOpen311Error } from '../../api/open311/router';
import { Open311KeyError } from '../../api/open311/clients';
import { PeriodError } from '../../domain/assessment/period';
import { bodyRelative, DomainError, domainErrors, inBody, type ErrorKind } from '../../domain/errors';
import { PolicyError } from '../../domain/policy';
import { AdminError, conflict, invalid, notFound } from '../../features/admin/errors';
import { AlreadyScoredError } from '../../features/assessment/callScores';
import { AccountError } from '../../features/auth/accounts';
import { AuthError } from '../../features/auth/auth';
import { OidcUnavailableError } from '../../features/auth/oidc';
import { IntakeError } from '../../features/intake/intake';
import { AttributeDefinitionError } from '../../features/open311/attributes';
import { SurveyLinkError, type SurveyLinkErrorKind } from '../../features/surveys/surveyLinks';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';

describe('DomainError', () => {
  it('is pure: no express, Temporal or zod', () => {
    const src = readFileSync(join(__dirname, '../../domain/errors.ts'), 'utf8');
    expect(src).not.toMatch(/^import /m);
  });

  it('no error class in domain/ or features/ extends Error directly: each is a DomainError', () => {
    const root = join(__dirname, '../..');
    const offenders = ['domain', 'features']
      .flatMap((dir) => (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)))
      .filter((f) => f !== join('domain', 'errors.ts') && /class \w+ extends Error\b/.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the errors of features are DomainErrors, with their codes kept', () => {
    expect(new AuthError('no token')).toMatchObject({ kind: 'Unauthenticated', code: 'UNAUTHENTICATED', message: 'no token' });
    expect(new AuthError('x')).toBeInstanceOf(DomainError);
    const invalid = new IntakeError('INVALID', 'the report cannot be routed', [{ path: 'body.location', message: 'no grid' }]);
    expect(invalid).toMatchObject({ kind: 'BadInput', code: 'VALIDATION_FAILED', reason: 'INVALID', details: { fields: [{ path: 'body.location', message: 'no grid' }] } });
    expect(new IntakeError('IDEMPOTENCY_CONFLICT', 'used')).toMatchObject({ kind: 'Conflict', code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

/** What a client sees of an error: the status, code, message, fields and headers the one table gives it. */
const seen = (err: unknown) => {
  const e = toApiError(err);
  return { status: e.status, code: e.code, message: e.message, fields: e.fields, headers: e.headers };
};

describe('the former per-route classes: DomainErrors with the statuses and codes their routes gave them', () => {
  it('AdminError (was fromAdminError/adminCall): fields stored as API paths', () => {
    expect(notFound('unit U-1')).toBeInstanceOf(DomainError);
    expect(seen(notFound('unit U-1'))).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'no unit U-1' });
    expect(seen(new AdminError('FORBIDDEN', 'your unit belongs to no district'))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(seen(conflict('OPEN_CASES', 'it has open cases'))).toMatchObject({ status: 409, code: 'OPEN_CASES', message: 'it has open cases' });
    expect(seen(new AdminError('CONFLICT', 'clash'))).toMatchObject({ status: 409, code: 'CONFLICT' });
    const bad = invalid([{ path: 'departmentIds.1', message: 'no unit D-9' }, { path: '', message: 'empty' }], 'the calendar is invalid');
    expect(bad).toMatchObject({ name: 'AdminError', reason: 'INVALID', kind: 'BadInput' });
    expect(seen(bad)).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'the calendar is invalid',
      fields: [{ path: 'body.departmentIds.1', message: 'no unit D-9' }, { path: 'body', message: 'empty' }],
      headers: undefined,
    });
  });

  it('the body-relative rule: features store inBody paths, a CLI prints bodyRelative ones', () => {
    expect(inBody('holidays.0.date')).toBe('body.holidays.0.date');
    expect(inBody('')).toBe('body');
    expect(bodyRelative('body.holidays.0.date')).toBe('holidays.0.date');
    expect(bodyRelative('body')).toBe('');
    expect(bodyRelative('query.period')).toBe('query.period');
  });

  it('AccountError (was fromAccountError)', () => {
    expect(seen(new AccountError('NOT_FOUND', 'no person P-1'))).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'no person P-1' });
    expect(seen(new AccountError('FORBIDDEN', 'another district'))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(seen(new AccountError('CONFLICT', 'the login x is taken', 'LOGIN_TAKEN'))).toMatchObject({ status: 409, code: 'LOGIN_TAKEN' });
    expect(seen(new AccountError('INVALID', 'the password is too short', 'password'))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'the password is too short',
      fields: [{ path: 'body.password', message: 'the password is too short' }],
    });
  });

  it('OidcUnavailableError (was caught in POST /auth/oidc): 503 SSO_UNAVAILABLE, retry in 5 s, its cause kept', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new OidcUnavailableError('the single sign-on provider cannot be reached', { cause });
    expect(e).toMatchObject({ name: 'OidcUnavailableError', cause });
    expect(seen(e)).toMatchObject({ status: 503, code: 'SSO_UNAVAILABLE', message: 'the single sign-on provider cannot be reached', headers: { 'Retry-After': '5' } });
  });

  it('AlreadyScoredError (was caught in the score route): 409 ALREADY_SCORED', () => {
    expect(seen(new AlreadyScoredError('scores are final'))).toMatchObject({ status: 409, code: 'ALREADY_SCORED', message: 'scores are final' });
  });

  it.each<[SurveyLinkErrorKind, number, string]>([
    ['INVALID', 404, 'SURVEY_LINK_INVALID'],
    ['EXPIRED', 410, 'SURVEY_LINK_EXPIRED'],
    ['USED', 410, 'SURVEY_LINK_USED'],
    ['NO_CASE', 404, 'NOT_FOUND'],
    ['FORBIDDEN', 403, 'FORBIDDEN'],
    ['NOT_AWAITING', 409, 'NOT_AWAITING_SURVEY'],
  ])('SurveyLinkError %s (was surveyLinkApiError) → %i %s', (reason, status, code) => {
    expect(seen(new SurveyLinkError(reason, 'why'))).toMatchObject({ status, code, message: 'why' });
  });

  it('PeriodError: BadInput; PolicyError: our data, a 500 that names the setting as data', () => {
    expect(seen(new PeriodError('not a period: "2026-13"'))).toMatchObject({ status: 400, code: 'INVALID_PERIOD' });
    const policy = new PolicyError('windowOverrides.onSiteHours', 'windowOverrides.onSiteHours is set on a category that is not urgent');
    expect(policy).toMatchObject({ setting: 'windowOverrides.onSiteHours', kind: 'Internal' });
    expect(seen(policy)).toMatchObject({ status: 500, code: 'POLICY_INVALID' });
  });

  it('Open311KeyError and AttributeDefinitionError: the Open311 renderer answers them from the DomainError', () => {
    expect(new Open311KeyError('Invalid api_key received')).toMatchObject({ kind: 'Unauthenticated', code: 'INVALID_API_KEY' });
    expect(toOpen311Error(new Open311KeyError('Invalid api_key received'), 'r')).toEqual({
      error: expect.objectContaining({ status: 403, errors: [{ code: 403, description: 'Invalid api_key received' }] }),
      internal: false,
    });
    const misconfigured = toOpen311Error(new AttributeDefinitionError('category X: invalid attributes: 0.datatype: bad'), 'req-9');
    expect(misconfigured.internal).toBe(true);
    expect(misconfigured.error).toMatchObject({ status: 400, errors: [{ code: 500, description: 'the service definition is misconfigured; please tell us (request id req-9)' }] });
  });
});

describe('kinds to HTTP, in one table', () => {
  it.each(Object.entries(HTTP_STATUS))('%s → %i', (kind, status) => {
    expect(toApiError(new DomainError(kind as ErrorKind, 'C', 'm')).status).toBe(status);
  });

  it('headers follow the kind and the details', () => {
    expect(toApiError(domainErrors.unauthenticated('x')).headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    expect(toApiError(new DomainError('RateLimited', 'RATE_LIMITED', 'slow', { retryAfterSeconds: 60 })).headers).toEqual({ 'Retry-After': '60' });
    expect(toApiError(domainErrors.forbidden('no')).headers).toBeUndefined();
  });

  it('an ApiError keeps its explicit status and reads as the kind of that status', () => {
    expect(new ApiError(410, 'GONE', 'x').kind).toBe('Gone');
    expect(new ApiError(418, 'TEAPOT', 'x').kind).toBe('BadInput');
    expect(toDomainError(new TypeError('x'))).toMatchObject({ kind: 'Internal', code: 'INTERNAL' });
  });
});

describe('the case workflow\'s refusals, converted once', () => {
  it.each([
    [FORBIDDEN_ERROR, 'Forbidden', 'FORBIDDEN'],
    [CONFLICT_ERROR, 'InvalidTransition', 'INVALID_TRANSITION'],
    [BAD_INPUT_ERROR, 'BadInput', 'BAD_INPUT'],
  ])('%s → %s', (type, kind, code) => {
    expect(fromWorkflowFailure(type, 'because')).toMatchObject({ kind, code, message: 'because' });
  });

  it('BadInput fields from the details; the message prefix only for old workers', () => {
    expect(fromWorkflowFailure(BAD_INPUT_ERROR, 'reason: say why', [{ field: 'reason', message: 'say why' }])?.details.fields).toEqual([{ path: 'body.reason', message: 'say why' }]);
    expect(fromWorkflowFailure(BAD_INPUT_ERROR, 'days: at least 1')?.details.fields).toEqual([{ path: 'body.days', message: 'at least 1' }]);
    expect(fromWorkflowFailure('Other', 'x')).toBeUndefined();
  });
});

describe('Open311 renders the same DomainError', () => {
  it('a refusal: HTTP 400 with the JSON API\'s status as the entry code', () => {
    expect(toOpen311Error(new DomainError('Gone', 'SURVEY_LINK_USED', 'used'), 'r').error).toMatchObject({ status: 400, errors: [{ code: 410, description: 'used' }] });
    expect(toOpen311Error(domainErrors.validation([{ path: 'body.categoryCode', message: 'unknown' }]), 'r').error.errors).toEqual([
      { code: 400, description: 'service_code: unknown' },
    ]);
  });
});
