// The organisation directory, the matter catalog and the working calendar as the API
// reads them at intake: which grid a report belongs to, who holds each level there,
// which officer answers a department's calls, the category, the calendar. The results
// are frozen into the case workflow's input, so later edits never move running cases.
import { z } from 'zod';
import type { CalendarDay, MatterCategory, OrgUnit } from '../../generated/prisma/client';
import type { Assignment, CalendarSnapshot, CaseUnits, Level, LevelDirectory } from '../../domain/types';
import type { Db } from '../../platform/db';

/** The part of the Prisma client the directory reads (a transaction client fits too). */
export type DirectoryDb = Pick<Db, 'orgUnit' | 'person' | 'matterCategory' | 'calendarSetting' | 'calendarDay'>;

/** Where a report happened; the first usable hint wins (gridId, then address, then location). */
export interface GridQuery {
  gridId?: string;
  address?: string;
  lat?: number;
  lng?: number;
}

export interface ResolveGridOptions {
  /** Location routing: the nearest centroid must be within this many km (default 3). */
  maxDistanceKm?: number;
}

/** A grid and the units above it. `matchedBy` tells which hint routed the report. */
export interface ResolvedGrid {
  grid: OrgUnit;
  units: CaseUnits;
  matchedBy: 'ID' | 'ADDRESS' | 'LOCATION';
  /** LOCATION only: distance from the report to the grid's centroid. */
  distanceKm?: number;
}

/** Every grid with its units, as routing needs it. */
export interface GridIndex {
  grids: Array<{ grid: OrgUnit; units: CaseUnits; keywords: string[] }>;
  byId: Map<string, { grid: OrgUnit; units: CaseUnits }>;
}

export const DEFAULT_MAX_DISTANCE_KM = 3;

const GRID_WITH_ANCESTORS = { parent: { include: { parent: { include: { parent: true } } } } } as const;

type GridWithAncestors = OrgUnit & { parent: (OrgUnit & { parent: (OrgUnit & { parent: OrgUnit | null }) | null }) | null };

/** The units above a grid; throws if the tree is broken (a directory bug, not a bad report). */
function unitsOf(g: GridWithAncestors): CaseUnits {
  const community = g.parent;
  const street = community?.parent;
  const district = street?.parent;
  if (community?.kind !== 'COMMUNITY' || street?.kind !== 'STREET' || district?.kind !== 'DISTRICT') {
    throw new Error(`Directory: grid ${g.id} is not under a community → street → district chain`);
  }
  return { districtId: district.id, streetId: street.id, communityId: community.id, gridId: g.id };
}

function stripAncestors(g: GridWithAncestors): OrgUnit {
  const { parent: _parent, ...grid } = g;
  void _parent;
  return grid;
}

