// Who may do what to which case: the object-level rules of the API, in one pure module.
// The routes call it before they read or act; the case workflow's validators check the
// actions again against the live state (who holds the case now, which level reviews,
// which level approves an extension). No I/O here: the routes load what it needs.
//
// Acting is refused with 403 and a reason. Reading a case outside your scope answers 404,
// as if the case did not exist (see docs/AUTHZ.md for why the two differ).
import { atOrAbove, levelOfRole, mayCallDepartments } from './ladder';
import type { CaseUnits, Role } from './types';

/** Every human action on a case, as the API names it (the path after /cases/:code/). */
export type CaseAction =
  | 'accept'
  | 'respond'
  | 'whistle'
  | 'calls'
  | 'report'
  | 'evidence'
  | 'result'
  | 'review'
  | 'long-term-plan'
  | 'resume'
  | 'extensions'
  | 'extension-decision'
  | 'survey';

export const CASE_ACTIONS: readonly CaseAction[] = [
  'accept', 'respond', 'whistle', 'calls', 'report', 'evidence', 'result', 'review',
  'long-term-plan', 'resume', 'extensions', 'extension-decision', 'survey',
];

/** The caller, as authentication resolved it (lib/auth Principal fits). */
export interface Caller {
  personId: string;
  role: Role;
  unitId: string;
}

/** What is being attempted: the action and, for a department's own steps, the call it is about. */
export interface ActionTarget {
  action: CaseAction;
  callId?: string;
}

/** What the rules need to know about one case. */
export interface CaseScope {
  code: string;
  units: CaseUnits;
  /** The case's department calls (from the live state); needed for department officers. */
  calls?: ReadonlyArray<{ id: string; departmentId: string }>;
  /** Person id recorded as the reporter (the REPORTED event's actor). */
  reportedBy?: string | null;
  /** Open311 client application that filed the case. */
  clientAppId?: string | null;
}

/** A verdict; a refusal carries the sentence the API sends back. */
export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: AccessDecision = { allowed: true };
const deny = (reason: string): AccessDecision => ({ allowed: false, reason });

/** Roles that never act on cases: they report (REPORTER), read (AUDITOR) or administer (ADMIN). */
const NEVER_ACT: ReadonlySet<Role> = new Set(['REPORTER', 'AUDITOR', 'ADMIN']);

/** What the holder of a case does (the workflow checks the caller holds it now). */
const HOLDER_ACTIONS: ReadonlySet<CaseAction> = new Set(['accept', 'respond', 'whistle', 'evidence', 'result', 'long-term-plan', 'resume', 'extensions']);

/** What a department officer does, always about one call (报到, evidence, result). */
const CALL_ACTIONS: ReadonlySet<CaseAction> = new Set(['report', 'evidence', 'result']);

const WHAT: Record<CaseAction, string> = {
  accept: 'accept cases',
  respond: 'respond to cases',
  whistle: 'whistle cases up',
  calls: 'call departments (a street or a higher level calls; whistle the case up first)',
  report: 'report on site for a department call (the called department does)',
  evidence: 'upload evidence',
  result: 'submit results',
  review: 'review and close cases (the street sub-center or the level holding the case does)',
  'long-term-plan': 'put cases on the long-term plan',
  resume: 'resume cases from the long-term plan',
  extensions: 'request extensions',
  'extension-decision': 'decide extension requests (the district command center or a district leader does)',
  survey: 'record revisit surveys (the district command center does)',
};

/**
 * Whether the caller's role may ever attempt this action, before any case is looked at.
 * A refusal here does not depend on the case, so it reveals nothing about it.
 */
