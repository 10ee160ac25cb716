// A case is one workflow. Durable timers hold its windows: the workflow sleeps
// until the earliest reminder or due time among the open windows, and any human
// action (an update) wakes it to recompute. One timer at a time, never polling.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import type { CaseActivities, CaseProjection } from './activityContract';
import { CASE_ACTION_TABLE, allowedActions, type ActionDecl } from './caseActions';
import { CaseMachine, type PendingFact } from './caseMachine';
import { hazardStepsDone } from '../domain/siteSteps';
import { isDecisionWindow } from '../domain/pause';
import {
  calendarChangedSignal,
  directoryChangedSignal,
  getAllowedActionsQuery,
  getCaseStateQuery,
  type CaseState,
  type CaseWorkflowInput,
} from './messages';
import { CaseCategoryKey, CaseGridKey, CaseLevelKey, CaseOverdueKey, CaseStatusKey, CaseStreetKey } from './searchAttributes';

const { recordCase, loadCalendar } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // A database outage must not lose a fact: retry until it is back.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The same write as a local activity, for cases started with CaseOptions.recordLocally: it runs
// inside the workflow task that produced the facts (one workflow task per step instead of a
// task, an activity task and a second workflow task), but before that task is committed, so
// it is no longer used for new cases. Retries longer than the threshold wait on a durable timer.
const { recordCaseLocally } = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { deliverNotifications } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12 },
});

/** Patch ids: a change of command sequence is introduced behind one (docs/VERSIONING.md). */
const PATCH_NO_CONTINUE_WHEN_FINISHED = 'no-continue-as-new-when-finished';
// Patches, not input flags: running cases must follow the directory and the calendar too, and
// both signals are rare (a marker write per case per change is nothing next to the signal).
const PATCH_DIRECTORY_REASSIGNS = 'directory-change-reassigns';
const PATCH_CALENDAR_REPLANS = 'calendar-change-replans';

/** What a finished case workflow returns. */
export interface CaseOutcome {
  code: string;
  status: CaseState['status'];
  resolution: string | null;
  breaches: number;
  reopenCount: number;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const machine = new CaseMachine(input, Date.now());
  let woken = false;

  // A query is not recorded in history: answering more than the state replays unchanged.
  setHandler(getCaseStateQuery, () => ({ ...machine.state, ladder: machine.ladder }));
  // Each action's validator on the live state, for "what may I do here?": reads only.
  setHandler(getAllowedActionsQuery, (actor) => allowedActions(machine, actor));
  setHandler(directoryChangedSignal, (change) => {
    // A history recorded before reassignment only replaced the snapshot: it replays that way.
    if (patched(PATCH_DIRECTORY_REASSIGNS)) {
      machine.reassign(change, Date.now());
      machine.endStep();
      input = { ...input, directory: machine.directorySnapshot };
      return;
    }
    const { directory } = change;
    machine.replaceDirectory(directory);
    input = { ...input, directory: { ...input.directory, ...directory } };
  });
  setHandler(calendarChangedSignal, (change) => {
    // Only a worker of an older build could have received this signal unhandled: ignore it on replay.
    if (!patched(PATCH_CALENDAR_REPLANS)) return;
    // The timer is recomputed whenever a deadline moved; a continue-as-new reloads the calendar anyway.
    if (machine.replanCalendar(change, Date.now())) woken = true;
    machine.endStep();
    input = { ...input, calendar: machine.calendarSnapshot };
  });

  // Each update: the validator checks state and actor without changing anything;
  // the handler changes state synchronously, so an update racing a lapsing timer
  // is decided by history order and recorded once — also when both reach the worker in
  // one task, where the SDK runs the validator before the timer (guardNoLapseDue).
  const bind = <I>(a: ActionDecl<I>) => {
    setHandler(a.update, (i: I) => {
      const s = a.effect(machine, i, Date.now());
      machine.endStep();
      woken = true;
      return s;
    }, {
      // A lapse already due goes first (a validator change: rejected updates leave no history).
      validator: (i: I) => {
        machine.guardNoLapseDue(Date.now());
        a.guard(machine, i);
      },
    });
  };
  for (const a of Object.values(CASE_ACTION_TABLE) as ActionDecl<unknown>[]) bind(a);

  // The recorder persists facts in order, in batches, one activity at a time.
  let stopping = false;
  let recording = false;
  let createRow = !input.carried;
  // A continued run's first recording archives the runs before it (CaseOptions.archiveEarlierRuns).
  let archiveEarlier = Boolean(input.carried) && input.options.archiveEarlierRuns === true;
  const deliveries: string[] = [];
  // Only cases started with local recording use it (their histories must replay); the activity
  // is scheduled by a committed workflow task, so its facts are the committed execution's.
  const record = input.options.recordLocally ? recordCaseLocally : recordCase;
  const recorder = (async () => {
    for (;;) {
      await condition(() => machine.pending.length > 0 || stopping);
      if (machine.pending.length === 0) return;
      recording = true;
      const facts: PendingFact[] = machine.pending.splice(0);
      const res = await record({
        code: machine.state.code,
        ...(createRow ? { create: input.intake } : {}),
        facts,
        projection: projectionOf(machine.state),
        // Nothing can follow these facts: the recorder starts the history archiver.
        final: machine.finished,
        ...(archiveEarlier ? { archiveRunsBefore: workflowInfo().runId } : {}),
      });
      createRow = false;
      archiveEarlier = false;
      deliveries.push(...res.deliver);
      recording = false;
    }
  })();
  const courier = (async () => {
    for (;;) {
      await condition(() => deliveries.length > 0 || (stopping && !recording && machine.pending.length === 0));
      if (deliveries.length === 0) return;
      const ids = deliveries.splice(0);
      try {
        await deliverNotifications({ ids });
      } catch (err) {
        // Undelivered notifications stay in the outbox with their last error; the case goes on.
        log.warn('notifications not delivered', { ids, error: String(err) });
      }
    }
  })();

