// A case's human-readable timeline, derived from its Temporal history alone (pure: no
// server, no database). Every fact the workflow persisted travels in the input of a
// `recordCase` activity (ActivityTaskScheduled) or in the echoed input of a `recordCaseLocally`
// local activity (its MarkerRecorded; features/audit/recordedFacts), so the timeline is read from the
// very payloads the record was written from: the two cannot disagree. Updates (who acted,
// with what, and the state they returned), signals, timers and run boundaries come from
// their own history events and explain each fact.
//
// Input: the runs of one workflow (a continue-as-new chain), oldest first, as decoded
// History objects or Temporal's JSON export. Output: ordered entries, each with its actor,
// role, unit, level, time, the window it answered to and that window's due time, the
// deadlines in force afterwards, its cause, and one line of text. The deadlines are those
// the machine recorded after each step when the case records them (CaseOptions.recordWindows);
// for cases started before that, they are derived from the facts and the run's window rules.
import { defaultPayloadConverter } from '@temporalio/common';
import type { RecordCaseInput } from '../../workflows/activityContract';
import type { RecordedWindow } from '../../workflows/caseMachine';
import { addSpan } from '../../domain/calendar';
import type { CaseEventRecord, CasePolicy, CalendarSnapshot, OpenWindow, Span, WindowKind } from '../../domain/types';
import { CLOCK_FACTS, assertNever, type CaseFact, type FactData, type Retriage } from '../../domain/facts';
import { SITE_STEP_LABELS, type EvidenceRef } from '../../domain/siteSteps';
import { DELIBERATION_FORUMS, DELIBERATION_STEP_LABELS, STREAM_LABELS, VERDICT_LABELS } from '../../domain/deliberation';
import { PAUSE_REASON_LABELS } from '../../domain/pause';
import { isWindowKind, movesWithCase, windowSpan } from '../../domain/windows';
import type { CaseState, CaseWorkflowInput } from '../../workflows/messages';
import { timestampMs, toHistory, type History } from '../../platform/historyJson';
import { factsOf, recordedBatchOf } from './recordedFacts';

/** One run to read: its history (decoded or JSON) and, when known, its id. */
export interface TimelineRunInput {
  runId?: string;
  /** Position in the chain (default: position in the input; differs when older runs are gone). */
  runIndex?: number;
  history: History | unknown;
}

export interface TimelineActor {
  personId: string;
  role: string | null;
  unitId: string | null;
}

/** How a step relates to the window it names. */
export type WindowRelation = 'IN_FORCE' | 'OPENED' | 'REMINDED' | 'LAPSED';

/** A window (deadline) with its due time; dueAt is null only when the history does not show it. */
export interface TimelineWindow {
  id: string | null;
  kind: string;
  dueAt: string | null;
  level: string | null;
  unitId: string | null;
  /** Only on an entry's `window`: whether the step answered to it, opened it, was reminded of it, or saw it lapse. */
  relation?: WindowRelation;
  /**
   * True when no event of the history states this due time and it was computed from the
   * run's recorded policy and calendar (a window restarted by the clock, before any later
   * reminder, breach or action result names it). Never in a run that records its windows
   * (CaseOptions.recordWindows): there every deadline is the machine's own.
   */
  computed?: true;
}

/** Why a fact happened. */
export type TimelineCause =
  | { kind: 'INTAKE' }
  /** A person's action: a workflow update, accepted and applied at the fact's time. */
  | { kind: 'ACTION'; update: string; updateId: string; eventId: number }
  /** The workflow's timer woke it (a reminder or a lapse); timerId null when no timer event matches. */
  | { kind: 'CLOCK'; timerId: string | null; firedEventId: number | null }
  /** Follows from the fact before it, in the same workflow task (e.g. an escalation after a breach). */
  | { kind: 'CONSEQUENCE'; ofSeq: number; root: TimelineCause | null };

export type TimelineEntryKind = 'RUN' | 'FACT' | 'SIGNAL' | 'ACTION_FAILED' | 'ACTION_WITHOUT_FACT';

/** The case as the recorder stored it after the batch of facts holding this one. */
export interface RecordedProjection {
  status: string;
  level: string;
  assigneeId: string | null;
  assigneeUnitId: string | null;
  /** The earliest deadline in force. */
  dueAt: string | null;
  overdue: boolean;
  breachCount: number;
  reopenCount: number;
  resolution: string | null;
}

export interface TimelineEntry {
  /** Position in the timeline, from 1. */
  n: number;
  /** ISO instant (UTC). */
  at: string;
  /** The same instant in the case's time zone, for people. */
  local: string;
  kind: TimelineEntryKind;
  /** Fact type (ACCEPTED, BREACHED…), signal or update name, or the run event (RUN_STARTED, CONTINUED_AS_NEW, COMPLETED…). */
  type: string;
  /** The fact's sequence number in the case (FACT entries). */
  seq: number | null;
  runIndex: number;
  runId: string;
  /** The history event the entry was read from (for a fact: the recordCase ActivityTaskScheduled or recordCaseLocally marker). */
  eventId: number;
  actor: TimelineActor | null;
  unitId: string | null;
  level: string | null;
  /** The window this step answered to, opened, was reminded of or saw lapse, with its due time. */
  window: TimelineWindow | null;
  /** Whether the step came before the due time of `window` (null when not applicable). */
  onTime: boolean | null;
  /** Deadlines in force right after this step (null in the middle of a multi-fact action). */
  deadlines: TimelineWindow[] | null;
  cause: TimelineCause | null;
  after: RecordedProjection | null;
  /** The recording carrying this fact completed (the fact is in the database). */
  persisted: boolean | null;
  text: string;
  data: Record<string, unknown>;
}

export interface TimelineRun {
  runIndex: number;
  runId: string;
  workflowType: string;
  startedAt: string;
  closedAt: string | null;
  /** How the run ended: COMPLETED, CONTINUED_AS_NEW, TERMINATED, FAILED, TIMED_OUT, CANCELED, or RUNNING. */
  status: string;
  eventCount: number;
  /** First and last fact seq recorded in this run (null when none). */
  seqs: [number, number] | null;
}

export interface TimelineIntake {
  code: string;
  channel: string;
  categoryCode: string;
  categoryName: string;
  triage: string;
  urgent: boolean;
  startLevel: string;
  units: Record<string, string>;
  address: string | null;
  description: string;
  reportedAt: string;
}

export interface Timeline {
  workflowId: string | null;
  workflowType: string;
  /** Case code (case workflows only). */
  code: string | null;
  /** UTC offset of the case calendar, used for `local` (minutes). */
  utcOffsetMinutes: number;
  intake: TimelineIntake | null;
  runs: TimelineRun[];
  entries: TimelineEntry[];
  /** How many distinct facts the history's recordCase inputs hold. */
  facts: number;
  /** The last run's result when it completed (the workflow's return value). */
  outcome: unknown;
  /** Anything odd found while reading (a seq gap, a fact recorded twice with different content…). */
  warnings: string[];
}

// ---- reading the history --------------------------------------------------------

type HistoryEvent = NonNullable<History['events']>[number];
type Payloads = { payloads?: Array<unknown> | null } | null | undefined;

interface TrackedWindow {
  id: string | null;
  kind: string;
  dueAt: number | null;
  level: string | null;
  unitId: string | null;
  refId: string | null;
  computed: boolean;
}

/** What a run's input says about spans and the calendar (to compute a restarted window's due time). */
interface RunRules {
  policy: CasePolicy | null;
  calendar: CalendarSnapshot | null;
  /**
   * The run's recordings carry the windows in force after each step (CaseOptions.recordWindows):
   * its deadlines are read from them, never derived from the policy and calendar.
   */
  windowsRecorded: boolean;
}

