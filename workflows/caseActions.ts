// Every human action on a case, declared once: the API's name for it (the path segment
// after /cases/:code/, as domain/access names it), the workflow update it sends, the
// guard the update's validator runs against the live state, and the effect its handler
// applies. Sandbox-safe: bundled into the workflow (imports only domain/ types and messages).
// The workflow registers its update handlers by looping over this table; the API builds
// its routes from it (api/routes/caseActions.ts adds the HTTP-only pieces).
import type { UpdateDefinition } from '@temporalio/common';
import { ACTION_RULES, type ActionRule, type CaseAction } from '../domain/actionRules';
import type { CaseMachine } from './caseMachine';
import {
  acceptCaseUpdate,
  callDepartmentsUpdate,
  decideExtensionUpdate,
  planLongTermUpdate,
  recordSurveyUpdate,
  reportArrivalUpdate,
  requestExtensionUpdate,
  respondCaseUpdate,
  resumePlanUpdate,
  reviewCaseUpdate,
  submitResultUpdate,
  uploadEvidenceUpdate,
  whistleUpdate,
  type CaseState,
} from './messages';

/** One action: its update, and the guard and effect typed by the update's input. */
export interface ActionDecl<I> {
  update: UpdateDefinition<CaseState, [I]>;
  /** Validator: throws (ApplicationFailure) when the action is not allowed now; changes nothing. */
  guard: (machine: CaseMachine, input: I) => void;
  /** Handler: applies the action and returns the new state. */
  effect: (machine: CaseMachine, input: I, now: number) => CaseState;
}

/** Keeps the input type of each entry tied to its update definition. */
export const defineAction = <I>(decl: ActionDecl<I>): ActionDecl<I> => decl;

export const CASE_ACTION_TABLE = {
  accept: defineAction({ update: acceptCaseUpdate, guard: (m, i) => m.guardAccept(i), effect: (m, i, n) => m.accept(i, n) }),
  respond: defineAction({ update: respondCaseUpdate, guard: (m, i) => m.guardRespond(i), effect: (m, i, n) => m.respond(i, n) }),
  whistle: defineAction({ update: whistleUpdate, guard: (m, i) => m.guardWhistle(i), effect: (m, i, n) => m.whistle(i, n) }),
  calls: defineAction({ update: callDepartmentsUpdate, guard: (m, i) => m.guardCallDepartments(i), effect: (m, i, n) => m.callDepartments(i, n) }),
  report: defineAction({ update: reportArrivalUpdate, guard: (m, i) => m.guardReportArrival(i), effect: (m, i, n) => m.reportArrival(i, n) }),
  evidence: defineAction({ update: uploadEvidenceUpdate, guard: (m, i) => m.guardUploadEvidence(i), effect: (m, i, n) => m.uploadEvidence(i, n) }),
  result: defineAction({ update: submitResultUpdate, guard: (m, i) => m.guardSubmitResult(i), effect: (m, i, n) => m.submitResult(i, n) }),
  review: defineAction({ update: reviewCaseUpdate, guard: (m, i) => m.guardReview(i), effect: (m, i, n) => m.review(i, n) }),
  'long-term-plan': defineAction({ update: planLongTermUpdate, guard: (m, i) => m.guardPlanLongTerm(i), effect: (m, i, n) => m.planLongTerm(i, n) }),
  resume: defineAction({ update: resumePlanUpdate, guard: (m, i) => m.guardResumePlan(i), effect: (m, i, n) => m.resumePlan(i, n) }),
  extensions: defineAction({ update: requestExtensionUpdate, guard: (m, i) => m.guardRequestExtension(i), effect: (m, i, n) => m.requestExtension(i, n) }),
  'extension-decision': defineAction({ update: decideExtensionUpdate, guard: (m, i) => m.guardDecideExtension(i), effect: (m, i, n) => m.decideExtension(i, n) }),
  survey: defineAction({ update: recordSurveyUpdate, guard: (m, i) => m.guardRecordSurvey(i), effect: (m, i, n) => m.recordSurvey(i, n) }),
} satisfies Record<CaseAction, object>;

export type CaseActionTable = typeof CASE_ACTION_TABLE;

/** The update input of one action. */
export type ActionInput<A extends CaseAction> = CaseActionTable[A] extends ActionDecl<infer I> ? I : never;

/** The role rule of an action (who may ever attempt it): declared once in domain/actionRules, keyed like this table. */
export const ruleOf = (action: CaseAction): ActionRule => ACTION_RULES[action];
