// The case state machine: every rule about who may do what, when, and what a
// lapsed window does. It has no Temporal timers or activities of its own: the
// workflow feeds it actions and the clock, and persists what it emits. Guards
// throw typed ApplicationFailures that the API maps to 403 / 409 / 400.
import { ApplicationFailure } from '@temporalio/common';
import { addWorkingDays } from '../domain/calendar';
import { extensionApproverLevel } from '../domain/extensions';
import { LEVEL_ROLE, atOrAbove, isTop, levelOfRole, nextLevel, rank, unitForLevel } from '../domain/ladder';
import { mayCall, responseBlocker, triageCalls, type FirstResponse } from '../domain/triage';
import type { BreachData, FactData, FactType, Retriage, Timing } from '../domain/facts';
import { initialWindows, movesWithCase, nextWakeAt, openWindow, responseStartsAt, windowSpan } from '../domain/windows';
import { needsLeaderAt, tickOffBlocker } from '../domain/leaderList';
import {
  DELIBERATION_STEPS,
  DELIBERATION_STEP_LABELS,
  contentProblem,
  deliberationStepBlocker,
  isCommunityMatter,
  isCorrection,
  isDeliberationStep,
  isOpen as deliberationIsOpen,
  verdictOf,
  withStep,
} from '../domain/deliberation';
import { SITE_STEPS, isSiteStep, newSiteProgress, stepBlocker, type EvidenceRef } from '../domain/siteSteps';
import { isPending, nextNoticeAt, urgeDeadlines, urgeGround, type Urge } from '../domain/supervision';
import { isPacedWindowKind, lapseMove, pageDeferredUntil } from '../domain/pacing';
import { replanWindows } from '../domain/replan';
import { sendDownBlocker, sendDownTarget } from '../domain/dispatch';
import {
  PAUSE_REASON_KINDS,
  activePause,
  isDecisionWindow,
  isPausableKind,
  isPauseReasonKind,
  pauseApproverLevel,
  pausesUsed,
  pendingPause,
  shiftForPause,
  type Pause,
  type PauseEndCause,
} from '../domain/pause';
import { LEVELS } from '../domain/types';
import type {
  Actor,
  Assignment,
  Breach,
  CalendarSnapshot,
  CaseEventRecord,
  Level,
  LevelDirectory,
  NotificationRecord,
  OpenWindow,
  Span,
  WindowKind,
} from '../domain/types';
import {
  BAD_INPUT_ERROR,
  CONFLICT_ERROR,
  FORBIDDEN_ERROR,
  type AcceptCaseInput,
  type CalendarChangedPayload,
  type CallDepartmentsInput,
  type CarriedState,
  type CaseState,
  type CaseWorkflowInput,
  type DecideExtensionInput,
  type DecidePauseInput,
  type EndPauseInput,
  type RequestPauseInput,
  type DirectoryChangedPayload,
  type PlanLongTermInput,
  type RecordSurveyInput,
  type ReportArrivalInput,
  type RequestExtensionInput,
  type RespondCaseInput,
  type SendDownInput,
  type ResumePlanInput,
  type ReplyUrgeInput,
  type ReviewCaseInput,
  type SubmitResultInput,
  type TickOffInput,
  type UrgeInput,
  type SiteStepInput,
  type DeliberationStepInput,
  type UploadEvidenceInput,
  type WhistleInput,
} from './messages';

/** An event waiting to be persisted, with the notifications it causes. */
export interface PendingFact {
  event: CaseEventRecord;
  notifications: NotificationRecord[];
  /**
   * Only with CaseOptions.recordWindows, and only on the last fact of a step (the intake, one
   * action, one tick of the clock): the windows in force right after the step. Readers (the
   * audit timeline) then show the machine's own deadlines instead of re-deriving its window
   * rules; a batch may hold several steps, hence per fact rather than per recording.
   */
  windowsAfter?: RecordedWindow[];
}

/** An open window as a recording carries it: what a reader needs to show the deadline and who holds it. */
export type RecordedWindow = Pick<OpenWindow, 'id' | 'kind' | 'level' | 'unitId' | 'dueAt' | 'remindAt' | 'refId'>;

const forbidden = (message: string) => ApplicationFailure.create({ type: FORBIDDEN_ERROR, message, nonRetryable: true });
const conflict = (message: string) => ApplicationFailure.create({ type: CONFLICT_ERROR, message, nonRetryable: true });
/** A payload that makes no sense here: the field travels in structured details (the API's `fields`), not only in the text. */
const badInput = (field: string, text: string) =>
  ApplicationFailure.create({ type: BAD_INPUT_ERROR, message: `${field}: ${text}`, details: [{ field, message: text }], nonRetryable: true });

/** Window kinds whose lapse moves the case itself up the ladder. */
const CASE_WINDOWS: readonly WindowKind[] = ['ACCEPT', 'RESPONSE', 'ON_SITE', 'COMPLETION', 'REVIEW', 'REPORT'];

/** Statuses in which the case is still being worked on. */
const ACTIVE = new Set(['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW']);

export class CaseMachine {
  readonly state: CaseState;
  private seq: number;
  /** Facts not yet handed to the recorder. */
  readonly pending: PendingFact[] = [];
  private directory: LevelDirectory;
  /** The working calendar new windows are planned on: the input's, until a calendarChanged signal. */
  private calendar: CalendarSnapshot;
  // When the directory and the calendar in force were read (0: at intake or continue-as-new),
  // so that a change delivered late never undoes a newer one.
  private directoryAsOf = 0;
  private calendarAsOf = 0;

  /** The case's ladder, lowest first (its policy's, frozen at intake). */
  get ladder(): Level[] {
    return [...this.input.policy.ladder];
  }

  constructor(private readonly input: CaseWorkflowInput, now: number) {
    this.directory = input.directory;
    this.calendar = input.calendar;
    const carried: CarriedState | undefined = input.carried;
    if (carried) {
      this.state = carried.state;
      this.seq = carried.seq;
      return;
    }
    const { intake, policy, calendar } = input;
    this.seq = 0;
    this.state = {
      code: intake.code,
      status: 'REPORTED',
      level: intake.startLevel,
      assignee: this.holderAt(intake.startLevel),
      triage: intake.triage,
      resolution: null,
      windows: initialWindows(intake, policy, calendar, input.directory),
      breaches: [],
      calls: [],
      extensions: [],
      completionDueAt: null,
      result: null,
      survey: null,
      reopenCount: 0,
      onLeaderList: false,
      longTermPlan: null,
      lastEventSeq: 0,
      updatedAt: now,
      // Urgent cases show their hazard steps from intake on, so a sweep lists those not cleared.
      ...(policy.site && intake.urgent ? { site: newSiteProgress(true, intake.reportedAt, policy.site) } : {}),
    };
    this.record(now, 'REPORTED', intake.reportedBy ?? null, {
      unitId: this.state.assignee.unitId,
      level: this.state.level,
      data: {
        channel: intake.channel,
        categoryCode: intake.categoryCode,
        triage: intake.triage,
        urgent: intake.urgent,
        assigneeId: this.state.assignee.personId,
        windows: this.state.windows.map((w) => ({ kind: w.kind, dueAt: w.dueAt })),
      },
      notify: [this.notice(this.state.assignee, 'CASE_ASSIGNED', `New case ${intake.code}: ${intake.categoryName}. Accept by ${iso(this.state.windows[0].dueAt)}.`)],
    });
    // Files sent with the report: their hashes enter the facts with the report itself, by the
    // reporter. Older inputs have no `files`, so their histories record exactly what they did.
    for (const f of intake.files ?? []) {
      this.record(now, 'EVIDENCE_UPLOADED', intake.reportedBy ?? null, {
        data: { callId: null, kind: f.kind, url: f.url, sha256: f.sha256, ...(f.receivedSha256 ? { receivedSha256: f.receivedSha256 } : {}) },
      });
    }
    // A big matter's route (政府快办, CasePolicy.triage): the category's usual departments are
    // called at once when it starts at a level that calls; the case stays with that level (the
    // street), which accepts it. (Routes recorded before 'CATALOG' starts always began at the street.)
    for (const departmentId of triageCalls(intake.triage, intake.suggestedDepartmentIds, input.departmentOfficers, policy.triage, this.state.level)) {
      const reportBy = openWindow({
        id: 'fast-track', kind: 'REPORT', span: policy.windows.report, level: this.state.level, unitId: departmentId,
        startedAt: intake.reportedAt, remindFraction: 0, calendar,
      }).dueAt;
      this.addCall(now, null, { departmentId, reportBy, place: intake.address ?? intake.description }, intake.reportedAt);
    }
    this.endStep();
  }

  /** State to carry over continue-as-new. */
  carry(runs: number): CarriedState {
    return { state: this.state, seq: this.seq, runs };
  }

  /** The case has reached an end state and nothing more can happen to it. */
  get finished(): boolean {
    const ended = this.state.status === 'SURVEYED' || (this.state.status === 'CLOSED' && this.state.windows.length === 0);
    // A case on a leader's list waits for the leader's tick (对单销号) before it ends.
    const l = this.state.leader;
    return ended && !(l && l.personId !== null && l.tickedOffAt === null);
  }

  /** When the workflow must wake next: the earliest window due or reminder, or an urge's notice time. */
  nextWakeAt(): number | null {
    let next = nextWakeAt(this.state.windows);
    const u = this.pendingUrges().length ? nextNoticeAt(this.pendingUrges()) : null;
    // A pause's planned end wakes the case too (only cases with CasePolicy.pause have pauses).
    const p = activePause(this.state.pauses)?.until ?? null;
    for (const t of [u, p]) if (t !== null) next = next === null ? t : Math.min(next, t);
    return next;
  }

  /** Urges waiting for their reply on a case still open (a closed case's urges never become notices). */
  private pendingUrges(): Urge[] {
    if (!this.state.urges || this.state.status === 'CLOSED' || this.state.status === 'SURVEYED') return [];
    return this.state.urges.filter(isPending);
  }

  /**
   * The workflow calls this after each action and each tick: with CaseOptions.recordWindows,
   * the step's last fact takes a copy of the windows now in force. A step that recorded no
   * fact marks nothing (the last pending fact, if any, already ended an earlier step).
   */
  endStep(): void {
    if (!this.input.options.recordWindows) return;
    const last = this.pending[this.pending.length - 1];
    if (!last || last.windowsAfter) return;
    // A copy: the recorder serializes the fact later, when these windows may have moved on.
    last.windowsAfter = this.state.windows.map(recordedWindow);
  }

  replaceDirectory(directory: LevelDirectory): void {
    this.directory = { ...this.directory, ...directory };
  }

  /** The working calendar in force (carried into continue-as-new). */
  get calendarSnapshot(): CalendarSnapshot {
    return this.calendar;
  }

  /** The directory snapshot in force (carried into continue-as-new). */
  get directorySnapshot(): LevelDirectory {
    return this.directory;
  }

