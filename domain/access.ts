// Who may do what to which case: the object-level rules of the API, in one pure module.
// The routes call it before they read or act; the case workflow's validators check the
// actions again against the live state (who holds the case now, which level reviews,
// which level approves an extension). No I/O here: the routes load what it needs.
//
// Acting is refused with 403 and a reason. Reading a case outside your scope answers 404,
// as if the case did not exist (see docs/AUTHZ.md for why the two differ).
import { ACTION_RULES, type CaseAction } from './actionRules';
import { levelOfRole } from './ladder';
import type { CaseUnits, Role } from './types';

export { CASE_ACTIONS, type CaseAction } from './actionRules';

/** The caller, as authentication resolved it (features/auth Principal fits). */
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

/**
 * Whether the caller's role may ever attempt this action, before any case is looked at.
 * A refusal here does not depend on the case, so it reveals nothing about it.
 */
export function mayAttempt(caller: Caller, target: ActionTarget): AccessDecision {
  const { role } = caller;
  const { action, callId } = target;
  if (NEVER_ACT.has(role)) return deny(`${role} may not act on cases (${role === 'REPORTER' ? 'reporters report and follow their cases' : 'read-only access'})`);
  const rule = ACTION_RULES[action];
  if (role === 'DEPARTMENT_OFFICER') {
    if (!rule.call) return deny(`${role} may not ${rule.what}: a department acts only on its own calls`);
    if (!callId) return deny(`${role} acts only on calls to its own department: name the call (callId)`);
    return ALLOW;
  }
  const level = levelOfRole(role);
  if (!level) return deny(`${role} may not act on cases`);
  // The ladder roles: a call's report, evidence and result belong to the called department.
  if (rule.departmentOnly || (callId && rule.call)) {
    return deny(`${role} may not act on a department call: only an officer of the called department may`);
  }
  if (rule.holder) return ALLOW;
  return rule.ladder?.(level, role) ? ALLOW : deny(`${role} may not ${rule.what}`);
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
