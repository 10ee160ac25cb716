// An auditor's view of one case: the timeline derived from its Temporal history (GET
// /cases/{code}/timeline), the verdict of replaying that history against the current workflow
// code (GET /cases/{code}/replay), and the dossier download (GET /cases/{code}/dossier). Each
// is read once, not polled: every audit read is itself logged (AuditAccess), and a log that
// grows by the second while a page stays open would bury the reads that matter.
import { Alert, Button, Card, Col, Result, Row, Spin, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { EVENT_LABELS } from '../eventLabels';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { AuditTimeline, AuditTimelineEntry, ReplayVerdict } from '../types';

function useOnce<T>(load: () => Promise<T>): { data?: T; error?: unknown; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState({});
    load().then(
      (data) => live && setState({ data }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- load is keyed by n (and the page's code)
  }, [n]);
  return { ...state, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function AuditPage({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const enc = encodeURIComponent(code);
  const timeline = useOnce(() => api<AuditTimeline>('GET', `/cases/${enc}/timeline`));
  const replay = useOnce(() => api<ReplayVerdict>('GET', `/cases/${enc}/replay`));
  const denied = [timeline.error, replay.error].find((e) => e instanceof ApiError && (e.status === 403 || e.status === 404));

  return (
    <section aria-labelledby="audit-title">
      <Button type="link" href={hrefOf({ page: 'case', code })} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code }); }} style={{ paddingLeft: 0 }}>
        ← {t.caseTitle(code)}
      </Button>
      <Typography.Title level={1} id="audit-title" style={{ fontSize: 20 }}>
        {t.auditTitle(code)}
      </Typography.Title>
      {denied instanceof ApiError ? (
        <Alert type="warning" title={denied.message} showIcon />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={8}>
            <Card size="small" title={<h2 className="coe-card-title">{t.replayVerdict}</h2>} style={{ marginBottom: 16 }}>
              {replay.error !== undefined ? (
                <Alert type="error" title={replay.error instanceof Error ? replay.error.message : String(replay.error)} showIcon />
              ) : !replay.data ? (
                <Spin aria-label={t.loading} />
              ) : replay.data.ok ? (
                <Result status="success" title={<span data-testid="replay-verdict" data-ok="true">{t.replayOk(replay.data.replayed)}</span>} subTitle={`${t.source}: ${replay.data.source}`} />
              ) : (
                <Result
                  status="error"
                  title={<span data-testid="replay-verdict" data-ok="false">{t.replayFailed}</span>}
                  subTitle={`${replay.data.divergence.kind}: ${replay.data.divergence.message}`}
                />
              )}
            </Card>
            <Card size="small" title={<h2 className="coe-card-title">{t.downloadDossier}</h2>}>
              {/* A plain link: the browser downloads it with the session cookie (Content-Disposition: attachment). */}
              <a href={`/cases/${enc}/dossier`} download={`${code}-dossier.json`} data-testid="dossier-link">
                {t.downloadDossier}
              </a>
            </Card>
          </Col>
          <Col xs={24} lg={16}>
            <Card
              size="small"
              title={<h2 className="coe-card-title">{t.historyTimeline}</h2>}
              extra={timeline.data && <span className="coe-muted">{t.source}: {timeline.data.source}</span>}
            >
              {timeline.error !== undefined ? (
                <Alert type="error" title={timeline.error instanceof Error ? timeline.error.message : String(timeline.error)} showIcon />
              ) : !timeline.data ? (
                <Spin aria-label={t.loading} />
              ) : (
                <>
                  {timeline.data.timeline.warnings.map((w) => (
                    <Alert key={w} type="warning" title={w} showIcon style={{ marginBottom: 8 }} />
                  ))}
                  <Table<AuditTimelineEntry>
                    size="small"
                    rowKey="n"
                    pagination={false}
                    dataSource={timeline.data.timeline.entries}
                    onRow={(e) => ({ 'data-testid': `audit-${e.type}` }) as React.HTMLAttributes<HTMLElement>}
                    columns={[
                      { title: '#', dataIndex: 'n', width: 48 },
                      { title: t.at, dataIndex: 'at', width: 150, render: (at: string) => formatInstant(at, lang) },
                      {
                        title: t.timeline,
                        key: 'type',
                        width: 180,
                        render: (_: unknown, e) => (
                          <span>
                            <strong>{EVENT_LABELS[e.type]?.[lang] ?? e.type}</strong>
                            {e.kind !== 'FACT' && <Tag style={{ marginLeft: 4 }}>{e.kind}</Tag>}
                          </span>
                        ),
                      },
                      { title: t.level, dataIndex: 'level', width: 100, render: (l: string | null) => (l ? t.levels[l] ?? l : '—') },
                      {
                        title: t.window,
                        key: 'window',
                        width: 170,
                        render: (_: unknown, e) =>
                          e.window ? (
                            <span>
                              {t.windowKinds[e.window.kind] ?? e.window.kind}
                              {e.onTime !== null && <Tag style={{ marginLeft: 4 }}>{e.onTime ? t.onTime : t.notOnTime}</Tag>}
                            </span>
                          ) : (
                            '—'
                          ),
                      },
                      { title: t.description, dataIndex: 'text' },
                    ]}
                  />
                </>
              )}
            </Card>
          </Col>
        </Row>
      )}
    </section>
  );
}
