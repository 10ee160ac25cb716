// GET /inbox/extensions: the extension requests waiting for the caller's decision
// (延期按层级审批). The district command center, the deputy and the principal leader each
// see the pending requests of their district whose approver level is theirs; a higher
// level also sees the lower levels' pending requests (flagged lowerLevel), since it may
// decide them too. Deciding stays POST /cases/:code/extensions/:requestId/decision.
//
// Source: the PendingExtension projection (features/inbox/pendingExtensions.ts), rewritten from
// the case's event log each time the case records an extension fact, a closing or a long-term
// plan (EXTENSION_REQUESTED, the latest EXTENSION_ESCALATED for its approver level, and no later
// EXTENSION_APPROVED / EXTENSION_REJECTED for it, nor a CLOSED or LONG_TERM_PLANNED of the case),
// paginated in SQL: it reads the pending requests alone, whatever the district's volume.
// By default that is all (one database round trip);
// `live=true` cross-checks the page with each case's live workflow state (one Temporal
// query per listed case), which gives the decision window's due time and wins over a log
// that lags it by a moment — what the console's inbox page asks for.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { atOrAbove, levelOfRole } from '../../domain/ladder';
import { LEVELS, type Level } from '../../domain/types';
import { Prisma } from '../../generated/prisma/client';
import { EXTENSION_APPROVER_ROLES } from '../../domain/access';
import type { CaseState } from '../../workflows/messages';
import { queryCaseState } from '../caseWorkflows';
import type { ApiDeps } from '../deps';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, IsoDateTime, jsonResponse, LevelSchema, RoleSchema } from '../schemas/common';

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');
const boolStringDefaultFalse = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');

