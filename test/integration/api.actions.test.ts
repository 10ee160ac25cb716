// Case actions through HTTP against a real worker: the workflow's validators decide, and
// their typed failures come back as 403 / 409 / 400.
import request from 'supertest';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const COMMUNITY = 'GL-S01-C01';
const STREET = 'GL-S01';
const DEPT = 'GL-D-CG';

let h: ApiHarness;
let gridWorker: string;
let community: string;
let street: string;
let commandCenter: string;
let officer: string;
let otherGridWorker: string;

beforeAll(async () => {
  h = await startHarness();
  gridWorker = await h.bearer('GRID_WORKER', GRID);
  community = await h.bearer('COMMUNITY_WORKER', COMMUNITY);
  street = await h.bearer('STREET_DISPATCHER', STREET);
  commandCenter = await h.bearer('COMMAND_CENTER');
  officer = await h.bearer('DEPARTMENT_OFFICER', DEPT);
  otherGridWorker = await h.bearer('GRID_WORKER', 'GL-S02-C01-G02');
});
afterAll(async () => {
  await h?.close();
});

const report = async (): Promise<string> => {
  const res = await request(h.app)
    .post('/cases')
    .set('Authorization', await h.bearer('REPORTER'))
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '垃圾堆积多日无人清运' });
  expect(res.status).toBe(201);
  return res.body.code;
};

const act = (code: string, path: string, auth: string, body?: object) => {
  const r = request(h.app).post(`/cases/${code}/${path}`).set('Authorization', auth);
  return body === undefined ? r : r.send(body);
};

