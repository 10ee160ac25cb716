// Starts a case's history archiver from an activity (not as a child workflow), so the case
// workflow's own history stays free of it. Idempotent by workflow id: one archiver for the
// ended case, and one for the runs before each continued run.
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { archiveWorkflowId } from '../workflows/archiveCaseWorkflow';

export function makeStartArchiver(client: Client, taskQueue: string) {
  return async function startArchiver(code: string, beforeRunId?: string): Promise<void> {
    await client.workflow.start('archiveCaseWorkflow', {
      workflowId: archiveWorkflowId(code, beforeRunId),
      taskQueue,
      args: [beforeRunId ? { code, beforeRunId } : { code }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }).catch((err: unknown) => {
      // Already archived once (closed archiver with the same id): nothing to do.
      if ((err as { name?: string }).name === 'WorkflowExecutionAlreadyStartedError') return;
      throw err;
    });
  };
}
