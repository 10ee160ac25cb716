// The district leaders' daily board and the weekly meeting's agenda on their own database, the
// API's clock pinned: each section from the projection, the day's facts by the Shanghai day,
// the agenda as Markdown and CSV, roles refused.
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createDirectoryCache } from '../../features/directory/directory';
import { isolatedDatabase, type IsolatedDatabase } from '../setup/env';
import { harnessConfig, startHarness, type ApiHarness } from './api.harness';
import { insertCases } from './routinesFixture';

jest.setTimeout(180_000);

const NOW = Date.parse('2026-11-18T17:00:00+08:00');
const G1 = 'GL-S01-C01-G01';
const G2 = 'GL-S02-C01-G01';

let iso: IsolatedDatabase;
let h: ApiHarness;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  iso = await isolatedDatabase();
  h = await startHarness({ cfg: harnessConfig({ DATABASE_URL: iso.url }), worker: false });
  app = createApp({ db: h.db, temporal: h.client, cfg: h.cfg, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000), now: () => NOW });
  await insertCases(h.db, [
    // Surveyed unsatisfied today (00:30 Shanghai is still 17 Nov in UTC) and reopened.
    { code: 'BRD-1', gridId: G1, status: 'IN_PROGRESS', reportedAt: '2026-11-10T10:00:00+08:00', dueAt: '2026-11-25T17:30:00+08:00', facts: [
      { type: 'SURVEY_RECORDED', at: '2026-11-18T00:30:00+08:00', data: { satisfaction: 'UNSATISFIED', solved: false, comment: '还是有噪音', channel: 'PHONE' } },
      { type: 'REOPENED', at: '2026-11-18T00:30:00+08:00', data: { reopenCount: 1, completionDueAt: null } },
    ] },
    // Unsatisfied yesterday: not on today's board; satisfied today: not either.
    { code: 'BRD-2', gridId: G1, status: 'SURVEYED', reportedAt: '2026-11-01T10:00:00+08:00', closedAt: '2026-11-17T12:00:00+08:00', facts: [
      { type: 'SURVEY_RECORDED', at: '2026-11-17T23:59:00+08:00', data: { satisfaction: 'UNSATISFIED', solved: false, comment: null, channel: 'PHONE' } },
    ] },
    { code: 'BRD-3', gridId: G2, status: 'SURVEYED', reportedAt: '2026-11-01T10:00:00+08:00', closedAt: '2026-11-18T12:00:00+08:00', facts: [
      { type: 'SURVEY_RECORDED', at: '2026-11-18T11:00:00+08:00', data: { satisfaction: 'SATISFIED', solved: true, comment: null, channel: 'PHONE' } },
    ] },
    // At the deputy leader, whistled, overdue.
    { code: 'BRD-4', gridId: G2, status: 'IN_PROGRESS', level: 'DEPUTY_LEADER', reportedAt: '2026-11-05T10:00:00+08:00', dueAt: '2026-11-16T17:30:00+08:00', overdue: true, facts: [
      { type: 'ESCALATED', at: '2026-11-06T10:00:00+08:00', data: { from: 'STREET', to: 'COMMAND_CENTER', cause: 'WHISTLE', reason: '需区级协调', assigneeId: null } },
      { type: 'ESCALATED', at: '2026-11-12T10:00:00+08:00', data: { from: 'COMMAND_CENTER', to: 'DEPUTY_LEADER', cause: 'BREACH', reason: 'RESPONSE', assigneeId: null } },
    ] },
    // Two departments called, one late to report; at the street.
    { code: 'BRD-5', gridId: G1, status: 'IN_PROGRESS', level: 'STREET', reportedAt: '2026-11-12T10:00:00+08:00', dueAt: '2026-11-20T17:30:00+08:00', facts: [
      { type: 'DEPARTMENT_CALLED', at: '2026-11-12T11:00:00+08:00', data: { callId: 'CALL-3', departmentId: 'GL-D-CG', reportBy: 0, place: '现场', instructions: null } },
      { type: 'DEPARTMENT_CALLED', at: '2026-11-12T11:00:00+08:00', data: { callId: 'CALL-4', departmentId: 'GL-D-SJ', reportBy: 0, place: '现场', instructions: null } },
      { type: 'BREACHED', at: '2026-11-13T11:00:00+08:00', data: { windowId: 'W-9', kind: 'REPORT', dueAt: 0, escalatedTo: null, lateMs: 0 } },
    ] },
    // Closed at the principal leader: on neither list.
    { code: 'BRD-6', gridId: G2, status: 'CLOSED', level: 'PRINCIPAL_LEADER', reportedAt: '2026-11-02T10:00:00+08:00', dueAt: null, closedAt: '2026-11-15T10:00:00+08:00' },
  ]);
});

