// Schemas shared by several routers: the error body, path parameters, common responses.
// Names given with .meta({ id }) become OpenAPI components.
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { parseCaseCode } from '../../domain/caseCode';
import { LEVELS, ROLES, type Level, type Role } from '../../domain/types';

export const FieldErrorSchema = z
  .object({
    path: z.string().meta({ example: 'body.description' }),
    message: z.string().meta({ example: 'Too small: expected string to have >=1 characters' }),
  })
  .meta({ id: 'FieldError' });

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      requestId: z.string().meta({ description: 'The X-Request-Id of the request; quote it when reporting a problem.' }),
      fields: z.array(FieldErrorSchema).optional().meta({ description: 'Every bad field of the request (400 only).' }),
    }),
  })
  .meta({ id: 'Error' });

/** A case code in the path: PREFIX-YYYYMMDD-NNNNNN. */
export const CaseCodeSchema = z
  .string()
  .refine((s) => parseCaseCode(s) !== null, { message: 'not a case code (expected e.g. GL-20261122-000123)' })
  .meta({ description: 'Case code', example: 'GL-20261122-000123' });

export const CaseCodeParams = z.object({ code: CaseCodeSchema });

export const RoleSchema = z.enum(ROLES as [Role, ...Role[]]).meta({ id: 'Role' });

export const LevelSchema = z.enum(LEVELS as [Level, ...Level[]]).meta({ id: 'Level' });

export const AssignmentSchema = z
  .object({
    level: LevelSchema,
    unitId: z.string(),
    personId: z.string().nullable(),
    personName: z.string().nullable().optional(),
  })
  .meta({ id: 'Assignment' });

/** An ISO 8601 instant with an offset, e.g. 2026-11-22T09:30:00+08:00 or …Z. */
export const IsoDateTime = z.iso.datetime({ offset: true });

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

/** Error responses most endpoints share, for the OpenAPI document. */
export const errorResponses = {
  400: json(ErrorBodySchema, 'Invalid request: every bad field is listed'),
  401: json(ErrorBodySchema, 'Missing or invalid credentials'),
  403: json(ErrorBodySchema, 'The caller may not do this'),
  404: json(ErrorBodySchema, 'No such resource'),
  409: json(ErrorBodySchema, 'Not allowed in the current state'),
  413: json(ErrorBodySchema, 'Request body too large'),
  429: json(ErrorBodySchema, 'Too many requests'),
  503: json(ErrorBodySchema, 'A dependency (Temporal or the database) is unreachable'),
} as const;

/** A JSON response for the OpenAPI document. */
export function jsonResponse(schema: z.ZodType, description: string): ResponseConfig {
  return json(schema, description);
}

/** Security requirement of every authenticated route. */
export const authenticated: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKeyAuth: [] }];