  /**
   * A directory change (docs/VERSIONING.md: patch directory-change-reassigns): the snapshot is
   * replaced and every level whose person changed is recorded as REASSIGNED; if it is the level
   * holding the case, the case moves to the new person, who is notified. A closed case only
   * takes the snapshot (nobody holds it any more). Returns whether anything was recorded.
   */
  reassign(change: DirectoryChangedPayload, now: number): boolean {
    if (change.asOf !== undefined) {
      if (change.asOf < this.directoryAsOf) return false;
      this.directoryAsOf = change.asOf;
    }
    const before = this.directory;
    this.replaceDirectory(change.directory);
    // A leader's item passes to the successor at its post, also on a closed case waiting for its tick-off.
    let recorded = this.leaderFollowsPost(now, change.reason);
    if (this.state.status === 'CLOSED' || this.state.status === 'SURVEYED') return recorded;
    for (const level of LEVELS) {
      const next = change.directory[level];
      const fromPersonId = before[level]?.personId ?? null;
      if (!next || (next.personId ?? null) === fromPersonId) continue;
      const holder = level === this.state.level;
      // Same post, same unit: only the person changes (the windows stay the unit's), and is told.
      if (holder) this.state.assignee = this.holderAt(level);
      // Not the holder, but a review or an extension decision waits at this level: the new person is told too.
      const awaited = !holder && this.state.windows.some((w) => w.level === level && (w.kind === 'REVIEW' || isDecisionWindow(w.kind)));
      this.record(now, 'REASSIGNED', null, {
        unitId: next.unitId,
        level,
        data: {
          level,
          fromPersonId,
          toPersonId: next.personId ?? null,
          toPersonName: next.personName ?? null,
          holder,
          reason: change.reason ?? null,
          changeId: change.changeId ?? null,
        },
        notify: holder
          ? [this.notice(next, 'CASE_ASSIGNED', `Case ${this.state.code} (${this.state.status.toLowerCase()}) is now yours: ${change.reason ?? 'the directory changed'}.`)]
          : awaited
            ? [this.notice(next, 'DECISION_AWAITED', `Case ${this.state.code} waits for your decision (${this.state.status.toLowerCase()}): ${change.reason ?? 'the directory changed'}.`)]
            : [],
      });
      recorded = true;
    }
    return recorded;
  }

  /**
   * A new working calendar (patch calendar-change-replans): new windows are planned on it, and
   * every open working-time window is re-planned on it from its own start (domain/replan.ts has
   * the rule, extensions included). Lapsed windows are gone already: their breaches stand.
   * Returns whether a deadline moved (the workflow then recomputes its timer).
   */
  replanCalendar(change: CalendarChangedPayload, now: number): boolean {
    if (change.asOf < this.calendarAsOf) return false;
    this.calendarAsOf = change.asOf;
    const previous = this.calendar;
    this.calendar = change.calendar;
    const { windows, moved } = replanWindows(this.state.windows, previous, change.calendar, now, this.input.policy.windows.remindAt);
    if (!moved.length) return false;
    this.state.windows = windows;
    const completion = moved.find((m) => m.kind === 'COMPLETION');
    if (completion) this.state.completionDueAt = completion.toDueAt;
    this.record(now, 'CALENDAR_REPLANNED', null, {
      data: { changeId: change.changeId, windows: moved, completionDueAt: this.state.completionDueAt },
      notify: [this.notice(this.state.assignee, 'DEADLINE_MOVED',
        `Case ${this.state.code}: the working calendar changed; ${moved.map((m) => `${m.kind.toLowerCase()} now due ${iso(m.toDueAt)}`).join(', ')}.`)],
    });
    return true;
  }

  // ---- guards (validators: must not change anything) ------------------------
  // Each guard checks the state and the actor first and the form's content (a reason,
  // a summary, a list of departments) last. The allowed-actions query (workflows/caseActions
  // `allowedActions`) relies on it: probed without content, a BadInput about the content
  // means the state let the action through.

  /**
   * Every action's first guard: no window may be due at `now`. A lapse whose timer fired in the
   * same workflow task as an action (the worker was down while both arrived) is the earlier
   * event in the history, but the SDK runs the update's validator first: without this, the late
   * action would close the lapsed window and the lapse would never be recorded. Refused, the
   * loop records the lapse; a retry then meets the case as it is after it.
   */
  guardNoLapseDue(now: number): void {
    const due = this.state.windows.filter((w) => w.dueAt <= now && w.pausedAt === undefined).sort((x, y) => x.dueAt - y.dueAt)[0];
    if (due) throw conflict(`the ${due.kind.toLowerCase()} window lapsed at ${iso(due.dueAt)} and is being recorded first; try again`);
    const ending = activePause(this.state.pauses);
    if (ending && ending.until !== null && ending.until <= now) throw conflict(`pause ${ending.id} ended at ${iso(ending.until)} and is being recorded first; try again`);
    const notice = this.pendingUrges().find((u) => u.noticeAt <= now);
    if (notice) throw conflict(`urge ${notice.id} became a notice (通报) at ${iso(notice.noticeAt)} and is being recorded first; try again`);
  }

  guardAccept(a: AcceptCaseInput): void {
    this.requireStatus(['REPORTED'], 'accept');
    this.requireHolder(a.actor);
  }

  guardRespond(a: RespondCaseInput): void {
    this.requireStatus(['ACCEPTED'], 'respond to');
    this.requireHolder(a.actor);
    if (a.decision === 'COMMUNITY' && this.state.level !== 'GRID' && this.state.level !== 'STREET') {
      throw conflict(`a case at ${this.state.level} level is not sent down to the community`);
    }
    if (a.decision === 'GUIDANCE' && !a.guidance?.trim()) throw badInput('guidance', 'an explanation for the reporter is required');
    this.guardTriage(a.decision, a.triage, a.triageReason);
  }

  /**
   * A first response must fit the case's kind (CasePolicy.triage), or correct the kind with a
   * reason (re-triage). The form's content: checked last.
   */
  private guardTriage(response: FirstResponse, triage: string | undefined, reason: string | undefined): void {
    const policy = this.input.policy.triage;
    if (!policy) return;
    if (triage !== undefined && triage !== this.state.triage) {
      if (!(triage in policy.routes)) throw badInput('triage', 'one of BIG, SMALL, PRIVATE');
      if (!reason?.trim()) throw badInput('triageReason', 'say why the kind of matter is corrected');
    }
    const why = responseBlocker(response, (triage as CaseState['triage'] | undefined) ?? this.state.triage, policy);
    if (why) throw badInput('triage', why);
  }

  guardWhistle(a: WhistleInput): void {
    this.requireStatus(['REPORTED', 'ACCEPTED', 'IN_PROGRESS'], 'whistle');
    this.requireHolder(a.actor);
    if (isTop(this.state.level, this.input.policy.ladder)) throw conflict('the case is already at the top of the ladder');
    if (!a.reason?.trim()) throw badInput('reason', 'say why the case needs the next level');
  }

  guardCallDepartments(a: CallDepartmentsInput): void {
    this.requireStatus(['ACCEPTED', 'IN_PROGRESS'], 'call departments on');
    this.requireHolder(a.actor);
    if (!mayCall(this.state.level, this.input.policy.triage)) {
      throw conflict(this.input.policy.triage
        ? 'only a community, a street or a higher level may call departments; whistle the case up first'
        : 'only a street or a higher level may call departments; whistle the case up first');
    }
    // Calling is the first response on an accepted case: it must fit the kind (a private matter is answered with guidance).
    const unfit = this.state.status === 'ACCEPTED' ? responseBlocker('DEPARTMENTS', this.state.triage, this.input.policy.triage) : null;
    if (unfit) throw conflict(`${unfit} in the response first`);
    if (!a.calls?.length) throw badInput('calls', 'name at least one department');
    const now = Date.now();
    const seen = new Set<string>();
    for (const c of a.calls) {
      if (!this.input.departmentOfficers[c.departmentId]) throw badInput('calls.departmentId', `unknown department ${c.departmentId}`);
      if (seen.has(c.departmentId)) throw badInput('calls.departmentId', `${c.departmentId} named twice`);
      seen.add(c.departmentId);
      if (!(c.reportBy > now)) throw badInput('calls.reportBy', 'the time to report must be in the future');
      if (this.state.calls.some((x) => x.departmentId === c.departmentId && x.result === null)) {
        throw conflict(`department ${c.departmentId} already has an open call on this case`);
      }
    }
  }

  guardReportArrival(a: ReportArrivalInput): void {
    const call = this.requireCallOf(a.actor, a.callId);
    if (call.reportedAt !== null) throw conflict('this department has already reported for this call');
    guardEvidence(a.evidence);
  }

  guardSiteStep(a: SiteStepInput): void {
    const policy = this.input.policy.site;
    if (!policy) throw conflict('this case started before on-site steps were recorded; report arrival (报到) or submit the result');
    this.requireStatus(['ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW'], 'record a step on site for');
    if (a.callId) {
      const call = this.requireCallOf(a.actor, a.callId);
      if (call.reportedAt === null) throw conflict('report (报到) before recording steps on site');
      if (a.step === 'ARRIVED') throw conflict('a called department reports its arrival (报到) with the report action');
    } else this.requireHolder(a.actor);
    // The step is the form's content: checked after who may act (the probe leaves it out).
    if (!isSiteStep(a.step)) throw badInput('step', `one of ${SITE_STEPS.join(', ')}`);
    const why = stepBlocker(this.state.site, a.step, this.input.intake.urgent);
    if (why) throw conflict(why);
    guardEvidence(a.evidence);
  }

  guardUploadEvidence(a: UploadEvidenceInput): void {
    this.requireStatus(['IN_PROGRESS'], 'add evidence to');
    if (a.callId) {
      const call = this.requireCallOf(a.actor, a.callId);
      if (call.reportedAt === null) throw conflict('report (报到) before uploading evidence');
    } else this.requireHolder(a.actor);
    if (!/^[0-9a-f]{64}$/i.test(a.sha256)) throw badInput('sha256', '64 hexadecimal characters');
    if (a.receivedSha256 !== undefined && !/^[0-9a-f]{64}$/i.test(a.receivedSha256)) throw badInput('receivedSha256', '64 hexadecimal characters');
  }

  guardSubmitResult(a: SubmitResultInput): void {
    this.requireStatus(['IN_PROGRESS'], 'submit a result for');
    if (a.callId) {
      const call = this.requireCallOf(a.actor, a.callId);
      if (call.reportedAt === null) throw conflict('report (报到) before submitting a result');
    } else {
      this.requireHolder(a.actor);
      const open = this.state.calls.filter((c) => c.result === null);
      if (open.length) throw conflict(`waiting for called departments: ${open.map((c) => c.departmentId).join(', ')}`);
    }
    if (!a.summary?.trim()) throw badInput('summary', 'describe the result');
  }

  guardReview(a: ReviewCaseInput): void {
    this.requireStatus(['PENDING_REVIEW'], 'review');
    const level = this.reviewLevel();
    if (!this.actsAt(a.actor, level)) throw forbidden(`only the ${level} holding this case may review and close it`);
    if (!a.reason?.trim()) throw badInput('reason', 'say why');
    // A community matter under deliberation closes after the residents' evaluation (民主评事).
    if (a.decision === 'CLOSE' && this.input.policy.deliberation?.closeNeedsEvaluation && deliberationIsOpen(this.state.deliberation)) {
      const next = DELIBERATION_STEPS.find((s) => !this.state.deliberation!.steps.some((x) => x.step === s))!;
      throw conflict(`the five-step deliberation (五步议事) is open: record ${next} (${DELIBERATION_STEP_LABELS[next].zh}) before closing`);
    }
  }

