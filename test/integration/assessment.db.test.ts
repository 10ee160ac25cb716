// Assessment figures computed from events stored in a real, migrated database (an
// isolated one: the figures count every case of a period), against the hand-computed
// values of the fixture; and published snapshots that never change.
import { computeAssessment } from '../../domain/assessment/figures';
import { parsePeriod } from '../../domain/assessment/period';
import { computeLive, figuresFor, latestSnapshot, loadAssessmentInput, publishSnapshot, snapshotVersion } from '../../features/assessment/store';
import { createDb, type Db } from '../../platform/db';
import { AS_OF, CODES, EXPECTED_OCTOBER, FIXTURE_CASES, FIXTURE_SCORES, FIXTURE_UNITS, G1, G3, HB, S2, r, sh } from '../fixtures/assessmentCases';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';
import { insertAssessmentFixture } from './assessmentFixtureDb';

jest.setTimeout(120_000);

let iso: IsolatedDatabase;
let db: Db;

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 5);
  await insertAssessmentFixture(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

const unit = (f: { units: Array<{ unitId: string }> }, id: string) => f.units.find((u) => u.unitId === id);

describe('figures from the database', () => {
  it('loads the cohort of the period: cases whose REPORTED event lies in it, events and scores up to asOf', async () => {
    const input = await loadAssessmentInput(db, parsePeriod('2026-10'), AS_OF);
    expect(input.cases.map((c) => c.code).sort()).toEqual([CODES.A, CODES.B, CODES.C, CODES.D, CODES.F, CODES.G, CODES.H].sort());
    expect(input.scores).toHaveLength(5);
    expect(input.units.map((u) => u.id).sort()).toEqual(FIXTURE_UNITS.map((u) => u.id).sort());
    // The same figures as computed from the fixture in memory.
    const inMemory = computeAssessment({ period: parsePeriod('2026-10'), asOf: AS_OF, cases: FIXTURE_CASES, scores: FIXTURE_SCORES, units: FIXTURE_UNITS });
    expect(computeAssessment(input)).toEqual(inMemory);
  });

  it('October as of 1 December matches the hand-computed values', async () => {
    const f = await computeLive(db, '2026-10', AS_OF);
    expect(f.totals).toEqual(EXPECTED_OCTOBER.totals);
    for (const [id, expected] of Object.entries(EXPECTED_OCTOBER.units)) {
      expect({ id, ...unit(f, id) }).toMatchObject({ id, ...expected });
    }
  });

  it('the case spanning October and November counts in October only', async () => {
    const nov = await computeLive(db, '2026-11', AS_OF);
    expect(nov.totals.cases).toBe(1);
    expect(unit(nov, G3)).toMatchObject({ casesHandled: 0, acceptanceOnTime: r(0, 0), satisfaction: r(0, 0), score: null });
    expect(unit(nov, G1)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(1, 1) });
    const sep = await computeLive(db, '2026-09', AS_OF);
    expect(unit(sep, G3)).toMatchObject({ casesHandled: 1, acceptanceOnTime: r(0, 1), escalationsCaused: 1 });
  });

  it('a period without cases: zeros and nulls for every unit', async () => {
    const f = await computeLive(db, '2026-08', AS_OF);
    expect(f.totals.cases).toBe(0);
    expect(f.units).toHaveLength(FIXTURE_UNITS.length);
    expect(f.units.every((u) => u.casesHandled === 0 && u.score === null && u.acceptanceOnTime.rate === null && u.cooperation.mean === null)).toBe(true);
  });

  it('any past instant can be replayed: as of the end of October, D has only its report and acceptance', async () => {
    const f = await computeLive(db, '2026-10', sh('2026-11-01 00:00'));
    expect(unit(f, G3)).toMatchObject({ acceptanceOnTime: r(1, 1), firstResponseOnTime: r(0, 0), surveysUnreachable: 0 });
    expect(await computeLive(db, '2026-10', sh('2026-11-01 00:00'))).toEqual(f);
  });
});

describe('snapshots', () => {
  it('publishing twice gives versions 1 and 2; version 1 never changes', async () => {
    const v1 = await publishSnapshot(db, { period: '2026-10', asOf: AS_OF, publishedBy: 'p-test' });
    expect(v1.created).toBe(true);
    expect(v1.snapshot).toMatchObject({ period: '2026-10', version: 1, publishedBy: 'p-test' });
    expect(v1.snapshot.asOf.getTime()).toBe(AS_OF);
    expect(v1.snapshot.figures.totals).toEqual(EXPECTED_OCTOBER.totals);
    expect(unit(v1.snapshot.figures, HB)).toMatchObject({ cooperation: { count: 0, mean: null } });

    // A correction later: S2's score of HB (given 2 December) now counts.
    const v2 = await publishSnapshot(db, { period: '2026-10', asOf: sh('2026-12-03 00:00'), publishedBy: 'p-test' });
    expect(v2.snapshot.version).toBe(2);
    expect(unit(v2.snapshot.figures, HB)).toMatchObject({ cooperation: { count: 1, mean: 1 } });

    const again = await snapshotVersion(db, '2026-10', 1);
    expect(again).toEqual(v1.snapshot);
    expect((await latestSnapshot(db, '2026-10'))?.version).toBe(2);

    // The database itself refuses to change a published snapshot.
    await expect(db.assessmentSnapshot.update({ where: { period_version: { period: '2026-10', version: 1 } }, data: { figures: {} } })).rejects.toThrow(/immutable/);
    expect(await snapshotVersion(db, '2026-10', 1)).toEqual(v1.snapshot);
  });

  it('readers get the latest published version; live on request', async () => {
    const p = parsePeriod('2026-10');
    const published = await figuresFor(db, p);
    expect(published).toMatchObject({ source: 'SNAPSHOT', version: 2 });
    const live = await figuresFor(db, p, { live: true, now: AS_OF });
    expect(live).toMatchObject({ source: 'LIVE', version: null, publishedAt: null });
    expect(live.figures.totals).toEqual(EXPECTED_OCTOBER.totals);
    // A period never published is computed live.
    expect(await figuresFor(db, parsePeriod('2026-07'))).toMatchObject({ source: 'LIVE' });
  });

  it('a retried publish with the same request id returns its first version; racing publishers get distinct versions', async () => {
    const a = await publishSnapshot(db, { period: '2026-11', asOf: AS_OF, requestId: 'req-1' });
    const b = await publishSnapshot(db, { period: '2026-11', asOf: AS_OF, requestId: 'req-1' });
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.snapshot).toEqual(a.snapshot);
    const raced = await Promise.all([1, 2, 3].map(() => publishSnapshot(db, { period: '2026-11', asOf: AS_OF })));
    expect(raced.map((x) => x.snapshot.version).sort()).toEqual([2, 3, 4]);
  });

  it('S2 keeps its own figures in the published snapshot', async () => {
    const snap = await latestSnapshot(db, '2026-10');
    expect(unit(snap!.figures, S2)).toMatchObject(EXPECTED_OCTOBER.units[S2]);
  });
});
