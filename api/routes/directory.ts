// Read-only directory: the matter catalog, the organisation units, and the caller itself.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { principalOf } from '../middleware/auth';
import { parseOr400 } from '../middleware/validate';
import { authenticated, errorResponses, jsonResponse } from '../schemas/common';
import { CategoryListSchema, ListUnitsQuerySchema, MeSchema, UnitListSchema } from '../schemas/directory';

export const directoryRegistry = new OpenAPIRegistry();
directoryRegistry.registerPath({
  method: 'get',
  path: '/categories',
  tags: ['directory'],
  summary: 'The matter catalog (事项清单): active categories',
  security: authenticated,
  responses: { 200: jsonResponse(CategoryListSchema, 'Active categories by code'), 401: errorResponses[401] },
});
directoryRegistry.registerPath({
  method: 'get',
  path: '/units',
  tags: ['directory'],
  summary: 'Organisation units: district, streets, communities, grids, departments',
  security: authenticated,
  request: { query: ListUnitsQuerySchema },
  responses: { 200: jsonResponse(UnitListSchema, 'Units'), 400: errorResponses[400], 401: errorResponses[401] },
});
directoryRegistry.registerPath({
  method: 'get',
  path: '/me',
  tags: ['directory'],
  summary: 'The authenticated caller',
  security: authenticated,
  responses: { 200: jsonResponse(MeSchema, 'Who you are'), 401: errorResponses[401] },
});

export function directoryRouter(deps: Pick<ApiDeps, 'db' | 'directory'>): Router {
  const router = Router();

  router.get('/categories', async (_req, res) => {
    const rows = await deps.directory.listCategories();
    res.json({
      items: rows.map((c) => ({
        code: c.code,
        name: c.name,
        description: c.description,
        group: c.group,
        keywords: c.keywords,
        triage: c.triage,
        defaultLevel: c.defaultLevel,
        completionDays: c.completionDays,
        urgent: c.urgent,
        departmentIds: c.departmentIds,
      })),
    });
  });

  router.get('/units', async (req, res) => {
    const q = parseOr400(ListUnitsQuerySchema, req.query, 'query');
    const rows = await deps.db.orgUnit.findMany({
      // Deactivated units are history: administrators list them under /admin/units.
      where: { active: true, ...(q.kind ? { kind: q.kind } : {}), ...(q.parentId ? { parentId: q.parentId } : {}) },
      select: { id: true, kind: true, name: true, parentId: true, addressKeywords: true, lat: true, lng: true, households: true },
      orderBy: [{ kind: 'asc' }, { id: 'asc' }],
    });
    res.json({ items: rows });
  });

  router.get('/me', async (req, res) => {
    const p = principalOf(req);
    const unit = await deps.db.orgUnit.findUnique({ where: { id: p.unitId }, select: { id: true, kind: true, name: true } });
    res.json({ personId: p.personId, name: p.name, role: p.role, unitId: p.unitId, unit, via: p.via });
  });

  return router;
}
