// Every human action on a case, declared once: the API's name for it (the path segment
// after /cases/:code/, as domain/access names it), the workflow update it sends, the
// guard the update's validator runs against the live state, and the effect its handler
// applies. Sandbox-safe: bundled into the workflow (imports only domain/ types and messages).
// The workflow registers its update handlers by looping over this table; the API builds
// its routes from it (api/routes/caseActions.ts adds the HTTP-only pieces).
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { ACTION_RULES, CASE_ACTIONS, type ActionRule, type CaseAction } from '../domain/actionRules';
import type { Actor, DepartmentCall } from '../domain/types';
import type { CaseMachine } from './caseMachine';
import {
  BAD_INPUT_ERROR,
  CONFLICT_ERROR,
  FORBIDDEN_ERROR,
  type ActionRefusal,
  type ActionVerdict,
  acceptCaseUpdate,
  callDepartmentsUpdate,
  decideExtensionUpdate,
  decidePauseUpdate,
  endPauseUpdate,
  requestPauseUpdate,
  planLongTermUpdate,
  recordDeliberationStepUpdate,
  recordSiteStepUpdate,
  recordSurveyUpdate,
  replyToUrgeUpdate,
  reportArrivalUpdate,
  requestExtensionUpdate,
  respondCaseUpdate,
  resumePlanUpdate,
  reviewCaseUpdate,
  sendDownUpdate,
  submitResultUpdate,
  tickOffLeaderCaseUpdate,
  uploadEvidenceUpdate,
  urgeUnitUpdate,
  whistleUpdate,
  type CaseState,
  type SiteStepInput,
  type SubmitResultInput,
  type UploadEvidenceInput,
} from './messages';

/** One action: its update, and the guard and effect typed by the update's input. */
export interface ActionDecl<I> {
  update: UpdateDefinition<CaseState, [I]>;
  /** Validator: throws (ApplicationFailure) when the action is not allowed now; changes nothing. */
  guard: (machine: CaseMachine, input: I) => void;
  /** Handler: applies the action and returns the new state. */
  effect: (machine: CaseMachine, input: I, now: number) => CaseState;
  /**
   * What "may this actor do it now?" hands the guard: the actor and the target the action
   * names (a call, an extension request), picked from the live state — never the form's
   * content, which the person has not written yet. A refusal when there is nothing to name.
   * Absent: the actor alone.
   */
  probe?: (machine: CaseMachine, actor: Actor) => Probe<I> | ActionRefusal;
}

/** A probe input: the actor and the target, without the content the form supplies. */
export type Probe<I> = Partial<I> & { actor: Actor };

/** Keeps the input type of each entry tied to its update definition. */
export const defineAction = <I>(decl: ActionDecl<I>): ActionDecl<I> => decl;

/** The actor's own department call, the one the action most likely means: `prefer`red first, then an open one, then the latest. */
function callOf(m: CaseMachine, actor: Actor, prefer: (c: DepartmentCall) => boolean): DepartmentCall | undefined {
  const mine = m.state.calls.filter((c) => c.departmentId === actor.unitId);
  return mine.find((c) => prefer(c) && c.result === null) ?? mine.find((c) => c.result === null) ?? mine[mine.length - 1];
}

const noCall = (m: CaseMachine, actor: Actor): ActionRefusal => ({ type: FORBIDDEN_ERROR, message: `case ${m.state.code} has no call to ${actor.unitId}` });

/** A department officer names its own call (as domain/actionRules requires); the ladder roles act as the holder, without one. */
const probeCallStep =
  <I extends { actor: Actor; callId?: string }>(prefer: (c: DepartmentCall) => boolean) =>
  (m: CaseMachine, actor: Actor): Probe<I> | ActionRefusal => {
    if (actor.role !== 'DEPARTMENT_OFFICER') return { actor } as Probe<I>;
    const call = callOf(m, actor, prefer);
    return call ? ({ actor, callId: call.id } as Probe<I>) : noCall(m, actor);
  };

