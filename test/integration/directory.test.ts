// The directory against a real, migrated PostgreSQL (DATABASE_URL; the jest globalSetup
// provides one). The database is seeded here; the seed is idempotent, so sharing the
// database with other suites is safe. Rows this suite creates use unique ids and are removed.
import type { DirectoryDb } from '../../features/directory/directory';
import {
  createDirectoryCache,
  departmentOfficers,
  fixedUtcOffsetMinutes,
  getCategory,
  haversineKm,
  levelDirectory,
  listCategories,
  loadCalendar,
  parseOfficeHours,
  resolveGrid,
  toCalendarSnapshot,
} from '../../features/directory/directory';
import { createDb, type Db } from '../../platform/db';
import { formatSeedSummary, seed } from '../../prisma/seed';
import { SEED_CALENDAR_DAYS, SEED_CATEGORIES, SEED_PEOPLE, SEED_UNITS } from '../../prisma/seedData';
import { defaultCalendar } from '../../domain/calendar';
import type { CaseUnits } from '../../domain/types';

jest.setTimeout(60_000);

const unit = (id: string) => {
  const u = SEED_UNITS.find((x) => x.id === id);
  if (!u) throw new Error(`no seed unit ${id}`);
  return u;
};
const person = (id: string) => {
  const p = SEED_PEOPLE.find((x) => x.id === id);
  if (!p) throw new Error(`no seed person ${id}`);
  return p;
};
const unitsOfGrid = (gridId: string): CaseUnits => {
  const communityId = unit(gridId).parentId!;
  const streetId = unit(communityId).parentId!;
  return { gridId, communityId, streetId, districtId: unit(streetId).parentId! };
};
const suffix = `${process.pid}-${Date.now()}`;

describe('seed data', () => {
  it('has the promised shape', () => {
    const kinds = (k: string) => SEED_UNITS.filter((u) => u.kind === k);
    expect(kinds('DISTRICT').map((u) => u.id)).toEqual(['GL']);
    expect(kinds('STREET').length).toBeGreaterThanOrEqual(3);
    expect(kinds('COMMUNITY').length).toBe(kinds('STREET').length * 2);
    expect(kinds('GRID').length).toBeGreaterThanOrEqual(12);
    expect(kinds('DEPARTMENT').length).toBeGreaterThanOrEqual(8);
    expect(SEED_CATEGORIES.length).toBeGreaterThanOrEqual(20);
    for (const g of kinds('GRID')) {
      expect(g.addressKeywords.length).toBeGreaterThan(0);
      expect(Math.abs(g.lat! - 26.08)).toBeLessThan(0.05);
      expect(Math.abs(g.lng! - 119.29)).toBeLessThan(0.05);
      expect(g.households).toBeGreaterThanOrEqual(150);
      expect(g.households).toBeLessThanOrEqual(250);
      expect(SEED_PEOPLE.filter((p) => p.unitId === g.id && p.role === 'GRID_WORKER')).toHaveLength(1);
    }
    const grids = kinds('GRID');
    for (let i = 0; i < grids.length; i++) {
      for (let j = i + 1; j < grids.length; j++) {
        expect(haversineKm(grids[i].lat!, grids[i].lng!, grids[j].lat!, grids[j].lng!)).toBeGreaterThan(0.3);
      }
    }
    for (const role of ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'] as const) {
      expect(SEED_PEOPLE.filter((p) => p.role === role && p.unitId === 'GL')).toHaveLength(1);
    }
    expect(SEED_PEOPLE.filter((p) => p.role === 'REPORTER')).toHaveLength(2);
    for (const triage of ['BIG', 'SMALL', 'PRIVATE'] as const) {
      expect(SEED_CATEGORIES.some((c) => c.triage === triage)).toBe(true);
    }
  });
});

