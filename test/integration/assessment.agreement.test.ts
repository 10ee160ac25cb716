// The figures the database aggregates (features/assessment/sqlFigures) against the reference
// fold in memory (domain/assessment/figures over loadAssessmentInput), on a generated stretch
// of a district (devstack/volumeYear: breaches, escalations, calls with reports and scores,
// extensions, review returns, surveys, reopenings, clock pauses, open cases): identical, unit by unit, for
// months, a quarter and the year, as of an instant inside the data and after all of it.
// The counts maintained as facts are recorded (features/assessment/caseCounts) are held to
// the same reference: period by period, case by case, and when a case is recorded fact by
// fact with retries (the month sums moved by differences equal a rebuild from scratch).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { computeAssessment, figuresFromCounts, type AssessmentFigures } from '../../domain/assessment/figures';
import { parsePeriod } from '../../domain/assessment/period';
import { generateCases, insertCases, insertDirectory, scaledDirectory, type GeneratedCase } from '../../devstack/volumeYear';
import { computeLive, computeLiveInMemory, loadAssessmentInput } from '../../features/assessment/store';
import { backfillCaseCounts, countsFromMaintained, maintainedCanAnswer, monthsOf, rebuildCaseCounts, recountMonthMarkers, refreshCaseCounts, spansComplete } from '../../features/assessment/caseCounts';
import { computeBacklogInDb } from '../../features/assessment/backlogSql';
import { backlogInstants } from '../../domain/assessment/backlog';
import { computeAssessmentInDb, countsFromRows, figuresFromRows, type CountRow } from '../../features/assessment/sqlFigures';
import { createDb, type Db } from '../../platform/db';
import { computePeople } from '../../domain/assessment/people';
import { computePeopleInDb, loadPeopleInput } from '../../features/assessment/peopleSql';
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
      batch.push(withHolders(withDeliberation(withSiteSteps(withSupervision(c, i), i), i), i));
      i++;
      if (batch.length === 500) {
        await insertCases(pool, batch);
        batch = [];
      }
    }
    if (batch.length > 0) await insertCases(pool, batch);
  } finally {
    await pool.end();
  }
  // People of the directory, for the cadres an evaluation names (scores per person): in every community a
  // 王书记 and two of its people; one 张三 in every street and one in each of its communities (a name
  // twice in reach: it stays as written).
  const communities = directory.filter((u) => u.kind === 'COMMUNITY');
  const streets = directory.filter((u) => u.kind === 'STREET');
  await db.person.createMany({
    data: [
      ...communities.flatMap((u) => [
        { id: `${u.id}-secretary`, name: '王书记', role: 'COMMUNITY_WORKER' as const, unitId: u.id },
        { id: `${u.id}-p0`, name: `${u.name} 甲`, role: 'COMMUNITY_WORKER' as const, unitId: u.id },
        { id: `${u.id}-p1`, name: `${u.name} 乙`, role: 'COMMUNITY_WORKER' as const, unitId: u.id },
        { id: `${u.id}-zhang`, name: '张三', role: 'COMMUNITY_WORKER' as const, unitId: u.id },
      ]),
      ...streets.map((u) => ({ id: `${u.id}-zhang`, name: '张三', role: 'STREET_DISPATCHER' as const, unitId: u.id })),
    ],
  });
  // The backfill after migration 0013 (npm run assessment:rebuild).
  await backfillCaseCounts(db, { chunk: 700 });
});

/**
 * Holders changed by the directory or sent down (scores per person: a lapsed window is the holder's),
 * again without touching the generator's random stream: every eleventh case's grid post is given to
 * someone else right after the report (REASSIGNED, holder), every thirteenth one is sent down to its
 * grid after its first escalation (SENT_DOWN, the street's later lapses then nobody's), and some
 * reassignments name a level that does not hold the case (nothing moves).
 */
