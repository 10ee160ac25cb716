// The district's routines in the case machine, alone (no server): the leaders' case lists
// (包案责任清单, 对单销号) and supervision (督办: 催办, reply, 通报), with the pure rules of
// domain/leaderList and domain/supervision. A case whose policy has neither keeps the old behaviour.
import { ACTORS, DAY, HOUR, MIN, T0, bj, machineInput, newMachine, verdict } from './fixtures/machineFixture';
import { defaultCalendar } from '../../domain/calendar';
import { leaderListAccess, tickOffBlocker } from '../../domain/leaderList';
import { DEFAULT_SUPERVISION, nextNoticeAt, urgeDeadlines, urgeGround, type Urge } from '../../domain/supervision';
import { nextWakeAt } from '../../domain/windows';
import { CaseMachine } from '../../workflows/caseMachine';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';

const cal = defaultCalendar();
const facts = (m: CaseMachine, type: string) => m.pending.filter((f) => f.event.type === type).map((f) => f.event);

/** A street case taken on at T0, whistled up to the deputy leader by the command center. */
function atDeputy(routines = true): CaseMachine {
  const m = newMachine({ routines, startLevel: 'STREET' });
  m.accept({ actor: ACTORS.street }, T0);
  m.respond({ actor: ACTORS.street, decision: 'SELF' }, T0 + MIN);
  m.whistle({ actor: ACTORS.street, reason: '需要区里协调' }, T0 + 2 * MIN);
  m.whistle({ actor: ACTORS.cc, reason: '需要领导协调' }, T0 + 3 * MIN);
  return m;
}

/** Result, review and close, a satisfied revisit: the case is resolved for good. */
function resolve(m: CaseMachine, by: typeof ACTORS.deputy, at: number): void {
  m.submitResult({ actor: by, summary: '已协调解决' }, at);
  m.review({ actor: by, decision: 'CLOSE', reason: '核实' }, at + MIN);
  m.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, at + 2 * MIN);
}

