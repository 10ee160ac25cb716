// The authorization matrix, end to end: every role × every action × own unit / another
// unit, against the real API, a real worker, Temporal and PostgreSQL, asserting the exact
// status — and, for every refusal, that the case did not change (its live lastEventSeq and
// its event count). Each action is probed on a case in the state where the action is
// allowed, so the one right actor gets 2xx and everyone else a refusal; allowed actions run
// last on the case (a second allowed actor gets a fresh case in the same state).
//
// A cell says who refused, read from the message:
//   OK  2xx (201 for create)           R  403 by the role rule (domain/access mayAttempt, requireRole)
//   S   403: outside your unit (domain/access canActOn)      W  403 by the case workflow's validator
//   A   403: auditors are read-only    Y  200 and visible     N  404 (or absent from the list)
//
// "own" is a person of the case's grid / community / street / district, the called department
// and the reporter who filed it; "other" is the neighbouring grid, community and street, a
// department not called, another reporter, and people of another district. The seed has one
// district, so the other district's people are principals of a wrapped authenticator (API
// keys authz-xd-<ROLE>, unit XD): the shared test database is not changed.
import request from 'supertest';
import pino from 'pino';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import type { Role } from '../../domain/types';
import { createAuthenticator, type Authenticator, type Principal } from '../../features/auth/auth';
import { createDirectoryCache } from '../../features/directory/directory';
import { getCaseStateQuery, type CaseState } from '../../workflows/messages';
import { eventually, startHarness, type ApiHarness } from './api.harness';

jest.setTimeout(180_000);

const GRID = 'GL-S01-C01-G01';
const CG = 'GL-D-CG';
const OTHER_DISTRICT = 'XD';

type Side = 'own' | 'other';
interface Actor {
  label: string;
  role: Role;
  side: Side;
  auth: { header: 'Authorization' | 'X-Api-Key'; value: string };
}

/** Seed people on each side; null: a principal of the other district (wrapped authenticator). */
const PEOPLE: Array<[Role, string, string | null]> = [
  ['REPORTER', 'p-reporter-hotline', 'p-reporter-app'],
  ['GRID_WORKER', `p-grid-${GRID}`, 'p-grid-GL-S01-C01-G02'],
  ['COMMUNITY_WORKER', 'p-comm-GL-S01-C01', 'p-comm-GL-S01-C02'],
  ['STREET_DISPATCHER', 'p-street-GL-S01', 'p-street-GL-S02'],
  ['DEPARTMENT_OFFICER', `p-dept-${CG}`, 'p-dept-GL-D-SCJG'],
  ['COMMAND_CENTER', 'p-cc-GL', null],
  ['DEPUTY_LEADER', 'p-deputy-GL', null],
  ['PRINCIPAL_LEADER', 'p-principal-GL', null],
  ['AUDITOR', 'p-auditor-GL', null],
  ['ADMIN', 'p-admin-GL', null],
];

const OTHER_DISTRICT_ROLES: Role[] = ['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN'];
const otherDistrictKey = (role: Role) => `authz-xd-${role}`;

/** The real authenticator, plus the other district's people by API key. */
function withOtherDistrict(real: Authenticator): Authenticator {
  const synthetic = new Map<string, Principal>(
    OTHER_DISTRICT_ROLES.map((role) => [otherDistrictKey(role), { personId: `p-xd-${role.toLowerCase()}`, role, unitId: OTHER_DISTRICT, name: `${role} of XD`, via: 'apiKey' }]),
  );
  return {
    authenticate: async (creds) => (creds.apiKey && synthetic.get(creds.apiKey)) || real.authenticate(creds),
    clear: () => real.clear(),
  };
}

let h: ApiHarness;
let app: Express;
let idleApp: Express;
const actors: Actor[] = [];
const actor = (role: Role, side: Side) => actors.find((a) => a.role === role && a.side === side)!;

// ---- the matrix ---------------------------------------------------------------------------