/** Normalise text for keyword matching: full-width to half-width, no spaces, lower case. */
function normaliseAddress(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** Load every grid with its units (routing by address and location scans them all). */
export async function loadGridIndex(db: DirectoryDb): Promise<GridIndex> {
  // A deactivated grid takes no new reports (it stays in the table for its old cases).
  const rows = await db.orgUnit.findMany({
    where: { kind: 'GRID', active: true },
    include: GRID_WITH_ANCESTORS,
    orderBy: { id: 'asc' },
  });
  const grids = rows.map((r) => ({
    grid: stripAncestors(r),
    units: unitsOf(r),
    keywords: r.addressKeywords.map(normaliseAddress).filter(Boolean),
  }));
  return { grids, byId: new Map(grids.map((g) => [g.grid.id, { grid: g.grid, units: g.units }])) };
}

/** Great-circle distance in km. */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function validLocation(lat: unknown, lng: unknown): lat is number {
  return (
    typeof lat === 'number' && typeof lng === 'number' && Number.isFinite(lat) && Number.isFinite(lng) &&
    Math.abs(lat) <= 90 && Math.abs(lng) <= 180
  );
}

/**
 * Route a report to a grid over a loaded index (pure). An explicit gridId wins and is not
 * second-guessed: an unknown id gives null rather than a guess. Otherwise the address
 * keyword match (longest keyword; ties: earliest in the address, then grid id), otherwise
 * the nearest centroid within maxDistanceKm.
 */
export function matchGrid(index: GridIndex, where: GridQuery, opts: ResolveGridOptions = {}): ResolvedGrid | null {
  if (where.gridId !== undefined && where.gridId !== '') {
    const hit = index.byId.get(where.gridId);
    return hit ? { grid: hit.grid, units: hit.units, matchedBy: 'ID' } : null;
  }
  if (where.address) {
    const address = normaliseAddress(where.address);
    let best: { g: GridIndex['grids'][number]; len: number; pos: number } | null = null;
    for (const g of index.grids) {
      for (const k of g.keywords) {
        const pos = address.indexOf(k);
        if (pos < 0) continue;
        if (!best || k.length > best.len || (k.length === best.len && pos < best.pos)) best = { g, len: k.length, pos };
      }
    }
    if (best) return { grid: best.g.grid, units: best.g.units, matchedBy: 'ADDRESS' };
  }
  if (validLocation(where.lat, where.lng)) {
    const maxKm = opts.maxDistanceKm ?? DEFAULT_MAX_DISTANCE_KM;
    let best: { g: GridIndex['grids'][number]; km: number } | null = null;
    for (const g of index.grids) {
      if (g.grid.lat === null || g.grid.lng === null) continue;
      const km = haversineKm(where.lat, where.lng as number, g.grid.lat, g.grid.lng);
      if (km <= maxKm && (!best || km < best.km)) best = { g, km };
    }
    if (best) return { grid: best.g.grid, units: best.g.units, matchedBy: 'LOCATION', distanceKm: best.km };
  }
  return null;
}

/** Route a report to its grid: by id, else address keyword, else nearest centroid; null if none. */
export async function resolveGrid(db: DirectoryDb, where: GridQuery, opts: ResolveGridOptions = {}): Promise<ResolvedGrid | null> {
  if (where.gridId !== undefined && where.gridId !== '') {
    const row = await db.orgUnit.findFirst({
      where: { id: where.gridId, kind: 'GRID', active: true },
      include: GRID_WITH_ANCESTORS,
    });
    return row ? { grid: stripAncestors(row), units: unitsOf(row), matchedBy: 'ID' } : null;
  }
  if (!where.address && !validLocation(where.lat, where.lng)) return null;
  return matchGrid(await loadGridIndex(db), where, opts);
}

/** Which role holds each level, and at which of the case's units. */
const LEVEL_POSTS: ReadonlyArray<{ level: Level; role: 'GRID_WORKER' | 'COMMUNITY_WORKER' | 'STREET_DISPATCHER' | 'COMMAND_CENTER' | 'DEPUTY_LEADER' | 'PRINCIPAL_LEADER'; unit: keyof CaseUnits }> = [
  { level: 'GRID', role: 'GRID_WORKER', unit: 'gridId' },
  { level: 'COMMUNITY', role: 'COMMUNITY_WORKER', unit: 'communityId' },
  { level: 'STREET', role: 'STREET_DISPATCHER', unit: 'streetId' },
  { level: 'COMMAND_CENTER', role: 'COMMAND_CENTER', unit: 'districtId' },
  { level: 'DEPUTY_LEADER', role: 'DEPUTY_LEADER', unit: 'districtId' },
  { level: 'PRINCIPAL_LEADER', role: 'PRINCIPAL_LEADER', unit: 'districtId' },
];

/**
 * The responsible person at every level for a case's units (one query). Every level is
 * present; personId is null when nobody active holds the post. With several active
 * holders of one post, the lowest person id is taken (deterministic).
 */
export async function levelDirectory(db: DirectoryDb, units: CaseUnits): Promise<LevelDirectory> {
  const people = await db.person.findMany({
    where: { active: true, OR: LEVEL_POSTS.map((p) => ({ unitId: units[p.unit], role: p.role })) },
    select: { id: true, name: true, role: true, unitId: true },
    orderBy: { id: 'asc' },
  });
  const directory: LevelDirectory = {};
  for (const post of LEVEL_POSTS) {
    const unitId = units[post.unit];
    const holder = people.find((p) => p.role === post.role && p.unitId === unitId);
    directory[post.level] = { level: post.level, unitId, personId: holder?.id ?? null, personName: holder?.name ?? null };
  }
  return directory;
}

/**
 * The officer who answers each department's calls, keyed by department id (all departments
 * when `departmentIds` is omitted; ids that are not departments are left out, so callers
 * can detect them). personId is null when the department has no active officer.
 *
 * `level` is always 'STREET': departments sit beside the ladder and are called from the
 * street (or above); the Assignment type needs a level, and the caller's exact level is
 * not known here. Use `unitId` (the department) to identify who answers.
 */
export async function departmentOfficers(db: DirectoryDb, departmentIds?: readonly string[]): Promise<Record<string, Assignment>> {
  const rows = await db.orgUnit.findMany({
    where: { kind: 'DEPARTMENT', active: true, ...(departmentIds ? { id: { in: [...departmentIds] } } : {}) },
    select: {
      id: true,
      people: { where: { active: true, role: 'DEPARTMENT_OFFICER' }, orderBy: { id: 'asc' }, take: 1, select: { id: true, name: true } },
    },
    orderBy: { id: 'asc' },
  });
  const out: Record<string, Assignment> = {};
  for (const r of rows) {
    const officer = r.people[0];
    out[r.id] = { level: 'STREET', unitId: r.id, personId: officer?.id ?? null, personName: officer?.name ?? null };
  }
  return out;
}

// ---- working calendar ----------------------------------------------------------------

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const officeHoursSchema = z
  .array(z.tuple([z.string().regex(HHMM), z.string().regex(HHMM)]))
  .min(1);
const workWeekSchema = z.array(z.number().int().min(1).max(7));
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Office hours sorted by start; throws on empty, inverted or overlapping spans. */
export function parseOfficeHours(json: unknown): Array<[string, string]> {
  const parsed = officeHoursSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Calendar: officeHours must be a non-empty list of ["HH:MM","HH:MM"] pairs, got ${JSON.stringify(json)}`);
  }
  const spans = [...parsed.data].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
  spans.forEach(([start, end], i) => {
    if (minutesOf(end) <= minutesOf(start)) throw new Error(`Calendar: office hours ${start}–${end} end before they start`);
    if (i > 0 && minutesOf(start) < minutesOf(spans[i - 1][1])) {
      throw new Error(`Calendar: office hours ${spans[i - 1][0]}–${spans[i - 1][1]} and ${start}–${end} overlap`);
    }
  });
  return spans.map(([s, e]) => [s, e]);
}

function offsetMinutesAt(timeZone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  if (name === undefined) throw new Error(`Calendar: cannot read the UTC offset of ${timeZone}`);
  if (name === 'GMT' || name === 'UTC') return 0;
  const m = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(name);
  if (!m) throw new Error(`Calendar: cannot parse the UTC offset "${name}" of ${timeZone}`);
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * The fixed UTC offset of a time zone, in minutes. Zones with daylight saving time are
 * rejected (their January and July offsets differ): working-time arithmetic assumes one offset.
 */
export function fixedUtcOffsetMinutes(timeZone: string, year = new Date().getUTCFullYear()): number {
  if (timeZone === 'Asia/Shanghai') return 480;
  let jan: number;
  let jul: number;
  try {
    jan = offsetMinutesAt(timeZone, new Date(Date.UTC(year, 0, 15, 12)));
    jul = offsetMinutesAt(timeZone, new Date(Date.UTC(year, 6, 15, 12)));
  } catch (err) {
    if (err instanceof RangeError) throw new Error(`Calendar: unknown time zone "${timeZone}"`);
    throw err;
  }
  if (jan !== jul) {
    throw new Error(`Calendar: time zone ${timeZone} observes daylight saving time (UTC offset ${jan} vs ${jul} minutes); only fixed-offset zones are supported`);
  }
  return jan;
}

/** Build a calendar snapshot from the settings row and the exception days (pure). */
export function toCalendarSnapshot(
  setting: { timeZone: string; officeHours: unknown; workWeek: number[] },
  days: ReadonlyArray<Pick<CalendarDay, 'date' | 'kind'>>,
): CalendarSnapshot {
  const workWeek = workWeekSchema.safeParse(setting.workWeek);
  if (!workWeek.success) throw new Error(`Calendar: workWeek must list ISO weekdays 1..7, got ${JSON.stringify(setting.workWeek)}`);
  const holidays: string[] = [];
  const workdays: string[] = [];
  for (const d of days) {
    if (!DATE.test(d.date)) throw new Error(`Calendar: day "${d.date}" is not YYYY-MM-DD`);
    (d.kind === 'HOLIDAY' ? holidays : workdays).push(d.date);
  }
  return {
    timeZone: setting.timeZone,
    utcOffsetMinutes: fixedUtcOffsetMinutes(setting.timeZone),
    officeHours: parseOfficeHours(setting.officeHours),
    workWeek: [...new Set(workWeek.data)].sort((a, b) => a - b),
    holidays: holidays.sort(),
    workdays: workdays.sort(),
  };
}

/** The working calendar from CalendarSetting "default" and every CalendarDay. Throws if unseeded. */
export async function loadCalendar(db: DirectoryDb): Promise<CalendarSnapshot> {
  const [setting, days] = await Promise.all([
    db.calendarSetting.findUnique({ where: { id: 'default' } }),
    db.calendarDay.findMany({ select: { date: true, kind: true }, orderBy: { date: 'asc' } }),
  ]);
  if (!setting) throw new Error('Calendar: no CalendarSetting row "default" (run the seed: npx prisma db seed)');
  return toCalendarSnapshot(setting, days);
}

// ---- matter catalog ----------------------------------------------------------------------

/** The active catalog entry with this code, or null (inactive entries take no new cases). */
export async function getCategory(db: DirectoryDb, code: string): Promise<MatterCategory | null> {
  return db.matterCategory.findFirst({ where: { code, active: true } });
}

/** Every active catalog entry, by code. */
export async function listCategories(db: DirectoryDb): Promise<MatterCategory[]> {
  return db.matterCategory.findMany({ where: { active: true }, orderBy: { code: 'asc' } });
}

// ---- cache for the intake hot path ----------------------------------------------------------

/** The lookups above, served from memory for up to ttlMs. Results are copies: mutate freely. */
export interface DirectoryCache {
  resolveGrid(where: GridQuery): Promise<ResolvedGrid | null>;
  levelDirectory(units: CaseUnits): Promise<LevelDirectory>;
  departmentOfficers(departmentIds?: readonly string[]): Promise<Record<string, Assignment>>;
  loadCalendar(): Promise<CalendarSnapshot>;
  getCategory(code: string): Promise<MatterCategory | null>;
  listCategories(): Promise<MatterCategory[]>;
  /** Drop every entry: tests, and every admin change (features/admin; api/routes/admin.ts). */
  clear(): void;
}

export interface DirectoryCacheOptions extends ResolveGridOptions {
  /** Clock, for tests. */
  now?: () => number;
  /** Bound on cached level directories (one per grid in practice). */
  maxEntries?: number;
}

/**
 * Memoises promises for ttlMs, so concurrent misses share one query. A failed load is
 * dropped at once, so the next call retries. Expiry by TTL only.
 */
class TtlMemo<K, V> {
  private readonly entries = new Map<K, { expiresAt: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries: number,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > t) return hit.value;
    if (hit) this.entries.delete(key);
    const entry = { expiresAt: t + this.ttlMs, value: load() };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The directory lookups with an in-memory TTL cache (default 30 s) for the intake hot path. */
export function createDirectoryCache(db: DirectoryDb, ttlMs = 30_000, opts: DirectoryCacheOptions = {}): DirectoryCache {
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 10_000;
  const gridIndex = new TtlMemo<'all', GridIndex>(ttlMs, now, 1);
  const directories = new TtlMemo<string, LevelDirectory>(ttlMs, now, max);
  const officers = new TtlMemo<'all', Record<string, Assignment>>(ttlMs, now, 1);
  const calendar = new TtlMemo<'default', CalendarSnapshot>(ttlMs, now, 1);
  const categories = new TtlMemo<'active', { list: MatterCategory[]; byCode: Map<string, MatterCategory> }>(ttlMs, now, 1);

  const loadCategories = () =>
    categories.get('active', async () => {
      const list = await listCategories(db);
      return { list, byCode: new Map(list.map((c) => [c.code, c])) };
    });

  return {
    async resolveGrid(where) {
      const hit = matchGrid(await gridIndex.get('all', () => loadGridIndex(db)), where, opts);
      return hit && structuredClone(hit);
    },
    async levelDirectory(units) {
      const key = [units.districtId, units.streetId, units.communityId, units.gridId].join('|');
      return structuredClone(await directories.get(key, () => levelDirectory(db, units)));
    },
    async departmentOfficers(departmentIds) {
      const all = await officers.get('all', () => departmentOfficers(db));
      const ids = departmentIds ?? Object.keys(all);
      const out: Record<string, Assignment> = {};
      for (const id of ids) if (all[id]) out[id] = { ...all[id] };
      return out;
    },
    async loadCalendar() {
      return structuredClone(await calendar.get('default', () => loadCalendar(db)));
    },
    async getCategory(code) {
      const c = (await loadCategories()).byCode.get(code);
      return c ? structuredClone(c) : null;
    },
    async listCategories() {
      return structuredClone((await loadCategories()).list);
    },
    clear() {
      gridIndex.clear();
      directories.clear();
      officers.clear();
      calendar.clear();
      categories.clear();
    },
  };
}
