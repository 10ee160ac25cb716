// The minimum-necessary rule for a reporter's fields: who sees them in full, masked, who may reveal.
import type { Caller } from '../../domain/access';
import {
  anonymiseClosedBefore,
  maskEmail,
  maskName,
  maskPhone,
  mayReveal,
  mayRevealRole,
  reporterFieldsFor,
  reporterViewFor,
  rewriteReporterData,
  maskField,
  type ReporterCase,
} from '../../domain/personalData';
import type { Role } from '../../domain/types';

const units = { districtId: 'GL', streetId: 'GL-S01', communityId: 'GL-S01-C01', gridId: 'GL-S01-C01-G01' };
const at = (level: string, status = 'ACCEPTED'): ReporterCase => ({ units, level, status });
const who = (role: Role, unitId: string): Caller => ({ personId: `p-${role}`, role, unitId });

describe('masks', () => {
  it('phone: first 3 and last 4 digits, whatever the punctuation', () => {
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskPhone('138-0000-1234')).toBe('138****1234');
    expect(maskPhone('+86 138 0000 1234')).toBe('861******1234');
    expect(maskPhone('12345')).toBe('***45');
  });
  it('name: the first character, the rest starred (at least one star)', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('王')).toBe('王*');
    expect(maskName('John Smith')).toBe('J*********');
  });
  it('email: the first character and the domain', () => {
    expect(maskEmail('wang@example.cn')).toBe('w***@example.cn');
  });
  it('reporterFieldsFor leaves FULL alone and masks every field otherwise, nulls kept', () => {
    const row = { code: 'X', reporterName: '张三', reporterPhone: '13800000000', reporterEmail: null };
    expect(reporterFieldsFor('FULL', row)).toBe(row);
    expect(reporterFieldsFor('MASKED', row)).toEqual({ code: 'X', reporterName: '张*', reporterPhone: '138****0000', reporterEmail: null });
  });
});

describe('reporterViewFor: the unit holding the case, and the command center running the revisit', () => {
  it.each<[Role, string, ReporterCase, 'FULL' | 'MASKED']>([
    ['GRID_WORKER', units.gridId, at('GRID'), 'FULL'],
    ['GRID_WORKER', units.gridId, at('STREET'), 'MASKED'],
    ['GRID_WORKER', 'GL-S01-C01-G02', at('GRID'), 'MASKED'],
    ['COMMUNITY_WORKER', units.communityId, at('COMMUNITY'), 'FULL'],
    ['COMMUNITY_WORKER', units.communityId, at('GRID'), 'MASKED'],
    ['STREET_DISPATCHER', units.streetId, at('STREET'), 'FULL'],
    ['STREET_DISPATCHER', units.streetId, at('GRID'), 'MASKED'],
    ['STREET_DISPATCHER', 'GL-S02', at('STREET'), 'MASKED'],
    ['COMMAND_CENTER', 'GL', at('COMMAND_CENTER'), 'FULL'],
    ['COMMAND_CENTER', 'GL', at('GRID', 'CLOSED'), 'FULL'],
    ['COMMAND_CENTER', 'GL', at('GRID', 'IN_PROGRESS'), 'MASKED'],
    ['COMMAND_CENTER', 'GL', at('GRID', 'SURVEYED'), 'MASKED'],
    ['COMMAND_CENTER', 'XX', at('COMMAND_CENTER'), 'MASKED'],
    ['DEPUTY_LEADER', 'GL', at('DEPUTY_LEADER'), 'MASKED'],
    ['PRINCIPAL_LEADER', 'GL', at('PRINCIPAL_LEADER'), 'MASKED'],
    ['DEPARTMENT_OFFICER', 'GL-D-CG', at('STREET'), 'MASKED'],
    ['AUDITOR', 'GL', at('GRID', 'CLOSED'), 'MASKED'],
    ['ADMIN', 'GL', at('GRID'), 'MASKED'],
    ['REPORTER', 'GL', at('GRID'), 'MASKED'],
  ])('%s of %s, case at %j → %s', (role, unitId, c, view) => {
    expect(reporterViewFor(who(role, unitId), c)).toBe(view);
  });
});

describe('reveal', () => {
  it('only grid, community, street and command center staff, on their own unit\'s cases', () => {
    expect(mayReveal(who('GRID_WORKER', units.gridId), at('STREET')).allowed).toBe(true);
    expect(mayReveal(who('COMMAND_CENTER', 'GL'), at('GRID')).allowed).toBe(true);
    expect(mayReveal(who('STREET_DISPATCHER', 'GL-S02'), at('STREET')).allowed).toBe(false);
    for (const role of ['DEPARTMENT_OFFICER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN', 'REPORTER'] as Role[]) {
      const d = mayRevealRole(role);
      expect(d.allowed).toBe(false);
      if (!d.allowed) expect(d.reason).toContain(role);
    }
  });
});

describe('rewriteReporterData', () => {
  it('rewrites reporter objects and reporter* columns anywhere, keeping structure; same value when none', () => {
    const input = { intake: { code: 'X', reporter: { name: '张三', phone: '13800000000' }, photoUrls: ['a'] }, rows: [{ reporterPhone: '13900001111', n: 1 }] };
    expect(rewriteReporterData(input, maskField)).toEqual({
      intake: { code: 'X', reporter: { name: '张*', phone: '138****0000' }, photoUrls: ['a'] },
      rows: [{ reporterPhone: '139****1111', n: 1 }],
    });
    expect(input.intake.reporter.name).toBe('张三');
    const none = { a: [1, { b: 'x' }] };
    expect(rewriteReporterData(none, maskField)).toBe(none);
  });
});

describe('retention cut-off', () => {
  it('is the configured number of days before now', () => {
    expect(anonymiseClosedBefore(Date.parse('2029-01-01T00:00:00Z'), 1096)).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });
});