export const CASE_ACTION_TABLE = {
  accept: defineAction({ update: acceptCaseUpdate, guard: (m, i) => m.guardAccept(i), effect: (m, i, n) => m.accept(i, n) }),
  respond: defineAction({ update: respondCaseUpdate, guard: (m, i) => m.guardRespond(i), effect: (m, i, n) => m.respond(i, n) }),
  whistle: defineAction({ update: whistleUpdate, guard: (m, i) => m.guardWhistle(i), effect: (m, i, n) => m.whistle(i, n) }),
  calls: defineAction({ update: callDepartmentsUpdate, guard: (m, i) => m.guardCallDepartments(i), effect: (m, i, n) => m.callDepartments(i, n) }),
  report: defineAction({
    update: reportArrivalUpdate, guard: (m, i) => m.guardReportArrival(i), effect: (m, i, n) => m.reportArrival(i, n),
    probe: (m, actor) => {
      const call = callOf(m, actor, (c) => c.reportedAt === null);
      return call ? { actor, callId: call.id } : noCall(m, actor);
    },
  }),
  evidence: defineAction({
    update: uploadEvidenceUpdate, guard: (m, i) => m.guardUploadEvidence(i), effect: (m, i, n) => m.uploadEvidence(i, n),
    probe: probeCallStep<UploadEvidenceInput>((c) => c.reportedAt !== null),
  }),
  result: defineAction({
    update: submitResultUpdate, guard: (m, i) => m.guardSubmitResult(i), effect: (m, i, n) => m.submitResult(i, n),
    probe: probeCallStep<SubmitResultInput>((c) => c.reportedAt !== null),
  }),
  review: defineAction({ update: reviewCaseUpdate, guard: (m, i) => m.guardReview(i), effect: (m, i, n) => m.review(i, n) }),
  'long-term-plan': defineAction({ update: planLongTermUpdate, guard: (m, i) => m.guardPlanLongTerm(i), effect: (m, i, n) => m.planLongTerm(i, n) }),
  resume: defineAction({ update: resumePlanUpdate, guard: (m, i) => m.guardResumePlan(i), effect: (m, i, n) => m.resumePlan(i, n) }),
  extensions: defineAction({ update: requestExtensionUpdate, guard: (m, i) => m.guardRequestExtension(i), effect: (m, i, n) => m.requestExtension(i, n) }),
  'extension-decision': defineAction({
    update: decideExtensionUpdate, guard: (m, i) => m.guardDecideExtension(i), effect: (m, i, n) => m.decideExtension(i, n),
    // At most one request waits at a time; otherwise the latest says why it cannot be decided.
    probe: (m, actor) => {
      const xs = m.state.extensions;
      const req = xs.find((x) => x.status === 'PENDING') ?? xs[xs.length - 1];
      return req ? { actor, requestId: req.id } : { type: CONFLICT_ERROR, message: 'no extension request is waiting for a decision' };
    },
  }),
  survey: defineAction({ update: recordSurveyUpdate, guard: (m, i) => m.guardRecordSurvey(i), effect: (m, i, n) => m.recordSurvey(i, n) }),
  'tick-off': defineAction({ update: tickOffLeaderCaseUpdate, guard: (m, i) => m.guardTickOff(i), effect: (m, i, n) => m.tickOff(i, n) }),
  urge: defineAction({ update: urgeUnitUpdate, guard: (m, i) => m.guardUrge(i), effect: (m, i, n) => m.urge(i, n) }),
  'urge-reply': defineAction({
    update: replyToUrgeUpdate, guard: (m, i) => m.guardReplyUrge(i), effect: (m, i, n) => m.replyUrge(i, n),
    // The urge waiting for this actor's unit, if any (without one the guard says so); a department
    // names its call too, as the access rules require of it.
    probe: (m, actor) => {
      const u = m.urgeAwaiting(actor);
      const callId = actor.role === 'DEPARTMENT_OFFICER' ? (u?.callId ?? callOf(m, actor, () => true)?.id) : undefined;
      if (actor.role === 'DEPARTMENT_OFFICER' && !callId) return noCall(m, actor);
      return { actor, ...(u ? { urgeId: u.id } : {}), ...(callId ? { callId } : {}) };
    },
  }),
  'on-site': defineAction({
    update: recordSiteStepUpdate, guard: (m, i) => m.guardSiteStep(i), effect: (m, i, n) => m.recordSiteStep(i, n),
    // A department acts on its reported call; the holder without one.
    probe: probeCallStep<SiteStepInput>((c) => c.reportedAt !== null),
  }),
  'send-down': defineAction({ update: sendDownUpdate, guard: (m, i) => m.guardSendDown(i), effect: (m, i, n) => m.sendDown(i, n) }),
  deliberate: defineAction({ update: recordDeliberationStepUpdate, guard: (m, i) => m.guardDeliberationStep(i), effect: (m, i, n) => m.recordDeliberationStep(i, n) }),
  pause: defineAction({ update: requestPauseUpdate, guard: (m, i) => m.guardRequestPause(i), effect: (m, i, n) => m.requestPause(i, n) }),
  'pause-decision': defineAction({
    update: decidePauseUpdate, guard: (m, i) => m.guardDecidePause(i), effect: (m, i, n) => m.decidePause(i, n),
    // At most one request waits at a time.
    probe: (m, actor) => {
      const p = m.pauseNamed();
      return p && p.status === 'PENDING' ? { actor, pauseId: p.id } : { type: CONFLICT_ERROR, message: 'no clock pause waits for a decision' };
    },
  }),
  'pause-end': defineAction({
    update: endPauseUpdate, guard: (m, i) => m.guardEndPause(i), effect: (m, i, n) => m.endPauseAction(i, n),
    probe: (m, actor) => {
      const p = m.pauseNamed();
      return p && p.status === 'APPROVED' ? { actor, pauseId: p.id } : { type: CONFLICT_ERROR, message: 'no clock pause is running' };
    },
  }),
} satisfies Record<CaseAction, object>;

