// A district leader's case list (包案责任清单, GET /leaders/{personId}/cases): the open items
// nearest deadline first, each with its countdown, its level and since when it is on the list,
// then the items ticked off (对单销号) with their closing notes. A leader reads his own list by
// default; the command center, the leaders and auditors pick a leader (GET /leaders). The tick-off
// itself is a case action (the case page's forms offer it). Live: a conditional GET, polled.
import { Alert, Card, Empty, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import { Countdown } from '../components/Countdown';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { DistrictLeaders, LeaderCaseItem, LeaderCases, Me } from '../types';
import { useLive, usePoll } from '../usePoll';

const LEADER_ROLES = new Set(['DEPUTY_LEADER', 'PRINCIPAL_LEADER']);

function CaseLink({ code }: { code: string }) {
  return (
    <a href={hrefOf({ page: 'case', code })} data-testid={`leader-item-${code}`} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code }); }}>
      {code}
    </a>
  );
}

export function LeadersPage({ me, personId }: { me: Me; personId?: string }) {
  const { t, lang } = useI18n();
  // A leader sees his own list; another reader the leader picked (or the first one listed).
  const leaders = usePoll('leaders', () => api<DistrictLeaders>('GET', '/leaders'), 60_000);
  const chosen = personId ?? (LEADER_ROLES.has(me.role) ? me.personId : leaders.data?.items[0]?.personId);
  const list = useLive<LeaderCases>(chosen ? `/leaders/${encodeURIComponent(chosen)}/cases` : null);
  const data = list.data?.leader.personId === chosen ? list.data : undefined;
  const level = (l: string) => t.levels[l] ?? l;

  const open = [
    { title: t.code, dataIndex: 'code', key: 'code', render: (code: string) => <CaseLink code={code} /> },
    { title: t.status, dataIndex: 'status', key: 'status', render: (s: string) => t.statuses[s] ?? s },
    { title: t.level, dataIndex: 'level', key: 'level', render: level },
    { title: t.listedAt, dataIndex: 'leaderLevel', key: 'leaderLevel', render: level },
    { title: t.listedSince, dataIndex: 'listedAt', key: 'listedAt', render: (at: string) => formatInstant(at, lang) },
    {
      title: t.countdown,
      key: 'due',
      render: (_: unknown, x: LeaderCaseItem) =>
        x.dueAt ? <Countdown dueAt={Date.parse(x.dueAt)} testId={`leader-countdown-${x.code}`} /> : x.overdue ? <Tag color="red">{t.overdue}</Tag> : t.noDeadline,
    },
  ];
  const ticked = [
    { title: t.code, dataIndex: 'code', key: 'code', render: (code: string) => <CaseLink code={code} /> },
    { title: t.listedAt, dataIndex: 'leaderLevel', key: 'leaderLevel', render: level },
    { title: t.tickedOffAt, dataIndex: 'tickedOffAt', key: 'tickedOffAt', render: (at: string | null) => formatInstant(at, lang) },
    { title: t.closingNote, dataIndex: 'note', key: 'note', render: (n: string | null) => n ?? '—' },
  ];

  const error = list.error ?? leaders.error;
  const picker = !LEADER_ROLES.has(me.role) || personId !== undefined || (leaders.data?.items.length ?? 0) > 1;
  return (
    <section aria-labelledby="leaders-title">
      <Typography.Title level={1} id="leaders-title" style={{ fontSize: 20 }}>
        {t.leadersTitle} {data && <Tag>{`${data.leader.name} · ${level(data.leader.role)}`}</Tag>}
      </Typography.Title>
      {picker && leaders.data && leaders.data.items.length > 0 && (
        <Space style={{ marginBottom: 12 }}>
          <label htmlFor="leader-pick">{t.leaderPick}</label>
          <Select
            id="leader-pick"
            style={{ minWidth: 220 }}
            value={chosen}
            onChange={(id: string) => navigate({ page: 'leaders', personId: id })}
            options={leaders.data.items.map((l) => ({ value: l.personId, label: `${l.name} · ${level(l.role)}` }))}
          />
        </Space>
      )}
      {error !== undefined && (
        <Alert type="warning" title={error instanceof ApiError && (error.status === 403 || error.status === 404) ? error.message : t.stale} showIcon style={{ marginBottom: 8 }} />
      )}
      {!chosen && leaders.data ? (
        <Empty description={t.noLeaders} />
      ) : !data ? (
        list.loading || leaders.loading ? <Spin aria-label={t.loading} /> : null
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} size="middle">
          <Card size="small" title={<h2 className="coe-card-title">{t.leaderOpen(data.openTotal)}</h2>} data-testid="leader-open">
            {data.open.length === 0 ? (
              <Empty description={t.leaderOpenEmpty} />
            ) : (
              <Table<LeaderCaseItem> size="small" rowKey="code" pagination={false} columns={open} dataSource={data.open} scroll={{ x: true }} />
            )}
          </Card>
          <Card size="small" title={<h2 className="coe-card-title">{t.leaderTicked(data.tickedOffTotal)}</h2>} data-testid="leader-ticked">
            {data.tickedOff.length === 0 ? (
              <Empty description={t.leaderTickedEmpty} />
            ) : (
              <Table<LeaderCaseItem> size="small" rowKey="code" pagination={false} columns={ticked} dataSource={data.tickedOff} scroll={{ x: true }} />
            )}
          </Card>
        </Space>
      )}
    </section>
  );
}
