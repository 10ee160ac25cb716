// The two-way assessment (考核): the rankings of one level (streets, departments, grids) for a
// period, a unit's scorecard with its trend over the earlier periods, the CSV export of the
// rankings, and publishing a month's snapshot (command center and administrators). Reads:
// GET /assessment/rankings and GET /assessment/units/{id}/scorecard (one request per widget);
// the figures change slowly, so they are refreshed once a minute, not every 5 s.
//
// The trend is drawn by components/TrendChart.tsx (Apache ECharts, core + line chart only),
// which is only in this page's lazy chunk.
import { Alert, Button, Card, Col, Descriptions, Form, Input, Row, Segmented, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { TrendChart } from '../components/TrendChart';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n } from '../i18n';
import { formatInstant } from '../time';
import type { Me } from '../types';
import { usePoll } from '../usePoll';

type Level = 'STREET' | 'DEPARTMENT' | 'GRID';
interface Ratio {
  numerator: number;
  denominator: number;
  rate: number | null;
}
export interface UnitFigures {
  unitId: string;
  name: string | null;
  kind: string | null;
  casesHandled: number;
  acceptanceOnTime: Ratio;
  firstResponseOnTime: Ratio;
  completionOnTime: Ratio;
  escalationsCaused: number;
  extensionsAsked: number;
  satisfaction: Ratio;
  resolution: Ratio;
  reopen: Ratio;
  callsReceived: number;
  reportTimeliness: Ratio;
  // Closer to the seeds (issue 16): absent in snapshots published before them.
  closure?: Ratio;
  resolvedInGrid?: Ratio;
  onSiteOnTime?: Ratio;
  hazardPromiseKept?: Ratio;
  calledSatisfaction?: Ratio;
  // Clock pauses (暂停计时), counted for the unit that asked: absent in snapshots published before them.
  pausesApproved?: number;
  pausesRejected?: number;
  pausedMinutes?: number;
  score: number | null;
}
/** Open cases of an area at the period end against a year before (积案同比); null in older snapshots. */
interface BacklogCount {
  open: number;
  openYearBefore: number;
  change: number | null;
}
interface PersonFigures {
  personId: string;
  name: string | null;
  unitId: string | null;
  unitName: string | null;
  rank: number | null;
  cases: number;
  acceptanceOnTime: Ratio;
  firstResponseOnTime: Ratio;
  completionOnTime: Ratio;
  satisfaction: Ratio;
  resolution: Ratio;
  /** Lapsed windows of cases while the person held them. */
  breaches: number;
  /** Deliberations (五步议事) whose evaluation named the person among its cadres, and the residents' votes. */
  deliberations: number;
  deliberationSatisfaction: Ratio;
  score: number | null;
}
interface SourceInfo {
  period: string;
  source: 'SNAPSHOT' | 'LIVE';
  version: number | null;
  publishedAt: string | null;
  asOf: string;
}
interface Rankings extends SourceInfo {
  backlog: { at: string; yearBeforeAt: string; total: BacklogCount } | null;
  items: Array<UnitFigures & { rank: number | null; backlog: BacklogCount | null }>;
}
interface Scorecard extends SourceInfo {
  unitId: string;
  rank: number | null;
  rankedAmong: number;
  figures: UnitFigures;
  backlog: BacklogCount | null;
  trend: Array<{ period: string; source: string; figures: UnitFigures }>;
}

/** domain/assessment/access.ts SNAPSHOT_PUBLISHERS. */
const PUBLISHERS = new Set(['COMMAND_CENTER', 'ADMIN']);
const MINUTE = 60_000;