function withHolders(c: GeneratedCase, i: number): GeneratedCase {
  const events = [...c.events];
  const grid = c.units.gridId;
  const at = (k: number) => events[k].at;
  const insert = (k: number, type: string, unitId: string, level: string, data: Record<string, unknown>) =>
    events.splice(k + 1, 0, { seq: 0, type, at: at(k), actorId: null, actorRole: null, unitId, level, data });
  if (i % 11 === 5) insert(0, 'REASSIGNED', grid, 'GRID', { level: 'GRID', fromPersonId: null, toPersonId: `${grid}-p9`, holder: true });
  if (i % 11 === 6) insert(0, 'REASSIGNED', c.units.streetId, 'STREET', { level: 'STREET', fromPersonId: null, toPersonId: `${c.units.streetId}-p9`, holder: false });
  const up = events.findIndex((e) => e.type === 'ESCALATED');
  if (up >= 0 && i % 13 === 7) insert(up, 'SENT_DOWN', grid, 'GRID', { from: 'STREET', to: 'GRID', unitId: grid, assigneeId: `${grid}-p8`, reason: 'r' });
  return { ...c, events: events.map((e, k) => ({ ...e, seq: k + 1 })) };
}

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

/**
 * The five-step deliberation (五步议事) on top of the generated year, without touching the
 * generator's random stream: every fifth case's community deliberates (the first step corrected on
 * some), and most of those are evaluated with votes that vary by case; some stop half-way (held,
 * not completed). Facts for the case's community, an hour apart after the case's last event.
 */
function withDeliberation(c: GeneratedCase, i: number): GeneratedCase {
  if (i % 5 !== 1) return c;
  const events = [...c.events];
  const unitId = c.units.communityId;
  const add = (data: Record<string, unknown>) =>
    events.push({ seq: events.length + 1, type: 'DELIBERATION_STEP', at: events[events.length - 1].at + 3_600_000, actorId: null, actorRole: 'COMMUNITY_WORKER', unitId, level: 'COMMUNITY', data: { communityId: unitId, text: 't', ...data } });
  add({ step: 'SAY' });
  if (i % 3 === 0) add({ step: 'SAY', corrected: true });
  add({ step: 'ASK' });
  if (i % 4 === 0) return { ...c, events };
  add({ step: 'DISCUSS', forum: 'COMMUNITY_COUNCIL', participants: [{ name: 'n', role: 'r' }] });
  add({ step: 'DO', stream: 'SMALL' });
  // The cadres: by name (王书记, unique in the community; 张三, twice in reach), by id, not in the directory, named twice.
  const cadres = [['王书记', `${unitId}-p${i % 2}`], ['张三', 'c', '王书记'], [`${unitId}-p0`, `${unitId}-p0`, ''], ['c']][Math.floor(i / 5) % 4];
  add({ step: 'EVALUATE', votes: i % 30 === 6 ? { satisfied: 2 } : { satisfied: i % 7, basicallySatisfied: i % 3, dissatisfied: (i % 5) + 1 }, verdict: 'UNSATISFIED', cadres });
  return { ...c, events };
}

/**
 * Steps on site (issue 16) on top of the generated year, again without touching the generator's
 * random stream: every fifth case records an arrival (in time or late) and every tenth one the
 * hazard cleared (within the two-hour promise or not) right after its report; every fourth called
 * department's report carries the on-site window it met; every seventh case has its on-site window
 * lapse (a BREACHED of kind ON_SITE blamed on its first assignee).
 */
