// domain/facts declares every fact the case machine records. Driven through the machine
// fixture along the paths the machine tests take, every fact the machine emits has a declared
// type, every declared type is emitted somewhere, and asFact reads both known and unknown types.
import { ACTORS, DAY, HOUR, MIN, SHA, T0, newMachine } from './fixtures/machineFixture';
import { FACT_TYPES, asFact, dataOf, isFactType, type FactData } from '../../domain/facts';
import type { CaseMachine } from '../../workflows/caseMachine';

/** Machines driven through every kind of step, with the facts they recorded. */
function drive(): CaseMachine[] {
  let t = T0;
  const next = (ms = MIN) => (t += ms);

  // The whole life of a grid case: reminder, accept, respond, evidence, extensions, a return
  // at review, closing, an unhappy survey, the long-term plan and back, an unanswered survey.
  const life = newMachine();
  life.tick(T0 + 5 * MIN);
  life.accept({ actor: ACTORS.grid, note: '收到' }, next(6 * MIN));
  life.respond({ actor: ACTORS.grid, decision: 'SELF' }, next());
  life.uploadEvidence({ actor: ACTORS.grid, kind: 'PHOTO', url: 'https://example.test/p.jpg', sha256: SHA }, next());
  life.requestExtension({ actor: ACTORS.grid, days: 2, reason: '材料未到' }, next());
  life.decideExtension({ actor: ACTORS.cc, requestId: life.state.extensions[0].id, approve: true, reason: '同意' }, next());
  life.requestExtension({ actor: ACTORS.grid, days: 2, reason: '仍未到' }, next());
  life.decideExtension({ actor: ACTORS.cc, requestId: life.state.extensions[1].id, approve: false, reason: '不同意' }, next());
  life.submitResult({ actor: ACTORS.grid, summary: '已清理' }, next());
  life.review({ actor: ACTORS.street, decision: 'RETURN', reason: '未清理干净' }, next());
  life.submitResult({ actor: ACTORS.grid, summary: '已彻底清理' }, next());
  life.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, next());
  life.recordSurvey({ actor: ACTORS.cc, satisfaction: 'UNSATISFIED', solved: false, channel: 'PHONE' }, next());
  life.planLongTerm({ actor: ACTORS.grid, explanation: '需要立项' }, next());
  life.tick(next(31 * DAY));
  life.resumePlan({ actor: ACTORS.grid, note: '已立项' }, next());
  life.submitResult({ actor: ACTORS.grid, summary: '已改造' }, next());
  life.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, next());
  life.tick(next(4 * DAY));

  // Nobody acts: the accept window lapses up the whole ladder onto the leaders' list.
  const ladder = newMachine();
  ladder.tick(T0 + 30 * DAY);

  // A street calls a department, which reports and answers.
  const called = newMachine({ startLevel: 'STREET' });
  called.accept({ actor: ACTORS.street }, T0);
  called.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '路口' }] }, T0);
  called.reportArrival({ actor: ACTORS.cg, callId: called.state.calls[0].id }, T0 + MIN);
  called.submitResult({ actor: ACTORS.cg, callId: called.state.calls[0].id, summary: '已处置' }, T0 + 2 * MIN);

  const community = newMachine({ startLevel: 'STREET' });
  community.accept({ actor: ACTORS.street }, T0);
  community.respond({ actor: ACTORS.street, decision: 'COMMUNITY' }, T0);

  const guidance = newMachine();
  guidance.accept({ actor: ACTORS.grid }, T0);
  guidance.respond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '属私人事务' }, T0);

  const whistled = newMachine();
  whistled.whistle({ actor: ACTORS.grid, reason: '需要协调' }, T0);

  // The approver lets the decision window lapse: the request climbs.
  const undecided = newMachine();
  undecided.accept({ actor: ACTORS.grid }, T0);
  undecided.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0);
  undecided.requestExtension({ actor: ACTORS.grid, days: 2, reason: '材料未到' }, T0);
  undecided.tick(undecided.state.windows.find((w) => w.kind === 'EXTENSION_DECISION')!.dueAt);

  // The directory gives the grid post to someone else, and a new calendar moves the deadline.
  const followed = newMachine();
  followed.accept({ actor: ACTORS.grid }, T0);
  followed.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0);
  followed.reassign({ directory: { GRID: { level: 'GRID', unitId: ACTORS.grid.unitId, personId: 'p-grid-9' } }, changeId: 'c1' }, T0 + MIN);
  const cal = followed.calendarSnapshot;
  const due = followed.state.windows.find((w) => w.kind === 'COMPLETION')!.dueAt;
  const holiday = new Date(due - DAY + 8 * HOUR).toISOString().slice(0, 10);
  followed.replanCalendar({ calendar: { ...cal, holidays: [...cal.holidays, holiday] }, changeId: 'c2', asOf: T0 + MIN }, T0 + MIN);

  // The leaders' list and supervision (policy routines): whistled to the leaders, urged, ticked off.
  const listed = newMachine({ routines: true, startLevel: 'STREET' });
  listed.accept({ actor: ACTORS.street }, T0);
  listed.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '路口' }] }, T0);
  listed.tick(T0 + HOUR + MIN);
  listed.urge({ actor: ACTORS.cc, unitId: 'GL-D-CG', reason: '请立即报到' }, T0 + HOUR + 2 * MIN);
  listed.urge({ actor: ACTORS.cc, reason: '请加快' }, T0 + HOUR + 3 * MIN);
  listed.replyUrge({ actor: ACTORS.street, urgeId: listed.state.urges![1].id, reply: '正在协调' }, T0 + HOUR + 4 * MIN);
  listed.tick(listed.state.urges![0].noticeAt);
  listed.whistle({ actor: ACTORS.street, reason: '需要区里协调' }, next());
  listed.whistle({ actor: ACTORS.cc, reason: '需要领导协调' }, next());
  listed.reportArrival({ actor: ACTORS.cg, callId: listed.state.calls[0].id }, next());
  listed.submitResult({ actor: ACTORS.cg, callId: listed.state.calls[0].id, summary: '已处置' }, next());
  listed.review({ actor: ACTORS.deputy, decision: 'CLOSE', reason: '核实' }, next());
  listed.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, next());
  listed.tickOff({ actor: ACTORS.deputy, note: '已销号' }, next());

  // Arrival and the hazard path (policy site): the holder arrives, clears the hazard step by step.
  const hazard = newMachine({ site: true, urgent: true });
  hazard.accept({ actor: ACTORS.grid }, T0 + MIN);
  hazard.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 2 * MIN);
  for (const [i, step] of (['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED'] as const).entries()) {
    hazard.recordSiteStep({ actor: ACTORS.grid, step, evidence: [{ kind: 'PHOTO', url: 'https://files.example/s.jpg', sha256: SHA }] }, T0 + (10 + 15 * i) * MIN);
  }

  // Whistled up to the command center, which sends it down to the street (派单).
  const sentDown = newMachine();
  sentDown.whistle({ actor: ACTORS.grid, reason: '需要协调' }, T0);
  sentDown.whistle({ actor: ACTORS.street, reason: '需区级研判' }, T0);
  sentDown.sendDown({ actor: ACTORS.cc, level: 'STREET', reason: '属街道职责' }, T0 + MIN);

  // The five-step deliberation (policy deliberation) on a small matter sent down to the community.
  const deliberated = newMachine({ deliberation: true });
  deliberated.accept({ actor: ACTORS.grid }, T0 + MIN);
  deliberated.respond({ actor: ACTORS.grid, decision: 'COMMUNITY' }, T0 + 2 * MIN);
  deliberated.recordDeliberationStep({ actor: ACTORS.community, step: 'SAY', text: '停车乱象' }, T0 + 10 * MIN);

  // Clock pauses (policy pause): asked, lapsed to the command center, approved, resumed; asked again and rejected.
  const paused = newMachine({ pause: true });
  paused.accept({ actor: ACTORS.grid }, T0 + MIN);
  paused.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 2 * MIN);
  paused.requestPause({ actor: ACTORS.grid, reasonKind: 'REPORTER_UNREACHABLE', reason: '住户不在家' }, T0 + 3 * MIN);
  paused.tick(paused.state.windows.find((w) => w.kind === 'PAUSE_DECISION')!.dueAt);
  const pauseId = paused.state.pauses![0].id;
  paused.decidePause({ actor: ACTORS.cc, pauseId, approve: true, reason: '属实' }, T0 + DAY + HOUR);
  paused.endPauseAction({ actor: ACTORS.grid, pauseId }, T0 + DAY + 2 * HOUR);
  paused.requestPause({ actor: ACTORS.grid, reasonKind: 'OTHER', reason: '再等一天' }, T0 + DAY + 3 * HOUR);
  paused.decidePause({ actor: ACTORS.street, pauseId: paused.state.pauses![1].id, approve: false, reason: '应继续办理' }, T0 + DAY + 4 * HOUR);

  return [life, ladder, called, community, guidance, whistled, undecided, followed, listed, hazard, sentDown, deliberated, paused];
}

