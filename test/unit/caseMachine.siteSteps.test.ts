// Arrival on site and the hazard path's steps in the case machine, alone (no server), with the
// pure rules of domain/siteSteps (seed 002: "2小时内完成现场勘查、方案确定及人材机进场消险全过程").
// A case whose policy has no `site` keeps the old behaviour: its on-site window is met by the result.
import { ACTORS, HOUR, MIN, SHA, T0, newMachine, verdict } from './fixtures/machineFixture';
import { DEFAULT_SITE, hazardPromise, hazardStepsDone, newSiteProgress, stepBlocker, type SiteProgress } from '../../domain/siteSteps';
import type { CaseMachine } from '../../workflows/caseMachine';
import { BAD_INPUT_ERROR, CONFLICT_ERROR, FORBIDDEN_ERROR } from '../../workflows/messages';

const facts = (m: CaseMachine, type: string) => m.pending.filter((f) => f.event.type === type).map((f) => f.event);
const PHOTO = { kind: 'PHOTO' as const, url: 'https://files.example/site.jpg', sha256: SHA.toUpperCase() };

/** An urgent hazard taken on by the grid at T0 (handled itself). */
function urgentAtGrid(site = true): CaseMachine {
  const m = newMachine({ urgent: true, site });
  m.accept({ actor: ACTORS.grid }, T0 + 3 * MIN);
  m.respond({ actor: ACTORS.grid, decision: 'SELF' }, T0 + 5 * MIN);
  return m;
}

describe('arrival on site meets the urgent on-site window (CasePolicy.site)', () => {
  it('an urgent case shows its hazard path from intake: nothing done, the promise due two hours after the report', () => {
    const m = newMachine({ urgent: true, site: true });
    expect(m.state.site).toEqual({ arrivedAt: null, steps: [], hazardDueAt: T0 + 2 * HOUR, clearedAt: null });
    expect(newMachine({ site: true }).state.site).toBeUndefined();
  });

  it("the holder's arrival closes the on-site window in time, as a fact with its evidence; the window no longer lapses", () => {
    const m = urgentAtGrid();
    const step = { actor: ACTORS.grid, step: 'ARRIVED' as const, note: '已到达现场', evidence: [PHOTO] };
    expect(verdict(() => m.guardSiteStep(step))).toBe('ok');
    m.recordSiteStep(step, T0 + 40 * MIN);
    expect(m.state.windows.map((w) => w.kind)).not.toContain('ON_SITE');
    expect(m.state.site!.arrivedAt).toBe(T0 + 40 * MIN);
    const [fact] = facts(m, 'SITE_STEP');
    expect(fact).toMatchObject({
      actorId: 'p-grid',
      data: { step: 'ARRIVED', callId: null, note: '已到达现场', evidence: [{ ...PHOTO, sha256: SHA }], onSite: { windowDueAt: T0 + 2 * HOUR, onTime: true } },
    });
    m.tick(T0 + 2 * HOUR + MIN);
    expect(facts(m, 'BREACHED')).toEqual([]);
    expect(m.state.level).toBe('GRID');
  });

  it('an arrival after the window lapsed meets nothing (the breach stands and the case climbed)', () => {
    const m = urgentAtGrid();
    m.tick(T0 + 2 * HOUR);
    expect(facts(m, 'BREACHED').map((e) => e.data?.kind)).toEqual(['ON_SITE']);
    // The restarted window at the street is met by the street's arrival.
    m.recordSiteStep({ actor: ACTORS.street, step: 'ARRIVED' }, T0 + 2 * HOUR + 30 * MIN);
    expect(facts(m, 'SITE_STEP')[0].data).toMatchObject({ onSite: { windowDueAt: T0 + 4 * HOUR, onTime: true } });
  });

  it("a called department's report (报到) is the case's arrival: it meets the window and carries its evidence", () => {
    const m = newMachine({ urgent: true, site: true, startLevel: 'STREET' });
    m.accept({ actor: ACTORS.street }, T0 + MIN);
    m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '虎踞北路4号' }] }, T0 + 2 * MIN);
    const callId = m.state.calls[0].id;
    expect(verdict(() => m.guardReportArrival({ actor: ACTORS.cg, callId, evidence: [{ ...PHOTO, sha256: 'xyz' }] }))).toMatchObject({ type: BAD_INPUT_ERROR });
    m.reportArrival({ actor: ACTORS.cg, callId, evidence: [PHOTO] }, T0 + 50 * MIN);
    expect(m.state.windows.map((w) => w.kind)).not.toContain('ON_SITE');
    expect(m.state.calls[0].evidence).toEqual([{ ...PHOTO, sha256: SHA, uploadedBy: 'p-dept-cg', at: T0 + 50 * MIN }]);
    expect(facts(m, 'DEPARTMENT_REPORTED')[0].data).toEqual({
      callId, late: false, reportBy: T0 + HOUR, evidence: [{ ...PHOTO, sha256: SHA }], onSite: { windowDueAt: T0 + 2 * HOUR, onTime: true },
    });
    // The department records its hazard steps on its call; its arrival goes through the report.
    expect(verdict(() => m.guardSiteStep({ actor: ACTORS.cg, callId, step: 'ARRIVED' }))).toMatchObject({ type: CONFLICT_ERROR });
    expect(verdict(() => m.guardSiteStep({ actor: ACTORS.cg, callId, step: 'SURVEYED' }))).toBe('ok');
  });

  it('without CasePolicy.site (every case started before): the report leaves the window open, the action is refused, the window lapses', () => {
    const m = newMachine({ urgent: true, startLevel: 'STREET' });
    expect(m.state.site).toBeUndefined();
    m.accept({ actor: ACTORS.street }, T0 + MIN);
    m.callDepartments({ actor: ACTORS.street, calls: [{ departmentId: 'GL-D-CG', reportBy: T0 + HOUR, place: '虎踞北路4号' }] }, T0 + 2 * MIN);
    m.reportArrival({ actor: ACTORS.cg, callId: m.state.calls[0].id }, T0 + 50 * MIN);
    expect(facts(m, 'DEPARTMENT_REPORTED')[0].data).toEqual({ callId: m.state.calls[0].id, late: false, reportBy: T0 + HOUR });
    expect(m.state.windows.map((w) => w.kind)).toContain('ON_SITE');
    expect(verdict(() => m.guardSiteStep({ actor: ACTORS.street, step: 'ARRIVED' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('started before') });
    m.tick(T0 + 2 * HOUR);
    expect(facts(m, 'BREACHED').map((e) => e.data?.kind)).toEqual(['ON_SITE']);
  });
});

