// features/fanout: which fan-out an administrative change starts, with which id and input,
// and that a second start of the same change is a no-op (no server: a fake client).
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { fanOutWorkflowId, startFanOutForChange } from '../../features/fanout/fanOut';

function fakeClient() {
  const started = new Set<string>();
  const calls: Array<{ type: string; workflowId: string; args: unknown[]; workflowIdReusePolicy: unknown; workflowIdConflictPolicy: unknown }> = [];
  const client = {
    workflow: {
      async start(type: string, o: { workflowId: string; args: unknown[]; workflowIdReusePolicy: unknown; workflowIdConflictPolicy: unknown }) {
        if (started.has(o.workflowId)) throw new WorkflowExecutionAlreadyStartedError('already started', o.workflowId, type);
        started.add(o.workflowId);
        calls.push({ type, ...o });
      },
    },
  } as unknown as Client;
  return { client, calls };
}

const base = { action: 'DEACTIVATE', unitIds: [] as string[], personIds: [] as string[] };

describe('startFanOutForChange', () => {
  it('a person deactivated: the directory fan-out over the change\'s people and units, once', async () => {
    const { client, calls } = fakeClient();
    const change = { ...base, id: 42n, entityKind: 'PERSON', entityId: 'p-1', personIds: ['p-1'], unitIds: ['G1'] };
    expect(await startFanOutForChange(client, { taskQueue: 'cases' }, change)).toEqual({ workflowId: 'fanout:directory:42', started: true });
    expect(await startFanOutForChange(client, { taskQueue: 'cases' }, change)).toEqual({ workflowId: 'fanout:directory:42', started: false });
    expect(calls).toEqual([
      {
        type: 'fanOutWorkflow',
        workflowId: 'fanout:directory:42',
        taskQueue: 'cases',
        args: [{ kind: 'DIRECTORY', changeId: '42', personIds: ['p-1'], unitIds: ['G1'], reason: 'person p-1 deactivate (change 42)' }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      },
    ]);
  });

  it('a calendar year imported: the calendar fan-out; the catalog: none', async () => {
    const { client, calls } = fakeClient();
    expect(await startFanOutForChange(client, { taskQueue: 'cases', codePrefix: 'GL-' }, { ...base, id: '7', entityKind: 'CALENDAR_YEAR', entityId: '2027', action: 'IMPORT' }))
      .toEqual({ workflowId: fanOutWorkflowId('CALENDAR', '7'), started: true });
    expect(calls[0].args).toEqual([{ kind: 'CALENDAR', changeId: '7', year: 2027, codePrefix: 'GL-' }]);
    expect(await startFanOutForChange(client, { taskQueue: 'cases' }, { ...base, id: 8, entityKind: 'CATEGORY', entityId: 'CG-001', action: 'UPDATE' })).toBeNull();
    expect(calls).toHaveLength(1);
  });
});
