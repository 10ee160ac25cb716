// "What may this person do now?" (the getAllowedActions query), driven in memory: each
// action's guard is probed without the form's content, and the verdict must agree with
// the guard run on a complete, valid request — same allowed, same refusal type and message.
import { ApplicationFailure } from '@temporalio/common';
import { CASE_ACTIONS, type CaseAction } from '../../domain/actionRules';
import type { Actor, Level } from '../../domain/types';
import { CASE_ACTION_TABLE, allowedActions, classifyProbeFailure, probeAction } from '../../workflows/caseActions';
import type { CaseMachine } from '../../workflows/caseMachine';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR, type ActionVerdict } from '../../workflows/messages';
import { ACTORS, HOUR, SHA, T0, newMachine, verdict } from './fixtures/machineFixture';

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

type Stage =
  | 'REPORTED' | 'ACCEPTED' | 'IN_PROGRESS' | 'CALLED' | 'ARRIVED' | 'PENDING_REVIEW' | 'CLOSED'
  | 'LONG_TERM_PLAN' | 'EXT_PENDING' | 'EXT_APPROVED' | 'SURVEYED' | 'TOP' | 'AT_COMMAND_CENTER';

/** A machine at `stage`, every step at T0 (the same stages as caseMachine.guards.test.ts). */
function at(stage: Stage, level: Level = 'GRID'): CaseMachine {
  const m = newMachine({ startLevel: level });
  const holder = level === 'STREET' ? ACTORS.street : ACTORS.grid;
  if (stage === 'REPORTED') return m;
  if (stage === 'AT_COMMAND_CENTER') {
    // Whistled up to the command center, not yet accepted there: it may send it down (派单).
    for (const a of [ACTORS.grid, ACTORS.street]) m.whistle({ actor: a, reason: '协调' }, T0);
    return m;
  }
  if (stage === 'TOP') {
    for (const a of [ACTORS.grid, ACTORS.street, ACTORS.cc, ACTORS.deputy]) m.whistle({ actor: a, reason: '协调' }, T0);
    return m;
  }
  m.accept({ actor: holder }, T0);
  if (stage === 'ACCEPTED') return m;
  if (stage === 'CALLED' || stage === 'ARRIVED') {
    const s = level === 'STREET' ? m : at('ACCEPTED', 'STREET');
    s.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '路口' }] }, T0);
    if (stage === 'ARRIVED') s.reportArrival({ actor: ACTORS.cg, callId: s.state.calls[0].id }, T0);
    return s;
  }
  m.respond({ actor: holder, decision: 'SELF' }, T0);
  if (stage === 'IN_PROGRESS') return m;
  if (stage === 'LONG_TERM_PLAN') {
    m.planLongTerm({ actor: holder, explanation: '需要立项' }, T0);
    return m;
  }
  if (stage === 'EXT_PENDING' || stage === 'EXT_APPROVED') {
    m.requestExtension({ actor: holder, days: 2, reason: '材料未到' }, T0);
    if (stage === 'EXT_APPROVED') m.decideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }, T0);
    return m;
  }
  m.submitResult({ actor: holder, summary: '已清理' }, T0);
  if (stage === 'PENDING_REVIEW') return m;
  m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, T0);
  if (stage === 'CLOSED') return m;
  m.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, T0);
  return m;
}

