// GET /cases/:code/actions against a real worker: every refusal it lists is the answer the
// action's POST gives (the same status, code and message), checked by sending that POST.
import request from 'supertest';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const COMMUNITY = 'GL-S01-C01';
const STREET = 'GL-S01';
const DEPT = 'GL-D-CG';
const OTHER_DEPT = 'GL-D-GA';

let h: ApiHarness;
let gridWorker: string;
let community: string;
let street: string;
let officer: string;
let otherOfficer: string;

beforeAll(async () => {
  h = await startHarness();
  gridWorker = await h.bearer('GRID_WORKER', GRID);
  community = await h.bearer('COMMUNITY_WORKER', COMMUNITY);
  street = await h.bearer('STREET_DISPATCHER', STREET);
  officer = await h.bearer('DEPARTMENT_OFFICER', DEPT);
  otherOfficer = await h.bearer('DEPARTMENT_OFFICER', OTHER_DEPT);
});
afterAll(async () => {
  await h?.close();
});

interface Entry {
  action: string;
  method: 'POST';
  path: string;
  params: Record<string, string>;
  allowed: boolean;
  reason?: { status: number; code: string; message: string };
}

const report = async (): Promise<string> => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾堆积多日无人清运' });
  expect(res.status).toBe(201);
  return res.body.code;
};

const act = (code: string, path: string, auth: string, body: object = {}) =>
  request(h.app).post(`/cases/${code}/${path}`).set('Authorization', auth).send(body);

const list = async (code: string, auth: string): Promise<Record<string, Entry>> => {
  const res = await request(h.app).get(`/cases/${code}/actions`).set('Authorization', auth);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ code, stateChecked: true });
  return Object.fromEntries((res.body.actions as Entry[]).map((a) => [a.action, a]));
};