export function mayAttempt(caller: Caller, target: ActionTarget): AccessDecision {
  const { role } = caller;
  const { action, callId } = target;
  if (NEVER_ACT.has(role)) return deny(`${role} may not act on cases (${role === 'REPORTER' ? 'reporters report and follow their cases' : 'read-only access'})`);
  if (role === 'DEPARTMENT_OFFICER') {
    if (!CALL_ACTIONS.has(action)) return deny(`${role} may not ${WHAT[action]}: a department acts only on its own calls`);
    if (!callId) return deny(`${role} acts only on calls to its own department: name the call (callId)`);
    return ALLOW;
  }
  const level = levelOfRole(role);
  if (!level) return deny(`${role} may not act on cases`);
  // The ladder roles: a call's report, evidence and result belong to the called department.
  if (action === 'report' || (callId && CALL_ACTIONS.has(action))) {
    return deny(`${role} may not act on a department call: only an officer of the called department may`);
  }
  if (HOLDER_ACTIONS.has(action)) return ALLOW;
  switch (action) {
    case 'calls':
      return mayCallDepartments(level) ? ALLOW : deny(`${role} may not ${WHAT.calls}`);
    case 'review':
      return atOrAbove(level, 'STREET') ? ALLOW : deny(`${role} may not ${WHAT.review}`);
    case 'extension-decision':
      return atOrAbove(level, 'COMMAND_CENTER') ? ALLOW : deny(`${role} may not ${WHAT['extension-decision']}`);
    case 'survey':
      return role === 'COMMAND_CENTER' ? ALLOW : deny(`${role} may not ${WHAT.survey}`);
    default:
      return deny(`${role} may not ${WHAT[action]}`);
  }
}

/** The unit of a case a ladder role answers for, and what to call it in a message. */
function ownUnitOf(role: Role, units: CaseUnits): { kind: string; unitId: string } | null {
  switch (role) {
    case 'GRID_WORKER': return { kind: 'grid', unitId: units.gridId };
    case 'COMMUNITY_WORKER': return { kind: 'community', unitId: units.communityId };
    case 'STREET_DISPATCHER': return { kind: 'street', unitId: units.streetId };
    case 'COMMAND_CENTER':
    case 'DEPUTY_LEADER':
    case 'PRINCIPAL_LEADER':
      return { kind: 'district', unitId: units.districtId };
    default:
      return null;
  }
}

/**
 * Whether the caller may attempt `target` on this case: the role rule (mayAttempt), then
 * the place. Grid, community and street staff act on cases of their own unit; district
 * roles on cases of their district; a department officer only on a call to its own
 * department. Whether the caller holds the case *now* is the workflow's check.
 */
export function canActOn(caller: Caller, target: ActionTarget, scope: CaseScope): AccessDecision {
  const role = mayAttempt(caller, target);
  if (!role.allowed) return role;
  if (caller.role === 'DEPARTMENT_OFFICER') {
    const call = scope.calls?.find((c) => c.id === target.callId);
    if (!call) return deny(`case ${scope.code} has no call ${target.callId} to your department (${caller.unitId})`);
    if (call.departmentId !== caller.unitId) {
      return deny(`call ${call.id} of case ${scope.code} is outside your department (${caller.unitId}): it calls ${call.departmentId}`);
    }
    return ALLOW;
  }
  const own = ownUnitOf(caller.role, scope.units);
  if (!own) return deny(`${caller.role} may not act on cases`);
  if (own.unitId !== caller.unitId) {
    return deny(`case ${scope.code} is outside your ${own.kind} (${caller.unitId}): it belongs to ${own.kind} ${own.unitId}`);
  }
  return ALLOW;
}

/** Extra facts some callers' read scope needs, loaded by the route. */
export interface ReadContext {
  /** REPORTER: the Open311 client applications that file cases as this person. */
  clientAppIds?: readonly string[];
}

/**
 * readScope for one case known only from its workflow (no projection row yet): the same
 * rules over the case's units, reporter, Open311 client and calls.
 */
export function canRead(caller: Caller, scope: CaseScope, ctx: ReadContext = {}): boolean {
  const u = scope.units;
  switch (caller.role) {
    case 'GRID_WORKER':
      return u.gridId === caller.unitId;
    case 'COMMUNITY_WORKER':
      return u.communityId === caller.unitId;
    case 'STREET_DISPATCHER':
      return u.streetId === caller.unitId;
    case 'DEPARTMENT_OFFICER':
      return (scope.calls ?? []).some((c) => c.departmentId === caller.unitId);
    case 'REPORTER':
      return (
        (!!scope.reportedBy && scope.reportedBy === caller.personId) ||
        (!!scope.clientAppId && (ctx.clientAppIds ?? []).includes(scope.clientAppId))
      );
    case 'COMMAND_CENTER':
    case 'DEPUTY_LEADER':
    case 'PRINCIPAL_LEADER':
    case 'AUDITOR':
    case 'ADMIN':
      return u.districtId === caller.unitId;
    default:
      return false;
  }
}

/** Roles with an extension inbox: the levels that approve extensions. */
export const EXTENSION_APPROVER_ROLES: readonly Role[] = ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];
