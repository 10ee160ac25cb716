// Shapes of the administration routes: organisation units, people, the matter catalog, the
// working calendar and the change log. Bodies are strict (an unknown field is a 400, so a typo
// never silently does nothing).
import { z } from 'zod';
import { calendarYearSchema } from '../../features/admin/calendarDocument';
import { ENTITY_ID_PATTERN } from '../../domain/orgTree';
import { windowOverridesSchema } from '../../domain/policy';
import { serviceAttributesSchema } from '../../features/open311/attributes';
import { IsoDateTime, RoleSchema } from './common';
import { UNIT_KINDS, UnitSchema } from './directory';

const page = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
const pageOf = (item: z.ZodType, id: string) =>
  z.object({ items: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() }).meta({ id });

export const EntityIdSchema = z
  .string()
  .regex(ENTITY_ID_PATTERN, 'an id is 2–64 letters, digits, "-" or "_", starting with a letter or digit')
  .meta({ description: 'Optional: left out, the server generates one (units: parent id + kind letter + next number; people: p-<random>)' });
const IdParams = z.object({ id: z.string().min(1).max(128) });
export const UnitIdParams = IdParams;
export const PersonIdParams = IdParams;
export const CategoryCodeParams = z.object({ code: z.string().min(1).max(32) });
export const YearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

const name = z.string().trim().min(1).max(100);
const keywords = z.array(z.string().trim().min(1).max(50)).max(100);
const lat = z.number().min(-90).max(90).nullable();
const lng = z.number().min(-180).max(180).nullable();
const households = z.number().int().min(0).nullable();

// ---- units -------------------------------------------------------------------------------

export const AdminUnitQuerySchema = z.strictObject({
  kind: z.enum(UNIT_KINDS).optional(),
  parentId: z.string().min(1).max(128).optional(),
  active: boolQuery.optional(),
  q: z.string().min(1).max(100).optional().meta({ description: 'part of the name or id' }),
  ...page,
});

export const CreateUnitBodySchema = z
  .strictObject({
    id: EntityIdSchema.optional(),
    kind: z.enum(UNIT_KINDS).meta({ description: 'STREET (under the district), COMMUNITY (under a street), GRID (under a community), DEPARTMENT (under the district)' }),
    name,
    parentId: z.string().min(1).max(128),
    addressKeywords: keywords.optional().meta({ description: 'grids: words of an address that route a report here' }),
    lat: lat.optional(),
    lng: lng.optional(),
    households: households.optional(),
  })
  .refine((b) => (b.lat == null) === (b.lng == null), { message: 'give lat and lng together', path: ['lng'] })
  .meta({ id: 'CreateUnitBody' });

