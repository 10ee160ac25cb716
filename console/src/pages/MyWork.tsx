// My work: the cases my unit holds, nearest deadline first, each with a live countdown.
// GET /cases does the work: the caller's read scope, assigneeUnitId (held by my unit, or off
// for everything I may read), sort=deadline, and the status and overdue filters; a page of
// up to 100 rows, rendered by a virtual table.
import { Alert, Grid, Segmented, Select, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { api } from '../http';
import { Countdown } from '../components/Countdown';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { CaseList, CaseRecord, Me } from '../types';
import { usePoll } from '../usePoll';

const STATUSES = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN', 'CLOSED', 'SURVEYED'];

export function MyWork({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const [scope, setScope] = useState<'unit' | 'all'>('unit');
  const [status, setStatus] = useState<string | undefined>();
  const [overdue, setOverdue] = useState(false);

  const query = new URLSearchParams({ sort: 'deadline', pageSize: '100' });
  if (scope === 'unit') query.set('assigneeUnitId', me.unitId);
  if (status) query.set('status', status);
  if (overdue) query.set('overdue', 'true');
  const url = `/cases?${query.toString()}`;
  const list = usePoll(url, () => api<CaseList>('GET', url));

  const rows = list.data?.items ?? [];

  // A phone shows what a worker in the street needs: which case, how long is left, its status.
  const phone = !Grid.useBreakpoint().md;
  const allColumns: ColumnsType<CaseRecord> = [
    {
      title: t.code,
      dataIndex: 'code',
      width: 190,
      render: (code: string) => (
        <a href={hrefOf({ page: 'case', code })} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code }); }}>
          {code}
        </a>
      ),
    },
    {
      title: t.countdown,
      dataIndex: 'dueAt',
      width: 140,
      render: (dueAt: string | null, c) =>
        dueAt ? <Countdown dueAt={Date.parse(dueAt)} testId={`countdown-${c.code}`} /> : <span className="coe-muted">{t.noDeadline}</span>,
    },
    { title: t.status, dataIndex: 'status', width: 100, render: (s: string) => <Tag>{t.statuses[s] ?? s}</Tag> },
    { title: t.level, dataIndex: 'level', width: 100, render: (l: string) => t.levels[l] ?? l },
    { title: t.description, dataIndex: 'description', width: 320, ellipsis: true },
    { title: t.deadline, key: 'deadline', width: 150, render: (_: unknown, c) => formatInstant(c.dueAt, lang) },
  ];
  // 390 px wide: the three columns share ~360 px (no sideways scrolling in the street).
  const columns = phone ? allColumns.slice(0, 3).map((c, i) => ({ ...c, width: [160, 118, 82][i] })) : allColumns;
  const width = columns.reduce((sum, c) => sum + Number(c.width ?? 0), 0);

  return (
    <section aria-labelledby="mywork-title">
      <Typography.Title level={1} id="mywork-title" style={{ fontSize: 20 }}>
        {t.myWork}
      </Typography.Title>
      <div className="coe-toolbar">
        <Segmented
          value={scope}
          onChange={(v) => setScope(v as 'unit' | 'all')}
          options={[{ label: t.heldByMyUnit, value: 'unit' }, { label: t.allReadable, value: 'all' }]}
        />
        <Select
          aria-label={t.status}
          allowClear
          placeholder={t.status}
          style={{ minWidth: 120 }}
          value={status}
          onChange={(v?: string) => setStatus(v)}
          options={STATUSES.map((s) => ({ value: s, label: t.statuses[s] ?? s }))}
        />
        <label>
          <Switch size="small" checked={overdue} onChange={setOverdue} aria-label={t.overdueOnly} /> {t.overdueOnly}
        </label>
        {list.data && <span className="coe-muted">{t.shownOf(rows.length, list.data.total)}</span>}
      </div>
      {list.error !== undefined && list.data && <Alert type="warning" title={t.stale} showIcon style={{ marginBottom: 8 }} />}
      <Table<CaseRecord>
        // Virtual scrolling renders only the visible rows: a district's thousands of cases stay fast.
        virtual
        scroll={{ y: phone ? 520 : 600, x: width }}
        rowKey="code"
        size="small"
        loading={list.loading && !list.data}
        columns={columns}
        dataSource={rows}
        pagination={false}
      />
    </section>
  );
}
