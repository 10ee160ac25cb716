// My work: the cases my unit holds, nearest deadline first, each with a live countdown.
// GET /cases does the work: the caller's read scope, assigneeUnitId (held by my unit, or off
// for everything I may read), sort=deadline, and the status and overdue filters; a page of
// 100 rows at a time (prev/next through the rest: a grid worker works from the nearest
// deadlines, and a page is one index read however busy the district), rendered by a virtual table. The first page after sign-in: it uses only
// light parts of antd (no Table, Select or Form), to keep the first load small.
import { Alert, Button, Grid, Segmented, Spin, Switch, Tag } from 'antd';
import { useState } from 'react';
import { Countdown } from '../components/Countdown';
import { VirtualTable, type Column } from '../components/VirtualTable';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { CaseList, CaseRecord, Me } from '../types';
import { useLive } from '../usePoll';

const PAGE_SIZE = 100;

const STATUSES = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS', 'PENDING_REVIEW', 'LONG_TERM_PLAN', 'CLOSED', 'SURVEYED'];

export function MyWork({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const [scope, setScope] = useState<'unit' | 'all'>('unit');
  const [status, setStatus] = useState<string | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  // A new filter starts from its first page.
  const filtered = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPage(1);
  };

  const query = new URLSearchParams({ sort: 'deadline', pageSize: String(PAGE_SIZE), page: String(page) });
  if (scope === 'unit') query.set('assigneeUnitId', me.unitId);
  if (status) query.set('status', status);
  if (overdue) query.set('overdue', 'true');
  const url = `/cases?${query.toString()}`;
  // Conditional polling: 304 (no rows read, nothing re-rendered) while the list stands still.
  const list = useLive<CaseList>(url);

  const rows = list.data?.items ?? [];

  // A phone shows what a worker in the street needs: which case, how long is left, its status.
  const phone = !Grid.useBreakpoint().md;
  const allColumns: Column<CaseRecord>[] = [
    {
      key: 'code',
      title: t.code,
      width: 190,
      render: ({ code }) => (
        <a href={hrefOf({ page: 'case', code })} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code }); }}>
          {code}
        </a>
      ),
    },
    {
      key: 'left',
      title: t.countdown,
      width: 140,
      render: (c) =>
        c.dueAt ? <Countdown dueAt={Date.parse(c.dueAt)} testId={`countdown-${c.code}`} /> : <span className="coe-muted">{t.noDeadline}</span>,
    },
    { key: 'status', title: t.status, width: 100, render: (c) => <Tag>{t.statuses[c.status] ?? c.status}</Tag> },
    { key: 'level', title: t.level, width: 100, render: (c) => t.levels[c.level] ?? c.level },
    { key: 'description', title: t.description, width: 320, render: (c) => <span className="coe-ellipsis" title={c.description}>{c.description}</span> },
    { key: 'deadline', title: t.deadline, width: 150, render: (c) => formatInstant(c.dueAt, lang) },
  ];
  // 390 px wide: the three columns share ~360 px (no sideways scrolling in the street).
  const columns = phone ? allColumns.slice(0, 3).map((c, i) => ({ ...c, width: [160, 118, 82][i]! })) : allColumns;

  return (
    <section aria-labelledby="mywork-title">
      <h1 id="mywork-title" className="coe-h1">
        {t.myWork}
      </h1>
      <div className="coe-toolbar">
        <Segmented
          value={scope}
          onChange={(v) => filtered(setScope)(v as 'unit' | 'all')}
          options={[{ label: t.heldByMyUnit, value: 'unit' }, { label: t.allReadable, value: 'all' }]}
        />
        <select aria-label={t.status} className="coe-select" value={status ?? ''} onChange={(e) => filtered(setStatus)(e.target.value || undefined)}>
          <option value="">{t.status}: {t.any}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t.statuses[s] ?? s}
            </option>
          ))}
        </select>
        <label>
          <Switch size="small" checked={overdue} onChange={filtered(setOverdue)} aria-label={t.overdueOnly} /> {t.overdueOnly}
        </label>
        {list.data && <span className="coe-muted">{t.shownOf(rows.length, list.data.total, list.data.totalIsEstimate)}</span>}
        {list.data && (page > 1 || list.data.hasMore) && (
          <span>
            <Button size="small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              {t.prevPage}
            </Button>{' '}
            <span className="coe-muted" data-testid="mywork-page">{t.pageN(page)}</span>{' '}
            <Button size="small" disabled={!list.data.hasMore} onClick={() => setPage(page + 1)}>
              {t.nextPage}
            </Button>
          </span>
        )}
      </div>
      {list.error !== undefined && list.data && <Alert type="warning" title={t.stale} showIcon style={{ marginBottom: 8 }} />}
      {list.loading && !list.data ? (
        <Spin aria-label={t.loading} />
      ) : (
        // Virtual scrolling renders only the visible rows: a district's thousands of cases stay fast.
        <VirtualTable<CaseRecord> label={t.myWork} columns={columns} rows={rows} rowKey={(c) => c.code} height={phone ? 560 : 640} empty={<span className="coe-muted">{t.noCases}</span>} />
      )}
    </section>
  );
}
