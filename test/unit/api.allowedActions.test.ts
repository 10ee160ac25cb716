// GET /cases/:code/actions with stub dependencies: how the route merges the API's role and
// place rules with the case's verdicts, and what it answers when the case's worker predates
// the getAllowedActions query (role and place rules only, stateChecked: false).
import { QueryNotRegisteredError, type Client } from '@temporalio/client';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/env';
import type { Role } from '../../domain/types';
import { AuthError, type Authenticator, type Principal } from '../../features/auth/auth';
import type { DirectoryCache } from '../../features/directory/directory';
import type { Db } from '../../platform/db';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, type ActionVerdict } from '../../workflows/messages';

const CODE = 'GL-20261122-000001';
const UNITS = { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' };

const person = (role: Role, unitId: string): Principal => ({ personId: `p-${role}`, role, unitId, name: role, via: 'jwt' });
const PEOPLE: Record<string, Principal> = {
  grid: person('GRID_WORKER', UNITS.gridId),
  auditor: person('AUDITOR', 'GL'),
};

const stubAuth: Authenticator = {
  async authenticate({ authorization }) {
    const p = PEOPLE[authorization?.replace(/^Bearer /, '') ?? ''];
    if (!p) throw new AuthError('authentication required');
    return p;
  },
  clear() {},
};

/** A database that knows one case, visible to everyone here. */
const db = {
  case: {
    count: async () => 1,
    findUnique: async () => ({ code: CODE, ...UNITS, clientAppId: null }),
  },
  open311Client: { findMany: async () => [] },
} as unknown as Db;

/** A Temporal client whose case answers the query with `answer` (or throws it), its workflow in `status`. */
function temporalAnswering(answer: () => Promise<ActionVerdict[]>, status = 'RUNNING'): { client: Client; queried: () => number } {
  let n = 0;
  const client = {
    withDeadline: <T>(_d: number, fn: () => Promise<T>) => fn(),
    workflow: {
      getHandle: () => ({
        describe: async () => ({ status: { name: status } }),
        query: () => {
          n += 1;
          return answer();
        },
      }),
    },
  } as unknown as Client;
  return { client, queried: () => n };
}

const appWith = (temporal: Client) =>
  createApp({
    db,
    temporal,
    cfg: loadConfig({}),
    logger: pino({ level: 'silent' }),
    directory: {} as DirectoryCache,
    authenticator: stubAuth,
  });

const get = (temporal: Client, who: string) => request(appWith(temporal)).get(`/cases/${CODE}/actions`).set('Authorization', `Bearer ${who}`);

type Entry = { action: string; allowed: boolean; params: Record<string, string>; reason?: { status: number; code: string; message: string; fields?: unknown } };
const byAction = (body: { actions: Entry[] }) => Object.fromEntries(body.actions.map((a) => [a.action, a]));

describe('GET /cases/:code/actions', () => {
  it('a worker that predates the query: the role and place rules only, and says so', async () => {
    const { client } = temporalAnswering(async () => {
      throw new QueryNotRegisteredError('Workflow did not register a handler for getAllowedActions', 3);
    });
    const res = await get(client, 'grid');
    expect(res.status).toBe(200);
    expect(res.body.stateChecked).toBe(false);
    const a = byAction(res.body);
    // "May attempt": the grid's holder actions pass the role and place rules.
    expect(a.accept).toMatchObject({ allowed: true, params: { code: CODE } });
    expect(a.extensions.allowed).toBe(true);
    expect(a.review).toMatchObject({ allowed: false, reason: { status: 403, code: 'FORBIDDEN', message: expect.stringMatching(/^GRID_WORKER may not review/) } });
  });

  it('the case\'s refusals become the errors their POSTs answer', async () => {
    const { client } = temporalAnswering(async () => [
      { action: 'accept', allowed: false, refusal: { type: CONFLICT_ERROR, message: 'cannot accept a case that is ACCEPTED' } },
      { action: 'respond', allowed: true },
      { action: 'extension-decision', allowed: false, target: { requestId: 'EXT-1' }, refusal: { type: CONFLICT_ERROR, message: 'x' } },
      { action: 'evidence', allowed: false, refusal: { type: BAD_INPUT_ERROR, message: 'callId: no call c1 on this case', details: [{ field: 'callId', message: 'no call c1 on this case' }] } },
    ]);
    const res = await get(client, 'grid');
    expect(res.body.stateChecked).toBe(true);
    const a = byAction(res.body);
    expect(a.accept.reason).toEqual({ status: 409, code: 'INVALID_TRANSITION', message: 'cannot accept a case that is ACCEPTED' });
    expect(a.respond.allowed).toBe(true);
    // The role rule answers first, whatever the case says (as the POST checks it first).
    expect(a['extension-decision'].reason).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(a.evidence.reason).toEqual({ status: 400, code: 'BAD_INPUT', message: 'callId: no call c1 on this case', fields: [{ path: 'body.callId', message: 'no call c1 on this case' }] });
  });

  it('nobody allowed by the rules: the case is not asked', async () => {
    const t = temporalAnswering(async () => []);
    const res = await get(t.client, 'auditor');
    expect(res.status).toBe(200);
    expect(res.body.actions.every((e: Entry) => !e.allowed && e.reason?.status === 403)).toBe(true);
    expect(t.queried()).toBe(0);
  });

  it('a case whose workflow has ended: every action its rules allow answers CASE_CLOSED, as its POST does, without a query', async () => {
    const t = temporalAnswering(async () => [], 'COMPLETED');
    const res = await get(t.client, 'grid');
    const a = byAction(res.body);
    expect(a.accept.reason).toEqual({ status: 409, code: 'CASE_CLOSED', message: `case ${CODE} is no longer running (completed); it takes no more actions` });
    expect(a.review.reason?.status).toBe(403);
    expect(t.queried()).toBe(0);
  });

  it('a bad case code is 400', async () => {
    const res = await request(appWith(temporalAnswering(async () => []).client)).get('/cases/nope/actions').set('Authorization', 'Bearer grid');
    expect(res.status).toBe(400);
  });
});