describe('calendar helpers', () => {
  it('computes fixed offsets and rejects daylight saving zones', () => {
    expect(fixedUtcOffsetMinutes('Asia/Shanghai')).toBe(480);
    expect(fixedUtcOffsetMinutes('Asia/Hong_Kong', 2025)).toBe(480);
    expect(fixedUtcOffsetMinutes('Asia/Kolkata', 2025)).toBe(330);
    expect(fixedUtcOffsetMinutes('UTC', 2025)).toBe(0);
    expect(fixedUtcOffsetMinutes('America/Bogota', 2025)).toBe(-300);
    expect(() => fixedUtcOffsetMinutes('Europe/Berlin', 2025)).toThrow(/daylight saving/);
    expect(() => fixedUtcOffsetMinutes('Mars/Olympus')).toThrow(/unknown time zone/);
  });

  it('validates office hours', () => {
    expect(parseOfficeHours([['13:30', '17:30'], ['09:00', '12:00']])).toEqual([['09:00', '12:00'], ['13:30', '17:30']]);
    expect(() => parseOfficeHours([])).toThrow(/non-empty/);
    expect(() => parseOfficeHours([['9:00', '12:00']])).toThrow(/HH:MM/);
    expect(() => parseOfficeHours([['12:00', '09:00']])).toThrow(/end before/);
    expect(() => parseOfficeHours([['09:00', '12:00'], ['11:00', '14:00']])).toThrow(/overlap/);
  });

  it('splits exception days into holidays and make-up workdays', () => {
    const snap = toCalendarSnapshot(
      { timeZone: 'Asia/Shanghai', officeHours: [['09:00', '17:00']], workWeek: [5, 1, 2, 3, 4] },
      [{ date: '2025-10-01', kind: 'HOLIDAY' }, { date: '2025-09-28', kind: 'WORKDAY' }],
    );
    expect(snap).toEqual({
      timeZone: 'Asia/Shanghai',
      utcOffsetMinutes: 480,
      officeHours: [['09:00', '17:00']],
      workWeek: [1, 2, 3, 4, 5],
      holidays: ['2025-10-01'],
      workdays: ['2025-09-28'],
    });
    expect(() => toCalendarSnapshot({ timeZone: 'UTC', officeHours: [['09:00', '17:00']], workWeek: [0] }, [])).toThrow(/workWeek/);
  });
});

