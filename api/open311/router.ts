// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the system's own intake
// and its database projection, plus FixMyStreet's GET /servicerequestupdates. Mounted at
// /open311/v2 ahead of the JWT middleware: Open311 authenticates with an api_key parameter
// (required to POST, optional to read). Every resource answers XML or JSON by its suffix
// (.xml when there is none), and every failure in the spec's errors format. See docs/OPEN311.md.
import { createHash } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { parseCaseCode } from '../../domain/caseCode';
import type { Prisma } from '../../generated/prisma/client';
import { fixedUtcOffsetMinutes } from '../../features/directory/directory';
import { caseCreatedFrom, createCase, readCaseInput, type NewCaseRequest, type StoredIntakeFile } from '../../features/intake/intake';
import { evidenceStorageOf } from '../../features/evidence/configuredStorage';
import { intakeFilesOf, storedTypeOf } from '../../features/evidence/caseFiles';
import { dispositionOf, evidenceFileName } from '../../domain/evidenceFiles';
import { pipeline } from 'node:stream/promises';
import { isMultipart } from '../multipart';
import { receiveReportFiles } from '../reportFiles';
import { GRPC_NOT_FOUND, grpcStatusOf } from '../../platform/temporalConnection';
import type { ApiDeps } from '../deps';
import { toApiError, toDomainError } from '../errors';
import { IdempotencyKeySchema, ReporterSchema } from '../schemas/cases';
import { checkAttributeAnswers, describeAnswers, parseServiceAttributes, SERVICE_DEFINITION_INVALID } from '../../features/open311/attributes';
import { authenticateClient, type Open311Caller } from './clients';
import {
  errorsDocument,
  formatOfPath,
  Open311Error,
  parseFormat,
  sendDocument,
  splitFormat,
  type Open311ErrorItem,
  type Open311Format,
} from './format';
import {
  caseStatusesFor,
  noticeFor,
  parseW3cDateTime,
  requestView,
  serviceDefinitionView,
  serviceView,
  UPDATE_EVENT_TYPES,
  updateView,
  w3cDateTime,
  type CaseRow,
} from './views';

/** The specification token of GeoReport v2 (service discovery). */
export const GEOREPORT_V2_SPEC = 'http://wiki.open311.org/GeoReport_v2';
/** GET /requests and /servicerequestupdates: the default and the widest date window (spec: 90 days). */
export const MAX_WINDOW_DAYS = 90;
/** …and at most this many results (spec: first 1000). */
export const MAX_RESULTS = 1000;
/** Open311's description limit. */
const MAX_DESCRIPTION = 4000;
const DAY_MS = 24 * 3600_000;
/** How long a read of a just-started case's workflow may take. */
const TEMPORAL_READ_MS = 5_000;

type Params = Record<string, unknown>;

/** One text parameter: absent and empty are the same ("Optional Arguments"); repeats are joined with commas. */
function text(p: Params, name: string): string | undefined {
  const v = p[name];
  const s = Array.isArray(v) ? v.map((x) => String(x)).join(',') : typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  const t = s?.trim();
  return t ? t : undefined;
}

/** A comma-delimited (or repeated) parameter as a list of distinct values. */
function list(p: Params, name: string): string[] {
  const s = text(p, name);
  return s ? [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))] : [];
}

/** attribute[code]=value pairs: nested by the form parser, or flat keys in a JSON body. */
function attributesOf(body: Params): unknown {
  const nested = body.attribute;
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(k);
    if (m) flat[m[1]] = v;
  }
  if (Object.keys(flat).length === 0) return nested;
  return nested && typeof nested === 'object' && !Array.isArray(nested) ? { ...(nested as object), ...flat } : flat;
}

function keyOf(p: Params): string | undefined {
  return text(p, 'api_key');
}

/** "Family name then given name" when either is written in CJK characters, else "given family". */
export function reporterName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/u.test(`${first ?? ''}${last ?? ''}`);
  return cjk ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ');
}

