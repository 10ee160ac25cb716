// The district leaders' daily board (区领导每天…对疑难问题、群众不满意的事项进行认真分析) and the
// weekly joint meeting's agenda, read from the projection. Every query starts from an index:
// facts of one type in a time range (CaseEvent type, at), open cases of a district by level
// (Case districtId, level, status) or by deadline (Case districtId, dueAt).
import { Prisma } from '../../generated/prisma/client';
import { agendaReasons, type AgendaItem } from '../../domain/routines/agenda';
import type { FactType } from '../../domain/facts';
import type { Db } from '../../platform/db';

/** Statuses of a case still open (not closed, not surveyed). */
const OPEN = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN'];
const LEADER_LEVELS = ['DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
/** At most this many rows per section (the board is read by people; the count is exact). */
export const BOARD_SECTION_LIMIT = 200;

export interface BoardItem {
  caseCode: string;
  status: string;
  level: string;
  streetId: string;
  categoryCode: string;
  reportedAt: string;
  dueAt: string | null;
  /** When the fact that put it on the board happened (the survey, the reopening), else null. */
  at: string | null;
  comment: string | null;
}

export interface BoardSection {
  total: number;
  items: BoardItem[];
}

export interface DailyBoard {
  date: string;
  asOf: string;
  unsatisfied: BoardSection;
  reopened: BoardSection;
  atLeaders: BoardSection;
  overdue: BoardSection;
}

interface Row {
  code: string;
  status: string;
  level: string;
  streetId: string;
  categoryCode: string;
  reportedAt: Date;
  dueAt: Date | null;
  at: Date | null;
  comment: string | null;
  total: bigint | number;
}

const item = (r: Row): BoardItem => ({
  caseCode: r.code,
  status: r.status,
  level: r.level,
  streetId: r.streetId,
  categoryCode: r.categoryCode,
  reportedAt: r.reportedAt.toISOString(),
  dueAt: r.dueAt ? r.dueAt.toISOString() : null,
  at: r.at ? r.at.toISOString() : null,
  comment: r.comment,
});

const section = (rows: Row[]): BoardSection => ({ total: Number(rows[0]?.total ?? 0), items: rows.map(item) });

const CASE_COLS = Prisma.sql`c.code, c.status, c.level, c."streetId", c."categoryCode", c."reportedAt", c."dueAt"`;

/** Facts of one type in [from, to) on cases of the district (one row per case, its latest fact). */
function factsInDay(districtId: string, type: FactType, from: Date, to: Date, extra: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT * FROM (
      SELECT DISTINCT ON (c.code) ${CASE_COLS}, e.at, e.data->>'comment' AS comment
      FROM "CaseEvent" e JOIN "Case" c ON c.code = e."caseCode"
      WHERE e.type = ${type} AND e.at >= ${from} AND e.at < ${to} AND c."districtId" = ${districtId} ${extra}
      ORDER BY c.code, e.at DESC
    ) f`;
}

async function page(db: Db, q: Prisma.Sql, order: Prisma.Sql): Promise<Row[]> {
  return db.$queryRaw<Row[]>(Prisma.sql`SELECT q.*, count(*) OVER () AS total FROM (${q}) q ORDER BY ${order} LIMIT ${BOARD_SECTION_LIMIT}`);
}

/**
 * The board of one local day [from, to) as of `asOf`: the residents' unsatisfied revisits and
 * the reopenings of that day; the open cases at the leaders' levels and the open overdue cases
 * now (the projection holds the present, not a past state).
 */
export async function dailyBoard(db: Db, input: { districtId: string; date: string; from: number; to: number; asOf: number }): Promise<DailyBoard> {
  const from = new Date(input.from);
  const to = new Date(input.to);
  const asOf = new Date(input.asOf);
  const d = input.districtId;
  const [unsatisfied, reopened, atLeaders, overdue] = await Promise.all([
    page(db, factsInDay(d, 'SURVEY_RECORDED', from, to, Prisma.sql`AND e.data->>'satisfaction' = 'UNSATISFIED'`), Prisma.sql`q.at, q.code`),
    page(db, factsInDay(d, 'REOPENED', from, to, Prisma.empty), Prisma.sql`q.at, q.code`),
    page(
      db,
      Prisma.sql`SELECT ${CASE_COLS}, NULL::timestamptz AS at, NULL::text AS comment FROM "Case" c
        WHERE c."districtId" = ${d} AND c.level IN (${Prisma.join(LEADER_LEVELS)}) AND c.status IN (${Prisma.join(OPEN)})`,
      Prisma.sql`q."reportedAt", q.code`,
    ),
    page(
      db,
      Prisma.sql`SELECT ${CASE_COLS}, NULL::timestamptz AS at, NULL::text AS comment FROM "Case" c
        WHERE c."districtId" = ${d} AND c."dueAt" < ${asOf} AND c.status IN (${Prisma.join(OPEN)})`,
      Prisma.sql`q."dueAt", q.code`,
    ),
  ]);
  return { date: input.date, asOf: asOf.toISOString(), unsatisfied: section(unsatisfied), reopened: section(reopened), atLeaders: section(atLeaders), overdue: section(overdue) };
}

interface AgendaRow {
  code: string;
  status: string;
  level: string;
  category: string;
  street: string;
  reportedAt: Date;
  dueAt: Date | null;
  whistled: boolean;
  departments: bigint | number;
  departmentLate: boolean;
}

/**
 * The matters the weekly joint meeting must coordinate: open cases of the district at the
 * leaders' levels, whistled up, needing two or more departments, or with a department late to
 * report (domain/routines/agenda.ts agendaReasons). Oldest first.
 */
export async function meetingAgenda(db: Db, districtId: string): Promise<AgendaItem[]> {
  const whistle: FactType = 'ESCALATED';
  const called: FactType = 'DEPARTMENT_CALLED';
  const breached: FactType = 'BREACHED';
  const rows = await db.$queryRaw<AgendaRow[]>(Prisma.sql`
    SELECT * FROM (
      SELECT c.code, c.status, c.level, COALESCE(m.name, c."categoryCode") AS category, COALESCE(u.name, c."streetId") AS street,
             c."reportedAt", c."dueAt",
             EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseCode" = c.code AND e.type = ${whistle} AND e.data->>'cause' = 'WHISTLE') AS whistled,
             (SELECT count(DISTINCT e.data->>'departmentId') FROM "CaseEvent" e WHERE e."caseCode" = c.code AND e.type = ${called}) AS departments,
             EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."caseCode" = c.code AND e.type = ${breached} AND e.data->>'kind' = 'REPORT') AS "departmentLate"
      FROM "Case" c
      LEFT JOIN "MatterCategory" m ON m.code = c."categoryCode"
      LEFT JOIN "OrgUnit" u ON u.id = c."streetId"
      WHERE c."districtId" = ${districtId} AND c.status IN (${Prisma.join(OPEN)})
    ) a
    WHERE a.level IN (${Prisma.join(LEADER_LEVELS)}) OR a.whistled OR a.departments >= 2 OR a."departmentLate"
    ORDER BY a."reportedAt", a.code`);
  return rows.map((r) => ({
    caseCode: r.code,
    category: r.category,
    street: r.street,
    level: r.level,
    status: r.status,
    reportedAt: r.reportedAt.toISOString(),
    dueAt: r.dueAt ? r.dueAt.toISOString() : null,
    departments: Number(r.departments),
    reasons: agendaReasons({ level: r.level, whistled: r.whistled, departments: Number(r.departments), departmentLate: r.departmentLate }),
  }));
}
