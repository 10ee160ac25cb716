// The seed runs at every start (scripts/start.ts): on its own database, an administrator's edits
// (a category's completion window, a person deactivated, the office hours, an imported year) —
// each a row of the change log — survive a second seed; a row nobody edited is rewritten to the
// seed's values, and a seed row missing is created again.
import { recordChange } from '../../features/admin/changes';
import { createDb, type Db } from '../../platform/db';
import { adminEdited, seed } from '../../prisma/seed';
import { SEED_CALENDAR_DAYS, SEED_CATEGORIES, SEED_PEOPLE } from '../../prisma/seedData';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';

jest.setTimeout(180_000);

let iso: IsolatedDatabase;
let db: Db;
const AT = new Date('2026-11-20T02:00:00Z');

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 2);
  await seed(db, { demoAccounts: false, open311DemoClient: false });
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

it("keeps an administrator's edits across a restart's seed, and restores rows nobody edited", async () => {
  const edited = SEED_CATEGORIES.find((c) => c.completionDays !== 7)!;
  const drifted = SEED_CATEGORIES.find((c) => c.code !== edited.code && c.completionDays !== 7)!;
  const person = SEED_PEOPLE.find((p) => p.role === 'GRID_WORKER')!;
  const year = SEED_CALENDAR_DAYS[0]!.date.slice(0, 4);
  const yearDays = SEED_CALENDAR_DAYS.filter((d) => d.date.startsWith(year));
  expect(await adminEdited(db)).toMatchObject({ categories: new Set(), officeHours: false });

  await db.$transaction(async (tx) => {
    const change = { actorId: 'p-admin-GL', districtId: null, at: AT, unitIds: [], personIds: [] };
    // As the admin API does it: the row and its change-log row in one transaction.
    await tx.matterCategory.update({ where: { code: edited.code }, data: { completionDays: 7, name: `${edited.name}（管理员修改）` } });
    await recordChange(tx, { ...change, entityKind: 'CATEGORY', entityId: edited.code, action: 'UPDATE', before: null, after: { completionDays: 7 } });
    await tx.person.update({ where: { id: person.id }, data: { active: false } });
    await recordChange(tx, { ...change, entityKind: 'PERSON', entityId: person.id, action: 'DEACTIVATE', before: null, after: { active: false } });
    await tx.calendarSetting.update({ where: { id: 'default' }, data: { officeHours: [['08:30', '12:00'], ['14:00', '18:00']] } });
    await recordChange(tx, { ...change, entityKind: 'OFFICE_HOURS', entityId: 'default', action: 'UPDATE', before: null, after: {} });
    // An imported year without its first seed day.
    await tx.calendarDay.delete({ where: { date: yearDays[0]!.date } });
    await recordChange(tx, { ...change, entityKind: 'CALENDAR_YEAR', entityId: year, action: 'IMPORT', before: null, after: {} });
  });
  // A row changed without the admin API (no change-log row), and a seed row missing.
  await db.matterCategory.update({ where: { code: drifted.code }, data: { completionDays: 7 } });
  const other = SEED_PEOPLE.find((p) => p.role === 'STREET_DISPATCHER')!;
  await db.person.delete({ where: { id: other.id } });

  await seed(db, { demoAccounts: false, open311DemoClient: false });

  expect(await db.matterCategory.findUniqueOrThrow({ where: { code: edited.code } })).toMatchObject({ completionDays: 7, name: `${edited.name}（管理员修改）` });
  expect((await db.person.findUniqueOrThrow({ where: { id: person.id } })).active).toBe(false);
  expect((await db.calendarSetting.findUniqueOrThrow({ where: { id: 'default' } })).officeHours).toEqual([['08:30', '12:00'], ['14:00', '18:00']]);
  expect(await db.calendarDay.findUnique({ where: { date: yearDays[0]!.date } })).toBeNull();
  expect(await db.calendarDay.count({ where: { date: { startsWith: `${year}-` } } })).toBe(yearDays.length - 1);
  // Nobody edited these through the admin API: the seed's values and rows again.
  expect((await db.matterCategory.findUniqueOrThrow({ where: { code: drifted.code } })).completionDays).toBe(drifted.completionDays);
  expect(await db.person.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ active: true, unitId: other.unitId });
});
