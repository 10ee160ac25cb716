// Five-step deliberation (五步议事: 说、问、议、办、评, seed 001) in the case machine, alone (no
// server), with the pure rules of domain/deliberation. A case whose policy has no `deliberation`
// (every case started before it) refuses the action and closes as before.
import { ACTORS, T0, MIN, HOUR, newMachine, verdict } from './fixtures/machineFixture';
import {
  contentProblem,
  deliberationStepBlocker,
  isCommunityMatter,
  nextStep,
  satisfiedVotes,
  verdictOf,
  withStep,
  type DeliberationRecord,
  type DeliberationStep,
} from '../../domain/deliberation';
import type { CaseMachine } from '../../workflows/caseMachine';
import type { Actor } from '../../domain/types';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR, type DeliberationStepInput } from '../../workflows/messages';
import { computeAssessment } from '../../domain/assessment/figures';
import { parsePeriod } from '../../domain/assessment/period';

const facts = (m: CaseMachine) => m.pending.filter((f) => f.event.type === 'DELIBERATION_STEP').map((f) => f.event);

const SAY = { step: 'SAY' as const, text: '书香门第小区停车乱象', source: '民情驿站' };
const ASK = { step: 'ASK' as const, text: '小区停车秩序整治' };
const DISCUSS = {
  step: 'DISCUSS' as const,
  text: '由物业公司出资安装起降杆',
  forum: 'COMMUNITY_COUNCIL' as const,
  participants: [
    { name: '王主任', role: '社区书记', unit: '御康社区' },
    { name: '李经理', role: '物业经理', unit: '小区物业公司' },
    { name: '张大爷', role: '居民代表' },
  ],
};
const DO = { step: 'DO' as const, text: '起降杆已安装，车位已划线', stream: 'SMALL' as const };
const EVALUATE = { step: 'EVALUATE' as const, text: '党员和居民代表大会评议', votes: { satisfied: 30, basicallySatisfied: 8, dissatisfied: 2 }, cadres: ['王主任', '刘委员'] };

/** A small matter the grid sends down to the community (三事分流 小事), with the deliberation policy. */
function communityMatter(deliberation = true): CaseMachine {
  const m = newMachine({ deliberation });
  m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
  m.respond({ actor: ACTORS.grid, decision: 'COMMUNITY' }, T0 + 5 * MIN);
  return m;
}

function step(m: CaseMachine, s: Omit<DeliberationStepInput, 'actor'>, at: number, actor: Actor = ACTORS.community): void {
  const input = { actor, ...s } as DeliberationStepInput;
  m.guardDeliberationStep(input);
  m.recordDeliberationStep(input, at);
}