/** A complete, valid form for each action: what a person would send. */
const CONTENT: Record<CaseAction, object> = {
  accept: {},
  respond: { decision: 'SELF' },
  whistle: { reason: '需要协调' },
  // GL-D-SJ: never called in these stages, so the department itself is never the refusal.
  calls: { calls: [{ departmentId: 'GL-D-SJ', reportBy: T0 + HOUR, place: '路口' }] },
  report: {},
  evidence: { kind: 'PHOTO', url: 'https://files.example/1.jpg', sha256: SHA },
  result: { summary: '已处理' },
  review: { decision: 'CLOSE', reason: '核实' },
  'long-term-plan': { explanation: '需要立项' },
  resume: { note: '条件具备' },
  extensions: { days: 2, reason: '材料未到' },
  'extension-decision': { approve: true, reason: 'ok' },
  survey: { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' },
  'tick-off': { note: '已销号' },
  urge: { reason: '请加快办理' },
  'urge-reply': { reply: '正在办理' },
  'on-site': { step: 'ARRIVED' },
  'send-down': { level: 'STREET', reason: '属街道职责' },
  deliberate: { step: 'SAY', text: '小区停车乱象' },
  pause: { reasonKind: 'THIRD_PARTY', reason: '等待法院裁定' },
  'pause-decision': { approve: true, reason: '属实' },
  'pause-end': { note: '已恢复' },
};

/** The real guard's verdict on a complete request naming the probe's target. */
function real(m: CaseMachine, action: CaseAction, actor: Actor, v: ActionVerdict) {
  const decl = CASE_ACTION_TABLE[action] as { guard: (m: CaseMachine, i: object) => void };
  return verdict(() => decl.guard(m, { ...CONTENT[action], ...v.target, actor }));
}

const byAction = (vs: ActionVerdict[]) => Object.fromEntries(vs.map((v) => [v.action, v])) as Record<CaseAction, ActionVerdict>;

describe('the probe agrees with the guard on a complete request', () => {
  const stages: Array<[Stage, Level]> = [
    ['REPORTED', 'GRID'], ['ACCEPTED', 'GRID'], ['ACCEPTED', 'STREET'], ['IN_PROGRESS', 'GRID'], ['CALLED', 'STREET'],
    ['ARRIVED', 'STREET'], ['PENDING_REVIEW', 'GRID'], ['CLOSED', 'GRID'], ['LONG_TERM_PLAN', 'GRID'],
    ['EXT_PENDING', 'GRID'], ['EXT_APPROVED', 'GRID'], ['SURVEYED', 'GRID'], ['TOP', 'GRID'],
    ['AT_COMMAND_CENTER', 'GRID'],
  ];
  const cases = stages.flatMap(([stage, level]) => Object.entries(ACTORS).map(([who, actor]) => [stage, level, who, actor] as const));
  it.each(cases)('%s at %s, %s', (stage, level, _who, actor) => {
    const m = at(stage, level);
    const before = JSON.stringify(m.state);
    const pending = m.pending.length;
    for (const v of allowedActions(m, actor)) {
      const r = real(m, v.action, actor, v);
      if (v.allowed) {
        expect([v.action, r]).toEqual([v.action, 'ok']);
      } else if (v.action === 'extension-decision' && !v.target) {
        // No request to name: the probe's own refusal; any request id would be refused too.
        expect(v.refusal).toEqual({ type: CONFLICT_ERROR, message: 'no extension request is waiting for a decision' });
      } else if (!v.target && (v.action === 'report' || (actor.role === 'DEPARTMENT_OFFICER' && (v.action === 'evidence' || v.action === 'result' || v.action === 'urge-reply' || v.action === 'on-site')))) {
        // No call of the caller's to name: the probe's own refusal.
        expect(v.refusal).toEqual({ type: FORBIDDEN_ERROR, message: `case ${m.state.code} has no call to ${actor.unitId}` });
      } else {
        expect([v.action, r]).toEqual([v.action, { type: v.refusal?.type, message: v.refusal?.message }]);
      }
    }
    // A query reads only.
    expect(JSON.stringify(m.state)).toBe(before);
    expect(m.pending.length).toBe(pending);
  });
});

describe('what a person sees', () => {
  it('a fresh case: the grid worker may accept or whistle; review is refused with the validator\'s reason', () => {
    const v = byAction(allowedActions(at('REPORTED'), ACTORS.grid));
    expect(v.accept).toEqual({ action: 'accept', allowed: true });
    expect(v.whistle.allowed).toBe(true);
    expect(v.review).toEqual({ action: 'review', allowed: false, refusal: { type: CONFLICT_ERROR, message: 'cannot review a case that is REPORTED' } });
    expect(v.accept.allowed && !v.respond.allowed).toBe(true);
  });

  it('after accepting, accept is refused with the same message the update gets', () => {
    const m = at('ACCEPTED');
    const v = probeAction(m, 'accept', ACTORS.grid);
    expect(v.allowed).toBe(false);
    expect(v.refusal).toEqual(verdict(() => m.guardAccept({ actor: ACTORS.grid })));
  });

  it('another grid is forbidden, with the holder named', () => {
    const v = probeAction(at('REPORTED'), 'accept', ACTORS.otherGrid);
    expect(v.refusal?.type).toBe(FORBIDDEN_ERROR);
    expect(v.refusal?.message).toMatch(/is held by the GRID/);
  });

  it('the state is checked before the missing content: whistling at the top is refused', () => {
    const v = probeAction(at('TOP'), 'whistle', ACTORS.principal);
    expect(v.refusal).toEqual({ type: CONFLICT_ERROR, message: 'the case is already at the top of the ladder' });
  });

  it('an empty form does not make an allowed action look refused (calls: the form names the departments)', () => {
    expect(probeAction(at('ACCEPTED', 'STREET'), 'calls', ACTORS.street)).toEqual({ action: 'calls', allowed: true });
    expect(probeAction(at('IN_PROGRESS'), 'extensions', ACTORS.grid)).toEqual({ action: 'extensions', allowed: true });
    expect(probeAction(at('IN_PROGRESS'), 'result', ACTORS.grid)).toEqual({ action: 'result', allowed: true });
  });

  it('a department officer is given its own call', () => {
    const called = at('CALLED', 'STREET');
    const callId = called.state.calls[0].id;
    expect(probeAction(called, 'report', ACTORS.cg)).toEqual({ action: 'report', allowed: true, target: { callId } });
    expect(probeAction(called, 'evidence', ACTORS.cg)).toEqual({
      action: 'evidence', allowed: false, target: { callId }, refusal: { type: CONFLICT_ERROR, message: 'report (报到) before uploading evidence' },
    });
    expect(probeAction(called, 'report', ACTORS.sj)).toEqual({
      action: 'report', allowed: false, refusal: { type: FORBIDDEN_ERROR, message: `case ${called.state.code} has no call to GL-D-SJ` },
    });
    const arrived = at('ARRIVED', 'STREET');
    const v = byAction(allowedActions(arrived, ACTORS.cg));
    expect(v.report.refusal?.message).toBe('this department has already reported for this call');
    expect(v.evidence.allowed && v.result.allowed).toBe(true);
    expect(v.accept.allowed).toBe(false);
  });

  it('an extension decision names the waiting request, or says none waits', () => {
    expect(probeAction(at('IN_PROGRESS'), 'extension-decision', ACTORS.cc).refusal).toEqual({
      type: CONFLICT_ERROR, message: 'no extension request is waiting for a decision',
    });
    const m = at('EXT_PENDING');
    const requestId = m.state.extensions[0].id;
    expect(probeAction(m, 'extension-decision', ACTORS.cc)).toEqual({ action: 'extension-decision', allowed: true, target: { requestId } });
    expect(probeAction(m, 'extension-decision', ACTORS.street).refusal?.type).toBe(FORBIDDEN_ERROR);
    expect(probeAction(at('EXT_APPROVED'), 'extension-decision', ACTORS.cc).refusal?.message).toBe(`extension request ${requestId} is already approved`);
  });

  it('every action gets a verdict, in the table\'s order', () => {
    expect(allowedActions(at('REPORTED'), ACTORS.auditor).map((v) => v.action)).toEqual(CASE_ACTIONS);
  });
});

describe('classifyProbeFailure', () => {
  const fail = (type: string, message: string, details?: unknown[]) => ApplicationFailure.create({ type, message, details, nonRetryable: true });

  it('content the form supplies: allowed', () => {
    expect(classifyProbeFailure(fail(BAD_INPUT_ERROR, 'reason: say why', [{ field: 'reason', message: 'say why' }]))).toEqual({ allowed: true });
    expect(classifyProbeFailure(fail(BAD_INPUT_ERROR, 'x', [{ field: 'calls.departmentId', message: 'x' }]))).toEqual({ allowed: true });
  });

  it('a target named from the state that is missing: refused', () => {
    const v = classifyProbeFailure(fail(BAD_INPUT_ERROR, 'callId: no call c1 on this case', [{ field: 'callId', message: 'no call c1 on this case' }]));
    expect(v).toEqual({ allowed: false, refusal: { type: BAD_INPUT_ERROR, message: 'callId: no call c1 on this case', details: [{ field: 'callId', message: 'no call c1 on this case' }] } });
  });

  it('a BadInput without a field cannot be placed: refused', () => {
    expect(classifyProbeFailure(fail(BAD_INPUT_ERROR, 'bad')).allowed).toBe(false);
  });

  it('forbidden and invalid transitions: refused with their message', () => {
    expect(classifyProbeFailure(fail(FORBIDDEN_ERROR, 'no'))).toEqual({ allowed: false, refusal: { type: FORBIDDEN_ERROR, message: 'no' } });
    expect(classifyProbeFailure(fail(CONFLICT_ERROR, 'not now'))).toEqual({ allowed: false, refusal: { type: CONFLICT_ERROR, message: 'not now' } });
  });

  it('anything else is a bug in a guard: rethrown', () => {
    expect(() => classifyProbeFailure(new TypeError('x is undefined'))).toThrow(TypeError);
    expect(() => classifyProbeFailure(fail('Other', 'x'))).toThrow('x');
  });
});