  guardDeliberationStep(a: DeliberationStepInput): void {
    if (!this.input.policy.deliberation) throw conflict('this case started before the five-step deliberation (五步议事) was recorded on cases');
    this.requireStatus(['ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW'], 'record a deliberation step on');
    // The community of the case's place, or the street above it.
    if (!this.actsAt(a.actor, 'COMMUNITY') && !this.actsAt(a.actor, 'STREET')) {
      throw forbidden(`only the community ${this.input.intake.units.communityId} or the street ${this.input.intake.units.streetId} may record this case's deliberation`);
    }
    if (!this.state.deliberation && !isCommunityMatter(this.state.level, this.state.triage)) {
      throw conflict('the five-step deliberation is for community matters (held at or sent down to a community, or a small matter 小事)');
    }
    if (this.state.deliberation?.completedAt != null) throw conflict('the deliberation is evaluated (民主评事): it is final');
    // The step and its content are the form's: checked after who may act (the probe leaves them out).
    if (!isDeliberationStep(a.step)) throw badInput('step', `one of ${DELIBERATION_STEPS.join(', ')}`);
    const why = deliberationStepBlocker(this.state.deliberation, a.step);
    if (why) throw conflict(why);
    const problem = contentProblem(a.step, a);
    if (problem) throw badInput(problem.field, problem.message);
  }

  guardPlanLongTerm(a: PlanLongTermInput): void {
    this.requireStatus(['ACCEPTED', 'IN_PROGRESS'], 'put on the long-term plan');
    this.requireHolder(a.actor);
    if (!a.explanation?.trim()) throw badInput('explanation', 'the reporter is told why');
    if (a.reviewEveryDays !== undefined && !(a.reviewEveryDays >= 1 && a.reviewEveryDays <= 366)) throw badInput('reviewEveryDays', '1 to 366');
  }

  guardResumePlan(a: ResumePlanInput): void {
    this.requireStatus(['LONG_TERM_PLAN'], 'resume');
    this.requireHolder(a.actor);
  }

  guardRequestExtension(a: RequestExtensionInput): void {
    this.requireStatus(['IN_PROGRESS'], 'extend');
    this.requireHolder(a.actor);
    if (!this.state.windows.some((w) => w.kind === 'COMPLETION')) throw conflict('no completion deadline is running');
    if (this.state.extensions.some((x) => x.status === 'PENDING')) throw conflict('an extension request is already waiting for a decision');
    const used = this.state.extensions.filter((x) => x.status !== 'REJECTED').length;
    if (used >= this.input.policy.maxExtensions) {
      throw conflict(`this case has used its ${this.input.policy.maxExtensions} extensions; put it on the long-term plan instead`);
    }
    if (!Number.isInteger(a.days) || a.days < 1) throw badInput('days', 'a whole number of working days, at least 1');
    if (!a.reason?.trim()) throw badInput('reason', 'say why more time is needed');
  }

  guardDecideExtension(a: DecideExtensionInput): void {
    const req = this.state.extensions.find((x) => x.id === a.requestId);
    if (!req) throw badInput('requestId', `no extension request ${a.requestId} on this case`);
    if (req.status !== 'PENDING') throw conflict(`extension request ${a.requestId} is already ${req.status.toLowerCase()}`);
    const level = levelOfRole(a.actor.role);
    if (!level || !atOrAbove(level, req.approverLevel) || rank(level) < rank('COMMAND_CENTER') || a.actor.unitId !== this.input.intake.units.districtId) {
      throw forbidden(`an extension of ${req.days} working days is decided by ${req.approverLevel} or above`);
    }
    if (!a.reason?.trim()) throw badInput('reason', 'say why');
  }

  guardRecordSurvey(a: RecordSurveyInput): void {
    if (this.state.status !== 'CLOSED' || !this.state.windows.some((w) => w.kind === 'SURVEY')) {
      throw conflict('a revisit survey is recorded only for a closed case awaiting its survey');
    }
    const byCommandCenter = a.actor.role === 'COMMAND_CENTER' && a.actor.unitId === this.input.intake.units.districtId && a.channel !== 'LINK';
    // A resident answering through the signed one-time link acts as this case's reporter.
    const byResidentLink = a.channel === 'LINK' && a.actor.role === 'REPORTER' && a.actor.personId === residentActorId(this.state.code);
    if (!byCommandCenter && !byResidentLink) throw forbidden('revisit surveys are recorded by the district command center (or the resident through the one-time link)');
  }

  guardTickOff(a: TickOffInput): void {
    const item = this.state.leader;
    if (!item) throw conflict("the case is not on a district leader's list (包案)");
    if (item.tickedOffAt !== null) throw conflict(`the case was ticked off already (${iso(item.tickedOffAt)})`);
    if (item.personId === null || a.actor.personId !== item.personId || a.actor.unitId !== this.input.intake.units.districtId) {
      throw forbidden(`only the responsible leader (${item.name ?? item.personId ?? 'vacant'}, ${item.level}) ticks this case off`);
    }
    const why = tickOffBlocker(this.state.status, this.state.windows);
    if (why) throw conflict(`the case cannot be ticked off yet: ${why}`);
    if (!a.note?.trim()) throw badInput('note', 'a closing note is required (对单销号)');
  }

  guardUrge(a: UrgeInput): void {
    this.requireStatus(['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW'], 'urge a unit on');
    const policy = this.input.policy.supervision;
    if (!policy) throw conflict('this case started before supervision (督办); it takes no urges');
    if (!(a.actor.role === 'COMMAND_CENTER' && a.actor.unitId === this.input.intake.units.districtId)) {
      throw forbidden('the district command center urges units (催办)');
    }
    const target = this.urgeTarget(a.unitId);
    if (!target) throw badInput('unitId', `${a.unitId} neither holds this case nor has an open call on it`);
    if (target.level !== null && atOrAbove(target.level, 'COMMAND_CENTER')) throw conflict(`the case is held at district level (${target.level}): nobody below to urge`);
    const open = (this.state.urges ?? []).find((u) => u.unitId === target.unitId && isPending(u));
    if (open) throw conflict(`${target.unitId} has an unanswered urge (${open.id}, reply due ${iso(open.replyDueAt)})`);
    if (!urgeGround(target.unitId, this.runningWindows(), this.state.breaches, Date.now())) {
      throw conflict('the case is neither overdue nor at risk (no window past its reminder point): nothing to urge yet');
    }
    const h = a.replyWithinWorkingHours;
    if (h !== undefined && !(h > 0 && h <= policy.maxReplyWorkingHours)) throw badInput('replyWithinWorkingHours', `more than 0, at most ${policy.maxReplyWorkingHours} working hours`);
    if (!a.reason?.trim()) throw badInput('reason', 'say what is expected of the unit');
  }

  guardReplyUrge(a: ReplyUrgeInput): void {
    const u = (this.state.urges ?? []).find((x) => x.id === a.urgeId);
    // Nothing waits for this unit: the state refuses before the urge named is looked at.
    if (!u && !this.urgeAwaiting(a.actor)) throw conflict('no urge waits for your reply');
    if (!u) throw badInput('urgeId', `no urge ${a.urgeId} on this case`);
    if (!this.actsForUrged(a.actor, u)) throw forbidden(`only ${u.unitId}, the unit urged, replies to ${u.id}`);
    if (u.repliedAt !== null) throw conflict(`urge ${u.id} was answered already (${iso(u.repliedAt)})`);
    if (u.noticedAt !== null) throw conflict(`urge ${u.id} became a notice (通报) at ${iso(u.noticedAt)}`);
    if (!a.reply?.trim()) throw badInput('reply', 'say what the unit is doing about it');
  }

  guardSendDown(a: SendDownInput): void {
    const why = sendDownBlocker(this.state);
    if (why) throw conflict(why);
    if (!this.actsAt(a.actor, 'COMMAND_CENTER')) throw forbidden('the district command center sends cases down (派单)');
    // The form's content last: the level and unit, then the reason.
    const target = sendDownTarget(a.level, this.input.intake.units, a.unitId);
    if ('field' in target) throw badInput(target.field, target.message);
    if (!a.reason?.trim()) throw badInput('reason', 'say why this unit takes the case');
  }

  /**
   * The holder asks to pause a running window's clock (CasePolicy.pause). One request or pause at
   * a time; the level above must exist to decide it. The content (which window, why, until when) last.
   */
  guardRequestPause(a: RequestPauseInput): void {
    const policy = this.input.policy.pause;
    if (!policy) throw conflict('this case started before clock pauses; it takes none');
    this.requireStatus(['ACCEPTED', 'IN_PROGRESS'], 'pause the clock of');
    this.requireHolder(a.actor);
    const pending = pendingPause(this.state.pauses);
    if (pending) throw conflict(`pause ${pending.id} is already waiting for a decision`);
    const active = activePause(this.state.pauses);
    if (active) throw conflict(`the ${active.windowKind.toLowerCase()} window is already paused (${active.id}); resume it first`);
    if (pausesUsed(this.state.pauses) >= policy.maxPauses) throw conflict(`this case has used its ${policy.maxPauses} clock pauses`);
    if (!pauseApproverLevel(this.state.level, this.input.policy.ladder, this.input.policy.pause?.approverFrom)) throw conflict('at the top of the ladder there is no level above to approve a pause');
    if (!this.pauseTarget(undefined)) throw conflict(`no pausable window is running (${policy.windows.map((k) => k.toLowerCase()).join(', ')})`);
    if (a.windowKind !== undefined) {
      if (!isPausableKind(a.windowKind) || !policy.windows.includes(a.windowKind)) throw badInput('windowKind', `one of ${policy.windows.join(', ')}`);
      if (!this.pauseTarget(a.windowKind)) throw badInput('windowKind', `no ${a.windowKind.toLowerCase()} window is running`);
    }
    if (!isPauseReasonKind(a.reasonKind)) throw badInput('reasonKind', `one of ${PAUSE_REASON_KINDS.join(', ')}`);
    if (!a.reason?.trim()) throw badInput('reason', 'say what the case waits for');
    if (a.until !== undefined && !(a.until > Date.now())) throw badInput('until', 'the planned end must be in the future');
  }

  /** The level the request names (or one above it, of this case's place) approves or rejects it. */
  guardDecidePause(a: DecidePauseInput): void {
    const p = (this.state.pauses ?? []).find((x) => x.id === a.pauseId);
    if (!p && !pendingPause(this.state.pauses)) throw conflict('no clock pause waits for a decision');
    if (!p) throw badInput('pauseId', `no pause ${a.pauseId} on this case`);
    if (p.status !== 'PENDING') throw conflict(`pause ${p.id} is already ${p.status.toLowerCase()}`);
    const level = levelOfRole(a.actor.role);
    if (!level || !atOrAbove(level, p.approverLevel) || a.actor.unitId !== unitForLevel(level, this.input.intake.units)) {
      throw forbidden(`a clock pause asked at ${this.state.level} is decided by the ${p.approverLevel} of this case or above`);
    }
    if (a.approve && p.until !== null && p.until <= Date.now()) throw conflict(`the pause's planned end (${iso(p.until)}) has passed; reject it`);
    if (!a.reason?.trim()) throw badInput('reason', 'say why');
  }

