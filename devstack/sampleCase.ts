// The sample case: one grid of the demo district (GL), the person at every ladder level,
// two departments, an actor per role, and a report of street vending (占道经营). Pure data
// (domain types only, so the machine's unit tests load nothing else), shared by the tests
// (test/workflow/caseFixture.ts, test/unit/fixtures/machineFixture.ts), the recorded
// histories (scripts/recordHistories.ts) and the memory benchmark (bench/cacheMemory.ts),
// the last two through sampleCaseInput.ts. The committed histories in test/histories were
// recorded from these values.
import type { Actor, Assignment, CaseIntake, CaseUnits, Level, LevelDirectory, TriageKind } from '../domain/types';

export const UNITS: CaseUnits = { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' };

export const DIRECTORY: LevelDirectory = {
  GRID: { level: 'GRID', unitId: UNITS.gridId, personId: 'p-grid', personName: '网格员' },
  COMMUNITY: { level: 'COMMUNITY', unitId: UNITS.communityId, personId: 'p-community', personName: '社区' },
  STREET: { level: 'STREET', unitId: UNITS.streetId, personId: 'p-street', personName: '街道' },
  COMMAND_CENTER: { level: 'COMMAND_CENTER', unitId: 'GL', personId: 'p-cc', personName: '指挥中心' },
  DEPUTY_LEADER: { level: 'DEPUTY_LEADER', unitId: 'GL', personId: 'p-deputy', personName: '分管领导' },
  PRINCIPAL_LEADER: { level: 'PRINCIPAL_LEADER', unitId: 'GL', personId: 'p-principal', personName: '主要领导' },
};

export const DEPARTMENTS: Record<string, Assignment> = {
  'GL-D-CG': { level: 'STREET', unitId: 'GL-D-CG', personId: 'p-dept-cg', personName: '城管' },
  'GL-D-SJ': { level: 'STREET', unitId: 'GL-D-SJ', personId: 'p-dept-sj', personName: '市场监管' },
};

export const ACTORS = {
  grid: { personId: 'p-grid', role: 'GRID_WORKER', unitId: UNITS.gridId },
  otherGrid: { personId: 'p-grid-2', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G02' },
  community: { personId: 'p-community', role: 'COMMUNITY_WORKER', unitId: UNITS.communityId },
  street: { personId: 'p-street', role: 'STREET_DISPATCHER', unitId: UNITS.streetId },
  cc: { personId: 'p-cc', role: 'COMMAND_CENTER', unitId: 'GL' },
  deputy: { personId: 'p-deputy', role: 'DEPUTY_LEADER', unitId: 'GL' },
  principal: { personId: 'p-principal', role: 'PRINCIPAL_LEADER', unitId: 'GL' },
  cg: { personId: 'p-dept-cg', role: 'DEPARTMENT_OFFICER', unitId: 'GL-D-CG' },
  sj: { personId: 'p-dept-sj', role: 'DEPARTMENT_OFFICER', unitId: 'GL-D-SJ' },
  auditor: { personId: 'p-audit', role: 'AUDITOR', unitId: 'GL' },
} satisfies Record<string, Actor>;

/** The sample report: street vending in the sample grid, by hotline, the city management department suggested. */
export function sampleIntake(o: { code: string; reportedAt: number; triage?: TriageKind; urgent?: boolean; startLevel?: Level }): CaseIntake {
  return {
    code: o.code,
    channel: 'HOTLINE',
    categoryCode: 'CG-001',
    categoryName: '占道经营',
    triage: o.triage ?? 'BIG',
    urgent: o.urgent ?? false,
    startLevel: o.startLevel ?? 'GRID',
    units: UNITS,
    description: '路边占道经营',
    reporter: { name: '张三', phone: '13800000000' },
    photoUrls: [],
    reportedAt: o.reportedAt,
    suggestedDepartmentIds: ['GL-D-CG'],
  };
}
