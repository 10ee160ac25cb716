// The extension inbox's item logic (api/routes/inbox inboxItem): the log row cross-checked
// with the live state. Pure: no server, no database.
import { inboxItem } from '../../api/routes/inbox';
import type { ExtensionRequest } from '../../domain/types';
import type { CaseState } from '../../workflows/messages';

const NOW = Date.parse('2026-11-23T03:00:00Z');

const row = {
  caseCode: 'GL-20261122-000007',
  requestId: 'EXT-9',
  requestedAt: new Date('2026-11-23T02:00:00Z'),
  actorId: 'p-grid-GL-S01-C01-G01',
  actorRole: 'GRID_WORKER',
  actorUnitId: 'GL-S01-C01-G01',
  days: 2,
  reason: '等待清运车辆',
  requiredLevel: 'COMMAND_CENTER',
  approverLevel: 'COMMAND_CENTER',
  caseStatus: 'IN_PROGRESS',
  caseLevel: 'GRID',
};

const request = (over: Partial<ExtensionRequest> = {}): ExtensionRequest => ({
  id: 'EXT-9', days: 2, reason: '等待清运车辆', requestedBy: 'p-grid-GL-S01-C01-G01', requestedAt: row.requestedAt.getTime(),
  requiredLevel: 'COMMAND_CENTER', approverLevel: 'COMMAND_CENTER', status: 'PENDING',
  decidedBy: null, decidedRole: null, decidedUnitId: null, decidedAt: null, decisionReason: null, previousDueAt: null, newDueAt: null,
  ...over,
});

const live = (ext: ExtensionRequest, dueAt = NOW + 3_600_000): CaseState =>
  ({
    code: row.caseCode,
    status: 'IN_PROGRESS',
    level: 'GRID',
    extensions: [ext],
    windows: [{ id: 'EXTENSION_DECISION-10', kind: 'EXTENSION_DECISION', refId: 'EXT-9', dueAt, level: ext.approverLevel, unitId: 'GL', clock: 'WORKING', startedAt: NOW, remindAt: null, reminded: false }],
  }) as unknown as CaseState;

describe('inboxItem', () => {
  it('shows the request with the live decision window', () => {
    expect(inboxItem(row, live(request()), 'COMMAND_CENTER', NOW)).toEqual({
      caseCode: row.caseCode,
      requestId: 'EXT-9',
      days: 2,
      reason: '等待清运车辆',
      requestedBy: { personId: 'p-grid-GL-S01-C01-G01', role: 'GRID_WORKER', unitId: 'GL-S01-C01-G01' },
      requestedAt: '2026-11-23T02:00:00.000Z',
      requiredLevel: 'COMMAND_CENTER',
      approverLevel: 'COMMAND_CENTER',
      lowerLevel: false,
      decisionDueAt: new Date(NOW + 3_600_000).toISOString(),
      overdue: false,
      caseStatus: 'IN_PROGRESS',
      caseLevel: 'GRID',
      links: { case: `/cases/${row.caseCode}`, decide: `/cases/${row.caseCode}/extensions/EXT-9/decision` },
    });
  });

  it('flags a lower level’s request for a higher level', () => {
    expect(inboxItem(row, live(request()), 'PRINCIPAL_LEADER', NOW)).toMatchObject({ lowerLevel: true, approverLevel: 'COMMAND_CENTER' });
  });

  it('the live state wins: decided or climbed above the caller → left out; climbed to the caller → shown', () => {
    expect(inboxItem(row, live(request({ status: 'APPROVED' })), 'COMMAND_CENTER', NOW)).toBeNull();
    expect(inboxItem(row, live(request({ approverLevel: 'DEPUTY_LEADER' })), 'COMMAND_CENTER', NOW)).toBeNull();
    expect(inboxItem(row, live(request({ approverLevel: 'DEPUTY_LEADER' })), 'DEPUTY_LEADER', NOW)).toMatchObject({
      approverLevel: 'DEPUTY_LEADER', requiredLevel: 'COMMAND_CENTER', lowerLevel: false,
    });
    expect(inboxItem(row, { ...live(request()), extensions: [] }, 'COMMAND_CENTER', NOW)).toBeNull();
  });

  it('without the live state: the log alone, no due time', () => {
    expect(inboxItem(row, null, 'COMMAND_CENTER', NOW)).toMatchObject({ decisionDueAt: null, overdue: false, approverLevel: 'COMMAND_CENTER' });
    expect(inboxItem({ ...row, approverLevel: 'PRINCIPAL_LEADER' }, null, 'DEPUTY_LEADER', NOW)).toBeNull();
  });

  it('a lapsed window is overdue', () => {
    expect(inboxItem(row, live(request(), NOW - 1), 'COMMAND_CENTER', NOW)).toMatchObject({ overdue: true });
  });
});