interface UpdateRecord {
  id: string;
  name: string;
  input: Record<string, unknown>;
  actor: TimelineActor | null;
  appliedAt: number;
  eventId: number;
  runIndex: number;
  runId: string;
  state: CaseState | null;
  failure: string | null;
  linked: number;
}

interface FactRecord {
  event: CaseEventRecord;
  /** The event read as a typed fact; null for a type this code does not know. */
  fact: CaseFact | null;
  runIndex: number;
  runId: string;
  eventId: number;
  scheduledEventId: number;
  projection: RecordCaseInput['projection'] | null;
  /** The windows in force after the step this fact ends, as the machine recorded them (CaseOptions.recordWindows). */
  windowsAfter: RecordedWindow[] | null;
}

interface FiredTimer {
  timerId: string;
  eventId: number;
  /** Time of the workflow task that received it (= the workflow clock of the facts it caused). */
  taskAt: number | null;
  runIndex: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : v == null ? 0 : Number(String(v)));

function decode<T>(payloads: Payloads, index = 0): T | undefined {
  const p = payloads?.payloads?.[index];
  if (!p) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<T>(p as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);
  } catch {
    return undefined;
  }
}

function actorOf(v: unknown): TimelineActor | null {
  const a = v as { personId?: unknown; role?: unknown; unitId?: unknown } | undefined;
  if (!a || typeof a.personId !== 'string') return null;
  return { personId: a.personId, role: typeof a.role === 'string' ? a.role : null, unitId: typeof a.unitId === 'string' ? a.unitId : null };
}

const CLOSE_TYPES: Array<[keyof HistoryEvent, string]> = [
  ['workflowExecutionCompletedEventAttributes', 'COMPLETED'],
  ['workflowExecutionContinuedAsNewEventAttributes', 'CONTINUED_AS_NEW'],
  ['workflowExecutionTerminatedEventAttributes', 'TERMINATED'],
  ['workflowExecutionFailedEventAttributes', 'FAILED'],
  ['workflowExecutionTimedOutEventAttributes', 'TIMED_OUT'],
  ['workflowExecutionCanceledEventAttributes', 'CANCELED'],
];

const isClockFact = (f: CaseFact | null): boolean => f !== null && CLOCK_FACTS.has(f.type);

