// Carries one administrative change to every open case it affects: a directory change (a
// person deactivated or moved, a post given to someone else) or a calendar change (a year's
// schedule imported or edited). One workflow per change, id `fanout:<kind>:<changeId>`
// (features/fanout), so a repeated start is a no-op.
//
// Pages of affected cases come from the Case projection through an activity; the workflow
// signals them itself (getExternalWorkflowHandle), at most `concurrency` at a time. A signal
// sent from the workflow is a command in its history: after a crash the worker replays up to
// the last signal Temporal acknowledged and goes on from there, each case signalled once per
// run, where an activity retried after a crash would signal its whole batch again. The cursor
// (the last case code) and the counts live in the workflow and travel through
// continue-as-new every few pages, so the history stays small however many cases are open.
import { ApplicationFailure, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { workflowIdForCase } from '../domain/caseCode';
import type { CalendarSnapshot } from '../domain/types';
import type { CaseActivities, FanOutActivities, FanOutKind, FanOutTarget } from './activityContract';
import { calendarChangedSignal, directoryChangedSignal } from './messages';

export const FAN_OUT_WORKFLOW_TYPE = 'fanOutWorkflow';

const { listFanOutCases, loadCalendar } = proxyActivities<FanOutActivities & Pick<CaseActivities, 'loadCalendar'>>({
  startToCloseTimeout: '1 minute',
  // A database outage delays the fan-out; it never skips a page.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Defaults: 100 cases a page, 20 signals in flight, continue-as-new after 5 pages (~1,000 signal events). */
export const FAN_OUT_DEFAULTS = { pageSize: 100, concurrency: 20, pagesPerRun: 5 } as const;

export interface FanOutInput {
  kind: FanOutKind;
  /** The administrative change (AdminChange id): in the workflow id and in every case's fact. */
  changeId: string;
  /** DIRECTORY: people deactivated or moved, or given a post. */
  personIds?: string[];
  /** DIRECTORY: units whose posts changed (for a move: the old and the new unit). */
  unitIds?: string[];
  /** DIRECTORY: why, as the cases record it. */
  reason?: string;
  /** Only cases whose code starts with this (ListFanOutCasesInput.codePrefix). */
  codePrefix?: string;
  /** CALENDAR: the year whose schedule changed (for people reading the history). */
  year?: number;
  pageSize?: number;
  concurrency?: number;
  pagesPerRun?: number;
  /** Set by continue-as-new only. */
  progress?: FanOutProgress;
}

export interface FanOutProgress {
  /** The last case code signalled; the next page starts after it. */
  after: string | null;
  signalled: number;
  /** Cases that closed between the listing and the signal. */
  gone: number;
  pages: number;
  runs: number;
  /** CALENDAR: the snapshot read once at the start, and when. */
  calendar?: CalendarSnapshot;
  asOf?: number;
}

export interface FanOutResult {
  kind: FanOutKind;
  changeId: string;
  signalled: number;
  gone: number;
  pages: number;
  runs: number;
}

export async function fanOutWorkflow(input: FanOutInput): Promise<FanOutResult> {
  const pageSize = input.pageSize ?? FAN_OUT_DEFAULTS.pageSize;
  const concurrency = Math.max(1, input.concurrency ?? FAN_OUT_DEFAULTS.concurrency);
  const pagesPerRun = Math.max(1, input.pagesPerRun ?? FAN_OUT_DEFAULTS.pagesPerRun);
  const p: FanOutProgress = { after: null, signalled: 0, gone: 0, pages: 0, runs: 0, ...input.progress };

  // The calendar is read once, when the change's fan-out starts: every case gets the same one.
  if (input.kind === 'CALENDAR' && !p.calendar) {
    p.calendar = await loadCalendar();
    p.asOf = Date.now();
  }

  const signal = async (t: FanOutTarget, asOf: number) => {
    const handle = getExternalWorkflowHandle(workflowIdForCase(t.code));
    try {
      if (input.kind === 'CALENDAR') {
        await handle.signal(calendarChangedSignal, { calendar: p.calendar!, changeId: input.changeId, asOf: p.asOf ?? asOf });
      } else {
        await handle.signal(directoryChangedSignal, {
          directory: t.directory ?? {},
          changeId: input.changeId,
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
          asOf,
        });
      }
      p.signalled += 1;
    } catch (err) {
      // The only way a signal to a case fails: its workflow is no longer running (it closed after the listing).
      if (!(err instanceof ApplicationFailure)) throw err;
      p.gone += 1;
      log.info('case closed before the fan-out reached it', { code: t.code, changeId: input.changeId });
    }
  };

  for (let pagesThisRun = 0; ; pagesThisRun++) {
    if (pagesThisRun >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof fanOutWorkflow>({ ...input, progress: { ...p, runs: p.runs + 1 } });
    }
    const page = await listFanOutCases({
      kind: input.kind,
      ...(input.personIds ? { personIds: input.personIds } : {}),
      ...(input.unitIds ? { unitIds: input.unitIds } : {}),
      ...(input.codePrefix ? { codePrefix: input.codePrefix } : {}),
      after: p.after,
      limit: pageSize,
    });
    for (let i = 0; i < page.cases.length; i += concurrency) {
      await Promise.all(page.cases.slice(i, i + concurrency).map((t) => signal(t, page.asOf)));
    }
    if (page.cases.length) {
      p.after = page.cases[page.cases.length - 1].code;
      p.pages += 1;
    }
    if (page.cases.length < pageSize) break;
  }
  return { kind: input.kind, changeId: input.changeId, signalled: p.signalled, gone: p.gone, pages: p.pages, runs: p.runs + 1 };
}