  /** The holder ends the running pause. */
  guardEndPause(a: EndPauseInput): void {
    const active = activePause(this.state.pauses);
    if (!active) throw conflict('no clock pause is running');
    this.requireHolder(a.actor);
    if (a.pauseId !== active.id) throw badInput('pauseId', `the running pause is ${active.id}`);
  }

  /** The running window a pause of `kind` would stop; without a kind, the first of the policy's kinds that runs. */
  private pauseTarget(kind: string | undefined): OpenWindow | undefined {
    const kinds = kind !== undefined ? [kind] : this.input.policy.pause?.windows ?? [];
    for (const k of kinds) {
      const w = this.state.windows.find((x) => x.kind === k && x.pausedAt === undefined);
      if (w) return w;
    }
    return undefined;
  }

  /** The pause `actor` may decide or end now (for "what may I do here?"), if any. */
  pauseNamed(): Pause | undefined {
    return pendingPause(this.state.pauses) ?? activePause(this.state.pauses);
  }

  /** The unit an urge names: the unit holding the case (no unitId, or its id), or a department with an open call. */
  private urgeTarget(unitId: string | undefined): { unitId: string; level: Level | null; callId: string | null } | null {
    if (!unitId || unitId === this.state.assignee.unitId) return { unitId: this.state.assignee.unitId, level: this.state.level, callId: null };
    const call = this.state.calls.find((c) => c.departmentId === unitId && c.result === null);
    return call ? { unitId, level: null, callId: call.id } : null;
  }

  private actsForUrged(actor: Actor, u: Urge): boolean {
    if (u.level === null) return actor.role === 'DEPARTMENT_OFFICER' && actor.unitId === u.unitId;
    return actor.role === LEVEL_ROLE[u.level] && actor.unitId === u.unitId;
  }

  /** The urge `actor` may answer now (for "what may I do here?"), if any. */
  urgeAwaiting(actor: Actor): Urge | undefined {
    return (this.state.urges ?? []).find((u) => isPending(u) && this.actsForUrged(actor, u));
  }

  private urgedRecipient(u: Pick<Urge, 'unitId' | 'level'>): Assignment | undefined {
    return u.level === null ? this.input.departmentOfficers[u.unitId] : this.holderAt(u.level);
  }

  // ---- actions (handlers: run after their guard passed) ---------------------

  tickOff(a: TickOffInput, now: number): CaseState {
    const item = this.state.leader!;
    item.tickedOffAt = now;
    item.note = a.note;
    this.record(now, 'LEADER_TICKED_OFF', a.actor, { level: item.level, data: { leaderId: a.actor.personId, note: a.note } });
    return this.state;
  }

  urge(a: UrgeInput, now: number): CaseState {
    const policy = this.input.policy.supervision!;
    const t = this.urgeTarget(a.unitId)!;
    const ground = urgeGround(t.unitId, this.runningWindows(), this.state.breaches, now)!;
    const { replyDueAt, noticeAt } = urgeDeadlines(now, a.replyWithinWorkingHours ?? policy.replyWorkingHours, policy, this.calendar);
    const u: Urge = {
      id: `URGE-${this.seq + 1}`, unitId: t.unitId, level: t.level, callId: t.callId, reason: a.reason,
      urgedBy: a.actor.personId, urgedAt: now, replyDueAt, noticeAt, repliedAt: null, reply: null, noticedAt: null,
    };
    (this.state.urges ??= []).push(u);
    this.record(now, 'URGED', a.actor, {
      unitId: u.unitId,
      level: u.level ?? this.state.level,
      data: { urgeId: u.id, unitId: u.unitId, level: u.level, callId: u.callId, ground, reason: a.reason, replyDueAt, noticeAt },
      notify: [this.notice(this.urgedRecipient(u), 'URGED', `Case ${this.state.code}: the command center urges you (催办): ${a.reason}. Reply by ${iso(replyDueAt)}.`)],
    });
    return this.state;
  }

  replyUrge(a: ReplyUrgeInput, now: number): CaseState {
    const u = this.state.urges!.find((x) => x.id === a.urgeId)!;
    u.repliedAt = now;
    u.reply = a.reply;
    this.record(now, 'URGE_REPLIED', a.actor, {
      unitId: u.unitId,
      level: u.level ?? this.state.level,
      data: { urgeId: u.id, unitId: u.unitId, reply: a.reply, late: now > u.replyDueAt },
      notify: [this.notice(this.holderAt('COMMAND_CENTER'), 'URGE_REPLIED', `Case ${this.state.code}: ${u.unitId} replied to ${u.id}: ${a.reply}`)],
    });
    return this.state;
  }

  /**
   * The command center sends the case down (派单/转办) to a unit of its place: the case is
   * REPORTED again at that level, with a fresh accept window from now; a response window not yet
   * met closes (it reopens at the new holder's acceptance, counted from this receipt). The
   * urgent on-site window keeps its due time (the hazard does not wait) and moves with the case.
   */
  sendDown(a: SendDownInput, now: number): CaseState {
    const from = this.state.level;
    const fromStatus = this.state.status as 'REPORTED' | 'ACCEPTED';
    this.closeWindows(['ACCEPT', 'RESPONSE'], now);
    this.moveTo(a.level);
    this.state.status = 'REPORTED';
    const w = this.open('ACCEPT', this.input.policy.windows.accept, now);
    this.state.sentDown = { at: now, from, to: a.level, unitId: this.state.assignee.unitId, reason: a.reason, by: a.actor.personId };
    this.record(now, 'SENT_DOWN', a.actor, {
      level: a.level,
      unitId: this.state.assignee.unitId,
      data: { from, to: a.level, unitId: this.state.assignee.unitId, reason: a.reason, assigneeId: this.state.assignee.personId, fromStatus, acceptDueAt: w.dueAt },
      notify: [this.notice(this.state.assignee, 'CASE_ASSIGNED',
        `Case ${this.state.code} sent down to you by the command center (派单): ${a.reason}. Accept by ${iso(w.dueAt)}.`)],
    });
    return this.state;
  }

  requestPause(a: RequestPauseInput, now: number): CaseState {
    const approver = pauseApproverLevel(this.state.level, this.input.policy.ladder, this.input.policy.pause?.approverFrom)!;
    const w = this.pauseTarget(a.windowKind)!;
    const kind = w.kind as Pause['windowKind'];
    const p: Pause = {
      id: `PAUSE-${this.seq + 1}`, windowId: w.id, windowKind: kind, reasonKind: a.reasonKind, reason: a.reason, until: a.until ?? null,
      requestedBy: a.actor.personId, requestedAt: now, approverLevel: approver, status: 'PENDING',
      decidedBy: null, decidedAt: null, decisionReason: null, pausedAt: null, endedAt: null, endCause: null, pausedMinutes: null,
    };
    (this.state.pauses ??= []).push(p);
    this.openPauseDecision(p.id, approver, now);
    this.record(now, 'PAUSE_REQUESTED', a.actor, {
      data: { pauseId: p.id, windowId: w.id, windowKind: kind, reasonKind: a.reasonKind, reason: a.reason, until: p.until, approverLevel: approver },
      notify: [this.notice(this.holderAt(approver), 'PAUSE_REQUESTED', `Case ${this.state.code} asks to pause its ${kind.toLowerCase()} clock: ${a.reason}`)],
    });
    return this.state;
  }

  decidePause(a: DecidePauseInput, now: number): CaseState {
    const p = this.state.pauses!.find((x) => x.id === a.pauseId)!;
    this.state.windows = this.state.windows.filter((w) => !(w.kind === 'PAUSE_DECISION' && w.refId === p.id));
    Object.assign(p, { decidedBy: a.actor.personId, decidedAt: now, decisionReason: a.reason });
    const w = this.state.windows.find((x) => x.id === p.windowId);
    if (a.approve && w) {
      // The window's timer stops: it neither reminds nor lapses until the pause ends.
      p.status = 'APPROVED';
      p.pausedAt = now;
      w.pausedAt = now;
      this.record(now, 'PAUSE_APPROVED', a.actor, {
        level: this.state.level,
        unitId: this.state.assignee.unitId,
        data: { pauseId: p.id, windowId: w.id, windowKind: p.windowKind, reason: a.reason, until: p.until, dueAt: w.dueAt },
        notify: [this.notice(this.state.assignee, 'PAUSE_APPROVED', `Case ${this.state.code}: the ${p.windowKind.toLowerCase()} clock is paused${p.until !== null ? ` until ${iso(p.until)}` : ''}.`)],
      });
      return this.state;
    }
    p.status = 'REJECTED';
    this.record(now, 'PAUSE_REJECTED', a.actor, {
      level: this.state.level,
      unitId: this.state.assignee.unitId,
      data: { pauseId: p.id, windowKind: p.windowKind, reason: a.reason, withdrawn: false },
      notify: [this.notice(this.state.assignee, 'PAUSE_REJECTED', `Case ${this.state.code}: the clock pause was rejected: ${a.reason}`)],
    });
    return this.state;
  }

  endPauseAction(a: EndPauseInput, now: number): CaseState {
    this.endPause(activePause(this.state.pauses)!, now, now, 'RESUMED', a.actor, a.note ?? null);
    return this.state;
  }

  /**
   * The pause ends at `at` (recorded at `now`): the window's clock runs again, its due time (and a
   * reminder not yet sent) moved by the paused time on its own clock (domain/pause shiftForPause).
   */
  private endPause(p: Pause, at: number, now: number, cause: PauseEndCause, actor: Actor | null, note: string | null): void {
    const w = this.state.windows.find((x) => x.id === p.windowId);
    const from = w?.pausedAt ?? p.pausedAt ?? at;
    p.status = 'ENDED';
    p.endedAt = at;
    p.endCause = cause;
    const fromDueAt = w?.dueAt ?? 0;
    let minutes = 0;
    if (w) {
      const shift = shiftForPause(w, from, at, this.calendar);
      delete w.pausedAt;
      w.dueAt = shift.dueAt;
      w.remindAt = shift.remindAt;
      minutes = shift.minutes;
      w.pausedMinutes = (w.pausedMinutes ?? 0) + minutes;
      if (w.kind === 'COMPLETION') this.state.completionDueAt = w.dueAt;
    }
    p.pausedMinutes = minutes;
    const toDueAt = w?.dueAt ?? 0;
    this.record(now, 'PAUSE_ENDED', actor, {
      level: this.state.level,
      unitId: this.state.assignee.unitId,
      data: { pauseId: p.id, windowId: p.windowId, windowKind: p.windowKind, cause, note, pausedAt: from, endedAt: at, minutes, fromDueAt, toDueAt },
      notify: cause === 'WINDOW_CLOSED' ? [] : [this.notice(this.state.assignee, 'PAUSE_ENDED',
        `Case ${this.state.code}: the ${p.windowKind.toLowerCase()} clock runs again, now due ${iso(toDueAt)}.`)],
    });
  }

