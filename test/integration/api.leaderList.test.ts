// The leaders' case lists through the API (real PostgreSQL, Temporal dev server, a case worker):
// a case whistled up to the deputy leader lands on his list (GET /leaders/{personId}/cases, read
// from the Case projection), the tick-off (POST /cases/{code}/tick-off, 对单销号) is an action of
// the action table (GET /cases/{code}/actions shows it), and who may read a list. Urging (催办) is
// an action too; its timing rules are shown by the workflow tests.
import request from 'supertest';
import { signAccessToken } from '../../features/auth/auth';
import { startDirectoryFanOut } from '../../features/fanout/fanOut';
import type { FanOutResult } from '../../workflows/fanOutWorkflow';
import { eventually } from './api.harness';
import { apiSuite } from './apiSuite';

jest.setTimeout(120_000);

const GRID = 'GL-S01-C01-G01';
const DEPUTY = 'p-deputy-GL';

const suite = apiSuite({
  reporter: ['REPORTER'],
  grid: ['GRID_WORKER', GRID],
  community: ['COMMUNITY_WORKER', 'GL-S01-C01'],
  street: ['STREET_DISPATCHER', 'GL-S01'],
  cc: ['COMMAND_CENTER', 'GL'],
  deputy: { personId: DEPUTY },
  principal: ['PRINCIPAL_LEADER', 'GL'],
  auditor: ['AUDITOR', 'GL'],
  admin: ['ADMIN', 'GL'],
});
const { bearer, act, actionOf } = suite;

const list = (personId: string, who: string) => request(suite.h.app).get(`/leaders/${personId}/cases`).set('Authorization', who);

