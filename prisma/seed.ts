// Idempotent seed of the demo district: every row is upserted by its business key, so
// running it again rewrites the same values and never fails. Rows the seed does not
// define (cases, people added later, API key hashes) are never touched or deleted. It runs at
// every start: a row an administrator has changed (a row of the change log, features/admin/
// changes, names it) is only created when missing, never rewritten, so admin edits survive a
// restart; rows nobody edited still take the seed's values (a corrected catalog reaches them).
// Run: `npx prisma db seed`, or `npx tsx prisma/seed.ts`.
import { parseServiceAttributes } from '../features/open311/attributes';
import { databaseUrl, loadConfig } from '../config/env';
import { hashApiKey } from '../features/auth/auth';
import { seedDemoAccounts } from '../features/auth/demoAccounts';
import { createDb, type Db } from '../platform/db';
import { buildCasePolicy } from '../domain/policy';
import {
  SEED_CALENDAR_DAYS,
  SEED_CALENDAR_SETTING,
  SEED_CATEGORIES,
  SEED_OPEN311_CLIENTS,
  SEED_PEOPLE,
  SEED_UNITS,
} from './seedData';

/** Row counts the seed wrote, by table. */
export interface SeedSummary {
  units: number;
  grids: number;
  departments: number;
  people: number;
  categories: number;
  calendarDays: number;
}

/** The seed's rows an administrator has changed, by the change log's entity kind and id. */
export interface AdminEdited {
  units: Set<string>;
  people: Set<string>;
  categories: Set<string>;
  /** Calendar years imported by an administrator ("2026"): the seed leaves their days alone. */
  calendarYears: Set<string>;
  /** The calendar setting (office hours, work week) was edited. */
  officeHours: boolean;
}

/** Read from the change log (AdminChange) which seed rows administrators have changed. */
export async function adminEdited(db: Pick<Db, 'adminChange'>): Promise<AdminEdited> {
  const rows = await db.adminChange.findMany({
    where: { entityKind: { in: ['UNIT', 'PERSON', 'CATEGORY', 'CALENDAR_YEAR', 'OFFICE_HOURS'] } },
    select: { entityKind: true, entityId: true },
    distinct: ['entityKind', 'entityId'],
  });
  const of = (kind: string) => new Set(rows.filter((r) => r.entityKind === kind).map((r) => r.entityId));
  return { units: of('UNIT'), people: of('PERSON'), categories: of('CATEGORY'), calendarYears: of('CALENDAR_YEAR'), officeHours: of('OFFICE_HOURS').size > 0 };
}

/** Any key: serialises concurrent seeds (parallel test workers) on one database. */
const SEED_LOCK_KEY = 7_301_150;

/** Check the seed data's own consistency before writing anything. Throws on the first problem. */
export function validateSeedData(): void {
  const unitIds = new Set<string>();
  for (const u of SEED_UNITS) {
    if (unitIds.has(u.id)) throw new Error(`seed: duplicate unit id ${u.id}`);
    if (u.parentId !== null && !unitIds.has(u.parentId)) throw new Error(`seed: unit ${u.id} listed before its parent ${u.parentId}`);
    unitIds.add(u.id);
  }
  const keywordOwner = new Map<string, string>();
  for (const g of SEED_UNITS.filter((u) => u.kind === 'GRID')) {
    for (const k of g.addressKeywords) {
      const owner = keywordOwner.get(k);
      if (owner) throw new Error(`seed: address keyword "${k}" belongs to both ${owner} and ${g.id}`);
      keywordOwner.set(k, g.id);
    }
  }
  const personIds = new Set<string>();
  for (const p of SEED_PEOPLE) {
    if (personIds.has(p.id)) throw new Error(`seed: duplicate person id ${p.id}`);
    if (!unitIds.has(p.unitId)) throw new Error(`seed: person ${p.id} in unknown unit ${p.unitId}`);
    personIds.add(p.id);
  }
  const departments = new Set(SEED_UNITS.filter((u) => u.kind === 'DEPARTMENT').map((u) => u.id));
  const defaults = loadConfig({});
  for (const c of SEED_CATEGORIES) {
    for (const d of c.departmentIds) {
      if (!departments.has(d)) throw new Error(`seed: category ${c.code} names unknown department ${d}`);
    }
    // The same rule the admin API enforces on new and edited categories (1–7 working days).
    if (!Number.isInteger(c.completionDays) || c.completionDays < 1 || c.completionDays > 7) {
      throw new Error(`seed: category ${c.code}: completionDays must be 1–7 working days, got ${c.completionDays}`);
    }
    try {
      buildCasePolicy(c, defaults);
    } catch (err) {
      throw new Error(`seed: category ${c.code}: ${(err as Error).message}`);
    }
    parseServiceAttributes(c.attributes ?? [], c.code);
  }
  for (const o of SEED_OPEN311_CLIENTS) {
    const p = SEED_PEOPLE.find((x) => x.id === o.reporterPersonId);
    if (p?.role !== 'REPORTER') throw new Error(`seed: Open311 client ${o.id} must act as a REPORTER person, not ${o.reporterPersonId}`);
  }
}

