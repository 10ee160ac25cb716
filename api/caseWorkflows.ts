// Reads of a case's workflow with short deadlines, so a slow or absent Temporal never
// holds an HTTP request for long.
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Logger } from 'pino';
import { workflowIdForCase } from '../domain/caseCode';
import { getCaseStateQuery, type CaseLiveState } from '../workflows/messages';

/** How long a read waits for Temporal. */
const READ_TIMEOUT_MS = 5_000;

/** Describe a case's workflow: null when it does not exist. Throws when Temporal is unreachable. */
export async function describeCase(temporal: Client, code: string): Promise<WorkflowExecutionDescription | null> {
  try {
    return await temporal.withDeadline(Date.now() + READ_TIMEOUT_MS, () => temporal.workflow.getHandle(workflowIdForCase(code)).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The live state (getCaseState), or null when the workflow cannot answer (no worker, closed and unqueryable, unreachable). */
export async function queryCaseState(temporal: Client, code: string, log: Logger): Promise<CaseLiveState | null> {
  try {
    return await temporal.withDeadline(Date.now() + READ_TIMEOUT_MS, () =>
      temporal.workflow.getHandle(workflowIdForCase(code)).query(getCaseStateQuery),
    );
  } catch (err) {
    log.warn({ err, code }, 'live case state unavailable');
    return null;
  }
}
