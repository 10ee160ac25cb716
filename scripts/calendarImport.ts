// Import one year's working-calendar schedule (public holidays and make-up working days) from a
// JSON file: the same check and the same one-transaction write as PUT /admin/calendar/years/{year}
// (features/admin/calendar importCalendarYear), logged in AdminChange.
//
//   npm run calendar:import -- docs/calendar/2027.json [--actor <personId>]
//
// Exit code 0: written; 1: the file has problems (each printed; nothing written); 2: usage / I/O.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { databaseUrl, loadConfig } from '../config/env';
import { importCalendarYear, type ImportResult } from '../features/admin/calendar';
import { bodyRelative } from '../domain/errors';
import { AdminError } from '../features/admin/errors';
import { createDb, type Db } from '../platform/db';

export interface CalendarImportOutcome {
  code: 0 | 1 | 2;
  result?: ImportResult;
  lines: string[];
}

/**
 * Parse the arguments, read the file, import. Pure of process state (no exit, no console): the
 * caller prints `lines`. The actor defaults to "cli:<user>" — the log must say who, and a shell
 * has no signed-in person.
 */
export async function runCalendarImport(db: Db, argv: readonly string[], opts: { cwd?: string; now?: () => number; user?: string } = {}): Promise<CalendarImportOutcome> {
  const args = [...argv];
  let actorId = `cli:${opts.user ?? process.env.USER ?? 'unknown'}`;
  const actorAt = args.indexOf('--actor');
  if (actorAt >= 0) {
    if (!args[actorAt + 1]) return { code: 2, lines: ['--actor needs a person id'] };
    actorId = args[actorAt + 1];
    args.splice(actorAt, 2);
  }
  if (args.length !== 1) return { code: 2, lines: ['usage: npm run calendar:import -- <year>.json [--actor <personId>]'] };
  const file = path.resolve(opts.cwd ?? process.cwd(), args[0]);
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { code: 2, lines: [`cannot read ${file}: ${(err as Error).message}`] };
  }
  const year = (document as { year?: unknown } | null)?.year;
  if (typeof year !== 'number' || !Number.isInteger(year)) return { code: 1, lines: [`${file}: year: expected the year as a number, e.g. "year": 2027`] };
  try {
    const result = await importCalendarYear(db, { actorId, year, document, at: new Date((opts.now ?? Date.now)()) });
    return {
      code: 0,
      result,
      lines: [
        `${year}: ${result.holidays} holidays and ${result.workdays} make-up working days written (change version ${result.version})`,
        ...result.notes.map((n) => `note: ${n}`),
      ],
    };
  } catch (err) {
    if (err instanceof AdminError && err.reason === 'INVALID') {
      // The error names fields as the API does (body.holidays.0.date); the file is the body.
      const fields = (err.details.fields ?? []).map((f) => `  ${bodyRelative(f.path) || '(document)'}: ${f.message}`);
      return { code: 1, lines: [`${file}: ${err.message}`, ...fields] };
    }
    if (err instanceof AdminError) return { code: 1, lines: [`${file}: ${err.message}`] };
    throw err;
  }
}

async function main(): Promise<void> {
  const db = createDb(databaseUrl(loadConfig()), 1);
  try {
    // npm runs scripts from the package root; a relative path means the caller's directory.
    const outcome = await runCalendarImport(db, process.argv.slice(2), { cwd: process.env.INIT_CWD ?? process.cwd() });
    for (const line of outcome.lines) (outcome.code === 0 ? console.log : console.error)(line);
    process.exitCode = outcome.code;
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
