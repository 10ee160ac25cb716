// Every failure becomes one JSON shape: { error: { code, message, requestId, fields? } }.
// toDomainError classifies any thrown value as a DomainError (domain/errors: a kind, a code,
// details); HTTP_STATUS maps kinds to statuses, the one place that does; toApiError gives the
// HTTP form both renderers use (this JSON API and Open311). Classification has no side effects
// (unit-tested alone); errorHandler sends and logs. A client's mistake is never a 500; a 500
// carries the request id and no stack.
import { WorkflowNotFoundError, WorkflowExecutionAlreadyStartedError, ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError, type z } from 'zod';
import { DomainError, domainErrors, type ErrorKind, type FieldError } from '../domain/errors';
import { grpcStatusOf } from '../platform/temporalConnection';
import { isTemporalUnreachable } from '../platform/temporalConnection';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../workflows/messages';

export type { FieldError } from '../domain/errors';

/** The HTTP status of each kind of error: the only place kinds meet HTTP. */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  BadInput: 400,
  Unauthenticated: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  InvalidTransition: 409,
  Gone: 410,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  RateLimited: 429,
  Internal: 500,
  Unavailable: 503,
  Timeout: 504,
};

/** The kind a bare status stands for (an ApiError built with an explicit status). */
function kindOfStatus(status: number): ErrorKind {
  const kind = (Object.keys(HTTP_STATUS) as ErrorKind[]).find((k) => HTTP_STATUS[k] === status);
  return kind ?? (status >= 500 ? 'Internal' : 'BadInput');
}

/**
 * A DomainError in its HTTP form: status, code, fields and response headers. ApiError.of
 * builds it from a DomainError (the status of its kind); a route may still build one with an
 * explicit status no kind names.
 */
export class ApiError extends DomainError {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly fields?: FieldError[],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
    /** The DomainError this is the HTTP form of: its kind and details are kept. */
    from?: DomainError,
  ) {
    super(from?.kind ?? kindOfStatus(status), code, message, from?.details ?? (fields ? { fields } : {}));
  }

  /** The HTTP form of a DomainError: the status of its kind, its fields, the headers its kind carries. */
  static of(e: DomainError): ApiError {
    if (e instanceof ApiError) return e;
    return new ApiError(HTTP_STATUS[e.kind], e.code, e.message, e.details.fields, headersOf(e), e);
  }
}

/** Response headers a kind of error carries. */
function headersOf(e: DomainError): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  if (e.kind === 'Unauthenticated') headers['WWW-Authenticate'] = 'Bearer';
  if (e.details.retryAfterSeconds !== undefined) headers['Retry-After'] = String(e.details.retryAfterSeconds);
  return Object.keys(headers).length ? headers : undefined;
}