afterAll(async () => {
  await h?.close();
  await iso?.drop();
});

const codes = (s: { items: Array<{ caseCode: string }> }) => s.items.map((i) => i.caseCode);

describe('GET /board/daily', () => {
  it("lists today's unsatisfied revisits and reopenings, the cases at the leaders' level and the overdue ones", async () => {
    const res = await request(app).get('/board/daily').set('Authorization', await h.bearer('DEPUTY_LEADER'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ date: '2026-11-18', asOf: new Date(NOW).toISOString() });
    expect(codes(res.body.unsatisfied)).toEqual(['BRD-1']);
    expect(res.body.unsatisfied.items[0]).toMatchObject({ comment: '还是有噪音', at: '2026-11-17T16:30:00.000Z', streetId: 'GL-S01' });
    expect(codes(res.body.reopened)).toEqual(['BRD-1']);
    expect(codes(res.body.atLeaders)).toEqual(['BRD-4']);
    expect(codes(res.body.overdue)).toEqual(['BRD-4']);
    expect(res.body.overdue.total).toBe(1);
  });

  it('another day by ?date=; 400 on a bad date; 403 for a street dispatcher', async () => {
    const leader = await h.bearer('PRINCIPAL_LEADER');
    const yesterday = await request(app).get('/board/daily?date=2026-11-17').set('Authorization', leader);
    expect(codes(yesterday.body.unsatisfied)).toEqual(['BRD-2']);
    expect(codes(yesterday.body.reopened)).toEqual([]);
    const bad = await request(app).get('/board/daily?date=tomorrow').set('Authorization', leader);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]).toMatchObject({ path: 'query.date' });
    expect((await request(app).get('/board/daily').set('Authorization', await h.bearer('STREET_DISPATCHER'))).status).toBe(403);
  });
});

describe('GET /board/agenda', () => {
  it('Markdown by default: the open matters the joint meeting must coordinate, with their reasons', async () => {
    const res = await request(app).get('/board/agenda').set('Authorization', await h.bearer('COMMAND_CENTER'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="agenda-2026-11-18.md"');
    expect(res.text).toContain('共 2 件。');
    expect(res.text).toMatch(/\| BRD-4 \|[^\n]*\| DEPUTY_LEADER \|[^\n]*\| 区领导包案、吹哨上报 \|/);
    expect(res.text).toMatch(/\| BRD-5 \|[^\n]*\| 2 \| 跨部门未办结、部门报到超时 \|/);
    expect(res.text).not.toContain('BRD-1');
    expect(res.text).not.toContain('BRD-6');
  });

  it('CSV on ?format=csv; 400 on another format; 403 for a reporter', async () => {
    const cc = await h.bearer('COMMAND_CENTER');
    const csv = await request(app).get('/board/agenda?format=csv').set('Authorization', cc);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['case_code', 'BRD-4', 'BRD-5']);
    expect((await request(app).get('/board/agenda?format=pdf').set('Authorization', cc)).status).toBe(400);
    expect((await request(app).get('/board/agenda').set('Authorization', await h.bearer('REPORTER'))).status).toBe(403);
  });
});
