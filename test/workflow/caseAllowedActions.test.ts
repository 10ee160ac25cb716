// The getAllowedActions query on the time-skipping server: it answers from the live state
// with the reason the update's validator gives, and asking changes nothing in the history.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { acceptCaseUpdate, getAllowedActionsQuery, getCaseStateQuery, CONFLICT_ERROR, type ActionVerdict } from '../../workflows/messages';
import { ACTORS, caseInput, startCaseEnv } from './caseFixture';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let worker: Worker;
let taskQueue: string;
let run: Promise<void>;

beforeAll(async () => {
  ({ env, worker, taskQueue, run } = await startCaseEnv());
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  await env?.teardown();
});

const byAction = (vs: ActionVerdict[]) => Object.fromEntries(vs.map((v) => [v.action, v]));

async function refusalOf(p: Promise<unknown>): Promise<{ type?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { type: (err.cause as { type?: string }).type, message: (err.cause as Error).message };
    throw err;
  }
  throw new Error('the update was accepted');
}

it('answers from the live state, with the validator\'s reason, and records nothing', async () => {
  const input = caseInput(await env.currentTimeMs());
  const h: WorkflowHandle = await env.client.workflow.start('caseWorkflow', { workflowId: input.intake.code, taskQueue, args: [input] });

  const fresh = byAction(await h.query(getAllowedActionsQuery, ACTORS.grid));
  expect(fresh.accept).toEqual({ action: 'accept', allowed: true });
  expect(fresh.respond).toEqual({ action: 'respond', allowed: false, refusal: { type: CONFLICT_ERROR, message: 'cannot respond to a case that is REPORTED' } });
  // Another grid: the validator's Forbidden.
  expect(byAction(await h.query(getAllowedActionsQuery, ACTORS.otherGrid)).accept.refusal?.type).toBe('Forbidden');

  const eventsBefore = (await h.fetchHistory()).events?.length;
  const seqBefore = (await h.query(getCaseStateQuery)).lastEventSeq;
  await h.query(getAllowedActionsQuery, ACTORS.street);
  // A query writes nothing: no new events, no new facts.
  expect((await h.fetchHistory()).events?.length).toBe(eventsBefore);
  expect((await h.query(getCaseStateQuery)).lastEventSeq).toBe(seqBefore);

  await h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] });
  const accepted = byAction(await h.query(getAllowedActionsQuery, ACTORS.grid));
  expect(accepted.respond.allowed).toBe(true);
  expect(accepted.accept.allowed).toBe(false);
  expect(accepted.accept.refusal).toEqual(await refusalOf(h.executeUpdate(acceptCaseUpdate, { args: [{ actor: ACTORS.grid }] })));
});