/** Derive the timeline of one workflow from its runs, oldest first. */
export function deriveTimeline(input: TimelineRunInput[] | History | unknown, opts: { workflowId?: string } = {}): Timeline {
  const runInputs: TimelineRunInput[] = Array.isArray(input) ? input : [{ history: input }];
  const warnings: string[] = [];
  const runs: TimelineRun[] = [];
  const runEntries: Array<Omit<TimelineEntry, 'n' | 'local'> & { atMs: number; order: number }> = [];
  const updates: UpdateRecord[] = [];
  const facts = new Map<number, FactRecord>();
  const completedActivities = new Set<string>();
  const fired: FiredTimer[] = [];
  let workflowType = '';
  let caseInput: CaseWorkflowInput | null = null;
  let outcome: unknown = null;
  const carriedWindows = new Map<number, OpenWindow[]>();
  const rules = new Map<number, RunRules>();

  runInputs.forEach((run, position) => {
    const runIndex = run.runIndex ?? position;
    const history = toHistory(run.history);
    const events = history.events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    if (!started) throw new TypeError(`run ${runIndex}: a history must begin with WorkflowExecutionStarted`);
    const runId = run.runId ?? started.originalExecutionRunId ?? `run-${runIndex}`;
    const type = started.workflowType?.name ?? '';
    if (position === 0) workflowType = type;
    const wftTime = new Map<number, number>();
    let lastTaskAt: number | null = null;
    let pendingFired: FiredTimer[] = [];
    let minSeq: number | null = null;
    let maxSeq: number | null = null;
    let status = 'RUNNING';
    let closedAt: number | null = null;

    const startInput = decode<CaseWorkflowInput>(started.input);
    if (type === 'caseWorkflow' && startInput?.intake) {
      if (!caseInput) caseInput = startInput;
      if (startInput.carried?.state?.windows) carriedWindows.set(runIndex, startInput.carried.state.windows);
      rules.set(runIndex, { policy: startInput.policy ?? null, calendar: startInput.calendar ?? null, windowsRecorded: startInput.options?.recordWindows === true });
    }
    const at0 = timestampMs(events[0].eventTime);
    runEntries.push({
      ...emptyEntry(),
      atMs: at0,
      order: 0,
      at: iso(at0),
      kind: 'RUN',
      type: 'RUN_STARTED',
      runIndex,
      runId,
      eventId: num(events[0].eventId),
      data: {
        workflowType: type,
        continuedFromRunId: started.continuedExecutionRunId || null,
        ...(startInput?.carried ? { carriedRuns: startInput.carried.runs, carriedSeq: startInput.carried.seq } : {}),
      },
      text: started.continuedExecutionRunId
        ? `run ${runIndex} starts (continued as new from run ${runIndex - 1}, carrying the case state)`
        : `run ${runIndex} starts (${type})`,
    });

    for (const e of events) {
      const eventId = num(e.eventId);
      const at = timestampMs(e.eventTime);
      if (e.workflowTaskStartedEventAttributes) {
        wftTime.set(eventId, at);
        lastTaskAt = at;
        for (const t of pendingFired) t.taskAt = at;
        pendingFired = [];
      } else if (e.workflowTaskCompletedEventAttributes) {
        const startedId = num(e.workflowTaskCompletedEventAttributes.startedEventId);
        lastTaskAt = wftTime.get(startedId) ?? lastTaskAt;
      } else if (e.timerFiredEventAttributes) {
        const t: FiredTimer = { timerId: e.timerFiredEventAttributes.timerId ?? '', eventId, taskAt: null, runIndex };
        fired.push(t);
        pendingFired.push(t);
      } else if (e.workflowExecutionSignaledEventAttributes) {
        const s = e.workflowExecutionSignaledEventAttributes;
        const arg = decode<Record<string, unknown>>(s.input) ?? {};
        runEntries.push({
          ...emptyEntry(),
          atMs: at,
          order: 1,
          at: iso(at),
          kind: 'SIGNAL',
          type: s.signalName ?? 'signal',
          runIndex,
          runId,
          eventId,
          data: { ...arg, identity: s.identity ?? null },
          text: signalText(s.signalName ?? 'signal', arg),
        });
      } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        const u = e.workflowExecutionUpdateAcceptedEventAttributes;
        const req = u.acceptedRequest;
        const arg = decode<Record<string, unknown>>(req?.input?.args) ?? {};
        updates.push({
          id: req?.meta?.updateId ?? u.protocolInstanceId ?? '',
          name: req?.input?.name ?? '',
          input: arg,
          actor: actorOf(arg.actor),
          // The update ran in the workflow task whose completion precedes this event.
          appliedAt: lastTaskAt ?? at,
          eventId,
          runIndex,
          runId,
          state: null,
          failure: null,
          linked: 0,
        });
      } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
        const c = e.workflowExecutionUpdateCompletedEventAttributes;
        const u = updates.find((x) => x.id === c.meta?.updateId);
        if (u) {
          if (c.outcome?.success) u.state = decode<CaseState>(c.outcome.success) ?? null;
          else u.failure = c.outcome?.failure?.message ?? 'failed';
        }
      } else if (e.activityTaskScheduledEventAttributes || e.markerRecordedEventAttributes) {
        const batch = recordedBatchOf(e);
        if (!batch) continue;
        const rec = batch.input;
        // A local activity's marker exists only once the write succeeded.
        if (batch.stored) completedActivities.add(`${runIndex}:${eventId}`);
        for (const f of factsOf(batch)) {
          const seq = f.event.seq;
          minSeq = minSeq === null ? seq : Math.min(minSeq, seq);
          maxSeq = maxSeq === null ? seq : Math.max(maxSeq, seq);
          const prev = facts.get(seq);
          if (prev) {
            if (JSON.stringify(prev.event) !== JSON.stringify(f.event)) warnings.push(`fact ${seq} was recorded twice with different content (events ${prev.eventId} and ${eventId})`);
            continue;
          }
          facts.set(seq, { event: f.event, fact: f.fact, runIndex, runId, eventId, scheduledEventId: eventId, projection: rec.projection ?? null, windowsAfter: f.windowsAfter });
        }
      } else if (e.activityTaskCompletedEventAttributes) {
        completedActivities.add(`${runIndex}:${num(e.activityTaskCompletedEventAttributes.scheduledEventId)}`);
      } else {
        for (const [key, name] of CLOSE_TYPES) {
          const attrs = e[key] as Record<string, unknown> | null | undefined;
          if (!attrs) continue;
          status = name;
          closedAt = at;
          const result = name === 'COMPLETED' ? decode<unknown>((attrs as { result?: Payloads }).result) : undefined;
          if (name === 'COMPLETED') outcome = result ?? null;
          runEntries.push({
            ...emptyEntry(),
            atMs: at,
            order: 3,
            at: iso(at),
            kind: 'RUN',
            type: name,
            runIndex,
            runId,
            eventId,
            data: closeData(name, attrs, result),
            text: closeText(runIndex, name, attrs, result),
          });
        }
      }
    }
    runs.push({
      runIndex,
      runId,
      workflowType: type,
      startedAt: iso(at0),
      closedAt: closedAt === null ? null : iso(closedAt),
      status,
      eventCount: events.length,
      seqs: minSeq === null || maxSeq === null ? null : [minSeq, maxSeq],
    });
  });

  // ---- facts, in seq order: cause, window, deadlines ------------------------------
  const ordered = [...facts.values()].sort((a, b) => a.event.seq - b.event.seq);
  ordered.forEach((f, i) => {
    if (i > 0 && f.event.seq !== ordered[i - 1].event.seq + 1) warnings.push(`facts ${ordered[i - 1].event.seq + 1}…${f.event.seq - 1} are missing`);
  });
  if (ordered.length && ordered[0].event.seq !== 1 && !runs[0]?.seqs) warnings.push(`the first fact is ${ordered[0].event.seq}`);

  // Which update produced each actor's fact: same actor, applied at the fact's time,
  // and (when its result is known) a result that already includes the fact.
  const updateOf = (f: FactRecord): UpdateRecord | null => {
    const e = f.event;
    const candidates = updates.filter(
      (u) => u.actor?.personId === e.actorId && u.appliedAt === e.at && (u.state === null || u.state.lastEventSeq >= e.seq),
    );
    candidates.sort((a, b) => (a.state?.lastEventSeq ?? Infinity) - (b.state?.lastEventSeq ?? Infinity));
    return candidates[0] ?? null;
  };
  const timerOf = (f: FactRecord): FiredTimer | null => fired.find((t) => t.runIndex === f.runIndex && t.taskAt === f.event.at) ?? null;

  // Where windows are recorded, the windows after the step each fact belongs to: its own, or
  // those of the next fact of its run that ends a step (a fact in the middle of a step, e.g.
  // an escalation followed by the leaders' list, names a window that step opened).
  const stepEnd = new Map<number, RecordedWindow[]>();
  let following: { runIndex: number; windows: RecordedWindow[] } | null = null;
  for (let i = ordered.length - 1; i >= 0; i--) {
    const f = ordered[i];
    if (f.windowsAfter) following = { runIndex: f.runIndex, windows: f.windowsAfter };
    else if (following && following.runIndex !== f.runIndex) following = null;
    if (following) stepEnd.set(f.event.seq, following.windows);
  }

  let windows: TrackedWindow[] = [];
  let windowsKnown = false;
  let currentRun = -1;
  type FactEntry = Omit<TimelineEntry, 'n' | 'local' | 'window' | 'deadlines'> & {
    atMs: number;
    order: number;
    fact: CaseFact | null;
    win: TrackedWindow | null;
    relation: WindowRelation;
    deadlineRefs: TrackedWindow[] | null;
  };
  const factEntries: FactEntry[] = [];
  let prev: { fact: FactRecord; cause: TimelineCause | null } | null = null;

  for (const f of ordered) {
    const e = f.event;
    const fact = f.fact;
    const prevFact = prev?.fact.fact ?? null;
    const data = (e.data ?? {}) as Record<string, unknown>;
    if (f.runIndex !== currentRun) {
      currentRun = f.runIndex;
      const carried = carriedWindows.get(f.runIndex);
      if (carried) {
        windows = carried.map(tracked);
        windowsKnown = true;
      }
    }
    const runRules = rules.get(f.runIndex) ?? { policy: null, calendar: null, windowsRecorded: false };

    // Cause.
    let cause: TimelineCause | null = null;
    let update: UpdateRecord | null = null;
    const prevRoot = prev?.cause?.kind === 'CONSEQUENCE' ? prev.cause.root : prev?.cause ?? null;
    if (fact?.type === 'REPORTED') {
      cause = { kind: 'INTAKE' };
    } else if (fact?.type === 'EVIDENCE_UPLOADED' && prevRoot?.kind === 'INTAKE' && prev!.fact.event.at === e.at) {
      // A file sent with the report (CaseIntake.files): recorded in the intake step, by the reporter, with no update.
      cause = { kind: 'INTAKE' };
    } else if (e.actorId) {
      update = updateOf(f);
      if (update) {
        update.linked += 1;
        cause = { kind: 'ACTION', update: update.name, updateId: update.id, eventId: update.eventId };
      }
    } else if (!isClockFact(fact) && prev && prev.fact.event.at === e.at) {
      cause = { kind: 'CONSEQUENCE', ofSeq: prev.fact.event.seq, root: prev.cause?.kind === 'CONSEQUENCE' ? prev.cause.root : prev.cause };
    } else {
      const t = timerOf(f);
      if (t || isClockFact(fact)) cause = { kind: 'CLOCK', timerId: t?.timerId ?? null, firedEventId: t?.eventId ?? null };
    }

    // Evidence of due times first (a reminder or breach names its window), then the window
    // the step names as it stood before the step, then the windows after it.
    if ((fact?.type === 'REMINDED' || fact?.type === 'BREACHED') && typeof fact.data.windowId === 'string' && typeof fact.data.dueAt === 'number') {
      fill(windows, fact.data.windowId, String(fact.data.kind), fact.data.dueAt, warnings);
    }
    // The action this fact belongs to: its own update, or the update whose fact it follows from.
    const root = cause?.kind === 'CONSEQUENCE' ? cause.root : cause;
    const owner = update ?? (root?.kind === 'ACTION' ? updates.find((u) => u.id === root.updateId) ?? null : null);
    let { window: win, relation } = fact ? windowOfFact(fact, windows, prevFact) : { window: null, relation: 'IN_FORCE' as WindowRelation };

    let deadlineRefs: TrackedWindow[] | null;
    if (runRules.windowsRecorded) {
      // The machine's own record: exact after the last fact of a step, none in its middle.
      if (f.windowsAfter) {
        windows = f.windowsAfter.map(tracked);
        windowsKnown = true;
      }
      deadlineRefs = f.windowsAfter ? [...windows] : null;
    } else {
      if (fact?.type === 'REPORTED') {
        windows = (fact.data.windows ?? []).map((w) => ({
          id: null,
          kind: w.kind,
          dueAt: w.dueAt,
          level: e.level ?? null,
          unitId: e.unitId ?? null,
          refId: null,
          computed: false,
        }));
        windowsKnown = true;
      } else if (fact) {
        windows = applyFact(windows, fact, prevFact, runRules);
      }
      const endsUpdate = owner?.state != null && owner.state.lastEventSeq === e.seq;
      if (endsUpdate) {
        // An update's result is the exact state after its last fact.
        const exact = owner!.state!.windows;
        for (const w of windows) fillFromExact(w, exact, warnings);
        windows = exact.map(tracked);
        windowsKnown = true;
        deadlineRefs = [...windows];
      } else if (owner?.state) {
        deadlineRefs = null; // in the middle of one action
      } else {
        deadlineRefs = windowsKnown ? [...windows] : null;
      }
    }

    // An escalation is shown with the window it leaves running at the new level.
    const recordedAfter = stepEnd.get(e.seq);
    const afterStep = runRules.windowsRecorded && recordedAfter && !f.windowsAfter ? recordedAfter.map(tracked) : windows;
    if (fact?.type === 'ESCALATED') {
      const lapsedKind = prevFact?.type === 'BREACHED' ? prevFact.data.kind : undefined;
      const w =
        fact.data.cause === 'BREACH'
          ? [...afterStep].reverse().find((x) => x.kind === lapsedKind && x.level === fact.data.to) ?? null
          : afterStep.find((x) => movesWithCase(x.kind)) ?? null;
      if (w) [win, relation] = [w, fact.data.cause === 'BREACH' ? 'OPENED' : 'IN_FORCE'];
    } else if (fact?.type === 'EXTENSION_ESCALATED') {
      win = afterStep.find((x) => x.kind === 'EXTENSION_DECISION' && x.refId === fact.data.requestId) ?? null;
    }
    const onTime = fact === null || fact.type === 'ESCALATED' ? null : onTimeOf(fact, win, relation);

    const p = f.projection;
    factEntries.push({
      ...emptyEntry(),
      atMs: e.at,
      order: 2,
      at: iso(e.at),
      kind: 'FACT',
      type: e.type,
      seq: e.seq,
      runIndex: f.runIndex,
      runId: f.runId,
      eventId: f.eventId,
      actor: e.actorId ? { personId: e.actorId, role: e.actorRole ?? null, unitId: update?.actor?.unitId ?? e.unitId ?? null } : null,
      unitId: e.unitId ?? null,
      level: e.level ?? null,
      onTime,
      cause,
      after: p
        ? {
            status: p.status,
            level: p.level,
            assigneeId: p.assigneeId,
            assigneeUnitId: p.assigneeUnitId,
            dueAt: p.dueAt === null ? null : iso(p.dueAt),
            overdue: p.overdue,
            breachCount: p.breachCount,
            reopenCount: p.reopenCount,
            resolution: p.resolution,
          }
        : null,
      persisted: completedActivities.has(`${f.runIndex}:${f.scheduledEventId}`),
      data,
      text: '',
      fact,
      win,
      relation,
      deadlineRefs,
    });
    prev = { fact: f, cause };
  }

  // Updates accepted but not reflected in any fact (none expected), and failed ones.
  for (const u of updates) {
    if (u.failure !== null || u.linked === 0) {
      runEntries.push({
        ...emptyEntry(),
        atMs: u.appliedAt,
        order: 2.5,
        at: iso(u.appliedAt),
        kind: u.failure !== null ? 'ACTION_FAILED' : 'ACTION_WITHOUT_FACT',
        type: u.name,
        runIndex: u.runIndex,
        runId: u.runId,
        eventId: u.eventId,
        actor: u.actor,
        unitId: u.actor?.unitId ?? null,
        cause: { kind: 'ACTION', update: u.name, updateId: u.id, eventId: u.eventId },
        data: u.input,
        text: u.failure !== null ? `${u.name} failed: ${u.failure}` : `${u.name} accepted; it recorded no fact`,
      });
    }
  }

  // ---- assemble ------------------------------------------------------------------
  const offset = (caseInput as CaseWorkflowInput | null)?.calendar?.utcOffsetMinutes ?? 0;
  type Sortable = { atMs: number; runIndex: number; order: number; seq: number | null; eventId: number };
  const all: Array<Sortable & { build: (n: number) => TimelineEntry }> = [
    ...runEntries.map((x) => {
      const { atMs, order, ...rest } = x;
      return { atMs, runIndex: x.runIndex, order, seq: x.seq, eventId: x.eventId, build: (n: number): TimelineEntry => ({ ...rest, n, local: localTime(atMs, offset) }) };
    }),
    ...factEntries.map((x) => {
      const { atMs, order, fact, win, relation, deadlineRefs, ...rest } = x;
      return {
        atMs,
        runIndex: x.runIndex,
        order,
        seq: x.seq,
        eventId: x.eventId,
        build: (n: number): TimelineEntry => {
          // Views are taken now, after every later fill of an unknown due time.
          const entry: TimelineEntry = {
            ...rest,
            n,
            local: localTime(atMs, offset),
            window: win ? { ...windowView(win), relation } : null,
            deadlines: deadlineRefs ? deadlineRefs.map(windowView) : null,
          };
          entry.text = factText(entry, fact, offset);
          return entry;
        },
      };
    }),
  ];
  // Runs follow each other (a chain never overlaps), then time within a run; at one instant
  // the run's start, signals, facts by seq, then its close.
  all.sort((a, b) => a.runIndex - b.runIndex || a.atMs - b.atMs || a.order - b.order || (a.seq ?? 0) - (b.seq ?? 0) || a.eventId - b.eventId);
  const entries = all.map((x, i) => x.build(i + 1));

  const intake = (caseInput as CaseWorkflowInput | null)?.intake;
  return {
    workflowId: opts.workflowId ?? intake?.code ?? null,
    workflowType,
    code: intake?.code ?? null,
    utcOffsetMinutes: offset,
    intake: intake
      ? {
          code: intake.code,
          channel: intake.channel,
          categoryCode: intake.categoryCode,
          categoryName: intake.categoryName,
          triage: intake.triage,
          urgent: intake.urgent,
          startLevel: intake.startLevel,
          units: { ...intake.units },
          address: intake.address ?? null,
          description: intake.description,
          reportedAt: iso(intake.reportedAt),
        }
      : null,
    runs,
    entries,
    facts: facts.size,
    outcome,
    warnings,
  };
}