export type CaseActionTable = typeof CASE_ACTION_TABLE;

/** The update input of one action. */
export type ActionInput<A extends CaseAction> = CaseActionTable[A] extends ActionDecl<infer I> ? I : never;

/** The role rule of an action (who may ever attempt it): declared once in domain/actionRules, keyed like this table. */
export const ruleOf = (action: CaseAction): ActionRule => ACTION_RULES[action];

/** Input fields that name something in the state: a BadInput about one says the target is missing, not the form. */
const TARGET_FIELDS: ReadonlySet<string> = new Set(['callId', 'requestId', 'urgeId', 'pauseId']);
const REFUSALS: ReadonlySet<string> = new Set([FORBIDDEN_ERROR, CONFLICT_ERROR, BAD_INPUT_ERROR]);

/**
 * How a probe's guard failure reads. Forbidden and InvalidTransition refuse. BadInput about
 * the content (a reason, a summary, the departments) means the guard got past every state
 * check — guards check content last (workflows/caseMachine) — so the action is allowed and the
 * form supplies the rest; BadInput about a target the probe named from the state refuses.
 * Anything else is a bug in a guard and is rethrown.
 */
export function classifyProbeFailure(err: unknown): { allowed: true } | { allowed: false; refusal: ActionRefusal } {
  if (!(err instanceof ApplicationFailure) || !err.type || !REFUSALS.has(err.type)) throw err;
  const details = Array.isArray(err.details) && err.details.length ? [...err.details] : undefined;
  if (err.type === BAD_INPUT_ERROR) {
    const field = (details?.[0] as { field?: unknown } | undefined)?.field;
    if (typeof field === 'string' && !TARGET_FIELDS.has(field.split('.')[0])) return { allowed: true };
  }
  return { allowed: false, refusal: { type: err.type, message: err.message, ...(details ? { details } : {}) } };
}

/** One action probed for `actor` on the machine's live state. Changes nothing: guards only read. */
export function probeAction(machine: CaseMachine, action: CaseAction, actor: Actor): ActionVerdict {
  const decl = CASE_ACTION_TABLE[action] as ActionDecl<{ actor: Actor }>;
  const probe = decl.probe ? decl.probe(machine, actor) : { actor };
  if (!('actor' in probe)) return { action, allowed: false, refusal: probe };
  const { actor: _actor, ...target } = probe as Probe<{ actor: Actor; callId?: string; requestId?: string; urgeId?: string; pauseId?: string }>;
  const named = Object.keys(target).length ? { target } : {};
  try {
    // Without its content on purpose: guards read it last, and a BadInput about it means "allowed".
    decl.guard(machine, probe as { actor: Actor });
    return { action, allowed: true, ...named };
  } catch (err) {
    const v = classifyProbeFailure(err);
    return v.allowed ? { action, allowed: true, ...named } : { action, allowed: false, ...named, refusal: v.refusal };
  }
}

/** Every action probed for `actor`, in the table's order (the getAllowedActions query). */
export function allowedActions(machine: CaseMachine, actor: Actor): ActionVerdict[] {
  return CASE_ACTIONS.map((a) => probeAction(machine, a, actor));
}