export const ExtensionInboxQuerySchema = z.strictObject({
  includeLowerLevels: boolString
    .default(true)
    .meta({ description: "Also list pending requests of lower approver levels (you may decide them too). Default true." }),
  live: boolStringDefaultFalse.meta({
    description: "Cross-check each listed request with its case's live workflow state (one Temporal query per case): gives decisionDueAt. Default false: the database alone.",
  }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const ExtensionInboxItemSchema = z
  .object({
    caseCode: z.string(),
    requestId: z.string(),
    days: z.number().int().meta({ description: 'Working days asked for' }),
    reason: z.string(),
    requestedBy: z.object({ personId: z.string().nullable(), role: RoleSchema.nullable(), unitId: z.string().nullable() }),
    requestedAt: IsoDateTime,
    requiredLevel: LevelSchema.meta({ description: 'The level the length of the extension calls for' }),
    approverLevel: LevelSchema.meta({ description: 'The level deciding now (climbs when a decision window lapses)' }),
    lowerLevel: z.boolean().meta({ description: "True when the request waits for a level below yours (you may still decide it)" }),
    decisionDueAt: IsoDateTime.nullable().meta({ description: 'When the decision window lapses and the request climbs; null unless live=true and the live state answered' }),
    overdue: z.boolean(),
    caseStatus: z.string().nullable(),
    caseLevel: LevelSchema.nullable(),
    links: z.object({ case: z.string(), decide: z.string() }),
  })
  .meta({ id: 'ExtensionInboxItem' });

export const ExtensionInboxSchema = z
  .object({
    level: LevelSchema.meta({ description: "The caller's approver level" }),
    items: z.array(ExtensionInboxItemSchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'ExtensionInbox' });

export type ExtensionInboxItem = z.infer<typeof ExtensionInboxItemSchema>;

export const inboxRegistry = new OpenAPIRegistry();
inboxRegistry.registerPath({
  method: 'get',
  path: '/inbox/extensions',
  tags: ['inbox'],
  summary: "Pending extension requests waiting for the caller's level (oldest first)",
  description:
    'COMMAND_CENTER, DEPUTY_LEADER and PRINCIPAL_LEADER only; cases of the caller\'s district. A request waits for the level its ' +
    'length calls for (EXTENSION_THRESHOLDS) and climbs when that level does not decide in time. Decide with ' +
    'POST /cases/{code}/extensions/{requestId}/decision.',
  security: authenticated,
  request: { query: ExtensionInboxQuerySchema },
  responses: {
    200: jsonResponse(ExtensionInboxSchema, 'A page of pending requests'),
    400: errorResponses[400],
    401: errorResponses[401],
    403: errorResponses[403],
    503: errorResponses[503],
  },
});

interface PendingRow {
  caseCode: string;
  requestId: string;
  requestedAt: Date;
  actorId: string | null;
  actorRole: string | null;
  actorUnitId: string | null;
  days: number;
  reason: string;
  requiredLevel: string;
  approverLevel: string;
  caseStatus: string;
  caseLevel: string;
}

/** Pending requests of a district whose current approver level is one of `levels` (the projection). */
function pendingRequests(districtId: string, levels: readonly Level[]): Prisma.Sql {
  return Prisma.sql`
    SELECT p."caseCode", p."requestId", p."requestedAt", p."actorId", p."actorRole", p."actorUnitId", p.days, p.reason,
           p."requiredLevel", p."approverLevel", c.status AS "caseStatus", c.level AS "caseLevel"
    FROM "PendingExtension" p JOIN "Case" c ON c.code = p."caseCode"
    WHERE p."districtId" = ${districtId} AND p."approverLevel" IN (${Prisma.join([...levels])})`;
}

const isLevel = (s: string | null | undefined): s is Level => !!s && (LEVELS as readonly string[]).includes(s);

/**
 * One inbox item from its log row and the live state (null when unavailable). Null when the
 * live state shows the request is no longer the caller's to decide (decided, or climbed above).
 */
export function inboxItem(row: PendingRow, live: CaseState | null, callerLevel: Level, now: number): ExtensionInboxItem | null {
  const ext = live?.extensions.find((x) => x.id === row.requestId);
  if (live && (!ext || ext.status !== 'PENDING')) return null;
  const approverLevel = ext?.approverLevel ?? (isLevel(row.approverLevel) ? row.approverLevel : null);
  if (!approverLevel || !atOrAbove(callerLevel, approverLevel)) return null;
  const requiredLevel = ext?.requiredLevel ?? (isLevel(row.requiredLevel) ? row.requiredLevel : approverLevel);
  const window = live?.windows.find((w) => w.kind === 'EXTENSION_DECISION' && w.refId === row.requestId);
  const dueAt = window?.dueAt ?? null;
  const caseLevel = live?.level ?? (isLevel(row.caseLevel) ? row.caseLevel : null);
  const code = encodeURIComponent(row.caseCode);
  return {
    caseCode: row.caseCode,
    requestId: row.requestId,
    days: ext?.days ?? row.days,
    reason: ext?.reason ?? row.reason,
    requestedBy: {
      personId: ext?.requestedBy ?? row.actorId,
      role: (row.actorRole as ExtensionInboxItem['requestedBy']['role']) ?? null,
      unitId: row.actorUnitId,
    },
    requestedAt: new Date(ext?.requestedAt ?? row.requestedAt.getTime()).toISOString(),
    requiredLevel,
    approverLevel,
    lowerLevel: approverLevel !== callerLevel,
    decisionDueAt: dueAt === null ? null : new Date(dueAt).toISOString(),
    overdue: dueAt !== null && dueAt < now,
    caseStatus: live?.status ?? row.caseStatus ?? null,
    caseLevel,
    links: { case: `/cases/${code}`, decide: `/cases/${code}/extensions/${encodeURIComponent(row.requestId)}/decision` },
  };
}

export function inboxRouter(deps: Pick<ApiDeps, 'db' | 'temporal'>): Router {
  const router = Router();

  router.get('/inbox/extensions', requireRole(EXTENSION_APPROVER_ROLES, 'read the extension inbox (it belongs to the district command center and leaders)'), async (req, res) => {
    const q = parseOr400(ExtensionInboxQuerySchema, req.query, 'query');
    const caller = principalOf(req);
    const level = levelOfRole(caller.role)!;
    const levels = LEVELS.filter((l) => (q.includeLowerLevels ? atOrAbove(level, l) : l === level));
    const pending = pendingRequests(caller.unitId, levels);
    const [counted, rows] = await Promise.all([
      deps.db.$queryRaw<Array<{ n: bigint | number }>>`SELECT count(*) AS n FROM (${pending}) q`,
      deps.db.$queryRaw<PendingRow[]>`
        SELECT * FROM (${pending}) q
        ORDER BY q."requestedAt" ASC, q."caseCode" ASC, q."requestId" ASC
        OFFSET ${(q.page - 1) * q.pageSize} LIMIT ${q.pageSize}`,
    ]);
    const codes = q.live ? [...new Set(rows.map((r) => r.caseCode))] : [];
    const states = new Map(await Promise.all(codes.map(async (c) => [c, await queryCaseState(deps.temporal, c, req.log)] as const)));
    const now = Date.now();
    const items = rows.flatMap((r) => inboxItem(r, states.get(r.caseCode) ?? null, level, now) ?? []);
    // Requests the live state shows decided (the log lags by a moment) are left out of the count too.
    const total = Math.max(0, Number(counted[0]?.n ?? 0) - (rows.length - items.length));
    res.json({ level, items, page: q.page, pageSize: q.pageSize, total });
  });

  return router;
}
