// Request schemas alone: what passes, and that every bad field is reported.
import { fieldsFromZod } from '../../api/errors';
import { CallDepartmentsBodySchema, EvidenceBodySchema, ExtensionBodySchema, RespondBodySchema, SurveyBodySchema } from '../../api/schemas/actions';
import { CreateCaseBodySchema, IdempotencyKeySchema, ListCasesQuerySchema } from '../../api/schemas/cases';
import { CaseCodeSchema } from '../../api/schemas/common';

const valid = {
  channel: 'HOTLINE',
  categoryCode: 'CG-001',
  location: { gridId: 'GL-S01-C01-G01' },
  description: '  路口违停  ',
  reporter: { name: '王先生', phone: '+86 138-0000-1234', email: 'wang@example.cn' },
  photoUrls: ['https://img.example.cn/1.jpg', 'http://img.example.cn/2.jpg'],
};

const paths = (r: { success: boolean; error?: unknown }) =>
  r.success ? [] : fieldsFromZod(r.error as never, 'body').map((f) => f.path).sort();

describe('CreateCaseBodySchema', () => {
  it('accepts a full report, trims text and fills defaults', () => {
    const r = CreateCaseBodySchema.parse(valid);
    expect(r.description).toBe('路口违停');
    const minimal = CreateCaseBodySchema.parse({ channel: 'COMMUNITY', categoryCode: 'SQ-001', location: { address: '鼓屏路' }, description: 'x' });
    expect(minimal).toMatchObject({ reporter: {}, photoUrls: [] });
  });

  it.each([
    [{ gridId: 'G1' }],
    [{ address: '鼓屏路88号' }],
    [{ lat: 26.08, lng: 119.29 }],
    [{ gridId: 'G1', address: 'x', lat: 0, lng: 0 }],
  ])('accepts location %j', (location) => {
    expect(CreateCaseBodySchema.safeParse({ ...valid, location }).success).toBe(true);
  });

  it('needs at least one location hint, and lat with lng', () => {
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, location: {} }))).toEqual(['body.location']);
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, location: { lat: 26 } }))).toEqual(['body.location.lng']);
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, location: { lng: 119, lat: 91 } }))).toEqual(['body.location.lat']);
  });

  it('lists every bad field at once (three bad fields → three entries)', () => {
    const r = CreateCaseBodySchema.safeParse({ ...valid, channel: 'FAX', description: '', photoUrls: ['javascript:alert(1)'] });
    expect(paths(r)).toEqual(['body.channel', 'body.description', 'body.photoUrls.0']);
  });

  it('reports missing required fields and unknown fields by name', () => {
    expect(paths(CreateCaseBodySchema.safeParse({ extra: 1, other: 2 }))).toEqual(
      ['body.categoryCode', 'body.channel', 'body.description', 'body.extra', 'body.location', 'body.other'].sort(),
    );
  });

  it('limits description to 2000 characters and photos to 9 http(s) URLs', () => {
    expect(CreateCaseBodySchema.safeParse({ ...valid, description: 'x'.repeat(2000) }).success).toBe(true);
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, description: 'x'.repeat(2001) }))).toEqual(['body.description']);
    const ten = Array.from({ length: 10 }, (_, i) => `https://img.example.cn/${i}.jpg`);
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, photoUrls: ten }))).toEqual(['body.photoUrls']);
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, photoUrls: ['ftp://x/y'] }))).toEqual(['body.photoUrls.0']);
  });

  it('OPEN311 is not an intake channel here', () => {
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, channel: 'OPEN311' }))).toEqual(['body.channel']);
  });

  it.each(['12345', '0591-87001234', '+86 138 0000 0000', '(0591) 8700-1234', '13800001234'])('accepts phone %s', (phone) => {
    expect(CreateCaseBodySchema.safeParse({ ...valid, reporter: { phone } }).success).toBe(true);
  });

  it.each(['abc', '12', '138-abc-1234', '+'])('rejects phone %s', (phone) => {
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, reporter: { phone } }))).toEqual(['body.reporter.phone']);
  });

  it('rejects a bad email', () => {
    expect(paths(CreateCaseBodySchema.safeParse({ ...valid, reporter: { email: 'not-an-email' } }))).toEqual(['body.reporter.email']);
  });
});

