// The working calendar an administrator keeps: office hours and the work week (one settings
// row), and each year's public holidays and make-up working days (调休) imported as one
// document. One write function serves the API (PUT /admin/calendar/years/{year}) and the CLI
// (scripts/calendarImport.ts), so both check the same things and log the same change.
import type { Prisma } from '../../generated/prisma/client';
import { calendarExpiryWarning, checkCalendarYear } from '../../domain/calendarSchedule';
import { calendarYearSchema } from './calendarDocument';
import type { Db } from '../../platform/db';
import { fixedUtcOffsetMinutes, parseOfficeHours } from '../directory/directory';
import { afterDirectoryChange } from './changes';
import { AdminError, conflict, invalid, isUniqueViolation, type AdminFieldProblem } from './errors';

type CalendarDb = Pick<Db, 'calendarDay' | 'calendarSetting' | '$transaction' | '$queryRaw'>;

/** The years that have at least one schedule row, ascending. */
export async function calendarYearsPresent(db: Pick<Db, '$queryRaw'>): Promise<number[]> {
  const rows = await db.$queryRaw<Array<{ y: string }>>`SELECT DISTINCT left("date", 4) AS y FROM "CalendarDay" ORDER BY y`;
  return rows.map((r) => Number(r.y)).filter(Number.isInteger);
}

/** The "next year's schedule is missing" warning at `nowMs` (null: none, or no calendar seeded). */
export async function calendarWarning(db: Pick<Db, '$queryRaw' | 'calendarSetting'>, nowMs: number): Promise<string | null> {
  const setting = await db.calendarSetting.findUnique({ where: { id: 'default' }, select: { timeZone: true } });
  if (!setting) return null;
  return calendarExpiryWarning(nowMs, fixedUtcOffsetMinutes(setting.timeZone), await calendarYearsPresent(db));
}

/** Settings, the years present (with their counts) and the warning. */
export async function calendarStatus(db: Pick<Db, '$queryRaw' | 'calendarSetting'>, nowMs: number) {
  const setting = await db.calendarSetting.findUnique({ where: { id: 'default' } });
  if (!setting) throw new AdminError('CONFLICT', 'the calendar has no settings row: run the seed', 'NOT_SEEDED');
  const counts = await db.$queryRaw<Array<{ y: string; holidays: bigint; workdays: bigint }>>`
    SELECT left("date", 4) AS y,
           count(*) FILTER (WHERE kind = 'HOLIDAY') AS holidays,
           count(*) FILTER (WHERE kind = 'WORKDAY') AS workdays
      FROM "CalendarDay" GROUP BY 1 ORDER BY 1`;
  const years = counts.map((c) => ({ year: Number(c.y), holidays: Number(c.holidays), workdays: Number(c.workdays) }));
  return {
    timeZone: setting.timeZone,
    officeHours: setting.officeHours,
    workWeek: setting.workWeek,
    years,
    warning: calendarExpiryWarning(nowMs, fixedUtcOffsetMinutes(setting.timeZone), years.map((y) => y.year)),
  };
}

function zodProblems(issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }>): AdminFieldProblem[] {
  const out: AdminFieldProblem[] = [];
  for (const i of issues) {
    if (i.code === 'unrecognized_keys' && i.keys) {
      for (const k of i.keys) out.push({ path: [...i.path, k].map(String).join('.'), message: 'unknown field' });
    } else out.push({ path: i.path.map(String).join('.'), message: i.message });
  }
  return out;
}

export interface ImportResult {
  year: number;
  holidays: number;
  workdays: number;
  /** Things worth saying that are not errors (a holiday on a weekend). */
  notes: string[];
  version: number;
}

/**
 * Replace one year's CalendarDay rows with the document's, in one transaction, after checking
 * the whole document (shape and consistency); any problem → AdminError INVALID listing every
 * one, and nothing is written. Running cases keep the calendar they copied at intake.
 */
export async function importCalendarYear(
  db: CalendarDb,
  input: { actorId: string; year: number; document: unknown; at: Date },
): Promise<ImportResult> {
  const parsed = calendarYearSchema.safeParse(input.document);
  if (!parsed.success) throw invalid(zodProblems(parsed.error.issues as never), 'the calendar document is invalid');
  const doc = parsed.data;
  const setting = await db.calendarSetting.findUnique({ where: { id: 'default' } });
  if (!setting) throw new AdminError('CONFLICT', 'the calendar has no settings row: run the seed', 'NOT_SEEDED');
  const check = checkCalendarYear(doc, { year: input.year, workWeek: setting.workWeek, timeZone: setting.timeZone });
  if (check.problems.length) throw invalid(check.problems, `the ${input.year} schedule is inconsistent: nothing was written`);
  const days = [...doc.days].sort((a, b) => a.date.localeCompare(b.date));
  const prefix = `${input.year}-`;
  try {
    return await db.$transaction(
      async (tx) => {
        const before = await tx.calendarDay.findMany({ where: { date: { startsWith: prefix } }, orderBy: { date: 'asc' } });
        await tx.calendarDay.deleteMany({ where: { date: { startsWith: prefix } } });
        if (days.length) await tx.calendarDay.createMany({ data: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })) });
        const change = await afterDirectoryChange(tx, {
          entityKind: 'CALENDAR_YEAR', entityId: String(input.year), action: 'IMPORT', actorId: input.actorId, districtId: null, at: input.at,
          before: before.length ? { days: before } : null,
          after: { days, ...(doc.source ? { source: doc.source } : {}) },
          unitIds: [], personIds: [],
        });
        return {
          year: input.year,
          holidays: days.filter((d) => d.kind === 'HOLIDAY').length,
          workdays: days.filter((d) => d.kind === 'WORKDAY').length,
          notes: check.notes,
          version: change.version,
        };
      },
      { maxWait: 10_000, timeout: 30_000 },
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('CONCURRENT_CHANGE', `the ${input.year} schedule was changed at the same moment: retry`);
    throw err;
  }
}

/** One year's rows, by date. */
export async function calendarYearDays(db: Pick<Db, 'calendarDay'>, year: number) {
  return db.calendarDay.findMany({ where: { date: { startsWith: `${year}-` } }, orderBy: { date: 'asc' } });
}

/** New office hours (and work week): checked as the intake will read them, logged with before/after. */
export async function setOfficeHours(
  db: CalendarDb,
  input: { actorId: string; officeHours: Array<[string, string]>; workWeek?: number[]; at: Date },
) {
  let officeHours: Array<[string, string]>;
  try {
    officeHours = parseOfficeHours(input.officeHours);
  } catch (err) {
    throw invalid([{ path: 'officeHours', message: (err as Error).message.replace(/^Calendar: /, '') }]);
  }
  return db.$transaction(async (tx) => {
    const before = await tx.calendarSetting.findUnique({ where: { id: 'default' } });
    if (!before) throw new AdminError('CONFLICT', 'the calendar has no settings row: run the seed', 'NOT_SEEDED');
    const workWeek = input.workWeek ? [...new Set(input.workWeek)].sort((a, b) => a - b) : before.workWeek;
    const after = await tx.calendarSetting.update({
      where: { id: 'default' },
      data: { officeHours: officeHours as Prisma.InputJsonValue, workWeek },
    });
    const change = await afterDirectoryChange(tx, {
      entityKind: 'OFFICE_HOURS', entityId: 'default', action: 'UPDATE', actorId: input.actorId, districtId: null, at: input.at,
      before, after, unitIds: [], personIds: [],
    });
    return { timeZone: after.timeZone, officeHours: after.officeHours, workWeek: after.workWeek, version: change.version };
  });
}