export interface SeedOptions {
  /** Seed the demo Open311 client with its public key. Default: outside production only (NODE_ENV). */
  open311DemoClient?: boolean;
  /** Give one person per role a demo account with the published password. Default: outside production only. */
  demoAccounts?: boolean;
}

/** Write the demo district, catalog and calendar. Safe to run any number of times, also concurrently. */
export async function seed(db: Db, opts: SeedOptions = {}): Promise<SeedSummary> {
  validateSeedData();
  const demoClients = opts.open311DemoClient ?? process.env.NODE_ENV !== 'production';
  const demoAccounts = opts.demoAccounts ?? process.env.NODE_ENV !== 'production';
  await db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`;
      // Rows an administrator changed: created when missing, never rewritten.
      const edited = await adminEdited(tx);

      for (const u of SEED_UNITS) {
        const data = {
          kind: u.kind,
          name: u.name,
          parentId: u.parentId,
          addressKeywords: u.addressKeywords,
          lat: u.lat,
          lng: u.lng,
          households: u.households,
        };
        await tx.orgUnit.upsert({ where: { id: u.id }, create: { id: u.id, ...data }, update: edited.units.has(u.id) ? {} : data });
      }

      for (const p of SEED_PEOPLE) {
        const data = { name: p.name, phone: p.phone, role: p.role, unitId: p.unitId, active: true };
        await tx.person.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: edited.people.has(p.id) ? {} : data });
      }
      // Demo sign-ins (published password): development and test only; a production seed removes them.
      await seedDemoAccounts(tx, SEED_PEOPLE, demoAccounts);

      for (const c of SEED_CATEGORIES) {
        const data = {
          name: c.name,
          description: c.description,
          group: c.group,
          keywords: c.keywords,
          triage: c.triage,
          defaultLevel: c.defaultLevel,
          completionDays: c.completionDays,
          urgent: c.urgent,
          windowOverrides: c.windowOverrides,
          departmentIds: c.departmentIds,
          attributes: c.attributes ?? [],
          active: true,
        };
        await tx.matterCategory.upsert({ where: { code: c.code }, create: { code: c.code, ...data }, update: edited.categories.has(c.code) ? {} : data });
      }

      const s = SEED_CALENDAR_SETTING;
      const setting = { timeZone: s.timeZone, officeHours: s.officeHours, workWeek: s.workWeek };
      await tx.calendarSetting.upsert({ where: { id: s.id }, create: { id: s.id, ...setting }, update: edited.officeHours ? {} : setting });

      for (const d of SEED_CALENDAR_DAYS) {
        // A year an administrator imported is his schedule, days removed included.
        if (edited.calendarYears.has(d.date.slice(0, 4))) continue;
        await tx.calendarDay.upsert({ where: { date: d.date }, create: d, update: { kind: d.kind, name: d.name } });
      }

      // The demo Open311 client's key is public: it exists only outside production, and a
      // production seed switches off one left behind.
      for (const o of SEED_OPEN311_CLIENTS) {
        if (demoClients) {
          const data = { name: o.name, apiKeyHash: hashApiKey(o.demoApiKey), reporterPersonId: o.reporterPersonId, active: true };
          await tx.open311Client.upsert({ where: { id: o.id }, create: { id: o.id, ...data }, update: data });
        } else {
          await tx.open311Client.updateMany({ where: { id: o.id }, data: { active: false } });
        }
      }
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
  return {
    units: SEED_UNITS.length,
    grids: SEED_UNITS.filter((u) => u.kind === 'GRID').length,
    departments: SEED_UNITS.filter((u) => u.kind === 'DEPARTMENT').length,
    people: SEED_PEOPLE.length,
    categories: SEED_CATEGORIES.length,
    calendarDays: SEED_CALENDAR_DAYS.length,
  };
}

/** One line for logs. */
export function formatSeedSummary(s: SeedSummary): string {
  return `seed: ${s.units} units (${s.grids} grids, ${s.departments} departments), ${s.people} people, ${s.categories} categories, ${s.calendarDays} calendar days`;
}

async function main(): Promise<void> {
  const db = createDb(databaseUrl(loadConfig()), 2);
  try {
    console.log(formatSeedSummary(await seed(db)));
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
