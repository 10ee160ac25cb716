// The extension inbox of the command center and the district leaders (GET /inbox/extensions):
// the requests waiting for the caller's level, oldest first, each with the deciding window's
// countdown (the request climbs to the next level when it lapses), and approve or reject with
// a reason (POST /cases/{code}/extensions/{requestId}/decision). One GET, polled.
import { Alert, Button, Card, Empty, Form, Input, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Countdown } from '../components/Countdown';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n } from '../i18n';
import { hrefOf, navigate } from '../router';
import { formatInstant } from '../time';
import type { Inbox as InboxAnswer, InboxItem } from '../types';
import { usePoll } from '../usePoll';

function Decision({ item, onDone }: { item: InboxItem; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { approve: string; reason?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const path = `/cases/${encodeURIComponent(item.caseCode)}/extensions/${encodeURIComponent(item.requestId)}/decision`;
      await api('POST', path, { approve: v.approve === 'yes', reason: (v.reason ?? '').trim() });
      await onDone();
    } catch (err) {
      const fields = fieldErrors(err);
      if (fields.reason) form.setFields([{ name: 'reason', errors: [fields.reason] }]);
      else setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const id = `decide-${item.caseCode}-${item.requestId}`;
  return (
    <Form form={form} name={id} layout="vertical" initialValues={{ approve: 'yes' }} onFinish={(v: { approve: string; reason?: string }) => void submit(v)}>
      {error && <Alert type="error" title={error} showIcon role="alert" style={{ marginBottom: 8 }} />}
      <Form.Item label={t.decide} name="approve">
        <Radio.Group options={[{ value: 'yes', label: t.approve }, { value: 'no', label: t.reject }]} />
      </Form.Item>
      <Form.Item label={t.reason} name="reason" rules={[{ required: true, whitespace: true, message: t.reasonRequired }, { max: 2000 }]}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t.submit}
      </Button>
    </Form>
  );
}

export function Inbox() {
  const { t, lang } = useI18n();
  const inbox = usePoll('inbox', () => api<InboxAnswer>('GET', '/inbox/extensions?pageSize=50&live=true'));
  const items = inbox.data?.items ?? [];
  return (
    <section aria-labelledby="inbox-title">
      <Typography.Title level={1} id="inbox-title" style={{ fontSize: 20 }}>
        {t.inboxTitle} {inbox.data && <Tag>{t.levels[inbox.data.level] ?? inbox.data.level}</Tag>}
      </Typography.Title>
      {inbox.error !== undefined && (
        <Alert type="warning" title={inbox.error instanceof ApiError && inbox.error.status === 403 ? inbox.error.message : t.stale} showIcon style={{ marginBottom: 8 }} />
      )}
      {!inbox.data && inbox.loading ? (
        <Spin aria-label={t.loading} />
      ) : items.length === 0 ? (
        <Empty description={t.inboxEmpty} />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {items.map((x) => (
            <Card
              key={`${x.caseCode}:${x.requestId}`}
              size="small"
              data-testid={`inbox-${x.caseCode}`}
              title={
                <h2 className="coe-card-title">
                  <a href={hrefOf({ page: 'case', code: x.caseCode })} onClick={(e) => { e.preventDefault(); navigate({ page: 'case', code: x.caseCode }); }}>
                    {x.caseCode}
                  </a>{' '}
                  · {x.days} {lang === 'zh' ? '个工作日' : 'working days'}
                </h2>
              }
              extra={x.lowerLevel ? <Tag>{t.lowerLevel}</Tag> : null}
            >
              <p style={{ marginTop: 0 }}>{x.reason}</p>
              <p className="coe-muted">
                {t.requestedAt} {formatInstant(x.requestedAt, lang)} · {t.requestedBy} {x.requestedBy.unitId ?? '—'} · {t.approverLevel}{' '}
                {t.levels[x.approverLevel] ?? x.approverLevel}
              </p>
              <p>
                {t.decideBy}:{' '}
                {x.decisionDueAt ? <Countdown dueAt={Date.parse(x.decisionDueAt)} testId={`decide-countdown-${x.caseCode}`} /> : '—'}
              </p>
              <Decision item={x} onDone={inbox.reload} />
            </Card>
          ))}
        </Space>
      )}
    </section>
  );
}
