// The command center board's figures (features/board/commandCenterBoard.ts) on a real database:
// hand-written Case and CaseEvent rows around a pinned instant, so every figure is known.
import { commandCenterBoard, shanghaiDay } from '../../features/board/commandCenterBoard';
import { createDb, type Db } from '../../platform/db';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';

jest.setTimeout(120_000);

// 2026-11-18 10:00 in Beijing; "today" there runs from 2026-11-17T16:00Z to 2026-11-18T16:00Z.
const NOW = Date.parse('2026-11-18T02:00:00Z');
const TODAY = Date.parse('2026-11-18T01:00:00Z');
const YESTERDAY = Date.parse('2026-11-17T15:30:00Z'); // 23:30 Beijing, the day before
const D = 'BD-D';

let iso: IsolatedDatabase;
let db: Db;

const units = [
  { id: D, kind: 'DISTRICT', name: '看板区', parentId: null },
  { id: 'BD-S1', kind: 'STREET', name: '一号街道', parentId: D },
  { id: 'BD-S2', kind: 'STREET', name: '二号街道', parentId: D },
  { id: 'OTHER-D', kind: 'DISTRICT', name: '别的区', parentId: null },
  { id: 'OTHER-S', kind: 'STREET', name: '别的街道', parentId: 'OTHER-D' },
] as const;

let seq = 0;
async function caseRow(o: { district?: string; street: string; status: string; level?: string; overdue?: boolean; reportedAt: number; dueAt?: number }): Promise<string> {
  const code = `BD-${++seq}`;
  await db.case.create({
    data: {
      code,
      workflowId: code,
      channel: 'HOTLINE',
      categoryCode: 'CG-001',
      triage: 'BIG',
      districtId: o.district ?? D,
      streetId: o.street,
      communityId: `${o.street}-C`,
      gridId: `${o.street}-G`,
      description: 'board fixture',
      status: o.status,
      level: o.level ?? 'GRID',
      overdue: o.overdue ?? false,
      reportedAt: new Date(o.reportedAt),
      dueAt: o.dueAt === undefined ? null : new Date(o.dueAt),
    },
  });
  return code;
}

let unansweredSoon: string;
let unansweredLater: string;

beforeAll(async () => {
  iso = await isolatedDatabase();
  db = createDb(iso.url, 5);
  for (const u of units) await db.orgUnit.create({ data: { ...u } });
  // Street 1: two open at GRID (one overdue), one at STREET; one closed (not open).
  unansweredLater = await caseRow({ street: 'BD-S1', status: 'REPORTED', reportedAt: TODAY, dueAt: NOW + 60_000 * 30 });
  const overdueOne = await caseRow({ street: 'BD-S1', status: 'IN_PROGRESS', overdue: true, reportedAt: YESTERDAY, dueAt: NOW - 60_000 });
  await caseRow({ street: 'BD-S1', status: 'IN_PROGRESS', level: 'STREET', reportedAt: YESTERDAY });
  await caseRow({ street: 'BD-S1', status: 'CLOSED', reportedAt: TODAY });
  // Street 2: one accepted today (unanswered, the nearer deadline), one answered today, one surveyed.
  unansweredSoon = await caseRow({ street: 'BD-S2', status: 'ACCEPTED', reportedAt: TODAY, dueAt: NOW + 60_000 * 5 });
  await caseRow({ street: 'BD-S2', status: 'IN_PROGRESS', level: 'COMMAND_CENTER', reportedAt: TODAY });
  await caseRow({ street: 'BD-S2', status: 'SURVEYED', reportedAt: YESTERDAY });
  // Another district: never counted.
  const other = await caseRow({ district: 'OTHER-D', street: 'OTHER-S', status: 'REPORTED', overdue: true, reportedAt: TODAY });
  // Breaches: one today and one yesterday on this district, one today on the other.
  const breach = (caseCode: string, at: number, s: number) => db.caseEvent.create({ data: { caseCode, seq: s, type: 'BREACHED', at: new Date(at) } });
  await breach(overdueOne, TODAY, 1);
  await breach(overdueOne, YESTERDAY, 2);
  await breach(other, TODAY, 1);
});

afterAll(async () => {
  await db?.$disconnect();
  await iso?.drop();
});

it('the Beijing day holding an instant', () => {
  expect(shanghaiDay(NOW)).toEqual({ day: '2026-11-18', start: new Date('2026-11-17T16:00:00Z'), end: new Date('2026-11-18T16:00:00Z') });
  expect(shanghaiDay(YESTERDAY).day).toBe('2026-11-17');
});

it('counts open cases by street and level, overdue, breaches today and today\'s unanswered cases of the district', async () => {
  const board = await commandCenterBoard(db, D, NOW);
  expect(board.day).toBe('2026-11-18');
  expect(board.totals).toEqual({ open: 5, overdue: 1, breachesToday: 1, reportedToday: 4, unansweredToday: 2 });
  expect(board.streets).toEqual([
    { streetId: 'BD-S1', name: '一号街道', open: 3, overdue: 1, byLevel: { GRID: 2, STREET: 1 } },
    { streetId: 'BD-S2', name: '二号街道', open: 2, overdue: 0, byLevel: { GRID: 1, COMMAND_CENTER: 1 } },
  ]);
  // Nearest deadline first.
  expect(board.unanswered.map((c) => c.code)).toEqual([unansweredSoon, unansweredLater]);
  expect(board.unanswered[0]).toMatchObject({ status: 'ACCEPTED', streetId: 'BD-S2', overdue: false });
});

it('a district with no cases has an empty board', async () => {
  const board = await commandCenterBoard(db, 'NO-SUCH-DISTRICT', NOW);
  expect(board.totals).toEqual({ open: 0, overdue: 0, breachesToday: 0, reportedToday: 0, unansweredToday: 0 });
  expect(board.streets).toEqual([]);
});
