// Every CaseMachine guard, driven in memory with a pinned clock: allowed for the
// right actor in the right state; refused with the right failure type and message otherwise.
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';
import { type CaseMachine, residentActorId } from '../../workflows/caseMachine';
import type { Level } from '../../domain/types';
import { ACTORS, CODE, HOUR, MIN, SHA, T0, newMachine, verdict } from './fixtures/machineFixture';

const F = FORBIDDEN_ERROR;
const C = CONFLICT_ERROR;
const B = BAD_INPUT_ERROR;

beforeAll(() => {
  jest.useFakeTimers({ now: T0 });
});
afterAll(() => {
  jest.useRealTimers();
});

type Stage = 'REPORTED' | 'ACCEPTED' | 'IN_PROGRESS' | 'CALLED' | 'ARRIVED' | 'PENDING_REVIEW' | 'CLOSED' | 'LONG_TERM_PLAN' | 'EXT_PENDING' | 'SURVEYED';

/** A machine at `stage`, held at `level` (GRID or STREET), every step at T0. */
function at(stage: Stage, level: Level = 'GRID'): CaseMachine {
  const m = newMachine({ startLevel: level });
  const holder = level === 'STREET' ? ACTORS.street : ACTORS.grid;
  if (stage === 'REPORTED') return m;
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
  if (stage === 'EXT_PENDING') {
    m.requestExtension({ actor: holder, days: 2, reason: '材料未到' }, T0);
    return m;
  }
  m.submitResult({ actor: holder, summary: '已清理' }, T0);
  if (stage === 'PENDING_REVIEW') return m;
  m.review({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }, T0);
  if (stage === 'CLOSED') return m;
  m.recordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' }, T0);
  return m;
}

const held = (level: string, unit: string, role: string, of: string) =>
  `case ${CODE} is held by the ${level} (${unit}); ${role} of ${of} may not act on it`;
const gridHeld = (role: string, of: string) => held('GRID', 'GL-S01-C01-G01', role, of);
const streetHeld = (role: string, of: string) => held('STREET', 'GL-S01', role, of);

type Row = [string, () => { type: string; message: string } | 'ok', 'ok' | [string, string]];

