// Error classification alone: every kind of failure gets its status and code, never a 500
// for a client's mistake.
import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { ApiError, errorBody, fieldsFromZod, isDatabaseUnreachable, toApiError } from '../../api/errors';
import { AuthError } from '../../features/auth/auth';
import { IntakeError } from '../../features/intake/intake';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
const updateFailed = (type: string, message: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message, nonRetryable: true }));

describe('toApiError', () => {
  it.each([
    [FORBIDDEN_ERROR, 403, 'FORBIDDEN'],
    [CONFLICT_ERROR, 409, 'INVALID_TRANSITION'],
    [BAD_INPUT_ERROR, 400, 'BAD_INPUT'],
  ])('maps a rejected update of type %s to %i', (type, status, code) => {
    const e = toApiError(updateFailed(type, 'because'));
    expect(e).toMatchObject({ status, code, message: 'because' });
  });

  it('turns "field: message" of a BadInput into a field error', () => {
    const e = toApiError(updateFailed(BAD_INPUT_ERROR, 'calls.reportBy: the time to report must be in the future'));
    expect(e.fields).toEqual([{ path: 'body.calls.reportBy', message: 'the time to report must be in the future' }]);
  });

  it('an update that failed for another reason is a 500 without details', () => {
    expect(toApiError(updateFailed('SomethingElse', 'boom'))).toMatchObject({ status: 500, message: 'the case could not apply this action' });
  });

  it('maps workflow lookups and conflicts', () => {
    expect(toApiError(new WorkflowNotFoundError('not found', 'GL-1', undefined)).status).toBe(404);
    expect(toApiError(new WorkflowExecutionAlreadyStartedError('started', 'GL-1', 'caseWorkflow')).status).toBe(409);
  });

  it('Temporal unreachable → 503, timeout → 504', () => {
    const unavailable = new ServiceError('Failed to start Workflow', { cause: grpcError(14, 'No connection established') });
    expect(toApiError(unavailable)).toMatchObject({ status: 503, code: 'TEMPORAL_UNAVAILABLE', message: 'Temporal is unreachable' });
    expect(toApiError(new Error('Failed to connect before the deadline')).status).toBe(503);
    const deadline = new ServiceError('Failed to query', { cause: grpcError(4, 'Deadline exceeded') });
    expect(toApiError(deadline)).toMatchObject({ status: 504, code: 'TEMPORAL_TIMEOUT' });
    expect(toApiError(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout')).status).toBe(504);
  });

  it('database unreachable → 503', () => {
    const p1001 = Object.assign(new Error("Can't reach database server"), { name: 'PrismaClientKnownRequestError', code: 'P1001' });
    const raw = Object.assign(new Error('Raw query failed'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2010',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 } } },
    });
    const init = Object.assign(new Error('init'), { name: 'PrismaClientInitializationError' });
    for (const e of [p1001, raw, init]) {
      expect(isDatabaseUnreachable(e)).toBe(true);
      expect(toApiError(e)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', message: 'database is unreachable' });
    }
    const unique = Object.assign(new Error('Unique constraint'), { name: 'PrismaClientKnownRequestError', code: 'P2002' });
    expect(isDatabaseUnreachable(unique)).toBe(false);
    expect(toApiError(unique).status).toBe(500);
  });

  it('maps body-parser errors: too large → 413, bad JSON → 400, bad charset → 415', () => {
    expect(toApiError(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, limit: 262144 }))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(toApiError(Object.assign(new SyntaxError('Unexpected end'), { type: 'entity.parse.failed', status: 400 }))).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect(toApiError(Object.assign(new Error('charset'), { type: 'charset.unsupported', status: 415 })).status).toBe(415);
  });

  it('maps auth, validation and intake errors', () => {
    expect(toApiError(new AuthError('no'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const zerr = z.object({ a: z.string(), b: z.number() }).safeParse({});
    expect(toApiError(zerr.error)).toMatchObject({ status: 400, fields: [{ path: 'a' }, { path: 'b' }] });
    expect(toApiError(new IntakeError('INVALID', 'x', [{ path: 'body.location', message: 'no grid' }]))).toMatchObject({ status: 400, fields: [{ path: 'body.location' }] });
    expect(toApiError(new IntakeError('IDEMPOTENCY_CONFLICT', 'reused'))).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('anything else is a 500 that reveals nothing', () => {
    const e = toApiError(new TypeError('secret internals at /srv/app.js:12'));
    expect(e).toMatchObject({ status: 500, code: 'INTERNAL', message: 'internal error' });
    expect(JSON.stringify(errorBody(e, 'req-1'))).not.toMatch(/secret|app\.js/);
    expect(toApiError('a string').status).toBe(500);
  });

  it('passes ApiErrors through', () => {
    const e = new ApiError(418, 'TEAPOT', 'short and stout');
    expect(toApiError(e)).toBe(e);
  });
});

describe('fieldsFromZod', () => {
  it('prefixes paths and splits unknown keys into one entry each', () => {
    const r = z.strictObject({ a: z.object({ b: z.string() }) }).safeParse({ a: { b: 1 }, x: 1, y: 2 });
    expect(fieldsFromZod(r.error!, 'body')).toEqual([
      { path: 'body.a.b', message: expect.any(String) },
      { path: 'body.x', message: 'unknown field' },
      { path: 'body.y', message: 'unknown field' },
    ]);
  });

  it('uses the prefix alone for a root-level issue', () => {
    const r = z.string().safeParse(1);
    expect(fieldsFromZod(r.error!, 'body')[0].path).toBe('body');
  });
});

describe('errorBody', () => {
  it('has code, message, requestId, and fields only when there are some', () => {
    expect(errorBody(new ApiError(404, 'NOT_FOUND', 'no'), 'r1')).toEqual({ error: { code: 'NOT_FOUND', message: 'no', requestId: 'r1' } });
    expect(errorBody(new ApiError(400, 'V', 'bad', [{ path: 'body.a', message: 'm' }]), 'r2').error.fields).toHaveLength(1);
  });
});