//                 REPORTER  GRID     COMMUNITY STREET   DEPT     CMD_CTR  DEPUTY   PRINCIPAL AUDITOR  ADMIN
//                 own oth   own oth  own oth   own oth  own oth  own oth  own oth  own oth   own oth  own oth
const M = {
  create:         'OK  OK    OK  OK   OK  OK    OK  OK   R   R    OK  OK   R   R    R   R     A   A    OK  OK',
  read:           'Y   N     Y   N    Y   N     Y   N    Y   N    Y   N    Y   N    Y   N     Y   N    Y   N',
  inbox:          'R   R     R   R    R   R     R   R    R   R    OK  OK   OK  OK   OK  OK    R   R    R   R',
  // Actions of the case's holder, on a case held by the grid.
  holder:         'R   R     OK  S    W   S     W   S    R   R    W   S    W   S    W   S     A   A    R   R',
  // Communities may attempt calls (街镇、社区呼叫, CasePolicy.triage); on a street's case the workflow refuses them.
  calls:          'R   R     R   R    W   S     OK  S    R   R    W   S    W   S    W   S     A   A    R   R',
  // A department's steps on its call (report, evidence, result with callId).
  call:           'R   R     R   R    R   R     R   R    OK  S    R   R    R   R    R   R     A   A    R   R',
  // Review of a case handled at the grid: the street reviews.
  review:         'R   R     R   R    R   R     OK  S    R   R    W   S    W   S    W   S     A   A    R   R',
  decideCC:       'R   R     R   R    R   R     R   R    R   R    OK  S    OK  S    OK  S     A   A    R   R',
  decideDeputy:   'R   R     R   R    R   R     R   R    R   R    W   S    OK  S    OK  S     A   A    R   R',
  decidePrincipal:'R   R     R   R    R   R     R   R    R   R    W   S    W   S    OK  S     A   A    R   R',
  survey:         'R   R     R   R    R   R     R   R    R   R    OK  S    R   R    R   R     A   A    R   R',
} as const;

type Cell = 'OK' | 'R' | 'S' | 'W' | 'A' | 'Y' | 'N';

function cellsOf(row: string): Array<{ actor: Actor; cell: Cell }> {
  const cells = row.trim().split(/\s+/) as Cell[];
  const order = PEOPLE.flatMap(([role]) => [actor(role, 'own'), actor(role, 'other')]);
  if (cells.length !== order.length) throw new Error(`a matrix row has ${cells.length} cells, not ${order.length}`);
  return cells.map((cell, i) => ({ actor: order[i], cell }));
}

// ---- HTTP and state helpers ---------------------------------------------------------------

interface Probe {
  method: 'get' | 'post';
  path: string;
  body?: object;
  query?: Record<string, string | number>;
}

const send = (a: Actor, p: Probe, on: Express = app) => {
  const r = request(on)[p.method](p.path).set(a.auth.header, a.auth.value);
  if (p.query) r.query(p.query);
  return p.method === 'post' ? r.send(p.body ?? {}) : r;
};

const live = (code: string): Promise<CaseState> => h.client.workflow.getHandle(code).query(getCaseStateQuery);

/** Wait until the event log holds every event the workflow has made; the live lastEventSeq. */
async function settle(code: string): Promise<number> {
  const seq = (await live(code)).lastEventSeq;
  await eventually(async () => (await h.db.caseEvent.count({ where: { caseCode: code } })) === seq, 15_000, `events of ${code}`);
  return seq;
}

const roleRefusal = (role: Role) => new RegExp(`^${role} (may not|acts only)`);

/** What a refusal cell expects of the error message. */
function refusalOk(cell: Cell, role: Role, message: string): boolean {
  switch (cell) {
    case 'R': return roleRefusal(role).test(message);
    case 'S': return /outside your/.test(message);
    case 'A': return /auditors have read-only access/.test(message);
    case 'W': return !roleRefusal(role).test(message) && !/outside your/.test(message);
    default: return false;
  }
}

