// Pure parts of intake: canonical hashing, the answer built from a workflow input, case days.
import { caseDay } from '../../features/intake/caseCodes';
import { canonicalJson, caseCreatedFrom, requestHash, scopedIdempotencyKey } from '../../features/intake/intake';
import { grpcStatusOf } from '../../platform/temporalConnection';
import { buildCasePolicy } from '../../domain/policy';
import { loadConfig } from '../../config/env';
import { defaultCalendar } from '../../domain/calendar';
import type { CaseWorkflowInput } from '../../workflows/messages';

describe('canonicalJson / requestHash', () => {
  it('ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined } })).toBe('{"a":{"d":[1,"x"]},"b":1}');
    const a = { channel: 'HOTLINE' as const, categoryCode: 'C', location: { gridId: 'G', address: undefined }, description: 'd', reporter: {}, photoUrls: [] };
    const b = { photoUrls: [], reporter: {}, description: 'd', location: { gridId: 'G' }, categoryCode: 'C', channel: 'HOTLINE' as const };
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash({ ...a, description: 'e' })).not.toBe(requestHash(a));
  });

  it('scopes keys to the caller', () => {
    expect(scopedIdempotencyKey({ personId: 'p-1', role: 'REPORTER', unitId: 'GL' }, 'k')).toBe('p-1:k');
  });
});

describe('caseDay', () => {
  it('is the Asia/Shanghai date', () => {
    expect(caseDay(Date.parse('2026-11-21T15:59:59Z'))).toBe('2026-11-21');
    expect(caseDay(Date.parse('2026-11-21T16:00:00Z'))).toBe('2026-11-22');
  });
});

describe('grpcStatusOf', () => {
  it('finds the gRPC status in a cause chain', () => {
    const grpc = Object.assign(new Error('x'), { code: 14, details: 'unavailable' });
    expect(grpcStatusOf(Object.assign(new Error('outer'), { cause: grpc }))).toBe(14);
    expect(grpcStatusOf(new Error('plain'))).toBeUndefined();
  });
});

describe('caseCreatedFrom', () => {
  const cfg = loadConfig({});
  const calendar = defaultCalendar();
  const reportedAt = Date.parse('2026-11-23T01:00:00Z'); // Monday 09:00 in Shanghai
  const input = (urgent: boolean): CaseWorkflowInput => ({
    intake: {
      code: 'GL-20261123-000007',
      channel: 'HOTLINE',
      categoryCode: 'C',
      categoryName: 'c',
      triage: 'BIG',
      urgent,
      startLevel: 'GRID',
      units: { districtId: 'GL', streetId: 'S', communityId: 'CM', gridId: 'G' },
      description: 'd',
      reporter: {},
      photoUrls: [],
      reportedAt,
      suggestedDepartmentIds: [],
    },
    policy: buildCasePolicy({ completionDays: 1, urgent, windowOverrides: {} }, cfg),
    calendar,
    directory: { GRID: { level: 'GRID', unitId: 'G', personId: 'p-g', personName: '网格员' } },
    departmentOfficers: {},
    options: { searchAttributes: false },
  });

  it('answers with the code, the assignee and the accept window in ISO', () => {
    const c = caseCreatedFrom(input(false));
    expect(c).toMatchObject({
      code: 'GL-20261123-000007',
      workflowId: 'GL-20261123-000007',
      status: 'REPORTED',
      level: 'GRID',
      assignee: { personId: 'p-g' },
      reportedAt: '2026-11-23T01:00:00.000Z',
      links: { self: '/cases/GL-20261123-000007', events: '/cases/GL-20261123-000007/events' },
    });
    expect(c.windows).toEqual([
      expect.objectContaining({ kind: 'ACCEPT', dueAt: '2026-11-23T01:10:00.000Z', remindAt: '2026-11-23T01:08:00.000Z' }),
    ]);
  });

  it('adds the on-site window for urgent hazards', () => {
    const kinds = caseCreatedFrom(input(true)).windows.map((w) => w.kind);
    expect(kinds).toEqual(['ACCEPT', 'ON_SITE']);
  });
});
