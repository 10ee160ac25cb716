// Every failure becomes one JSON shape: { error: { code, message, requestId, fields? } }.
// toApiError classifies without side effects (unit-tested alone); errorHandler sends and logs.
// A client's mistake is never a 500; a 500 carries the request id and no stack.
import { WorkflowNotFoundError, WorkflowExecutionAlreadyStartedError, ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError, type z } from 'zod';
import { AuthError } from '../features/auth/auth';
import { IntakeError } from '../features/intake/intake';
import { grpcStatusOf } from '../platform/temporalConnection';
import { isTemporalUnreachable } from '../platform/temporalConnection';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../workflows/messages';

/** One bad field of a request: a dotted path (body, query or params) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error with its HTTP status and stable machine-readable code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Constructors for the errors routes raise themselves. */
export const httpErrors = {
  validation: (fields: FieldError[], message = 'the request is invalid') => new ApiError(400, 'VALIDATION_FAILED', message, fields),
  unauthorized: (message: string) => new ApiError(401, 'UNAUTHENTICATED', message, undefined, { 'WWW-Authenticate': 'Bearer' }),
  forbidden: (message: string) => new ApiError(403, 'FORBIDDEN', message),
  notFound: (message: string) => new ApiError(404, 'NOT_FOUND', message),
  conflict: (code: string, message: string) => new ApiError(409, code, message),
  unsupportedMediaType: (message: string) => new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', message),
  temporalUnavailable: () => new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'Temporal is unreachable', undefined, { 'Retry-After': '5' }),
  databaseUnavailable: () => new ApiError(503, 'DATABASE_UNAVAILABLE', 'database is unreachable', undefined, { 'Retry-After': '5' }),
};

/** Zod issues as field errors, paths prefixed with where they came from ("body", "query"…). */
export function fieldsFromZod(err: ZodError | z.core.$ZodIssue[], prefix?: string): FieldError[] {
  const issues = err instanceof ZodError ? err.issues : err;
  const out: FieldError[] = [];
  for (const issue of issues) {
    // An unknown key is reported per key, so every bad field has its own entry.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: joinPath(prefix, [...issue.path, key]), message: 'unknown field' });
      continue;
    }
    out.push({ path: joinPath(prefix, issue.path), message: issue.message });
  }
  return out;
}

function joinPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  return [prefix, ...parts].filter((p) => p !== undefined && p !== '').join('.') || (prefix ?? '');
}

// Prisma error codes and driver-adapter error kinds that mean "the database cannot be used now".
const DB_DOWN_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const DB_DOWN_KINDS = new Set([
  'DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError',
  'DatabaseDoesNotExist', 'AuthenticationFailed', 'DatabaseAccessDenied',
]);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, cannot connect now). */
const DB_DOWN_SQLSTATE = /^(08|57P)/;

type PrismaLike = {
  name?: string;
  code?: unknown;
  message?: string;
  meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } };
};

/** True when `err` says the database is unreachable (not a bad query). */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code, meta, message } = e as PrismaLike;
    if (typeof name !== 'string' || !name.startsWith('Prisma')) continue;
    if (name === 'PrismaClientInitializationError') return true;
    if (typeof code === 'string' && DB_DOWN_CODES.has(code)) return true;
    const cause = meta?.driverAdapterError?.cause;
    if (cause?.kind && DB_DOWN_KINDS.has(cause.kind)) return true;
    if (cause?.originalCode && DB_DOWN_SQLSTATE.test(cause.originalCode)) return true;
    if (typeof message === 'string' && /Can't reach database server/i.test(message)) return true;
  }
  return false;
}

const GRPC_DEADLINE_EXCEEDED = 4;

/** The field a workflow guard names in its failure's structured details ({ field, message }). */
function fieldOfDetails(details: readonly unknown[] | undefined | null): FieldError[] | undefined {
  const d = details?.[0] as { field?: unknown; message?: unknown } | undefined;
  if (!d || typeof d.field !== 'string' || typeof d.message !== 'string') return undefined;
  return [{ path: `body.${d.field}`, message: d.message }];
}

/**
 * Fallback: "field: message" at the start of the text names the field. Kept for rejections
 * by workers still running the code from before guards carried details (a rolling deploy).
 */
function fieldOfMessage(message: string): FieldError[] | undefined {
  const m = /^([A-Za-z][\w.]*): (.+)$/s.exec(message);
  return m ? [{ path: `body.${m[1]}`, message: m[2] }] : undefined;
}

