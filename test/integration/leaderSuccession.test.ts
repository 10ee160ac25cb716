// A district leader leaves the post: the cases on his list (包案) pass to his successor, end to end —
// a case whistled to the deputy leader and resolved, waiting for its tick-off; the directory change
// as the admin API commits it; the fan-out reaching the closed case (it is still on a list); the
// successor's list and his tick-off.
import request from 'supertest';
import { signAccessToken } from '../../features/auth/auth';
import { startDirectoryFanOut } from '../../features/fanout/fanOut';
import type { FanOutResult } from '../../workflows/fanOutWorkflow';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const DEPUTY = 'p-deputy-GL';
const SUCCESSOR = 'p-deputy-GL-successor';

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  community: ['COMMUNITY_WORKER', 'GL-S01-C01'],
  street: ['STREET_DISPATCHER', 'GL-S01'],
  cc: ['COMMAND_CENTER', 'GL'],
  deputy: { personId: DEPUTY },
});
const { bearer, act } = suite;

afterAll(async () => {
  // Put the shared seed back as it was (the suite's harness closes after this).
  await suite.h.db.person.deleteMany({ where: { id: SUCCESSOR } });
  await suite.h.db.person.update({ where: { id: DEPUTY }, data: { active: true, deactivatedAt: null } });
});

const list = (personId: string, who: string) => request(suite.h.app).get(`/leaders/${personId}/cases`).set('Authorization', who);

it("a resolved case waiting for its tick-off passes to the new deputy leader, who ticks it off; the old one's list no longer has it", async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '包案交接测试' });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  expect((await act(code, 'accept', bearer.grid)).status).toBe(200);
  expect((await act(code, 'respond', bearer.grid, { decision: 'SELF' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.grid, { reason: '需社区协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.community, { reason: '需街道协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.street, { reason: '涉及多个部门' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.cc, { reason: '需区领导协调' })).body.leader).toMatchObject({ personId: DEPUTY });
  expect((await act(code, 'result', bearer.deputy, { summary: '区分管领导协调解决' })).status).toBe(200);
  expect((await act(code, 'review', bearer.deputy, { decision: 'CLOSE', reason: '核实' })).status).toBe(200);
  expect((await act(code, 'survey', bearer.cc, { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })).status).toBe(200);
  await eventually(async () => (await suite.h.db.case.findUnique({ where: { code } }))?.status === 'SURVEYED', 15_000, 'the surveyed projection');

  // The administrative change, as the admin API commits it: a successor named, the deputy deactivated.
  const successor = { id: SUCCESSOR, name: '新任分管领导', role: 'DEPUTY_LEADER' as const, unitId: 'GL' };
  await suite.h.db.person.create({ data: successor });
  await suite.h.db.person.update({ where: { id: DEPUTY }, data: { active: false, deactivatedAt: new Date() } });
  const changeId = `it-leader-${Date.now()}`;
  const started = await startDirectoryFanOut(suite.h.client, {
    taskQueue: suite.h.cfg.TEMPORAL_TASK_QUEUE,
    changeId,
    personIds: [DEPUTY, SUCCESSOR],
    reason: 'deputy leader p-deputy-GL deactivated',
    codePrefix: `${suite.h.cfg.CASE_CODE_PREFIX}-`,
  });
  const result = (await suite.h.client.workflow.getHandle(started.workflowId).result()) as FanOutResult;
  expect(result).toMatchObject({ kind: 'DIRECTORY', changeId, gone: 0 });
  expect(result.signalled).toBeGreaterThanOrEqual(1);

  const successorBearer = `Bearer ${await signAccessToken(suite.h.cfg, successor)}`;
  const theirs = await eventually(async () => {
    const res = await list(SUCCESSOR, bearer.cc);
    expect(res.status).toBe(200);
    return res.body.open.find((i: { code: string }) => i.code === code) ?? null;
  }, 20_000, "the case on the successor's list");
  expect(theirs).toMatchObject({ code, status: 'SURVEYED', leaderLevel: 'DEPUTY_LEADER', tickedOffAt: null });
  expect((await list(DEPUTY, bearer.cc)).body.open.some((i: { code: string }) => i.code === code)).toBe(false);
  const events = await request(suite.h.app).get(`/cases/${code}/events`).set('Authorization', bearer.cc);
  expect(events.body.items.filter((e: { type: string }) => e.type === 'LEADER_ASSIGNED').map((e: { data: { leaderId: string; previousLeaderId: string | null } }) => [e.data.leaderId, e.data.previousLeaderId])).toEqual([
    [DEPUTY, null],
    [SUCCESSOR, DEPUTY],
  ]);

  // The successor ticks it off; the case then ends.
  const ticked = await act(code, 'tick-off', successorBearer, { note: '交接后核实销号' });
  expect(ticked.status).toBe(200);
  expect(ticked.body.leader).toMatchObject({ personId: SUCCESSOR, note: '交接后核实销号' });
  await eventually(async () => (await suite.h.db.case.findUnique({ where: { code } }))?.leaderTickedAt instanceof Date, 15_000, 'the tick-off in the projection');
});
