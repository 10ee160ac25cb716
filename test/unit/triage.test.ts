// Three kinds of matter (三事分流) as routes: the pure rules (domain/triage) and the machine
// applying them on cases with CasePolicy.triage; cases without it keep the old behaviour.
import { cfg } from '../../devstack/sampleCaseInput';
import { parseLadder, parseTriageRoutes, PolicyError } from '../../domain/policy';
import { DEFAULT_TRIAGE, defaultTriage, ladderForPlace, mayCall, responseBlocker, triageCalls, triageStartLevel, UNROUTED } from '../../domain/triage';
import type { TriageKind } from '../../domain/types';
import { CaseMachine } from '../../workflows/caseMachine';
import { ACTORS, DEPARTMENTS, DIRECTORY, HOUR, MIN, T0, bj, machineInput, types, verdict } from './fixtures/machineFixture';

describe('domain/triage', () => {
  const all = defaultTriage();

  it('a small matter starts with its grid\'s community when the directory gives one, otherwise at the catalog\'s level', () => {
    expect(triageStartLevel('SMALL', 'GRID', DIRECTORY, all)).toBe('COMMUNITY');
    const { COMMUNITY: _c, ...noCommunity } = DIRECTORY;
    expect(triageStartLevel('SMALL', 'GRID', noCommunity, all)).toBe('GRID');
    // The community's post vacant: nobody would be told; the grid (the catalog's level) keeps it.
    expect(triageStartLevel('SMALL', 'GRID', { ...DIRECTORY, COMMUNITY: { ...DIRECTORY.COMMUNITY!, personId: null } }, all)).toBe('GRID');
    // A category that starts higher keeps its level.
    expect(triageStartLevel('SMALL', 'STREET', DIRECTORY, all)).toBe('STREET');
  });

  it('a big matter and a private one start at the catalog\'s level (the grid solves what it can on patrol); a route may start big matters at the street', () => {
    expect(triageStartLevel('BIG', 'GRID', DIRECTORY, all)).toBe('GRID');
    expect(triageStartLevel('BIG', 'STREET', DIRECTORY, all)).toBe('STREET');
    expect(triageStartLevel('PRIVATE', 'GRID', DIRECTORY, all)).toBe('GRID');
    // A configured STREET start (the route before the grid's patrol matters were kept at the grid).
    const atStreet = defaultTriage();
    atStreet.routes.BIG.start = 'STREET';
    expect(triageStartLevel('BIG', 'GRID', DIRECTORY, atStreet)).toBe('STREET');
    expect(triageStartLevel('BIG', 'COMMAND_CENTER', DIRECTORY, atStreet)).toBe('COMMAND_CENTER');
  });

  it('without the policy, or for a kind not routed, every kind starts at the catalog\'s level', () => {
    for (const k of ['BIG', 'SMALL', 'PRIVATE'] as TriageKind[]) expect(triageStartLevel(k, 'GRID', DIRECTORY, undefined)).toBe('GRID');
    const noBig = defaultTriage(['SMALL', 'PRIVATE']);
    expect(noBig.routes.BIG).toEqual(UNROUTED);
    expect(triageStartLevel('BIG', 'GRID', DIRECTORY, noBig)).toBe('GRID');
    expect(triageCalls('BIG', ['GL-D-CG'], DEPARTMENTS, noBig, 'STREET')).toEqual([]);
  });

  it('a big matter starting at a level that calls calls the category\'s usual departments that have an officer, each once; no department named: no call', () => {
    expect(triageCalls('BIG', ['GL-D-CG', 'GL-D-SJ', 'GL-D-CG', 'GL-D-UNKNOWN'], DEPARTMENTS, all, 'STREET')).toEqual(['GL-D-CG', 'GL-D-SJ']);
    expect(triageCalls('BIG', [], DEPARTMENTS, all, 'STREET')).toEqual([]);
    expect(triageCalls('SMALL', ['GL-D-CG'], DEPARTMENTS, all, 'COMMUNITY')).toEqual([]);
  });

  it('a big matter starting with the grid calls nobody at intake: a grid does not call ([004] 街镇、社区呼叫)', () => {
    expect(triageCalls('BIG', ['GL-D-CG'], DEPARTMENTS, all, 'GRID')).toEqual([]);
    expect(triageCalls('BIG', ['GL-D-CG'], DEPARTMENTS, all, 'COMMAND_CENTER')).toEqual(['GL-D-CG']);
  });

  it('communities call departments on cases with the routes; on older cases only streets and above do', () => {
    expect(mayCall('COMMUNITY', all)).toBe(true);
    expect(mayCall('GRID', all)).toBe(false);
    expect(mayCall('STREET', all)).toBe(true);
    expect(mayCall('COMMUNITY', undefined)).toBe(false);
    expect(mayCall('STREET', undefined)).toBe(true);
  });

  it('each kind takes the responses that fit it; another needs a re-triage', () => {
    expect(responseBlocker('GUIDANCE', 'PRIVATE', all)).toBeNull();
    expect(responseBlocker('SELF', 'PRIVATE', all)).toMatch(/private matter is not handled by the holder.*correct the triage/);
    expect(responseBlocker('DEPARTMENTS', 'PRIVATE', all)).toMatch(/private matter/);
    expect(responseBlocker('GUIDANCE', 'SMALL', all)).toMatch(/small matter is not answered with guidance/);
    expect(responseBlocker('COMMUNITY', 'SMALL', all)).toBeNull();
    expect(responseBlocker('COMMUNITY', 'BIG', all)).toMatch(/big matter is not sent to the community/);
    expect(responseBlocker('SELF', 'BIG', all)).toBeNull();
    expect(responseBlocker('GUIDANCE', 'BIG', undefined)).toBeNull();
  });

  it('the defaults are the seed\'s routes, and a fresh copy each time', () => {
    expect(DEFAULT_TRIAGE.routes).toEqual({
      BIG: { start: 'CATALOG', callDepartments: true, responses: ['SELF', 'DEPARTMENTS'] },
      SMALL: { start: 'COMMUNITY', callDepartments: false, responses: ['SELF', 'COMMUNITY', 'DEPARTMENTS'] },
      PRIVATE: { start: 'CATALOG', callDepartments: false, responses: ['GUIDANCE'] },
    });
    const a = defaultTriage();
    a.routes.BIG.responses.push('GUIDANCE');
    expect(defaultTriage().routes.BIG.responses).toEqual(['SELF', 'DEPARTMENTS']);
  });

  it('the default ladder names the community: kept where the grid has one with a holder, skipped where it has none or the post is vacant', () => {
    const ladder = parseLadder(cfg.LADDER);
    expect(ladder).toEqual(['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    expect(ladderForPlace(ladder, DIRECTORY)).toEqual([...ladder]);
    const vacant = { ...DIRECTORY, COMMUNITY: { ...DIRECTORY.COMMUNITY!, personId: null } };
    expect(ladderForPlace(ladder, vacant)).toEqual(['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    const { COMMUNITY: _c, ...noCommunity } = DIRECTORY;
    expect(ladderForPlace(ladder, noCommunity)).toEqual(['GRID', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);
    // A ladder configured without COMMUNITY (LADDER=GRID,STREET,…) is left as it is.
    expect(ladderForPlace(['GRID', 'STREET', 'COMMAND_CENTER'], DIRECTORY)).toEqual(['GRID', 'STREET', 'COMMAND_CENTER']);
  });

  it('TRIAGE_ROUTES names known kinds, each once', () => {
    expect(parseTriageRoutes(['SMALL', 'PRIVATE'])).toEqual(['SMALL', 'PRIVATE']);
    expect(parseTriageRoutes([])).toEqual([]);
    expect(() => parseTriageRoutes(['HUGE'])).toThrow(PolicyError);
    expect(() => parseTriageRoutes(['BIG', 'BIG'])).toThrow(/more than once/);
  });
});

/** A machine for a case of `kind` with every route (or `kinds`), started as intake starts it. */
function routed(kind: TriageKind, o: { kinds?: TriageKind[]; departments?: string[]; urgent?: boolean; startLevel?: 'GRID' | 'STREET' } = {}): CaseMachine {
  const input = machineInput({ reportedAt: T0, urgent: o.urgent, startLevel: o.startLevel });
  input.policy.triage = defaultTriage(o.kinds);
  input.intake.triage = kind;
  if (o.departments) input.intake.suggestedDepartmentIds = o.departments;
  input.intake.startLevel = triageStartLevel(kind, input.intake.startLevel, input.directory, input.policy.triage);
  return new CaseMachine(input, T0);
}

describe('CaseMachine with CasePolicy.triage', () => {
  it('a small matter is the community\'s from intake: its holder accepts, handles, and the street reviews', () => {
    const m = routed('SMALL');
    expect(m.state).toMatchObject({ level: 'COMMUNITY', assignee: DIRECTORY.COMMUNITY });
    expect(m.state.windows.map((w) => [w.kind, w.unitId])).toEqual([['ACCEPT', DIRECTORY.COMMUNITY!.unitId]]);
    expect(m.pending[0].notifications[0]).toMatchObject({ recipientId: 'p-community', kind: 'CASE_ASSIGNED' });
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toMatchObject({ type: 'Forbidden' });
    m.accept({ actor: ACTORS.community }, T0 + 2 * MIN);
    m.respond({ actor: ACTORS.community, decision: 'SELF', note: '居委会主导协商' }, T0 + 5 * MIN);
    m.submitResult({ actor: ACTORS.community, summary: '已调解' }, T0 + HOUR);
    expect(m.state).toMatchObject({ status: 'PENDING_REVIEW', level: 'COMMUNITY' });
    expect(m.state.windows.map((w) => [w.kind, w.level])).toEqual([['REVIEW', 'STREET']]);
    m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '属实' }, T0 + 2 * HOUR);
    expect(m.state.status).toBe('CLOSED');
  });

  it('a community calls departments on a routed case (街镇、社区呼叫), not on an older one', () => {
    const m = routed('SMALL');
    m.accept({ actor: ACTORS.community }, T0 + MIN);
    const call = { actor: ACTORS.community, calls: [{ departmentId: 'GL-D-CG', reportBy: Date.now() + 10 * HOUR, place: '鼓屏路' }] };
    expect(verdict(() => m.guardCallDepartments(call))).toBe('ok');
    const old = new CaseMachine(machineInput({ startLevel: 'COMMUNITY' }), T0);
    old.accept({ actor: ACTORS.community }, T0 + MIN);
    expect(verdict(() => old.guardCallDepartments(call))).toEqual({ type: 'InvalidTransition', message: expect.stringMatching(/only a street or a higher level/) });
  });

  it('a big matter of a street-level category is fast-tracked (政府快办): it starts at the street with the category\'s departments called; the acceptance is the first response', () => {
    const m = routed('BIG', { departments: ['GL-D-CG', 'GL-D-SJ'], startLevel: 'STREET' });
    expect(m.state).toMatchObject({ level: 'STREET', status: 'REPORTED', assignee: DIRECTORY.STREET });
    expect(types(m)).toEqual(['REPORTED', 'DEPARTMENT_CALLED', 'DEPARTMENT_CALLED']);
    const called = m.pending[1].event;
    // Reported Tuesday 10:00: two working hours to report, by 12:00 (no lunch break in between).
    expect(called).toMatchObject({ actorId: null, unitId: 'GL-D-CG', data: { departmentId: 'GL-D-CG', reportBy: bj(11, 24, 12), fastTrack: true, place: '路边占道经营' } });
    expect(m.pending[1].notifications[0]).toMatchObject({ recipientId: 'p-dept-cg', kind: 'DEPARTMENT_CALLED' });
    expect(m.state.calls.map((c) => [c.departmentId, c.calledBy])).toEqual([['GL-D-CG', 'p-street'], ['GL-D-SJ', 'p-street']]);
    expect(m.state.windows.map((w) => [w.kind, w.unitId])).toEqual([['ACCEPT', 'GL-S01'], ['REPORT', 'GL-D-CG'], ['REPORT', 'GL-D-SJ']]);
    // A department may report before the street has accepted.
    m.reportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }, T0 + 30 * MIN);
    m.accept({ actor: ACTORS.street }, T0 + 5 * MIN);
    expect(types(m).slice(-3)).toEqual(['DEPARTMENT_REPORTED', 'ACCEPTED', 'RESPONDED']);
    expect(m.pending[m.pending.length - 1].event.data).toMatchObject({ decision: 'DEPARTMENTS', onTime: true });
    expect(m.state.status).toBe('IN_PROGRESS');
    m.reportArrival({ actor: ACTORS.sj, callId: m.state.calls[1].id }, T0 + HOUR);
    m.submitResult({ actor: ACTORS.cg, callId: m.state.calls[0].id, summary: '已清理' }, T0 + 2 * HOUR);
    m.submitResult({ actor: ACTORS.sj, callId: m.state.calls[1].id, summary: '已检查' }, T0 + 3 * HOUR);
    // The street keeps the case and reviews it.
    expect(m.state).toMatchObject({ status: 'PENDING_REVIEW', level: 'STREET' });
    m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '部门已处置' }, T0 + 4 * HOUR);
    expect(m.state.status).toBe('CLOSED');
  });

  it('a big matter whose category names no department starts at the street without calls; the street decides within its hour', () => {
    const m = routed('BIG', { departments: [], startLevel: 'STREET' });
    expect(m.state).toMatchObject({ level: 'STREET', calls: [] });
    expect(types(m)).toEqual(['REPORTED']);
    m.accept({ actor: ACTORS.street }, T0 + MIN);
    expect(m.state.status).toBe('ACCEPTED');
    expect(m.state.windows.map((w) => w.kind)).toEqual(['RESPONSE']);
  });

  it('a big matter of a grid-level category starts with the grid without calls (网格内解决); the grid handles it or whistles it up, and may not send it to the community', () => {
    const m = routed('BIG', { departments: ['GL-D-CG'] });
    expect(m.state).toMatchObject({ level: 'GRID', calls: [], assignee: DIRECTORY.GRID });
    expect(types(m)).toEqual(['REPORTED']);
    m.accept({ actor: ACTORS.grid }, T0 + MIN);
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'SELF', note: '现场劝离' }))).toBe('ok');
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'COMMUNITY' }))).toEqual({ type: 'BadInput', message: expect.stringMatching(/^triage: a big matter is not sent to the community/) });
    // A street-level category of the same kind is fast-tracked (above): the difference is where the catalog starts it.
    expect(routed('BIG', { departments: ['GL-D-CG'], startLevel: 'STREET' }).state.calls).toHaveLength(1);
  });

  it('BIG not routed (TRIAGE_ROUTES without BIG): the case starts at the catalog\'s level with any response, as before', () => {
    const m = routed('BIG', { kinds: ['SMALL', 'PRIVATE'], startLevel: 'STREET', departments: ['GL-D-CG'] });
    expect(m.state.level).toBe('STREET');
    expect(types(m)).toEqual(['REPORTED']);
    m.accept({ actor: ACTORS.street }, T0 + MIN);
    expect(verdict(() => m.guardRespond({ actor: ACTORS.street, decision: 'GUIDANCE', guidance: '请联系物业' }))).toBe('ok');
  });

  it('a private matter is answered with guidance; handling it needs a re-triage with a reason, recorded with the response', () => {
    const m = routed('PRIVATE');
    expect(m.state.level).toBe('GRID');
    m.accept({ actor: ACTORS.grid }, T0 + MIN);
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '请到派出所办理' }))).toBe('ok');
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'SELF' }))).toEqual({ type: 'BadInput', message: expect.stringMatching(/^triage: a private matter is not handled by the holder/) });
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL' }))).toEqual({ type: 'BadInput', message: 'triageReason: say why the kind of matter is corrected' });
    m.respond({ actor: ACTORS.grid, decision: 'SELF', triage: 'SMALL', triageReason: '涉及楼道公共区域，非个人事务' }, T0 + 5 * MIN);
    expect(m.state).toMatchObject({ status: 'IN_PROGRESS', triage: 'SMALL' });
    expect(m.pending[m.pending.length - 1].event).toMatchObject({
      type: 'RESPONDED',
      data: { decision: 'SELF', retriage: { from: 'PRIVATE', to: 'SMALL', reason: '涉及楼道公共区域，非个人事务' } },
    });
  });

  it('calling departments on an accepted private matter is refused until the response corrects its kind', () => {
    const input = machineInput({ startLevel: 'STREET' });
    input.policy.triage = defaultTriage();
    input.intake.triage = 'PRIVATE';
    const m = new CaseMachine(input, T0);
    m.accept({ actor: ACTORS.street }, T0 + MIN);
    expect(verdict(() => m.guardCallDepartments({ actor: ACTORS.street, calls: [] }))).toEqual({
      type: 'InvalidTransition', message: expect.stringMatching(/private matter is not handled by calling departments.*in the response first/),
    });
  });

  it('a small matter answered with guidance is corrected to private first', () => {
    const m = routed('SMALL');
    m.accept({ actor: ACTORS.community }, T0 + MIN);
    expect(verdict(() => m.guardRespond({ actor: ACTORS.community, decision: 'GUIDANCE', guidance: '属个人事务' }))).toMatchObject({ type: 'BadInput' });
    m.respond({ actor: ACTORS.community, decision: 'GUIDANCE', guidance: '请自行联系维修', triage: 'PRIVATE', triageReason: '户内设施，属个人事务' }, T0 + 3 * MIN);
    expect(m.state).toMatchObject({ status: 'CLOSED', resolution: 'GUIDANCE', triage: 'PRIVATE' });
    expect(m.pending.find((f) => f.event.type === 'GUIDANCE_GIVEN')!.event.data).toMatchObject({ retriage: { from: 'SMALL', to: 'PRIVATE' } });
  });

  it('on the default ladder with the community (层层), a grid\'s missed acceptance climbs to the community, then to the street (the pacing table\'s COMMUNITY column)', () => {
    const input = machineInput({ reportedAt: T0, paced: true });
    input.policy.ladder = ladderForPlace(parseLadder(cfg.LADDER), input.directory);
    const m = new CaseMachine(input, T0);
    m.tick(T0 + 10 * MIN);
    expect(m.state).toMatchObject({ level: 'COMMUNITY', assignee: DIRECTORY.COMMUNITY });
    m.tick(T0 + 20 * MIN);
    expect(m.state.level).toBe('STREET');
    expect(m.state.breaches.map((b) => [b.kind, b.level, b.escalatedTo])).toEqual([['ACCEPT', 'GRID', 'COMMUNITY'], ['ACCEPT', 'COMMUNITY', 'STREET']]);
  });

  it('without CasePolicy.triage a private matter may be handled and a response records no re-triage', () => {
    const input = machineInput();
    input.intake.triage = 'PRIVATE';
    const m = new CaseMachine(input, T0);
    m.accept({ actor: ACTORS.grid }, T0 + MIN);
    expect(verdict(() => m.guardRespond({ actor: ACTORS.grid, decision: 'SELF' }))).toBe('ok');
    m.respond({ actor: ACTORS.grid, decision: 'SELF', triage: 'BIG', triageReason: 'x' }, T0 + 2 * MIN);
    expect(m.state.triage).toBe('PRIVATE');
    expect(m.pending[m.pending.length - 1].event.data).not.toHaveProperty('retriage');
  });
});
