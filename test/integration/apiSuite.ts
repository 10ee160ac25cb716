// The usual shape of an API suite about case actions: the harness started before the file's
// tests with a bearer token per person in the cast, closed after them, and the two requests
// those suites make again and again (post an action, read one entry of the action table).
import request from 'supertest';
import type { Role } from '../../domain/types';
import { startHarness, type ApiHarness } from './api.harness';

/** The people a suite acts as: a name each, the first seed person of a role (in a unit), or one by id. */
export type Cast = Record<string, readonly [Role, string?] | { personId: string }>;

/** One entry of `GET /cases/{code}/actions`. */
export interface ActionEntry {
  action: string;
  allowed: boolean;
  path: string;
  params: Record<string, string>;
  reason?: { status: number; message: string };
}

export interface ApiSuite {
  /** The harness (set once the suite's beforeAll has run). */
  readonly h: ApiHarness;
  /** "Bearer …" per name of the cast. */
  readonly bearer: Record<string, string>;
  /** POST /cases/{code}/{path} as `who` (a bearer). */
  act(code: string, path: string, who: string, body?: object): request.Test;
  /** The action table's entry for `action` on the case, as `who` sees it (the read must answer 200). */
  actionOf(code: string, who: string, action: string): Promise<ActionEntry>;
}

/** Register the suite's beforeAll/afterAll (call it at the top of a test file). */
export function apiSuite(cast: Cast, opts: Parameters<typeof startHarness>[0] = {}): ApiSuite {
  let harness: ApiHarness | null = null;
  const bearer: Record<string, string> = {};
  const h = (): ApiHarness => {
    if (!harness) throw new Error('the API suite has not started yet (use it inside a test)');
    return harness;
  };
  beforeAll(async () => {
    harness = await startHarness(opts);
    for (const [name, who] of Object.entries(cast)) {
      bearer[name] = 'personId' in who ? `Bearer ${await harness.tokenFor(who.personId)}` : await harness.bearer(who[0], who[1]);
    }
  });
  afterAll(async () => {
    await harness?.close();
  });
  return {
    get h() {
      return h();
    },
    bearer,
    act: (code, path, who, body = {}) => request(h().app).post(`/cases/${code}/${path}`).set('Authorization', who).send(body),
    async actionOf(code, who, action) {
      const res = await request(h().app).get(`/cases/${code}/actions`).set('Authorization', who);
      expect(res.status).toBe(200);
      const entry = (res.body.actions as ActionEntry[]).find((a) => a.action === action);
      if (!entry) throw new Error(`no action ${action} in the case's action table`);
      return entry;
    },
  };
}
