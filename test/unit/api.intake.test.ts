// Pure parts of intake: canonical hashing, the answer built from a workflow input, case days.
import { createHash } from 'node:crypto';
import { caseDay } from '../../features/intake/caseCodes';
import { canonicalJson, caseCreatedFrom, requestHash, scopedIdempotencyKey } from '../../features/intake/intake';
import { grpcStatusOf } from '../../platform/temporalConnection';
import { buildCasePolicy } from '../../domain/policy';
import { loadConfig } from '../../config/env';
import { defaultCalendar } from '../../domain/calendar';
import type { CaseWorkflowInput } from '../../workflows/messages';
import { caseBodyOfForm, CreateCaseBodySchema } from '../../api/schemas/cases';

describe('canonicalJson / requestHash', () => {
  it('ignores key order and undefined values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: undefined } })).toBe('{"a":{"d":[1,"x"]},"b":1}');
    const a = { channel: 'HOTLINE' as const, categoryCode: 'C', location: { gridId: 'G', address: undefined }, description: 'd', reporter: {}, photoUrls: [] };
    const b = { photoUrls: [], reporter: {}, description: 'd', location: { gridId: 'G' }, categoryCode: 'C', channel: 'HOTLINE' as const };
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash({ ...a, description: 'e' })).not.toBe(requestHash(a));
  });

  it('binds files by the hash of the bytes received; no files hashes as before files existed', () => {
    const a = { channel: 'HOTLINE' as const, categoryCode: 'C', location: { gridId: 'G' }, description: 'd', reporter: {}, photoUrls: [] };
    expect(requestHash(a, [])).toBe(requestHash(a));
    // The hash of a request without files is pinned: an Idempotency-Key stored before files keeps matching.
    expect(requestHash(a)).toBe(createHash('sha256').update(canonicalJson(a)).digest('hex'));
    const photo = { kind: 'PHOTO' as const, sha256: '1'.repeat(64), receivedSha256: '2'.repeat(64) };
    expect(requestHash(a, [photo])).not.toBe(requestHash(a));
    expect(requestHash(a, [photo])).toBe(requestHash(a, [{ ...photo, sha256: '3'.repeat(64) }]));
    expect(requestHash(a, [photo])).not.toBe(requestHash(a, [{ ...photo, receivedSha256: '4'.repeat(64) }]));
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

describe('caseBodyOfForm', () => {
  it('nests dotted fields, turns positions into numbers and photoUrls into a list, so the JSON rules apply', () => {
    expect(
      caseBodyOfForm({ channel: 'HOTLINE', 'location.gridId': 'G', 'location.lat': '26.07', 'location.lng': '119.28', 'reporter.phone': '13800000000', photoUrls: 'https://x.example/a.jpg' }),
    ).toEqual({ channel: 'HOTLINE', location: { gridId: 'G', lat: 26.07, lng: 119.28 }, reporter: { phone: '13800000000' }, photoUrls: ['https://x.example/a.jpg'] });
    // Not a number stays text (zod then names the field); unknown groups stay flat (reported as unknown keys).
    expect(caseBodyOfForm({ 'location.lat': 'north', 'other.x': '1' })).toEqual({ location: { lat: 'north' }, 'other.x': '1' });
    const parsed = CreateCaseBodySchema.safeParse(caseBodyOfForm({ channel: 'HOTLINE', categoryCode: 'C', 'location.lat': 'north', 'location.lng': '1', description: 'd' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['location.lat']);
  });
});
