// Why an administrator's change was refused; the HTTP layer maps the kind to 400/403/404/409.
// (Same pattern as features/auth/accounts AccountError: the feature knows no HTTP.)

export interface AdminFieldProblem {
  /** Dotted path in the request body, e.g. "departmentIds.1". */
  path: string;
  message: string;
}

export class AdminError extends Error {
  override name = 'AdminError';
  constructor(
    readonly kind: 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'INVALID',
    message: string,
    /** CONFLICT: a stable machine-readable code (OPEN_CASES, CYCLE, …). */
    readonly code?: string,
    /** INVALID: every bad field. */
    readonly fields?: AdminFieldProblem[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AdminError('NOT_FOUND', `no ${what}`);
export const conflict = (code: string, message: string) => new AdminError('CONFLICT', message, code);
export const invalid = (fields: AdminFieldProblem[], message = 'the request is invalid') => new AdminError('INVALID', message, undefined, fields);

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown }).code === 'P2002';
