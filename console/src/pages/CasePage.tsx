// One case: its record and location, where it stands on the ladder, its open windows with
// countdowns, its timeline (the event log, GET /cases/{code}/events: readable by whoever
// may read the case, unlike the auditors' history-derived /timeline), and what the person
// may do now. Three small GETs, each polled on its own, conditionally (usePoll.ts useLive).
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Spin, Steps, Table, Tag, Timeline, Typography } from 'antd';
import { ApiError } from '../http';
import { ActionPanel } from '../components/ActionForms';
import { CaseEvidence, CaseFacts, DeliberationCard, SurveyLinkIssuer } from '../components/CaseFacts';
import { Countdown } from '../components/Countdown';
import { ReporterDetails } from '../components/ReporterDetails';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { AllowedAction, CaseDetail, CaseEvent, LiveWindow, Me } from '../types';
import { useLive } from '../usePoll';
import { EVENT_LABELS } from '../eventLabels';
import { ladderSteps } from '../ladder';


/** Roles that read a case's workflow history (api/routes/audit.ts AUDIT_ROLES). */
const AUDIT_ROLES = new Set(['AUDITOR', 'ADMIN']);

export function CasePage({ code, me }: { code: string; me: Me }) {
  const { t, lang } = useI18n();
  const enc = encodeURIComponent(code);
  // Conditional polling (usePoll.ts useLive): 304s while the case stands still.
  const detail = useLive<CaseDetail>(`/cases/${enc}`);
  const events = useLive<{ items: CaseEvent[] }>(`/cases/${enc}/events`);
  const actions = useLive<{ actions: AllowedAction[] }>(`/cases/${enc}/actions`);

  const refreshAll = async () => {
    await Promise.all([detail.reload(), events.reload(), actions.reload()]);
  };

  if (detail.error instanceof ApiError && detail.error.status === 404) {
    return <Alert type="warning" title={t.notFound} showIcon />;
  }
  if (!detail.data) return <Spin aria-label={t.loading} />;

  const { record, live } = detail.data;
  const level = live?.level ?? record?.level ?? 'GRID';
  const ladder = ladderSteps(live?.ladder, level);
  const status = live?.status ?? record?.status;
  const windows: LiveWindow[] = live?.windows ?? [];

  return (
    <section aria-labelledby="case-title">
      <Button type="link" onClick={() => navigate({ page: 'work' })} style={{ paddingLeft: 0 }}>
        ← {t.back}
      </Button>
      <Typography.Title level={1} id="case-title" style={{ fontSize: 20 }}>
        {t.caseTitle(code)} {status && <Tag data-testid="case-status">{t.statuses[status] ?? status}</Tag>}
      </Typography.Title>
      {AUDIT_ROLES.has(me.role) && (
        <a href={hrefOf({ page: 'audit', code })} onClick={(e) => { e.preventDefault(); navigate({ page: 'audit', code }); }} data-testid="audit-link">
          {t.audit}
        </a>
      )}
      {detail.error !== undefined && <Alert type="warning" title={t.stale} showIcon style={{ marginBottom: 8 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={<h2 className="coe-card-title">{t.actions}</h2>} style={{ marginBottom: 16 }}>
            {actions.data ? <ActionPanel code={code} actions={actions.data.actions} onDone={refreshAll} /> : <Spin />}
          </Card>
          {me.role === 'COMMAND_CENTER' && status === 'CLOSED' && windows.some((w) => w.kind === 'SURVEY') && <SurveyLinkIssuer code={code} />}
          <Card size="small" title={<h2 className="coe-card-title">{t.windows}</h2>} style={{ marginBottom: 16 }}>
            {windows.length === 0 ? (
              <Empty description={t.noDeadline} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Table<LiveWindow>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={[...windows].sort((a, b) => a.dueAt - b.dueAt)}
                columns={[
                  { title: t.window, dataIndex: 'kind', render: (k: string) => t.windowKinds[k] ?? k },
                  {
                    title: t.countdown,
                    key: 'left',
                    // A paused window's clock is stopped: no countdown, the time it stopped instead.
                    render: (_: unknown, w) =>
                      w.pausedAt !== undefined ? (
                        <Tag color="blue" data-testid={`window-${w.kind}-paused`}>{t.pausedSince} {formatInstant(w.pausedAt, lang)}</Tag>
                      ) : (
                        <Countdown dueAt={w.dueAt} remindAt={w.remindAt} testId={`window-${w.kind}`} />
                      ),
                  },
                  { title: t.dueAt, dataIndex: 'dueAt', render: (d: number) => formatInstant(d, lang) },
                ]}
              />
            )}
          </Card>
          <CaseEvidence events={events.data?.items ?? []} />
          {live && <CaseFacts live={live} />}
          {/* Community matters (held at or sent down to a community, or small), and any case with a deliberation. */}
          {live && (live.deliberation || live.level === 'COMMUNITY' || record?.triage === 'SMALL') && <DeliberationCard live={live} />}
          <Card size="small" title={<h2 className="coe-card-title">{t.record}</h2>} style={{ marginBottom: 16 }}>
            {record ? (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={t.description}>{record.description}</Descriptions.Item>
                <Descriptions.Item label={t.category}>{record.categoryCode}</Descriptions.Item>
                <Descriptions.Item label={t.triageRoute}>
                  <span data-testid="case-triage">{t.triageKinds[live?.triage ?? record.triage] ?? live?.triage ?? record.triage}</span>
                </Descriptions.Item>
                <Descriptions.Item label={t.channel}>{record.channel}</Descriptions.Item>
                <Descriptions.Item label={t.reportedAt}>{formatInstant(record.reportedAt, lang)}</Descriptions.Item>
                <Descriptions.Item label={t.address}>{record.address ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t.location}>
                  {t.street} {record.streetId} · {t.community} {record.communityId} · {t.grid} {record.gridId}
                  {record.lat !== null && record.lng !== null && ` (${record.lat.toFixed(5)}, ${record.lng.toFixed(5)})`}
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Spin />
            )}
            {record && <ReporterDetails code={code} record={record} role={me.role} />}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={<h2 className="coe-card-title">{t.ladder}</h2>} style={{ marginBottom: 16 }} data-testid="case-ladder" data-level={level}>
            <Steps
              orientation="vertical"
              size="small"
              current={Math.max(0, ladder.current)}
              items={ladder.steps.map((l) => ({ title: t.levels[l] ?? l }))}
            />
          </Card>
          <Card size="small" title={<h2 className="coe-card-title">{t.timeline}</h2>}>
            <Timeline
              items={(events.data?.items ?? []).map((e) => ({
                key: e.seq,
                content: (
                  <div data-testid={`event-${e.type}`}>
                    <strong>{EVENT_LABELS[e.type]?.[lang] ?? e.type}</strong>
                    <div className="coe-muted">
                      {formatInstant(e.at, lang)}
                      {e.level ? ` · ${t.levels[e.level] ?? e.level}` : ''}
                    </div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </section>
  );
}
