// The mapping table of docs/OPEN311.md, line by line: dates, statuses, notes, notices,
// service requests (owner and public views) and updates from case events.
import { toOpen311Error, reporterName } from '../../api/open311/router';
import { Open311KeyError } from '../../api/open311/clients';
import { Open311Error } from '../../api/open311/format';
import {
  caseStatusesFor,
  open311Status,
  parseW3cDateTime,
  requestView,
  serviceNotice,
  statusNotes,
  UPDATE_EVENT_TYPES,
  updateView,
  w3cDateTime,
  type CaseRow,
  type EventRow,
} from '../../api/open311/views';
import { loadConfig } from '../../config/env';
import { IntakeError } from '../../features/intake/intake';
import { SPEC_REQUEST_FIELDS, W3C_WITH_ZONE } from './fixtures/open311SpecExamples';

const CST = 480;
const cfg = loadConfig({});

describe('dates', () => {
  it('w3cDateTime writes the zone offset, no fractions', () => {
    expect(w3cDateTime(Date.UTC(2026, 10, 22, 1, 30, 5, 789), CST)).toBe('2026-11-22T09:30:05+08:00');
    expect(w3cDateTime(new Date(Date.UTC(2026, 0, 1, 23, 0)), CST)).toBe('2026-01-02T07:00:00+08:00');
    expect(w3cDateTime(0, 0)).toBe('1970-01-01T00:00:00+00:00');
    expect(w3cDateTime(0, -300)).toBe('1969-12-31T19:00:00-05:00');
    expect(w3cDateTime(Date.UTC(2026, 11, 31, 16, 0, 0, 1), CST)).toMatch(W3C_WITH_ZONE);
  });

  it('parseW3cDateTime reads date-times with a zone, plain dates at local midnight, "+" turned into a space', () => {
    expect(parseW3cDateTime('2010-01-01T00:00:00Z', CST)?.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseW3cDateTime('2026-11-22T09:30:00+08:00', CST)?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(parseW3cDateTime('2026-11-22T09:30:00 08:00', CST)?.toISOString()).toBe('2026-11-22T01:30:00.000Z');
    expect(parseW3cDateTime('2026-11-22', CST)?.toISOString()).toBe('2026-11-21T16:00:00.000Z');
    for (const bad of ['2026-11-22T09:30:00', 'yesterday', '2026-02-30', '2026-13-01T00:00:00Z', '']) expect(parseW3cDateTime(bad, CST)).toBeNull();
  });
});

describe('status', () => {
  it('open until review-and-close or a final answer', () => {
    expect(['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW'].map(open311Status)).toEqual(['open', 'open', 'open', 'open']);
    expect(['CLOSED', 'SURVEYED', 'LONG_TERM_PLAN'].map(open311Status)).toEqual(['closed', 'closed', 'closed']);
    expect(caseStatusesFor('closed').sort()).toEqual(['CLOSED', 'LONG_TERM_PLAN', 'SURVEYED']);
  });

  it('status_notes name the step and the level in plain words', () => {
    expect(statusNotes({ status: 'REPORTED', level: 'GRID', resolution: null, overdue: false })).toBe('已上报，待网格受理 / Reported; waiting for the grid to accept it');
    expect(statusNotes({ status: 'IN_PROGRESS', level: 'STREET', resolution: null, overdue: true })).toBe('街道办理中 / Being handled by the street (已超时 / overdue)');
    expect(statusNotes({ status: 'CLOSED', level: 'GRID', resolution: 'GUIDANCE', overdue: false })).toMatch(/^个人事务/);
    expect(statusNotes({ status: 'SURVEYED', level: 'STREET', resolution: 'RESOLVED', overdue: true })).toBe('已审核结案 / Reviewed and closed (已回访 / revisit survey done)');
  });
});

describe('serviceNotice', () => {
  it('states the accept window and the completion days', () => {
    expect(serviceNotice({ completionDays: 3, urgent: false, windowOverrides: {} }, cfg)).toBe(
      '受理时限 10 分钟，处理时限 3 个工作日 / accepted within 10 minutes, handled within 3 working days',
    );
  });

  it('urgent hazards also promise the time on site', () => {
    expect(serviceNotice({ completionDays: 1, urgent: true, windowOverrides: { acceptMinutes: 5, onSiteHours: 0.5 } }, cfg)).toBe(
      '受理时限 5 分钟，30 分钟内到场处置，处理时限 1 个工作日 / accepted within 5 minutes, on site within 30 minutes, handled within 1 working day',
    );
    expect(serviceNotice({ completionDays: 1, urgent: true, windowOverrides: {} }, cfg)).toContain('2 小时内到场处置');
  });

  it('a catalog row that cannot build a policy still promises its completion days', () => {
    expect(serviceNotice({ completionDays: 2, urgent: false, windowOverrides: { typo: 1 } }, cfg)).toBe('处理时限 2 个工作日 / handled within 2 working days');
  });
});

const row: CaseRow = {
  code: 'GL-20261122-000007',
  categoryCode: 'JT-001',
  triage: 'BIG',
  gridId: 'GL-S01-C01-G01',
  address: '冶山路12号',
  lat: 26.074,
  lng: 119.286,
  description: '路面有大坑',
  photoUrls: ['https://img.example.cn/a.jpg', 'https://img.example.cn/b.jpg'],
  status: 'IN_PROGRESS',
  level: 'STREET',
  assigneeUnitId: 'GL-S01',
  dueAt: new Date(Date.UTC(2026, 10, 27, 9, 30)),
  overdue: false,
  resolution: null,
  reportedAt: new Date(Date.UTC(2026, 10, 22, 1, 0)),
  closedAt: null,
  updatedAt: new Date(Date.UTC(2026, 10, 22, 2, 0)),
  clientAppId: 'app-a',
};
const ctx = { serviceName: '道路坑洼破损', serviceNotice: 'notice', agency: '鼓东街道', offsetMinutes: CST };

describe('requestView', () => {
  it('the owner sees every field, in the spec order', () => {
    const v = requestView(row, { ...ctx, full: true });
    expect(Object.keys(v)).toEqual([...SPEC_REQUEST_FIELDS]);
    expect(v).toEqual({
      service_request_id: 'GL-20261122-000007',
      status: 'open',
      status_notes: '街道办理中 / Being handled by the street',
      service_name: '道路坑洼破损',
      service_code: 'JT-001',
      description: '路面有大坑',
      agency_responsible: '鼓东街道',
      service_notice: 'notice',
      requested_datetime: '2026-11-22T09:00:00+08:00',
      updated_datetime: '2026-11-22T10:00:00+08:00',
      expected_datetime: '2026-11-27T17:30:00+08:00',
      address: '冶山路12号',
      address_id: 'GL-S01-C01-G01',
      zipcode: null,
      lat: 26.074,
      long: 119.286,
      media_url: 'https://img.example.cn/a.jpg',
    });
  });

  it('anyone else sees the public fields: no description, exact place or media', () => {
    const v = requestView(row, { ...ctx, full: false });
    expect(Object.keys(v)).toEqual([...SPEC_REQUEST_FIELDS]);
    expect(v).toMatchObject({ description: null, address: null, lat: null, long: null, media_url: null, address_id: 'GL-S01-C01-G01', status: 'open', agency_responsible: '鼓东街道' });
  });

  it('a closed request is updated when it closed and expects nothing more', () => {
    const closedAt = new Date(Date.UTC(2026, 10, 23, 8, 0));
    const v = requestView({ ...row, status: 'CLOSED', resolution: 'RESOLVED', closedAt, updatedAt: new Date(Date.UTC(2026, 10, 25)) }, { ...ctx, full: true });
    expect(v).toMatchObject({ status: 'closed', updated_datetime: '2026-11-23T16:00:00+08:00', expected_datetime: null });
  });
});

const event = (type: string, data: Record<string, unknown> = {}, unitId: string | null = 'GL-S01'): EventRow => ({
  caseCode: 'GL-20261122-000007', seq: 4, type, at: new Date(Date.UTC(2026, 10, 22, 2, 0)), unitId, level: 'STREET', data,
});
const names: Record<string, string> = { 'GL-S01': '鼓东街道', 'GL-D-CG': '鼓楼区城市管理局', 'GL-S01-C01-G01': '冶山社区第一网格' };
const uctx = (full: boolean) => ({ full, unitName: (id: string | null | undefined) => (id ? names[id] ?? id : ''), offsetMinutes: CST });

describe('updateView', () => {
  it('has the FixMyStreet fields; update_id is code-seq', () => {
    const u = updateView(event('ACCEPTED', {}, 'GL-S01-C01-G01'), uctx(false));
    expect(u).toEqual({
      update_id: 'GL-20261122-000007-4',
      service_request_id: 'GL-20261122-000007',
      status: 'open',
      updated_datetime: '2026-11-22T10:00:00+08:00',
      description: '冶山社区第一网格已受理 / Accepted by 冶山社区第一网格',
      media_url: '',
    });
  });

  it('escalations say why and where to', () => {
    expect(updateView(event('ESCALATED', { from: 'GRID', to: 'STREET', cause: 'WHISTLE', reason: '需要执法' }), uctx(true))!.description).toBe(
      '吹哨上报，升级至街道（鼓东街道） / Whistled up: escalated to the street (鼓东街道)',
    );
    expect(updateView(event('ESCALATED', { from: 'STREET', to: 'COMMAND_CENTER', cause: 'BREACH' }, 'GL'), uctx(false))!.description).toMatch(/^超时未办，自动升级，升级至区指挥中心/);
  });

  it('calls, extensions, closing and reopening', () => {
    const due = Date.UTC(2026, 10, 22, 6, 0);
    expect(updateView(event('DEPARTMENT_CALLED', { departmentId: 'GL-D-CG', reportBy: due, place: '冶山路12号' }, 'GL-D-CG'), uctx(false))!.description).toBe(
      '呼叫鼓楼区城市管理局到场处置，报到时限 2026-11-22T14:00:00+08:00 / 鼓楼区城市管理局 was called to the site, to report by 2026-11-22T14:00:00+08:00',
    );
    expect(updateView(event('EXTENSION_APPROVED', { days: 2, newDueAt: due }), uctx(false))!.description).toContain('延期2个工作日已批准');
    expect(updateView(event('CLOSED', { resolution: 'RESOLVED' }), uctx(false))).toMatchObject({ status: 'closed', description: '已审核结案 / Reviewed and closed' });
    expect(updateView(event('REOPENED'), uctx(false))).toMatchObject({ status: 'open' });
  });

  it('answers written for the reporter reach the owner only', () => {
    const guidance = event('GUIDANCE_GIVEN', { guidance: '请到派出所户籍窗口办理' });
    expect(updateView(guidance, uctx(true))).toMatchObject({ status: 'closed', description: '个人事务，已答复引导 / A private matter: answered with guidance: 请到派出所户籍窗口办理' });
    expect(updateView(guidance, uctx(false))!.description).not.toContain('派出所');
    const plan = event('LONG_TERM_PLANNED', { explanation: '纳入明年道路改造' });
    expect(updateView(plan, uctx(true))).toMatchObject({ status: 'closed', description: expect.stringContaining('纳入明年道路改造') });
  });

  it('internal events and the closing of a guidance answer are not published', () => {
    for (const t of ['REPORTED', 'REMINDED', 'BREACHED', 'EVIDENCE_UPLOADED', 'SURVEY_RECORDED']) expect(updateView(event(t), uctx(true))).toBeNull();
    expect(updateView(event('CLOSED', { resolution: 'GUIDANCE' }), uctx(true))).toBeNull();
    for (const t of UPDATE_EVENT_TYPES) if (t !== 'CLOSED') expect(updateView(event(t), uctx(false))).not.toBeNull();
  });
});

describe('toOpen311Error', () => {
  it('keeps Open311 errors and key errors (403)', () => {
    expect(toOpen311Error(Open311Error.notFound('x'), 'r').error.status).toBe(404);
    expect(toOpen311Error(new Open311KeyError('Invalid api_key received'), 'r').error).toMatchObject({ status: 403, errors: [{ code: 403, description: 'Invalid api_key received' }] });
  });

  it('intake refusals are 400 per field, in Open311 words; a reused Idempotency-Key is 400 with code 409', () => {
    const invalid = new IntakeError('INVALID', 'the report cannot be routed', [{ path: 'body.location', message: 'no grid matches this address or position' }]);
    expect(toOpen311Error(invalid, 'r').error.errors).toEqual([{ code: 400, description: 'location: no grid matches this address or position' }]);
    expect(toOpen311Error(new IntakeError('IDEMPOTENCY_CONFLICT', 'used'), 'r').error).toMatchObject({ status: 400, errors: [{ code: 409 }] });
  });

  it('service failures are 400 as the spec says, the body code telling what happened', () => {
    const down = toOpen311Error(Object.assign(new Error('x'), { name: 'PrismaClientInitializationError' }), 'req-1');
    expect(down).toMatchObject({ internal: false, error: { status: 400, errors: [{ code: 503 }], headers: { 'Retry-After': '5' } } });
    const bug = toOpen311Error(new TypeError('boom'), 'req-2');
    expect(bug).toMatchObject({ internal: true, error: { status: 400, errors: [{ code: 500, description: 'internal error (request id req-2)' }] } });
  });
});

describe('reporterName', () => {
  it('family name first for Chinese names, given name first otherwise', () => {
    expect(reporterName('小明', '王')).toBe('王小明');
    expect(reporterName('John', 'Smith')).toBe('John Smith');
    expect(reporterName(undefined, 'Smith')).toBe('Smith');
    expect(reporterName(undefined, undefined)).toBeUndefined();
  });
});
