// One error type for every refusal and failure the system reports to a client. A kind says
// what went wrong in the domain's terms; the API maps kinds to HTTP statuses in one place
// (api/errors.ts) and Open311 renders the same error in its own format. Pure: no express,
// no Temporal, no zod, so features and the domain can throw it without knowing about HTTP.

/** What went wrong, independent of the protocol that reports it. */
export type ErrorKind =
  /** The request or its content makes no sense (a bad field, malformed JSON). */
  | 'BadInput'
  /** No or bad credentials. */
  | 'Unauthenticated'
  /** The caller may not do this. */
  | 'Forbidden'
  /** No such thing, or one the caller may not see. */
  | 'NotFound'
  /** It clashes with something that exists (a reused idempotency key, a second score). */
  | 'Conflict'
  /** The case's current state does not allow this action. */
  | 'InvalidTransition'
  /** It existed and is no more (an expired or used link). */
  | 'Gone'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  /** Too many requests; retry later. */
  | 'RateLimited'
  /** A dependency (the database, Temporal) cannot be used now; retry later. */
  | 'Unavailable'
  /** A dependency did not answer in time; the outcome is unknown. */
  | 'Timeout'
  /** A bug or an unclassified failure: the client is told nothing more. */
  | 'Internal';

/** One bad field: a dotted path (body, query, params, headers) and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

/** Structured details a client can act on. */
export interface ErrorDetails {
  /** Every bad field (BadInput). */
  fields?: FieldError[];
  /** When a retry may succeed (RateLimited, Unavailable). */
  retryAfterSeconds?: number;
}

/** A failure with a kind, a stable machine-readable code and a sentence for people. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: ErrorKind,
    /** Stable: clients branch on it (e.g. VALIDATION_FAILED, INVALID_TRANSITION). */
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
    /** The failure behind this one (logged, never sent). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Field paths are the API's: "body.departmentIds.1", "query.period". A feature that checks a
 * document finds problems relative to it ("departmentIds.1", "" for the document itself) and
 * stores them with inBody; a CLI reading the same document prints bodyRelative paths.
 */
export const inBody = (path: string): string => (path ? `body.${path}` : 'body');

/** A body field's path relative to the body ("" for the body itself); other paths unchanged. */
export const bodyRelative = (path: string): string => (path === 'body' ? '' : path.replace(/^body\./, ''));

/** Constructors for the errors most code raises. */
export const domainErrors = {
  validation: (fields: FieldError[], message = 'the request is invalid') => new DomainError('BadInput', 'VALIDATION_FAILED', message, { fields }),
  unauthenticated: (message: string) => new DomainError('Unauthenticated', 'UNAUTHENTICATED', message),
  forbidden: (message: string) => new DomainError('Forbidden', 'FORBIDDEN', message),
  notFound: (message: string) => new DomainError('NotFound', 'NOT_FOUND', message),
  conflict: (code: string, message: string) => new DomainError('Conflict', code, message),
  invalidTransition: (message: string) => new DomainError('InvalidTransition', 'INVALID_TRANSITION', message),
  unavailable: (code: string, message: string, retryAfterSeconds: number) => new DomainError('Unavailable', code, message, { retryAfterSeconds }),
};

/** How a feature refuses an administrator's request, before it is a DomainError. */
export type Refusal = 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID';

const REFUSAL_KIND: Record<Refusal, ErrorKind> = { NOT_FOUND: 'NotFound', FORBIDDEN: 'Forbidden', CONFLICT: 'Conflict', INVALID: 'BadInput' };

/**
 * A refusal as a DomainError: NOT_FOUND (NotFound, NOT_FOUND), FORBIDDEN (Forbidden, FORBIDDEN),
 * CONFLICT (Conflict, its own code: OPEN_CASES, LOGIN_TAKEN, …) or INVALID (BadInput,
 * VALIDATION_FAILED, every bad field as an API path: body-relative paths are stored under "body.").
 */
export class RefusalError extends DomainError {
  override name = 'RefusalError';
  constructor(
    readonly reason: Refusal,
    message: string,
    /** CONFLICT: a stable machine-readable code. */
    conflictCode?: string,
    /** INVALID: every bad field, relative to the request body. */
    fields?: FieldError[],
  ) {
    super(
      REFUSAL_KIND[reason],
      reason === 'INVALID' ? 'VALIDATION_FAILED' : reason === 'CONFLICT' ? (conflictCode ?? 'CONFLICT') : reason,
      message,
      reason === 'INVALID' ? { fields: (fields ?? []).map((f) => ({ path: inBody(f.path), message: f.message })) } : {},
    );
  }
}