export const UpdateUnitBodySchema = z
  .strictObject({
    name: name.optional(),
    parentId: z.string().min(1).max(128).optional().meta({ description: 'a new parent moves the unit (refused while it has open cases)' }),
    addressKeywords: keywords.optional(),
    lat: lat.optional(),
    lng: lng.optional(),
    households: households.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' })
  .refine((b) => (b.lat === undefined) === (b.lng === undefined), { message: 'give lat and lng together', path: ['lng'] })
  .meta({ id: 'UpdateUnitBody' });

export const AdminUnitSchema = UnitSchema.extend({
    active: z.boolean(),
    deactivatedAt: z.string().nullable(),
    createdAt: z.string(),
    version: z.number().int().optional().meta({ description: 'writes: the change log version this change got' }),
    activeChildren: z.number().int().optional(),
    activePeople: z.number().int().optional(),
    openCases: z.number().int().optional(),
  })
  .meta({ id: 'AdminUnit' });
export const AdminUnitPageSchema = pageOf(AdminUnitSchema, 'AdminUnitPage');

// ---- people ------------------------------------------------------------------------------

export const AdminPersonQuerySchema = z.strictObject({
  unitId: z.string().min(1).max(128).optional(),
  role: RoleSchema.optional(),
  active: boolQuery.optional(),
  q: z.string().min(1).max(100).optional().meta({ description: 'part of the name, id or login' }),
  ...page,
});

const phone = z.string().trim().min(3).max(40).nullable();
const externalSubject = z.string().min(1).max(255).nullable();

export const CreatePersonBodySchema = z
  .strictObject({
    id: EntityIdSchema.optional(),
    name,
    phone: phone.optional(),
    role: RoleSchema,
    unitId: z.string().min(1).max(128).meta({ description: 'a unit of the kind the role belongs to (GRID_WORKER: a grid, …)' }),
    login: z.string().trim().toLowerCase().regex(/^[a-z0-9._@-]{3,64}$/, 'a login is 3–64 of a-z 0-9 . _ @ -').optional()
      .meta({ description: 'a local sign-in name; set the password with POST /admin/people/{id}/password' }),
    externalSubject: externalSubject.optional(),
  })
  .meta({ id: 'CreatePersonBody' });

export const UpdatePersonBodySchema = z
  .strictObject({
    name: name.optional(),
    phone: phone.optional(),
    role: RoleSchema.optional(),
    unitId: z.string().min(1).max(128).optional(),
    externalSubject: externalSubject.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' })
  .meta({ id: 'UpdatePersonBody' });

export const AdminPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role: RoleSchema,
    unitId: z.string(),
    active: z.boolean(),
    deactivatedAt: z.string().nullable(),
    login: z.string().nullable(),
    externalSubject: z.string().nullable(),
    hasApiKey: z.boolean(),
    createdAt: z.string(),
    version: z.number().int().optional(),
  })
  .meta({ id: 'AdminPerson' });
export const AdminPersonPageSchema = pageOf(AdminPersonSchema, 'AdminPersonPage');

// ---- catalog -----------------------------------------------------------------------------

/** The domain's rule: a matter is finished within 1–7 working days (by category). */
const completionDays = z.number().int().min(1, 'completion is 1–7 working days').max(7, 'completion is 1–7 working days');
const categoryFields = {
  name,
  description: z.string().max(2000).optional(),
  group: z.string().max(100).optional(),
  keywords: keywords.optional(),
  triage: z.enum(['BIG', 'SMALL', 'PRIVATE']),
  defaultLevel: z.enum(['GRID', 'STREET']).optional(),
  completionDays,
  urgent: z.boolean().optional(),
  windowOverrides: windowOverridesSchema.optional().meta({ description: 'partial overrides of the default windows, e.g. {"acceptMinutes":5}' }),
  departmentIds: z.array(z.string().min(1).max(128)).max(50).optional().meta({ description: 'departments (units of kind DEPARTMENT)' }),
  attributes: serviceAttributesSchema.optional().meta({ description: 'Open311 attributes (api/open311)' }),
};

export const CATEGORY_CODE = /^[A-Z][A-Z0-9]{0,9}-\d{3,4}$/;

export const CreateCategoryBodySchema = z
  .strictObject({
    code: z.string().regex(CATEGORY_CODE, 'a category code is like CG-001 (letters, "-", 3–4 digits)').meta({ description: 'chosen by the client: codes are business keys' }),
    ...categoryFields,
  })
  .meta({ id: 'CreateCategoryBody' });

export const UpdateCategoryBodySchema = z
  .strictObject({
    name: name.optional(),
    description: categoryFields.description,
    group: categoryFields.group,
    keywords: categoryFields.keywords,
    triage: categoryFields.triage.optional(),
    defaultLevel: categoryFields.defaultLevel,
    completionDays: completionDays.optional(),
    urgent: categoryFields.urgent,
    windowOverrides: categoryFields.windowOverrides,
    departmentIds: categoryFields.departmentIds,
    attributes: categoryFields.attributes,
    active: z.boolean().optional().meta({ description: 'true reactivates; POST …/deactivate deactivates' }),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'change at least one field' })
  .meta({ id: 'UpdateCategoryBody' });

export const AdminCategoryQuerySchema = z.strictObject({
  active: boolQuery.optional(),
  group: z.string().min(1).max(100).optional(),
  q: z.string().min(1).max(100).optional(),
  ...page,
});

export const AdminCategorySchema = z
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
    windowOverrides: z.record(z.string(), z.number()),
    departmentIds: z.array(z.string()),
    attributes: z.array(z.unknown()),
    active: z.boolean(),
    version: z.number().int().optional(),
  })
  .meta({ id: 'AdminCategory' });
