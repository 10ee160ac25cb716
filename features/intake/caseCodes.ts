// Case codes: district prefix + the district's date + a daily sequence, e.g. GL-20261122-000123.
// The sequence comes from one atomic upsert per code, so concurrent API instances never
// hand out the same code; a code allocated for a request that later fails leaves a gap.
import { formatCaseCode } from '../../domain/caseCode';
import type { Db } from '../../platform/db';

/** The part of the Prisma client code allocation needs. */
export type CaseCodeDb = Pick<Db, '$queryRaw'>;

/** Highest sequence a day can hold (the code has six digits). */
export const MAX_DAILY_SEQUENCE = 999_999;

// Building an Intl.DateTimeFormat costs about half a millisecond: one per time zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone; the district's day for codes. */
export function caseDay(at: number, timeZone = 'Asia/Shanghai'): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  return f.format(new Date(at));
}

/** Atomically take the next sequence number for (prefix, day), starting at 1. */
export async function nextCaseSequence(db: CaseCodeDb, prefix: string, day: string): Promise<number> {
  const rows = await db.$queryRaw<Array<{ last: number }>>`
    INSERT INTO "CaseCodeCounter" ("prefix", "day", "last") VALUES (${prefix}, ${day}, 1)
    ON CONFLICT ("prefix", "day") DO UPDATE SET "last" = "CaseCodeCounter"."last" + 1
    RETURNING "last"`;
  const last = Number(rows[0]?.last);
  if (!Number.isInteger(last) || last < 1) throw new Error(`case code counter returned ${String(rows[0]?.last)} for ${prefix}/${day}`);
  return last;
}

/** A fresh case code for a report arriving at `at` (epoch ms). */
export async function allocateCaseCode(db: CaseCodeDb, prefix: string, at: number, timeZone = 'Asia/Shanghai'): Promise<string> {
  const day = caseDay(at, timeZone);
  const seq = await nextCaseSequence(db, prefix, day);
  if (seq > MAX_DAILY_SEQUENCE) throw new Error(`case codes for ${prefix} on ${day} are exhausted (${MAX_DAILY_SEQUENCE} a day)`);
  return formatCaseCode(prefix, day, seq);
}
