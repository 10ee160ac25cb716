// Why an administrator's change was refused: a DomainError (domain/errors), so the API's one
// table (api/errors HTTP_STATUS) gives its status. The feature knows no HTTP.
import { DomainError, inBody, type ErrorKind } from '../../domain/errors';

export interface AdminFieldProblem {
  /** Dotted path in the request body, e.g. "departmentIds.1" ("" for the body itself). */
  path: string;
  message: string;
}

export type AdminRefusal = 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID';

const KIND: Record<AdminRefusal, ErrorKind> = { NOT_FOUND: 'NotFound', FORBIDDEN: 'Forbidden', CONFLICT: 'Conflict', INVALID: 'BadInput' };

/**
 * NOT_FOUND (NotFound, NOT_FOUND), FORBIDDEN (Forbidden, FORBIDDEN), CONFLICT (Conflict, its own
 * code: OPEN_CASES, CYCLE, …) or INVALID (BadInput, VALIDATION_FAILED, every bad field as an
 * API path: body-relative problems are stored under "body.").
 */
export class AdminError extends DomainError {
  override name = 'AdminError';
  constructor(
    readonly reason: AdminRefusal,
    message: string,
    /** CONFLICT: a stable machine-readable code (OPEN_CASES, CYCLE, …). */
    code?: string,
    /** INVALID: every bad field, relative to the request body. */
    fields?: AdminFieldProblem[],
  ) {
    super(
      KIND[reason],
      reason === 'INVALID' ? 'VALIDATION_FAILED' : reason === 'CONFLICT' ? (code ?? 'CONFLICT') : reason,
      message,
      reason === 'INVALID' ? { fields: (fields ?? []).map((f) => ({ path: inBody(f.path), message: f.message })) } : {},
    );
  }
}

export const notFound = (what: string) => new AdminError('NOT_FOUND', `no ${what}`);
export const conflict = (code: string, message: string) => new AdminError('CONFLICT', message, code);
export const invalid = (fields: AdminFieldProblem[], message = 'the request is invalid') => new AdminError('INVALID', message, undefined, fields);

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === 'P2002';