/** A case reported in GRID and whistled up the default ladder (grid → community → street → command center) to the deputy leader: its code and the last whistle's answer. */
async function caseAtDeputy(description: string): Promise<{ code: string; up: request.Response }> {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description });
  expect(created.status).toBe(201);
  const code: string = created.body.code;
  expect((await act(code, 'accept', bearer.grid)).status).toBe(200);
  expect((await act(code, 'respond', bearer.grid, { decision: 'SELF' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.grid, { reason: '需社区协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.community, { reason: '需街道协调' })).status).toBe(200);
  expect((await act(code, 'whistle', bearer.street, { reason: '涉及多个部门' })).status).toBe(200);
  const up = await act(code, 'whistle', bearer.cc, { reason: '需区领导协调' });
  expect(up.status).toBe(200);
  return { code, up };
}

it("a case whistled to the deputy leader is on his list until he ticks it off with a note; then it is on the ticked-off part", async () => {
  const { code, up } = await caseAtDeputy('包案测试：多部门协调');
  expect(up.body.leader).toMatchObject({ personId: DEPUTY, level: 'DEPUTY_LEADER', tickedOffAt: null });

  const open = await eventually(async () => {
    const res = await list(DEPUTY, bearer.deputy);
    expect(res.status).toBe(200);
    return res.body.open.some((i: { code: string }) => i.code === code) ? res.body : null;
  }, 20_000, "the case on the deputy leader's list");
  const item = open.open.find((i: { code: string }) => i.code === code);
  expect(item).toMatchObject({ code, categoryCode: 'CG-002', status: 'IN_PROGRESS', level: 'DEPUTY_LEADER', leaderLevel: 'DEPUTY_LEADER', tickedOffAt: null, note: null, links: { case: `/cases/${code}`, tickOff: `/cases/${code}/tick-off` } });
  // The item's deadline is the case's earliest window in force, as the workflow holds it.
  expect(Date.parse(item.dueAt)).toBe(Math.min(...(up.body.windows as { dueAt: number }[]).map((w) => w.dueAt)));
  expect(open.leader).toMatchObject({ personId: DEPUTY, role: 'DEPUTY_LEADER', unitId: 'GL' });
  expect(open.openTotal).toBeGreaterThanOrEqual(1);

  // The tick-off is a case action: listed, refused with the case's reason while unresolved.
  const before = await actionOf(code, bearer.deputy, 'tick-off');
  expect(before).toMatchObject({ allowed: false, path: '/cases/{code}/tick-off', reason: { status: 409 } });
  expect(before.reason!.message).toMatch(/not resolved yet/);
  const early = await act(code, 'tick-off', bearer.deputy, { note: '销号' });
  expect(early.status).toBe(409);
  // Only the leader roles ever tick off; the body is checked at the edge.
  expect((await act(code, 'tick-off', bearer.cc, { note: '销号' })).status).toBe(403);
  const empty = await act(code, 'tick-off', bearer.deputy, {});
  expect(empty.status).toBe(400);
  expect(empty.body.error.fields[0].path).toBe('body.note');

  expect((await act(code, 'result', bearer.deputy, { summary: '区分管领导协调解决' })).status).toBe(200);
  expect((await act(code, 'review', bearer.deputy, { decision: 'CLOSE', reason: '核实' })).status).toBe(200);
  expect((await act(code, 'survey', bearer.cc, { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })).status).toBe(200);
  // Another leader is refused by the case itself (he is not its responsible leader).
  expect((await act(code, 'tick-off', bearer.principal, { note: '销号' })).status).toBe(403);
  expect(await actionOf(code, bearer.deputy, 'tick-off')).toMatchObject({ allowed: true });

  const ticked = await act(code, 'tick-off', bearer.deputy, { note: '已协调解决，群众满意' });
  expect(ticked.status).toBe(200);
  expect(ticked.body.leader).toMatchObject({ personId: DEPUTY, note: '已协调解决，群众满意' });
  const after = await eventually(async () => {
    const res = await list(DEPUTY, bearer.cc);
    expect(res.status).toBe(200);
    return res.body.tickedOff.some((i: { code: string }) => i.code === code) ? res.body : null;
  }, 20_000, 'the tick-off in the projection');
  expect(after.open.some((i: { code: string }) => i.code === code)).toBe(false);
  expect(after.tickedOff.find((i: { code: string }) => i.code === code)).toMatchObject({ status: 'SURVEYED', note: '已协调解决，群众满意', tickedOffAt: expect.any(String) });
  const row = await suite.h.db.case.findUniqueOrThrow({ where: { code } });
  expect(row).toMatchObject({ leaderId: DEPUTY, leaderLevel: 'DEPUTY_LEADER', leaderNote: '已协调解决，群众满意' });
  expect(row.leaderTickedAt).toBeInstanceOf(Date);
});

it('who reads a leader\'s list: the leader, the command center, the district leaders, auditors; others 403; unknown or another district 404', async () => {
  for (const who of ['deputy', 'cc', 'principal', 'auditor']) expect([who, (await list(DEPUTY, bearer[who])).status]).toEqual([who, 200]);
  for (const who of ['grid', 'street', 'reporter', 'admin']) expect([who, (await list(DEPUTY, bearer[who])).status]).toEqual([who, 403]);
  expect((await list('p-nobody', bearer.cc)).status).toBe(404);
  // A person of another district (the grid worker, whose unit is not the district) is not on the district's lists.
  expect((await list('p-grid-GL-S01-C01-G01', bearer.cc)).status).toBe(404);
  const bad = await request(suite.h.app).get(`/leaders/${DEPUTY}/cases`).set('Authorization', bearer.cc).query({ limit: '0' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('query.limit');
  expect((await request(suite.h.app).get(`/leaders/${DEPUTY}/cases`)).status).toBe(401);
});

it("a leader's list answers conditional GETs: 304 for the current tag, per caller; a recording on a listed case moves the tag", async () => {
  const first = await list(DEPUTY, bearer.deputy);
  expect(first.status).toBe(200);
  const tag = first.headers.etag as string;
  expect(tag).toMatch(/^W\//);
  expect(first.headers['cache-control']).toBe('private, no-cache');
  const same = await list(DEPUTY, bearer.deputy).set('If-None-Match', tag);
  expect(same.status).toBe(304);
  expect(same.text).toBe('');
  // Another reader's answer has its own tag (answers are per caller).
  expect((await list(DEPUTY, bearer.cc).set('If-None-Match', tag)).status).toBe(200);
  // A case on the list changes (its projection row is written): the tag moves and the list is sent.
  const listed = await suite.h.db.case.findFirstOrThrow({ where: { leaderId: DEPUTY } });
  await suite.h.db.case.update({ where: { code: listed.code }, data: { leaderNote: `${listed.leaderNote ?? ''} ` } });
  const moved = await list(DEPUTY, bearer.deputy).set('If-None-Match', tag);
  expect(moved.status).toBe(200);
  expect(moved.headers.etag).not.toBe(tag);
  await suite.h.db.case.update({ where: { code: listed.code }, data: { leaderNote: listed.leaderNote } });
});

it("the district's leaders for the console's picker (GET /leaders): principal first, the list readers only", async () => {
  const res = await request(suite.h.app).get('/leaders').set('Authorization', bearer.cc);
  expect(res.status).toBe(200);
  const items = res.body.items as Array<{ personId: string; role: string; unitId: string }>;
  expect(items.map((l) => l.personId)).toContain(DEPUTY);
  expect(items[0]!.role).toBe('PRINCIPAL_LEADER');
  expect(new Set(items.map((l) => l.role))).toEqual(new Set(['PRINCIPAL_LEADER', 'DEPUTY_LEADER']));
  expect(items.every((l) => l.unitId === 'GL')).toBe(true);
  for (const who of ['deputy', 'principal', 'auditor']) expect([who, (await request(suite.h.app).get('/leaders').set('Authorization', bearer[who]!)).status]).toEqual([who, 200]);
  for (const who of ['grid', 'street', 'reporter', 'admin']) expect([who, (await request(suite.h.app).get('/leaders').set('Authorization', bearer[who]!)).status]).toEqual([who, 403]);
  expect((await request(suite.h.app).get('/leaders')).status).toBe(401);
});

it('urging (催办) is an action of the command center: a fresh case is not yet overdue or at risk (409), other roles 403', async () => {
  const created = await request(suite.h.app)
    .post('/cases')
    .set('Authorization', bearer.reporter)
    .send({ channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: '督办测试' });
  const code: string = created.body.code;
  const refused = await act(code, 'urges', bearer.cc, { reason: '请加快办理' });
  expect(refused.status).toBe(409);
  expect(refused.body.error.message).toMatch(/neither overdue nor at risk/);
  expect((await act(code, 'urges', bearer.street, { reason: '请加快办理' })).status).toBe(403);
  const bad = await act(code, 'urges', bearer.cc, { reason: '请加快办理', replyWithinWorkingHours: -1 });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].path).toBe('body.replyWithinWorkingHours');
  expect(await actionOf(code, bearer.cc, 'urge')).toMatchObject({ allowed: false, path: '/cases/{code}/urges', reason: { status: 409 } });
  expect(await actionOf(code, bearer.grid, 'urge-reply')).toMatchObject({ allowed: false, reason: { status: 409, message: 'no urge waits for your reply' } });
});

describe("a leader leaves the post: his list passes to the successor (LeaderListPolicy.followsPost)", () => {
  const SUCCESSOR = 'p-deputy-GL-successor';
  afterAll(async () => {
    // Put the shared seed back as it was (the suite's harness closes after this).
    await suite.h.db.person.deleteMany({ where: { id: SUCCESSOR } });
    await suite.h.db.person.update({ where: { id: DEPUTY }, data: { active: true, deactivatedAt: null } });
  });

  // The directory change as the admin API commits it, the fan-out reaching the closed case (it is
  // still on a list), the successor's list and his tick-off.
  it("a resolved case waiting for its tick-off passes to the new deputy leader, who ticks it off; the old one's list no longer has it", async () => {
    const { code, up } = await caseAtDeputy('包案交接测试');
    expect(up.body.leader).toMatchObject({ personId: DEPUTY });
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
});