function withSiteSteps(c: GeneratedCase, i: number): GeneratedCase {
  const reported = c.events[0];
  const added: GeneratedCase['events'] = [];
  const step = (data: Record<string, unknown>) =>
    added.push({ seq: 0, type: 'SITE_STEP', at: reported.at + 600_000 * (added.length + 1), actorId: `p-${i}`, actorRole: 'GRID_WORKER', unitId: reported.unitId, level: reported.level, data });
  if (i % 7 === 3) added.push({ seq: 0, type: 'BREACHED', at: reported.at + 7_200_000, actorId: null, actorRole: null, unitId: reported.unitId, level: reported.level, data: { windowId: `w-${i}`, kind: 'ON_SITE', dueAt: reported.at + 7_200_000 } });
  if (i % 5 === 0) step({ step: 'ARRIVED', callId: null, note: null, evidence: [], onSite: { windowDueAt: reported.at + 7_200_000, onTime: i % 15 !== 0 } });
  if (i % 10 === 0) step({ step: 'CLEARED', callId: null, note: null, evidence: [], hazardDueAt: reported.at + 7_200_000, withinPromise: i % 20 !== 0 });
  // People (scores per person): the generator records no actors; give most facts one of three people of their unit.
  // Submissions and closings carry no unit in the generated data: their person belongs to the handler.
  const actorOf = (e: GeneratedCase['events'][number], k: number) => {
    const unit = e.unitId ?? (typeof e.data.handlerUnitId === 'string' ? e.data.handlerUnitId : null);
    return e.actorId ?? (unit && (k + i) % 7 !== 6 ? `${unit}-p${(k + i) % 3}` : null);
  };
  const events = [reported, ...added, ...c.events.slice(1)].map((e, k) =>
    e.type === 'DEPARTMENT_REPORTED' && k % 4 === 0
      ? { ...e, seq: k + 1, actorId: actorOf(e, k), data: { ...e.data, onSite: { windowDueAt: e.at, onTime: k % 8 === 0 } } }
      : { ...e, seq: k + 1, actorId: actorOf(e, k) },
  );
  return { ...c, events };
}

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

const sum = (f: AssessmentFigures, pick: (u: AssessmentFigures['units'][number]) => number) => f.units.reduce((s, u) => s + pick(u), 0);

/** Figures compared unit by unit with the reference (a difference names its unit). */
function same(inDb: AssessmentFigures, reference: AssessmentFigures): void {
  expect(inDb.totals).toEqual(reference.totals);
  expect(inDb.units.map((u) => u.unitId)).toEqual(reference.units.map((u) => u.unitId));
  for (let i = 0; i < reference.units.length; i++) expect({ unit: inDb.units[i].unitId, ...inDb.units[i] }).toEqual({ unit: reference.units[i].unitId, ...reference.units[i] });
  expect(inDb).toEqual(reference);
}

/**
 * The event-level query and the live read (the maintained counts when they can answer) against
 * the reference. `maintained`: whether the maintained counts must be able to answer.
 */
async function agree(periodText: string, asOf: number, maintained?: boolean): Promise<AssessmentFigures> {
  const period = parsePeriod(periodText);
  const reference = await computeLiveInMemory(db, period, asOf);
  // The cohort's figures alone; the live read adds the backlog (a stock, counted on its own).
  const { backlog, ...cohort } = reference;
  expect(backlog).toBeDefined();
  same(await computeAssessmentInDb(db, period, asOf), cohort);
  const rows = await countsFromMaintained(db, period, asOf);
  if (maintained !== undefined) expect(rows !== null).toBe(maintained);
  if (rows) same(await figuresFromRows(db, period, asOf, rows), cohort);
  const live = await computeLive(db, period, asOf);
  same(live, reference);
  return live;
}

/**
 * The month markers (migration 0019, moved by triggers) against the tables they summarise,
 * counted from scratch: REPORTED facts and states with their open spans per month and shard
 * equal, the markers' lastAt at least the states' latest fact.
 */
async function expectMarkersMatchTables(): Promise<void> {
  const markers = await db.$queryRaw<Array<{ month: Date; shard: number; reported: number; counted: number; last: Date | null }>>`
    SELECT month, shard, reported::int, counted::int, "lastAt" AS last FROM "AssessmentMonthMarker" WHERE reported <> 0 OR counted <> 0 ORDER BY 1, 2`;
  const tables = await db.$queryRaw<Array<{ month: Date; shard: number; reported: number; counted: number; last: Date | null }>>`
    SELECT z.month, z.shard, sum(z.r)::int AS reported, sum(z.c)::int AS counted, max(z.last) AS last FROM (
      SELECT assessment_month(e.at) AS month, hashtext(e."caseCode") & 15 AS shard, 1 AS r, 0 AS c, NULL::timestamptz AS last FROM "CaseEvent" e WHERE e.type = 'REPORTED'
      UNION ALL
      SELECT s.month, hashtext(s."caseCode") & 15, 0, (s."openSpans" IS NOT NULL)::int, GREATEST(s."lastAt", s."reportedAt") FROM "AssessmentCaseState" s
    ) z GROUP BY 1, 2 HAVING sum(z.r) <> 0 OR sum(z.c) <> 0 ORDER BY 1, 2`;
  expect(markers.map(({ last: _l, ...m }) => m)).toEqual(tables.map(({ last: _l, ...t }) => t));
  for (let i = 0; i < tables.length; i++) {
    if (tables[i].last) expect(markers[i].last!.getTime()).toBeGreaterThanOrEqual(tables[i].last!.getTime());
  }
}