  /**
   * A window closes or lapses: a pause running on it ends now (WINDOW_CLOSED), and a request waiting
   * to pause it is withdrawn (its decision window closes). Nothing happens on a case without pauses.
   */
  private settlePauses(w: OpenWindow, now: number, why: string): void {
    const pauses = this.state.pauses;
    if (!pauses) return;
    const active = activePause(pauses);
    if (active && active.windowId === w.id && w.pausedAt !== undefined) this.endPause(active, now, now, 'WINDOW_CLOSED', null, null);
    const pending = pendingPause(pauses);
    if (pending && pending.windowId === w.id) {
      pending.status = 'WITHDRAWN';
      pending.decidedAt = now;
      pending.decisionReason = why;
      this.state.windows = this.state.windows.filter((x) => !(x.kind === 'PAUSE_DECISION' && x.refId === pending.id));
      this.record(now, 'PAUSE_REJECTED', null, {
        level: this.state.level,
        unitId: this.state.assignee.unitId,
        data: { pauseId: pending.id, windowKind: pending.windowKind, reason: why, withdrawn: true },
      });
    }
  }

  private openPauseDecision(pauseId: string, level: Level, startedAt: number): void {
    this.open('PAUSE_DECISION', this.input.policy.windows.extensionDecision, startedAt, {
      level,
      unitId: unitForLevel(level, this.input.intake.units),
      refId: pauseId,
    });
  }

  accept(a: AcceptCaseInput, now: number): CaseState {
    const timing = this.timing('ACCEPT', now);
    this.closeWindows(['ACCEPT'], now);
    this.state.status = 'ACCEPTED';
    // New cases: the street's hour counts from receipt (policy.responseFromReceipt); older ones from now.
    // A case sent down (派单) was received by this unit when it was sent down.
    const received = this.state.sentDown && this.input.policy.responseFromReceipt ? this.state.sentDown.at : undefined;
    this.open('RESPONSE', this.input.policy.windows.response, now, { startedAt: received ?? responseStartsAt(this.input.intake, this.input.policy, now) });
    this.record(now, 'ACCEPTED', a.actor, { data: { note: a.note ?? null, ...timing } });
    // A fast-tracked big matter (CasePolicy.triage): its departments were called at intake, so the
    // acceptance is also its first response (一线呼叫); the street keeps it and reviews their results.
    if (this.input.policy.triage && this.state.calls.length > 0) {
      const response = this.timing('RESPONSE', now);
      this.closeWindows(['RESPONSE'], now);
      this.state.status = 'IN_PROGRESS';
      this.openCompletion(now);
      this.record(now, 'RESPONDED', a.actor, { data: { decision: 'DEPARTMENTS', completionDueAt: this.state.completionDueAt, ...response } });
    }
    return this.state;
  }

  respond(a: RespondCaseInput, now: number): CaseState {
    const timing = this.timing('RESPONSE', now);
    this.closeWindows(['RESPONSE'], now);
    // Re-triage (CasePolicy.triage; the guard required the reason): the kind is corrected first.
    const retriage: Retriage | null = this.input.policy.triage && a.triage !== undefined && a.triage !== this.state.triage
      ? { from: this.state.triage, to: a.triage, reason: a.triageReason!.trim() }
      : null;
    if (retriage) this.state.triage = retriage.to;
    if (a.decision === 'GUIDANCE') {
      this.record(now, 'GUIDANCE_GIVEN', a.actor, {
        // The guard refuses GUIDANCE without a text, so it is always there.
        data: { guidance: a.guidance!, note: a.note ?? null, ...timing, ...(retriage ? { retriage } : {}) },
        notify: [this.reporterNotice('CASE_ANSWERED', `Case ${this.state.code}: ${a.guidance}`)],
      });
      this.close('GUIDANCE', now, a.actor, false);
      return this.state;
    }
    if (a.decision === 'COMMUNITY') {
      this.moveTo('COMMUNITY');
      this.state.triage = 'SMALL';
    }
    this.state.status = 'IN_PROGRESS';
    this.openCompletion(now);
    this.record(now, 'RESPONDED', a.actor, {
      data: {
        decision: a.decision, note: a.note ?? null, assigneeId: this.state.assignee.personId, completionDueAt: this.state.completionDueAt, ...timing,
        ...(retriage ? { retriage } : {}),
      },
      notify: a.decision === 'COMMUNITY'
        ? [this.notice(this.state.assignee, 'CASE_ASSIGNED', `Case ${this.state.code} is yours to handle (small matter) by ${iso(this.state.completionDueAt!)}.`)]
        : [],
    });
    return this.state;
  }

  whistle(a: WhistleInput, now: number): CaseState {
    this.escalate(now, 'WHISTLE', a.actor, a.reason, null);
    return this.state;
  }

  callDepartments(a: CallDepartmentsInput, now: number): CaseState {
    if (this.state.status === 'ACCEPTED') {
      // Calling departments is the first response (一线呼叫).
      const timing = this.timing('RESPONSE', now);
      this.closeWindows(['RESPONSE'], now);
      this.state.status = 'IN_PROGRESS';
      this.openCompletion(now);
      this.record(now, 'RESPONDED', a.actor, { data: { decision: 'DEPARTMENTS', completionDueAt: this.state.completionDueAt, ...timing } });
    }
    for (const c of a.calls) this.addCall(now, a.actor, c, now);
    return this.state;
  }

  /**
   * One department called: the call, its REPORT window (started at `startedAt`) and the fact.
   * `actor` null: called at intake by a big matter's route (政府快办), on the holder's behalf.
   */
  private addCall(now: number, actor: Actor | null, c: CallDepartmentsInput['calls'][number], startedAt: number): void {
    const id = `CALL-${this.seq + 1}`;
    this.state.calls.push({
      id,
      departmentId: c.departmentId,
      calledBy: actor?.personId ?? this.state.assignee.personId ?? this.state.assignee.unitId,
      calledAt: now,
      reportBy: c.reportBy,
      place: c.place,
      ...(c.instructions ? { instructions: c.instructions } : {}),
      reportedAt: null,
      reportedBy: null,
      late: false,
      evidence: [],
      result: null,
      resultAt: null,
    });
    this.state.windows.push(
      openWindow({
        id: `REPORT-${this.seq + 1}`,
        kind: 'REPORT',
        span: this.input.policy.windows.report,
        dueAt: c.reportBy,
        level: this.state.level,
        unitId: c.departmentId,
        startedAt,
        remindFraction: this.input.policy.windows.remindAt,
        calendar: this.calendar,
        refId: id,
      }),
    );
    const officer = this.input.departmentOfficers[c.departmentId];
    this.record(now, 'DEPARTMENT_CALLED', actor, {
      unitId: c.departmentId,
      data: { callId: id, departmentId: c.departmentId, reportBy: c.reportBy, place: c.place, instructions: c.instructions ?? null, ...(actor ? {} : { fastTrack: true as const }) },
      notify: [this.notice(officer, 'DEPARTMENT_CALLED', `Case ${this.state.code}: report at ${c.place} by ${iso(c.reportBy)}.`)],
    });
  }

  reportArrival(a: ReportArrivalInput, now: number): CaseState {
    const call = this.state.calls.find((c) => c.id === a.callId)!;
    call.reportedAt = now;
    call.reportedBy = a.actor.personId;
    call.late = call.late || now > call.reportBy;
    this.state.windows = this.state.windows.filter((w) => !(w.kind === 'REPORT' && w.refId === call.id));
    const evidence = evidenceOf(a.evidence);
    if (evidence) call.evidence.push(...evidence.map((e) => ({ ...e, uploadedBy: a.actor.personId, at: now })));
    // With CasePolicy.site the department's arrival is the case's arrival: it meets the on-site window.
    const onSite = this.input.policy.site ? this.arrive(now) : null;
    this.record(now, 'DEPARTMENT_REPORTED', a.actor, {
      unitId: call.departmentId,
      data: { callId: call.id, late: call.late, reportBy: call.reportBy, ...(evidence ? { evidence } : {}), ...(onSite ? { onSite } : {}) },
    });
    return this.state;
  }

  recordSiteStep(a: SiteStepInput, now: number): CaseState {
    const site = (this.state.site ??= newSiteProgress(this.input.intake.urgent, this.input.intake.reportedAt, this.input.policy.site!));
    const evidence = evidenceOf(a.evidence) ?? [];
    const call = a.callId ? this.state.calls.find((c) => c.id === a.callId)! : null;
    site.steps.push({ step: a.step, at: now, by: a.actor.personId, unitId: a.actor.unitId, callId: call?.id ?? null, note: a.note ?? null, evidence });
    if (call && evidence.length) call.evidence.push(...evidence.map((e) => ({ ...e, uploadedBy: a.actor.personId, at: now })));
    const onSite = a.step === 'ARRIVED' ? this.arrive(now) : null;
    if (a.step === 'CLEARED') site.clearedAt = now;
    this.record(now, 'SITE_STEP', a.actor, {
      unitId: a.actor.unitId,
      data: {
        step: a.step,
        callId: call?.id ?? null,
        note: a.note ?? null,
        evidence,
        ...(onSite ? { onSite } : {}),
        ...(a.step === 'CLEARED' ? { hazardDueAt: site.hazardDueAt, withinPromise: site.hazardDueAt === null ? null : now <= site.hazardDueAt } : {}),
      },
    });
    return this.state;
  }

  recordDeliberationStep(a: DeliberationStepInput, now: number): CaseState {
    const communityId = this.input.intake.units.communityId;
    const corrected = isCorrection(this.state.deliberation, a.step);
    const text = a.text?.trim() ?? '';
    const content = {
      ...(a.step === 'SAY' && a.source?.trim() ? { source: a.source.trim() } : {}),
      ...(a.step === 'DISCUSS' ? { forum: a.forum!, participants: a.participants!.map((p) => ({ name: p.name.trim(), role: p.role.trim(), ...(p.unit?.trim() ? { unit: p.unit.trim() } : {}) })) } : {}),
      ...(a.step === 'DO' ? { stream: a.stream! } : {}),
      ...(a.step === 'EVALUATE'
        ? {
            votes: { satisfied: a.votes!.satisfied, basicallySatisfied: a.votes!.basicallySatisfied, dissatisfied: a.votes!.dissatisfied },
            verdict: verdictOf(a.votes!),
            cadres: a.cadres!.map((c) => c.trim()),
          }
        : {}),
    };
    this.state.deliberation = withStep(this.state.deliberation, communityId, {
      step: a.step, at: now, by: a.actor.personId, unitId: a.actor.unitId, text, ...content, ...(corrected ? { corrected: true } : {}),
    });
    this.record(now, 'DELIBERATION_STEP', a.actor, {
      // Counted for the community (its assessment), whoever of the community or the street recorded it.
      unitId: communityId,
      data: { step: a.step, communityId, text, ...(corrected ? { corrected: true } : {}), ...content },
    });
    return this.state;
  }