describe("the leaders' case lists (包案, 对单销号)", () => {
  it('a case whistled to the deputy leader names him its responsible leader, in a fact', () => {
    const m = atDeputy();
    expect(m.state.leader).toEqual({ personId: 'p-deputy', name: '分管领导', level: 'DEPUTY_LEADER', since: T0 + 3 * MIN, tickedOffAt: null, note: null });
    const [assigned] = facts(m, 'LEADER_ASSIGNED');
    expect(assigned).toMatchObject({ level: 'DEPUTY_LEADER', unitId: 'GL', data: { leaderId: 'p-deputy', leaderName: '分管领导', leaderLevel: 'DEPUTY_LEADER', previousLeaderId: null, reason: '需要领导协调' } });
    // Recorded right after the escalation that took the case there.
    const types = m.pending.map((f) => f.event.type);
    expect(types.slice(-2)).toEqual(['ESCALATED', 'LEADER_ASSIGNED']);
  });

  it('whistled on to the principal leader: the item moves to his list (and the case is on the leaders\' list)', () => {
    const m = atDeputy();
    m.whistle({ actor: ACTORS.deputy, reason: '需要主要领导顶格调度' }, T0 + 4 * MIN);
    expect(m.state.leader).toMatchObject({ personId: 'p-principal', level: 'PRINCIPAL_LEADER' });
    expect(facts(m, 'LEADER_ASSIGNED').map((e) => [e.data?.leaderId, e.data?.previousLeaderId])).toEqual([['p-deputy', null], ['p-principal', 'p-deputy']]);
    expect(m.pending.map((f) => f.event.type).slice(-3)).toEqual(['ESCALATED', 'LEADER_ASSIGNED', 'LEADER_LISTED']);
  });

  it('a paced lapse that climbs to a leader names one too (the clock, not a person)', () => {
    const m = newMachine({ routines: true, paced: true, startLevel: 'STREET' });
    m.accept({ actor: ACTORS.street }, T0);
    m.respond({ actor: ACTORS.street, decision: 'SELF' }, T0 + MIN);
    // Completion (3 working days) lapses at the street, then at the command center.
    m.tick(m.state.completionDueAt!);
    m.tick(m.state.completionDueAt!);
    expect(m.state.level).toBe('DEPUTY_LEADER');
    expect(facts(m, 'LEADER_ASSIGNED').map((e) => [e.actorId, e.data?.leaderId])).toEqual([[null, 'p-deputy']]);
  });

  it('the tick-off waits for the case to be resolved for good, and only the responsible leader ticks it, with a note', () => {
    const m = atDeputy();
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: '销号' }))).toEqual({ type: CONFLICT_ERROR, message: 'the case cannot be ticked off yet: it is not resolved yet (IN_PROGRESS)' });
    m.submitResult({ actor: ACTORS.deputy, summary: '已协调解决' }, T0 + HOUR);
    m.review({ actor: ACTORS.deputy, decision: 'CLOSE', reason: '核实' }, T0 + HOUR + MIN);
    // Closed, but the revisit could still reopen it.
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: '销号' }))).toEqual({ type: CONFLICT_ERROR, message: 'the case cannot be ticked off yet: its revisit survey (回访) is not in yet' });
    m.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, T0 + HOUR + 2 * MIN);
    expect(m.state.status).toBe('SURVEYED');
    // Surveyed, yet the case waits for its leader's tick.
    expect(m.finished).toBe(false);
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.principal, note: '销号' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardTickOff({ actor: { ...ACTORS.deputy, unitId: 'XD' }, note: '销号' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: ' ' }))).toEqual({ type: BAD_INPUT_ERROR, message: 'note: a closing note is required (对单销号)' });
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: '已协调城管解决，群众满意' }))).toBe('ok');
    m.tickOff({ actor: ACTORS.deputy, note: '已协调城管解决，群众满意' }, T0 + 2 * HOUR);
    expect(m.state.leader).toMatchObject({ tickedOffAt: T0 + 2 * HOUR, note: '已协调城管解决，群众满意' });
    expect(facts(m, 'LEADER_TICKED_OFF')).toEqual([
      expect.objectContaining({ actorId: 'p-deputy', level: 'DEPUTY_LEADER', data: { leaderId: 'p-deputy', note: '已协调城管解决，群众满意' } }),
    ]);
    expect(m.finished).toBe(true);
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: '再销' }))).toMatchObject({ type: CONFLICT_ERROR });
  });

  it('a case never at a leader level is on nobody\'s list and cannot be ticked off', () => {
    const m = newMachine({ routines: true });
    expect(m.state.leader).toBeUndefined();
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.principal, note: '销号' }))).toEqual({ type: CONFLICT_ERROR, message: "the case is not on a district leader's list (包案)" });
  });

  it('a case started before the lists (no leaderList in its policy) names nobody and ends at its survey as before', () => {
    const m = atDeputy(false);
    expect(m.state.leader).toBeUndefined();
    expect(facts(m, 'LEADER_ASSIGNED')).toEqual([]);
    resolve(m, ACTORS.deputy, T0 + HOUR);
    expect(m.finished).toBe(true);
  });

  it('tickOffBlocker: closed without a revisit due, or surveyed, may be ticked off', () => {
    expect(tickOffBlocker('SURVEYED', [])).toBeNull();
    expect(tickOffBlocker('CLOSED', [])).toBeNull();
    expect(tickOffBlocker('CLOSED', [{ kind: 'SURVEY' }])).toMatch(/revisit/);
    expect(tickOffBlocker('LONG_TERM_PLAN', [])).toMatch(/LONG_TERM_PLAN/);
  });
});

