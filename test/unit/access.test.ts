// The object-level access rules (domain/access), alone: no server, no database.
import { readScope } from '../../features/cases/readScope';
import { CASE_ACTIONS, canActOn, canRead, mayAttempt, type CaseAction, type CaseScope, type Caller } from '../../domain/access';
import type { Role } from '../../domain/types';

const UNITS = { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' };
const CASE: CaseScope = {
  code: 'GL-20261122-000001',
  units: UNITS,
  calls: [{ id: 'CALL-5', departmentId: 'GL-D-CG' }],
  reportedBy: 'p-reporter-hotline',
  clientAppId: 'demo-civic-app',
};

const who = (role: Role, unitId: string, personId = `p-${role}`): Caller => ({ personId, role, unitId });

const OWN: Record<Role, Caller> = {
  REPORTER: who('REPORTER', 'GL', 'p-reporter-hotline'),
  GRID_WORKER: who('GRID_WORKER', 'GL-S01-C01-G01'),
  COMMUNITY_WORKER: who('COMMUNITY_WORKER', 'GL-S01-C01'),
  STREET_DISPATCHER: who('STREET_DISPATCHER', 'GL-S01'),
  DEPARTMENT_OFFICER: who('DEPARTMENT_OFFICER', 'GL-D-CG'),
  COMMAND_CENTER: who('COMMAND_CENTER', 'GL'),
  DEPUTY_LEADER: who('DEPUTY_LEADER', 'GL'),
  PRINCIPAL_LEADER: who('PRINCIPAL_LEADER', 'GL'),
  AUDITOR: who('AUDITOR', 'GL'),
  ADMIN: who('ADMIN', 'GL'),
};
const OTHER: Record<Role, Caller> = {
  REPORTER: who('REPORTER', 'GL', 'p-reporter-app'),
  GRID_WORKER: who('GRID_WORKER', 'GL-S01-C01-G02'),
  COMMUNITY_WORKER: who('COMMUNITY_WORKER', 'GL-S01-C02'),
  STREET_DISPATCHER: who('STREET_DISPATCHER', 'GL-S02'),
  DEPARTMENT_OFFICER: who('DEPARTMENT_OFFICER', 'GL-D-SCJG'),
  COMMAND_CENTER: who('COMMAND_CENTER', 'XD'),
  DEPUTY_LEADER: who('DEPUTY_LEADER', 'XD'),
  PRINCIPAL_LEADER: who('PRINCIPAL_LEADER', 'XD'),
  AUDITOR: who('AUDITOR', 'XD'),
  ADMIN: who('ADMIN', 'XD'),
};

/** The actions each role may attempt at all (department officers: with a callId). */
const MAY: Record<Role, readonly CaseAction[]> = {
  REPORTER: [],
  AUDITOR: [],
  ADMIN: [],
  DEPARTMENT_OFFICER: ['report', 'evidence', 'result', 'urge-reply', 'on-site'],
  GRID_WORKER: ['accept', 'respond', 'whistle', 'evidence', 'result', 'long-term-plan', 'resume', 'extensions', 'urge-reply', 'on-site', 'pause', 'pause-end'],
  COMMUNITY_WORKER: ['accept', 'respond', 'whistle', 'calls', 'evidence', 'result', 'long-term-plan', 'resume', 'extensions', 'urge-reply', 'on-site', 'deliberate', 'pause', 'pause-end'],
  STREET_DISPATCHER: ['accept', 'respond', 'whistle', 'calls', 'evidence', 'result', 'review', 'long-term-plan', 'resume', 'extensions', 'urge-reply', 'on-site', 'deliberate', 'pause', 'pause-decision', 'pause-end'],
  COMMAND_CENTER: ['accept', 'respond', 'whistle', 'calls', 'evidence', 'result', 'review', 'long-term-plan', 'resume', 'extensions', 'extension-decision', 'survey', 'urge', 'urge-reply', 'on-site', 'send-down', 'pause', 'pause-decision', 'pause-end'],
  DEPUTY_LEADER: ['accept', 'respond', 'whistle', 'calls', 'evidence', 'result', 'review', 'long-term-plan', 'resume', 'extensions', 'extension-decision', 'tick-off', 'urge-reply', 'on-site', 'pause', 'pause-decision', 'pause-end'],
  PRINCIPAL_LEADER: ['accept', 'respond', 'whistle', 'calls', 'evidence', 'result', 'review', 'long-term-plan', 'resume', 'extensions', 'extension-decision', 'tick-off', 'urge-reply', 'on-site', 'pause', 'pause-decision', 'pause-end'],
};

const roles = Object.keys(OWN) as Role[];
/** Department officers always name their call; 'report' always names one. */
const callIdFor = (role: Role, action: CaseAction) => (role === 'DEPARTMENT_OFFICER' || action === 'report' ? { callId: 'CALL-5' } : {});

describe('mayAttempt: which roles may ever attempt which action', () => {
  for (const role of roles) {
    for (const action of CASE_ACTIONS) {
      const expected = MAY[role].includes(action);
      it(`${role} ${expected ? 'may' : 'may not'} ${action}`, () => {
        const d = mayAttempt(OWN[role], { action, ...callIdFor(role, action) });
        expect(d.allowed).toBe(expected);
        if (!d.allowed) expect(d.reason).toMatch(new RegExp(`^${role} (may not|acts only)`));
      });
    }
  }

  it('a department officer must name its call; a ladder role may not act on a call', () => {
    expect(mayAttempt(OWN.DEPARTMENT_OFFICER, { action: 'evidence' })).toEqual({ allowed: false, reason: expect.stringMatching(/callId/) });
    expect(mayAttempt(OWN.DEPARTMENT_OFFICER, { action: 'result' }).allowed).toBe(false);
    expect(mayAttempt(OWN.STREET_DISPATCHER, { action: 'evidence', callId: 'CALL-5' })).toEqual({
      allowed: false,
      reason: expect.stringMatching(/only an officer of the called department/),
    });
    expect(mayAttempt(OWN.GRID_WORKER, { action: 'result', callId: 'CALL-5' }).allowed).toBe(false);
    expect(mayAttempt(OWN.GRID_WORKER, { action: 'result' }).allowed).toBe(true);
  });
});

describe('canActOn: the place of the case', () => {
  it.each(roles)('%s: own unit as mayAttempt says, another unit never', (role) => {
    for (const action of CASE_ACTIONS) {
      const target = { action, ...callIdFor(role, action) };
      expect(canActOn(OWN[role], target, CASE).allowed).toBe(MAY[role].includes(action));
      expect(canActOn(OTHER[role], target, CASE).allowed).toBe(false);
    }
  });

  it('says why, naming the unit', () => {
    expect(canActOn(OTHER.GRID_WORKER, { action: 'accept' }, CASE)).toEqual({
      allowed: false,
      reason: `case ${CASE.code} is outside your grid (GL-S01-C01-G02): it belongs to grid GL-S01-C01-G01`,
    });
    expect(canActOn(OTHER.COMMUNITY_WORKER, { action: 'accept' }, CASE)).toMatchObject({ reason: expect.stringMatching(/outside your community/) });
    expect(canActOn(OTHER.STREET_DISPATCHER, { action: 'calls' }, CASE)).toMatchObject({ reason: expect.stringMatching(/outside your street/) });
    expect(canActOn(OTHER.COMMAND_CENTER, { action: 'survey' }, CASE)).toMatchObject({ reason: expect.stringMatching(/outside your district/) });
  });

  it('department officers: only a call to their own department', () => {
    expect(canActOn(OWN.DEPARTMENT_OFFICER, { action: 'report', callId: 'CALL-5' }, CASE).allowed).toBe(true);
    expect(canActOn(OTHER.DEPARTMENT_OFFICER, { action: 'report', callId: 'CALL-5' }, CASE)).toEqual({
      allowed: false,
      reason: `call CALL-5 of case ${CASE.code} is outside your department (GL-D-SCJG): it calls GL-D-CG`,
    });
    expect(canActOn(OWN.DEPARTMENT_OFFICER, { action: 'report', callId: 'CALL-9' }, CASE)).toMatchObject({ allowed: false, reason: expect.stringMatching(/no call CALL-9/) });
    // Without the calls loaded nothing is allowed.
    expect(canActOn(OWN.DEPARTMENT_OFFICER, { action: 'report', callId: 'CALL-5' }, { ...CASE, calls: undefined }).allowed).toBe(false);
  });

  it('a street dispatcher acts on every grid of its street; a community worker on every grid of its community', () => {
    const otherGrid: CaseScope = { ...CASE, units: { ...UNITS, gridId: 'GL-S01-C01-G02' } };
    expect(canActOn(OWN.STREET_DISPATCHER, { action: 'review' }, otherGrid).allowed).toBe(true);
    expect(canActOn(OWN.COMMUNITY_WORKER, { action: 'accept' }, otherGrid).allowed).toBe(true);
    expect(canActOn(OWN.GRID_WORKER, { action: 'accept' }, otherGrid).allowed).toBe(false);
  });
});

describe('readScope: the Prisma filter of what a caller may read', () => {
  it('by unit for the ladder, by district for district roles, auditors and admins', () => {
    expect(readScope(OWN.GRID_WORKER)).toEqual({ gridId: 'GL-S01-C01-G01' });
    expect(readScope(OWN.COMMUNITY_WORKER)).toEqual({ communityId: 'GL-S01-C01' });
    expect(readScope(OWN.STREET_DISPATCHER)).toEqual({ streetId: 'GL-S01' });
    for (const role of ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'] as const) {
      expect(readScope(OWN[role])).toEqual({ districtId: 'GL' });
    }
  });

  it('departments: the cases they were called on; reporters: the cases they reported or their Open311 apps filed', () => {
    expect(readScope(OWN.DEPARTMENT_OFFICER)).toEqual({ events: { some: { type: 'DEPARTMENT_CALLED', unitId: 'GL-D-CG' } } });
    expect(readScope(OWN.REPORTER)).toEqual({ events: { some: { type: 'REPORTED', actorId: 'p-reporter-hotline' } } });
    expect(readScope(OWN.REPORTER, { clientAppIds: ['demo-civic-app'] })).toEqual({
      OR: [{ events: { some: { type: 'REPORTED', actorId: 'p-reporter-hotline' } } }, { clientAppId: { in: ['demo-civic-app'] } }],
    });
  });

  it('an unknown role reads nothing', () => {
    expect(readScope({ personId: 'x', role: 'JANITOR' as Role, unitId: 'GL' })).toEqual({ code: { in: [] } });
  });
});

describe('canRead: the same rules for a case known only from its workflow', () => {
  it.each(roles)('%s: own yes, other no', (role) => {
    expect(canRead(OWN[role], CASE)).toBe(true);
    expect(canRead(OTHER[role], CASE)).toBe(false);
  });

  it('a reporter reads the cases its Open311 application filed', () => {
    expect(canRead(OTHER.REPORTER, CASE, { clientAppIds: ['demo-civic-app'] })).toBe(true);
    expect(canRead(OTHER.REPORTER, { ...CASE, clientAppId: null }, { clientAppIds: ['demo-civic-app'] })).toBe(false);
  });

  it('a department officer reads nothing before its department is called', () => {
    expect(canRead(OWN.DEPARTMENT_OFFICER, { ...CASE, calls: [] })).toBe(false);
  });
});
