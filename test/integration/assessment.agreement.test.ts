// The figures the database aggregates (features/assessment/sqlFigures) against the reference
// fold in memory (domain/assessment/figures over loadAssessmentInput), on a generated stretch
// of a district (devstack/volumeYear: breaches, escalations, calls with reports and scores,
// extensions, review returns, surveys, reopenings, open cases): identical, unit by unit, for
// months, a quarter and the year, as of an instant inside the data and after all of it.
import { Pool } from 'pg';
import type { AssessmentFigures } from '../../domain/assessment/figures';
import { parsePeriod } from '../../domain/assessment/period';
import { generateCases, insertCases, insertDirectory, scaledDirectory, type GeneratedCase } from '../../devstack/volumeYear';
import { computeLive, computeLiveInMemory } from '../../features/assessment/store';
import { createDb, type Db } from '../../platform/db';
import { poolConfigFromUrl } from '../../platform/dbUrl';
import { sh } from '../fixtures/assessmentCases';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';

jest.setTimeout(120_000);

const CASES = 2_000;
const directory = scaledDirectory('VD', { streets: 3, communities: 6, grids: 12, departments: 8 });

let iso: IsolatedDatabase;
let db: Db;

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 2);
  const pool = new Pool(poolConfigFromUrl(iso.url, { max: 1 }));
  try {
    await insertDirectory(pool, directory);
    let batch: GeneratedCase[] = [];
    // Reported from 1 September to 31 December 2026 (Shanghai), so September borders the quarter.
    let i = 0;
    for (const c of generateCases({ seed: 18, cases: CASES, startMs: sh('2026-09-01 00:00'), endMs: sh('2027-01-01 00:00'), directory })) {
      batch.push(withSupervision(c, i++));
      if (batch.length === 500) {
        await insertCases(pool, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await insertCases(pool, batch);
  } finally {
    await pool.end();
  }
});

/**
 * Supervision (督办) on top of the generated year, without touching the generator's random stream:
 * every third case with a breach has its blamed unit urged after the breach, every sixth one's
 * urge becomes a notice (通报), and some urges are answered (not counted).
 */
function withSupervision(c: GeneratedCase, i: number): GeneratedCase {
  const breach = c.events.find((e) => e.type === 'BREACHED');
  if (!breach || i % 3 !== 0) return c;
  const events = [...c.events];
  const add = (type: string, data: Record<string, unknown>) =>
    events.push({ seq: events.length + 1, type, at: events[events.length - 1].at + 3_600_000, actorId: null, actorRole: null, unitId: breach.unitId, level: breach.level, data });
  const urgeId = `URGE-${events.length + 1}`;
  add('URGED', { urgeId, unitId: breach.unitId, ground: 'OVERDUE' });
  if (i % 6 === 0) add('URGE_NOTICED', { urgeId, unitId: breach.unitId });
  else add('URGE_REPLIED', { urgeId, unitId: breach.unitId, late: i % 2 === 1 });
  return { ...c, events };
}

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

const sum = (f: AssessmentFigures, pick: (u: AssessmentFigures['units'][number]) => number) => f.units.reduce((s, u) => s + pick(u), 0);

/** The two computations, compared unit by unit (a difference names its unit). */
async function agree(periodText: string, asOf: number): Promise<AssessmentFigures> {
  const period = parsePeriod(periodText);
  const inDb = await computeLive(db, period, asOf);
  const reference = await computeLiveInMemory(db, period, asOf);
  expect(inDb.totals).toEqual(reference.totals);
  expect(inDb.units.map((u) => u.unitId)).toEqual(reference.units.map((u) => u.unitId));
  for (let i = 0; i < reference.units.length; i++) expect({ unit: inDb.units[i].unitId, ...inDb.units[i] }).toEqual({ unit: reference.units[i].unitId, ...reference.units[i] });
  expect(inDb).toEqual(reference);
  return inDb;
}

const MID_DECEMBER = sh('2026-12-15 12:00');
const LATER = sh('2027-03-01 00:00');

describe('database figures agree with the reference fold', () => {
  it.each(['2026-09', '2026-10', '2026-11', '2026-12', '2026-Q4', '2026'])('%s, once everything is recorded', async (period) => {
    const f = await agree(period, LATER);
    expect(f.totals.cases).toBeGreaterThan(0);
  });

  it.each(['2026-11', '2026-12', '2026-Q4', '2026'])('%s, as of mid-December (later events, calls not yet due)', async (period) => {
    await agree(period, MID_DECEMBER);
  });

  it('the generated year exercises every figure (the agreement is not vacuous)', async () => {
    const f = await agree('2026', LATER);
    expect(f.totals.cases).toBe(CASES);
    for (const pick of [
      (u: AssessmentFigures['units'][number]) => u.escalationsCaused,
      (u: AssessmentFigures['units'][number]) => u.extensionsGranted,
      (u: AssessmentFigures['units'][number]) => u.reopen.numerator,
      (u: AssessmentFigures['units'][number]) => u.completionOnTime.denominator - u.completionOnTime.numerator,
      (u: AssessmentFigures['units'][number]) => u.reportRate.denominator - u.reportRate.numerator,
      (u: AssessmentFigures['units'][number]) => u.cooperation.count,
      (u: AssessmentFigures['units'][number]) => u.callAccuracy.denominator,
      (u: AssessmentFigures['units'][number]) => u.surveysUnreachable,
      (u: AssessmentFigures['units'][number]) => u.callsMade,
      (u: AssessmentFigures['units'][number]) => u.urgesReceived,
      (u: AssessmentFigures['units'][number]) => u.noticesReceived,
    ]) {
      expect(sum(f, pick)).toBeGreaterThan(0);
    }
  });
});
