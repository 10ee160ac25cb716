// Human actions on a case: each is a workflow update (not a signal) because the caller
// needs the verdict — accepted with the new state, or refused with a reason — at once.
// The body is shape-checked here; domain/access decides whether the caller may act on this
// case at all (its role, its unit, its department's call); the workflow's validators then
// decide against the live state (who holds the case now, which level reviews or approves).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { QueryNotRegisteredError, type Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Logger } from 'pino';
import { Router } from 'express';
import { z } from 'zod';
import { workflowIdForCase } from '../../domain/caseCode';
import type { Actor } from '../../domain/types';
import { CASE_ACTIONS, canActOn, mayAttempt, type ActionTarget, type CaseAction } from '../../domain/access';
import type { WorkflowHandle } from '@temporalio/client';
import { CASE_ACTION_TABLE, type ActionInput } from '../../workflows/caseActions';
import { getAllowedActionsQuery, type ActionVerdict, type CaseState } from '../../workflows/messages';
import { loadCalls, loadCaseScope, requireAllowed, requireReadable } from '../caseAccess';
import { describeCase } from '../caseWorkflows';
import { answeredNotModified, etagOf } from '../conditional';
import type { ApiDeps } from '../deps';
import type { DomainError } from '../../domain/errors';
import { fieldsFromZod, fromWorkflowFailure, httpErrors, toApiError, type FieldError } from '../errors';
import { principalOf } from '../middleware/auth';
import { parseOr400, requireJsonBody } from '../middleware/validate';
import { ACTION_HTTP, AllowedActionsSchema } from '../schemas/actions';
import { CaseStateSchema, IdempotencyKeySchema } from '../schemas/cases';
import { authenticated, CaseCodeParams, errorResponses, jsonResponse } from '../schemas/common';

/** How long an action waits for the case workflow to accept and apply it. */
const ACTION_TIMEOUT_MS = 30_000;

/** How long "what may I do here?" waits for the case workflow. */
const READ_TIMEOUT_MS = 5_000;

const ActionHeaders = z.object({
  'idempotency-key': IdempotencyKeySchema.optional().meta({
    description: 'Retry-safe action: a retry with the same key gets the first outcome instead of acting twice.',
  }),
});

interface ActionSpec {
  /** Path after /cases/:code/, in express syntax. */
  path: string;
  /** The action as the access rules name it. */
  access: CaseAction;
  summary: string;
  body: z.ZodType;
  params: z.ZodObject;
  /** Sends the update with the payload built from the parsed body and params plus the actor. */
  send: (handle: WorkflowHandle, body: unknown, params: unknown, actor: Actor, updateId?: string) => Promise<CaseState>;
}

/** One route spec per action, from the action table (workflows/caseActions) and its HTTP side (api/schemas/actions). */
function specOf<A extends CaseAction>(action: A): ActionSpec {
  const http = ACTION_HTTP[action];
  const update = CASE_ACTION_TABLE[action].update;
  return {
    path: http.path,
    access: action,
    summary: http.summary,
    body: http.body,
    params: http.params,
    send: (handle, body, params, actor, updateId) => {
      // body and params come out of http.body / http.params safeParse, so they are their outputs.
      const payload = (http.payload as (b: unknown, p: unknown) => object)(body, params);
      // By the update name: the table entry is a union here; the types were checked in ACTION_HTTP.
      return handle.executeUpdate<CaseState, [ActionInput<A>]>(update.name, {
        args: [{ ...payload, actor } as ActionInput<A>],
        ...(updateId ? { updateId } : {}),
      });
    },
  };
}

/** Every action, in the order of the table. */
export const ACTIONS: readonly ActionSpec[] = CASE_ACTIONS.map((a) => specOf(a));

