// What the live state says about a case beyond its windows: the completion deadline in force,
// department calls with their reports and evidence, extension requests and their decisions,
// breaches and who they were blamed on, the result, the survey and the long-term plan.
import { Alert, Button, Card, Descriptions, Empty, Image, List, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';
import { formatInstant } from '../time';
import type { CaseDetail, CaseEvent } from '../types';

type Live = NonNullable<CaseDetail['live']>;

const title = (text: string) => <h2 className="coe-card-title">{text}</h2>;

interface EvidenceFact {
  kind: string;
  url: string;
  sha256: string;
  callId: string | null;
}

/**
 * A stored photo's thumbnail (opening the full image). When the image does not load, the
 * thumbnail is asked once more for its status: a file an administrator deleted from the case
 * answers 410 (who deleted it, when and why), and shows as a "deleted" placeholder with that
 * message instead of a broken image.
 */
export function EvidenceThumb({ url, alt, testId }: { url: string; alt: string; testId?: string }) {
  const { t } = useI18n();
  const [deleted, setDeleted] = useState<string | null>(null);
  const onError = () => {
    void fetch(`${url}/thumbnail`, { credentials: 'same-origin', cache: 'no-store' })
      .then(async (res) => {
        if (res.status !== 410) return;
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setDeleted(body?.error?.message ?? t.evidenceDeleted);
      })
      .catch(() => undefined);
  };
  if (deleted !== null) {
    return (
      <Tag title={deleted} data-testid="evidence-deleted" style={{ width: 96, textAlign: 'center', whiteSpace: 'normal' }}>
        {t.evidenceDeleted} {alt}
      </Tag>
    );
  }
  return <Image width={96} src={`${url}/thumbnail`} preview={{ src: url }} alt={alt} onError={onError} {...(testId ? { 'data-testid': testId } : {})} />;
}

const thumb = (url: string, alt: string, key: string, testId?: string): ReactNode => <EvidenceThumb key={key} url={url} alt={alt} {...(testId ? { testId } : {})} />;

/**
 * Every file the case records — the photos a report came with, the handlers' evidence, the
 * departments' — from its EVIDENCE_UPLOADED facts: photos stored by the API as thumbnails
 * (opening the full image), anything else as a link.
 */
export function CaseEvidence({ events }: { events: CaseEvent[] }) {
  const { t } = useI18n();
  const seen = new Set<string>();
  const files = events
    .filter((e) => e.type === 'EVIDENCE_UPLOADED')
    .map((e) => e.data as unknown as EvidenceFact)
    .filter((f) => !seen.has(f.sha256) && seen.add(f.sha256));
  return (
    <Card size="small" title={title(t.caseEvidence)} style={{ marginBottom: 16 }}>
      {files.length === 0 ? (
        <Typography.Text className="coe-muted">{t.noEvidence}</Typography.Text>
      ) : (
        <Space wrap data-testid="case-evidence">
          {files.map((f) => {
            const label = `${t.evidenceKinds[f.kind] ?? f.kind} ${f.sha256.slice(0, 8)}`;
            // Only files the API stored have a thumbnail; a URL recorded by the JSON action is linked.
            return f.kind === 'PHOTO' && f.url.startsWith('/cases/') ? (
              thumb(f.url, label, f.sha256, 'evidence-thumbnail')
            ) : (
              <a key={f.sha256} href={f.url}>
                {label}
              </a>
            );
          })}
        </Space>
      )}
    </Card>
  );
}

export function CaseFacts({ live }: { live: Live }) {
  const { t, lang } = useI18n();
  const calls = live.calls ?? [];
  const extensions = live.extensions ?? [];
  const breaches = live.breaches ?? [];
  return (
    <>
      <Card size="small" title={title(t.calls)} style={{ marginBottom: 16 }}>
        {calls.length === 0 ? (
          <Empty description={t.noCalls} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <List
            size="small"
            dataSource={calls}
            renderItem={(c) => (
              <List.Item data-testid={`call-${c.departmentId}`}>
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <span>
                    <strong>{c.departmentId}</strong> · {c.place} ·{' '}
                    {c.reportedAt !== null ? (
                      <Tag data-testid="call-reported">{t.reportedOnSite} {formatInstant(c.reportedAt, lang)}{c.late ? ` (${t.late})` : ''}</Tag>
                    ) : (
                      <Tag>{t.notReportedYet}</Tag>
                    )}
                  </span>
                  <span className="coe-muted">
                    {t.calledAt} {formatInstant(c.calledAt, lang)} · {t.reportBy} {formatInstant(c.reportBy, lang)}
                  </span>
                  {c.instructions && <span>{c.instructions}</span>}
                  {c.evidence.length > 0 && (
                    <Space wrap data-testid="call-evidence">
                      {c.evidence.map((e) =>
                        e.kind === 'PHOTO' ? (
                          thumb(e.url, `${t.evidenceKinds[e.kind]} ${e.sha256.slice(0, 8)}`, e.sha256)
                        ) : (
                          <a key={e.sha256} href={e.url}>
                            {t.evidenceKinds[e.kind] ?? e.kind} {e.sha256.slice(0, 8)}
                          </a>
                        ),
                      )}
                    </Space>
                  )}
                  {c.result && <span>{t.result}: {c.result}</span>}
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
      <Card size="small" title={title(t.extensionsTitle)} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t.completionDue}>
            <span data-testid="completion-due">{formatInstant(live.completionDueAt, lang)}</span>
          </Descriptions.Item>
        </Descriptions>
        {extensions.length === 0 ? (
          <Typography.Text className="coe-muted">{t.noExtensions}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={extensions}
            renderItem={(x) => (
              <List.Item data-testid={`extension-${x.id}`}>
                <span>
                  <Tag data-testid="extension-status">{t.extensionStatus[x.status] ?? x.status}</Tag>
                  {x.days} · {x.reason} <span className="coe-muted">({t.levels[x.approverLevel] ?? x.approverLevel})</span>
                  {x.decisionReason && <div className="coe-muted">{x.decisionReason}</div>}
                  {x.previousDueAt !== null && x.newDueAt !== null && (
                    <div className="coe-muted">
                      {formatInstant(x.previousDueAt, lang)} → {formatInstant(x.newDueAt, lang)}
                    </div>
                  )}
                </span>
              </List.Item>
            )}
          />
        )}
      </Card>
      <Card size="small" title={title(t.breaches)} style={{ marginBottom: 16 }}>
        {breaches.length === 0 ? (
          <Typography.Text className="coe-muted">{t.noBreaches}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={breaches}
            renderItem={(b) => (
              <List.Item>
                {t.windowKinds[b.kind] ?? b.kind} · {formatInstant(b.at, lang)} · {t.blamedOn} {b.unitId} ({t.levels[b.level] ?? b.level})
                {b.escalatedTo ? ` → ${t.levels[b.escalatedTo] ?? b.escalatedTo}` : ''}
              </List.Item>
            )}
          />
        )}
      </Card>
      {(live.result || live.survey || live.longTermPlan || live.onLeaderList || (live.reopenCount ?? 0) > 0) && (
        <Card size="small" title={title(t.result)} style={{ marginBottom: 16 }}>
          <Descriptions size="small" column={1}>
            {live.onLeaderList && <Descriptions.Item label={t.ladder}>{t.leaderList}</Descriptions.Item>}
            {live.result && <Descriptions.Item label={t.result}>{live.result.summary}</Descriptions.Item>}
            {live.survey && (
              <Descriptions.Item label={t.survey}>
                <span data-testid="survey-answer">
                  {live.survey.satisfaction ? t.satisfactions[live.survey.satisfaction] : '—'} · {formatInstant(live.survey.at, lang)}
                  {live.survey.comment ? ` · ${live.survey.comment}` : ''}
                </span>
              </Descriptions.Item>
            )}
            {(live.reopenCount ?? 0) > 0 && <Descriptions.Item label={t.status}>{t.reopened(live.reopenCount ?? 0)}</Descriptions.Item>}
            {live.longTermPlan && <Descriptions.Item label={t.longTermPlan}>{live.longTermPlan.explanation}</Descriptions.Item>}
          </Descriptions>
        </Card>
      )}
    </>
  );
}

/** The command center's one-time revisit link for a closed case awaiting its survey (POST /cases/{code}/survey-link). */
export function SurveyLinkIssuer({ code }: { code: string }) {
  const { t, lang } = useI18n();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ path: string; expiresAt: string }>('POST', `/cases/${encodeURIComponent(code)}/survey-link`);
      setLink({ url: `${location.origin}${r.path}`, expiresAt: r.expiresAt });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={title(t.issueSurveyLink)} style={{ marginBottom: 16 }} data-testid="survey-link-card">
      {error && <Alert type="error" title={error} showIcon role="alert" style={{ marginBottom: 8 }} />}
      {link ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t.surveyLinkIssued}</Typography.Text>
          <Typography.Text copyable code data-testid="survey-link" style={{ wordBreak: 'break-all' }}>
            {link.url}
          </Typography.Text>
          <span className="coe-muted">
            {t.expiresAt} {formatInstant(link.expiresAt, lang)}
          </span>
        </Space>
      ) : (
        <Button onClick={() => void issue()} loading={busy}>
          {t.issueSurveyLink}
        </Button>
      )}
    </Card>
  );
}

