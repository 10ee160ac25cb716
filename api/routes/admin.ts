// Administration: the organisation (units, people), the matter catalog, the working calendar,
// and the change log. ADMIN only (the change log: AUDITOR too); units and people only within
// the admin's district. Every write is validated at the edge (400 with every field), checked
// by features/admin (403 / 404 / 409 with the reason), written with its AdminChange row in
// one transaction, and then the directory cache is dropped so intake never routes by stale data.
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../../features/auth/auth';
import { districtOf } from '../../features/auth/accounts';
import { calendarStatus, calendarYearDays, importCalendarYear, setOfficeHours } from '../../features/admin/calendar';
import { createCatalogAdmin } from '../../features/admin/catalog';
import { listChanges } from '../../features/admin/changes';
import { createOrgAdmin, type AdminActor } from '../../features/admin/org';
import type { ApiDeps } from '../deps';
import { httpErrors } from '../errors';
import { principalOf, requireRole } from '../middleware/auth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import {
  AdminCategoryPageSchema,
  AdminCategoryQuerySchema,
  AdminCategorySchema,
  AdminChangePageSchema,
  AdminChangeQuerySchema,
  AdminPersonPageSchema,
  AdminPersonQuerySchema,
  AdminPersonSchema,
  AdminUnitPageSchema,
  AdminUnitQuerySchema,
  AdminUnitSchema,
  CalendarImportResultSchema,
  CalendarStatusSchema,
  CalendarYearBodySchema,
  CalendarYearDaysSchema,
  CategoryCodeParams,
  CreateCategoryBodySchema,
  CreatePersonBodySchema,
  CreateUnitBodySchema,
  OfficeHoursBodySchema,
  PersonIdParams,
  UnitIdParams,
  UpdateCategoryBodySchema,
  UpdatePersonBodySchema,
  UpdateUnitBodySchema,
  YearParams,
} from '../schemas/admin';
import { authenticated, errorResponses, jsonResponse } from '../schemas/common';

// ---- OpenAPI -------------------------------------------------------------------------------

export const adminRegistry = new OpenAPIRegistry();
const body = (schema: Parameters<typeof jsonResponse>[0]) => ({ body: { content: { 'application/json': { schema } } } });
const reads = { 400: errorResponses[400], 401: errorResponses[401], 403: errorResponses[403], 404: errorResponses[404] };
const writes = { ...reads, 409: errorResponses[409] };
type Method = 'get' | 'post' | 'patch' | 'put';
function route(method: Method, path: string, summary: string, request: Record<string, unknown>, ok: Parameters<typeof jsonResponse>[0], okStatus = 200): void {
  adminRegistry.registerPath({
    method,
    path,
    tags: ['admin'],
    summary,
    security: authenticated,
    request,
    responses: { [okStatus]: jsonResponse(ok, 'Done'), ...(method === 'get' ? reads : writes) },
  });
}
route('get', '/admin/units', 'ADMIN: units of your district (inactive too), filtered, paginated', { query: AdminUnitQuerySchema }, AdminUnitPageSchema);
route('get', '/admin/units/{id}', 'ADMIN: one unit, with its active children, active people and open cases', { params: UnitIdParams }, AdminUnitSchema);
route('post', '/admin/units', 'ADMIN: create a street, community, grid or department (id given or generated)', body(CreateUnitBodySchema), AdminUnitSchema, 201);
route('patch', '/admin/units/{id}', 'ADMIN: rename, move (new parentId: refused with open cases, a cycle or a wrong parent kind), grid keywords/centroid/households', { params: UnitIdParams, ...body(UpdateUnitBodySchema) }, AdminUnitSchema);
route('post', '/admin/units/{id}/deactivate', 'ADMIN: deactivate a unit (refused while it has open cases, active units under it or active people)', { params: UnitIdParams }, AdminUnitSchema);
route('get', '/admin/people', 'ADMIN: people of your district, filtered, paginated', { query: AdminPersonQuerySchema }, AdminPersonPageSchema);
route('get', '/admin/people/{id}', 'ADMIN: one person', { params: PersonIdParams }, AdminPersonSchema);
route('post', '/admin/people', 'ADMIN: create a person with a role in a unit (deactivate: POST /admin/people/{id}/deactivate)', body(CreatePersonBodySchema), AdminPersonSchema, 201);
route('patch', '/admin/people/{id}', 'ADMIN: rename, change phone, role or unit (refused for the last holder of a post with open cases)', { params: PersonIdParams, ...body(UpdatePersonBodySchema) }, AdminPersonSchema);
route('get', '/admin/categories', 'ADMIN: the whole matter catalog (inactive too)', { query: AdminCategoryQuerySchema }, AdminCategoryPageSchema);
route('get', '/admin/categories/{code}', 'ADMIN: one category', { params: CategoryCodeParams }, AdminCategorySchema);
route('post', '/admin/categories', 'ADMIN: create a category (completion 1–7 working days)', body(CreateCategoryBodySchema), AdminCategorySchema, 201);
route('patch', '/admin/categories/{code}', 'ADMIN: edit a category; running cases keep the windows they started with', { params: CategoryCodeParams, ...body(UpdateCategoryBodySchema) }, AdminCategorySchema);
route('post', '/admin/categories/{code}/deactivate', 'ADMIN: deactivate a category (no new cases; running ones continue)', { params: CategoryCodeParams }, AdminCategorySchema);
route('get', '/admin/calendar', 'ADMIN: office hours, work week, the years with a schedule, and the warning when next year is missing', {}, CalendarStatusSchema);
route('get', '/admin/calendar/years/{year}', "ADMIN: one year's holidays and make-up working days", { params: YearParams }, CalendarYearDaysSchema);
route('put', '/admin/calendar/years/{year}', "ADMIN: replace one year's schedule (checked whole first: 400 lists every problem, nothing written)", { params: YearParams, ...body(CalendarYearBodySchema) }, CalendarImportResultSchema);
route('put', '/admin/calendar/office-hours', 'ADMIN: office hours (and work week)', body(OfficeHoursBodySchema), CalendarStatusSchema.pick({ timeZone: true, officeHours: true, workWeek: true }).extend({ version: z.number().int() }));
route('get', '/admin/changes', 'ADMIN, AUDITOR: the change log of your district and of the catalog and calendar, newest first', { query: AdminChangeQuerySchema }, AdminChangePageSchema);