describe('IdempotencyKeySchema', () => {
  it('takes 1..200 visible ASCII characters', () => {
    expect(IdempotencyKeySchema.safeParse('a'.repeat(200)).success).toBe(true);
    expect(IdempotencyKeySchema.safeParse('').success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('a'.repeat(201)).success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('has space').success).toBe(false);
  });
});

describe('ListCasesQuerySchema', () => {
  it('coerces strings and applies defaults', () => {
    const q = ListCasesQuerySchema.parse({ overdue: 'true', page: '3', pageSize: '50', reportedFrom: '2026-11-01T00:00:00+08:00' });
    expect(q).toMatchObject({ overdue: true, page: 3, pageSize: 50 });
    expect(q.reportedFrom).toEqual(new Date('2026-10-31T16:00:00Z'));
    expect(ListCasesQuerySchema.parse({})).toMatchObject({ page: 1, pageSize: 20 });
  });

  it('caps pageSize at 100 and rejects an inverted time range', () => {
    expect(ListCasesQuerySchema.safeParse({ pageSize: '100' }).success).toBe(true);
    expect(ListCasesQuerySchema.safeParse({ pageSize: '101' }).success).toBe(false);
    const r = ListCasesQuerySchema.safeParse({ reportedFrom: '2026-11-02T00:00:00Z', reportedTo: '2026-11-01T00:00:00Z' });
    expect(r.success ? [] : fieldsFromZod(r.error, 'query').map((f) => f.path)).toEqual(['query.reportedTo']);
  });
});

describe('CaseCodeSchema', () => {
  it('accepts case codes only', () => {
    expect(CaseCodeSchema.safeParse('GL-20261122-000123').success).toBe(true);
    expect(CaseCodeSchema.safeParse('gl-20261122-000123').success).toBe(false);
    expect(CaseCodeSchema.safeParse('GL-2026112-000123').success).toBe(false);
  });
});

describe('action bodies', () => {
  it('respond: guidance is required for GUIDANCE', () => {
    expect(RespondBodySchema.safeParse({ decision: 'SELF' }).success).toBe(true);
    expect(paths(RespondBodySchema.safeParse({ decision: 'GUIDANCE' }))).toEqual(['body.guidance']);
    expect(RespondBodySchema.safeParse({ decision: 'GUIDANCE', guidance: '请到社区服务中心办理' }).success).toBe(true);
  });

  it('calls: reportBy is an ISO date-time turned into epoch ms', () => {
    const r = CallDepartmentsBodySchema.parse({ calls: [{ departmentId: 'GL-D-CG', reportBy: '2026-11-22T10:00:00+08:00', place: '鼓屏路' }] });
    expect(r.calls[0].reportBy).toBe(Date.parse('2026-11-22T02:00:00Z'));
    expect(paths(CallDepartmentsBodySchema.safeParse({ calls: [{ departmentId: 'GL-D-CG', reportBy: 'tomorrow', place: '' }] }))).toEqual([
      'body.calls.0.place',
      'body.calls.0.reportBy',
    ]);
    expect(paths(CallDepartmentsBodySchema.safeParse({ calls: [] }))).toEqual(['body.calls']);
  });

  it('evidence: sha256 is 64 hex characters (normalised to lower case)', () => {
    const ok = EvidenceBodySchema.parse({ kind: 'PHOTO', url: 'https://x.example/a.jpg', sha256: 'AB'.repeat(32) });
    expect(ok.sha256).toBe('ab'.repeat(32));
    expect(paths(EvidenceBodySchema.safeParse({ kind: 'SMELL', url: 'x', sha256: 'zz' }))).toEqual(['body.kind', 'body.sha256', 'body.url']);
  });

  it('extensions: 1..60 whole days', () => {
    expect(ExtensionBodySchema.safeParse({ days: 60, reason: 'r' }).success).toBe(true);
    expect(paths(ExtensionBodySchema.safeParse({ days: 0.5, reason: 'r' }))).toEqual(['body.days']);
    expect(paths(ExtensionBodySchema.safeParse({ days: 61, reason: 'r' }))).toEqual(['body.days']);
  });

  it('survey: channels PHONE, SMS, APP', () => {
    expect(SurveyBodySchema.safeParse({ satisfaction: 'BASICALLY_SATISFIED', solved: false, channel: 'SMS' }).success).toBe(true);
    expect(paths(SurveyBodySchema.safeParse({ satisfaction: 'MEH', solved: 'yes', channel: 'LINK' }))).toEqual([
      'body.channel',
      'body.satisfaction',
      'body.solved',
    ]);
  });
});