export const AdminCategoryPageSchema = pageOf(AdminCategorySchema, 'AdminCategoryPage');

// ---- calendar ----------------------------------------------------------------------------

export const CalendarYearBodySchema = calendarYearSchema.meta({
  id: 'CalendarYearDocument',
  description: 'One year of public holidays (HOLIDAY) and make-up working days (WORKDAY, 调休): docs/calendar/README.md',
});

export const OfficeHoursBodySchema = z
  .strictObject({
    officeHours: z.array(z.tuple([z.string(), z.string()])).min(1).max(6).meta({ example: [['09:00', '12:00'], ['13:30', '17:30']] }),
    workWeek: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional().meta({ description: 'ISO weekdays that are working days by default (1 = Monday)' }),
  })
  .meta({ id: 'OfficeHoursBody' });

export const CalendarStatusSchema = z
  .object({
    timeZone: z.string(),
    officeHours: z.array(z.tuple([z.string(), z.string()])),
    workWeek: z.array(z.number().int()),
    years: z.array(z.object({ year: z.number().int(), holidays: z.number().int(), workdays: z.number().int() })),
    warning: z.string().nullable().meta({ description: 'from 1 November while next year has no schedule' }),
  })
  .meta({ id: 'CalendarStatus' });

export const CalendarImportResultSchema = z
  .object({ year: z.number().int(), holidays: z.number().int(), workdays: z.number().int(), notes: z.array(z.string()), version: z.number().int() })
  .meta({ id: 'CalendarImportResult' });

export const CalendarYearDaysSchema = z
  .object({ year: z.number().int(), days: z.array(z.object({ date: z.string(), kind: z.enum(['HOLIDAY', 'WORKDAY']), name: z.string() })) })
  .meta({ id: 'CalendarYearDays' });

// ---- change log --------------------------------------------------------------------------

export const ENTITY_KINDS = ['UNIT', 'PERSON', 'CATEGORY', 'CALENDAR_YEAR', 'OFFICE_HOURS', 'EVIDENCE_FILE'] as const;

export const AdminChangeQuerySchema = z
  .strictObject({
    entityKind: z.enum(ENTITY_KINDS).optional(),
    entityId: z.string().min(1).max(128).optional(),
    from: IsoDateTime.optional().meta({ description: 'inclusive' }),
    to: IsoDateTime.optional().meta({ description: 'exclusive' }),
    ...page,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'must be after from', path: ['to'] });

export const AdminChangeSchema = z
  .object({
    id: z.string(),
    entityKind: z.enum(ENTITY_KINDS),
    entityId: z.string(),
    action: z.enum(['CREATE', 'UPDATE', 'MOVE', 'DEACTIVATE', 'IMPORT', 'DELETE']),
    version: z.number().int().meta({ description: 'per entity: 1, 2, 3 …' }),
    actorId: z.string(),
    districtId: z.string().nullable().meta({ description: 'null: system-wide (catalog, calendar)' }),
    at: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    unitIds: z.array(z.string()).meta({ description: 'units the change touches (for reassigning open cases)' }),
    personIds: z.array(z.string()).meta({ description: 'people the change touches' }),
  })
  .meta({ id: 'AdminChange' });
export const AdminChangePageSchema = pageOf(AdminChangeSchema, 'AdminChangePage');