const TEXT = {
  zh: {
    title: '双向考核',
    rankings: '排名',
    period: '考核期',
    periodHelp: '月 2026-11、季度 2026-Q4 或年 2026',
    levels: { STREET: '街道', DEPARTMENT: '职能部门', GRID: '网格' } as Record<Level, string>,
    rank: '名次',
    unit: '单位',
    score: '综合得分',
    cases: '办理案件',
    acceptance: '按时受理率',
    completion: '按时办结率',
    satisfaction: '满意率',
    escalations: '导致升级',
    snapshot: (v: number | null, at: string) => `已发布快照 v${v ?? '?'}（${at}）`,
    live: (at: string) => `实时计算（截至 ${at}）`,
    exportCsv: '导出 CSV',
    scorecard: (name: string) => `${name} 的考核卡`,
    pickUnit: '点击排名中的单位查看考核卡',
    rankOf: (r: number | null, n: number) => (r === null ? '未排名' : `第 ${r} 名 / ${n}`),
    trend: '趋势',
    firstResponse: '按时响应率',
    resolution: '解决率',
    reopen: '重办率',
    reportTimeliness: '部门按时回复率',
    publish: '发布月度快照',
    publishHelp: '发布后，该月的排名和考核卡以快照为准；再次发布生成新版本。',
    publishButton: '发布',
    published: (p: string, v: number, n: number) => `已发布 ${p} 快照 v${v}（${n} 个单位）`,
    periodRequired: '请输入考核期',
    closure: '结案率',
    resolvedInGrid: '网格内解决率',
    onSite: '按时到场率',
    hazard: '2小时消险兑现率',
    calledSatisfaction: '被呼叫案件满意率',
    backlog: '积案同比',
    backlogText: (b: BacklogCount) => `${b.open} 件（上年同期 ${b.openYearBefore} 件${b.change === null ? '' : `，${b.change > 0 ? '+' : ''}${(b.change * 100).toFixed(1)}%`}）`,
    districtBacklog: (b: BacklogCount) => `全区积案 ${b.open} 件，上年同期 ${b.openYearBefore} 件${b.change === null ? '' : `（${b.change > 0 ? '+' : ''}${(b.change * 100).toFixed(1)}%）`}`,
    people: '干部个人得分',
    peopleHelp: '按本人办理的受理、响应、办结（本人经办期间超时的计为不按时）及其经办案件的回访评价计分，供评先评优参考；五步议事民主评议另列，不计入得分；实时计算。',
    person: '姓名',
    personUnit: '所在单位',
    breaches: '超时次数',
    deliberations: '议事评议',
    deliberationText: (n: number, r: Ratio) => `${n} 次（满意 ${pct(r)}）`,
    pauses: '暂停计时',
    pausesText: (a: number, r: number, m: number) => `批准 ${a} 次，不批准 ${r} 次，暂停 ${m} 分钟`,
  },
  en: {
    title: 'Assessment',
    rankings: 'Rankings',
    period: 'Period',
    periodHelp: 'month 2026-11, quarter 2026-Q4 or year 2026',
    levels: { STREET: 'Streets', DEPARTMENT: 'Departments', GRID: 'Grids' } as Record<Level, string>,
    rank: 'Rank',
    unit: 'Unit',
    score: 'Score',
    cases: 'Cases',
    acceptance: 'Accepted on time',
    completion: 'Completed on time',
    satisfaction: 'Satisfaction',
    escalations: 'Escalations caused',
    snapshot: (v: number | null, at: string) => `Published snapshot v${v ?? '?'} (${at})`,
    live: (at: string) => `Computed live (as of ${at})`,
    exportCsv: 'Export CSV',
    scorecard: (name: string) => `Scorecard of ${name}`,
    pickUnit: 'Pick a unit in the rankings to see its scorecard',
    rankOf: (r: number | null, n: number) => (r === null ? 'unranked' : `rank ${r} of ${n}`),
    trend: 'Trend',
    firstResponse: 'Answered on time',
    resolution: 'Resolved',
    reopen: 'Reopened',
    reportTimeliness: 'Department reports on time',
    publish: "Publish a month's snapshot",
    publishHelp: "Once published, the month's rankings and scorecards come from the snapshot; publishing again makes a new version.",
    publishButton: 'Publish',
    published: (p: string, v: number, n: number) => `Published ${p} snapshot v${v} (${n} units)`,
    periodRequired: 'Enter a period',
    closure: 'Closure rate',
    resolvedInGrid: 'Resolved inside the grid',
    onSite: 'On site in time',
    hazard: 'Two-hour hazard promise kept',
    calledSatisfaction: 'Satisfaction with cases called to',
    backlog: 'Backlog year on year',
    backlogText: (b: BacklogCount) => `${b.open} (a year before ${b.openYearBefore}${b.change === null ? '' : `, ${b.change > 0 ? '+' : ''}${(b.change * 100).toFixed(1)}%`})`,
    districtBacklog: (b: BacklogCount) => `District backlog ${b.open}, a year before ${b.openYearBefore}${b.change === null ? '' : ` (${b.change > 0 ? '+' : ''}${(b.change * 100).toFixed(1)}%)`}`,
    people: 'Scores per person',
    peopleHelp:
      "From each person's own acceptances, responses, completions (a window that lapsed while they held the case counts as late) and the residents' evaluation of the cases they handled; for individual evaluation. The deliberations' evaluations are shown beside the score. Computed live.",
    person: 'Name',
    personUnit: 'Unit',
    breaches: 'Lapses',
    deliberations: 'Deliberations evaluated',
    deliberationText: (n: number, r: Ratio) => `${n} (satisfied ${pct(r)})`,
    pauses: 'Clock pauses',
    pausesText: (a: number, r: number, m: number) => `${a} approved, ${r} refused, ${m} min paused`,
  },
};