/** antd's success tag (green on light green) falls below WCAG AA contrast; this dark green passes it. */
const VERDICT_TAG = { color: '#14532d', background: '#dcfce7', borderColor: '#86efac' };

/**
 * The five-step deliberation (五步议事: 说、问、议、办、评) of a community matter, as the live
 * state holds it: each step done with its content, the next ones still to come, the residents'
 * verdict once evaluated. Shown on community matters and wherever a deliberation was started.
 */
export function DeliberationCard({ live }: { live: Live }) {
  const { t, lang } = useI18n();
  const d = live.deliberation;
  const steps = ['SAY', 'ASK', 'DISCUSS', 'DO', 'EVALUATE'] as const;
  return (
    <Card size="small" title={title(t.deliberation)} style={{ marginBottom: 16 }} data-testid="deliberation">
      {!d ? (
        <Typography.Text className="coe-muted">{t.noDeliberation}</Typography.Text>
      ) : (
        <>
          <Space style={{ marginBottom: 8 }}>
            {d.completedAt === null ? <Tag color="processing">{t.deliberationOpen}</Tag> : <Tag style={VERDICT_TAG} data-testid="deliberation-verdict">{t.deliberationVerdict}: {t.satisfactions[d.verdict ?? ''] ?? d.verdict}</Tag>}
          </Space>
          <List
            size="small"
            dataSource={steps.map((s) => ({ s, rec: d.steps.find((x) => x.step === s) }))}
            renderItem={({ s, rec }) => (
              <List.Item data-testid={`deliberation-${s}`}>
                <Space orientation="vertical" size={2} style={{ width: '100%' }}>
                  <span>
                    <strong>{t.deliberationSteps[s]}</strong>
                    {rec ? <span className="coe-muted"> · {formatInstant(rec.at, lang)}{rec.corrected ? ` (${t.deliberationCorrected})` : ''}</span> : <Tag style={{ marginLeft: 8 }}>—</Tag>}
                  </span>
                  {rec?.text && <span>{rec.text}</span>}
                  {rec?.source && <span className="coe-muted">{t.deliberationSource}: {rec.source}</span>}
                  {rec?.forum && (
                    <span>
                      {t.deliberationForums[rec.forum] ?? rec.forum}: {(rec.participants ?? []).map((p) => `${p.name}（${p.role}${p.unit ? `，${p.unit}` : ''}）`).join('、')}
                    </span>
                  )}
                  {rec?.stream && <span>{t.deliberationStream}: {t.deliberationStreams[rec.stream] ?? rec.stream}</span>}
                  {rec?.votes && (
                    <span>
                      {t.deliberationVotes.satisfied} {rec.votes.satisfied} · {t.deliberationVotes.basicallySatisfied} {rec.votes.basicallySatisfied} · {t.deliberationVotes.dissatisfied} {rec.votes.dissatisfied}
                      {rec.cadres?.length ? ` · ${rec.cadres.join('、')}` : ''}
                    </span>
                  )}
                </Space>
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
}