describe('the pure rules (domain/deliberation)', () => {
  const rec = (...steps: DeliberationStep[]): DeliberationRecord | undefined =>
    steps.reduce<DeliberationRecord | undefined>((r, s, i) => withStep(r, 'C1', { step: s, at: i, by: 'p', unitId: 'C1', text: 't' }), undefined);

  it('steps go in order, each once; the latest may be corrected until the next; the evaluation is final', () => {
    expect(deliberationStepBlocker(undefined, 'SAY')).toBeNull();
    expect(deliberationStepBlocker(undefined, 'ASK')).toMatch(/record SAY/);
    expect(deliberationStepBlocker(rec('SAY'), 'SAY')).toBeNull();
    expect(deliberationStepBlocker(rec('SAY', 'ASK'), 'SAY')).toMatch(/only the latest step \(ASK\)/);
    expect(deliberationStepBlocker(rec('SAY', 'ASK'), 'DO')).toMatch(/record DISCUSS/);
    expect(deliberationStepBlocker(rec('SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE'), 'EVALUATE')).toMatch(/final/);
    expect(nextStep(rec('SAY', 'ASK'))).toBe('DISCUSS');
    expect(nextStep(rec('SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE'))).toBeNull();
  });

  it('a correction replaces the step in the record; the evaluation completes it with its verdict', () => {
    const r = withStep(rec('SAY'), 'C1', { step: 'SAY', at: 9, by: 'p', unitId: 'C1', text: 'corrected', corrected: true });
    expect(r.steps).toEqual([expect.objectContaining({ step: 'SAY', text: 'corrected', corrected: true })]);
    expect(r.startedAt).toBe(0);
    const done = withStep(rec('SAY', 'ASK', 'DISCUSS', 'DO'), 'C1', { step: 'EVALUATE', at: 7, by: 'p', unitId: 'C1', text: '', verdict: 'SATISFIED' });
    expect(done).toMatchObject({ completedAt: 7, verdict: 'SATISFIED' });
  });

  it('the verdict is what most residents answered, a tie going to the less favourable answer; the share counts 满意 and 基本满意', () => {
    expect(verdictOf({ satisfied: 5, basicallySatisfied: 2, dissatisfied: 1 })).toBe('SATISFIED');
    expect(verdictOf({ satisfied: 2, basicallySatisfied: 5, dissatisfied: 1 })).toBe('BASICALLY_SATISFIED');
    expect(verdictOf({ satisfied: 3, basicallySatisfied: 3, dissatisfied: 1 })).toBe('BASICALLY_SATISFIED');
    expect(verdictOf({ satisfied: 3, basicallySatisfied: 0, dissatisfied: 3 })).toBe('UNSATISFIED');
    expect(satisfiedVotes({ satisfied: 30, basicallySatisfied: 8, dissatisfied: 2 })).toEqual([38, 40]);
  });

  it('each step says what it lacks', () => {
    expect(contentProblem('SAY', { text: ' ' })).toEqual({ field: 'text', message: expect.stringContaining('matter') });
    expect(contentProblem('DISCUSS', { text: 'x', participants: [] , forum: 'OWNERS_COMMITTEE' })).toMatchObject({ field: 'participants' });
    expect(contentProblem('DISCUSS', { text: 'x', participants: [{ name: 'a', role: 'b' }] })).toMatchObject({ field: 'forum' });
    expect(contentProblem('DO', { text: 'x' })).toMatchObject({ field: 'stream' });
    expect(contentProblem('EVALUATE', { text: '', votes: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 }, cadres: ['a'] })).toMatchObject({ field: 'votes' });
    expect(contentProblem('EVALUATE', { text: '', votes: { satisfied: 1.5, basicallySatisfied: 0, dissatisfied: 0 }, cadres: ['a'] })).toMatchObject({ field: 'votes' });
    expect(contentProblem('EVALUATE', { text: '', votes: { satisfied: 1, basicallySatisfied: 0, dissatisfied: 0 } })).toMatchObject({ field: 'cadres' });
    expect(contentProblem('EVALUATE', EVALUATE)).toBeNull();
  });

  it('a community matter is held at a community or triaged small (小事)', () => {
    expect(isCommunityMatter('COMMUNITY', 'BIG')).toBe(true);
    expect(isCommunityMatter('STREET', 'SMALL')).toBe(true);
    expect(isCommunityMatter('GRID', 'BIG')).toBe(false);
  });
});