// ---- routes --------------------------------------------------------------------------------

const actorOf = (req: Request): AdminActor => {
  const p = principalOf(req);
  return { personId: p.personId, unitId: p.unitId };
};

export function adminRouter(deps: Pick<ApiDeps, 'db' | 'cfg' | 'directory' | 'now'> & { authenticator: Authenticator }): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const org = createOrgAdmin({ db: deps.db, now });
  const catalog = createCatalogAdmin({ db: deps.db, cfg: deps.cfg, now });
  const admin = requireRole(['ADMIN'], 'administer the directory, the catalog or the calendar');
  /** After every write: the intake's cache must not keep serving what was just changed. */
  const changed = (people = false) => {
    deps.directory.clear();
    // A person's role or unit is read through the authenticator's short cache.
    if (people) deps.authenticator.clear();
  };

  // -- units
  router.get('/admin/units', admin, async (req, res) => {
    const q = parseOr400(AdminUnitQuerySchema, req.query, 'query');
    res.json(await org.listUnits(actorOf(req), q));
  });
  router.get('/admin/units/:id', admin, async (req, res) => {
    const { id } = parseOr400(UnitIdParams, req.params, 'params');
    res.json(await org.getUnit(actorOf(req), id));
  });
  router.post('/admin/units', admin, requireJsonBody, async (req, res) => {
    const b = parseOr400(CreateUnitBodySchema, req.body ?? {}, 'body');
    const r = await org.createUnit(actorOf(req), b);
    changed();
    res.status(201).json(r);
  });
  router.patch('/admin/units/:id', admin, requireJsonBody, async (req, res) => {
    const { id } = parseOr400(UnitIdParams, req.params, 'params');
    const b = parseOr400(UpdateUnitBodySchema, req.body ?? {}, 'body');
    const r = await org.updateUnit(actorOf(req), id, b);
    changed();
    res.json(r);
  });
  router.post('/admin/units/:id/deactivate', admin, async (req, res) => {
    const { id } = parseOr400(UnitIdParams, req.params, 'params');
    const r = await org.deactivateUnit(actorOf(req), id);
    changed();
    res.json(r);
  });

  // -- people (password, deactivate and api-key: api/routes/signin.ts)
  router.get('/admin/people', admin, async (req, res) => {
    const q = parseOr400(AdminPersonQuerySchema, req.query, 'query');
    res.json(await org.listPeople(actorOf(req), q));
  });
  router.get('/admin/people/:id', admin, async (req, res) => {
    const { id } = parseOr400(PersonIdParams, req.params, 'params');
    res.json(await org.getPerson(actorOf(req), id));
  });
  router.post('/admin/people', admin, requireJsonBody, async (req, res) => {
    const b = parseOr400(CreatePersonBodySchema, req.body ?? {}, 'body');
    const r = await org.createPerson(actorOf(req), b);
    changed(true);
    res.status(201).json(r);
  });
  router.patch('/admin/people/:id', admin, requireJsonBody, async (req, res) => {
    const { id } = parseOr400(PersonIdParams, req.params, 'params');
    const b = parseOr400(UpdatePersonBodySchema, req.body ?? {}, 'body');
    const r = await org.updatePerson(actorOf(req), id, b);
    changed(true);
    res.json(r);
  });

  // -- catalog (system-wide: any district's ADMIN keeps it)
  router.get('/admin/categories', admin, async (req, res) => {
    const q = parseOr400(AdminCategoryQuerySchema, req.query, 'query');
    res.json(await catalog.list(q));
  });
  router.get('/admin/categories/:code', admin, async (req, res) => {
    const { code } = parseOr400(CategoryCodeParams, req.params, 'params');
    res.json(await catalog.get(code));
  });
  router.post('/admin/categories', admin, requireJsonBody, async (req, res) => {
    const b = parseOr400(CreateCategoryBodySchema, req.body ?? {}, 'body');
    const r = await catalog.create(actorOf(req), b);
    changed();
    res.status(201).json(r);
  });
  router.patch('/admin/categories/:code', admin, requireJsonBody, async (req, res) => {
    const { code } = parseOr400(CategoryCodeParams, req.params, 'params');
    const b = parseOr400(UpdateCategoryBodySchema, req.body ?? {}, 'body');
    const r = await catalog.update(actorOf(req), code, b);
    changed();
    res.json(r);
  });
  router.post('/admin/categories/:code/deactivate', admin, async (req, res) => {
    const { code } = parseOr400(CategoryCodeParams, req.params, 'params');
    const r = await catalog.update(actorOf(req), code, { active: false }, 'DEACTIVATE');
    changed();
    res.json(r);
  });

  // -- calendar (system-wide)
  router.get('/admin/calendar', admin, async (_req, res) => {
    res.json(await calendarStatus(deps.db, now()));
  });
  router.get('/admin/calendar/years/:year', admin, async (req, res) => {
    const { year } = parseOr400(YearParams, req.params, 'params');
    const days = await calendarYearDays(deps.db, year);
    if (days.length === 0) throw httpErrors.notFound(`no schedule for ${year}`);
    res.json({ year, days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })) });
  });
  router.put('/admin/calendar/years/:year', admin, requireJsonBody, async (req, res) => {
    const { year } = parseOr400(YearParams, req.params, 'params');
    // The document is checked whole by the same function the CLI uses (every problem at once).
    const r = await importCalendarYear(deps.db, { actorId: actorOf(req).personId, year, document: req.body ?? {}, at: new Date(now()) });
    changed();
    res.json(r);
  });
  router.put('/admin/calendar/office-hours', admin, requireJsonBody, async (req, res) => {
    const b = parseOr400(OfficeHoursBodySchema, req.body ?? {}, 'body');
    const r = await setOfficeHours(deps.db, { actorId: actorOf(req).personId, officeHours: b.officeHours, workWeek: b.workWeek, at: new Date(now()) });
    changed();
    res.json(r);
  });

  // -- change log
  router.get('/admin/changes', requireRole(['ADMIN', 'AUDITOR'], 'read the change log'), async (req, res) => {
    const q = parseOr400(AdminChangeQuerySchema, req.query, 'query');
    const district = await districtOf(deps.db, principalOf(req).unitId);
    if (!district) throw httpErrors.forbidden('your unit belongs to no district');
    res.json(await listChanges(deps.db, district, q));
  });

  return router;
}
