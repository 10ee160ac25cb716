// The district command center's board (指挥中心看板), from the database projection only (no
// workflow queries): open cases by street and level, how many are overdue, the breaches
// recorded today, and the cases reported today that nobody has answered yet (no first
// response: still REPORTED or ACCEPTED). "Today" is the calendar day in Asia/Shanghai.
import type { FactType } from '../../domain/facts';
import { SHANGHAI_OFFSET_MINUTES } from '../../domain/assessment/period';
import type { Db } from '../../platform/db';

/** Statuses of a case nobody needs to act on any more. */
export const FINISHED_STATUSES = ['CLOSED', 'SURVEYED'] as const;
/** Reported, perhaps accepted, but not yet answered (the first response is still owed). */
export const UNANSWERED_STATUSES = ['REPORTED', 'ACCEPTED'] as const;
/** At most this many of today's unanswered cases are listed (the count is always whole). */
export const UNANSWERED_LIST_LIMIT = 50;

export interface StreetRow {
  streetId: string;
  name: string | null;
  open: number;
  overdue: number;
  byLevel: Record<string, number>;
}

export interface CommandCenterBoard {
  districtId: string;
  day: string;
  asOf: string;
  totals: { open: number; overdue: number; breachesToday: number; reportedToday: number; unansweredToday: number };
  streets: StreetRow[];
  unanswered: Array<{ code: string; status: string; level: string; streetId: string; reportedAt: string; dueAt: string | null; overdue: boolean }>;
}

/** The Asia/Shanghai day holding `ms`: its date and its [start, end) instants. */
export function shanghaiDay(ms: number, offsetMinutes = SHANGHAI_OFFSET_MINUTES): { day: string; start: Date; end: Date } {
  const offset = offsetMinutes * 60_000;
  const local = Math.floor((ms + offset) / 86_400_000) * 86_400_000;
  return { day: new Date(local).toISOString().slice(0, 10), start: new Date(local - offset), end: new Date(local - offset + 86_400_000) };
}

export async function commandCenterBoard(db: Db, districtId: string, now: number): Promise<CommandCenterBoard> {
  const { day, start, end } = shanghaiDay(now);
  const open = { districtId, status: { notIn: [...FINISHED_STATUSES] } };
  const unansweredWhere = { districtId, status: { in: [...UNANSWERED_STATUSES] }, reportedAt: { gte: start, lt: end } };
  // Five small aggregates, in parallel; each is served by an index on Case / CaseEvent.
  const [byStreetLevel, overdueByStreet, breachesToday, reportedToday, unansweredCount, unanswered] = await Promise.all([
    db.case.groupBy({ by: ['streetId', 'level'], where: open, _count: { _all: true } }),
    db.case.groupBy({ by: ['streetId'], where: { ...open, overdue: true }, _count: { _all: true } }),
    db.caseEvent.count({ where: { type: 'BREACHED' satisfies FactType, at: { gte: start, lt: end }, case: { districtId } } }),
    db.case.count({ where: { districtId, reportedAt: { gte: start, lt: end } } }),
    db.case.count({ where: unansweredWhere }),
    db.case.findMany({
      where: unansweredWhere,
      orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { reportedAt: 'asc' }],
      take: UNANSWERED_LIST_LIMIT,
      select: { code: true, status: true, level: true, streetId: true, reportedAt: true, dueAt: true, overdue: true },
    }),
  ]);
  const streetIds = [...new Set(byStreetLevel.map((r) => r.streetId))];
  const names = new Map((await db.orgUnit.findMany({ where: { id: { in: streetIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  const streets = new Map<string, StreetRow>();
  for (const r of byStreetLevel) {
    const row = streets.get(r.streetId) ?? { streetId: r.streetId, name: names.get(r.streetId) ?? null, open: 0, overdue: 0, byLevel: {} };
    row.open += r._count._all;
    row.byLevel[r.level] = (row.byLevel[r.level] ?? 0) + r._count._all;
    streets.set(r.streetId, row);
  }
  for (const r of overdueByStreet) {
    const row = streets.get(r.streetId);
    if (row) row.overdue = r._count._all;
  }
  const list = [...streets.values()].sort((a, b) => b.open - a.open || a.streetId.localeCompare(b.streetId));
  return {
    districtId,
    day,
    asOf: new Date(now).toISOString(),
    totals: {
      open: list.reduce((n, s) => n + s.open, 0),
      overdue: list.reduce((n, s) => n + s.overdue, 0),
      breachesToday,
      reportedToday,
      unansweredToday: unansweredCount,
    },
    streets: list,
    unanswered: unanswered.map((c) => ({
      code: c.code,
      status: c.status,
      level: c.level,
      streetId: c.streetId,
      reportedAt: c.reportedAt.toISOString(),
      dueAt: c.dueAt?.toISOString() ?? null,
      overdue: c.overdue,
    })),
  };
}
