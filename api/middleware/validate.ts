// Parse a request part with a zod schema, or fail with 400 listing every bad field.
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { fieldsFromZod, httpErrors } from '../errors';

/** The parsed value, or a BadInput DomainError (400) whose fields are prefixed with `where` (body, query, params, headers). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'headers'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw httpErrors.validation(fieldsFromZod(r.error, where));
  return r.data;
}

/**
 * A request with a body must send JSON: otherwise express.json() leaves req.body undefined
 * and the caller would get confusing "required" errors.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    throw httpErrors.unsupportedMediaType('send the body as JSON with Content-Type: application/json');
  }
  next();
};