function emptyEntry(): Omit<TimelineEntry, 'n' | 'local' | 'at' | 'kind' | 'type' | 'runIndex' | 'runId' | 'eventId' | 'text' | 'data'> {
  return { seq: null, actor: null, unitId: null, level: null, window: null, onTime: null, deadlines: null, cause: null, after: null, persisted: null };
}

// ---- windows ---------------------------------------------------------------------

function tracked(w: OpenWindow | RecordedWindow): TrackedWindow {
  return { id: w.id, kind: w.kind, dueAt: w.dueAt, level: w.level, unitId: w.unitId, refId: w.refId ?? null, computed: false };
}

function windowView(w: TrackedWindow): TimelineWindow {
  return {
    id: w.id,
    kind: w.kind,
    dueAt: w.dueAt === null ? null : iso(w.dueAt),
    level: w.level,
    unitId: w.unitId,
    ...(w.computed ? { computed: true as const } : {}),
  };
}

/**
 * Later evidence (a reminder or breach fact) names a window's id and due time: complete the
 * tracked window it belongs to. This mutates the shared object on purpose, so earlier
 * entries that showed the window with an unknown or computed due time show the recorded one.
 */
function fill(windows: TrackedWindow[], id: string, kind: string, dueAt: number, warnings: string[]): void {
  const w =
    windows.find((x) => x.id === id) ??
    windows.find((x) => (x.id === null || x.computed) && x.kind === kind && (x.dueAt === null || x.computed || x.dueAt === dueAt));
  if (!w) return;
  if (w.computed && w.dueAt !== null && w.dueAt !== dueAt) warnings.push(`window ${id}: computed due ${iso(w.dueAt)}, recorded ${iso(dueAt)}`);
  w.id = id;
  if (w.dueAt === null || w.computed) w.dueAt = dueAt;
  w.computed = false;
}