/**
 * A refusal by the case workflow (a validator's ApplicationFailure type, message and details),
 * as the API reports it; undefined for a failure type the workflow does not refuse with.
 * One mapping for a rejected update and for the allowed-actions query's reasons.
 */
export function fromWorkflowFailure(type: string | undefined | null, text: string, details?: readonly unknown[] | null): ApiError | undefined {
  const message = text || 'the case rejected this action';
  switch (type) {
    case FORBIDDEN_ERROR:
      return new ApiError(403, 'FORBIDDEN', message);
    case CONFLICT_ERROR:
      return new ApiError(409, 'INVALID_TRANSITION', message);
    case BAD_INPUT_ERROR:
      return new ApiError(400, 'BAD_INPUT', message, fieldOfDetails(details) ?? fieldOfMessage(message));
  }
  return undefined;
}

/** Map a workflow update rejected by its validator (or failed in its handler). */
function fromUpdateFailure(err: WorkflowUpdateFailedError): ApiError {
  const cause = err.cause;
  const refused = cause instanceof ApplicationFailure ? fromWorkflowFailure(cause.type, cause.message, cause.details) : undefined;
  return refused ?? new ApiError(500, 'UPDATE_FAILED', 'the case could not apply this action');
}

/** Body-parser errors carry a `type` and a 4xx `status`. */
function fromBodyParser(err: { type?: unknown; status?: unknown; limit?: unknown; message?: string }): ApiError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than the limit${err.limit ? ` of ${String(err.limit)} bytes` : ''}`);
    case 'entity.parse.failed':
      return new ApiError(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', err.message ?? 'unsupported encoding');
    case 'request.aborted':
      return new ApiError(400, 'REQUEST_ABORTED', 'the request was aborted by the client');
    case 'request.size.invalid':
      return new ApiError(400, 'BAD_REQUEST', 'the request body size does not match Content-Length');
  }
  const status = typeof err.status === 'number' ? err.status : undefined;
  if (status !== undefined && status >= 400 && status < 500 && typeof err.type === 'string') {
    return new ApiError(status, 'BAD_REQUEST', err.message ?? 'bad request');
  }
  return undefined;
}

/** Classify any thrown value as an ApiError (5xx for everything not recognised). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) return httpErrors.validation(fieldsFromZod(err));
  if (err instanceof AuthError) return httpErrors.unauthorized(err.message);
  if (err instanceof IntakeError) {
    if (err.kind === 'INVALID') return httpErrors.validation(err.fields, err.message);
    return new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', err.message);
  }
  if (err instanceof WorkflowUpdateFailedError) return fromUpdateFailure(err);
  if (err instanceof WorkflowNotFoundError) return new ApiError(404, 'NOT_FOUND', 'no such case');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return new ApiError(409, 'CONFLICT', 'the case workflow already exists');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcStatusOf(err) === GRPC_DEADLINE_EXCEEDED) {
    return new ApiError(504, 'TEMPORAL_TIMEOUT', 'Temporal did not answer in time; the action may still be applied, read the case before retrying');
  }
  // The database test only matches Prisma errors, so it goes first: a Prisma message may mention ECONNREFUSED too.
  if (isDatabaseUnreachable(err)) return httpErrors.databaseUnavailable();
  if (isTemporalUnreachable(err)) return httpErrors.temporalUnavailable();
  if (err && typeof err === 'object' && 'type' in err) {
    const parsed = fromBodyParser(err as Parameters<typeof fromBodyParser>[0]);
    if (parsed) return parsed;
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
}

/** The JSON body of an error response. */
export function errorBody(e: ApiError, requestId: string): { error: { code: string; message: string; requestId: string; fields?: FieldError[] } } {
  return { error: { code: e.code, message: e.message, requestId, ...(e.fields?.length ? { fields: e.fields } : {}) } };
}

/** Express error handler: classify, log 5xx with the cause, answer in the common shape. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = toApiError(err);
    const requestId = String(req.id ?? '');
    const log = (req as { log?: Logger }).log ?? logger;
    if (e.status >= 500) log.error({ err, requestId, status: e.status }, `request failed: ${e.code}`);
    else if (e.status !== 401 && e.status !== 404) log.debug({ requestId, status: e.status, code: e.code }, e.message);
    // pino-http logs the response line; let it know the error for 5xx.
    if (e.status >= 500) res.err = err instanceof Error ? err : new Error(String(err));
    for (const [k, v] of Object.entries(e.headers ?? {})) res.setHeader(k, v);
    res.status(e.status).json(errorBody(e, requestId));
  };
}

/** 404 for paths no router handles. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(httpErrors.notFound(`no route for ${req.method} ${req.path}`));
};
