// Why an administrator's change was refused: a DomainError (domain/errors), so the API's one
// table (api/errors HTTP_STATUS) gives its status. The feature knows no HTTP.
import { RefusalError, type Refusal } from '../../domain/errors';

export interface AdminFieldProblem {
  /** Dotted path in the request body, e.g. "departmentIds.1" ("" for the body itself). */
  path: string;
  message: string;
}

export type AdminRefusal = Refusal;

/** An administrator's change refused (a RefusalError: domain/errors gives kind and code). */
export class AdminError extends RefusalError {
  override name = 'AdminError';
  constructor(reason: AdminRefusal, message: string, code?: string, fields?: AdminFieldProblem[]) {
    super(reason, message, code, fields);
  }
}

export const notFound = (what: string) => new AdminError('NOT_FOUND', `no ${what}`);
export const conflict = (code: string, message: string) => new AdminError('CONFLICT', message, code);
export const invalid = (fields: AdminFieldProblem[], message = 'the request is invalid') => new AdminError('INVALID', message, undefined, fields);

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === 'P2002';