const MID_DECEMBER = sh('2026-12-15 12:00');
const LATER = sh('2027-03-01 00:00');

describe('database figures agree with the reference fold', () => {
  it.each(['2026-09', '2026-10', '2026-11', '2026-12', '2026-Q4', '2026'])('%s, once everything is recorded', async (period) => {
    const f = await agree(period, LATER, true);
    expect(f.totals.cases).toBeGreaterThan(0);
  });

  it.each(['2026-11', '2026-12', '2026-Q4', '2026'])('%s, as of mid-December (later events, calls not yet due)', async (period) => {
    // Facts after mid-December: the maintained counts cannot answer, the event-level query does.
    await agree(period, MID_DECEMBER, period === '2026-11' ? undefined : false);
  });

  it('the month markers balance with the facts and the states: the maintained counts and the open spans answer without counting the cases', async () => {
    await expectMarkersMatchTables();
    for (const p of ['2026-09', '2026-10', '2026-Q4', '2026']) {
      expect(await maintainedCanAnswer(db, monthsOf(parsePeriod(p))!, LATER)).toBe('markers');
      let source = '';
      await computeBacklogInDb(db, parsePeriod(p), LATER, { onSource: (s) => void (source = s) });
      expect(source).toBe('spans');
    }
    // A past asOf before some cases' last facts: the markers cannot vouch for it, nor can the cases.
    expect(await maintainedCanAnswer(db, monthsOf(parsePeriod('2026'))!, MID_DECEMBER)).toBe(false);
    // Counting the markers again from scratch changes nothing.
    await recountMonthMarkers(db);
    await expectMarkersMatchTables();
  });

  it('as of the last recorded fact: the maintained counts answer, calls not reported count from their report-by time', async () => {
    const [{ last, pending }] = await db.$queryRaw<Array<{ last: Date; pending: number }>>`
      SELECT max("lastAt") AS last, (SELECT count(*)::int FROM "AssessmentCaseCount" WHERE "dueFrom" > 0) AS pending FROM "AssessmentCaseState"`;
    expect(pending).toBeGreaterThan(0);
    for (const p of ['2026-12', '2026']) await agree(p, last.getTime(), true);
    // Between the last fact and the last report-by time, calls become due one by one.
    const [{ due }] = await db.$queryRaw<Array<{ due: number }>>`SELECT max("dueFrom") AS due FROM "AssessmentCaseCount" WHERE "dueFrom" > 0`;
    if (due > last.getTime()) await agree('2026', Math.floor((due + last.getTime()) / 2), true);
  });

  it("case by case: each case's maintained rows give the reference's figures of that case alone", async () => {
    const period = parsePeriod('2026');
    const input = await loadAssessmentInput(db, period, LATER);
    const rows = await db.$queryRaw<Array<CountRow & { code: string }>>`
      SELECT "caseCode" AS code, NULLIF("unitId", '') AS u, metric AS m, n, d FROM "AssessmentCaseCount" WHERE "dueFrom" <= ${LATER}::float8`;
    const byCase = new Map<string, CountRow[]>();
    for (const r of rows) {
      const list = byCase.get(r.code) ?? [];
      list.push(r);
      byCase.set(r.code, list);
    }
    expect(byCase.size).toBe(CASES);
    const scoresOf = new Map<string, typeof input.scores>();
    for (const s of input.scores) {
      const list = scoresOf.get(s.caseCode) ?? [];
      list.push(s);
      scoresOf.set(s.caseCode, list);
    }
    let compared = 0;
    for (const c of input.cases) {
      const reference = computeAssessment({ ...input, cases: [c], scores: scoresOf.get(c.code) ?? [] });
      const { counts, totals } = countsFromRows(byCase.get(c.code) ?? []);
      const mine = figuresFromCounts(period, LATER, totals, counts, input.units);
      // A cheap comparison first (2,000 cases); the matcher names the difference when there is one.
      if (JSON.stringify(mine) !== JSON.stringify(reference)) expect({ code: c.code, ...mine }).toEqual({ code: c.code, ...reference });
      compared++;
    }
    expect(compared).toBe(CASES);
  }, 300_000);

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
      (u: AssessmentFigures['units'][number]) => u.deliberationsHeld,
      (u: AssessmentFigures['units'][number]) => u.deliberationsCompleted,
      (u: AssessmentFigures['units'][number]) => u.deliberationSatisfaction.numerator,
      (u: AssessmentFigures['units'][number]) => u.deliberationSatisfaction.denominator - u.deliberationSatisfaction.numerator,
      // Closer to the seeds (issue 16): both terms of every ratio exercised.
      (u: AssessmentFigures['units'][number]) => u.closure!.numerator,
      (u: AssessmentFigures['units'][number]) => u.closure!.denominator - u.closure!.numerator,
      (u: AssessmentFigures['units'][number]) => u.resolvedInGrid!.numerator,
      (u: AssessmentFigures['units'][number]) => u.resolvedInGrid!.denominator - u.resolvedInGrid!.numerator,
      (u: AssessmentFigures['units'][number]) => u.onSiteOnTime!.numerator,
      (u: AssessmentFigures['units'][number]) => u.onSiteOnTime!.denominator - u.onSiteOnTime!.numerator,
      (u: AssessmentFigures['units'][number]) => u.hazardPromiseKept!.numerator,
      (u: AssessmentFigures['units'][number]) => u.hazardPromiseKept!.denominator - u.hazardPromiseKept!.numerator,
      (u: AssessmentFigures['units'][number]) => u.calledSatisfaction!.numerator,
      (u: AssessmentFigures['units'][number]) => u.calledSatisfaction!.denominator - u.calledSatisfaction!.numerator,
      // Clock pauses (counted for the unit that asked).
      (u: AssessmentFigures['units'][number]) => u.pausesApproved!,
      (u: AssessmentFigures['units'][number]) => u.pausesRejected!,
      (u: AssessmentFigures['units'][number]) => u.pausedMinutes!,
    ]) {
      expect(sum(f, pick)).toBeGreaterThan(0);
    }
  });

  it('the backlog against the same period of the previous year: the database counts what the reference folds', async () => {
    // November 2027 against November 2026: cases of the generated stretch still open a year later, and those open then.
    const f = await agree('2027-11', sh('2027-12-05 00:00'));
    expect(f.backlog!.at).toBe(new Date(sh('2027-12-01 00:00') - 1).toISOString());
    expect(f.backlog!.yearBeforeAt).toBe(new Date(sh('2026-12-01 00:00') - 1).toISOString());
    expect(f.backlog!.total.open).toBeGreaterThan(0);
    expect(f.backlog!.total.openYearBefore).toBeGreaterThan(f.backlog!.total.open);
    expect(f.backlog!.total.change).toBeLessThan(0);
    // Mid-period (asOf inside it): the same point of the period a year before, which had nothing open yet.
    const mid = await agree('2026-12', MID_DECEMBER);
    expect(mid.backlog!.at).toBe(new Date(MID_DECEMBER).toISOString());
    expect(mid.backlog!.total.openYearBefore).toBe(0);
    expect(mid.backlog!.total.change).toBeNull();
  });

  it.each([['2026-10', LATER], ['2026-Q4', LATER], ['2026', MID_DECEMBER]] as const)('scores per person, %s: the database aggregates what the reference folds', async (text, asOf) => {
    const period = parsePeriod(text);
    const reference = computePeople(await loadPeopleInput(db, period, asOf));
    const inDb = await computePeopleInDb(db, period, asOf);
    expect(inDb.people.map((p) => p.personId)).toEqual(reference.people.map((p) => p.personId));
    for (let k = 0; k < reference.people.length; k++) expect(inDb.people[k]).toEqual(reference.people[k]);
    expect(inDb).toEqual(reference);
    // Not vacuous: every figure of people measured, both ways.
    const all = reference.people;
    expect(all.length).toBeGreaterThan(10);
    for (const pick of [
      (p: (typeof all)[number]) => p.acceptanceOnTime, (p: (typeof all)[number]) => p.firstResponseOnTime, (p: (typeof all)[number]) => p.completionOnTime,
      (p: (typeof all)[number]) => p.satisfaction, (p: (typeof all)[number]) => p.resolution,
      (p: (typeof all)[number]) => p.deliberationSatisfaction,
    ]) {
      expect(all.reduce((n, p) => n + pick(p).numerator, 0)).toBeGreaterThan(0);
      expect(all.reduce((n, p) => n + pick(p).denominator - pick(p).numerator, 0)).toBeGreaterThan(0);
    }
    expect(all.reduce((n, p) => n + p.breaches, 0)).toBeGreaterThan(0);
    // Cadres found by name (a community's 王书记), by id, and left as written (张三 twice in reach; c not in the directory).
    const cadres = all.filter((p) => p.deliberations > 0).map((p) => p.personId);
    for (const re of [/-secretary$/, /-C\d+-p[01]$/, /^张三$/, /^c$/]) expect(cadres.some((id) => re.test(id))).toBe(true);
  });

  it('recorded fact by fact, each refresh retried: the month sums equal a refresh of every case and a backfill from scratch', async () => {
    const pool = new Pool(poolConfigFromUrl(iso.url, { max: 1 }));
    try {
      const stepped = [...generateCases({ seed: 19, cases: 20, startMs: sh('2026-08-01 00:00'), endMs: sh('2026-09-01 00:00'), directory })];
      await insertCases(pool, stepped.map((c) => ({ ...c, events: [], scores: [] })));
      for (const c of stepped) {
        for (const e of c.events) {
          await pool.query(
            `INSERT INTO "CaseEvent" ("caseCode", seq, type, at, "actorId", "actorRole", "unitId", level, data) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $5, $6, $7, $8, $9::jsonb)`,
            [c.code, e.seq, e.type, e.at, e.actorId, e.actorRole, e.unitId, e.level, JSON.stringify(e.data)],
          );
          await refreshCaseCounts(db, [c.code]);
          if (e.seq % 3 === 0) await refreshCaseCounts(db, [c.code]); // a retried activity
        }
        for (const s of c.scores) {
          await pool.query(
            `INSERT INTO "CallScore" ("caseCode", "callId", direction, "fromUnitId", "toUnitId", cooperation, professionalism, accurate, "scoredBy", at)
             VALUES ($1, $2, $3::"CallScoreDirection", $4, $5, $6, $7, $8, 'generated', to_timestamp($9 / 1000.0))`,
            [s.caseCode, s.callId, s.direction, s.fromUnitId, s.toUnitId, s.cooperation, s.professionalism, s.accurate, s.at],
          );
          await refreshCaseCounts(db, [c.code]);
        }
      }
    } finally {
      await pool.end();
    }
    const months = () => db.$queryRaw<Array<{ month: Date; unitId: string; metric: string; n: bigint; d: bigint }>>`
      SELECT month, "unitId", metric, n, d FROM "AssessmentMonthCount" WHERE n <> 0 OR d <> 0 ORDER BY 1, 2, 3`;
    const incremental = await months();
    await agree('2026-08', LATER, true);
    // A refresh of every case (the repair safe while recording) changes nothing…
    await rebuildCaseCounts(db, { batch: 700 });
    expect(await months()).toEqual(incremental);
    // …and the bulk backfill into empty tables gives the same sums.
    await expectMarkersMatchTables();
    await db.$executeRaw`TRUNCATE "AssessmentCaseCount", "AssessmentCaseState", "AssessmentMonthCount"`;
    // Truncated states: every month unbalanced, the reads count the cases (and find them missing).
    expect(await maintainedCanAnswer(db, monthsOf(parsePeriod('2026-08'))!, LATER)).toBe(false);
    expect(await spansComplete(db, LATER)).toBe(false);
    await backfillCaseCounts(db, { chunk: 700 });
    expect(await months()).toEqual(incremental);
    await expectMarkersMatchTables();
    await agree('2026-08', LATER, true);
  }, 300_000);

  it("a case of the period without its rows (recorded before them, or not through the recorder): the live read computes from the events, never without it", async () => {
    const [{ code }] = await db.$queryRaw<Array<{ code: string }>>`
      SELECT "caseCode" AS code FROM "AssessmentCaseState" WHERE month >= ${new Date(sh('2026-10-01 00:00'))} AND month < ${new Date(sh('2026-11-01 00:00'))} ORDER BY 1 LIMIT 1`;
    const rows = () => db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "AssessmentCaseCount" WHERE "caseCode" = ${code}`;
    expect((await rows())[0].n).toBeGreaterThan(0);
    // Remove the case's share from the month sums too, as if it had never been maintained.
    await db.$executeRaw`
      UPDATE "AssessmentMonthCount" m SET n = m.n - c.n, d = m.d - c.d
      FROM (SELECT "unitId", metric, sum(n) AS n, sum(d) AS d FROM "AssessmentCaseCount" WHERE "caseCode" = ${code} AND "dueFrom" = 0 GROUP BY 1, 2) c
      WHERE m.month = (SELECT month FROM "AssessmentCaseState" WHERE "caseCode" = ${code}) AND m."unitId" = c."unitId" AND m.metric = c.metric`;
    await db.$executeRaw`DELETE FROM "AssessmentCaseCount" WHERE "caseCode" = ${code}`;
    await db.$executeRaw`DELETE FROM "AssessmentCaseState" WHERE "caseCode" = ${code}`;
    // The month marker saw the state go: unbalanced, so the cases are counted, and one is missing.
    expect(await maintainedCanAnswer(db, monthsOf(parsePeriod('2026-10'))!, LATER)).toBe(false);
    // The backlog cannot come from the open spans either (the case may be open): from the events.
    expect(await spansComplete(db, backlogInstants(parsePeriod('2026-10'), LATER).at)).toBe(false);
    await agree('2026-10', LATER, false);
    await agree('2026', LATER, false);
    // The repair brings the fast path back.
    await refreshCaseCounts(db, [code]);
    await agree('2026-10', LATER, true);
    expect(await maintainedCanAnswer(db, monthsOf(parsePeriod('2026-10'))!, LATER)).toBe('markers');
  });

  it('a REPORTED fact written by other means (no recorder, no refresh) unbalances its month until the case is counted; a state without open spans is not counted', async () => {
    const [{ code, unit }] = await db.$queryRaw<Array<{ code: string; unit: string }>>`
      SELECT c.code, c."gridId" AS unit FROM "Case" c JOIN "AssessmentCaseState" s ON s."caseCode" = c.code
      WHERE s.month = ${new Date(sh('2026-11-01 00:00'))} ORDER BY 1 LIMIT 1`;
    const extra = `${code}-X`;
    await db.$executeRaw`INSERT INTO "Case" (code, "workflowId", channel, "categoryCode", triage, "districtId", "streetId", "communityId", "gridId", description, status, level, "reportedAt", "updatedAt")
      SELECT ${extra}, ${extra}, channel, "categoryCode", triage, "districtId", "streetId", "communityId", "gridId", description, 'REPORTED', level, ${new Date(sh('2026-11-20 10:00'))}, now() FROM "Case" WHERE code = ${code}`;
    await db.$executeRaw`INSERT INTO "CaseEvent" ("caseCode", seq, type, at, "unitId", level, data) VALUES (${extra}, 1, 'REPORTED', ${new Date(sh('2026-11-20 10:00'))}, ${unit}, 'GRID', '{}'::jsonb)`;
    const november = monthsOf(parsePeriod('2026-11'))!;
    expect(await maintainedCanAnswer(db, november, LATER)).toBe(false);
    expect(await spansComplete(db, LATER)).toBe(false);
    // Still the reference's figures (from the events), the new case and its backlog included.
    const f = await agree('2026-11', LATER, false);
    expect(f.backlog!.units.find((u) => u.unitId === unit)?.open).toBeGreaterThan(0);
    // Counted by the refresh (as the recorder would): balanced again, the same figures the fast way.
    await refreshCaseCounts(db, [extra]);
    expect(await maintainedCanAnswer(db, november, LATER)).toBe('markers');
    expect(await spansComplete(db, LATER)).toBe(true);
    await agree('2026-11', LATER, true);
    // A state written without its open spans (a worker older than migration 0019): not counted by
    // the markers, so the cases are counted (they all have their rows: the counts still answer) and
    // the backlog comes from the events, until the next refresh of the case.
    await db.$executeRaw`UPDATE "AssessmentCaseState" SET "openSpans" = NULL WHERE "caseCode" = ${extra}`;
    expect(await maintainedCanAnswer(db, november, LATER)).toBe('cases');
    expect(await spansComplete(db, LATER)).toBe(false);
    await agree('2026-11', LATER, true);
    await refreshCaseCounts(db, [extra]);
    expect(await spansComplete(db, LATER)).toBe(true);
    // Gone again (a DELETE of its facts, its state and case): balanced, as before it came.
    await db.$executeRaw`
      UPDATE "AssessmentMonthCount" m SET n = m.n - c.n, d = m.d - c.d
      FROM (SELECT "unitId", metric, sum(n) AS n, sum(d) AS d FROM "AssessmentCaseCount" WHERE "caseCode" = ${extra} AND "dueFrom" = 0 GROUP BY 1, 2) c
      WHERE m.month = ${november.start} AND m."unitId" = c."unitId" AND m.metric = c.metric`;
    await db.$executeRaw`DELETE FROM "AssessmentCaseCount" WHERE "caseCode" = ${extra}`;
    await db.$executeRaw`DELETE FROM "AssessmentCaseState" WHERE "caseCode" = ${extra}`;
    await db.$executeRaw`DELETE FROM "CaseEvent" WHERE "caseCode" = ${extra}`;
    await db.$executeRaw`DELETE FROM "Case" WHERE code = ${extra}`;
    expect(await maintainedCanAnswer(db, november, LATER)).toBe('markers');
    await expectMarkersMatchTables();
    await agree('2026-11', LATER, true);
  });

  it('migration 0020 takes the paused cases out of the maintained counts (never short: reads defer to the events), and a live rebuild restores them', async () => {
    const months = () => db.$queryRaw<Array<{ month: Date; unitId: string; metric: string; n: bigint; d: bigint }>>`
      SELECT month, "unitId", metric, n, d FROM "AssessmentMonthCount" WHERE n <> 0 OR d <> 0 ORDER BY 1, 2, 3`;
    const before = await months();
    const pool = new Pool(poolConfigFromUrl(iso.url, { max: 1 }));
    try {
      await pool.query(readFileSync(join(__dirname, '../../prisma/migrations/0020_assessment_pauses_recount/migration.sql'), 'utf8'));
    } finally {
      await pool.end();
    }
    const [{ paused, kept }] = await db.$queryRaw<Array<{ paused: number; kept: number }>>`
      SELECT (SELECT count(DISTINCT "caseCode")::int FROM "CaseEvent" WHERE type LIKE 'PAUSE_%') AS paused,
             (SELECT count(*)::int FROM "AssessmentCaseState" s WHERE EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseCode" = s."caseCode" AND e.type LIKE 'PAUSE_%')) AS kept`;
    expect(paused).toBeGreaterThan(0);
    expect(kept).toBe(0);
    // The month sums hold only the other cases now: the months with a paused case are computed from the events.
    await agree('2026-10', LATER, false);
    await agree('2026', LATER, false);
    await rebuildCaseCounts(db, { batch: 700 });
    expect(await months()).toEqual(before);
    await agree('2026', LATER, true);
  }, 300_000);
});