/** The requested window on a date column, per the spec: default the last 90 days, never wider. */
function dateWindow(p: Params, offsetMinutes: number, now: number, required: boolean): { gte: Date; lte: Date } | null {
  const problems: string[] = [];
  const read = (name: string): Date | undefined => {
    const s = text(p, name);
    if (s === undefined) return undefined;
    const d = parseW3cDateTime(s, offsetMinutes);
    if (!d) problems.push(`${name} "${s}" is not a W3C date-time with a zone, e.g. 2026-11-01T00:00:00+08:00`);
    return d ?? undefined;
  };
  const start = read('start_date');
  const end = read('end_date');
  if (problems.length) throw Open311Error.badRequest(...problems);
  if (!start && !end && !required) return null;
  const lte = end ?? (start ? new Date(start.getTime() + MAX_WINDOW_DAYS * DAY_MS) : new Date(now));
  const gte = start ?? new Date(lte.getTime() - MAX_WINDOW_DAYS * DAY_MS);
  if (gte > lte) throw Open311Error.badRequest('end_date is before start_date');
  if (lte.getTime() - gte.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw Open311Error.badRequest(`start_date and end_date may not span more than ${MAX_WINDOW_DAYS} days`);
  }
  return { gte, lte };
}

/** Cases a caller may see: every case except private matters (个人事务), plus everything it filed itself. */
function visibleTo(caller: Open311Caller | null): Prisma.CaseWhereInput {
  const publicCases: Prisma.CaseWhereInput = { triage: { not: 'PRIVATE' } };
  return caller ? { OR: [publicCases, { clientAppId: caller.clientId }] } : publicCases;
}

function mayFullySee(caller: Open311Caller | null, clientAppId: string | null): boolean {
  return caller !== null && clientAppId !== null && clientAppId === caller.clientId;
}

/**
 * The catalog's service list changes at most as often as its content: the changeset is the
 * first time this process saw the current content (sortable; after a restart it moves forward,
 * which only makes clients refresh their cached services once).
 */
function catalogChangeset(seen: Map<string, number>, fingerprint: string, now: number): number {
  const at = seen.get(fingerprint);
  if (at !== undefined) return at;
  if (seen.size > 100) seen.clear();
  seen.set(fingerprint, now);
  return now;
}