  /**
   * The first arrival on site (CasePolicy.site): closes the urgent on-site window (met by the
   * arrival, not the result) and says whether it came in time; null when no such window was open.
   */
  private arrive(now: number): Timing | null {
    const site = (this.state.site ??= newSiteProgress(this.input.intake.urgent, this.input.intake.reportedAt, this.input.policy.site!));
    if (site.arrivedAt !== null) return null;
    site.arrivedAt = now;
    if (!this.state.windows.some((w) => w.kind === 'ON_SITE')) return null;
    const timing = this.timing('ON_SITE', now);
    this.closeWindows(['ON_SITE'], now);
    return timing;
  }

  uploadEvidence(a: UploadEvidenceInput, now: number): CaseState {
    const item = { kind: a.kind, url: a.url, sha256: a.sha256.toLowerCase(), uploadedBy: a.actor.personId, at: now };
    if (a.callId) this.state.calls.find((c) => c.id === a.callId)!.evidence.push(item);
    const received = a.receivedSha256?.toLowerCase();
    this.record(now, 'EVIDENCE_UPLOADED', a.actor, {
      data: { callId: a.callId ?? null, kind: a.kind, url: a.url, sha256: item.sha256, ...(received && received !== item.sha256 ? { receivedSha256: received } : {}) },
    });
    return this.state;
  }

  submitResult(a: SubmitResultInput, now: number): CaseState {
    if (a.callId) {
      const call = this.state.calls.find((c) => c.id === a.callId)!;
      call.result = a.summary;
      call.resultAt = now;
      this.record(now, 'DEPARTMENT_RESULT', a.actor, { unitId: call.departmentId, data: { callId: call.id, summary: a.summary } });
      if (this.state.calls.some((c) => c.result === null)) return this.state;
      // Every called department has answered: the case goes to review.
    } else {
      this.record(now, 'RESULT_SUBMITTED', a.actor, { data: { summary: a.summary } });
    }
    this.state.result = { summary: a.summary, by: a.actor.personId, at: now };
    this.toReview(now);
    return this.state;
  }

  review(a: ReviewCaseInput, now: number): CaseState {
    this.closeWindows(['REVIEW'], now);
    if (a.decision === 'CLOSE') {
      this.record(now, 'REVIEWED_CLOSED', a.actor, { data: { reason: a.reason } });
      this.close('RESOLVED', now, a.actor, true);
      return this.state;
    }
    this.state.status = 'IN_PROGRESS';
    this.state.result = null;
    for (const c of this.state.calls) c.result = null;
    this.reopenCompletionWindow(now);
    this.record(now, 'REVIEW_RETURNED', a.actor, {
      data: { reason: a.reason },
      notify: [this.notice(this.state.assignee, 'CASE_RETURNED', `Case ${this.state.code} was sent back: ${a.reason}`)],
    });
    return this.state;
  }

  planLongTerm(a: PlanLongTermInput, now: number): CaseState {
    this.closeWindows(['RESPONSE', 'COMPLETION', 'ON_SITE', 'REPORT', 'EXTENSION_DECISION', 'PAUSE_DECISION'], now);
    for (const x of this.state.extensions) if (x.status === 'PENDING') x.status = 'REJECTED';
    const span: Span = a.reviewEveryDays ? { clock: 'WALL', days: a.reviewEveryDays } : this.input.policy.windows.planReview;
    this.state.status = 'LONG_TERM_PLAN';
    const w = this.open('PLAN_REVIEW', span, now, { remind: false });
    this.state.longTermPlan = { explanation: a.explanation, since: now, nextReviewAt: w.dueAt, everyDays: a.reviewEveryDays ?? null };
    this.record(now, 'LONG_TERM_PLANNED', a.actor, {
      data: { explanation: a.explanation, nextReviewAt: w.dueAt },
      notify: [this.reporterNotice('CASE_LONG_TERM', `Case ${this.state.code} is on the medium/long-term plan: ${a.explanation}`)],
    });
    return this.state;
  }

  resumePlan(a: ResumePlanInput, now: number): CaseState {
    this.closeWindows(['PLAN_REVIEW'], now);
    this.state.longTermPlan = null;
    this.state.status = 'IN_PROGRESS';
    this.openCompletion(now);
    this.record(now, 'PLAN_RESUMED', a.actor, { data: { note: a.note, completionDueAt: this.state.completionDueAt } });
    return this.state;
  }

  requestExtension(a: RequestExtensionInput, now: number): CaseState {
    const required = extensionApproverLevel(a.days, this.input.policy.extensionRules);
    const id = `EXT-${this.seq + 1}`;
    this.state.extensions.push({
      id,
      days: a.days,
      reason: a.reason,
      requestedBy: a.actor.personId,
      requestedAt: now,
      requiredLevel: required,
      approverLevel: required,
      status: 'PENDING',
      decidedBy: null,
      decidedRole: null,
      decidedUnitId: null,
      decidedAt: null,
      decisionReason: null,
      previousDueAt: null,
      newDueAt: null,
    });
    this.openDecisionWindow(id, required, now);
    this.record(now, 'EXTENSION_REQUESTED', a.actor, {
      data: { requestId: id, days: a.days, reason: a.reason, approverLevel: required },
      notify: [this.notice(this.holderAt(required), 'EXTENSION_REQUESTED', `Case ${this.state.code} asks ${a.days} more working days: ${a.reason}`)],
    });
    return this.state;
  }

  decideExtension(a: DecideExtensionInput, now: number): CaseState {
    const req = this.state.extensions.find((x) => x.id === a.requestId)!;
    this.state.windows = this.state.windows.filter((w) => !(w.kind === 'EXTENSION_DECISION' && w.refId === req.id));
    Object.assign(req, {
      status: a.approve ? 'APPROVED' : 'REJECTED',
      decidedBy: a.actor.personId,
      decidedRole: a.actor.role,
      decidedUnitId: a.actor.unitId,
      decidedAt: now,
      decisionReason: a.reason,
    });
    const completion = this.state.windows.find((w) => w.kind === 'COMPLETION');
    if (a.approve && completion) {
      // Move the running deadline: the workflow's single timer is recomputed, never duplicated.
      req.previousDueAt = completion.dueAt;
      const dueAt = addWorkingDays(completion.dueAt, req.days, this.calendar);
      const fresh = openWindow({
        id: completion.id,
        kind: 'COMPLETION',
        span: this.input.policy.windows.completion,
        dueAt,
        level: completion.level,
        unitId: completion.unitId,
        startedAt: now,
        remindFraction: this.input.policy.windows.remindAt,
        calendar: this.calendar,
      });
      Object.assign(completion, { dueAt: fresh.dueAt, remindAt: fresh.remindAt, reminded: false });
      req.newDueAt = dueAt;
      this.state.completionDueAt = dueAt;
    }
    this.record(now, a.approve ? 'EXTENSION_APPROVED' : 'EXTENSION_REJECTED', a.actor, {
      data: { requestId: req.id, days: req.days, reason: a.reason, previousDueAt: req.previousDueAt, newDueAt: req.newDueAt },
      notify: [this.notice(this.state.assignee, a.approve ? 'EXTENSION_APPROVED' : 'EXTENSION_REJECTED',
        `Case ${this.state.code}: extension ${a.approve ? `approved, due ${iso(req.newDueAt ?? 0)}` : `rejected: ${a.reason}`}`)],
    });
    return this.state;
  }

  recordSurvey(a: RecordSurveyInput, now: number): CaseState {
    this.closeWindows(['SURVEY'], now);
    this.state.survey = {
      satisfaction: a.satisfaction,
      solved: a.solved,
      ...(a.comment ? { comment: a.comment } : {}),
      channel: a.channel,
      at: now,
      recordedBy: a.actor.personId,
      unreachable: false,
    };
    this.record(now, 'SURVEY_RECORDED', a.actor, {
      data: { satisfaction: a.satisfaction, solved: a.solved, comment: a.comment ?? null, channel: a.channel },
    });
    if (a.satisfaction === 'UNSATISFIED' || !a.solved) this.reopen(now, a.actor);
    else this.state.status = 'SURVEYED';
    return this.state;
  }

  // ---- the clock --------------------------------------------------------------