describe('case actions', () => {
  it('accept → respond SELF → result → review CLOSE, all through HTTP', async () => {
    const code = await report();

    const accepted = await act(code, 'accept', gridWorker);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ code, status: 'ACCEPTED', level: 'GRID' });

    const responded = await act(code, 'respond', gridWorker, { decision: 'SELF', note: '网格员自行处置' });
    expect(responded.status).toBe(200);
    expect(responded.body.status).toBe('IN_PROGRESS');
    expect(responded.body.completionDueAt).toEqual(expect.any(Number));

    const result = await act(code, 'result', gridWorker, { summary: '已联系物业清运完毕' });
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('PENDING_REVIEW');

    const closed = await act(code, 'review', street, { decision: 'CLOSE', reason: '现场核实已清理' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', resolution: 'RESOLVED' });

    const survey = await act(code, 'survey', commandCenter, { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
    expect(survey.status).toBe(200);
    expect(survey.body.status).toBe('SURVEYED');

    // The projection and the event log follow.
    await eventually(async () => (await h.db.case.findUnique({ where: { code } }))?.status === 'SURVEYED', 15_000, 'SURVEYED projection');
    const events = await request(h.app).get(`/cases/${code}/events`).set('Authorization', street);
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['REPORTED', 'ACCEPTED', 'RESPONDED', 'RESULT_SUBMITTED', 'REVIEWED_CLOSED']),
    );
  });

  it('maps the validators: Forbidden → 403, InvalidTransition → 409, BadInput → 400', async () => {
    const code = await report();
    const wrongGrid = await act(code, 'accept', otherGridWorker);
    expect(wrongGrid.status).toBe(403);
    expect(wrongGrid.body.error.code).toBe('FORBIDDEN');

    const tooEarly = await act(code, 'result', gridWorker, { summary: '处理完毕' });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.code).toBe('INVALID_TRANSITION');

    expect((await act(code, 'accept', gridWorker)).status).toBe(200);
    expect((await act(code, 'accept', gridWorker)).status).toBe(409);

    // Whistle up the default ladder (层层): the grid to its community, the community to the street, which may call departments.
    const toCommunity = await act(code, 'whistle', gridWorker, { reason: '需要城管执法' });
    expect(toCommunity.status).toBe(200);
    expect(toCommunity.body.level).toBe('COMMUNITY');
    expect((await act(code, 'whistle', gridWorker, { reason: '需要城管执法' })).status).toBe(403);
    const whistled = await act(code, 'whistle', community, { reason: '社区无执法权' });
    expect(whistled.status).toBe(200);
    expect(whistled.body.level).toBe('STREET');
    const accepted = whistled.body.status === 'REPORTED' ? await act(code, 'accept', street) : whistled;
    expect(accepted.status).toBe(200);

    const past = await act(code, 'calls', street, { calls: [{ departmentId: DEPT, reportBy: '2020-01-01T08:00:00+08:00', place: '鼓屏路88号' }] });
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('BAD_INPUT');
    expect(past.body.error.fields).toEqual([{ path: 'body.calls.reportBy', message: expect.any(String) }]);

    const unknownDept = await act(code, 'calls', street, { calls: [{ departmentId: 'GL-D-NOPE', reportBy: new Date(Date.now() + 3_600_000).toISOString(), place: 'x' }] });
    expect(unknownDept.status).toBe(400);
  });

  it('department call → report → evidence; extension request and decision; department result', async () => {
    const code = await report();
    expect((await act(code, 'accept', gridWorker)).status).toBe(200);
    expect((await act(code, 'whistle', gridWorker, { reason: '需要部门协同' })).status).toBe(200);
    const whistled = await act(code, 'whistle', community, { reason: '需要部门协同' });
    expect(whistled.body.level).toBe('STREET');
    if (whistled.body.status === 'REPORTED') expect((await act(code, 'accept', street)).status).toBe(200);

    const called = await act(code, 'calls', street, {
      calls: [{ departmentId: DEPT, reportBy: new Date(Date.now() + 2 * 3_600_000).toISOString(), place: '冶山路12号', instructions: '带执法记录仪' }],
    });
    expect(called.status).toBe(200);
    expect(called.body.status).toBe('IN_PROGRESS');
    const call = called.body.calls.find((c: { departmentId: string }) => c.departmentId === DEPT);
    expect(call).toBeDefined();

    // Only the called department reports.
    expect((await act(code, `calls/${call.id}/report`, gridWorker)).status).toBe(403);
    const reported = await act(code, `calls/${call.id}/report`, officer);
    expect(reported.status).toBe(200);
    expect(reported.body.calls.find((c: { id: string }) => c.id === call.id).reportedAt).toEqual(expect.any(Number));

    const evidence = await act(code, 'evidence', officer, { callId: call.id, kind: 'VIDEO', url: 'https://evidence.example.cn/v/1.mp4', sha256: 'AB'.repeat(32) });
    expect(evidence.status).toBe(200);
    expect(evidence.body.calls.find((c: { id: string }) => c.id === call.id).evidence[0]).toMatchObject({ kind: 'VIDEO', sha256: 'ab'.repeat(32) });

    const ext = await act(code, 'extensions', street, { days: 2, reason: '等待清运车辆' });
    expect(ext.status).toBe(200);
    const pending = ext.body.extensions.find((x: { status: string }) => x.status === 'PENDING');
    expect(pending).toBeDefined();
    expect((await act(code, `extensions/${pending.id}/decision`, gridWorker, { approve: true, reason: 'ok' })).status).toBe(403);
    const decided = await act(code, `extensions/${pending.id}/decision`, commandCenter, { approve: true, reason: '同意延期' });
    expect(decided.status).toBe(200);
    expect(decided.body.extensions.find((x: { id: string }) => x.id === pending.id).status).toBe('APPROVED');

    // The department's result completes the last open call: the case goes to review.
    const done = await act(code, 'result', officer, { callId: call.id, summary: '已依法处置' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('PENDING_REVIEW');
  });

  it('an Idempotency-Key on an action makes a retry return the first outcome', async () => {
    const code = await report();
    const first = await act(code, 'accept', gridWorker).set('Idempotency-Key', 'accept-once');
    expect(first.status).toBe(200);
    const retry = await act(code, 'accept', gridWorker).set('Idempotency-Key', 'accept-once');
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('ACCEPTED');
    const events = await h.client.workflow.getHandle(code).query('getCaseState');
    expect((events as { lastEventSeq: number }).lastEventSeq).toBe(first.body.lastEventSeq);
  });

  it('validates action bodies before the workflow sees them', async () => {
    const code = await report();
    const res = await act(code, 'respond', gridWorker, { decision: 'GUIDANCE', colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.colour', 'body.guidance']);
    const ext = await act(code, 'extensions', gridWorker, { days: 61, reason: '' });
    expect(ext.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.days', 'body.reason']);
  });

  it('a closed workflow takes no actions (409), and auditors never write (403)', async () => {
    const code = await report();
    const auditor = await h.bearer('AUDITOR');
    const denied = await act(code, 'accept', auditor);
    expect(denied.status).toBe(403);
    expect((await request(h.app).get(`/cases/${code}`).set('Authorization', auditor)).status).toBe(200);

    await h.client.workflow.getHandle(code).terminate('test: closed case');
    const res = await act(code, 'accept', gridWorker);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CASE_CLOSED');
  });
});