/** The Open311 GeoReport v2 router (mount it at /open311/v2, before the bearer-token middleware). */
export function createOpen311Router(deps: ApiDeps, opts: { now?: () => number } = {}): Router {
  const { db, cfg, directory } = deps;
  const now = opts.now ?? Date.now;
  const offset = fixedUtcOffsetMinutes(cfg.CALENDAR_TIME_ZONE);
  const changesets = new Map<string, number>();
  const storage = deps.evidenceStorage ?? evidenceStorageOf(cfg);
  const router = Router();

  /** Remember the format first, so any later failure answers in it. */
  const formatFrom = (res: Response, suffix: string | undefined): Open311Format => {
    res.locals.open311Format = 'xml';
    const f = parseFormat(suffix);
    res.locals.open311Format = f;
    return f;
  };

  /** The caller behind an api_key, if one was sent; a wrong key is refused (403) even where none is needed. */
  const callerOf = async (p: Params): Promise<Open311Caller | null> => {
    const key = keyOf(p);
    if (key === undefined) return null;
    // A refused key is an Open311KeyError (Unauthenticated): toOpen311Error answers 403.
    return await authenticateClient(db, key);
  };

  const tooMany = (windowMs: number) =>
    new Open311Error(400, [{ code: 429, description: 'too many requests; slow down' }], { 'Retry-After': String(Math.ceil(windowMs / 1000)) });
  const ipOf = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

  router.use(express.urlencoded({ extended: true, limit: cfg.API_BODY_LIMIT, parameterLimit: 500 }));
  router.use(express.json({ limit: cfg.API_BODY_LIMIT }));
  // Guessing keys is slow: refused keys (403) count per IP.
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: cfg.API_RATE_LIMIT_PER_MINUTE,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => `o311-key:${ipOf(req)}`,
      requestWasSuccessful: (_req, res) => res.statusCode !== 403,
      skipSuccessfulRequests: true,
      handler: (_req, _res, next) => next(tooMany(60_000)),
    }),
  );
  // Every client (by key, else by IP) gets the API's per-minute budget.
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: cfg.API_RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => {
        const key = keyOf({ ...(req.query as Params), ...((req.body as Params | undefined) ?? {}) });
        return key ? `o311-client:${createHash('sha256').update(key).digest('hex')}` : `o311-ip:${ipOf(req)}`;
      },
      handler: (_req, _res, next) => next(tooMany(60_000)),
    }),
  );

  // ---- service discovery -----------------------------------------------------------------
  router.get('/discovery{.:format}', async (req, res) => {
    const format = formatFrom(res, req.params.format);
    const [categories, district] = await Promise.all([
      directory.listCategories(),
      db.orgUnit.findUnique({ where: { id: cfg.DISTRICT_ID }, select: { name: true } }),
    ]);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(categories.map((c) => [c.code, c.name, c.description, c.group, c.keywords, c.attributes, c.completionDays, c.urgent, c.windowOverrides])))
      .digest('hex');
    const changeset = w3cDateTime(catalogChangeset(changesets, fingerprint, now()), offset);
    const districtName = district?.name ?? cfg.DISTRICT_ID;
    sendDocument(res, format, {
      root: 'discovery',
      body: {
        changeset,
        contact: `${districtName}指挥中心 / ${districtName} command center`,
        key_service: 'API 密钥由系统管理员签发 / API keys are issued by the system administrator (scripts/open311Client.ts)',
        endpoints: [
          {
            specification: GEOREPORT_V2_SPEC,
            url: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`,
            changeset,
            type: cfg.NODE_ENV === 'production' ? 'production' : 'test',
            formats: ['text/xml', 'application/json'],
          },
        ],
      },
    });
  });

  // ---- services --------------------------------------------------------------------------
  router.get('/services{.:format}', async (req, res) => {
    const format = formatFrom(res, req.params.format);
    const categories = await directory.listCategories();
    const body = categories.map((c) => serviceView(c, parseServiceAttributes(c.attributes, c.code)));
    sendDocument(res, format, { root: 'services', body });
  });

  router.get('/services/:file', async (req, res) => {
    res.locals.open311Format = formatOfPath(req.params.file);
    const { id, format } = splitFormat(req.params.file);
    res.locals.open311Format = format;
    const category = await directory.getCategory(id);
    if (!category) throw Open311Error.notFound(`service_code ${id} was not found`);
    sendDocument(res, format, { root: 'service_definition', body: serviceDefinitionView(category.code, parseServiceAttributes(category.attributes, category.code)) });
  });

  // ---- POST a service request ------------------------------------------------------------
  /** A service request's parameters checked and turned into a report; throws the spec's 400/403/404. */
  const parseServiceRequest = async (p: Params, req: Request) => {
    const key = keyOf(p);
    if (key === undefined) throw Open311Error.forbidden('Missing api_key: an API key is required to create a service request');
    const caller = await callerOf(p);
    if (!caller) throw Open311Error.forbidden('Missing api_key');

    const serviceCode = text(p, 'service_code');
    if (serviceCode === undefined) throw Open311Error.badRequest('service_code was not provided');
    const category = await directory.getCategory(serviceCode);
    if (!category) throw Open311Error.notFound(`service_code ${serviceCode} was not found`);
    const definitions = parseServiceAttributes(category.attributes, category.code);

    const problems: string[] = [];
    // Location: lat & long, address_string or address_id (at least one).
    const latText = text(p, 'lat');
    const longText = text(p, 'long');
    const address = text(p, 'address_string');
    const addressId = text(p, 'address_id');
    let lat: number | undefined;
    let lng: number | undefined;
    if (latText !== undefined || longText !== undefined) {
      if (latText === undefined || longText === undefined) problems.push('lat and long must be sent together');
      else {
        lat = Number(latText);
        lng = Number(longText);
        if (!Number.isFinite(lat) || Math.abs(lat) > 90) problems.push(`lat "${latText}" is not a WGS84 latitude`);
        if (!Number.isFinite(lng) || Math.abs(lng) > 180) problems.push(`long "${longText}" is not a WGS84 longitude`);
      }
    }
    if (latText === undefined && longText === undefined && address === undefined && addressId === undefined) {
      problems.push('A full location parameter must be submitted: lat and long, address_string or address_id');
    }
    if (address !== undefined && address.length > 300) problems.push('address_string is longer than 300 characters');
    if (addressId !== undefined && addressId.length > 64) problems.push('address_id is longer than 64 characters');

    const description = text(p, 'description');
    if (description !== undefined && description.length > MAX_DESCRIPTION) problems.push(`description is longer than ${MAX_DESCRIPTION} characters`);

    const reporter = ReporterSchema.safeParse({
      name: reporterName(text(p, 'first_name'), text(p, 'last_name')),
      phone: text(p, 'phone'),
      email: text(p, 'email'),
    });
    if (!reporter.success) {
      const field: Record<string, string> = { name: 'first_name/last_name', phone: 'phone', email: 'email' };
      for (const i of reporter.error.issues) problems.push(`${field[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    }

    const mediaUrl = text(p, 'media_url');
    if (mediaUrl !== undefined) {
      let ok = false;
      try {
        ok = ['http:', 'https:'].includes(new URL(mediaUrl).protocol) && mediaUrl.length <= 2048;
      } catch {
        ok = false;
      }
      if (!ok) problems.push('media_url must be an http(s) URL of at most 2048 characters');
    }
    for (const name of ['device_id', 'account_id']) {
      const v = text(p, name);
      if (v !== undefined && v.length > 200) problems.push(`${name} is longer than 200 characters`);
    }

    const idempotency = req.get('Idempotency-Key');
    let idempotencyKey: string | undefined;
    if (idempotency !== undefined) {
      const k = IdempotencyKeySchema.safeParse(idempotency);
      if (k.success) idempotencyKey = k.data;
      else problems.push(`Idempotency-Key header: ${k.error.issues.map((i) => i.message).join('; ')}`);
    }

    const checked = checkAttributeAnswers(definitions, attributesOf(p));
    problems.push(...checked.problems.map((x) => x.message));
    if (problems.length) throw Open311Error.badRequest(...problems);

    const details = describeAnswers(definitions, checked.answers);
    const caseDescription = [description ?? category.name, ...(details.length ? ['', '【补充信息 / Additional details】', ...details] : [])].join('\n');
    const request: NewCaseRequest = {
      channel: 'OPEN311',
      categoryCode: category.code,
      location: {
        ...(addressId !== undefined ? { gridId: addressId } : {}),
        ...(address !== undefined ? { address } : {}),
        ...(lat !== undefined && lng !== undefined ? { lat, lng } : {}),
      },
      description: caseDescription,
      reporter: reporter.success ? reporter.data : {},
      photoUrls: mediaUrl ? [mediaUrl] : [],
    };
    return { request, caller, category, idempotencyKey };
  };

  router.post('/requests{.:format}', async (req, res) => {
    const format = formatFrom(res, req.params.format);
    const query = req.query as Params;
    let p: Params;
    let files: StoredIntakeFile[] = [];
    let start = <T>(fn: () => Promise<T>) => fn();
    if (isMultipart(req)) {
      // GeoReport v2 clients upload the photo as `media` in a multipart form: stored like any
      // evidence file once the other parameters have passed, removed again if the case is refused.
      const form = await receiveReportFiles(req, { db, cfg, storage }, {
        fileFields: ['media'],
        maxFiles: 1,
        checkFields: async (fields) => void (await parseServiceRequest({ ...query, ...fields }, req)),
        tooManyFiles: () => Open311Error.badRequest('media: send one file'),
        log: req.log,
      });
      p = { ...query, ...form.fields };
      files = form.files;
      start = form.startWith;
    } else {
      p = { ...query, ...((req.body as Params | undefined) ?? {}) };
    }
    const { created, replayed, category } = await start(async () => {
      const { request, caller, category, idempotencyKey } = await parseServiceRequest(p, req);
      const outcome = await createCase(
        { db, temporal: deps.temporal, cfg, directory, logger: req.log ?? deps.logger },
        {
          request,
          actor: caller.actor,
          // Scoped to the client, so two clients sharing a reporter person never collide.
          ...(idempotencyKey !== undefined ? { idempotencyKey: `open311:${caller.clientId}:${idempotencyKey}` } : {}),
          clientAppId: caller.clientId,
          ...(files.length ? { files } : {}),
        },
      );
      return { ...outcome, category };
    });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    sendDocument(res, format, {
      root: 'service_requests',
      body: [{ service_request_id: created.code, service_notice: noticeFor(category, cfg), account_id: text(p, 'account_id') ?? null }],
    });
  });

  // ---- token: the model is synchronous ----------------------------------------------------
  router.get('/tokens/:file', (req, res) => {
    res.locals.open311Format = formatOfPath(req.params.file);
    const { id, format } = splitFormat(req.params.file);
    res.locals.open311Format = format;
    throw Open311Error.notFound(`token ${id} was not found: every service is realtime, so POST /requests returns the service_request_id itself`);
  });

  // ---- reading requests --------------------------------------------------------------------

  /** Names, notices and agencies for a page of rows, in three queries. */
  const requestViews = async (rows: CaseRow[], caller: Open311Caller | null, req: Request) => {
    const codes = [...new Set(rows.map((r) => r.categoryCode))];
    const unitIds = [...new Set(rows.map((r) => r.assigneeUnitId).filter((u): u is string => !!u))];
    // Only the filing client sees media_url; its uploaded photo is looked up for its own cases only.
    const withMedia = rows.filter((r) => mayFullySee(caller, r.clientAppId) && !r.photoUrls[0]).map((r) => r.code);
    const [categories, units, uploaded] = await Promise.all([
      codes.length ? db.matterCategory.findMany({ where: { code: { in: codes } } }) : Promise.resolve([]),
      unitIds.length ? db.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } }) : Promise.resolve([]),
      intakeFilesOf(db, withMedia),
    ]);
    const mediaBase = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}/media`;
    const storedMediaUrl = (code: string) => {
      const sha256 = uploaded.get(code)?.[0];
      return sha256 ? `${mediaBase}/${encodeURIComponent(code)}/${sha256}` : null;
    };
    const byCode = new Map(categories.map((c) => [c.code, { name: c.name, notice: noticeFor(c, cfg) }]));
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    return rows.map((r) =>
      requestView(r, {
        full: mayFullySee(caller, r.clientAppId),
        serviceName: byCode.get(r.categoryCode)?.name ?? null,
        serviceNotice: byCode.get(r.categoryCode)?.notice ?? null,
        agency: r.assigneeUnitId ? unitName.get(r.assigneeUnitId) ?? r.assigneeUnitId : null,
        storedMediaUrl: storedMediaUrl(r.code),
        offsetMinutes: offset,
      }),
    );
  };

  router.get('/requests{.:format}', async (req, res) => {
    const format = formatFrom(res, req.params.format);
    const q = req.query as Params;
    const caller = await callerOf(q);
    const ids = list(q, 'service_request_id');
    let where: Prisma.CaseWhereInput;
    if (ids.length) {
      // "This overrides all other arguments."
      if (ids.length > MAX_RESULTS) throw Open311Error.badRequest(`at most ${MAX_RESULTS} service_request_id values`);
      where = { AND: [{ code: { in: ids } }, visibleTo(caller)] };
    } else {
      const statuses = list(q, 'status').map((s) => s.toLowerCase());
      const bad = statuses.filter((s) => s !== 'open' && s !== 'closed');
      if (bad.length) throw Open311Error.badRequest(`status must be open or closed, not ${bad.join(', ')}`);
      const window = dateWindow(q, offset, now(), true)!;
      const codes = list(q, 'service_code');
      const caseStatuses = [...new Set(statuses.flatMap((s) => caseStatusesFor(s as 'open' | 'closed')))];
      where = {
        AND: [
          { reportedAt: window },
          ...(codes.length ? [{ categoryCode: { in: codes } }] : []),
          ...(caseStatuses.length ? [{ status: { in: caseStatuses } }] : []),
          visibleTo(caller),
        ],
      };
    }
    const rows = await db.case.findMany({ where, orderBy: [{ reportedAt: 'desc' }, { code: 'desc' }], take: MAX_RESULTS });
    sendDocument(res, format, { root: 'service_requests', body: await requestViews(rows, caller, req) });
  });

  /** A case whose workflow has started but whose projection is not written yet, from the workflow's input. */
  const justStarted = async (code: string): Promise<CaseRow | null> => {
    if (!parseCaseCode(code)) return null;
    let input;
    try {
      input = await deps.temporal.withDeadline(now() + TEMPORAL_READ_MS, () => readCaseInput(deps.temporal, code));
    } catch (err) {
      if (grpcStatusOf(err) === GRPC_NOT_FOUND) return null;
      throw err;
    }
    const created = caseCreatedFrom(input);
    const i = input.intake;
    const due = created.windows.map((w) => Date.parse(w.dueAt)).sort((a, b) => a - b)[0];
    return {
      code: i.code,
      categoryCode: i.categoryCode,
      triage: i.triage,
      gridId: i.units.gridId,
      address: i.address ?? null,
      lat: i.lat ?? null,
      lng: i.lng ?? null,
      description: i.description,
      photoUrls: i.photoUrls,
      status: 'REPORTED',
      level: created.level,
      assigneeUnitId: created.assignee.unitId,
      dueAt: due === undefined ? null : new Date(due),
      overdue: false,
      resolution: null,
      reportedAt: new Date(i.reportedAt),
      closedAt: null,
      updatedAt: new Date(i.reportedAt),
      clientAppId: i.clientAppId ?? null,
    };
  };

  router.get('/requests/:file', async (req, res) => {
    res.locals.open311Format = formatOfPath(req.params.file);
    const { id, format } = splitFormat(req.params.file);
    res.locals.open311Format = format;
    const caller = await callerOf(req.query as Params);
    const row: CaseRow | null = (await db.case.findUnique({ where: { code: id } })) ?? (await justStarted(id));
    const visible = row && (row.triage !== 'PRIVATE' || mayFullySee(caller, row.clientAppId));
    if (!row || !visible) throw Open311Error.notFound(`service_request_id ${id} was not found`);
    sendDocument(res, format, { root: 'service_requests', body: await requestViews([row], caller, req) });
  });

  // ---- the photo a client uploaded as `media` ------------------------------------------------
  // What is public: nothing. A resident's photo shows faces, number plates and front doors, so
  // like media_url itself it is read only by the client that filed the request, with its
  // api_key (as any Open311 call). Evidence the people handling the case add later (a
  // department's recordings, enforcement documents) is never served here at all: only the
  // files recorded with the report itself (intakeFilesOf). Anything else answers 404.
  router.get('/media/:code/:sha256', async (req, res) => {
    res.locals.open311Format = 'json';
    const { code, sha256 } = req.params;
    const caller = await callerOf(req.query as Params);
    if (!caller) throw Open311Error.forbidden('Missing api_key: media is read by the client that filed the request');
    const row = await db.case.findUnique({ where: { code }, select: { clientAppId: true } });
    const recorded = row && mayFullySee(caller, row.clientAppId) ? (await intakeFilesOf(db, [code])).get(code) ?? [] : [];
    // A photo an administrator deleted is no longer recorded here (intakeFilesOf): 404 too.
    if (!recorded.includes(sha256)) throw Open311Error.notFound(`service_request_id ${code} has no media ${sha256} (or it was deleted)`);
    const [type, stat] = [await storedTypeOf(storage, sha256), await storage.stat(sha256)];
    const stream = type && stat ? await storage.get(sha256) : null;
    if (!type || !stat || !stream) throw Open311Error.notFound(`the media of service_request_id ${code} is not available`);
    res.set({
      'Content-Type': type.mime,
      'Content-Length': String(stat.size),
      'Content-Disposition': `${dispositionOf(type)}; filename="${evidenceFileName(code, 'media', sha256, type.ext)}"`,
      'Cache-Control': 'private, no-cache',
    });
    await pipeline(stream, res);
  });

  // ---- updates (FixMyStreet's extension) ----------------------------------------------------
  router.get('/servicerequestupdates{.:format}', async (req, res) => {
    const format = formatFrom(res, req.params.format);
    const q = req.query as Params;
    const caller = await callerOf(q);
    const ids = list(q, 'service_request_id');
    if (ids.length > MAX_RESULTS) throw Open311Error.badRequest(`at most ${MAX_RESULTS} service_request_id values`);
    // Asking for given requests needs no window; otherwise the spec's 90-day default applies.
    const window = dateWindow(q, offset, now(), ids.length === 0);
    const events = await db.caseEvent.findMany({
      where: {
        type: { in: [...UPDATE_EVENT_TYPES] },
        ...(window ? { at: window } : {}),
        ...(ids.length ? { caseCode: { in: ids } } : {}),
        case: visibleTo(caller),
      },
      include: { case: { select: { clientAppId: true } } },
      orderBy: [{ at: 'asc' }, { caseCode: 'asc' }, { seq: 'asc' }],
      take: MAX_RESULTS,
    });
    const unitIds = [...new Set(events.map((e) => e.unitId).filter((u): u is string => !!u))];
    const units = unitIds.length ? await db.orgUnit.findMany({ where: { id: { in: unitIds } }, select: { id: true, name: true } }) : [];
    const names = new Map(units.map((u) => [u.id, u.name]));
    const unitName = (id: string | null | undefined) => (id ? names.get(id) ?? id : '');
    const body = events
      .map((e) => updateView(e, { full: mayFullySee(caller, e.case.clientAppId), unitName, offsetMinutes: offset }))
      .filter((u) => u !== null);
    sendDocument(res, format, { root: 'service_request_updates', body });
  });

  router.use((req, res) => {
    res.locals.open311Format = formatOfPath(req.path);
    throw Open311Error.notFound(`no Open311 resource ${req.method} ${req.baseUrl}${req.path}`);
  });
  router.use(open311ErrorHandler(deps.logger));
  return router;
}

/** A request field as GeoReport v2 names it (the intake's categoryCode is its service_code). */
const open311Field = (path: string) => (path === 'body.categoryCode' ? 'service_code' : path.replace(/^body\./, ''));

/**
 * Any failure as an Open311 error: 403 key problems, 404 missing resources, 400 for the rest
 * (as the spec says). Everything else is the DomainError the JSON API would report
 * (api/errors toDomainError), rendered in the spec's format: one entry per bad field, or
 * one entry whose code is the status the JSON API would answer. Two kinds read differently
 * here: refused credentials (Unauthenticated: a bad api_key) are the spec's 403, and a
 * misconfigured service definition is not described to the client.
 */
export function toOpen311Error(err: unknown, requestId: string): { error: Open311Error; internal: boolean } {
  if (err instanceof Open311Error) return { error: err, internal: false };
  const e = toDomainError(err);
  if (e.kind === 'Unauthenticated') return { error: Open311Error.forbidden(e.message), internal: false };
  if (e.code === SERVICE_DEFINITION_INVALID) {
    return { error: new Open311Error(400, [{ code: 500, description: `the service definition is misconfigured; please tell us (request id ${requestId})` }]), internal: true };
  }
  const api = toApiError(e);
  if (api.status < 500) {
    const fields = e.kind === 'BadInput' ? (e.details.fields ?? []) : [];
    const items: Open311ErrorItem[] = fields.length
      ? fields.map((f) => ({ code: 400, description: `${open311Field(f.path)}: ${f.message}` }))
      : [{ code: api.status, description: api.message }];
    return { error: new Open311Error(400, items, api.headers), internal: false };
  }
  // General service errors are 400 in GeoReport v2; the body code says what happened.
  const description = api.status === 503 ? `${api.message}; try again shortly` : `${api.message} (request id ${requestId})`;
  return { error: new Open311Error(400, [{ code: api.status, description }], api.headers), internal: api.status !== 503 };
}

/** Answers every failure under the router in the spec's errors format, in the requested format. */
export function open311ErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const format: Open311Format = (res.locals.open311Format as Open311Format | undefined) ?? formatOfPath(req.path);
    const requestId = String(req.id ?? '');
    const { error, internal } = toOpen311Error(err, requestId);
    const log = (req as { log?: Logger }).log ?? logger;
    if (internal) {
      log.error({ err, requestId }, 'Open311 request failed');
      res.err = err instanceof Error ? err : new Error(String(err));
    } else log.debug({ requestId, status: error.status, errors: error.errors }, 'Open311 request refused');
    for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
    sendDocument(res, format, errorsDocument(error.errors), error.status);
  };
}
