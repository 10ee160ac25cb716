// The actions the person may take now, as GET /cases/{code}/actions answers them: a form
// for each allowed action this slice has one for (accept, respond), the other allowed ones
// named, and the refused ones with the server's reason. Nothing here decides who may act:
// the server does, and a POST it refuses shows its answer next to the fields or on top.
import { Alert, Button, Card, Form, Input, List, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n } from '../i18n';
import type { AllowedAction } from '../types';

const WITH_FORMS = new Set(['accept', 'respond']);

function ActionForm({ code, action, onDone }: { code: string; action: 'accept' | 'respond'; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decision = Form.useWatch('decision', form) as string | undefined;

  const submit = async (values: Record<string, string | undefined>) => {
    setBusy(true);
    setError(null);
    // Empty optional fields are left out: the API trims and refuses empty strings.
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v.trim() !== ''));
    try {
      await api('POST', `/cases/${encodeURIComponent(code)}/${action}`, body);
      form.resetFields();
      await onDone();
    } catch (err) {
      const fields = fieldErrors(err);
      const known = Object.keys(fields).filter((f) => ['note', 'decision', 'guidance'].includes(f));
      form.setFields(known.map((name) => ({ name, errors: [fields[name]] })));
      if (known.length === 0) setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={action === 'accept' ? t.accept : t.respond} data-testid={`form-${action}`}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 8 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={(v: Record<string, string | undefined>) => void submit(v)} initialValues={action === 'respond' ? { decision: 'SELF' } : {}}>
        {action === 'respond' && (
          <Form.Item label={t.decision} name="decision">
            <Radio.Group
              options={(['SELF', 'COMMUNITY', 'GUIDANCE'] as const).map((d) => ({ value: d, label: t[`decision${d}`] }))}
            />
          </Form.Item>
        )}
        {action === 'respond' && decision === 'GUIDANCE' && (
          <Form.Item label={t.guidance} name="guidance">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        <Form.Item label={t.note} name="note">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {action === 'accept' ? t.accept : t.respond}
        </Button>
      </Form>
    </Card>
  );
}

export function ActionPanel({ code, actions, onDone }: { code: string; actions: AllowedAction[]; onDone: () => Promise<void> }) {
  const { t } = useI18n();
  const allowed = actions.filter((a) => a.allowed);
  const refused = actions.filter((a) => !a.allowed);
  const label = (a: string) => t.actionNames[a] ?? a;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {allowed
        .filter((a) => WITH_FORMS.has(a.action))
        .map((a) => (
          <ActionForm key={a.action} code={code} action={a.action as 'accept' | 'respond'} onDone={onDone} />
        ))}
      {allowed
        .filter((a) => !WITH_FORMS.has(a.action))
        .map((a) => (
          <Typography.Text key={a.action} data-testid={`allowed-${a.action}`}>
            ✓ {label(a.action)} <span className="coe-muted">({t.laterSlice})</span>
          </Typography.Text>
        ))}
      {refused.length > 0 && (
        <details>
          <summary className="coe-muted">
            {t.notAllowed} ({refused.length})
          </summary>
          <List
            size="small"
            dataSource={refused}
            renderItem={(a) => (
              <List.Item data-testid={`refused-${a.action}`}>
                <span>
                  <strong>{label(a.action)}</strong>: <span className="coe-muted">{a.reason?.message ?? '—'}</span>
                </span>
              </List.Item>
            )}
          />
        </details>
      )}
    </Space>
  );
}
