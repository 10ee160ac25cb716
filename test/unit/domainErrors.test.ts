// One error type: DomainError (domain/errors) with a kind, a code and details; api/errors maps
// kinds to HTTP once, and both renderers (JSON, Open311) start from the same DomainError.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, HTTP_STATUS, fromWorkflowFailure, toApiError, toDomainError } from '../../api/errors';
import { toOpen311Error } from '../../api/open311/router';
import { DomainError, domainErrors, type ErrorKind } from '../../domain/errors';
import { AuthError } from '../../features/auth/auth';
import { IntakeError } from '../../features/intake/intake';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';

describe('DomainError', () => {
  it('is pure: no express, Temporal or zod', () => {
    const src = readFileSync(join(__dirname, '../../domain/errors.ts'), 'utf8');
    expect(src).not.toMatch(/^import /m);
  });

  it('the errors of features are DomainErrors, with their codes kept', () => {
    expect(new AuthError('no token')).toMatchObject({ kind: 'Unauthenticated', code: 'UNAUTHENTICATED', message: 'no token' });
    expect(new AuthError('x')).toBeInstanceOf(DomainError);
    const invalid = new IntakeError('INVALID', 'the report cannot be routed', [{ path: 'body.location', message: 'no grid' }]);
    expect(invalid).toMatchObject({ kind: 'BadInput', code: 'VALIDATION_FAILED', reason: 'INVALID', details: { fields: [{ path: 'body.location', message: 'no grid' }] } });
    expect(new IntakeError('IDEMPOTENCY_CONFLICT', 'used')).toMatchObject({ kind: 'Conflict', code: 'IDEMPOTENCY_KEY_REUSED' });
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
