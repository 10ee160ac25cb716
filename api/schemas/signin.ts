// Shapes of signing in and out, the admin's credential routes and the access log.
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../features/auth/passwords';
import { IsoDateTime, RoleSchema } from './common';

const ACCESS_KINDS = [
  'SIGN_IN', 'SIGN_IN_FAILED', 'LOCKOUT', 'SIGN_OUT', 'OIDC_SIGN_IN', 'OIDC_SIGN_IN_FAILED',
  'API_KEY_USED', 'PASSWORD_RESET', 'DEACTIVATED', 'API_KEY_ROTATED',
  'PERSONAL_DATA_REVEALED', 'RESIDENT_DATA_EXPORTED', 'PERSONAL_DATA_ANONYMISED',
] as const;

const ClientSchema = z
  .enum(['browser', 'program'])
  .default('browser')
  .meta({ description: 'browser: an HttpOnly session cookie plus a CSRF token; program: an opaque bearer token' });

export const LoginBodySchema = z
  .strictObject({
    login: z.string().trim().min(1).max(200),
    // The policy's bounds apply when a password is set; here only a sanity bound (scrypt hashes whatever it gets).
    password: z.string().min(1).max(4 * PASSWORD_MAX_LENGTH),
    client: ClientSchema,
  })
  .meta({ id: 'LoginBody' });

export const OidcBodySchema = z
  .strictObject({
    idToken: z.string().min(1).max(16_384).meta({ description: 'The ID token the city sign-on issued to this service (aud = OIDC_AUDIENCE)' }),
    client: ClientSchema,
  })
  .meta({ id: 'OidcBody' });

export const SignedInSchema = z
  .object({
    personId: z.string(),
    name: z.string(),
    role: RoleSchema,
    unitId: z.string(),
    client: z.enum(['browser', 'program']),
    sessionId: z.string(),
    expiresAt: z.string(),
    csrfToken: z.string().optional().meta({ description: 'browser: send it back in X-CSRF-Token on every POST/PUT/PATCH/DELETE' }),
    token: z.string().optional().meta({ description: 'program: send it as Authorization: Bearer <token>' }),
    tokenType: z.literal('Bearer').optional(),
  })
  .meta({ id: 'SignedIn' });

export const SessionInfoSchema = z
  .object({
    personId: z.string(),
    via: z.enum(['jwt', 'apiKey', 'session', 'token']),
    sessionId: z.string().nullable(),
    csrfToken: z.string().optional().meta({ description: 'cookie sessions: a fresh CSRF token (the previous one stops matching)' }),
  })
  .meta({ id: 'SessionInfo' });

export const PersonIdParams = z.object({ id: z.string().min(1).max(128) });

export const ResetPasswordBodySchema = z
  .strictObject({
    password: z.string().meta({ description: `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters, not a common one, not containing the login` }),
    login: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._@-]{3,64}$/, 'a login is 3–64 of a-z 0-9 . _ @ -')
      .optional()
      .meta({ description: 'Set or change the login (required when the person has none)' }),
  })
  .meta({ id: 'ResetPasswordBody' });

export const AccessLogQuerySchema = z
  .strictObject({
    personId: z.string().min(1).max(128).optional(),
    kind: z.enum(ACCESS_KINDS).optional(),
    from: IsoDateTime.optional().meta({ description: 'inclusive' }),
    to: IsoDateTime.optional().meta({ description: 'exclusive' }),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] });

export const AccessLogEntrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    kind: z.enum(ACCESS_KINDS),
    personId: z.string().nullable(),
    login: z.string().nullable(),
    actorId: z.string().nullable(),
    ip: z.string().nullable(),
    sessionId: z.string().nullable(),
    detail: z.unknown().nullable(),
  })
  .meta({ id: 'AccessLogEntry' });

export const AccessLogPageSchema = z
  .object({ items: z.array(AccessLogEntrySchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .meta({ id: 'AccessLogPage' });
