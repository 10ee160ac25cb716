// Human actions on a case: each is a workflow update (not a signal) because the caller
// needs the verdict — accepted with the new state, or refused with a reason — at once.
// The body is shape-checked here; lib/access decides whether the caller may act on this
// case at all (its role, its unit, its department's call); the workflow's validators then
// decide against the live state (who holds the case now, which level reviews or approves).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import { workflowIdForCase } from '../../domain/caseCode';
import type { Actor } from '../../domain/types';
import { CASE_ACTIONS, canActOn, mayAttempt, type ActionTarget, type CaseAction } from '../../domain/access';
import type { WorkflowHandle } from '@temporalio/client';
import { CASE_ACTION_TABLE, type ActionInput } from '../../workflows/caseActions';
import type { CaseState } from '../../workflows/messages';
import { loadCalls, loadCaseScope, requireAllowed } from '../caseAccess';
import { describeCase } from '../caseWorkflows';
import type { ApiDeps } from '../deps';
import { fieldsFromZod, httpErrors, type FieldError } from '../errors';
import { principalOf } from '../middleware/auth';
import { requireJsonBody } from '../middleware/validate';
import { ACTION_HTTP } from '../schemas/actions';
import { CaseStateSchema, IdempotencyKeySchema } from '../schemas/cases';
import { authenticated, CaseCodeParams, errorResponses, jsonResponse } from '../schemas/common';

/** How long an action waits for the case workflow to accept and apply it. */
const ACTION_TIMEOUT_MS = 30_000;

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

export function caseActionsRouter(deps: Pick<ApiDeps, 'temporal' | 'db'>): Router {
  const router = Router();
  const { temporal } = deps;

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
            throw httpErrors.conflict('CASE_CLOSED', `case ${code} is no longer running (${d.status.name.toLowerCase()}); it takes no more actions`);
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