const rows: Row[] = [
  // accept
  ['accept: grid worker, REPORTED', () => verdict(() => at('REPORTED').guardAccept({ actor: ACTORS.grid })), 'ok'],
  ['accept: other grid', () => verdict(() => at('REPORTED').guardAccept({ actor: ACTORS.otherGrid })), [F, gridHeld('GRID_WORKER', 'GL-S01-C01-G02')]],
  ['accept: street on a grid case', () => verdict(() => at('REPORTED').guardAccept({ actor: ACTORS.street })), [F, gridHeld('STREET_DISPATCHER', 'GL-S01')]],
  ['accept: twice', () => verdict(() => at('ACCEPTED').guardAccept({ actor: ACTORS.grid })), [C, 'cannot accept a case that is ACCEPTED']],
  // respond
  ['respond: SELF', () => verdict(() => at('ACCEPTED').guardRespond({ actor: ACTORS.grid, decision: 'SELF' })), 'ok'],
  ['respond: GUIDANCE with text', () => verdict(() => at('ACCEPTED').guardRespond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '属私人事务' })), 'ok'],
  ['respond: COMMUNITY from street', () => verdict(() => at('ACCEPTED', 'STREET').guardRespond({ actor: ACTORS.street, decision: 'COMMUNITY' })), 'ok'],
  ['respond: before accept', () => verdict(() => at('REPORTED').guardRespond({ actor: ACTORS.grid, decision: 'SELF' })), [C, 'cannot respond to a case that is REPORTED']],
  ['respond: wrong actor', () => verdict(() => at('ACCEPTED').guardRespond({ actor: ACTORS.cc, decision: 'SELF' })), [F, gridHeld('COMMAND_CENTER', 'GL')]],
  ['respond: GUIDANCE blank', () => verdict(() => at('ACCEPTED').guardRespond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '  ' })), [B, 'guidance: an explanation for the reporter is required']],
  ['respond: COMMUNITY from command center', () => verdict(() => {
    const m = at('ACCEPTED', 'STREET');
    m.whistle({ actor: ACTORS.street, reason: '跨街道' }, T0);
    m.guardRespond({ actor: ACTORS.cc, decision: 'COMMUNITY' });
  }), [C, 'a case at COMMAND_CENTER level is not sent down to the community']],
  // whistle
  ['whistle: grid, REPORTED', () => verdict(() => at('REPORTED').guardWhistle({ actor: ACTORS.grid, reason: '需要协调' })), 'ok'],
  ['whistle: grid, IN_PROGRESS', () => verdict(() => at('IN_PROGRESS').guardWhistle({ actor: ACTORS.grid, reason: '需要协调' })), 'ok'],
  ['whistle: PENDING_REVIEW', () => verdict(() => at('PENDING_REVIEW').guardWhistle({ actor: ACTORS.grid, reason: 'x' })), [C, 'cannot whistle a case that is PENDING_REVIEW']],
  ['whistle: wrong actor', () => verdict(() => at('REPORTED').guardWhistle({ actor: ACTORS.otherGrid, reason: 'x' })), [F, gridHeld('GRID_WORKER', 'GL-S01-C01-G02')]],
  ['whistle: no reason', () => verdict(() => at('REPORTED').guardWhistle({ actor: ACTORS.grid, reason: ' ' })), [B, 'reason: say why the case needs the next level']],
  ['whistle: at the top', () => verdict(() => {
    const m = newMachine({ startLevel: 'PRINCIPAL_LEADER' });
    m.guardWhistle({ actor: ACTORS.principal, reason: 'x' });
  }), [C, 'the case is already at the top of the ladder']],
  // call departments
  ['call: street, ACCEPTED', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + 1, place: 'p' }] })), 'ok'],
  ['call: REPORTED', () => verdict(() => at('REPORTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [] })), [C, 'cannot call departments on a case that is REPORTED']],
  ['call: wrong actor', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.grid, calls: [] })), [F, streetHeld('GRID_WORKER', 'GL-S01-C01-G01')]],
  ['call: from grid', () => verdict(() => at('ACCEPTED').guardCallDepartments({ actor: ACTORS.grid, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: 'p' }] })), [C, 'only a street or a higher level may call departments; whistle the case up first']],
  ['call: none named', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [] })), [B, 'calls: name at least one department']],
  ['call: unknown department', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-XX', reportBy: T0 + HOUR, place: 'p' }] })), [B, 'calls.departmentId: unknown department GL-D-XX']],
  ['call: named twice', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: 'p' }, { departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: 'p' }] })), [B, 'calls.departmentId: GL-D-CG named twice']],
  ['call: reportBy exactly now (pinned Date.now)', () => verdict(() => at('ACCEPTED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0, place: 'p' }] })), [B, 'calls.reportBy: the time to report must be in the future']],
  ['call: department already called', () => verdict(() => at('CALLED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: 'p' }] })), [C, 'department GL-D-CG already has an open call on this case']],
  ['call: another department beside an open call', () => verdict(() => at('CALLED', 'STREET').guardCallDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-SJ', reportBy: T0 + HOUR, place: 'p' }] })), 'ok'],
  // report arrival
  ['arrival: officer of the called department', () => verdict(() => { const m = at('CALLED', 'STREET'); m.guardReportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }); }), 'ok'],
  ['arrival: other department', () => verdict(() => { const m = at('CALLED', 'STREET'); m.guardReportArrival({ actor: ACTORS.sj, callId: m.state.calls[0].id }); }), [F, 'only an officer of GL-D-CG may act on call CALL-4']],
  ['arrival: unknown call', () => verdict(() => at('CALLED', 'STREET').guardReportArrival({ actor: ACTORS.cg, callId: 'CALL-99' })), [B, 'callId: no call CALL-99 on this case']],
  ['arrival: twice', () => verdict(() => { const m = at('ARRIVED', 'STREET'); m.guardReportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }); }), [C, 'this department has already reported for this call']],
  ['arrival: case closed', () => verdict(() => at('CLOSED').guardReportArrival({ actor: ACTORS.cg, callId: 'CALL-1' })), [C, 'the case is CLOSED']],
  // upload evidence
  ['evidence: holder', () => verdict(() => at('IN_PROGRESS').guardUploadEvidence({ actor: ACTORS.grid, kind: 'PHOTO', url: 'u', sha256: SHA })), 'ok'],
  ['evidence: department after arrival', () => verdict(() => { const m = at('ARRIVED', 'STREET'); m.guardUploadEvidence({ actor: ACTORS.cg, callId: m.state.calls[0].id, kind: 'PHOTO', url: 'u', sha256: SHA }); }), 'ok'],
  ['evidence: department before arrival', () => verdict(() => { const m = at('CALLED', 'STREET'); m.guardUploadEvidence({ actor: ACTORS.cg, callId: m.state.calls[0].id, kind: 'PHOTO', url: 'u', sha256: SHA }); }), [C, 'report (报到) before uploading evidence']],
  ['evidence: ACCEPTED', () => verdict(() => at('ACCEPTED').guardUploadEvidence({ actor: ACTORS.grid, kind: 'PHOTO', url: 'u', sha256: SHA })), [C, 'cannot add evidence to a case that is ACCEPTED']],
  ['evidence: wrong actor', () => verdict(() => at('IN_PROGRESS').guardUploadEvidence({ actor: ACTORS.auditor, kind: 'PHOTO', url: 'u', sha256: SHA })), [F, gridHeld('AUDITOR', 'GL')]],
  ['evidence: bad hash', () => verdict(() => at('IN_PROGRESS').guardUploadEvidence({ actor: ACTORS.grid, kind: 'PHOTO', url: 'u', sha256: 'abc' })), [B, 'sha256: 64 hexadecimal characters']],
  ['evidence: bad received hash', () => verdict(() => at('IN_PROGRESS').guardUploadEvidence({ actor: ACTORS.grid, kind: 'PHOTO', url: 'u', sha256: SHA, receivedSha256: 'xyz' })), [B, 'receivedSha256: 64 hexadecimal characters']],
  // submit result
  ['result: holder', () => verdict(() => at('IN_PROGRESS').guardSubmitResult({ actor: ACTORS.grid, summary: '已清理' })), 'ok'],
  ['result: department after arrival', () => verdict(() => { const m = at('ARRIVED', 'STREET'); m.guardSubmitResult({ actor: ACTORS.cg, callId: m.state.calls[0].id, summary: '已处理' }); }), 'ok'],
  ['result: department before arrival', () => verdict(() => { const m = at('CALLED', 'STREET'); m.guardSubmitResult({ actor: ACTORS.cg, callId: m.state.calls[0].id, summary: '已处理' }); }), [C, 'report (报到) before submitting a result']],
  ['result: holder while a call is open', () => verdict(() => at('CALLED', 'STREET').guardSubmitResult({ actor: ACTORS.street, summary: '已处理' })), [C, 'waiting for called departments: GL-D-CG']],
  ['result: ACCEPTED', () => verdict(() => at('ACCEPTED').guardSubmitResult({ actor: ACTORS.grid, summary: 'x' })), [C, 'cannot submit a result for a case that is ACCEPTED']],
  ['result: wrong actor', () => verdict(() => at('IN_PROGRESS').guardSubmitResult({ actor: ACTORS.street, summary: 'x' })), [F, gridHeld('STREET_DISPATCHER', 'GL-S01')]],
  ['result: no summary', () => verdict(() => at('IN_PROGRESS').guardSubmitResult({ actor: ACTORS.grid, summary: '' })), [B, 'summary: describe the result']],
  // review
  ['review: street reviews a grid case', () => verdict(() => at('PENDING_REVIEW').guardReview({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' })), 'ok'],
  ['review: grid may not review its own case', () => verdict(() => at('PENDING_REVIEW').guardReview({ actor: ACTORS.grid, decision: 'CLOSE', reason: 'x' })), [F, 'only the STREET holding this case may review and close it']],
  ['review: IN_PROGRESS', () => verdict(() => at('IN_PROGRESS').guardReview({ actor: ACTORS.street, decision: 'CLOSE', reason: 'x' })), [C, 'cannot review a case that is IN_PROGRESS']],
  ['review: no reason', () => verdict(() => at('PENDING_REVIEW').guardReview({ actor: ACTORS.street, decision: 'RETURN', reason: '' })), [B, 'reason: say why']],
  // long-term plan
  ['plan: holder', () => verdict(() => at('IN_PROGRESS').guardPlanLongTerm({ actor: ACTORS.grid, explanation: '需立项', reviewEveryDays: 366 })), 'ok'],
  ['plan: REPORTED', () => verdict(() => at('REPORTED').guardPlanLongTerm({ actor: ACTORS.grid, explanation: 'x' })), [C, 'cannot put on the long-term plan a case that is REPORTED']],
  ['plan: wrong actor', () => verdict(() => at('ACCEPTED').guardPlanLongTerm({ actor: ACTORS.community, explanation: 'x' })), [F, gridHeld('COMMUNITY_WORKER', 'GL-S01-C01')]],
  ['plan: no explanation', () => verdict(() => at('ACCEPTED').guardPlanLongTerm({ actor: ACTORS.grid, explanation: '' })), [B, 'explanation: the reporter is told why']],
  ['plan: review every 0 days', () => verdict(() => at('ACCEPTED').guardPlanLongTerm({ actor: ACTORS.grid, explanation: 'x', reviewEveryDays: 0 })), [B, 'reviewEveryDays: 1 to 366']],
  ['plan: review every 367 days', () => verdict(() => at('ACCEPTED').guardPlanLongTerm({ actor: ACTORS.grid, explanation: 'x', reviewEveryDays: 367 })), [B, 'reviewEveryDays: 1 to 366']],
  // resume plan
  ['resume: holder', () => verdict(() => at('LONG_TERM_PLAN').guardResumePlan({ actor: ACTORS.grid, note: '资金到位' })), 'ok'],
  ['resume: not on the plan', () => verdict(() => at('IN_PROGRESS').guardResumePlan({ actor: ACTORS.grid, note: 'x' })), [C, 'cannot resume a case that is IN_PROGRESS']],
  ['resume: wrong actor', () => verdict(() => at('LONG_TERM_PLAN').guardResumePlan({ actor: ACTORS.cc, note: 'x' })), [F, gridHeld('COMMAND_CENTER', 'GL')]],
  // request extension
  ['extension: holder', () => verdict(() => at('IN_PROGRESS').guardRequestExtension({ actor: ACTORS.grid, days: 2, reason: '材料' })), 'ok'],
  ['extension: ACCEPTED', () => verdict(() => at('ACCEPTED').guardRequestExtension({ actor: ACTORS.grid, days: 2, reason: 'x' })), [C, 'cannot extend a case that is ACCEPTED']],
  ['extension: wrong actor', () => verdict(() => at('IN_PROGRESS').guardRequestExtension({ actor: ACTORS.street, days: 2, reason: 'x' })), [F, gridHeld('STREET_DISPATCHER', 'GL-S01')]],
  ['extension: fractional days', () => verdict(() => at('IN_PROGRESS').guardRequestExtension({ actor: ACTORS.grid, days: 1.5, reason: 'x' })), [B, 'days: a whole number of working days, at least 1']],
  ['extension: zero days', () => verdict(() => at('IN_PROGRESS').guardRequestExtension({ actor: ACTORS.grid, days: 0, reason: 'x' })), [B, 'days: a whole number of working days, at least 1']],
  ['extension: no reason', () => verdict(() => at('IN_PROGRESS').guardRequestExtension({ actor: ACTORS.grid, days: 2, reason: '' })), [B, 'reason: say why more time is needed']],
  ['extension: one pending', () => verdict(() => at('EXT_PENDING').guardRequestExtension({ actor: ACTORS.grid, days: 2, reason: 'x' })), [C, 'an extension request is already waiting for a decision']],
  ['extension: limit used', () => verdict(() => {
    const m = at('IN_PROGRESS');
    for (let i = 0; i < 2; i++) {
      m.requestExtension({ actor: ACTORS.grid, days: 1, reason: 'x' }, T0);
      m.decideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[i].id, approve: true, reason: 'ok' }, T0);
    }
    m.guardRequestExtension({ actor: ACTORS.grid, days: 1, reason: 'x' });
  }), [C, 'this case has used its 2 extensions; put it on the long-term plan instead']],
  ['extension: a rejected one does not count', () => verdict(() => {
    const m = at('IN_PROGRESS');
    m.requestExtension({ actor: ACTORS.grid, days: 1, reason: 'x' }, T0);
    m.decideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }, T0);
    m.requestExtension({ actor: ACTORS.grid, days: 1, reason: 'x' }, T0);
    m.decideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[1].id, approve: false, reason: 'no' }, T0);
    m.guardRequestExtension({ actor: ACTORS.grid, days: 1, reason: 'x' });
  }), 'ok'],
  // decide extension (2 days → command center)
  ['decide: command center', () => verdict(() => { const m = at('EXT_PENDING'); m.guardDecideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }); }), 'ok'],
  ['decide: a higher leader', () => verdict(() => { const m = at('EXT_PENDING'); m.guardDecideExtension({ actor: ACTORS.principal, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }); }), 'ok'],
  ['decide: street below the approver', () => verdict(() => { const m = at('EXT_PENDING'); m.guardDecideExtension({ actor: ACTORS.street, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }); }), [F, 'an extension of 2 working days is decided by COMMAND_CENTER or above']],
  ['decide: command center of another district', () => verdict(() => { const m = at('EXT_PENDING'); m.guardDecideExtension({ actor: { ...ACTORS.cc, unitId: 'XX' }, requestId: m.state.extensions[0].id, approve: true, reason: 'ok' }); }), [F, 'an extension of 2 working days is decided by COMMAND_CENTER or above']],
  ['decide: unknown request', () => verdict(() => at('EXT_PENDING').guardDecideExtension({ actor: ACTORS.cc, requestId: 'EXT-99', approve: true, reason: 'ok' })), [B, 'requestId: no extension request EXT-99 on this case']],
  ['decide: already decided', () => verdict(() => {
    const m = at('EXT_PENDING');
    const id = m.state.extensions[0].id;
    m.decideExtension({ actor: ACTORS.cc, requestId: id, approve: false, reason: 'no' }, T0);
    m.guardDecideExtension({ actor: ACTORS.cc, requestId: id, approve: true, reason: 'ok' });
  }), [C, 'extension request EXT-4 is already rejected']],
  ['decide: no reason', () => verdict(() => { const m = at('EXT_PENDING'); m.guardDecideExtension({ actor: ACTORS.cc, requestId: m.state.extensions[0].id, approve: true, reason: ' ' }); }), [B, 'reason: say why']],
  // survey
  ['survey: command center by phone', () => verdict(() => at('CLOSED').guardRecordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })), 'ok'],
  ['survey: resident through the link', () => verdict(() => at('CLOSED').guardRecordSurvey({ actor: { personId: residentActorId(CODE), role: 'REPORTER', unitId: 'GL' }, satisfaction: 'SATISFIED', solved: true, channel: 'LINK' })), 'ok'],
  ['survey: another case\'s resident', () => verdict(() => at('CLOSED').guardRecordSurvey({ actor: { personId: residentActorId('GL-OTHER'), role: 'REPORTER', unitId: 'GL' }, satisfaction: 'SATISFIED', solved: true, channel: 'LINK' })), [F, 'revisit surveys are recorded by the district command center (or the resident through the one-time link)']],
  ['survey: command center through LINK', () => verdict(() => at('CLOSED').guardRecordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'LINK' })), [F, 'revisit surveys are recorded by the district command center (or the resident through the one-time link)']],
  ['survey: street', () => verdict(() => at('CLOSED').guardRecordSurvey({ actor: ACTORS.street, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })), [F, 'revisit surveys are recorded by the district command center (or the resident through the one-time link)']],
  ['survey: still open', () => verdict(() => at('IN_PROGRESS').guardRecordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })), [C, 'a revisit survey is recorded only for a closed case awaiting its survey']],
  ['survey: twice', () => verdict(() => at('SURVEYED').guardRecordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' })), [C, 'a revisit survey is recorded only for a closed case awaiting its survey']],
  ['survey: closed by guidance (no survey window)', () => verdict(() => {
    const m = at('ACCEPTED');
    m.respond({ actor: ACTORS.grid, decision: 'GUIDANCE', guidance: '私人事务' }, T0);
    m.guardRecordSurvey({ actor: ACTORS.cc, satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' });
  }), [C, 'a revisit survey is recorded only for a closed case awaiting its survey']],
];

test.each(rows)('%s', (_name, run, expected) => {
  expect(run()).toEqual(expected === 'ok' ? 'ok' : { type: expected[0], message: expected[1] });
});

test('guards change nothing: state and pending facts are untouched after allowed and refused checks', () => {
  const m = at('IN_PROGRESS');
  const before = JSON.stringify({ s: m.state, p: m.pending });
  m.guardSubmitResult({ actor: ACTORS.grid, summary: 'x' });
  expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).not.toBe('ok');
  m.guardRequestExtension({ actor: ACTORS.grid, days: 2, reason: 'x' });
  expect(JSON.stringify({ s: m.state, p: m.pending })).toBe(before);
});

test('the guard sees the pinned Date.now: a report time one minute ahead is accepted, then refused once the clock passes it', () => {
  const m = at('ACCEPTED', 'STREET');
  const call = { actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + MIN, place: 'p' }] };
  expect(verdict(() => m.guardCallDepartments(call))).toBe('ok');
  jest.setSystemTime(T0 + MIN);
  try {
    expect(verdict(() => m.guardCallDepartments(call))).toEqual({ type: B, message: 'calls.reportBy: the time to report must be in the future' });
  } finally {
    jest.setSystemTime(T0);
  }
});

describe('guardNoLapseDue: an action never overtakes a lapse already due', () => {
  it('allows an action while no window is due, refuses it from the instant one is, until the loop records the lapse', () => {
    const m = newMachine();
    const due = m.state.windows.find((w) => w.kind === 'ACCEPT')!.dueAt;
    expect(due).toBe(T0 + 10 * MIN);
    expect(verdict(() => m.guardNoLapseDue(due - 1))).toBe('ok');
    const late = verdict(() => m.guardNoLapseDue(due + 61_000));
    expect(late).toEqual({ type: C, message: `the accept window lapsed at ${new Date(due).toISOString()} and is being recorded first; try again` });
    // What the workflow's loop does next: the lapse is recorded, the case climbs, a retry is judged on that.
    m.tick(due + 61_000);
    expect(m.state.level).toBe('STREET');
    expect(verdict(() => m.guardNoLapseDue(due + 61_000))).toBe('ok');
    expect(verdict(() => m.guardAccept({ actor: ACTORS.grid }))).toMatchObject({ type: F });
  });
});