/** Complete a tracked window from an update's exact result (same id, or same kind and reference). */
function fillFromExact(w: TrackedWindow, exact: OpenWindow[], warnings: string[]): void {
  if (w.dueAt !== null && w.id !== null && !w.computed) return;
  const match = exact.find((x) => (w.id !== null ? x.id === w.id : x.kind === w.kind && x.level === w.level && (w.refId === null || x.refId === w.refId)));
  if (match) fill([w], match.id, match.kind, match.dueAt, warnings);
}

const byKind = (windows: TrackedWindow[], kind: string, refId?: unknown) =>
  windows.find((w) => w.kind === kind && (refId === undefined || w.refId === refId)) ?? null;

function fixed(kind: string, dueAt: unknown, e: CaseEventRecord, o: { id?: unknown; unitId?: unknown; level?: unknown } = {}): TrackedWindow | null {
  if (typeof dueAt !== 'number') return null;
  return {
    id: typeof o.id === 'string' ? o.id : null,
    kind,
    dueAt,
    level: typeof o.level === 'string' ? o.level : e.level ?? null,
    unitId: typeof o.unitId === 'string' ? o.unitId : e.unitId ?? null,
    refId: null,
    computed: false,
  };
}

/** The span a window kind runs for under a policy (the case machine's own rule), or null for an unknown kind. */
function spanOf(kind: string, policy: CasePolicy): Span | null {
  return isWindowKind(kind) ? windowSpan(kind, policy) : null;
}

function computeDue(kind: string, from: number, rules: RunRules): number | null {
  const span = rules.policy ? spanOf(kind, rules.policy) : null;
  if (!span || !rules.calendar) return null;
  try {
    return addSpan(from, span, rules.calendar);
  } catch {
    return null;
  }
}

/** The window a fact names, from its own data first, else from the windows in force before it. */
function windowOfFact(e: CaseFact, before: TrackedWindow[], prev: CaseFact | null): { window: TrackedWindow | null; relation: WindowRelation } {
  const inForce = (w: TrackedWindow | null) => ({ window: w, relation: 'IN_FORCE' as const });
  const opened = (w: TrackedWindow | null) => ({ window: w, relation: 'OPENED' as const });
  switch (e.type) {
    case 'REPORTED': {
      const first = e.data.windows?.[0];
      return opened(first ? fixed(first.kind, first.dueAt, e) : null);
    }
    case 'ACCEPTED':
      return inForce(fixed('ACCEPT', e.data.windowDueAt, e) ?? byKind(before, 'ACCEPT'));
    case 'RESPONDED':
    case 'GUIDANCE_GIVEN':
      return inForce(fixed('RESPONSE', e.data.windowDueAt, e) ?? byKind(before, 'RESPONSE'));
    case 'REMINDED':
      return { window: fixed(String(e.data.kind), e.data.dueAt, e, { id: e.data.windowId }), relation: 'REMINDED' };
    case 'BREACHED':
      return { window: fixed(String(e.data.kind), e.data.dueAt, e, { id: e.data.windowId }), relation: 'LAPSED' };
    case 'ESCALATED':
      if (e.data.cause === 'BREACH' && prev?.type === 'BREACHED') {
        return { window: fixed(String(prev.data.kind), prev.data.dueAt, prev, { id: prev.data.windowId }), relation: 'LAPSED' };
      }
      return inForce(before.find((w) => movesWithCase(w.kind)) ?? null);
    case 'DEPARTMENT_CALLED':
      return opened(fixed('REPORT', e.data.reportBy, e, { unitId: e.data.departmentId }));
    // The command center sent the case down (派单): a fresh accept window at the new holder.
    case 'SENT_DOWN':
      return opened(fixed('ACCEPT', e.data.acceptDueAt, e));
    case 'DEPARTMENT_REPORTED': {
      // Lateness is judged against the time the caller named (the call's reportBy), whichever
      // level presses the department now.
      const w = fixed('REPORT', e.data.reportBy, e, { unitId: e.unitId });
      if (w) w.level = byKind(before, 'REPORT', e.data.callId)?.level ?? null;
      return inForce(w);
    }
    case 'EVIDENCE_UPLOADED':
    case 'RESULT_SUBMITTED':
    case 'DEPARTMENT_RESULT':
    case 'EXTENSION_REQUESTED':
      return inForce(byKind(before, 'COMPLETION'));
    case 'REVIEW_REQUESTED':
      return inForce(fixed('COMPLETION', e.data.windowDueAt, e, { level: e.data.handlerLevel, unitId: e.data.handlerUnitId }) ?? byKind(before, 'COMPLETION'));
    case 'REVIEWED_CLOSED':
    case 'REVIEW_RETURNED':
      return inForce(byKind(before, 'REVIEW'));
    case 'CLOSED':
      return e.data.surveyDueAt != null
        ? opened(fixed('SURVEY', e.data.surveyDueAt, e, { level: 'COMMAND_CENTER' }))
        : inForce(fixed('COMPLETION', e.data.completionDueAt, e, { level: e.data.handlerLevel, unitId: e.data.handlerUnitId }));
    case 'LONG_TERM_PLANNED':
      return opened(fixed('PLAN_REVIEW', e.data.nextReviewAt, e));
    case 'PLAN_REVIEW_DUE':
      return { window: byKind(before, 'PLAN_REVIEW'), relation: 'LAPSED' };
    case 'PLAN_RESUMED':
    case 'REOPENED':
      return opened(fixed('COMPLETION', e.data.completionDueAt, e));
    case 'EXTENSION_APPROVED':
    case 'EXTENSION_REJECTED':
      return inForce(byKind(before, 'EXTENSION_DECISION', e.data.requestId));
    case 'EXTENSION_ESCALATED':
      // Opened by the clock just before this fact (applyFact adds it); shown from the windows after.
      return { window: null, relation: 'OPENED' };
    case 'SURVEY_RECORDED':
      return inForce(byKind(before, 'SURVEY'));
    case 'SURVEY_UNREACHABLE':
      return { window: byKind(before, 'SURVEY'), relation: 'LAPSED' };
    case 'LEADER_LISTED':
    case 'REASSIGNED':
    case 'CALENDAR_REPLANNED':
    // A leader's list and supervision (催办/通报) are not case windows: their deadlines are in their data.
    case 'LEADER_ASSIGNED':
    case 'LEADER_TICKED_OFF':
    case 'URGED':
    case 'URGE_REPLIED':
    case 'URGE_NOTICED':
    case 'DELIBERATION_STEP':
      return { window: null, relation: 'IN_FORCE' };
    // A clock pause (CasePolicy.pause) names the window it stops or restarts; its decision window is in the windows after.
    case 'PAUSE_REQUESTED':
    case 'PAUSE_APPROVED':
    case 'PAUSE_ENDED':
      return inForce(byKind(before, e.data.windowKind));
    case 'PAUSE_REJECTED':
      return inForce(byKind(before, 'PAUSE_DECISION', e.data.pauseId));
    case 'PAUSE_ESCALATED':
      return { window: null, relation: 'OPENED' };
    // An arrival that met the urgent on-site window (CasePolicy.site) closed it; other steps name none.
    case 'SITE_STEP':
      return e.data.onSite ? inForce(byKind(before, 'ON_SITE')) : { window: null, relation: 'IN_FORCE' };
    default:
      return assertNever(e, 'fact');
  }
}

