// Rankings, scorecards and the CSV export over computed figures. Pure.
import type { AssessmentFigures, Ratio, UnitFigures, UnitKind } from './figures';
import { backlogCount, type BacklogCount } from './backlog';

/** Levels a ranking is made for. */
export type RankingLevel = Extract<UnitKind, 'STREET' | 'DEPARTMENT' | 'GRID'>;
export const RANKING_LEVELS: readonly RankingLevel[] = ['STREET', 'DEPARTMENT', 'GRID'];

export interface RankedUnit {
  /** 1 = best; equal score and equal escalations share a rank (1, 2, 2, 4). Null when unscored. */
  rank: number | null;
  figures: UnitFigures;
  /** The unit's area's backlog against a year before (issue 16), when the figures carry one (not in older snapshots). */
  backlog?: BacklogCount;
}

/**
 * The units of one kind, best first: by score (higher first), then by fewer escalations
 * caused, then by unit id. Units with no score come last, unranked.
 */
export function rankUnits(figures: AssessmentFigures, level: RankingLevel): RankedUnit[] {
  const rows = figures.units.filter((u) => u.kind === level);
  rows.sort((a, b) => {
    if (a.score === null || b.score === null) {
      if (a.score !== b.score) return a.score === null ? 1 : -1;
    } else if (a.score !== b.score) return b.score - a.score;
    if (a.escalationsCaused !== b.escalationsCaused) return a.escalationsCaused - b.escalationsCaused;
    return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
  });
  const out: RankedUnit[] = [];
  rows.forEach((f, i) => {
    if (f.score === null) {
      out.push({ rank: null, figures: f });
      return;
    }
    const prev = out[i - 1];
    const tied = prev && prev.rank !== null && prev.figures.score === f.score && prev.figures.escalationsCaused === f.escalationsCaused;
    out.push({ rank: tied ? prev.rank : i + 1, figures: f });
  });
  if (figures.backlog) for (const r of out) r.backlog = unitBacklog(figures, r.figures.unitId) ?? undefined;
  return out;
}

/** One unit's figures, or an all-zero row if the unit had nothing in the period. */
export function unitOf(figures: AssessmentFigures, unitId: string): UnitFigures | null {
  return figures.units.find((u) => u.unitId === unitId) ?? null;
}

/** A unit's area's backlog (zeros when nothing was open there), or null when the figures have none (older snapshots). */
export function unitBacklog(figures: AssessmentFigures, unitId: string): BacklogCount | null {
  if (!figures.backlog) return null;
  const row = figures.backlog.units.find((u) => u.unitId === unitId);
  return row ? backlogCount(row.open, row.openYearBefore) : backlogCount(0, 0);
}

/** A rate cell; empty when not measured or absent (figures published before the figure existed). */
const rateCell = (r: Ratio | undefined): string => (!r || r.rate === null ? '' : r.rate.toFixed(4));
const meanCell = (m: { mean: number | null }): string => (m.mean === null ? '' : m.mean.toFixed(2));

/** CSV columns of the export, in order. */
export const CSV_COLUMNS: ReadonlyArray<[string, (r: RankedUnit) => string | number]> = [
  ['rank', (r) => r.rank ?? ''],
  ['unit_id', (r) => r.figures.unitId],
  ['unit_name', (r) => r.figures.name ?? ''],
  ['kind', (r) => r.figures.kind ?? ''],
  ['score', (r) => (r.figures.score === null ? '' : r.figures.score.toFixed(2))],
  ['cases_handled', (r) => r.figures.casesHandled],
  ['acceptance_on_time_rate', (r) => rateCell(r.figures.acceptanceOnTime)],
  ['acceptance_on_time', (r) => r.figures.acceptanceOnTime.numerator],
  ['acceptance_measured', (r) => r.figures.acceptanceOnTime.denominator],
  ['first_response_on_time_rate', (r) => rateCell(r.figures.firstResponseOnTime)],
  ['completion_on_time_rate', (r) => rateCell(r.figures.completionOnTime)],
  ['escalations_caused', (r) => r.figures.escalationsCaused],
  ['extensions_asked', (r) => r.figures.extensionsAsked],
  ['extensions_granted', (r) => r.figures.extensionsGranted],
  ['satisfaction_rate', (r) => rateCell(r.figures.satisfaction)],
  ['resolution_rate', (r) => rateCell(r.figures.resolution)],
  ['reopen_rate', (r) => rateCell(r.figures.reopen)],
  ['surveys_answered', (r) => r.figures.surveysAnswered],
  ['surveys_unreachable', (r) => r.figures.surveysUnreachable],
  ['calls_received', (r) => r.figures.callsReceived],
  ['report_rate', (r) => rateCell(r.figures.reportRate)],
  ['report_timeliness', (r) => rateCell(r.figures.reportTimeliness)],
  ['cooperation_mean', (r) => meanCell(r.figures.cooperation)],
  ['professionalism_mean', (r) => meanCell(r.figures.professionalism)],
  ['calls_made', (r) => r.figures.callsMade],
  ['call_accuracy_rate', (r) => rateCell(r.figures.callAccuracy)],
  // Closer to the seeds (issue 16); empty for snapshots published before them.
  ['closure_rate', (r) => rateCell(r.figures.closure)],
  ['resolved_in_grid_rate', (r) => rateCell(r.figures.resolvedInGrid)],
  ['on_site_on_time_rate', (r) => rateCell(r.figures.onSiteOnTime)],
  ['hazard_promise_kept_rate', (r) => rateCell(r.figures.hazardPromiseKept)],
  ['called_satisfaction_rate', (r) => rateCell(r.figures.calledSatisfaction)],
  ['backlog_open', (r) => r.backlog?.open ?? ''],
  ['backlog_open_year_before', (r) => r.backlog?.openYearBefore ?? ''],
  ['backlog_change', (r) => (r.backlog?.change == null ? '' : r.backlog.change.toFixed(4))],
  // Clock pauses (暂停计时), counted for the unit that asked; empty for snapshots published before them.
  ['pauses_approved', (r) => r.figures.pausesApproved ?? ''],
  ['pauses_rejected', (r) => r.figures.pausesRejected ?? ''],
  ['paused_minutes', (r) => r.figures.pausedMinutes ?? ''],
];

/** One CSV cell: quoted when needed; a leading = + - @ is defused so spreadsheets never run it. */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The ranking as CSV (UTF-8 with a BOM so spreadsheet programs read the Chinese names). */
export function rankingCsv(period: string, rows: readonly RankedUnit[]): string {
  const header = ['period', ...CSV_COLUMNS.map(([name]) => name)].join(',');
  const lines = rows.map((r) => [csvCell(period), ...CSV_COLUMNS.map(([, get]) => csvCell(get(r)))].join(','));
  return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
}