describe('directory on PostgreSQL', () => {
  let db: Db;

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL must point at a migrated PostgreSQL database (the jest globalSetup sets it)');
    db = createDb(url, 4);
    await seed(db);
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  describe('seed', () => {
    const snapshot = async () => ({
      counts: await Promise.all([
        db.orgUnit.count(),
        db.person.count(),
        db.matterCategory.count(),
        db.calendarDay.count(),
        db.calendarSetting.count(),
      ]),
      units: await db.orgUnit.findMany({ where: { id: { in: SEED_UNITS.map((u) => u.id) } }, orderBy: { id: 'asc' } }),
      people: await db.person.findMany({ where: { id: { in: SEED_PEOPLE.map((p) => p.id) } }, orderBy: { id: 'asc' } }),
      categories: await db.matterCategory.findMany({ where: { code: { in: SEED_CATEGORIES.map((c) => c.code) } }, orderBy: { code: 'asc' } }),
      days: await db.calendarDay.findMany({ where: { date: { in: SEED_CALENDAR_DAYS.map((d) => d.date) } }, orderBy: { date: 'asc' } }),
      setting: await db.calendarSetting.findUnique({ where: { id: 'default' } }),
    });

    it('wrote every seed row', async () => {
      const s = await snapshot();
      expect(s.units).toHaveLength(SEED_UNITS.length);
      expect(s.people).toHaveLength(SEED_PEOPLE.length);
      expect(s.categories).toHaveLength(SEED_CATEGORIES.length);
      expect(s.days).toHaveLength(SEED_CALENDAR_DAYS.length);
      expect(s.setting).toMatchObject({ timeZone: 'Asia/Shanghai', officeHours: [['09:00', '12:00'], ['13:30', '17:30']], workWeek: [1, 2, 3, 4, 5] });
      expect(s.categories.find((c) => c.code === 'SC-002')?.windowOverrides).toEqual({}); // the seeds' windows: accept 10 minutes, on site 2 hours
    });

    it('is idempotent: a second run (and two at once) changes nothing', async () => {
      const before = await snapshot();
      const summary = await seed(db);
      expect(formatSeedSummary(summary)).toMatch(/^seed: \d+ units/);
      await Promise.all([seed(db), seed(db)]);
      const after = await snapshot();
      expect(after).toEqual(before);
    });
  });

  describe('resolveGrid', () => {
    it('resolves by grid id', async () => {
      const r = await resolveGrid(db, { gridId: 'GL-S02-C01-G02', address: '冶山路1号' });
      expect(r?.matchedBy).toBe('ID');
      expect(r?.grid).toMatchObject({ id: 'GL-S02-C01-G02', kind: 'GRID', name: '温泉社区第二网格' });
      expect(r?.units).toEqual({ districtId: 'GL', streetId: 'GL-S02', communityId: 'GL-S02-C01', gridId: 'GL-S02-C01-G02' });
    });

    it('gives null for an unknown id or a unit that is not a grid, without guessing', async () => {
      expect(await resolveGrid(db, { gridId: 'GL-S09-C01-G01', address: '冶山路1号' })).toBeNull();
      expect(await resolveGrid(db, { gridId: 'GL-S01' })).toBeNull();
    });

    it('resolves by address keyword', async () => {
      const r = await resolveGrid(db, { address: '福建省福州市鼓楼区冶山路181号' });
      expect(r).toMatchObject({ matchedBy: 'ADDRESS', units: unitsOfGrid('GL-S01-C01-G01') });
      expect((await resolveGrid(db, { address: '铜盘路 软件大道89号 软件园' }))?.grid.id).toBe('GL-S03-C02-G01');
    });

    it('prefers the longest keyword', async () => {
      expect((await resolveGrid(db, { address: '温泉公园路88号' }))?.grid.id).toBe('GL-S02-C01-G02');
      expect((await resolveGrid(db, { address: '温泉公园北门' }))?.grid.id).toBe('GL-S02-C01-G01');
    });

    it('ignores spaces and full-width forms in the address', async () => {
      expect((await resolveGrid(db, { address: '东 大 路 １２号' }))?.grid.id).toBe('GL-S01-C02-G01');
    });

    it('resolves by location to the nearest centroid', async () => {
      const g = unit('GL-S03-C02-G02');
      const r = await resolveGrid(db, { lat: g.lat! + 0.0008, lng: g.lng! - 0.0006 });
      expect(r?.matchedBy).toBe('LOCATION');
      expect(r?.grid.id).toBe('GL-S03-C02-G02');
      expect(r?.units).toEqual(unitsOfGrid('GL-S03-C02-G02'));
      expect(r?.distanceKm).toBeLessThan(0.15);
    });

    it('falls back to the location when the address matches nothing', async () => {
      const g = unit('GL-S01-C02-G02');
      const r = await resolveGrid(db, { address: '某某大厦', lat: g.lat!, lng: g.lng! });
      expect(r).toMatchObject({ matchedBy: 'LOCATION', grid: { id: 'GL-S01-C02-G02' } });
    });

    it('gives null beyond the maximum distance', async () => {
      expect(await resolveGrid(db, { lat: 39.9042, lng: 116.4074 })).toBeNull(); // Beijing
      const g = unit('GL-S01-C01-G01');
      const south = { lat: g.lat! - 0.018, lng: g.lng! }; // ~2 km south of the southernmost grids
      expect((await resolveGrid(db, south))?.grid.id).toBe('GL-S01-C01-G01');
      expect(await resolveGrid(db, south, { maxDistanceKm: 1 })).toBeNull();
    });

    it('gives null with nothing to go on', async () => {
      expect(await resolveGrid(db, {})).toBeNull();
      expect(await resolveGrid(db, { address: '', gridId: '' })).toBeNull();
      expect(await resolveGrid(db, { address: '火星大道1号' })).toBeNull();
      expect(await resolveGrid(db, { lat: Number.NaN, lng: 119.29 })).toBeNull();
      expect(await resolveGrid(db, { lat: 26.08 })).toBeNull();
    });
  });

  describe('levelDirectory', () => {
    it('names the responsible person at every level', async () => {
      const units = unitsOfGrid('GL-S02-C02-G01');
      const dir = await levelDirectory(db, units);
      const expected = {
        GRID: ['GL-S02-C02-G01', 'p-grid-GL-S02-C02-G01'],
        COMMUNITY: ['GL-S02-C02', 'p-comm-GL-S02-C02'],
        STREET: ['GL-S02', 'p-street-GL-S02'],
        COMMAND_CENTER: ['GL', 'p-cc-GL'],
        DEPUTY_LEADER: ['GL', 'p-deputy-GL'],
        PRINCIPAL_LEADER: ['GL', 'p-principal-GL'],
      } as const;
      expect(Object.keys(dir).sort()).toEqual(Object.keys(expected).sort());
      for (const [level, [unitId, personId]] of Object.entries(expected)) {
        expect(dir[level as keyof typeof expected]).toEqual({ level, unitId, personId, personName: person(personId).name });
      }
      expect(dir.GRID?.personName).toBe('魏淑芬');
    });

    it('leaves personId null where nobody holds the post', async () => {
      const dir = await levelDirectory(db, { ...unitsOfGrid('GL-S01-C01-G01'), gridId: `GL-NO-GRID-${suffix}` });
      expect(dir.GRID).toEqual({ level: 'GRID', unitId: `GL-NO-GRID-${suffix}`, personId: null, personName: null });
      expect(dir.STREET?.personId).toBe('p-street-GL-S01');
    });
  });

  describe('departmentOfficers', () => {
    it('lists every department with its officer', async () => {
      const all = await departmentOfficers(db);
      for (const d of SEED_UNITS.filter((u) => u.kind === 'DEPARTMENT')) {
        expect(all[d.id]).toEqual({ level: 'STREET', unitId: d.id, personId: `p-dept-${d.id}`, personName: person(`p-dept-${d.id}`).name });
      }
    });

    it('filters by id and leaves out ids that are not departments', async () => {
      const some = await departmentOfficers(db, ['GL-D-CG', 'GL-D-YJ', 'GL-S01', 'GL-D-NOPE']);
      expect(Object.keys(some).sort()).toEqual(['GL-D-CG', 'GL-D-YJ']);
      expect(await departmentOfficers(db, [])).toEqual({});
    });
  });

  describe('loadCalendar', () => {
    it('returns the settings and the 2025–2026 holidays', async () => {
      const cal = await loadCalendar(db);
      expect(cal).toMatchObject({
        timeZone: 'Asia/Shanghai',
        utcOffsetMinutes: 480,
        officeHours: [['09:00', '12:00'], ['13:30', '17:30']],
        workWeek: [1, 2, 3, 4, 5],
      });
      expect(cal.holidays).toEqual(expect.arrayContaining(['2025-01-01', '2025-10-01', '2026-02-17', '2026-10-07']));
      expect(cal.workdays).toEqual(expect.arrayContaining(['2025-01-26', '2025-09-28', '2026-02-14', '2026-10-10']));
      expect(cal.holidays).not.toContain('2025-09-28');
      expect(cal.holidays.length).toBeGreaterThanOrEqual(SEED_CALENDAR_DAYS.filter((d) => d.kind === 'HOLIDAY').length);
      expect([...cal.holidays].sort()).toEqual(cal.holidays);
    });

    it('equals the pure default calendar the workflows are tested with', async () => {
      expect(await loadCalendar(db)).toEqual(defaultCalendar());
    });
  });

  describe('catalog', () => {
    it('gets an active category and lists them', async () => {
      const gas = await getCategory(db, 'ZJ-002');
      expect(gas).toMatchObject({ name: '燃气泄漏', urgent: true, triage: 'BIG', defaultLevel: 'STREET', completionDays: 1 });
      expect(gas?.departmentIds).toContain('GL-D-YJ');
      expect(await getCategory(db, 'NOPE-001')).toBeNull();
      const codes = (await listCategories(db)).map((c) => c.code);
      expect(codes).toEqual(expect.arrayContaining(SEED_CATEGORIES.map((c) => c.code)));
      expect([...codes].sort()).toEqual(codes);
    });

    it('hides inactive categories', async () => {
      const code = `ZZ-INACTIVE-${suffix}`;
      await db.matterCategory.create({ data: { code, name: '停用事项', triage: 'BIG', completionDays: 1, active: false } });
      try {
        expect(await getCategory(db, code)).toBeNull();
        expect((await listCategories(db)).map((c) => c.code)).not.toContain(code);
      } finally {
        await db.matterCategory.delete({ where: { code } });
      }
    });
  });

  describe('createDirectoryCache', () => {
    it('answers like the uncached lookups', async () => {
      const cache = createDirectoryCache(db);
      const units = unitsOfGrid('GL-S03-C01-G02');
      for (const where of [{ gridId: 'GL-S01-C01-G02' }, { address: '梅柳路6号' }, { lat: 26.0861, lng: 119.2901 }, {}]) {
        expect(await cache.resolveGrid(where)).toEqual(await resolveGrid(db, where));
      }
      expect(await cache.levelDirectory(units)).toEqual(await levelDirectory(db, units));
      expect(await cache.departmentOfficers(['GL-D-SL', 'GL-D-NOPE'])).toEqual(await departmentOfficers(db, ['GL-D-SL', 'GL-D-NOPE']));
      expect(await cache.departmentOfficers()).toEqual(await departmentOfficers(db));
      expect(await cache.loadCalendar()).toEqual(await loadCalendar(db));
      expect(await cache.getCategory('CG-003')).toEqual(await getCategory(db, 'CG-003'));
      expect(await cache.listCategories()).toEqual(await listCategories(db));
    });

    it('serves from memory until the TTL passes, sharing concurrent loads', async () => {
      let now = 1_000_000;
      let loads = 0;
      const categories = new Proxy(db.matterCategory, {
        get(target, prop, receiver) {
          if (prop === 'findMany') {
            return (...args: Parameters<typeof target.findMany>) => {
              loads++;
              return target.findMany(...args);
            };
          }
          return Reflect.get(target, prop, receiver);
        },
      });
      const counting: DirectoryDb = {
        orgUnit: db.orgUnit,
        person: db.person,
        calendarSetting: db.calendarSetting,
        calendarDay: db.calendarDay,
        matterCategory: categories,
      };
      const cache = createDirectoryCache(counting, 30_000, { now: () => now });
      const code = `ZZ-CACHE-${suffix}`;
      await db.matterCategory.create({ data: { code, name: '缓存测试', triage: 'SMALL', completionDays: 2 } });
      try {
        const first = await Promise.all(Array.from({ length: 20 }, () => cache.getCategory(code)));
        expect(first.every((c) => c?.code === code)).toBe(true);
        expect(loads).toBe(1);

        await db.matterCategory.update({ where: { code }, data: { active: false } });
        now += 29_999;
        expect((await cache.getCategory(code))?.code).toBe(code);
        expect(loads).toBe(1);

        now += 2;
        expect(await cache.getCategory(code)).toBeNull();
        expect(loads).toBe(2);
      } finally {
        await db.matterCategory.delete({ where: { code } });
      }
    });

    it('hands out copies', async () => {
      const cache = createDirectoryCache(db);
      const units = unitsOfGrid('GL-S01-C01-G01');
      const dir = await cache.levelDirectory(units);
      dir.GRID!.personId = 'someone-else';
      expect((await cache.levelDirectory(units)).GRID?.personId).toBe('p-grid-GL-S01-C01-G01');
      const cal = await cache.loadCalendar();
      cal.holidays.length = 0;
      expect((await cache.loadCalendar()).holidays.length).toBeGreaterThan(0);
    });

    it('retries after a failed load', async () => {
      let fail = true;
      const flaky: DirectoryDb = {
        orgUnit: db.orgUnit,
        person: db.person,
        matterCategory: db.matterCategory,
        calendarDay: db.calendarDay,
        calendarSetting: new Proxy(db.calendarSetting, {
          get(target, prop, receiver) {
            if (prop === 'findUnique' && fail) return () => Promise.reject(new Error('connection reset'));
            return Reflect.get(target, prop, receiver);
          },
        }),
      };
      const cache = createDirectoryCache(flaky);
      await expect(cache.loadCalendar()).rejects.toThrow('connection reset');
      fail = false;
      expect((await cache.loadCalendar()).utcOffsetMinutes).toBe(480);
    });
  });
});