export const caseActionsRegistry = new OpenAPIRegistry();
for (const a of ACTIONS) {
  caseActionsRegistry.registerPath({
    method: 'post',
    path: `/cases/{code}/${a.path.replace(/:(\w+)/g, '{$1}')}`,
    tags: ['case actions'],
    summary: a.summary,
    description:
      '403 when the caller may not act on this case: its role never does this, the case is outside its grid, community, street ' +
      'or district, or (department officers) the call is not to its department; then the case itself refuses (403) a caller ' +
      'who does not hold it now. See docs/AUTHZ.md.' +
      (a.access === 'extension-decision'
        ? ' The decision is recorded on the request with who decided, their role and unit, when and why (extensions[].decidedBy, decidedRole, decidedUnitId, decidedAt, decisionReason).'
        : ''),
    security: authenticated,
    request: {
      params: a.params,
      headers: ActionHeaders,
      body: { content: { 'application/json': { schema: a.body } }, required: a.path !== 'accept' && !a.path.endsWith('/report') },
    },
    responses: {
      200: jsonResponse(CaseStateSchema, 'Applied: the new case state'),
      400: errorResponses[400],
      401: errorResponses[401],
      403: errorResponses[403],
      404: errorResponses[404],
      409: errorResponses[409],
      503: errorResponses[503],
    },
  });
}

caseActionsRegistry.registerPath({
  method: 'get',
  path: '/cases/{code}/actions',
  tags: ['case actions'],
  summary: 'What the caller may do on this case now: every action, allowed or with the reason it would be refused',
  description:
    'Each action is checked as its POST would be: the role and place rules (docs/AUTHZ.md), then the case\'s own validator ' +
    'on its live state, without a body. A refusal carries the status, code and message that POST would answer; an action ' +
    'whose only obstacle would be the body (an empty reason, the departments to call) is allowed. A case outside the ' +
    'caller\'s read scope answers 404, like a case that does not exist.',
  security: authenticated,
  request: { params: CaseCodeParams },
  responses: {
    200: jsonResponse(AllowedActionsSchema, 'Every action, in a fixed order'),
    400: errorResponses[400],
    401: errorResponses[401],
    404: errorResponses[404],
    503: errorResponses[503],
  },
});

/** A refusal as a list entry shows it: the error its POST would answer, without the request id. */
const reasonOf = (d: DomainError) => {
  const e = toApiError(d);
  return { status: e.status, code: e.code, message: e.message, ...(e.fields?.length ? { fields: e.fields } : {}) };
};

/** A case whose workflow has ended takes no more actions: what its POSTs answer. */
const caseClosed = (code: string, status: string) =>
  httpErrors.conflict('CASE_CLOSED', `case ${code} is no longer running (${status.toLowerCase()}); it takes no more actions`);

/**
 * The case's verdict on every action for this actor (getAllowedActions); the one refusal every
 * action gets when its workflow has ended or is gone (as the POSTs answer then); or null when
 * its worker predates the query — then only the API's rules answer.
 */
async function verdictsOf(temporal: Client, code: string, actor: Actor, log: Logger): Promise<ActionVerdict[] | DomainError | null> {
  // An ended workflow would still answer the query from its last state, but its POSTs answer
  // CASE_CLOSED (or 404 once Temporal has let it go): ask first, and say what they would.
  const d = await describeCase(temporal, code);
  if (!d) return httpErrors.notFound(`no case ${code}`);
  if (d.status.name !== 'RUNNING') return caseClosed(code, d.status.name);
  try {
    return await temporal.withDeadline(Date.now() + READ_TIMEOUT_MS, () =>
      temporal.workflow.getHandle(workflowIdForCase(code)).query(getAllowedActionsQuery, actor),
    );
  } catch (err) {
    // The server reports a query the workflow did not register (an older worker) as INVALID_ARGUMENT.
    if (err instanceof QueryNotRegisteredError) {
      log.info({ code, err: err.message }, 'allowed actions: the case cannot answer; role and place rules only');
      return null;
    }
    throw err;
  }
}