describe("a leader's item follows the post (LeaderListPolicy.followsPost)", () => {
  const successor = { level: 'DEPUTY_LEADER' as const, unitId: 'GL', personId: 'p-deputy-2', personName: '新任分管领导' };

  it('a new deputy leader takes over the open item, and only he may tick it off', () => {
    const m = atDeputy();
    m.pending.splice(0);
    expect(m.reassign({ directory: { DEPUTY_LEADER: successor }, changeId: 'chg-9', reason: 'p-deputy deactivated' }, T0 + HOUR)).toBe(true);
    expect(m.state.leader).toEqual({ personId: 'p-deputy-2', name: '新任分管领导', level: 'DEPUTY_LEADER', since: T0 + HOUR, tickedOffAt: null, note: null });
    expect(facts(m, 'LEADER_ASSIGNED')).toEqual([
      expect.objectContaining({ level: 'DEPUTY_LEADER', unitId: 'GL', data: { leaderId: 'p-deputy-2', leaderName: '新任分管领导', leaderLevel: 'DEPUTY_LEADER', previousLeaderId: 'p-deputy', reason: 'the post changed hands: p-deputy deactivated' } }),
    ]);
    resolve(m, { ...ACTORS.deputy, personId: 'p-deputy-2' }, T0 + 2 * HOUR);
    expect(verdict(() => m.guardTickOff({ actor: ACTORS.deputy, note: '销号' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardTickOff({ actor: { ...ACTORS.deputy, personId: 'p-deputy-2' }, note: '已解决' }))).toBe('ok');
  });

  it('also on a resolved case waiting for its tick-off; a ticked-off item and an unchanged post stay', () => {
    const waiting = atDeputy();
    resolve(waiting, ACTORS.deputy, T0 + HOUR);
    expect(waiting.state.status).toBe('SURVEYED');
    waiting.pending.splice(0);
    expect(waiting.reassign({ directory: { DEPUTY_LEADER: successor } }, T0 + 2 * HOUR)).toBe(true);
    expect(waiting.state.leader?.personId).toBe('p-deputy-2');
    expect(facts(waiting, 'LEADER_ASSIGNED')).toHaveLength(1);
    // The post's person unchanged (another level changed): nothing about the item.
    expect(waiting.reassign({ directory: { STREET: { level: 'STREET', unitId: 'GL-S01', personId: 'p-street-2', personName: '新调度员' } } }, T0 + 3 * HOUR)).toBe(false);
    expect(facts(waiting, 'LEADER_ASSIGNED')).toHaveLength(1);

    const ticked = atDeputy();
    resolve(ticked, ACTORS.deputy, T0 + HOUR);
    ticked.tickOff({ actor: ACTORS.deputy, note: '已销号' }, T0 + 2 * HOUR);
    ticked.pending.splice(0);
    expect(ticked.reassign({ directory: { DEPUTY_LEADER: successor } }, T0 + 3 * HOUR)).toBe(false);
    expect(ticked.state.leader).toMatchObject({ personId: 'p-deputy', tickedOffAt: T0 + 2 * HOUR });
  });

  it('a case started before it (no followsPost) keeps the leader named then, as its history recorded', () => {
    const input = machineInput({ routines: true, startLevel: 'STREET' });
    const m = new CaseMachine({ ...input, policy: { ...input.policy, leaderList: { levels: ['DEPUTY_LEADER', 'PRINCIPAL_LEADER'] } } }, T0);
    m.accept({ actor: ACTORS.street }, T0);
    m.respond({ actor: ACTORS.street, decision: 'SELF' }, T0 + MIN);
    m.whistle({ actor: ACTORS.street, reason: '需要区里协调' }, T0 + 2 * MIN);
    m.whistle({ actor: ACTORS.cc, reason: '需要领导协调' }, T0 + 3 * MIN);
    m.pending.splice(0);
    m.reassign({ directory: { DEPUTY_LEADER: successor } }, T0 + HOUR);
    expect(m.state.leader?.personId).toBe('p-deputy');
    expect(facts(m, 'LEADER_ASSIGNED')).toEqual([]);
  });
});

describe('supervision (督办): urge, reply, notice', () => {
  /** A grid case taken on at T0 (completion: 3 working days, reminder at half). */
  function handled(): CaseMachine {
    const m = newMachine({ routines: true });
    m.accept({ actor: ACTORS.grid }, T0);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + MIN);
    return m;
  }

  it('the pure rules: reply deadline in working hours, notice N working days after it; ground; next notice', () => {
    // Tuesday 16:00 + 4 working hours (1.5 h today, 2.5 h from 09:00) = Wednesday 11:30; + 1 working day = Thursday 11:30.
    const at = bj(11, 24, 16);
    expect(urgeDeadlines(at, 4, DEFAULT_SUPERVISION, cal)).toEqual({ replyDueAt: bj(11, 25, 11, 30), noticeAt: bj(11, 26, 11, 30) });
    const w = { unitId: 'U', remindAt: 100, dueAt: 200 };
    expect(urgeGround('U', [w], [], 99)).toBeNull();
    expect(urgeGround('U', [w], [], 100)).toBe('AT_RISK');
    expect(urgeGround('V', [w], [], 150)).toBeNull();
    expect(urgeGround('V', [w], [{ kind: 'COMPLETION', unitId: 'U' }], 0)).toBe('OVERDUE');
    expect(urgeGround('V', [w], [{ kind: 'EXTENSION_DECISION', unitId: 'U' }], 0)).toBeNull();
    const u = (noticeAt: number, repliedAt: number | null = null) => ({ noticeAt, repliedAt, noticedAt: null }) as Urge;
    expect(nextNoticeAt([u(5, 1), u(9), u(7)])).toBe(7);
    expect(nextNoticeAt([])).toBeNull();
  });

  it('only an overdue or at-risk case is urged, by the district command center, with a reason', () => {
    const m = handled();
    const urge = { actor: ACTORS.cc, reason: '请加快办理' };
    const remindAt = m.state.windows.find((w) => w.kind === 'COMPLETION')!.remindAt!;
    // The guard reads the (workflow's) clock: pinned here.
    jest.useFakeTimers({ now: T0 + 2 * MIN });
    try {
      expect(verdict(() => m.guardUrge(urge))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringMatching(/neither overdue nor at risk/) });
      jest.setSystemTime(remindAt);
      expect(verdict(() => m.guardUrge({ ...urge, actor: ACTORS.street }))).toMatchObject({ type: FORBIDDEN_ERROR });
      expect(verdict(() => m.guardUrge({ ...urge, unitId: 'GL-D-CG' }))).toMatchObject({ type: BAD_INPUT_ERROR });
      expect(verdict(() => m.guardUrge({ ...urge, replyWithinWorkingHours: 41 }))).toMatchObject({ type: BAD_INPUT_ERROR });
      expect(verdict(() => m.guardUrge({ ...urge, reason: '' }))).toMatchObject({ type: BAD_INPUT_ERROR });
      expect(verdict(() => m.guardUrge(urge))).toBe('ok');
    } finally {
      jest.useRealTimers();
    }
  });

  it('an urge names the unit holding the case, with its deadlines; the unit replies in time', () => {
    const m = handled();
    const at = m.state.windows.find((w) => w.kind === 'COMPLETION')!.remindAt!;
    m.urge({ actor: ACTORS.cc, reason: '请加快办理', replyWithinWorkingHours: 2 }, at);
    const [u] = m.state.urges!;
    const { replyDueAt, noticeAt } = urgeDeadlines(at, 2, DEFAULT_SUPERVISION, cal);
    expect(u).toMatchObject({ unitId: ACTORS.grid.unitId, level: 'GRID', callId: null, replyDueAt, noticeAt, repliedAt: null });
    const [urged] = facts(m, 'URGED');
    expect(urged).toMatchObject({ actorId: 'p-cc', unitId: ACTORS.grid.unitId, level: 'GRID', data: { urgeId: u.id, ground: 'AT_RISK', reason: '请加快办理', replyDueAt, noticeAt } });
    expect(m.pending.at(-1)!.notifications).toEqual([expect.objectContaining({ recipientId: 'p-grid', kind: 'URGED' })]);
    // One pending urge per unit; the case wakes for the notice.
    expect(verdict(() => m.guardUrge({ actor: ACTORS.cc, reason: '再催' }))).toMatchObject({ type: CONFLICT_ERROR });
    // After the reminder, the next wake is the notice time (before the completion deadline).
    m.tick(at);
    expect(nextWakeAt(m.state.windows)).toBe(m.state.completionDueAt);
    expect(noticeAt).toBeLessThan(m.state.completionDueAt!);
    expect(m.nextWakeAt()).toBe(noticeAt);
    expect(verdict(() => m.guardReplyUrge({ actor: ACTORS.otherGrid, urgeId: u.id, reply: '好' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardReplyUrge({ actor: ACTORS.grid, urgeId: 'URGE-0', reply: '好' }))).toMatchObject({ type: BAD_INPUT_ERROR });
    m.replyUrge({ actor: ACTORS.grid, urgeId: u.id, reply: '明天上午完成' }, at + HOUR);
    expect(facts(m, 'URGE_REPLIED')).toEqual([expect.objectContaining({ actorId: 'p-grid', unitId: ACTORS.grid.unitId, data: { urgeId: u.id, unitId: ACTORS.grid.unitId, reply: '明天上午完成', late: false } })]);
    // Answered: no notice ever.
    m.tick(noticeAt + DAY);
    expect(facts(m, 'URGE_NOTICED')).toEqual([]);
    expect(verdict(() => m.guardReplyUrge({ actor: ACTORS.grid, urgeId: u.id, reply: '再答' }))).toMatchObject({ type: CONFLICT_ERROR });
  });

  it('an urge left unanswered becomes a notice (通报) at its notice time, told to the unit and the command center', () => {
    const m = handled();
    const at = m.state.windows.find((w) => w.kind === 'COMPLETION')!.remindAt!;
    m.urge({ actor: ACTORS.cc, reason: '请加快办理' }, at);
    const u = m.state.urges![0];
    m.tick(u.noticeAt - 1);
    expect(facts(m, 'URGE_NOTICED')).toEqual([]);
    expect(verdict(() => m.guardNoLapseDue(u.noticeAt))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringMatching(/became a notice/) });
    m.tick(u.noticeAt);
    const [notice] = facts(m, 'URGE_NOTICED');
    expect(notice).toMatchObject({ actorId: null, unitId: ACTORS.grid.unitId, at: u.noticeAt, data: { urgeId: u.id, unitId: ACTORS.grid.unitId, replyDueAt: u.replyDueAt } });
    expect(m.pending.at(-1)!.notifications.map((n) => [n.kind, n.recipientId])).toEqual([['URGE_NOTICE', 'p-grid'], ['URGE_NOTICE', 'p-cc']]);
    expect(m.state.urges![0].noticedAt).toBe(u.noticeAt);
    expect(verdict(() => m.guardReplyUrge({ actor: ACTORS.grid, urgeId: u.id, reply: '晚了' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringMatching(/notice/) });
  });

  it('a late reply (after the reply deadline, before the notice) is recorded late', () => {
    const m = handled();
    const at = m.state.windows.find((w) => w.kind === 'COMPLETION')!.remindAt!;
    m.urge({ actor: ACTORS.cc, reason: '请加快办理' }, at);
    const u = m.state.urges![0];
    m.replyUrge({ actor: ACTORS.grid, urgeId: u.id, reply: '抱歉，已安排' }, u.replyDueAt + MIN);
    expect(facts(m, 'URGE_REPLIED')[0].data).toMatchObject({ late: true });
  });

  it('a late department is urged about its call and replies as the department', () => {
    const m = newMachine({ routines: true, paced: true, startLevel: 'STREET' });
    m.accept({ actor: ACTORS.street }, T0);
    m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '路口' }] }, T0);
    m.tick(T0 + HOUR);
    m.urge({ actor: ACTORS.cc, unitId: 'GL-D-CG', reason: '请立即报到' }, T0 + HOUR + MIN);
    const u = m.state.urges![0];
    expect(u).toMatchObject({ unitId: 'GL-D-CG', level: null, callId: m.state.calls[0].id });
    expect(facts(m, 'URGED')[0]).toMatchObject({ unitId: 'GL-D-CG', data: { ground: 'OVERDUE' } });
    expect(m.pending.at(-1)!.notifications[0]).toMatchObject({ recipientUnitId: 'GL-D-CG', kind: 'URGED' });
    expect(m.urgeAwaiting(ACTORS.cg)?.id).toBe(u.id);
    expect(m.urgeAwaiting(ACTORS.street)).toBeUndefined();
    expect(verdict(() => m.guardReplyUrge({ actor: ACTORS.street, urgeId: u.id, reply: '好' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    m.replyUrge({ actor: ACTORS.cg, urgeId: u.id, reply: '20分钟内到场' }, T0 + HOUR + 5 * MIN);
    expect(facts(m, 'URGE_REPLIED')[0]).toMatchObject({ unitId: 'GL-D-CG', data: { late: false } });
  });

  it('a case held at district level has nobody below to urge; a closed case\'s urges never become notices', () => {
    const m = atDeputy();
    expect(verdict(() => m.guardUrge({ actor: ACTORS.cc, reason: '请加快' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringMatching(/district level/) });
    const g = handled();
    const at = g.state.windows.find((w) => w.kind === 'COMPLETION')!.remindAt!;
    g.urge({ actor: ACTORS.cc, reason: '请加快办理' }, at);
    const u = g.state.urges![0];
    g.submitResult({ actor: ACTORS.grid, summary: '已处理' }, at + MIN);
    g.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, at + 2 * MIN);
    g.tick(u.noticeAt);
    expect(facts(g, 'URGE_NOTICED')).toEqual([]);
    expect(g.nextWakeAt()).toBe(nextWakeAt(g.state.windows));
  });

  it('a case started before supervision (no supervision in its policy) takes no urges and wakes as before', () => {
    const m = newMachine();
    m.accept({ actor: ACTORS.grid }, T0);
    m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + MIN);
    m.tick(m.state.completionDueAt!);
    expect(verdict(() => m.guardUrge({ actor: ACTORS.cc, reason: '请加快' }))).toEqual({ type: CONFLICT_ERROR, message: 'this case started before supervision (督办); it takes no urges' });
  });
});

describe("who reads a leader's list (leaderListAccess)", () => {
  const caller = (role: Parameters<typeof leaderListAccess>[0]['role'], unitId = 'GL', personId = `p-${role}`) => ({ personId, role, unitId });
  const leader = { unitId: 'GL' };
  it('the leader himself; the command center, the district leaders and auditors of his district', () => {
    expect(leaderListAccess(caller('DEPUTY_LEADER', 'GL', 'p-deputy'), 'p-deputy', leader)).toBe('ALLOW');
    for (const role of ['COMMAND_CENTER', 'PRINCIPAL_LEADER', 'AUDITOR'] as const) expect(leaderListAccess(caller(role), 'p-deputy', leader)).toBe('ALLOW');
  });
  it('other roles are refused whoever the person is; another district or an unknown person is not found', () => {
    for (const role of ['GRID_WORKER', 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER', 'REPORTER', 'ADMIN'] as const) {
      expect(leaderListAccess(caller(role), 'p-deputy', leader)).toBe('FORBIDDEN');
      expect(leaderListAccess(caller(role), 'p-nobody', null)).toBe('FORBIDDEN');
    }
    expect(leaderListAccess(caller('COMMAND_CENTER', 'XD'), 'p-deputy', leader)).toBe('NOT_FOUND');
    expect(leaderListAccess(caller('AUDITOR'), 'p-nobody', null)).toBe('NOT_FOUND');
  });
});