  /** Apply every reminder and lapse due at `now`. Returns true if anything happened. */
  tick(now: number): boolean {
    let changed = false;
    // A pause whose planned end passed ends first (at its planned end), so its window counts again.
    const paused = activePause(this.state.pauses);
    if (paused && paused.until !== null && paused.until <= now) {
      this.endPause(paused, paused.until, now, 'PLANNED_END', null, null);
      changed = true;
    }
    for (;;) {
      const due = this.runningWindows().filter((w) => w.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id))[0];
      if (!due) break;
      this.lapse(due, now);
      changed = true;
    }
    for (const w of this.runningWindows()) {
      if (!w.reminded && w.remindAt !== null && w.remindAt <= now) {
        w.reminded = true;
        changed = true;
        const to = w.kind === 'REPORT' ? this.input.departmentOfficers[w.unitId] : isDecisionWindow(w.kind) ? this.holderAt(w.level) : this.state.assignee;
        const notice = this.notice(to, 'REMINDER', `Case ${this.state.code}: ${w.kind.toLowerCase()} window ends ${iso(w.dueAt)}.`);
        if (w.kind !== 'REPORT') this.deferPage(notice, w.level, now);
        this.record(now, 'REMINDED', null, {
          unitId: w.unitId,
          level: w.level,
          data: { windowId: w.id, kind: w.kind, remindAt: w.remindAt, dueAt: w.dueAt },
          notify: [notice],
        });
      }
    }
    for (const u of this.pendingUrges()) {
      if (u.noticeAt > now) continue;
      // Unanswered: a formal notice (通报) against the unit, told to the unit and the command center.
      u.noticedAt = now;
      changed = true;
      const text = `Case ${this.state.code}: ${u.unitId} did not reply to urge ${u.id} (due ${iso(u.replyDueAt)}); notice (通报) recorded.`;
      this.record(now, 'URGE_NOTICED', null, {
        unitId: u.unitId,
        level: u.level ?? this.state.level,
        data: { urgeId: u.id, unitId: u.unitId, replyDueAt: u.replyDueAt },
        notify: [this.notice(this.urgedRecipient(u), 'URGE_NOTICE', text), this.notice(this.holderAt('COMMAND_CENTER'), 'URGE_NOTICE', text)],
      });
    }
    return changed;
  }

  private lapse(w: OpenWindow, now: number): void {
    this.state.windows = this.state.windows.filter((x) => x !== w);
    if (w.kind === 'SURVEY') {
      this.surveyUnreachable(now);
      return;
    }
    if (w.kind === 'PLAN_REVIEW') {
      const every = this.state.longTermPlan?.everyDays;
      const next = this.open('PLAN_REVIEW', every ? { clock: 'WALL', days: every } : this.input.policy.windows.planReview, now, { remind: false });
      this.state.longTermPlan = this.state.longTermPlan && { ...this.state.longTermPlan, nextReviewAt: next.dueAt };
      this.record(now, 'PLAN_REVIEW_DUE', null, {
        data: { nextReviewAt: next.dueAt },
        notify: [this.notice(this.state.assignee, 'PLAN_REVIEW', `Case ${this.state.code} on the long-term plan is due for review.`)],
      });
      return;
    }
    // A pause asked for this window is withdrawn: the window it would have stopped is gone.
    this.settlePauses(w, now, 'the window lapsed');
    const breach: Breach = { windowId: w.id, kind: w.kind, level: w.level, unitId: w.unitId, dueAt: w.dueAt, at: now, escalatedTo: null };
    this.state.breaches.push(breach);
    if (w.kind === 'REPORT') {
      const call = this.state.calls.find((c) => c.id === w.refId);
      if (call) call.late = true;
    }
    if (w.kind === 'EXTENSION_DECISION') {
      const req = this.state.extensions.find((x) => x.id === w.refId);
      const up = req ? nextLevel(req.approverLevel, this.input.policy.ladder) : null;
      breach.escalatedTo = up;
      this.record(now, 'BREACHED', null, { unitId: w.unitId, level: w.level, data: { ...breachData(breach), requestId: w.refId } });
      if (req && up) {
        req.approverLevel = up;
        // Paced cases restart the decision window from the lapsed due time, as case windows do
        // (the next approver gets the full span however late the timer fired); older cases from the tick.
        this.openDecisionWindow(req.id, up, this.input.policy.pacing ? w.dueAt : now);
        this.record(now, 'EXTENSION_ESCALATED', null, {
          level: up,
          unitId: unitForLevel(up, this.input.intake.units),
          data: { requestId: req.id, approverLevel: up },
          notify: [this.notice(this.holderAt(up), 'EXTENSION_REQUESTED', `Case ${this.state.code}: an extension of ${req.days} days waits for your decision.`)],
        });
      }
      return;
    }
    if (w.kind === 'PAUSE_DECISION') {
      // As an extension's approver: the breach is the approver's, and the request climbs.
      const p = (this.state.pauses ?? []).find((x) => x.id === w.refId);
      const up = p ? nextLevel(p.approverLevel, this.input.policy.ladder) : null;
      breach.escalatedTo = up;
      this.record(now, 'BREACHED', null, { unitId: w.unitId, level: w.level, data: { ...breachData(breach), pauseId: w.refId } });
      if (p && up) {
        p.approverLevel = up;
        this.openPauseDecision(p.id, up, w.dueAt);
        this.record(now, 'PAUSE_ESCALATED', null, {
          level: up,
          unitId: unitForLevel(up, this.input.intake.units),
          data: { pauseId: p.id, approverLevel: up },
          notify: [this.notice(this.holderAt(up), 'PAUSE_REQUESTED', `Case ${this.state.code}: a clock pause (${p.windowKind.toLowerCase()}) waits for your decision: ${p.reason}`)],
        });
      }
      return;
    }
    if (!CASE_WINDOWS.includes(w.kind)) return;
    if (this.input.policy.pacing) {
      this.lapsePaced(w, breach, now);
      return;
    }
    const up = nextLevel(this.state.level, this.input.policy.ladder);
    breach.escalatedTo = up;
    this.record(now, 'BREACHED', null, { unitId: w.unitId, level: w.level, data: breachData(breach) });
    if (up) this.escalate(now, 'BREACH', null, `${w.kind.toLowerCase()} window lapsed at ${w.level}`, w);
    else this.landOnLeaderList(now, `${w.kind.toLowerCase()} window lapsed at the top of the ladder`);
  }

  /**
   * A lapse on a case whose policy carries pacing rules (domain/pacing): the rule for the
   * window's kind, applied from the level that held the window, decides whether the case climbs,
   * stays with the command center's duty desk, or stays while a late department is supervised.
   */
  private lapsePaced(w: OpenWindow, breach: Breach, now: number): void {
    const pacing = this.input.policy.pacing!;
    if (!isPacedWindowKind(w.kind)) return;
    const move = lapseMove(w.kind, w.level, this.input.policy.ladder, pacing);
    const what = `${w.kind.toLowerCase()} window lapsed at ${w.level}`;
    switch (move.move) {
      case 'CLIMB':
        breach.escalatedTo = move.to;
        this.record(now, 'BREACHED', null, { unitId: w.unitId, level: w.level, data: { ...breachData(breach), move: 'CLIMB' } });
        this.escalate(now, 'BREACH', null, what, w, move.to);
        return;
      case 'TOP':
        this.record(now, 'BREACHED', null, { unitId: w.unitId, level: w.level, data: { ...breachData(breach), move: 'TOP' } });
        this.landOnLeaderList(now, `${w.kind.toLowerCase()} window lapsed at the top of the ladder`, pageDeferredUntil(this.state.level, now, pacing, this.calendar));
        return;
      case 'HOLD':
        // The case stays; the duty desk (on duty day and night) re-dispatches it (派单).
        this.record(now, 'BREACHED', null, {
          unitId: w.unitId,
          level: w.level,
          data: { ...breachData(breach), move: 'HOLD', handledBy: move.dutyDesk },
          notify: [this.notice(this.holderAt(move.dutyDesk), 'LAPSE_TO_DISPATCH',
            `Case ${this.state.code}: ${what} (${this.state.status.toLowerCase()}, held by ${this.state.level}); dispatch it (派单).`)],
        });
        return;
      case 'SUPERVISE': {
        // The department's breach: the case stays with the level that called it; the supervisor presses the department.
        const call = this.state.calls.find((c) => c.id === w.refId);
        this.record(now, 'BREACHED', null, {
          unitId: w.unitId,
          level: w.level,
          data: { ...breachData(breach), move: 'SUPERVISE', handledBy: move.by },
          notify: [this.notice(this.holderAt(move.by), 'DEPARTMENT_LATE',
            `Case ${this.state.code}: department ${call?.departmentId ?? w.unitId} did not report (报到) by ${iso(w.dueAt)}; supervise (督办).`)],
        });
        return;
      }
    }
  }

  /** On a paced case, hold a page to `level` until the next office time when it is caused outside office hours. */
  private deferPage(n: NotificationRecord, level: Level, now: number): number | null {
    const pacing = this.input.policy.pacing;
    if (!pacing) return null;
    const until = pageDeferredUntil(level, now, pacing, this.calendar);
    if (until !== null && until > now) n.notBefore = until;
    return until;
  }

  // ---- transitions shared by actions and the clock ----------------------------

  private escalate(now: number, cause: 'BREACH' | 'WHISTLE' | 'REOPEN_LIMIT', actor: Actor | null, reason: string, lapsed: OpenWindow | null, target?: Level): void {
    const from = this.state.level;
    const to = target ?? nextLevel(from, this.input.policy.ladder);
    if (!to) return;
    this.moveTo(to);
    // The lapsed window restarts in full at the new level; the others keep their due time.
    // It starts at the lapsed due time, so the new level gets the full span however late the timer fired.
    if (lapsed && lapsed.kind !== 'REPORT') {
      const span = windowSpan(lapsed.kind, this.input.policy);
      const w = this.open(lapsed.kind, span, lapsed.dueAt);
      if (lapsed.kind === 'COMPLETION') this.state.completionDueAt = w.dueAt;
    } else if (lapsed?.kind === 'REPORT') {
      // The department still owes its report; the higher level now presses it.
      this.state.windows.push(
        openWindow({
          id: `REPORT-${this.seq + 1}`,
          kind: 'REPORT',
          span: this.input.policy.windows.report,
          level: to,
          unitId: lapsed.unitId,
          startedAt: lapsed.dueAt,
          remindFraction: this.input.policy.windows.remindAt,
          calendar: this.calendar,
          ...(lapsed.refId ? { refId: lapsed.refId } : {}),
        }),
      );
    }
    const page = this.notice(this.state.assignee, 'CASE_ESCALATED', `Case ${this.state.code} escalated to you (${cause.toLowerCase()}): ${reason}`);
    // Only the clock is held to office hours: a whistle is a person's decision to page now.
    const deferredUntil = cause === 'BREACH' ? this.deferPage(page, to, now) : null;
    const notify = [page];
    const pacing = this.input.policy.pacing;
    if (deferredUntil !== null && pacing) {
      // Tonight the on-duty command center handles it; the leader finds it on the morning list.
      notify.push(this.notice(this.holderAt(pacing.dutyDesk), 'NIGHT_DUTY',
        `Case ${this.state.code} reached the ${to} outside office hours (${reason}); the duty desk handles it until ${iso(deferredUntil)}.`));
    }
    this.record(now, 'ESCALATED', actor, {
      level: to,
      unitId: this.state.assignee.unitId,
      data: { from, to, cause, reason, assigneeId: this.state.assignee.personId, ...(deferredUntil !== null ? { deferredUntil } : {}) },
      notify,
    });
    const lists = this.input.policy.leaderList;
    if (lists && needsLeaderAt(to, false, lists)) this.assignLeader(now, to, reason);
    if (isTop(to, this.input.policy.ladder)) this.landOnLeaderList(now, reason, deferredUntil);
  }

  /**
   * After a directory change: the item not yet ticked off moves to whoever the directory now names
   * at its level (LeaderListPolicy.followsPost), so a leader who left the post does not keep cases
   * nobody else may tick off. Whether anything was recorded.
   */
  private leaderFollowsPost(now: number, reason: string | undefined): boolean {
    const item = this.state.leader;
    if (!this.input.policy.leaderList?.followsPost || !item || item.tickedOffAt !== null) return false;
    const before = item.personId;
    this.assignLeader(now, item.level, `the post changed hands: ${reason ?? 'the directory changed'}`);
    return this.state.leader?.personId !== before;
  }

  /**
   * The case's responsible leader (包案) is now the directory's person at `level` (policy.leaderList):
   * the item moves to their list. Nothing is recorded when that person has it already.
   */
  private assignLeader(now: number, level: Level, reason: string): void {
    const holder = this.holderAt(level);
    const before = this.state.leader;
    if (before && before.level === level && before.personId === (holder.personId ?? null)) return;
    this.state.leader = { personId: holder.personId ?? null, name: holder.personName ?? null, level, since: now, tickedOffAt: null, note: null };
    this.record(now, 'LEADER_ASSIGNED', null, {
      level,
      unitId: holder.unitId,
      data: { leaderId: holder.personId ?? null, leaderName: holder.personName ?? null, leaderLevel: level, previousLeaderId: before?.personId ?? null, reason },
    });
  }

  private landOnLeaderList(now: number, reason: string, deferredUntil: number | null = null): void {
    if (this.state.onLeaderList) return;
    this.state.onLeaderList = true;
    const page = this.notice(this.state.assignee, 'LEADER_CASE', `Case ${this.state.code} is on the district leaders' case list (包案).`);
    if (deferredUntil !== null && deferredUntil > now) page.notBefore = deferredUntil;
    this.record(now, 'LEADER_LISTED', null, {
      level: this.state.level,
      unitId: this.state.assignee.unitId,
      data: { reason, ...(deferredUntil !== null ? { deferredUntil } : {}) },
      notify: [page],
    });
    // A ladder topped below the leader levels still names the person at its top (the list needs one).
    const lists = this.input.policy.leaderList;
    if (lists && needsLeaderAt(this.state.level, true, lists)) this.assignLeader(now, this.state.level, reason);
  }

  /** Reassign the case to `level` and move the case windows it holds there. */
  private moveTo(level: Level): void {
    this.state.level = level;
    this.state.assignee = this.holderAt(level);
    for (const w of this.state.windows) {
      if (movesWithCase(w.kind)) {
        w.level = level;
        w.unitId = this.state.assignee.unitId;
      }
    }
  }

  private toReview(now: number): void {
    const timing = this.timing('COMPLETION', now);
    this.closeWindows(['COMPLETION', 'ON_SITE', 'REPORT'], now);
    this.state.status = 'PENDING_REVIEW';
    const level = this.reviewLevel();
    this.open('REVIEW', this.input.policy.windows.review, now, { level, unitId: unitForLevel(level, this.input.intake.units) });
    this.record(now, 'REVIEW_REQUESTED', null, {
      level,
      unitId: unitForLevel(level, this.input.intake.units),
      data: { handlerUnitId: this.state.assignee.unitId, handlerLevel: this.state.level, ...timing },
      notify: [this.notice(this.holderAt(level), 'REVIEW_REQUESTED', `Case ${this.state.code} awaits your review and closing (审核结案).`)],
    });
  }

  private close(resolution: 'RESOLVED' | 'GUIDANCE', now: number, actor: Actor, survey: boolean): void {
    this.closeWindows(['ACCEPT', 'RESPONSE', 'ON_SITE', 'COMPLETION', 'REPORT', 'REVIEW', 'EXTENSION_DECISION', 'PAUSE_DECISION'], now);
    for (const x of this.state.extensions) if (x.status === 'PENDING') x.status = 'REJECTED';
    this.state.status = 'CLOSED';
    this.state.resolution = resolution;
    if (survey) {
      const district = this.input.intake.units.districtId;
      this.open('SURVEY', this.input.policy.windows.survey, now, { level: 'COMMAND_CENTER', unitId: district });
    }
    this.record(now, 'CLOSED', actor, {
      data: {
        resolution,
        handlerUnitId: this.state.assignee.unitId,
        handlerLevel: this.state.level,
        completionDueAt: this.state.completionDueAt,
        surveyDueAt: this.state.windows.find((w) => w.kind === 'SURVEY')?.dueAt ?? null,
      },
      notify: [this.reporterNotice('CASE_CLOSED', `Case ${this.state.code} is closed (${resolution.toLowerCase()}).`)],
    });
  }

  private reopen(now: number, actor: Actor | null): void {
    this.state.reopenCount += 1;
    this.state.status = 'IN_PROGRESS';
    this.state.resolution = null;
    this.state.result = null;
    for (const c of this.state.calls) c.result = null;
    this.openCompletion(now);
    this.record(now, 'REOPENED', actor, {
      data: { reopenCount: this.state.reopenCount, completionDueAt: this.state.completionDueAt },
      notify: [this.notice(this.state.assignee, 'CASE_REOPENED', `Case ${this.state.code} reopened after the revisit survey.`)],
    });
    if (this.state.reopenCount > this.input.policy.maxReopens && rank(this.state.level) < rank('COMMAND_CENTER')) {
      while (rank(this.state.level) < rank('COMMAND_CENTER') && nextLevel(this.state.level, this.input.policy.ladder)) {
        this.escalate(now, 'REOPEN_LIMIT', null, `reopened ${this.state.reopenCount} times`, null);
      }
    }
  }

  private surveyUnreachable(now: number): void {
    const policy = this.input.policy.unreachablePolicy;
    this.state.survey = { satisfaction: policy === 'SATISFIED' ? 'SATISFIED' : null, solved: null, channel: 'NONE', at: now, recordedBy: null, unreachable: true };
    this.state.status = 'SURVEYED';
    this.record(now, 'SURVEY_UNREACHABLE', null, { level: 'COMMAND_CENTER', unitId: this.input.intake.units.districtId, data: { policy } });
  }

  // ---- helpers ------------------------------------------------------------------

  /** Whether an action closing a window of `kind` came in time (for assessment). */
  private timing(kind: WindowKind, now: number): Timing {
    const w = this.state.windows.find((x) => x.kind === kind);
    if (!w) return { windowDueAt: null, onTime: null };
    // Met while paused: the pause ends now, so the paused time is out of the verdict (CasePolicy.pause).
    this.settlePauses(w, now, 'the window closed');
    return { windowDueAt: w.dueAt, onTime: now <= w.dueAt, ...(w.pausedMinutes ? { pausedMinutes: w.pausedMinutes } : {}) };
  }

  private openCompletion(now: number): void {
    this.closeWindows(['COMPLETION'], now);
    const w = this.open('COMPLETION', this.input.policy.windows.completion, now);
    this.state.completionDueAt = w.dueAt;
  }

  /** Back from review: the deadline in force stands (it may lapse at once). */
  private reopenCompletionWindow(now: number): void {
    const dueAt = this.state.completionDueAt ?? undefined;
    const w = this.open('COMPLETION', this.input.policy.windows.completion, now, dueAt !== undefined ? { dueAt: Math.max(dueAt, now) } : {});
    this.state.completionDueAt = w.dueAt;
  }

  private openDecisionWindow(requestId: string, level: Level, now: number): void {
    this.open('EXTENSION_DECISION', this.input.policy.windows.extensionDecision, now, {
      level,
      unitId: unitForLevel(level, this.input.intake.units),
      refId: requestId,
    });
  }

  private open(kind: WindowKind, span: Span, now: number, o: { level?: Level; unitId?: string; refId?: string; dueAt?: number; remind?: boolean; startedAt?: number } = {}): OpenWindow {
    const w = openWindow({
      id: `${kind}-${this.seq + 1}`,
      kind,
      span,
      level: o.level ?? this.state.level,
      unitId: o.unitId ?? this.state.assignee.unitId,
      startedAt: o.startedAt ?? now,
      remindFraction: o.remind === false ? 0 : this.input.policy.windows.remindAt,
      calendar: this.calendar,
      ...(o.refId !== undefined ? { refId: o.refId } : {}),
      ...(o.dueAt !== undefined ? { dueAt: o.dueAt } : {}),
    });
    this.state.windows.push(w);
    return w;
  }

  /**
   * Close every open window of these kinds. A pause on one of them ends first (its paused time
   * moves the due time, WINDOW_CLOSED), and a pause request waiting for one is withdrawn.
   */
  private closeWindows(kinds: WindowKind[], now: number): void {
    for (const w of this.state.windows) {
      if (!kinds.includes(w.kind)) continue;
      this.settlePauses(w, now, 'the window closed');
    }
    this.state.windows = this.state.windows.filter((w) => !kinds.includes(w.kind));
  }

  /** Open windows whose clock runs (a paused window neither reminds, lapses, nor puts the case at risk). */
  private runningWindows(): OpenWindow[] {
    return this.state.windows.filter((w) => w.pausedAt === undefined);
  }

  /** Review and close is done by the street sub-center, or by the level holding the case if higher. */
  private reviewLevel(): Level {
    return atOrAbove(this.state.level, 'STREET') ? this.state.level : 'STREET';
  }

  private holderAt(level: Level): Assignment {
    return this.directory[level] ?? { level, unitId: unitForLevel(level, this.input.intake.units), personId: null, personName: null };
  }

  /** Whether the actor holds `level` for this case's place. */
  private actsAt(actor: Actor, level: Level): boolean {
    return actor.role === LEVEL_ROLE[level] && actor.unitId === unitForLevel(level, this.input.intake.units);
  }

  private requireHolder(actor: Actor): void {
    if (!this.actsAt(actor, this.state.level)) {
      throw forbidden(`case ${this.state.code} is held by the ${this.state.level} (${this.state.assignee.unitId}); ${actor.role} of ${actor.unitId} may not act on it`);
    }
  }

  private requireStatus(allowed: CaseState['status'][], what: string): void {
    if (!allowed.includes(this.state.status)) {
      throw conflict(`cannot ${what} a case that is ${this.state.status}`);
    }
  }

  private requireCallOf(actor: Actor, callId: string) {
    if (!ACTIVE.has(this.state.status)) throw conflict(`the case is ${this.state.status}`);
    const call = this.state.calls.find((c) => c.id === callId);
    if (!call) throw badInput('callId', `no call ${callId} on this case`);
    if (!(actor.role === 'DEPARTMENT_OFFICER' && actor.unitId === call.departmentId)) {
      throw forbidden(`only an officer of ${call.departmentId} may act on call ${callId}`);
    }
    return call;
  }

  private notice(to: Assignment | undefined, kind: string, message: string): NotificationRecord {
    return { recipientId: to?.personId ?? null, recipientUnitId: to?.unitId ?? null, kind, message };
  }

  private reporterNotice(kind: string, message: string): NotificationRecord {
    return { recipientId: null, recipientUnitId: null, kind: `REPORTER_${kind}`, message };
  }

  /** Append a fact; its data must have the shape domain/facts declares for its type. */
  private record<T extends FactType>(
    now: number,
    type: T,
    actor: Actor | null,
    o: { unitId?: string | null; level?: Level | null; data: FactData<T>; notify?: NotificationRecord[] },
  ): void {
    this.seq += 1;
    this.state.lastEventSeq = this.seq;
    this.state.updatedAt = now;
    this.pending.push({
      event: {
        seq: this.seq,
        type,
        at: now,
        actorId: actor?.personId ?? null,
        actorRole: actor?.role ?? null,
        unitId: o.unitId !== undefined ? o.unitId : actor?.unitId ?? this.state.assignee.unitId,
        level: o.level !== undefined ? o.level : this.state.level,
        data: o.data,
      },
      notifications: o.notify ?? [],
    });
  }
}