describe('the hazard path: 现场勘查, 方案确定, 人材机进场, 消险', () => {
  it('records each step once, in order, after the arrival; the case shows which are done', () => {
    const m = urgentAtGrid();
    const g = (step: 'ARRIVED' | 'SURVEYED' | 'PLANNED' | 'CREW_ON_SITE' | 'CLEARED') => verdict(() => m.guardSiteStep({ actor: ACTORS.grid, step }));
    expect(g('SURVEYED')).toMatchObject({ type: CONFLICT_ERROR, message: 'record the arrival on site (到场 or 报到) first' });
    m.recordSiteStep({ actor: ACTORS.grid, step: 'ARRIVED' }, T0 + 30 * MIN);
    expect(g('ARRIVED')).toMatchObject({ type: CONFLICT_ERROR });
    expect(g('PLANNED')).toMatchObject({ type: CONFLICT_ERROR, message: 'record SURVEYED first' });
    m.recordSiteStep({ actor: ACTORS.grid, step: 'SURVEYED', note: '墙体开裂' }, T0 + 45 * MIN);
    expect(g('SURVEYED')).toMatchObject({ type: CONFLICT_ERROR, message: 'SURVEYED is recorded already' });
    m.recordSiteStep({ actor: ACTORS.grid, step: 'PLANNED' }, T0 + 60 * MIN);
    m.recordSiteStep({ actor: ACTORS.grid, step: 'CREW_ON_SITE' }, T0 + 80 * MIN);
    expect(hazardStepsDone(m.state.site)).toEqual(['SURVEYED', 'PLANNED', 'CREW_ON_SITE']);
    expect(hazardPromise(m.state.site, T0 + 90 * MIN)).toEqual({ dueAt: T0 + 2 * HOUR, met: null, late: [] });
    m.recordSiteStep({ actor: ACTORS.grid, step: 'CLEARED', evidence: [PHOTO] }, T0 + 110 * MIN);
    expect(m.state.site!.clearedAt).toBe(T0 + 110 * MIN);
    expect(facts(m, 'SITE_STEP').map((e) => e.data?.step)).toEqual(['ARRIVED', 'SURVEYED', 'PLANNED', 'CREW_ON_SITE', 'CLEARED']);
    expect(facts(m, 'SITE_STEP').at(-1)!.data).toMatchObject({ hazardDueAt: T0 + 2 * HOUR, withinPromise: true });
    expect(hazardPromise(m.state.site, T0 + 3 * HOUR)).toEqual({ dueAt: T0 + 2 * HOUR, met: true, late: [] });
  });

  it('cleared after two hours: the promise is missed, on the fact and in the figure, with the late steps named', () => {
    const m = urgentAtGrid();
    m.recordSiteStep({ actor: ACTORS.grid, step: 'ARRIVED' }, T0 + 30 * MIN);
    m.recordSiteStep({ actor: ACTORS.grid, step: 'SURVEYED' }, T0 + 60 * MIN);
    m.recordSiteStep({ actor: ACTORS.grid, step: 'PLANNED' }, T0 + 100 * MIN);
    m.recordSiteStep({ actor: ACTORS.grid, step: 'CREW_ON_SITE' }, T0 + 130 * MIN);
    m.recordSiteStep({ actor: ACTORS.grid, step: 'CLEARED' }, T0 + 170 * MIN);
    expect(facts(m, 'SITE_STEP').at(-1)!.data).toMatchObject({ withinPromise: false });
    expect(hazardPromise(m.state.site, T0 + 3 * HOUR)).toEqual({ dueAt: T0 + 2 * HOUR, met: false, late: ['CREW_ON_SITE', 'CLEARED'] });
  });

  it('only urgent cases take hazard steps; any case with the policy records an arrival; only the holder or a reported department acts', () => {
    const m = newMachine({ site: true });
    m.accept({ actor: ACTORS.grid }, T0 + MIN);
    expect(verdict(() => m.guardSiteStep({ actor: ACTORS.grid, step: 'ARRIVED' }))).toBe('ok');
    m.recordSiteStep({ actor: ACTORS.grid, step: 'ARRIVED' }, T0 + 20 * MIN);
    expect(m.state.site).toMatchObject({ arrivedAt: T0 + 20 * MIN, hazardDueAt: null });
    expect(facts(m, 'SITE_STEP')[0].data).not.toHaveProperty('onSite');
    expect(verdict(() => m.guardSiteStep({ actor: ACTORS.grid, step: 'SURVEYED' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('urgent cases') });

    const u = urgentAtGrid();
    expect(verdict(() => u.guardSiteStep({ actor: ACTORS.otherGrid, step: 'ARRIVED' }))).toMatchObject({ type: FORBIDDEN_ERROR });
    expect(verdict(() => u.guardSiteStep({ actor: ACTORS.grid, step: 'GONE' as never }))).toMatchObject({ type: BAD_INPUT_ERROR });
    const reported = newMachine({ urgent: true, site: true });
    expect(verdict(() => reported.guardSiteStep({ actor: ACTORS.grid, step: 'ARRIVED' }))).toMatchObject({ type: CONFLICT_ERROR, message: expect.stringContaining('REPORTED') });
  });
});

describe('domain/siteSteps', () => {
  const progress = (o: Partial<SiteProgress> = {}): SiteProgress => ({ ...newSiteProgress(true, T0, DEFAULT_SITE), ...o });

  it('the promise is the seed\'s two hours from the report, on urgent cases only', () => {
    expect(DEFAULT_SITE.hazardPromiseMinutes).toBe(120);
    expect(newSiteProgress(true, T0, DEFAULT_SITE).hazardDueAt).toBe(T0 + 2 * HOUR);
    expect(newSiteProgress(false, T0, DEFAULT_SITE).hazardDueAt).toBeNull();
    expect(hazardPromise(newSiteProgress(false, T0, DEFAULT_SITE), T0)).toBeNull();
  });

  it('a hazard not cleared is open until its due time, missed after it', () => {
    expect(hazardPromise(progress(), T0 + 2 * HOUR)).toEqual({ dueAt: T0 + 2 * HOUR, met: null, late: [] });
    expect(hazardPromise(progress(), T0 + 2 * HOUR + 1)).toEqual({ dueAt: T0 + 2 * HOUR, met: false, late: [] });
  });

  it('stepBlocker: arrival once; hazard steps on urgent cases, after an arrival, in order', () => {
    expect(stepBlocker(undefined, 'ARRIVED', false)).toBeNull();
    expect(stepBlocker(progress({ arrivedAt: T0 }), 'ARRIVED', true)).toMatch(/already/);
    expect(stepBlocker(progress({ arrivedAt: T0 }), 'SURVEYED', false)).toMatch(/urgent/);
    expect(stepBlocker(progress({ arrivedAt: T0 }), 'SURVEYED', true)).toBeNull();
    expect(stepBlocker(progress({ arrivedAt: T0 }), 'CLEARED', true)).toBe('record CREW_ON_SITE first');
  });
});
