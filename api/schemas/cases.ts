// Request and response shapes of /cases. Input schemas are strict: an unknown field is
// reported (a typo never silently drops data). Every problem is reported at once.
import { z } from 'zod';
import type { NewCaseRequest } from '../../features/intake/intake';
import { AssignmentSchema, IsoDateTime, LevelSchema, RoleSchema } from './common';

/** Channels a report may arrive by through this endpoint (OPEN311 has its own). */
export const INTAKE_CHANNELS = ['HOTLINE', 'GRID_PATROL', 'RESIDENT_APP', 'BUILDING_REP', 'COMMUNITY'] as const;
export const CASE_STATUSES = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN', 'CLOSED', 'SURVEYED'] as const;
export const ALL_CHANNELS = [...INTAKE_CHANNELS, 'OPEN311'] as const;

/** Loose on purpose: digits with optional +, spaces, dashes, dots and parentheses (12345, 0591-87001234, +86 138 0000 0000). */
const PHONE_RE = /^\+?\(?[0-9][0-9 ().-]{1,22}[0-9]$/;

export const LocationSchema = z
  .strictObject({
    gridId: z.string().trim().min(1).max(64).optional(),
    address: z.string().trim().min(1).max(300).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  })
  .superRefine((l, ctx) => {
    if (l.lat !== undefined && l.lng === undefined) ctx.addIssue({ code: 'custom', path: ['lng'], message: 'lng is required with lat' });
    if (l.lng !== undefined && l.lat === undefined) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'lat is required with lng' });
    if (l.gridId === undefined && l.address === undefined && l.lat === undefined && l.lng === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give at least one of gridId, address, or lat+lng' });
    }
  })
  .meta({ id: 'Location', description: 'Where it happened: a grid id, an address, or a position (at least one).' });

export const ReporterSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    phone: z.string().trim().regex(PHONE_RE, { message: 'not a phone number' }).optional(),
    email: z.email({ message: 'not an email address' }).max(254).optional(),
  })
  .meta({ id: 'Reporter' });

export const CreateCaseBodySchema = z
  .strictObject({
    channel: z.enum(INTAKE_CHANNELS),
    categoryCode: z.string().trim().min(1).max(64).meta({ description: 'A code from GET /categories' }),
    location: LocationSchema,
    description: z.string().trim().min(1).max(2000),
    reporter: ReporterSchema.default({}),
    photoUrls: z
      .array(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048))
      .max(9)
      .default([]),
  })
  .meta({ id: 'CreateCase' });

/** The dotted form fields of a report sent as multipart/form-data, nested as the JSON body. */
const FORM_GROUPS = new Set(['location', 'reporter']);
const NUMERIC_FORM_FIELDS = new Set(['location.lat', 'location.lng']);

/**
 * A report's form fields (`location.gridId`, `reporter.phone`, `photoUrls` repeated…) as the
 * JSON body CreateCaseBodySchema checks, so both encodings obey the same rules and messages.
 */
export function caseBodyOfForm(fields: Record<string, string | string[]>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    let value: unknown = name === 'photoUrls' && !Array.isArray(raw) ? [raw] : raw;
    if (NUMERIC_FORM_FIELDS.has(name) && typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) value = Number(raw);
    const dot = name.indexOf('.');
    const group = dot > 0 ? name.slice(0, dot) : '';
    if (FORM_GROUPS.has(group)) ((body[group] ??= {}) as Record<string, unknown>)[name.slice(dot + 1)] = value;
    else body[name] = value;
  }
  return body;
}

/** The multipart form of POST /cases, for the OpenAPI document. */
export const CreateCaseFormSchema = z
  .object({
    channel: z.enum(INTAKE_CHANNELS),
    categoryCode: z.string(),
    description: z.string(),
    'location.gridId': z.string().optional(),
    'location.address': z.string().optional(),
    'location.lat': z.string().optional(),
    'location.lng': z.string().optional(),
    'reporter.name': z.string().optional(),
    'reporter.phone': z.string().optional(),
    'reporter.email': z.string().optional(),
    photoUrls: z.array(z.string()).optional(),
    photo: z.array(z.string().meta({ format: 'binary' })).meta({ description: 'One or more files, after the text fields.' }),
  })
  .meta({ id: 'CreateCaseForm' });

// The parsed body is exactly what intake takes (a compile-time check, not a cast).
export type CreateCaseBody = z.infer<typeof CreateCaseBodySchema>;
const _intakeFits = (b: CreateCaseBody): NewCaseRequest => b;
void _intakeFits;