/** Constructors for the errors routes raise themselves: DomainErrors in their HTTP form. */
export const httpErrors = {
  validation: (fields: FieldError[], message?: string) => ApiError.of(domainErrors.validation(fields, message)),
  unauthorized: (message: string) => ApiError.of(domainErrors.unauthenticated(message)),
  forbidden: (message: string) => ApiError.of(domainErrors.forbidden(message)),
  notFound: (message: string) => ApiError.of(domainErrors.notFound(message)),
  conflict: (code: string, message: string) => ApiError.of(domainErrors.conflict(code, message)),
  unsupportedMediaType: (message: string) => ApiError.of(new DomainError('UnsupportedMediaType', 'UNSUPPORTED_MEDIA_TYPE', message)),
  temporalUnavailable: () => ApiError.of(domainErrors.unavailable('TEMPORAL_UNAVAILABLE', 'Temporal is unreachable', 5)),
  databaseUnavailable: () => ApiError.of(domainErrors.unavailable('DATABASE_UNAVAILABLE', 'database is unreachable', 5)),
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
 * A refusal by the case workflow (a validator's ApplicationFailure type, message and details)
 * as a DomainError; undefined for a failure type the workflow does not refuse with. The one
 * conversion, for a rejected update and for the allowed-actions query's reasons alike.
 */
export function fromWorkflowFailure(type: string | undefined | null, text: string, details?: readonly unknown[] | null): DomainError | undefined {
  const message = text || 'the case rejected this action';
  switch (type) {
    case FORBIDDEN_ERROR:
      return new DomainError('Forbidden', 'FORBIDDEN', message);
    case CONFLICT_ERROR:
      return new DomainError('InvalidTransition', 'INVALID_TRANSITION', message);
    case BAD_INPUT_ERROR: {
      const fields = fieldOfDetails(details) ?? fieldOfMessage(message);
      return new DomainError('BadInput', 'BAD_INPUT', message, fields ? { fields } : {});
    }
  }
  return undefined;
}

/** Map a workflow update rejected by its validator (or failed in its handler). */
function fromUpdateFailure(err: WorkflowUpdateFailedError): DomainError {
  const cause = err.cause;
  const refused = cause instanceof ApplicationFailure ? fromWorkflowFailure(cause.type, cause.message, cause.details) : undefined;
  return refused ?? new DomainError('Internal', 'UPDATE_FAILED', 'the case could not apply this action');
}

/** Body-parser errors carry a `type` and a 4xx `status`. */
function fromBodyParser(err: { type?: unknown; status?: unknown; limit?: unknown; message?: string }): DomainError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new DomainError('PayloadTooLarge', 'PAYLOAD_TOO_LARGE', `the request body is larger than the limit${err.limit ? ` of ${String(err.limit)} bytes` : ''}`);
    case 'entity.parse.failed':
      return new DomainError('BadInput', 'MALFORMED_JSON', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError('UnsupportedMediaType', 'UNSUPPORTED_MEDIA_TYPE', err.message ?? 'unsupported encoding');
    case 'request.aborted':
      return new DomainError('BadInput', 'REQUEST_ABORTED', 'the request was aborted by the client');
    case 'request.size.invalid':
      return new DomainError('BadInput', 'BAD_REQUEST', 'the request body size does not match Content-Length');
  }
  const status = typeof err.status === 'number' ? err.status : undefined;
  if (status !== undefined && status >= 400 && status < 500 && typeof err.type === 'string') {
    // A 4xx no kind names: keep the parser's status.
    return new ApiError(status, 'BAD_REQUEST', err.message ?? 'bad request');
  }
  return undefined;
}

/** Classify any thrown value as a DomainError (Internal for everything not recognised). */
export function toDomainError(err: unknown): DomainError {
  // The errors of features and the domain (AuthError, IntakeError, AdminError, SurveyLinkError, …)
  // and the routes' own are DomainErrors already: their kind decides the status, here, once.
  if (err instanceof DomainError) return err;
  if (err instanceof ZodError) return domainErrors.validation(fieldsFromZod(err));
  if (err instanceof WorkflowUpdateFailedError) return fromUpdateFailure(err);
  if (err instanceof WorkflowNotFoundError) return domainErrors.notFound('no such case');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return domainErrors.conflict('CONFLICT', 'the case workflow already exists');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || grpcStatusOf(err) === GRPC_DEADLINE_EXCEEDED) {
    return new DomainError('Timeout', 'TEMPORAL_TIMEOUT', 'Temporal did not answer in time; the action may still be applied, read the case before retrying');
  }
  // The database test only matches Prisma errors, so it goes first: a Prisma message may mention ECONNREFUSED too.
  if (isDatabaseUnreachable(err)) return httpErrors.databaseUnavailable();
  if (isTemporalUnreachable(err)) return httpErrors.temporalUnavailable();
  if (err && typeof err === 'object' && 'type' in err) {
    const parsed = fromBodyParser(err as Parameters<typeof fromBodyParser>[0]);
    if (parsed) return parsed;
  }
  return new DomainError('Internal', 'INTERNAL', 'internal error');
}

/** Any thrown value in its HTTP form: the status of its kind, its code, fields and headers. */
export function toApiError(err: unknown): ApiError {
  return ApiError.of(toDomainError(err));
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