/** A complete, valid body for each action: what a person would send. */
const bodyOf = (e: Entry): object => {
  const callId = e.params.callId ? { callId: e.params.callId } : {};
  switch (e.action) {
    case 'respond': return { decision: 'SELF' };
    case 'whistle': return { reason: '需要协调' };
    case 'calls': return { calls: [{ departmentId: OTHER_DEPT, reportBy: new Date(Date.now() + 3_600_000).toISOString(), place: '鼓屏路88号' }] };
    case 'evidence': return { ...callId, kind: 'PHOTO', url: 'https://files.example/1.jpg', sha256: 'a'.repeat(64) };
    case 'result': return { ...callId, summary: '已处理' };
    case 'review': return { decision: 'CLOSE', reason: '核实' };
    case 'long-term-plan': return { explanation: '需要立项' };
    case 'resume': return { note: '条件具备' };
    case 'extensions': return { days: 2, reason: '材料未到' };
    case 'extension-decision': return { approve: true, reason: 'ok' };
    case 'survey': return { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' };
    case 'tick-off': return { note: '已销号' };
    case 'urge': return { reason: '请加快办理' };
    case 'urge-reply': return { ...callId, reply: '正在办理' };
    case 'on-site': return { ...callId, step: 'ARRIVED' };
    case 'send-down': return { level: 'STREET', reason: '属街道职责' };
    case 'deliberate': return { step: 'SAY', text: '小区停车乱象' };
    case 'pause': return { reasonKind: 'THIRD_PARTY', reason: '等待法院裁定' };
    case 'pause-decision': return { approve: true, reason: '属实' };
    case 'pause-end': return { note: '已恢复' };
    default: return {};
  }
};

/** The POST an entry describes, with placeholder ids where the case names none (refused before they matter). */
const postOf = (e: Entry, auth: string) => {
  const params = { callId: 'CALL-0', requestId: 'EXT-0', urgeId: 'URGE-0', pauseId: 'PAUSE-0', ...e.params };
  const path = e.path.replace(/\{(\w+)\}/g, (_m, k: string) => params[k as keyof typeof params]);
  return request(h.app).post(path).set('Authorization', auth).send(bodyOf(e));
};

/** Every refused entry answers exactly as its POST does (a refused POST changes nothing). */
async function expectRefusalsMatchPosts(entries: Record<string, Entry>, auth: string): Promise<void> {
  // An urge-reply with no urge waiting names none: the probe's own refusal ("no urge waits for your reply",
  // as test/unit/caseActions.probe.test.ts allows); a POST must name an urge and is refused about that one.
  for (const e of Object.values(entries).filter((x) => !x.allowed && !(x.action === 'urge-reply' && !x.params.urgeId))) {
    const res = await postOf(e, auth);
    expect([e.action, { status: res.status, code: res.body.error?.code, message: res.body.error?.message }]).toEqual([e.action, e.reason]);
  }
}

describe('GET /cases/:code/actions', () => {
  it('a grid worker on a fresh case may accept; the refusals are what each POST answers', async () => {
    const code = await report();
    const a = await list(code, gridWorker);
    expect(Object.keys(a)).toHaveLength(22);
    expect(a.accept).toEqual({ action: 'accept', method: 'POST', path: '/cases/{code}/accept', params: { code }, allowed: true });
    expect(a.whistle.allowed).toBe(true);
    // Not the grid's role: refused by the role rule before the case is asked.
    expect(a.review).toMatchObject({ allowed: false, reason: { status: 403, code: 'FORBIDDEN' } });
    // The grid's role, but not in this state: the validator's reason.
    expect(a.respond).toMatchObject({ allowed: false, reason: { status: 409, code: 'INVALID_TRANSITION', message: 'cannot respond to a case that is REPORTED' } });
    await expectRefusalsMatchPosts(a, gridWorker);

    expect((await act(code, 'accept', gridWorker)).status).toBe(200);
    const after = await list(code, gridWorker);
    expect(after.accept).toMatchObject({ allowed: false, reason: { status: 409, code: 'INVALID_TRANSITION' } });
    const again = await act(code, 'accept', gridWorker);
    expect({ status: again.status, code: again.body.error.code, message: again.body.error.message }).toEqual(after.accept.reason);
    expect(after.respond.allowed).toBe(true);
    await expectRefusalsMatchPosts(after, gridWorker);
  });

  it('a department officer: its own call is named; everything else is forbidden; a department not called sees no case', async () => {
    const code = await report();
    // Up the default ladder to the street: the grid whistles to its community, the community to the street.
    expect((await act(code, 'whistle', gridWorker, { reason: '需要部门协同' })).status).toBe(200);
    const whistled = await act(code, 'whistle', community, { reason: '需要部门协同' });
    expect(whistled.status).toBe(200);
    expect(whistled.body.level).toBe('STREET');
    if (whistled.body.status === 'REPORTED') expect((await act(code, 'accept', street)).status).toBe(200);
    const called = await act(code, 'calls', street, {
      calls: [{ departmentId: DEPT, reportBy: new Date(Date.now() + 3_600_000).toISOString(), place: '鼓屏路88号' }],
    });
    expect(called.status).toBe(200);
    const callId: string = called.body.calls[0].id;
    // The update answers before the recordCase activity writes the call into the projection,
    // which the read scope of a department consults: the officer sees the case a moment later.
    await eventually(async () => (await request(h.app).get(`/cases/${code}/actions`).set('Authorization', officer)).status === 200, 15_000, "the call in the department's read scope");

    const a = await list(code, officer);
    expect(a.report).toEqual({
      action: 'report', method: 'POST', path: '/cases/{code}/calls/{callId}/report', params: { code, callId }, allowed: true,
    });
    for (const action of ['accept', 'respond', 'whistle', 'calls', 'review', 'long-term-plan', 'resume', 'extensions', 'extension-decision', 'survey', 'tick-off', 'urge']) {
      expect([action, a[action].reason?.status, a[action].reason?.code]).toEqual([action, 403, 'FORBIDDEN']);
    }
    // Its own call, but before reporting on site: the case refuses.
    expect(a.evidence).toMatchObject({ params: { callId }, allowed: false, reason: { status: 409, message: 'report (报到) before uploading evidence' } });
    await expectRefusalsMatchPosts(a, officer);

    // A department with no call on the case may not read it: 404, as GET /cases/:code answers.
    const other = await request(h.app).get(`/cases/${code}/actions`).set('Authorization', otherOfficer);
    expect(other.status).toBe(404);
    expect((await request(h.app).get(`/cases/${code}`).set('Authorization', otherOfficer)).status).toBe(404);
  });

  it('a case that has ended: what its POSTs answer (CASE_CLOSED)', async () => {
    const code = await report();
    const commandCenter = await h.bearer('COMMAND_CENTER');
    for (const [path, auth, body] of [
      ['accept', gridWorker, {}],
      ['respond', gridWorker, { decision: 'SELF' }],
      ['result', gridWorker, { summary: '已清运' }],
      ['review', street, { decision: 'CLOSE', reason: '核实' }],
      ['survey', commandCenter, { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }],
    ] as const) {
      expect([path, (await act(code, path, auth, body)).status]).toEqual([path, 200]);
    }
    await eventually(async () => (await h.client.workflow.getHandle(code).describe()).status.name === 'COMPLETED', 15_000, 'workflow completed');
    const a = await list(code, commandCenter);
    expect(a.survey).toMatchObject({ allowed: false, reason: { status: 409, code: 'CASE_CLOSED' } });
    await expectRefusalsMatchPosts(a, commandCenter);
  });

  it('an unknown case is 404; no credentials is 401', async () => {
    const unknown = await request(h.app).get('/cases/GL-20261124-999999/actions').set('Authorization', gridWorker);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const anonymous = await request(h.app).get('/cases/GL-20261124-999999/actions');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });
});