describe('domain/facts', () => {
  const events = drive().flatMap((m) => m.pending.map((f) => f.event));
  const emitted = new Set(events.map((e) => e.type));

  it('declares every fact type the machine emits', () => {
    expect([...emitted].filter((t) => !FACT_TYPES.includes(t as never))).toEqual([]);
  });

  it('declares no fact type the machine never emits', () => {
    expect(FACT_TYPES.filter((t) => !emitted.has(t))).toEqual([]);
    expect(new Set(FACT_TYPES).size).toBe(FACT_TYPES.length);
  });

  it('asFact types a recorded event without copying or changing its data', () => {
    for (const e of events) {
      const fact = asFact(e);
      expect(fact).not.toBeNull();
      expect(fact!.type).toBe(e.type);
      expect(fact!.data).toBe(e.data);
      expect({ ...fact, data: fact!.data }).toEqual(e);
    }
  });

  it('asFact returns null for a fact type this code does not know, without throwing', () => {
    expect(asFact({ seq: 9, type: 'FUTURE_FACT', at: T0, data: { anything: 1 } })).toBeNull();
    expect(asFact({ type: 'toString' })).toBeNull();
    expect(isFactType('constructor')).toBe(false);
  });

  it('asFact gives a known type without data an empty object', () => {
    const fact = asFact({ seq: 1, type: 'LEADER_LISTED', at: T0 });
    expect(fact).toMatchObject({ type: 'LEADER_LISTED', data: {} });
    expect(dataOf('DEPARTMENT_CALLED', null)).toEqual({});
  });

  it('makes a misspelled data field a compile error', () => {
    const m = newMachine();
    // Never called: the lines below are checked by tsc (npm run typecheck), not run.
    const compileOnly = () => {
      // @ts-expect-error `notes` is not a field of ACCEPTED (it is `note`)
      m['record'](T0, 'ACCEPTED', null, { data: { notes: null, windowDueAt: null, onTime: null } });
      // @ts-expect-error BREACHED data needs its `lateMs`
      const breach: FactData<'BREACHED'> = { windowId: 'ACCEPT-1', kind: 'ACCEPT', dueAt: T0, escalatedTo: null };
      return breach;
    };
    expect(typeof compileOnly).toBe('function');
  });
});
