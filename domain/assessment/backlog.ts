// The backlog (积案) against the same period of the previous year (issue 16, seed 000: "案件积压量
// 同比减少50%"): the cases open at the end of the period and at the same point of the same period
// one year earlier, for the district and for each unit's area. Unlike the other figures this is a
// stock at an instant, not the period's cohort of cases: every case reported by then counts,
// whenever it was reported. Pure; the database's twin is features/assessment/backlogSql.ts and the
// agreement test holds them to identical counts. Definitions: docs/ASSESSMENT.md "Backlog".
import type { AssessmentCase } from './figures';
import { homeUnitsOf } from './figures';
import { parsePeriod, SHANGHAI_OFFSET_MINUTES, type Period } from './period';

/** The open cases of one unit's area at the two instants; change = (open − openYearBefore) / openYearBefore, null when that is 0. */
export interface BacklogCount {
  open: number;
  openYearBefore: number;
  change: number | null;
}

export interface BacklogUnit extends BacklogCount {
  unitId: string;
}

export interface Backlog {
  /** The instant the backlog is counted at: the period's last millisecond, or asOf when earlier. */
  at: string;
  /** The same point of the same period one year earlier. */
  yearBeforeAt: string;
  total: BacklogCount;
  /** Units whose area had an open case at either instant, sorted by unit id (others: 0, 0, null). */
  units: BacklogUnit[];
}

export const backlogCount = (open: number, openYearBefore: number): BacklogCount => ({
  open,
  openYearBefore,
  change: openYearBefore === 0 ? null : Math.round(((open - openYearBefore) / openYearBefore) * 10_000) / 10_000,
});

/**
 * The two instants: `at` = min(the period's last millisecond, asOf); `yearBeforeAt` = the same
 * offset into the same period of the previous year, at most that period's last millisecond
 * (so 29 February, or a longer month, never spills over).
 */
export function backlogInstants(period: Period, asOf: number, utcOffsetMinutes = SHANGHAI_OFFSET_MINUTES): { at: number; yearBeforeAt: number } {
  const at = Math.min(period.endMs - 1, asOf);
  const before = parsePeriod(`${period.year - 1}${period.text.slice(4)}`, utcOffsetMinutes);
  return { at, yearBeforeAt: Math.min(before.startMs + (at - period.startMs), before.endMs - 1) };
}

/**
 * Whether a case is open at instant t: it was reported at or before t, and the latest of its
 * CLOSED / REOPENED facts at or before t (in seq order) is not a CLOSED.
 */
export function openAt(c: AssessmentCase, t: number): boolean {
  let reported = false;
  let closed = false;
  for (const e of [...c.events].sort((a, b) => a.seq - b.seq)) {
    if (e.at > t) continue;
    if (e.type === 'REPORTED') reported = true;
    else if (e.type === 'CLOSED') closed = true;
    else if (e.type === 'REOPENED') closed = false;
  }
  return reported && !closed;
}

/** The backlog at the two instants, from every case (any reporting time) with its REPORTED, CLOSED and REOPENED facts. */
export function computeBacklog(cases: readonly AssessmentCase[], at: number, yearBeforeAt: number): Backlog {
  const counts = new Map<string, [number, number]>();
  const total: [number, number] = [0, 0];
  for (const c of cases) {
    const now = openAt(c, at);
    const before = openAt(c, yearBeforeAt);
    if (!now && !before) continue;
    total[0] += now ? 1 : 0;
    total[1] += before ? 1 : 0;
    for (const u of homeUnitsOf(c.units)) {
      const pair = counts.get(u) ?? [0, 0];
      pair[0] += now ? 1 : 0;
      pair[1] += before ? 1 : 0;
      counts.set(u, pair);
    }
  }
  return backlogFrom(at, yearBeforeAt, total, counts);
}

/** The backlog from counts per unit ([open, openYearBefore]). */
export function backlogFrom(at: number, yearBeforeAt: number, total: [number, number], counts: ReadonlyMap<string, [number, number]>): Backlog {
  return {
    at: new Date(at).toISOString(),
    yearBeforeAt: new Date(yearBeforeAt).toISOString(),
    total: backlogCount(...total),
    units: [...counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([unitId, [open, openYearBefore]]) => ({ unitId, ...backlogCount(open, openYearBefore) })),
  };
}