function onTimeOf(e: CaseFact, w: TrackedWindow | null, relation: WindowRelation): boolean | null {
  // The machine's own verdict when it recorded one (Timing), else the department's lateness.
  const recorded = 'onTime' in e.data ? e.data.onTime : undefined;
  if (typeof recorded === 'boolean') return recorded;
  if (e.type === 'DEPARTMENT_REPORTED' && typeof e.data.late === 'boolean') return !e.data.late;
  if (relation === 'LAPSED') return false;
  if (relation !== 'IN_FORCE' || !w || w.dueAt === null) return null;
  return e.at <= w.dueAt;
}

/**
 * The windows in force after a clock-driven fact, as far as its data says (update results
 * give exact states). Returns a new list; windows that change are replaced, not mutated,
 * so earlier entries keep what they showed.
 */
function applyFact(windows: TrackedWindow[], e: CaseFact, prev: CaseFact | null, rules: RunRules): TrackedWindow[] {
  switch (e.type) {
    case 'BREACHED':
      return windows.filter((w) => w.id !== e.data.windowId);
    case 'ESCALATED': {
      const to = String(e.data.to);
      // The case's own windows move to the new level with the case.
      const next = windows.map((w) => (movesWithCase(w.kind) ? { ...w, level: to, unitId: e.unitId ?? w.unitId } : w));
      // A lapsed window restarts in full at the new level, from its old due time.
      if (e.data.cause === 'BREACH' && prev?.type === 'BREACHED') {
        const kind = String(prev.data.kind);
        const dueAt = typeof prev.data.dueAt === 'number' ? computeDue(kind, prev.data.dueAt, rules) : null;
        next.push({ id: null, kind, dueAt, level: to, unitId: kind === 'REPORT' ? prev.unitId ?? null : e.unitId ?? null, refId: null, computed: dueAt !== null });
      }
      return next;
    }
    case 'EXTENSION_ESCALATED': {
      const dueAt = computeDue('EXTENSION_DECISION', e.at, rules);
      return [
        ...windows.filter((w) => !(w.kind === 'EXTENSION_DECISION' && w.refId === e.data.requestId)),
        { id: null, kind: 'EXTENSION_DECISION', dueAt, level: String(e.data.approverLevel), unitId: e.unitId ?? null, refId: String(e.data.requestId), computed: dueAt !== null },
      ];
    }
    case 'PAUSE_ESCALATED': {
      const dueAt = computeDue('PAUSE_DECISION', e.at, rules);
      return [
        ...windows.filter((w) => !(w.kind === 'PAUSE_DECISION' && w.refId === e.data.pauseId)),
        { id: null, kind: 'PAUSE_DECISION', dueAt, level: String(e.data.approverLevel), unitId: e.unitId ?? null, refId: String(e.data.pauseId), computed: dueAt !== null },
      ];
    }
    case 'PAUSE_ENDED': {
      // The paused window's due time moved by the paused time (a planned end is recorded by the clock).
      const { windowId, toDueAt } = e.data;
      return windows.map((w) => (w.id === windowId ? { ...w, dueAt: toDueAt, computed: false } : w));
    }
    case 'PLAN_REVIEW_DUE': {
      const nextReviewAt = e.data.nextReviewAt;
      return windows.map((w) => (w.kind === 'PLAN_REVIEW' && typeof nextReviewAt === 'number' ? { ...w, id: null, dueAt: nextReviewAt, computed: false } : w));
    }
    case 'SURVEY_UNREACHABLE':
      return windows.filter((w) => w.kind !== 'SURVEY');
    case 'CALENDAR_REPLANNED': {
      // The fact names every window it moved, with its new due time.
      const moved = new Map((e.data.windows ?? []).map((m) => [m.windowId, m.toDueAt]));
      return windows.map((w) => (w.id !== null && moved.has(w.id) ? { ...w, dueAt: moved.get(w.id)!, computed: false } : w));
    }
    // Windows these change are known exactly from the update's result (or from REPORTED's data).
    case 'REPORTED':
    case 'ACCEPTED':
    case 'GUIDANCE_GIVEN':
    case 'RESPONDED':
    case 'REMINDED':
    case 'LEADER_LISTED':
    case 'DEPARTMENT_CALLED':
    case 'DEPARTMENT_REPORTED':
    case 'EVIDENCE_UPLOADED':
    case 'DEPARTMENT_RESULT':
    case 'RESULT_SUBMITTED':
    case 'REVIEW_REQUESTED':
    case 'REVIEWED_CLOSED':
    case 'REVIEW_RETURNED':
    case 'CLOSED':
    case 'LONG_TERM_PLANNED':
    case 'PLAN_RESUMED':
    case 'EXTENSION_REQUESTED':
    case 'EXTENSION_APPROVED':
    case 'EXTENSION_REJECTED':
    case 'SURVEY_RECORDED':
    case 'REOPENED':
    // A new holder at the same unit: the windows stay where they are.
    case 'REASSIGNED':
    case 'LEADER_ASSIGNED':
    case 'LEADER_TICKED_OFF':
    case 'URGED':
    case 'URGE_REPLIED':
    case 'URGE_NOTICED':
    case 'SITE_STEP':
    case 'SENT_DOWN':
    case 'DELIBERATION_STEP':
    case 'PAUSE_REQUESTED':
    case 'PAUSE_APPROVED':
    case 'PAUSE_REJECTED':
      return windows;
    default:
      return assertNever(e, 'fact');
  }
}

// ---- text -------------------------------------------------------------------------

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** "2026-11-23 09:34:17 +08:00" in the given UTC offset. */
export function localTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${d.slice(0, 10)} ${d.slice(11, 19)} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function signalText(name: string, arg: Record<string, unknown>): string {
  if (name === 'directoryChanged') {
    const dir = (arg.directory ?? {}) as Record<string, { personId?: string | null; unitId?: string }>;
    const changes = Object.entries(dir).map(([level, a]) => `${level} → ${a?.personId ?? 'nobody'} (${a?.unitId ?? '?'})`);
    return `directory changed: ${changes.join(', ') || 'no levels'}${typeof arg.changeId === 'string' ? ` (change ${arg.changeId})` : ''}`;
  }
  if (name === 'calendarChanged') {
    return `working calendar changed${typeof arg.changeId === 'string' ? ` (change ${arg.changeId})` : ''}`;
  }
  return `signal ${name}`;
}

function closeData(name: string, attrs: Record<string, unknown>, result: unknown): Record<string, unknown> {
  switch (name) {
    case 'COMPLETED':
      return { result: result ?? null };
    case 'CONTINUED_AS_NEW':
      return { newRunId: (attrs as { newExecutionRunId?: string }).newExecutionRunId ?? null };
    case 'TERMINATED':
      return { reason: (attrs as { reason?: string }).reason ?? null, identity: (attrs as { identity?: string }).identity ?? null };
    case 'FAILED':
      return { failure: (attrs as { failure?: { message?: string } }).failure?.message ?? null };
    default:
      return {};
  }
}