describe('the five steps on a case (CasePolicy.deliberation)', () => {
  it('说、问、议、办、评 in order: each a DELIBERATION_STEP fact for the community, the record in the live state', () => {
    const m = communityMatter();
    step(m, SAY, T0 + HOUR);
    step(m, ASK, T0 + 2 * HOUR);
    step(m, DISCUSS, T0 + 3 * HOUR, ACTORS.street);
    step(m, DO, T0 + 4 * HOUR);
    step(m, EVALUATE, T0 + 5 * HOUR);
    const fs = facts(m);
    expect(fs.map((f) => f.data?.step)).toEqual(['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE']);
    // Counted for the community whoever recorded it (the street recorded the meeting).
    expect(fs.map((f) => f.unitId)).toEqual(Array(5).fill('GL-S01-C01'));
    expect(fs[2]).toMatchObject({ actorId: 'p-street', data: { forum: 'COMMUNITY_COUNCIL', participants: DISCUSS.participants, text: DISCUSS.text } });
    expect(fs[3].data).toMatchObject({ stream: 'SMALL' });
    expect(fs[4].data).toEqual({ step: 'EVALUATE', communityId: 'GL-S01-C01', text: EVALUATE.text, votes: EVALUATE.votes, verdict: 'SATISFIED', cadres: EVALUATE.cadres });
    expect(m.state.deliberation).toMatchObject({ communityId: 'GL-S01-C01', startedAt: T0 + HOUR, completedAt: T0 + 5 * HOUR, verdict: 'SATISFIED' });
    expect(m.state.deliberation!.steps.map((s) => s.step)).toEqual(['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE']);
    // Final: nothing more is recorded.
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, ...EVALUATE }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('final') });
  });

  it('out of order, a step again after the next, or a step lacking its content is refused', () => {
    const m = communityMatter();
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, ...ASK }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('record SAY') });
    step(m, SAY, T0 + HOUR);
    step(m, ASK, T0 + 2 * HOUR);
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, ...SAY }))).toMatchObject({ type: CONFLICT_ERROR });
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, ...DISCUSS, participants: [] }))).toMatchObject({ type: BAD_INPUT_ERROR });
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, step: 'VOTE' as DeliberationStep, text: 'x' }))).toMatchObject({ type: BAD_INPUT_ERROR });
  });

  it('the latest step is corrected by recording it again: both facts stay, the state keeps the new one', () => {
    const m = communityMatter();
    step(m, SAY, T0 + HOUR);
    step(m, { ...SAY, text: '书香门第小区停车乱象（含消防通道）' }, T0 + HOUR + 10 * MIN);
    expect(facts(m).map((f) => f.data?.corrected ?? false)).toEqual([false, true]);
    expect(m.state.deliberation!.steps).toEqual([expect.objectContaining({ step: 'SAY', text: '书香门第小区停车乱象（含消防通道）', corrected: true })]);
  });

  it('only the community of the case or its street; only on community matters; only while the case is worked', () => {
    const m = communityMatter();
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.grid, ...SAY }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.cc, ...SAY }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.street, ...SAY }))).toBe('ok');
    // A big matter the grid handles itself is not the community's to deliberate.
    const big = newMachine({ deliberation: true });
    big.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
    big.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
    expect(verdict(() => big.guardDeliberationStep({ actor: ACTORS.community, ...SAY }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('community matters') });
    // Not before it is accepted.
    const fresh = newMachine({ deliberation: true, startLevel: 'COMMUNITY' });
    expect(verdict(() => fresh.guardDeliberationStep({ actor: ACTORS.community, ...SAY }))).toMatchObject({ type: CONFLICT_ERROR });
  });

  it('a case under deliberation is closed after the evaluation; returned for rework it may be', () => {
    const m = communityMatter();
    step(m, SAY, T0 + HOUR);
    m.submitResult({ actor: ACTORS.community, summary: '已处理' }, T0 + 2 * HOUR);
    expect(verdict(() => m.guardReview({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }))).toMatchObject({
      type: CONFLICT_ERROR,
      message: expect.stringContaining('record ASK'),
    });
    expect(verdict(() => m.guardReview({ actor: ACTORS.street, decision: 'RETURN', reason: '继续' }))).toBe('ok');
    // The remaining steps while the result waits for review; then it closes.
    step(m, ASK, T0 + 3 * HOUR);
    step(m, DISCUSS, T0 + 4 * HOUR);
    step(m, DO, T0 + 5 * HOUR);
    step(m, EVALUATE, T0 + 6 * HOUR);
    expect(verdict(() => m.guardReview({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }))).toBe('ok');
    // Without any deliberation a community matter closes as before.
    const plain = communityMatter();
    plain.submitResult({ actor: ACTORS.community, summary: '已处理' }, T0 + 2 * HOUR);
    expect(verdict(() => plain.guardReview({ actor: ACTORS.street, decision: 'CLOSE', reason: '核实' }))).toBe('ok');
  });

  it('without CasePolicy.deliberation (every case started before): refused, and the case closes as before', () => {
    const m = communityMatter(false);
    expect(verdict(() => m.guardDeliberationStep({ actor: ACTORS.community, ...SAY }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('started before') });
    expect(m.state.deliberation).toBeUndefined();
  });

  it("the community's assessment counts the deliberation held, completed and the residents' votes (a correction is not a second one)", () => {
    const m = communityMatter();
    step(m, SAY, T0 + HOUR);
    step(m, SAY, T0 + HOUR + MIN);
    for (const [s, i] of [[ASK, 2], [DISCUSS, 3], [DO, 4], [EVALUATE, 5]] as const) step(m, s, T0 + i * HOUR);
    const events = m.pending.map((f) => ({ ...f.event, actorId: f.event.actorId ?? null, actorRole: f.event.actorRole ?? null, unitId: f.event.unitId ?? null, level: f.event.level ?? null, data: f.event.data as Record<string, unknown> }));
    const f = computeAssessment({
      period: parsePeriod('2026-11'),
      asOf: T0 + 30 * HOUR,
      cases: [{ code: m.state.code, units: { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' }, events }],
      scores: [],
      units: [],
    });
    const c = f.units.find((u) => u.unitId === 'GL-S01-C01')!;
    expect(c).toMatchObject({ deliberationsHeld: 1, deliberationsCompleted: 1, deliberationSatisfaction: { numerator: 38, denominator: 40, rate: 0.95 } });
    const g = f.units.find((u) => u.unitId === 'GL-S01-C01-G01')!;
    expect(g).toMatchObject({ deliberationsHeld: 0, deliberationsCompleted: 0, deliberationSatisfaction: { numerator: 0, denominator: 0, rate: null } });
  });
});