/** Idempotency-Key header: 1..200 visible ASCII characters. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, { message: 'visible ASCII characters only' });

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');
const dateParam = IsoDateTime.transform((s) => new Date(s));

export const ListCasesQuerySchema = z
  .strictObject({
    status: z.enum(CASE_STATUSES).optional(),
    streetId: z.string().min(1).max(64).optional(),
    gridId: z.string().min(1).max(64).optional(),
    categoryCode: z.string().min(1).max(64).optional(),
    channel: z.enum(ALL_CHANNELS).optional(),
    overdue: boolString.optional(),
    assigneeUnitId: z.string().min(1).max(64).optional().meta({ description: 'Only the cases this unit holds now (a grid, a community, a street…)' }),
    sort: z
      .enum(['reported', 'deadline'])
      .default('reported')
      .meta({ description: 'reported: newest first (default); deadline: nearest open deadline first, cases without one last' }),
    reportedFrom: dateParam.optional().meta({ description: 'Reported at or after this instant (ISO 8601 with offset)' }),
    reportedTo: dateParam.optional().meta({ description: 'Reported before this instant (ISO 8601 with offset)' }),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .superRefine((q, ctx) => {
    if (q.reportedFrom && q.reportedTo && q.reportedFrom > q.reportedTo) {
      ctx.addIssue({ code: 'custom', path: ['reportedTo'], message: 'reportedTo is before reportedFrom' });
    }
  });
export type ListCasesQuery = z.infer<typeof ListCasesQuerySchema>;

// ---- responses --------------------------------------------------------------------------

export const WindowViewSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    clock: z.enum(['WALL', 'WORKING']),
    level: LevelSchema,
    unitId: z.string(),
    startedAt: IsoDateTime,
    dueAt: IsoDateTime,
    remindAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'Window' });

export const CaseCreatedSchema = z
  .object({
    code: z.string().meta({ example: 'GL-20261122-000123' }),
    workflowId: z.string(),
    status: z.literal('REPORTED'),
    level: LevelSchema,
    assignee: AssignmentSchema,
    reportedAt: IsoDateTime,
    windows: z.array(WindowViewSchema),
    links: z.object({ self: z.string(), events: z.string() }),
    files: z
      .array(z.object({ kind: z.string(), url: z.string(), sha256: z.string(), receivedSha256: z.string().optional() }))
      .optional()
      .meta({ description: 'Only when files were sent with the report (multipart/form-data): each as the case recorded it.' }),
  })
  .meta({ id: 'CaseCreated' });

export const CaseRecordSchema = z
  .object({
    code: z.string(),
    workflowId: z.string(),
    channel: z.string(),
    categoryCode: z.string(),
    triage: z.enum(['BIG', 'SMALL', 'PRIVATE']),
    districtId: z.string(),
    streetId: z.string(),
    communityId: z.string(),
    gridId: z.string(),
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    description: z.string(),
    reporterName: z.string().nullable().meta({ description: 'In full for the unit holding the case and the command center running the revisit; masked (张*) for everyone else (docs/PRIVACY.md)' }),
    reporterPhone: z.string().nullable().meta({ description: 'In full or masked (138****0000) like reporterName' }),
    reporterEmail: z.string().nullable().meta({ description: 'In full or masked (w***@example.cn) like reporterName' }),
    reporterView: z.enum(['FULL', 'MASKED', 'ANONYMISED']).meta({ description: 'How the reporter fields are shown to this caller; POST /cases/{code}/reporter/reveal shows masked ones in full (logged)' }),
    photoUrls: z.array(z.string()),
    status: z.enum(CASE_STATUSES),
    level: LevelSchema,
    assigneeId: z.string().nullable(),
    assigneeUnitId: z.string().nullable(),
    dueAt: IsoDateTime.nullable(),
    overdue: z.boolean(),
    breachCount: z.number().int(),
    reopenCount: z.number().int(),
    resolution: z.string().nullable(),
    reportedAt: IsoDateTime,
    closedAt: IsoDateTime.nullable(),
    version: z.number().int(),
    clientAppId: z.string().nullable(),
    anonymisedAt: IsoDateTime.nullable().meta({ description: 'When the retention run erased the reporter fields' }),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'CaseRecord', description: 'The database projection of a case (written by the case workflow).' });

/**
 * The case list counts matching cases up to this many (or to the end of the page asked for):
 * an exact count of a busy district's year costs more than the page itself (bench:volume: a
 * count to 10,000 took 30–130 ms of a filtered page's time at 500,000 cases; to 1,000, a tenth).
 * Whether more follow the page is read from the page itself (one row past it), not the count.
 */
export const CASE_LIST_COUNT_CAP = 1_000;