/** The actor id a resident uses when answering a case's survey through its one-time link. */
export function residentActorId(code: string): string {
  return `resident:${code}`;
}

function recordedWindow(w: OpenWindow): RecordedWindow {
  return { id: w.id, kind: w.kind, level: w.level, unitId: w.unitId, dueAt: w.dueAt, remindAt: w.remindAt, ...(w.refId !== undefined ? { refId: w.refId } : {}) };
}

function breachData(b: Breach): BreachData {
  return { windowId: b.windowId, kind: b.kind, dueAt: b.dueAt, escalatedTo: b.escalatedTo, lateMs: b.at - b.dueAt };
}

/** Evidence references as the evidence action checks them (the API checked the URL's form). */
function guardEvidence(evidence: EvidenceRef[] | undefined): void {
  if (evidence === undefined) return;
  if (evidence.length > 10) throw badInput('evidence', 'at most 10 items');
  for (const e of evidence) if (!/^[0-9a-f]{64}$/i.test(e.sha256)) throw badInput('evidence.sha256', '64 hexadecimal characters');
}

/** The references as recorded (hash in lower case); undefined when none were given. */
function evidenceOf(evidence: EvidenceRef[] | undefined): EvidenceRef[] | undefined {
  return evidence?.length ? evidence.map((e) => ({ kind: e.kind, url: e.url, sha256: e.sha256.toLowerCase() })) : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