const expectOk = async (res: request.Response, status = 200, what = '') => {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

/**
 * Probe one action: every refusal first (each must leave the case unchanged), then the
 * allowed actors: the first on `code`, each further one on a fresh case from `fresh`.
 */
async function probeAction(
  row: string,
  code: string,
  probe: (code: string) => Probe,
  opts: { fresh?: () => Promise<{ code: string; probe?: (code: string) => Probe }>; onOk?: (a: Actor, res: request.Response) => void } = {},
): Promise<void> {
  const cells = cellsOf(row);
  const failures: string[] = [];
  const seq = await settle(code);
  const eventsBefore = await h.db.caseEvent.count({ where: { caseCode: code } });
  for (const { actor: a, cell } of cells.filter((c) => c.cell !== 'OK')) {
    const res = await send(a, probe(code));
    const message: string = res.body?.error?.message ?? '';
    if (res.status !== 403 || !refusalOk(cell, a.role, message)) failures.push(`${a.label}: expected ${cell} (403), got ${res.status} "${message}"`);
    const after = (await live(code)).lastEventSeq;
    if (after !== seq) failures.push(`${a.label}: a refusal changed the case (lastEventSeq ${seq} → ${after})`);
  }
  expect(await h.db.caseEvent.count({ where: { caseCode: code } })).toBe(eventsBefore);
  const allowed = cells.filter((c) => c.cell === 'OK');
  for (const [i, { actor: a }] of allowed.entries()) {
    const target = i === 0 ? { code, probe } : await opts.fresh!().then((f) => ({ code: f.code, probe: f.probe ?? probe }));
    const res = await send(a, target.probe(target.code));
    if (res.status !== 200) failures.push(`${a.label}: expected OK (200), got ${res.status} ${JSON.stringify(res.body?.error ?? res.body)}`);
    else {
      expect(res.body.lastEventSeq).toBeGreaterThan(0);
      opts.onOk?.(a, res);
    }
  }
  expect(failures).toEqual([]);
}

// ---- building cases through the API, with the right actors -----------------------------------

let reportSeq = 0;
async function report(by: Actor = actor('REPORTER', 'own'), on: Express = app): Promise<string> {
  reportSeq += 1;
  const res = await send(by, {
    method: 'post',
    path: '/cases',
    body: { channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description: `权限矩阵测试 ${reportSeq}` },
  }, on);
  await expectOk(res, 201, 'report');
  return res.body.code as string;
}

const act = async (code: string, path: string, by: Actor, body: object = {}) =>
  expectOk(await send(by, { method: 'post', path: `/cases/${code}/${path}`, body }), 200, `${path} by ${by.label}`);

const grid = () => actor('GRID_WORKER', 'own');
const street = () => actor('STREET_DISPATCHER', 'own');

/** A case at the grid, accepted. */
async function acceptedCase(): Promise<string> {
  const code = await report();
  await act(code, 'accept', grid());
  return code;
}

/** A case at the grid, in progress, with a pending extension request of `days`. */
async function pendingExtension(days: number): Promise<{ code: string; requestId: string }> {
  const code = await acceptedCase();
  await act(code, 'respond', grid(), { decision: 'SELF' });
  const res = await act(code, 'extensions', grid(), { days, reason: `需要 ${days} 个工作日` });
  const ext = (res.body as CaseState).extensions.find((x) => x.status === 'PENDING')!;
  return { code, requestId: ext.id };
}

const decide = (requestId: string) => (code: string): Probe => ({
  method: 'post',
  path: `/cases/${code}/extensions/${requestId}/decision`,
  body: { approve: true, reason: '同意延期' },
});

const SHA = 'ab'.repeat(32);
const inTwoHours = () => new Date(Date.now() + 2 * 3_600_000).toISOString();

// ---- set-up -----------------------------------------------------------------------------------

const fixtures: { x2?: { code: string; requestId: string }; x5?: { code: string; requestId: string }; x15?: { code: string; requestId: string } } = {};

beforeAll(async () => {
  h = await startHarness();
  const deps = { db: h.db, temporal: h.client, logger: pino({ level: 'silent' }), directory: createDirectoryCache(h.db, 30_000) };
  const authenticator = withOtherDistrict(createAuthenticator({ db: h.db, cfg: h.cfg }));
  app = createApp({ ...deps, cfg: h.cfg, authenticator });
  // Cases reported through this app start on a task queue no worker polls: no projection row is ever written.
  idleApp = createApp({ ...deps, cfg: { ...h.cfg, TEMPORAL_TASK_QUEUE: `${h.cfg.TEMPORAL_TASK_QUEUE}-idle` }, authenticator });

  for (const [role, own, other] of PEOPLE) {
    actors.push({ label: `${role}/own`, role, side: 'own', auth: { header: 'Authorization', value: `Bearer ${await h.tokenFor(own)}` } });
    actors.push({
      label: `${role}/other`,
      role,
      side: 'other',
      auth: other ? { header: 'Authorization', value: `Bearer ${await h.tokenFor(other)}` } : { header: 'X-Api-Key', value: otherDistrictKey(role) },
    });
  }

  // Pending extensions for the inbox and the decision rows: ≤3 days → command center,
  // ≤10 → deputy leader, longer → principal leader (EXTENSION_THRESHOLDS defaults).
  [fixtures.x2, fixtures.x5, fixtures.x15] = await Promise.all([pendingExtension(2), pendingExtension(5), pendingExtension(15)]);
  await Promise.all([fixtures.x2, fixtures.x5, fixtures.x15].map((f) => settle(f!.code)));
});

afterAll(async () => {
  // The idle queue's cases are not on the harness's task queue: terminate them here.
  for await (const w of h.client.workflow.list({ query: `TaskQueue = '${h.cfg.TEMPORAL_TASK_QUEUE}-idle' AND ExecutionStatus = 'Running'` })) {
    await h.client.workflow.getHandle(w.workflowId).terminate('authz matrix finished').catch(() => undefined);
  }
  await h?.close();
});

// ---- the probes ---------------------------------------------------------------------------------

describe('authorization matrix', () => {
  it('create: reporting roles may report anywhere; others 403, and nothing is created', async () => {
    const failures: string[] = [];
    for (const { actor: a, cell } of cellsOf(M.create)) {
      const description = `权限矩阵 创建 ${a.label} ${Date.now()}`;
      const res = await send(a, {
        method: 'post',
        path: '/cases',
        body: { channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: GRID }, description },
      });
      if (cell === 'OK') {
        if (res.status !== 201) failures.push(`${a.label}: expected 201, got ${res.status}`);
        continue;
      }
      if (res.status !== 403 || !refusalOk(cell, a.role, res.body.error?.message ?? '')) failures.push(`${a.label}: expected ${cell}, got ${res.status} ${res.body.error?.message}`);
      if ((await h.db.case.count({ where: { description } })) !== 0) failures.push(`${a.label}: a refused report created a case`);
    }
    expect(failures).toEqual([]);
  });

  it('inbox: the command center and leaders only; each sees its level and, flagged, the levels below', async () => {
    const { x2, x5, x15 } = fixtures as Required<typeof fixtures>;
    const prefix = `${h.cfg.CASE_CODE_PREFIX}-`;
    const expected: Partial<Record<string, Array<[string, boolean]>>> = {
      'COMMAND_CENTER/own': [[x2.requestId + x2.code, false]],
      'DEPUTY_LEADER/own': [[x2.requestId + x2.code, true], [x5.requestId + x5.code, false]],
      'PRINCIPAL_LEADER/own': [[x2.requestId + x2.code, true], [x5.requestId + x5.code, true], [x15.requestId + x15.code, false]],
    };
    const failures: string[] = [];
    for (const { actor: a, cell } of cellsOf(M.inbox)) {
      const res = await send(a, { method: 'get', path: '/inbox/extensions', query: { pageSize: 100 } });
      if (cell !== 'OK') {
        if (res.status !== 403 || !refusalOk(cell, a.role, res.body.error?.message ?? '')) failures.push(`${a.label}: expected ${cell}, got ${res.status}`);
        continue;
      }
      if (res.status !== 200) {
        failures.push(`${a.label}: expected 200, got ${res.status}`);
        continue;
      }
      const ours = (res.body.items as Array<{ caseCode: string; requestId: string; lowerLevel: boolean }>)
        .filter((i) => i.caseCode.startsWith(prefix))
        .map((i): [string, boolean] => [i.requestId + i.caseCode, i.lowerLevel])
        .sort();
      expect({ who: a.label, items: ours }).toEqual({ who: a.label, items: (expected[a.label] ?? []).sort() });
    }
    expect(failures).toEqual([]);
  });

  it('inbox items carry the request and (live=true) the live decision window; pages', async () => {
    const { x5 } = fixtures as Required<typeof fixtures>;
    const res = await send(actor('DEPUTY_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 100, live: 'true' } });
    expect(res.body.level).toBe('DEPUTY_LEADER');
    const item = res.body.items.find((i: { caseCode: string }) => i.caseCode === x5.code);
    expect(item).toEqual({
      caseCode: x5.code,
      requestId: x5.requestId,
      days: 5,
      reason: '需要 5 个工作日',
      requestedBy: { personId: `p-grid-${GRID}`, role: 'GRID_WORKER', unitId: GRID },
      requestedAt: expect.any(String),
      requiredLevel: 'DEPUTY_LEADER',
      approverLevel: 'DEPUTY_LEADER',
      lowerLevel: false,
      decisionDueAt: expect.any(String),
      overdue: false,
      caseStatus: 'IN_PROGRESS',
      caseLevel: 'GRID',
      links: { case: `/cases/${x5.code}`, decide: `/cases/${x5.code}/extensions/${x5.requestId}/decision` },
    });
    const window = (await live(x5.code)).windows.find((w) => w.kind === 'EXTENSION_DECISION' && w.refId === x5.requestId)!;
    expect(Date.parse(item.decisionDueAt)).toBe(window.dueAt);
    // By default the database alone answers: the same item without the live window.
    const fromDb = await send(actor('DEPUTY_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 100 } });
    expect(fromDb.body.items.find((i: { caseCode: string }) => i.caseCode === x5.code)).toEqual({ ...item, decisionDueAt: null });

    const onlyMine = await send(actor('DEPUTY_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 100, includeLowerLevels: 'false' } });
    expect(onlyMine.body.items.every((i: { lowerLevel: boolean; approverLevel: string }) => !i.lowerLevel && i.approverLevel === 'DEPUTY_LEADER')).toBe(true);

    const page1 = await send(actor('PRINCIPAL_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 1 } });
    const all = await send(actor('PRINCIPAL_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 100 } });
    expect(page1.body).toMatchObject({ page: 1, pageSize: 1, total: all.body.total });
    expect(page1.body.items).toHaveLength(1);
    expect(all.body.total).toBeGreaterThanOrEqual(3);
  });

  describe('a case handled at the grid: accept → respond → evidence → extension → result → review → survey', () => {
    let code: string;
    beforeAll(async () => {
      code = await report();
    });

    it('accept', () => probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/accept`, body: {} })));
    it('respond', () => probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/respond`, body: { decision: 'SELF', note: '自行处置' } })));
    it('evidence (by the holder)', () =>
      probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/evidence`, body: { kind: 'PHOTO', url: 'https://evidence.example.cn/p/1.jpg', sha256: SHA } })));
    it('extensions (request)', () => probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/extensions`, body: { days: 1, reason: '等待清运车辆' } })));
    it('result (by the holder)', () => probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/result`, body: { summary: '已清运' } })));
    it('review', () => probeAction(M.review, code, (c) => ({ method: 'post', path: `/cases/${c}/review`, body: { decision: 'CLOSE', reason: '现场核实' } })));
    it('survey', () =>
      probeAction(M.survey, code, (c) => ({ method: 'post', path: `/cases/${c}/survey`, body: { satisfaction: 'SATISFIED', solved: true, channel: 'PHONE' } })));
  });

  describe('a case whistled to the street (the grid to its community, the community on: the default ladder), which calls a department: whistle → calls → reads → report → evidence → result', () => {
    let code: string;
    let callId: string;
    beforeAll(async () => {
      code = await report();
    });

    it('whistle', () => probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/whistle`, body: { reason: '需要城管执法' } })));

    it('calls', async () => {
      expect((await live(code)).level).toBe('COMMUNITY');
      await act(code, 'whistle', actor('COMMUNITY_WORKER', 'own'), { reason: '社区无执法权' });
      const s = await live(code);
      expect(s.level).toBe('STREET');
      if (s.status === 'REPORTED') await act(code, 'accept', street());
      await probeAction(M.calls, code, (c) => ({ method: 'post', path: `/cases/${c}/calls`, body: { calls: [{ departmentId: CG, reportBy: inTwoHours(), place: '冶山路12号' }] } }));
      callId = (await live(code)).calls.find((c) => c.departmentId === CG)!.id;
    });

    it('list, read and events: 200 within scope; outside it 404 (absent from the list)', async () => {
      await settle(code);
      const reportedAt = (await h.db.case.findUniqueOrThrow({ where: { code } })).reportedAt;
      const window = { reportedFrom: reportedAt.toISOString(), reportedTo: new Date(reportedAt.getTime() + 1).toISOString(), pageSize: 100 };
      const failures: string[] = [];
      for (const { actor: a, cell } of cellsOf(M.read)) {
        const list = await send(a, { method: 'get', path: '/cases', query: window });
        const listed = list.status === 200 && list.body.items.some((i: { code: string }) => i.code === code);
        if (list.status !== 200 || listed !== (cell === 'Y')) failures.push(`${a.label}: list ${list.status}, listed=${listed}, expected ${cell}`);
        for (const path of [`/cases/${code}`, `/cases/${code}/events`]) {
          const res = await send(a, { method: 'get', path });
          const want = cell === 'Y' ? 200 : 404;
          if (res.status !== want) failures.push(`${a.label}: GET ${path} → ${res.status}, expected ${want}`);
          if (want === 404 && res.body.error?.message !== `no case ${code}`) failures.push(`${a.label}: a hidden case must look absent`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('report (报到) on the call', () => probeAction(M.call, code, (c) => ({ method: 'post', path: `/cases/${c}/calls/${callId}/report`, body: {} })));
    it('evidence on the call', () =>
      probeAction(M.call, code, (c) => ({ method: 'post', path: `/cases/${c}/evidence`, body: { callId, kind: 'VIDEO', url: 'https://evidence.example.cn/v/1.mp4', sha256: SHA } })));
    it('result on the call', async () => {
      await probeAction(M.call, code, (c) => ({ method: 'post', path: `/cases/${c}/result`, body: { callId, summary: '已依法处置' } }));
      expect((await live(code)).status).toBe('PENDING_REVIEW');
    });
  });

  it('long-term-plan', async () => {
    const code = await acceptedCase();
    await probeAction(M.holder, code, (c) => ({ method: 'post', path: `/cases/${c}/long-term-plan`, body: { explanation: '需纳入年度改造计划' } }));
  });

  describe('extension decisions: the approver depends on the length (延期按层级审批)', () => {
    const decided: Array<{ who: string; ext: CaseState['extensions'][number] }> = [];
    const record = (a: Actor, res: request.Response) => {
      const ext = (res.body as CaseState).extensions.find((x) => x.status === 'APPROVED')!;
      decided.push({ who: a.label, ext });
    };

    it('≤ 3 days: the command center, or a leader above it', async () => {
      const { x2 } = fixtures as Required<typeof fixtures>;
      await probeAction(M.decideCC, x2.code, decide(x2.requestId), {
        fresh: async () => {
          const f = await pendingExtension(2);
          return { code: f.code, probe: decide(f.requestId) };
        },
        onOk: record,
      });
    });

    it('4–10 days: the deputy leader or the principal leader, not the command center', async () => {
      const { x5 } = fixtures as Required<typeof fixtures>;
      await probeAction(M.decideDeputy, x5.code, decide(x5.requestId), {
        fresh: async () => {
          const f = await pendingExtension(5);
          return { code: f.code, probe: decide(f.requestId) };
        },
        onOk: record,
      });
    });

    it('> 10 days: the principal leader only', async () => {
      const { x15 } = fixtures as Required<typeof fixtures>;
      await probeAction(M.decidePrincipal, x15.code, decide(x15.requestId), { onOk: record });
    });

    it('every decision shows who decided, their role and unit, when and why', () => {
      expect(decided.map((d) => d.who)).toEqual([
        'COMMAND_CENTER/own', 'DEPUTY_LEADER/own', 'PRINCIPAL_LEADER/own', 'DEPUTY_LEADER/own', 'PRINCIPAL_LEADER/own', 'PRINCIPAL_LEADER/own',
      ]);
      const personOf: Record<string, string> = { 'COMMAND_CENTER/own': 'p-cc-GL', 'DEPUTY_LEADER/own': 'p-deputy-GL', 'PRINCIPAL_LEADER/own': 'p-principal-GL' };
      for (const { who, ext } of decided) {
        expect(ext).toMatchObject({
          status: 'APPROVED',
          decidedBy: personOf[who],
          decidedRole: who.split('/')[0],
          decidedUnitId: 'GL',
          decidedAt: expect.any(Number),
          decisionReason: '同意延期',
          newDueAt: expect.any(Number),
        });
      }
    });

    it('a decided request leaves the inbox', async () => {
      const { x2, x5, x15 } = fixtures as Required<typeof fixtures>;
      // The inbox reads the projection the recording activity writes: it follows the decision a moment later.
      const left = async () => {
        const res = await send(actor('PRINCIPAL_LEADER', 'own'), { method: 'get', path: '/inbox/extensions', query: { pageSize: 100 } });
        const codes: string[] = res.body.items.map((i: { caseCode: string }) => i.caseCode);
        return [x2.code, x5.code, x15.code].every((c) => !codes.includes(c)) && codes;
      };
      const codes = await eventually(left, 15_000, 'the decided requests gone from the inbox');
      for (const c of [x2.code, x5.code, x15.code]) expect(codes).not.toContain(c);
    });
  });

  it('a case with no projection row yet: reads and refusals decided from its workflow', async () => {
    const code = await report(actor('REPORTER', 'own'), idleApp);
    expect(await h.db.case.count({ where: { code } })).toBe(0);
    const failures: string[] = [];
    for (const { actor: a, cell } of cellsOf(M.read)) {
      // The department is not called on this case: neither department may read it.
      const want = a.role === 'DEPARTMENT_OFFICER' ? 404 : cell === 'Y' ? 200 : 404;
      const res = await send(a, { method: 'get', path: `/cases/${code}/events` });
      if (res.status !== want) failures.push(`${a.label}: events → ${res.status}, expected ${want}`);
    }
    // Refusals that need no worker: the role rule and the place of the case.
    for (const { actor: a, cell } of cellsOf(M.holder).filter((c) => c.cell === 'R' || c.cell === 'S' || c.cell === 'A')) {
      const res = await send(a, { method: 'post', path: `/cases/${code}/accept`, body: {} });
      if (res.status !== 403 || !refusalOk(cell, a.role, res.body.error?.message ?? '')) failures.push(`${a.label}: accept → ${res.status}, expected ${cell}`);
    }
    expect(failures).toEqual([]);
    expect(await h.db.case.count({ where: { code } })).toBe(0);
  });

  it('an unknown case: 404 for readers and for actors the role rule lets through', async () => {
    const unknown = `${h.cfg.CASE_CODE_PREFIX}-20200101-999999`;
    expect((await send(actor('GRID_WORKER', 'own'), { method: 'post', path: `/cases/${unknown}/accept`, body: {} })).status).toBe(404);
    expect((await send(actor('GRID_WORKER', 'own'), { method: 'get', path: `/cases/${unknown}` })).status).toBe(404);
    expect((await send(actor('DEPARTMENT_OFFICER', 'own'), { method: 'post', path: `/cases/${unknown}/calls/CALL-1/report`, body: {} })).status).toBe(404);
    // Roles that never act are refused before any case is looked up.
    expect((await send(actor('REPORTER', 'own'), { method: 'post', path: `/cases/${unknown}/accept`, body: {} })).status).toBe(403);
  });
});
