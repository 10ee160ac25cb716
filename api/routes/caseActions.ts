// Human actions on a case: each is a workflow update (not a signal) because the caller
// needs the verdict — accepted with the new state, or refused with a reason — at once.
// The body is shape-checked here; lib/access decides whether the caller may act on this
// case at all (its role, its unit, its department's call); the workflow's validators then
// decide against the live state (who holds the case now, which level reviews or approves).
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import { workflowIdForCase } from '../../domain/caseCode';
import type { Actor } from '../../domain/types';
import { canActOn, mayAttempt, type ActionTarget, type CaseAction } from '../../domain/access';
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
} from '../../workflows/messages';
import { loadCalls, loadCaseScope, requireAllowed } from '../caseAccess';
import { describeCase } from '../caseWorkflows';
import type { ApiDeps } from '../deps';
import { fieldsFromZod, httpErrors, type FieldError } from '../errors';
import { principalOf } from '../middleware/auth';
import { requireJsonBody } from '../middleware/validate';
import {
  AcceptBodySchema,
  CallDepartmentsBodySchema,
  CallIdParams,
  EvidenceBodySchema,
  ExtensionBodySchema,
  ExtensionDecisionBodySchema,
  LongTermPlanBodySchema,
  ReportArrivalBodySchema,
  RequestIdParams,
  RespondBodySchema,
  ResultBodySchema,
  ResumeBodySchema,
  ReviewBodySchema,
  SurveyBodySchema,
  WhistleBodySchema,
} from '../schemas/actions';
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
  // The payload type differs per action; the body schema is what keeps them in line.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  update: UpdateDefinition<CaseState, [any]>;
  body: z.ZodType;
  params: z.ZodObject;
  /** The update payload from the parsed body and params (the actor is added by the caller). */
  payload?: (body: Record<string, unknown>, params: Record<string, string>) => Record<string, unknown>;
}

/** Every action, one line each: path → update → body schema. */
export const ACTIONS: readonly ActionSpec[] = [
  { path: 'accept', access: 'accept', summary: 'Accept the case (受理)', update: acceptCaseUpdate, body: AcceptBodySchema, params: CaseCodeParams },
  { path: 'respond', access: 'respond', summary: 'First response: handle it, send it to the community, or guide the reporter', update: respondCaseUpdate, body: RespondBodySchema, params: CaseCodeParams },
  { path: 'whistle', access: 'whistle', summary: 'Whistle the case up one level (吹哨)', update: whistleUpdate, body: WhistleBodySchema, params: CaseCodeParams },
  { path: 'calls', access: 'calls', summary: 'Call departments to report on site (一线呼叫)', update: callDepartmentsUpdate, body: CallDepartmentsBodySchema, params: CaseCodeParams },
  {
    path: 'calls/:callId/report',
    access: 'report',
    summary: 'A called department reports on site (报到)',
    update: reportArrivalUpdate,
    body: ReportArrivalBodySchema,
    params: CallIdParams,
    payload: (body, p) => ({ ...body, callId: p.callId }),
  },
  { path: 'evidence', access: 'evidence', summary: 'Upload evidence (recording, video, document, photo)', update: uploadEvidenceUpdate, body: EvidenceBodySchema, params: CaseCodeParams },
  { path: 'result', access: 'result', summary: 'Submit the handling result', update: submitResultUpdate, body: ResultBodySchema, params: CaseCodeParams },
  { path: 'review', access: 'review', summary: 'Review: close the case or return it (审核结案)', update: reviewCaseUpdate, body: ReviewBodySchema, params: CaseCodeParams },
  { path: 'long-term-plan', access: 'long-term-plan', summary: 'Put the case on the medium/long-term plan list', update: planLongTermUpdate, body: LongTermPlanBodySchema, params: CaseCodeParams },
  { path: 'resume', access: 'resume', summary: 'Resume a case from the long-term plan', update: resumePlanUpdate, body: ResumeBodySchema, params: CaseCodeParams },
  { path: 'extensions', access: 'extensions', summary: 'Request an extension (延期)', update: requestExtensionUpdate, body: ExtensionBodySchema, params: CaseCodeParams },
  {
    path: 'extensions/:requestId/decision',
    access: 'extension-decision',
    summary: 'Approve or reject an extension request',
    update: decideExtensionUpdate,
    body: ExtensionDecisionBodySchema,
    params: RequestIdParams,
    payload: (body, p) => ({ ...body, requestId: p.requestId }),
  },
  { path: 'survey', access: 'survey', summary: 'Record the revisit survey (回访)', update: recordSurveyUpdate, body: SurveyBodySchema, params: CaseCodeParams },
];

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

/** The update payload: the parsed body, ids from the path, and the authenticated actor. */
function payloadOf(spec: ActionSpec, actor: Actor, body: Record<string, unknown>, params: Record<string, string>) {
  const fromBody = spec.payload ? spec.payload(body, params) : body;
  return { ...fromBody, actor };
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
          handle.executeUpdate(spec.update, {
            args: [payloadOf(spec, actor, body.data as Record<string, unknown>, p)],
            // Temporal deduplicates updates by id: a retried request gets the first outcome.
            ...(key ? { updateId: `${principal.personId}:${req.path}:${key}` } : {}),
          }),
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