function pct(r: Ratio): string {
  return r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}%`;
}
const scoreText = (s: number | null) => (s === null ? '—' : s.toFixed(1));
/** A figure a snapshot published before it does not have: "—". */
const pctOpt = (r: Ratio | undefined) => (r ? pct(r) : '—');

/** The current month in Beijing (YYYY-MM), the API's default period. */
function currentMonth(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);
}

function Publish({ period, onDone }: { period: string; onDone: () => Promise<void> }) {
  const { lang } = useI18n();
  const x = TEXT[lang];
  const [form] = Form.useForm<{ period: string }>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async ({ period: p }: { period: string }) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api<{ period: string; version: number; units: number }>('POST', '/assessment/snapshots', { period: p.trim() });
      setResult(x.published(r.period, r.version, r.units));
      await onDone();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.period) form.setFields([{ name: 'period', errors: [fields.period] }]);
      else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={<h2 className="coe-card-title">{x.publish}</h2>} style={{ marginTop: 16 }}>
      <p className="coe-muted" style={{ marginTop: 0 }}>{x.publishHelp}</p>
      {error && <Alert type="error" title={error} showIcon role="alert" style={{ marginBottom: 8 }} />}
      {result && <Alert type="success" title={result} showIcon role="status" style={{ marginBottom: 8 }} data-testid="snapshot-published" />}
      <Form form={form} name="publish-snapshot" layout="inline" initialValues={{ period }} onFinish={(v) => void submit(v)}>
        <Form.Item label={x.period} name="period" rules={[{ required: true, whitespace: true, message: x.periodRequired }]}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {x.publishButton}
        </Button>
      </Form>
    </Card>
  );
}

function ScorecardCard({ unitId, period }: { unitId: string; period: string }) {
  const { t, lang } = useI18n();
  const x = TEXT[lang];
  const url = `/assessment/units/${encodeURIComponent(unitId)}/scorecard?${new URLSearchParams({ period, trend: '5' }).toString()}`;
  const card = usePoll(url, () => api<Scorecard>('GET', url), MINUTE);
  if (card.error instanceof ApiError) return <Alert type="warning" title={card.error.message} showIcon />;
  const c = card.data;
  if (!c) return <Spin aria-label={t.loading} />;
  const f = c.figures;
  // The API lists the earlier periods oldest first; the period itself comes last.
  const series = c.trend.map((p) => ({ period: p.period, figures: p.figures })).concat([{ period: c.period, figures: f }]);
  return (
    <Card size="small" data-testid="scorecard" title={<h2 className="coe-card-title">{x.scorecard(f.name ?? unitId)}</h2>} extra={<Tag>{x.rankOf(c.rank, c.rankedAmong)}</Tag>}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={x.score}>{scoreText(f.score)}</Descriptions.Item>
        <Descriptions.Item label={x.cases}>{f.casesHandled}</Descriptions.Item>
        <Descriptions.Item label={x.acceptance}>{pct(f.acceptanceOnTime)}</Descriptions.Item>
        <Descriptions.Item label={x.firstResponse}>{pct(f.firstResponseOnTime)}</Descriptions.Item>
        <Descriptions.Item label={x.completion}>{pct(f.completionOnTime)}</Descriptions.Item>
        <Descriptions.Item label={x.satisfaction}>{pct(f.satisfaction)}</Descriptions.Item>
        <Descriptions.Item label={x.resolution}>{pct(f.resolution)}</Descriptions.Item>
        <Descriptions.Item label={x.reopen}>{pct(f.reopen)}</Descriptions.Item>
        <Descriptions.Item label={x.escalations}>{f.escalationsCaused}</Descriptions.Item>
        <Descriptions.Item label={x.reportTimeliness}>{pct(f.reportTimeliness)}</Descriptions.Item>
        <Descriptions.Item label={x.closure}>{pctOpt(f.closure)}</Descriptions.Item>
        <Descriptions.Item label={x.resolvedInGrid}>{pctOpt(f.resolvedInGrid)}</Descriptions.Item>
        <Descriptions.Item label={x.onSite}>{pctOpt(f.onSiteOnTime)}</Descriptions.Item>
        <Descriptions.Item label={x.hazard}>{pctOpt(f.hazardPromiseKept)}</Descriptions.Item>
        {f.kind === 'DEPARTMENT' && <Descriptions.Item label={x.calledSatisfaction}>{pctOpt(f.calledSatisfaction)}</Descriptions.Item>}
        {f.kind !== 'DEPARTMENT' && (
          <Descriptions.Item label={x.pauses}>
            {f.pausesApproved === undefined ? '—' : x.pausesText(f.pausesApproved, f.pausesRejected ?? 0, f.pausedMinutes ?? 0)}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={x.backlog}>{c.backlog ? x.backlogText(c.backlog) : '—'}</Descriptions.Item>
      </Descriptions>
      <h3 className="coe-card-title" style={{ margin: '16px 0 8px' }}>{x.trend}</h3>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={12}>
          <TrendChart title={x.score} points={series.map((p) => ({ label: p.period, value: p.figures.score }))} max={100} />
        </Col>
        <Col xs={24} md={12}>
          <TrendChart
            title={`${x.completion} · ${x.satisfaction}`}
            points={series.map((p) => ({ label: p.period, value: p.figures.completionOnTime.rate === null ? null : p.figures.completionOnTime.rate * 100 }))}
            second={{ name: x.satisfaction, points: series.map((p) => (p.figures.satisfaction.rate === null ? null : p.figures.satisfaction.rate * 100)) }}
            firstName={x.completion}
            max={100}
            unit="%"
          />
        </Col>
      </Row>
    </Card>
  );
}

/** Scores per person (GET /assessment/people): the people of the units the reader may see, best first. */
function PeopleCard({ period }: { period: string }) {
  const { t, lang } = useI18n();
  const x = TEXT[lang];
  const url = `/assessment/people?${new URLSearchParams({ period }).toString()}`;
  const people = usePoll(url, () => api<{ items: PersonFigures[] }>('GET', url), MINUTE);
  return (
    <Card size="small" style={{ marginTop: 16 }} data-testid="people" title={<h2 className="coe-card-title">{x.people} · {period}</h2>}>
      <p className="coe-muted" style={{ marginTop: 0 }}>{x.peopleHelp}</p>
      {people.error instanceof ApiError && <Alert type="warning" title={people.error.message} showIcon style={{ marginBottom: 8 }} />}
      {!people.data && people.loading ? (
        <Spin aria-label={t.loading} />
      ) : (
        <Table
          size="small"
          rowKey="personId"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          dataSource={people.data?.items ?? []}
          columns={[
            { title: x.rank, dataIndex: 'rank', render: (v: number | null) => v ?? '—' },
            { title: x.person, key: 'person', render: (_: unknown, p: PersonFigures) => p.name ?? p.personId },
            { title: x.personUnit, key: 'unit', render: (_: unknown, p: PersonFigures) => p.unitName ?? p.unitId ?? '—' },
            { title: x.score, dataIndex: 'score', render: scoreText },
            { title: x.cases, dataIndex: 'cases' },
            { title: x.acceptance, key: 'acceptance', render: (_: unknown, p: PersonFigures) => pct(p.acceptanceOnTime) },
            { title: x.firstResponse, key: 'response', render: (_: unknown, p: PersonFigures) => pct(p.firstResponseOnTime) },
            { title: x.completion, key: 'completion', render: (_: unknown, p: PersonFigures) => pct(p.completionOnTime) },
            { title: x.satisfaction, key: 'satisfaction', render: (_: unknown, p: PersonFigures) => pct(p.satisfaction) },
            { title: x.breaches, dataIndex: 'breaches' },
            { title: x.deliberations, key: 'deliberations', render: (_: unknown, p: PersonFigures) => (p.deliberations ? x.deliberationText(p.deliberations, p.deliberationSatisfaction) : '—') },
          ]}
        />
      )}
    </Card>
  );
}

export function AssessmentPage({ me }: { me: Me }) {
  const { t, lang } = useI18n();
  const x = TEXT[lang];
  const [level, setLevel] = useState<Level>(me.role === 'DEPARTMENT_OFFICER' ? 'DEPARTMENT' : 'STREET');
  const [periodText, setPeriodText] = useState(currentMonth());
  const [period, setPeriod] = useState(periodText);
  const [unitId, setUnitId] = useState<string | null>(me.role === 'STREET_DISPATCHER' || me.role === 'DEPARTMENT_OFFICER' ? me.unitId : null);
  const query = new URLSearchParams({ level, period }).toString();
  const rankings = usePoll(`/assessment/rankings?${query}`, () => api<Rankings>('GET', `/assessment/rankings?${query}`), MINUTE);
  const r = rankings.data;
  const fields = fieldErrors(rankings.error);

  return (
    <section aria-labelledby="assessment-title">
      <Typography.Title level={1} id="assessment-title" style={{ fontSize: 20 }}>
        {x.title}
      </Typography.Title>
      <div className="coe-toolbar">
        <Segmented<Level>
          aria-label={x.rankings}
          value={level}
          onChange={(v) => setLevel(v)}
          options={(['STREET', 'DEPARTMENT', 'GRID'] as Level[]).map((l) => ({ label: x.levels[l], value: l }))}
        />
        <Space.Compact>
          <Input
            aria-label={x.period}
            title={x.periodHelp}
            style={{ width: 130 }}
            value={periodText}
            onChange={(e) => setPeriodText(e.target.value)}
            onPressEnter={() => setPeriod(periodText.trim())}
            status={fields.period ? 'error' : undefined}
          />
          <Button onClick={() => setPeriod(periodText.trim())}>{t.refresh}</Button>
        </Space.Compact>
        {/* The session cookie goes with a same-origin link: the browser downloads the file. */}
        <a href={`/assessment/export.csv?${query}`} download data-testid="export-csv">
          {x.exportCsv}
        </a>
        {r?.backlog && <span data-testid="district-backlog">{x.districtBacklog(r.backlog.total)}</span>}
        {r && <span className="coe-muted">{r.source === 'SNAPSHOT' ? x.snapshot(r.version, formatInstant(r.publishedAt, lang)) : x.live(formatInstant(r.asOf, lang))}</span>}
      </div>
      {fields.period && (
        <Alert type="error" role="alert" showIcon title={`${x.period}: ${fields.period}`} style={{ marginBottom: 8 }} />
      )}
      {rankings.error instanceof ApiError && !fields.period && <Alert type="warning" title={rankings.error.message} showIcon style={{ marginBottom: 8 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" title={<h2 className="coe-card-title">{x.rankings} · {x.levels[level]} · {period}</h2>}>
            {!r && rankings.loading ? (
              <Spin aria-label={t.loading} />
            ) : (
              <Table
                size="small"
                rowKey="unitId"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 'max-content' }}
                dataSource={r?.items ?? []}
                rowClassName={(u) => (u.unitId === unitId ? 'ant-table-row-selected' : '')}
                columns={[
                  { title: x.rank, dataIndex: 'rank', render: (v: number | null) => v ?? '—' },
                  {
                    title: x.unit,
                    key: 'unit',
                    render: (_: unknown, u) => (
                      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setUnitId(u.unitId)} data-testid={`rank-${u.unitId}`}>
                        {u.name ?? u.unitId}
                      </Button>
                    ),
                  },
                  { title: x.score, dataIndex: 'score', render: scoreText },
                  { title: x.cases, dataIndex: 'casesHandled' },
                  { title: x.completion, key: 'completion', render: (_: unknown, u) => pct(u.completionOnTime) },
                  { title: x.satisfaction, key: 'satisfaction', render: (_: unknown, u) => pct(u.satisfaction) },
                  { title: x.closure, key: 'closure', render: (_: unknown, u) => pctOpt(u.closure) },
                  level === 'DEPARTMENT'
                    ? { title: x.calledSatisfaction, key: 'calledSatisfaction', render: (_: unknown, u) => pctOpt(u.calledSatisfaction) }
                    : { title: x.resolvedInGrid, key: 'resolvedInGrid', render: (_: unknown, u) => pctOpt(u.resolvedInGrid) },
                  { title: x.backlog, key: 'backlog', render: (_: unknown, u) => (u.backlog ? x.backlogText(u.backlog) : '—') },
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          {unitId ? <ScorecardCard unitId={unitId} period={period} /> : <Card size="small"><span className="coe-muted">{x.pickUnit}</span></Card>}
        </Col>
      </Row>
      <PeopleCard period={period} />
      {PUBLISHERS.has(me.role) && <Publish period={period} onDone={rankings.reload} />}
    </section>
  );
}