  // Operators find cases in the Temporal UI by these; the API's lists read the database.
  const attrsKey = (s: CaseState) => {
    const overdue = s.breaches.some((b) => !isDecisionWindow(b.kind)) && s.status !== 'CLOSED' && s.status !== 'SURVEYED';
    return { key: `${s.status}|${s.level}|${overdue}`, overdue };
  };
  // '' = nothing set yet; 'carried' = set by an earlier run, value unknown here. A starter
  // that set the attributes set them to REPORTED at the start level, not overdue (features/intake).
  let lastAttrs = input.carried ? 'carried' : input.options.startAttributesSet ? `REPORTED|${input.intake.startLevel}|false` : '';
  const syncSearchAttributes = () => {
    if (!input.options.searchAttributes) return;
    const s = machine.state;
    const { key, overdue } = attrsKey(s);
    if (key === lastAttrs) return;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: CaseStatusKey, value: s.status },
      { key: CaseLevelKey, value: s.level },
      { key: CaseOverdueKey, value: overdue },
    ];
    if (lastAttrs === '') {
      pairs.push(
        { key: CaseStreetKey, value: input.intake.units.streetId },
        { key: CaseGridKey, value: input.intake.units.gridId },
        { key: CaseCategoryKey, value: input.intake.categoryCode },
      );
    }
    lastAttrs = key;
    upsertSearchAttributes(pairs);
  };

  syncSearchAttributes();
  let parkedReviews = 0;
  while (!machine.finished) {
    const wake = machine.nextWakeAt();
    woken = false;
    if (wake === null) await condition(() => woken);
    else await condition(() => woken, Math.max(1, wake - Date.now()));
    const before = machine.state.lastEventSeq;
    machine.tick(Date.now());
    machine.endStep();
    syncSearchAttributes();
    if (machine.state.lastEventSeq !== before) log.info('case advanced', { status: machine.state.status, level: machine.state.level });

    // A parked case wakes for its periodic review; keep its history bounded.
    if (machine.state.status === 'LONG_TERM_PLAN' && machine.state.lastEventSeq !== before) parkedReviews += 1;
    const info = workflowInfo();
    const wantsContinue = parkedReviews > 0 || info.continueAsNewSuggested || info.historyLength > input.policy.historyEventLimit;
    // A case that has just ended completes instead of continuing into an empty run.
    // Histories recorded before this change continued; `patched` keeps them replaying.
    if (wantsContinue && !(machine.finished && patched(PATCH_NO_CONTINUE_WHEN_FINISHED))) {
      stopping = true;
      await Promise.all([recorder, courier]);
      await condition(allHandlersFinished);
      const calendar = await loadCalendar();
      return continueAsNew<typeof caseWorkflow>({
        ...input,
        calendar,
        carried: machine.carry((input.carried?.runs ?? 0) + 1),
      });
    }
  }

  stopping = true;
  await Promise.all([recorder, courier]);
  await condition(allHandlersFinished);
  const s = machine.state;
  return { code: s.code, status: s.status, resolution: s.resolution, breaches: s.breaches.length, reopenCount: s.reopenCount };
}

function projectionOf(s: CaseState): CaseProjection {
  // A paused window (domain/pause) is due nowhere until its clock runs again.
  const running = s.windows.filter((w) => w.pausedAt === undefined);
  const dueAt = running.length ? Math.min(...running.map((w) => w.dueAt)) : null;
  const closed = s.status === 'CLOSED' || s.status === 'SURVEYED';
  return {
    status: s.status,
    level: s.level,
    triage: s.triage,
    assigneeId: s.assignee.personId,
    assigneeUnitId: s.assignee.unitId,
    dueAt,
    // Overdue means the case itself missed a window; an approver's lapse is blamed on the approver only.
    overdue: s.breaches.some((b) => !isDecisionWindow(b.kind)) && !closed,
    breachCount: s.breaches.length,
    reopenCount: s.reopenCount,
    resolution: s.resolution,
    closedAt: closed ? s.updatedAt : null,
    version: s.lastEventSeq,
    ...(s.leader
      ? { leader: { personId: s.leader.personId, level: s.leader.level, since: s.leader.since, tickedOffAt: s.leader.tickedOffAt, note: s.leader.note } }
      : {}),
    ...(s.site ? { site: { arrivedAt: s.site.arrivedAt, steps: hazardStepsDone(s.site), hazardDueAt: s.site.hazardDueAt, clearedAt: s.site.clearedAt } } : {}),
  };
}
