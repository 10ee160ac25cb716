// Loads what the access rules (domain/access) need about a case and turns their verdicts into
// HTTP errors. The projection row answers when it exists; a case whose row is not written
// yet (its first activity has not run) is known from its workflow: the start input holds
// its units and reporter, the live state (getCaseState) its department calls.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import { dataOf, type FactType } from '../domain/facts';
import { workflowIdForCase } from '../domain/caseCode';
import { readScope } from '../features/cases/readScope';
import { canRead, type AccessDecision, type CaseScope, type Caller, type ReadContext } from '../domain/access';
import type { Db } from '../platform/db';
import { GRPC_NOT_FOUND, grpcStatusOf, payloadCodecsOf } from '../platform/temporalConnection';
import type { CaseWorkflowInput } from '../workflows/messages';
import { queryCaseState } from './caseWorkflows';
import { httpErrors } from './errors';

/** How long loading a case's scope from Temporal may take. */
const READ_TIMEOUT_MS = 5_000;

export interface CaseAccessDeps {
  db: Pick<Db, 'case' | 'caseEvent' | 'open311Client'>;
  temporal: Client;
}

/** Throw 403 with the decision's reason when it refuses. */
export function requireAllowed(decision: AccessDecision): void {
  if (!decision.allowed) throw httpErrors.forbidden(decision.reason);
}

/** The facts a reader's scope needs beyond the caller itself (a reporter's Open311 applications). */
export async function readContextOf(db: CaseAccessDeps['db'], caller: Caller): Promise<ReadContext> {
  if (caller.role !== 'REPORTER') return {};
  const clients = await db.open311Client.findMany({ where: { reporterPersonId: caller.personId }, select: { id: true } });
  return { clientAppIds: clients.map((c) => c.id) };
}

/** The workflow's start input (units, reporter): null when Temporal has no such workflow. */
async function startInputOf(temporal: Client, code: string): Promise<CaseWorkflowInput | null> {
  try {
    const res = await temporal.withDeadline(Date.now() + READ_TIMEOUT_MS, () =>
      temporal.workflowService.getWorkflowExecutionHistory({
        namespace: temporal.options.namespace,
        execution: { workflowId: workflowIdForCase(code) },
        maximumPageSize: 1,
      }),
    );
    const stored = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!stored) return null;
    // A raw service call: the client's codecs are not applied for us (the input is encrypted).
    let payload = stored;
    for (const codec of [...payloadCodecsOf(temporal)].reverse()) [payload] = await codec.decode([payload]);
    return defaultPayloadConverter.fromPayload<CaseWorkflowInput>(payload);
  } catch (err) {
    if (grpcStatusOf(err) === GRPC_NOT_FOUND) return null;
    throw err;
  }
}

/** What the access rules need about a case, or null when there is no such case. */
export async function loadCaseScope(deps: CaseAccessDeps, code: string): Promise<CaseScope | null> {
  const row = await deps.db.case.findUnique({
    where: { code },
    select: { code: true, districtId: true, streetId: true, communityId: true, gridId: true, clientAppId: true },
  });
  if (row) {
    const { districtId, streetId, communityId, gridId } = row;
    return { code, units: { districtId, streetId, communityId, gridId }, clientAppId: row.clientAppId };
  }
  const input = await startInputOf(deps.temporal, code);
  if (!input?.intake?.units) return null;
  return {
    code,
    units: input.intake.units,
    reportedBy: input.intake.reportedBy?.personId ?? null,
    clientAppId: input.intake.clientAppId ?? null,
  };
}

/** The case's department calls: the live state, or the event log when the workflow cannot answer. */
export async function loadCalls(deps: CaseAccessDeps, code: string, log: Logger): Promise<Array<{ id: string; departmentId: string }>> {
  const live = await queryCaseState(deps.temporal, code, log);
  if (live) return live.calls.map((c) => ({ id: c.id, departmentId: c.departmentId }));
  const events = await deps.db.caseEvent.findMany({ where: { caseCode: code, type: 'DEPARTMENT_CALLED' satisfies FactType }, select: { unitId: true, data: true } });
  return events.flatMap((e) => {
    const callId = dataOf('DEPARTMENT_CALLED', e.data).callId;
    return typeof callId === 'string' && e.unitId ? [{ id: callId, departmentId: e.unitId }] : [];
  });
}

/**
 * Answer 404 unless the caller may read the case. A case outside the caller's scope is
 * reported exactly like a case that does not exist, so its existence is not revealed.
 */
export async function requireReadable(deps: CaseAccessDeps, caller: Caller, code: string, log: Logger): Promise<void> {
  const ctx = await readContextOf(deps.db, caller);
  // Existence first: the workflow's first task may insert the row at any moment, and a
  // row never goes away, so asking "visible?" before "exists?" could see neither.
  const exists = await deps.db.case.count({ where: { code } });
  if (exists > 0) {
    const visible = await deps.db.case.count({ where: { AND: [{ code }, readScope(caller, ctx)] } });
    if (visible > 0) return;
  } else {
    // No row yet: the case may still be starting; decide from its workflow.
    const scope = await loadCaseScope(deps, code);
    if (scope) {
      if (caller.role === 'DEPARTMENT_OFFICER') scope.calls = await loadCalls(deps, code, log);
      if (canRead(caller, scope, ctx)) return;
    }
  }
  throw httpErrors.notFound(`no case ${code}`);
}