export const CaseListSchema = z
  .object({
    items: z.array(CaseRecordSchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int().meta({
      description: `Cases matching, counted up to ${'`'}max(${CASE_LIST_COUNT_CAP}, page × pageSize)${'`'}; beyond that the count stops and totalIsEstimate is true (there are at least this many)`,
    }),
    totalIsEstimate: z.boolean().meta({ description: 'True when the count stopped at its cap: total is a lower bound' }),
    hasMore: z.boolean().meta({ description: 'True when there are cases after this page (read with the page: one row past it)' }),
  })
  .meta({ id: 'CaseList' });

/** An extension request as the case keeps it: the decision records who, role, unit, when and why. */
export const ExtensionRequestSchema = z
  .looseObject({
    id: z.string(),
    days: z.number().meta({ description: 'Working days asked for' }),
    reason: z.string(),
    requestedBy: z.string(),
    requestedAt: z.number(),
    requiredLevel: LevelSchema.meta({ description: 'The level the length of the extension calls for' }),
    approverLevel: LevelSchema.meta({ description: 'The level deciding now (climbs when the decision window lapses)' }),
    status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
    decidedBy: z.string().nullable().meta({ description: 'Person who decided' }),
    decidedRole: RoleSchema.nullable(),
    decidedUnitId: z.string().nullable(),
    decidedAt: z.number().nullable(),
    decisionReason: z.string().nullable(),
    previousDueAt: z.number().nullable(),
    newDueAt: z.number().nullable(),
  })
  .meta({ id: 'ExtensionRequest' });

/** The live workflow state (getCaseState). Instants are epoch milliseconds, as the workflow keeps them. */
export const CaseStateSchema = z
  .object({
    code: z.string(),
    status: z.enum(CASE_STATUSES),
    level: LevelSchema,
    assignee: AssignmentSchema,
    triage: z.enum(['BIG', 'SMALL', 'PRIVATE']),
    resolution: z.string().nullable(),
    windows: z.array(z.looseObject({ id: z.string(), kind: z.string(), dueAt: z.number(), remindAt: z.number().nullable() })),
    breaches: z.array(z.looseObject({ windowId: z.string(), kind: z.string(), level: LevelSchema, at: z.number() })),
    calls: z.array(z.looseObject({ id: z.string(), departmentId: z.string(), reportBy: z.number(), reportedAt: z.number().nullable() })),
    extensions: z.array(ExtensionRequestSchema),
    completionDueAt: z.number().nullable(),
    result: z.object({ summary: z.string(), by: z.string(), at: z.number() }).nullable(),
    survey: z.looseObject({ satisfaction: z.string().nullable(), solved: z.boolean().nullable() }).nullable(),
    reopenCount: z.number().int(),
    onLeaderList: z.boolean(),
    longTermPlan: z.object({ explanation: z.string(), since: z.number(), nextReviewAt: z.number() }).nullable(),
    lastEventSeq: z.number().int(),
    updatedAt: z.number(),
    pauses: z
      .array(
        z.looseObject({
          id: z.string(),
          windowKind: z.enum(['COMPLETION', 'RESPONSE', 'ON_SITE']),
          reasonKind: z.enum(['REPORTER_UNREACHABLE', 'THIRD_PARTY', 'OTHER']),
          reason: z.string(),
          until: z.number().nullable(),
          approverLevel: LevelSchema,
          status: z.enum(['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'ENDED']),
          pausedAt: z.number().nullable(),
          endedAt: z.number().nullable(),
          pausedMinutes: z.number().nullable().meta({ description: "Paused time on the window's clock (working or wall minutes), once ended" }),
        }),
      )
      .optional()
      .meta({ description: 'Clock pauses (暂停计时) on cases started with them; absent until the first request.' }),
    ladder: z
      .array(LevelSchema)
      .optional()
      .meta({ description: "The case's own ladder, lowest first, frozen at intake (without the community where its grid has none); in GET /cases/{code}, not in an action's answer" }),
  })
  .meta({ id: 'CaseState', description: 'Live state of the case workflow; instants are epoch milliseconds.' });

export const CaseDetailSchema = z
  .object({
    code: z.string(),
    record: CaseRecordSchema.nullable().meta({ description: 'Null until the workflow has written its first projection.' }),
    live: CaseStateSchema.nullable().meta({ description: 'Null when the workflow cannot be queried (closed and unqueryable, or Temporal unreachable).' }),
  })
  .meta({ id: 'CaseDetail' });

export const CaseEventSchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    at: IsoDateTime,
    actorId: z.string().nullable(),
    actorRole: z.string().nullable(),
    unitId: z.string().nullable(),
    level: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'CaseEvent' });

export const CaseEventListSchema = z
  .object({ code: z.string(), items: z.array(CaseEventSchema) })
  .meta({ id: 'CaseEventList' });