function closeText(runIndex: number, name: string, attrs: Record<string, unknown>, result: unknown): string {
  switch (name) {
    case 'COMPLETED': {
      const r = result as { status?: string; resolution?: string | null; breaches?: number; reopenCount?: number } | undefined;
      return r?.status
        ? `workflow completed: ${r.status}${r.resolution ? ` (${r.resolution.toLowerCase()})` : ''}, ${r.breaches ?? 0} breach(es), reopened ${r.reopenCount ?? 0} time(s)`
        : 'workflow completed';
    }
    case 'CONTINUED_AS_NEW':
      return `run ${runIndex} continues as new (keeps the history bounded)`;
    case 'TERMINATED':
      return `workflow terminated${(attrs as { reason?: string }).reason ? `: ${(attrs as { reason?: string }).reason}` : ''}`;
    case 'FAILED':
      return `workflow failed: ${(attrs as { failure?: { message?: string } }).failure?.message ?? ''}`;
    default:
      return `workflow ${name.toLowerCase().replace(/_/g, ' ')}`;
  }
}

const WINDOW_NAMES: Record<WindowKind, string> = {
  ACCEPT: 'accept',
  RESPONSE: 'first-response',
  ON_SITE: 'on-site',
  COMPLETION: 'completion',
  REPORT: 'report',
  REVIEW: 'review',
  EXTENSION_DECISION: 'extension-decision',
  PAUSE_DECISION: 'pause-decision',
  SURVEY: 'revisit-survey',
  PLAN_REVIEW: 'plan-review',
};

const windowName = (kind: string) => (isWindowKind(kind) ? WINDOW_NAMES[kind] : kind.toLowerCase());

const DECISIONS: Record<FactData<'RESPONDED'>['decision'], string> = {
  SELF: 'handles it itself',
  COMMUNITY: 'sends it to the community (small matter)',
  DEPARTMENTS: 'calls departments',
};

function factText(x: TimelineEntry, fact: CaseFact | null, offset: number): string {
  const t = (ms: unknown) => (typeof ms === 'number' ? localTime(ms, offset) : typeof ms === 'string' ? localTime(Date.parse(ms), offset) : '?');
  const root = x.cause?.kind === 'CONSEQUENCE' ? x.cause.root : x.cause;
  const who = x.actor
    ? `${x.actor.personId} (${x.actor.role ?? '?'}, ${x.actor.unitId ?? '?'})`
    : root?.kind === 'CLOCK' ? 'the clock' : root?.kind === 'INTAKE' ? 'intake' : 'the workflow';
  const w = x.window;
  const due = w
    ? `${windowName(w.kind)} window${w.unitId ? ` of ${w.unitId}` : ''} due ${w.dueAt ? t(w.dueAt) : 'unknown'}${w.computed ? ' (computed)' : ''}`
    : '';
  const timing = x.onTime === null ? '' : x.onTime ? ', in time' : ', LATE';
  const dueClause = due ? `; ${due}${timing}` : '';
  const dueOnly = due ? `; ${due}` : '';
  // A fact type this code does not know (recorded by newer code) is shown raw.
  if (!fact) return `#${x.seq} ${x.type} by ${who}: ${JSON.stringify(x.data)}`;
  // Destructured, so that `d` narrows with `type` in each case.
  const { type, data: d } = fact;
  let what: string;
  switch (type) {
    case 'REPORTED':
      what = `reported via ${d.channel}: ${d.categoryCode}, ${d.triage} matter${d.urgent ? ', urgent' : ''}; held by ${x.level} ${x.unitId} (${d.assigneeId ?? 'nobody'})${dueOnly}`;
      break;
    case 'ACCEPTED':
      what = `accepted (受理)${d.note ? `: ${d.note}` : ''}${dueClause}`;
      break;
    case 'RESPONDED':
      what = `first response: ${DECISIONS[d.decision] ?? d.decision}${dueClause}; completion due ${t(d.completionDueAt)}${'retriage' in d && d.retriage ? retriageText(d.retriage) : ''}`;
      break;
    case 'GUIDANCE_GIVEN':
      what = `private matter answered with guidance: ${d.guidance}${dueClause}${d.retriage ? retriageText(d.retriage) : ''}`;
      break;
    case 'REMINDED':
      what = `reminder: ${due}`;
      break;
    case 'BREACHED':
      what = `BREACH: ${due} lapsed at ${x.level} (${Math.round(Number(d.lateMs ?? 0) / 1000)} s late)${d.escalatedTo ? `; goes to ${d.escalatedTo}` : '; top of the ladder'}`;
      break;
    case 'ESCALATED':
      what = `escalated ${d.from} → ${d.to} (${String(d.cause).toLowerCase()}): ${d.reason}; now held by ${d.assigneeId ?? 'nobody'} (${x.unitId})${dueOnly}`;
      break;
    case 'LEADER_LISTED':
      what = `on the district leaders' case list (包案): ${d.reason}`;
      break;
    case 'DEPARTMENT_CALLED':
      what = `${d.fastTrack ? 'big matter fast-tracked (政府快办): ' : ''}called department ${d.departmentId} (${d.callId}) to report at ${d.place} by ${t(d.reportBy)}${d.instructions ? `: ${d.instructions}` : ''}`;
      break;
    case 'DEPARTMENT_REPORTED':
      what = `department ${x.unitId} reported on site (报到) for ${d.callId}; report due ${t(d.reportBy)}${timing}${evidenceText(d.evidence)}${d.onSite ? `; on-site window met${onSiteText(d.onSite, t)}` : ''}`;
      break;
    case 'EVIDENCE_UPLOADED':
      what = `evidence ${d.kind}${d.callId ? ` for ${d.callId}` : ''}: ${d.url} (sha256 ${String(d.sha256).slice(0, 12)}…)`;
      break;
    case 'DEPARTMENT_RESULT':
      what = `department ${x.unitId} result for ${d.callId}: ${d.summary}`;
      break;
    case 'RESULT_SUBMITTED':
      what = `result submitted: ${d.summary}${dueClause}`;
      break;
    case 'REVIEW_REQUESTED':
      what = `sent to ${x.level} ${x.unitId} for review and closing (审核结案)${dueClause}`;
      break;
    case 'REVIEWED_CLOSED':
      what = `review: closed — ${d.reason}${dueClause}`;
      break;
    case 'REVIEW_RETURNED':
      what = `review: sent back — ${d.reason}${dueClause}`;
      break;
    case 'CLOSED':
      what = `case closed (${String(d.resolution).toLowerCase()}), handled by ${d.handlerLevel} ${d.handlerUnitId}${d.surveyDueAt ? `; revisit survey due ${t(d.surveyDueAt)}` : ''}`;
      break;
    case 'LONG_TERM_PLANNED':
      what = `put on the medium/long-term plan: ${d.explanation}; next review ${t(d.nextReviewAt)}`;
      break;
    case 'PLAN_REVIEW_DUE':
      what = `long-term plan review due${dueOnly.replace('; ', ' (') }${due ? ')' : ''}; next review ${t(d.nextReviewAt)}`;
      break;
    case 'PLAN_RESUMED':
      what = `plan resumed: ${d.note}; completion due ${t(d.completionDueAt)}`;
      break;
    case 'EXTENSION_REQUESTED':
      what = `asks ${d.days} more working days (${d.requestId}): ${d.reason}; decided by ${d.approverLevel}${dueOnly}`;
      break;
    case 'EXTENSION_APPROVED':
      what = `extension ${d.requestId} (${d.days} days) APPROVED: ${d.reason}; completion due ${t(d.previousDueAt)} → ${t(d.newDueAt)}${dueClause}`;
      break;
    case 'EXTENSION_REJECTED':
      what = `extension ${d.requestId} (${d.days} days) REJECTED: ${d.reason}${dueClause}`;
      break;
    case 'EXTENSION_ESCALATED':
      what = `extension ${d.requestId} now waits for ${d.approverLevel} (the approver let the decision window lapse)${dueOnly}`;
      break;
    case 'SURVEY_RECORDED':
      what = `revisit survey (${d.channel}): ${d.satisfaction}, solved: ${d.solved ? 'yes' : 'no'}${d.comment ? ` — "${d.comment}"` : ''}${dueClause}`;
      break;
    case 'SURVEY_UNREACHABLE':
      what = `revisit survey: the reporter could not be reached; counted as ${d.policy}`;
      break;
    case 'REOPENED':
      what = `reopened (${d.reopenCount}) after the revisit survey (问题回流); completion due ${t(d.completionDueAt)}`;
      break;
    case 'REASSIGNED':
      what = `${d.level} post now held by ${d.toPersonId ?? 'nobody'}${d.toPersonName ? ` (${d.toPersonName})` : ''}, was ${d.fromPersonId ?? 'nobody'}${d.holder ? '; the case is reassigned to them' : ''}${d.reason ? `: ${d.reason}` : ''}`;
      break;
    case 'CALENDAR_REPLANNED':
      what = `working calendar changed: ${(d.windows ?? []).map((m) => `${windowName(m.kind)} window due ${t(m.fromDueAt)} → ${t(m.toDueAt)}`).join(', ')}`;
      break;
    case 'LEADER_ASSIGNED':
      what = `responsible leader (包案): ${d.leaderId ?? 'vacant'}${d.leaderName ? ` (${d.leaderName})` : ''} at ${d.leaderLevel}${d.previousLeaderId ? `, was ${d.previousLeaderId}` : ''}: ${d.reason}`;
      break;
    case 'LEADER_TICKED_OFF':
      what = `ticked off the leader's list (对单销号) by ${d.leaderId}: ${d.note}`;
      break;
    case 'URGED':
      what = `urged (催办) ${d.unitId}${d.callId ? ` about ${d.callId}` : ''} (${d.ground === 'OVERDUE' ? 'overdue' : 'at risk'}): ${d.reason}; reply due ${t(d.replyDueAt)}, notice (通报) at ${t(d.noticeAt)} if unanswered`;
      break;
    case 'URGE_REPLIED':
      what = `${d.unitId} replied to ${d.urgeId}${d.late ? ' (LATE)' : ''}: ${d.reply}`;
      break;
    case 'SENT_DOWN':
      what = `sent down (派单) ${d.from} → ${d.to} ${d.unitId} (was ${String(d.fromStatus).toLowerCase()}): ${d.reason}; now held by ${d.assigneeId ?? 'nobody'}; accept by ${t(d.acceptDueAt)}`;
      break;
    case 'URGE_NOTICED':
      what = `NOTICE (通报): ${d.unitId} left ${d.urgeId} unanswered (reply was due ${t(d.replyDueAt)})`;
      break;
    case 'SITE_STEP': {
      const label = SITE_STEP_LABELS[d.step];
      const promise = d.step === 'CLEARED' && d.hazardDueAt != null ? `; two-hour promise (due ${t(d.hazardDueAt)}) ${d.withinPromise ? 'kept' : 'MISSED'}` : '';
      what = `on site: ${label.en} (${label.zh})${d.callId ? ` for ${d.callId}` : ''}${d.note ? `: ${d.note}` : ''}${evidenceText(d.evidence)}${d.onSite ? `; on-site window met${onSiteText(d.onSite, t)}` : ''}${promise}`;
      break;
    }
    case 'DELIBERATION_STEP': {
      const label = DELIBERATION_STEP_LABELS[d.step];
      const parts = [
        d.text,
        d.source ? `raised via ${d.source}` : '',
        d.forum ? `${DELIBERATION_FORUMS[d.forum]?.zh ?? d.forum} with ${(d.participants ?? []).map((p) => `${p.name} (${p.role}${p.unit ? `, ${p.unit}` : ''})`).join(', ')}` : '',
        d.stream ? `三事分流 ${STREAM_LABELS[d.stream]?.zh ?? d.stream}` : '',
        d.votes ? `votes 满意 ${d.votes.satisfied} / 基本满意 ${d.votes.basicallySatisfied} / 不满意 ${d.votes.dissatisfied} → ${d.verdict ? VERDICT_LABELS[d.verdict].zh : '?'}; cadres ${(d.cadres ?? []).join(', ')}` : '',
      ].filter(Boolean);
      what = `deliberation (五步议事) for ${d.communityId}: ${label.en} (${label.zh})${d.corrected ? ' [correction]' : ''}: ${parts.join('; ')}`;
      break;
    }
    case 'PAUSE_REQUESTED':
      what = `asks to pause the ${windowName(d.windowKind)} clock (${d.pauseId}, 暂停计时): ${PAUSE_REASON_LABELS[d.reasonKind]?.en ?? d.reasonKind} — ${d.reason}${d.until !== null ? `; until ${t(d.until)}` : ''}; decided by ${d.approverLevel}${dueOnly}`;
      break;
    case 'PAUSE_APPROVED':
      what = `pause ${d.pauseId} APPROVED: ${d.reason}; the ${windowName(d.windowKind)} clock stops (was due ${t(d.dueAt)})${d.until !== null ? ` until ${t(d.until)}` : ''}`;
      break;
    case 'PAUSE_REJECTED':
      what = d.withdrawn ? `pause ${d.pauseId} withdrawn: ${d.reason}` : `pause ${d.pauseId} REJECTED: ${d.reason}`;
      break;
    case 'PAUSE_ESCALATED':
      what = `pause ${d.pauseId} now waits for ${d.approverLevel} (the approver let the decision window lapse)${dueOnly}`;
      break;
    case 'PAUSE_ENDED':
      what = `pause ${d.pauseId} ended (${PAUSE_END_TEXT[d.cause] ?? d.cause})${d.note ? `: ${d.note}` : ''}; paused ${t(d.pausedAt)} → ${t(d.endedAt)} (${Math.round(d.minutes)} min on its clock); ${windowName(d.windowKind)} due ${t(d.fromDueAt)} → ${t(d.toDueAt)}`;
      break;
    default:
      return assertNever(type, 'fact type');
  }
  return `#${x.seq} ${x.type} by ${who}: ${what}`;
}

