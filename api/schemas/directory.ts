// Shapes of the read-only directory endpoints: the matter catalog, the organisation units, /me.
import { z } from 'zod';
import { RoleSchema } from './common';

export const UNIT_KINDS = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'DEPARTMENT'] as const;

export const CategorySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    description: z.string(),
    group: z.string(),
    keywords: z.array(z.string()),
    triage: z.enum(['BIG', 'SMALL', 'PRIVATE']),
    defaultLevel: z.string(),
    completionDays: z.number().int(),
    urgent: z.boolean(),
    departmentIds: z.array(z.string()),
  })
  .meta({ id: 'Category' });

export const CategoryListSchema = z.object({ items: z.array(CategorySchema) }).meta({ id: 'CategoryList' });

export const ListUnitsQuerySchema = z.strictObject({
  kind: z.enum(UNIT_KINDS).optional(),
  parentId: z.string().min(1).max(64).optional(),
});

export const UnitSchema = z
  .object({
    id: z.string(),
    kind: z.enum(UNIT_KINDS),
    name: z.string(),
    parentId: z.string().nullable(),
    addressKeywords: z.array(z.string()),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    households: z.number().int().nullable(),
  })
  .meta({ id: 'Unit' });

export const UnitListSchema = z
  .object({ items: z.array(UnitSchema).meta({ description: 'Flat tree: follow parentId up to the district.' }) })
  .meta({ id: 'UnitList' });

export const MeSchema = z
  .object({
    personId: z.string(),
    name: z.string(),
    role: RoleSchema,
    unitId: z.string(),
    unit: z.object({ id: z.string(), kind: z.enum(UNIT_KINDS), name: z.string() }).nullable(),
    via: z.enum(['jwt', 'apiKey', 'session', 'token']).meta({ description: 'jwt: HS256 bearer; apiKey: X-Api-Key; session: browser cookie; token: program session token' }),
  })
  .meta({ id: 'Me' });
