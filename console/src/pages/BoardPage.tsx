// The district command center's board: open cases by street and level, overdue, breaches
// today, and the cases reported today that nobody has answered yet. One aggregate read,
// GET /board/command-center (served from the database projection), polled.
import { Alert, Card, Col, Empty, Row, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { Countdown } from '../components/Countdown';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import { usePoll } from '../usePoll';

const LEVELS = ['GRID', 'COMMUNITY', 'STREET', 'COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER'];

interface StreetRow {
  streetId: string;
  name: string | null;
  open: number;
  overdue: number;
  byLevel: Record<string, number>;
}
interface Unanswered {
  code: string;
  status: string;
  level: string;
  streetId: string;
  reportedAt: string;
  dueAt: string | null;
  overdue: boolean;
}
export interface Board {
  day: string;
  asOf: string;
  totals: { open: number; overdue: number; breachesToday: number; reportedToday: number; unansweredToday: number };
  streets: StreetRow[];
  unanswered: Unanswered[];
}

const TEXT = {
  zh: {
    title: '指挥中心看板',
    day: '统计日',
    open: '在办案件',
    overdue: '超期',
    breachesToday: '今日违时',
    reportedToday: '今日上报',
    unansweredToday: '今日未响应',
    byStreet: '各街道在办案件（按层级）',
    street: '街道',
    total: '合计',
    unansweredTitle: '今日上报、尚未响应的案件',
    noneUnanswered: '今日上报的案件均已响应',
    noOpen: '暂无在办案件',
  },
  en: {
    title: 'Command center board',
    day: 'Day',
    open: 'Open cases',
    overdue: 'Overdue',
    breachesToday: 'Breaches today',
    reportedToday: 'Reported today',
    unansweredToday: 'Unanswered today',
    byStreet: 'Open cases by street and level',
    street: 'Street',
    total: 'Total',
    unansweredTitle: 'Reported today, not yet answered',
    noneUnanswered: "Every case reported today has been answered",
    noOpen: 'No open cases',
  },
};

export function BoardPage() {
  const { t, lang } = useI18n();
  const x = TEXT[lang];
  const board = usePoll('board:command-center', () => api<Board>('GET', '/board/command-center'));
  const b = board.data;

  if (board.error instanceof ApiError && board.error.status === 403) return <Alert type="warning" title={board.error.message} showIcon />;
  if (!b) return <Spin aria-label={t.loading} />;
  const stats: Array<[keyof Board['totals'], string, boolean]> = [
    ['open', x.open, false],
    ['overdue', x.overdue, true],
    ['breachesToday', x.breachesToday, true],
    ['reportedToday', x.reportedToday, false],
    ['unansweredToday', x.unansweredToday, true],
  ];
  return (
    <section aria-labelledby="board-title">
      <Typography.Title level={1} id="board-title" style={{ fontSize: 20 }}>
        {x.title} <span className="coe-muted" style={{ fontSize: 14, fontWeight: 400 }}>{x.day} {b.day} · {formatInstant(b.asOf, lang)}</span>
      </Typography.Title>
      {board.error !== undefined && <Alert type="warning" title={t.stale} showIcon style={{ marginBottom: 8 }} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {stats.map(([key, label, alarm]) => (
          <Col key={key} xs={12} md={8} lg={4} flex="1">
            <Card size="small" data-testid={`board-${key}`}>
              <Statistic title={label} value={b.totals[key]} valueStyle={alarm && b.totals[key] > 0 ? { color: '#b91c1c' } : undefined} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={<h2 className="coe-card-title">{x.byStreet}</h2>} style={{ marginBottom: 16 }}>
        <Table<StreetRow>
          size="small"
          rowKey="streetId"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={b.streets}
          locale={{ emptyText: <Empty description={x.noOpen} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          columns={[
            { title: x.street, key: 'street', render: (_: unknown, s) => s.name ?? s.streetId },
            ...LEVELS.map((l) => ({ title: t.levels[l] ?? l, key: l, align: 'right' as const, render: (_: unknown, s: StreetRow) => s.byLevel[l] ?? 0 })),
            { title: x.total, dataIndex: 'open', align: 'right' as const },
            {
              title: x.overdue,
              key: 'overdue',
              align: 'right' as const,
              render: (_: unknown, s) => (s.overdue > 0 ? <span className="coe-breached">{s.overdue}</span> : 0),
            },
          ]}
        />
      </Card>
      <Card size="small" title={<h2 className="coe-card-title">{x.unansweredTitle}</h2>}>
        <Table<Unanswered>
          size="small"
          rowKey="code"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={b.unanswered}
          locale={{ emptyText: <Empty description={x.noneUnanswered} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          columns={[
            {
              title: t.code,
              dataIndex: 'code',
              render: (code: string) => (
                <a href={hrefOf({ page: 'case', code })} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code }); }}>
                  {code}
                </a>
              ),
            },
            { title: t.status, dataIndex: 'status', render: (s: string) => <Tag>{t.statuses[s] ?? s}</Tag> },
            { title: t.level, dataIndex: 'level', render: (l: string) => t.levels[l] ?? l },
            { title: x.street, dataIndex: 'streetId', render: (id: string) => b.streets.find((s) => s.streetId === id)?.name ?? id },
            { title: t.reportedAt, dataIndex: 'reportedAt', render: (at: string) => formatInstant(at, lang) },
            { title: t.countdown, key: 'left', render: (_: unknown, c) => (c.dueAt ? <Countdown dueAt={Date.parse(c.dueAt)} testId={`board-countdown-${c.code}`} /> : '—') },
          ]}
        />
      </Card>
    </section>
  );
}