export function caseActionsRouter(deps: Pick<ApiDeps, 'temporal' | 'db' | 'now'>): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  const { temporal } = deps;

  router.get('/cases/:code/actions', async (req, res) => {
    const { code } = parseOr400(CaseCodeParams, req.params, 'params');
    const principal = principalOf(req);
    // Whether an action is allowed reveals the case's state: a read, so the read scope applies (404).
    await requireReadable(deps, principal, code, req.log);
    // Conditional polling (api/conditional.ts): the verdicts change with the case's facts; the
    // minute in the tag bounds how long a rule that depends on the clock alone could stay unseen.
    const head = await deps.db.case.findUnique({ where: { code }, select: { version: true } });
    if (head && answeredNotModified(req, res, etagOf(principal, 'actions', code, head.version, Math.floor(now() / 60_000)))) return;
    const scope = await loadCaseScope(deps, code);
    if (!scope) throw httpErrors.notFound(`no case ${code}`);
    if (principal.role === 'DEPARTMENT_OFFICER') scope.calls = await loadCalls(deps, code, req.log);
    const actor: Actor = { personId: principal.personId, role: principal.role, unitId: principal.unitId, name: principal.name };

    // The API's own rules first, as a POST applies them: they need nothing from the workflow.
    const ownCalls = (scope.calls ?? []).filter((c) => c.departmentId === principal.unitId);
    const ownCall = ownCalls[ownCalls.length - 1]?.id;
    const access = new Map(
      ACTIONS.map((spec) => {
        const target: ActionTarget = { action: spec.access, ...(ownCall && principal.role === 'DEPARTMENT_OFFICER' ? { callId: ownCall } : {}) };
        return [spec.access, canActOn(principal, target, scope)] as const;
      }),
    );
    const verdicts = [...access.values()].some((d) => d.allowed) ? await verdictsOf(temporal, code, actor, req.log) : [];

    const actions = ACTIONS.map((spec) => {
      const entry = {
        action: spec.access,
        method: 'POST' as const,
        path: `/cases/{code}/${spec.path.replace(/:(\w+)/g, '{$1}')}`,
        params: { code } as Record<string, string>,
      };
      const decision = access.get(spec.access)!;
      if (!decision.allowed) return { ...entry, allowed: false, reason: reasonOf(httpErrors.forbidden(decision.reason)) };
      if (verdicts === null) return { ...entry, allowed: true };
      if (!Array.isArray(verdicts)) return { ...entry, allowed: false, reason: reasonOf(verdicts) };
      const v = verdicts.find((x) => x.action === spec.access);
      if (!v) return { ...entry, allowed: true };
      Object.assign(entry.params, v.target ?? {});
      if (v.allowed) return { ...entry, allowed: true };
      const refusal = fromWorkflowFailure(v.refusal?.type, v.refusal?.message ?? '', v.refusal?.details);
      return { ...entry, allowed: false, reason: reasonOf(refusal ?? httpErrors.forbidden(v.refusal?.message ?? 'refused')) };
    });
    res.json({ code, actions, stateChecked: verdicts !== null });
  });

  for (const spec of ACTIONS) {
    router.post(`/cases/:code/${spec.path}`, requireJsonBody, async (req, res) => {
      const principal = principalOf(req);
      const params = spec.params.safeParse(req.params);
      const body = spec.body.safeParse(req.body ?? {});
      const headers = ActionHeaders.safeParse({ 'idempotency-key': req.get('Idempotency-Key') });
      const fields: FieldError[] = [
        ...(params.success ? [] : fieldsFromZod(params.error, 'params')),
        ...(body.success ? [] : fieldsFromZod(body.error, 'body')),
        ...(headers.success ? [] : fieldsFromZod(headers.error, 'headers')),
      ];
      if (!params.success || !body.success || !headers.success) throw httpErrors.validation(fields);

      const p = params.data as Record<string, string>;
      const code = p.code;
      const actor: Actor = { personId: principal.personId, role: principal.role, unitId: principal.unitId, name: principal.name };
      const key = headers.data['idempotency-key'];

      // Who may act on this case at all: the role first (reveals nothing), then the case's place.
      const callId = p.callId ?? (body.data as { callId?: string }).callId;
      const target: ActionTarget = { action: spec.access, ...(callId ? { callId } : {}) };
      requireAllowed(mayAttempt(principal, target));
      const scope = await loadCaseScope(deps, code);
      if (!scope) throw httpErrors.notFound(`no case ${code}`);
      if (principal.role === 'DEPARTMENT_OFFICER') scope.calls = await loadCalls(deps, code, req.log);
      requireAllowed(canActOn(principal, target, scope));

      const handle = temporal.workflow.getHandle(workflowIdForCase(code));
      let state: CaseState;
      try {
        state = await temporal.withDeadline(Date.now() + ACTION_TIMEOUT_MS, () =>
          // Temporal deduplicates updates by id: a retried request gets the first outcome.
          spec.send(handle, body.data, params.data, actor, key ? `${principal.personId}:${req.path}:${key}` : undefined),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          const d = await describeCase(temporal, code).catch(() => null);
          if (d && d.status.name !== 'RUNNING') {
            throw caseClosed(code, d.status.name);
          }
          throw httpErrors.notFound(`no case ${code}`);
        }
        throw err;
      }
      res.json(state);
    });
  }
  return router;
}