const PAUSE_END_TEXT: Record<string, string> = { RESUMED: 'resumed by the holder', PLANNED_END: 'its planned end passed', WINDOW_CLOSED: 'the window was met while paused' };

function evidenceText(evidence: EvidenceRef[] | undefined): string {
  return evidence?.length ? `; evidence ${evidence.map((e) => `${e.kind} ${e.url} (sha256 ${e.sha256.slice(0, 12)}…)`).join(', ')}` : '';
}

function onSiteText(onSite: { windowDueAt: number | null; onTime: boolean | null }, t: (ms: unknown) => string): string {
  return onSite.windowDueAt === null ? '' : ` (due ${t(onSite.windowDueAt)}${onSite.onTime ? ', in time' : ', LATE'})`;
}

/** The timeline as plain text, one line per entry, for people and `npm run replay -- --timeline`. */
export function formatTimeline(t: Timeline): string {
  const head = [
    `${t.workflowType}${t.code ? ` ${t.code}` : t.workflowId ? ` ${t.workflowId}` : ''}: ${t.runs.length} run(s), ${t.facts} fact(s)`,
    ...(t.intake ? [`  ${t.intake.categoryName} (${t.intake.categoryCode}) via ${t.intake.channel}, reported ${localTime(Date.parse(t.intake.reportedAt), t.utcOffsetMinutes)}: ${t.intake.description}`] : []),
    ...t.warnings.map((w) => `  warning: ${w}`),
  ];
  return [...head, ...t.entries.map((e) => `${e.local}  ${e.text}`)].join('\n');
}

/** A re-triage recorded with a first response (CasePolicy.triage). */
function retriageText(r: Retriage): string {
  return `; kind of matter corrected ${r.from} → ${r.to}: ${r.reason}`;
}
