// The resident's revisit survey at the one-time link /survey/{token}: no account, a phone
// first. GET /survey/{token} says what the case was; POST answers it once. An expired, used or
// unknown link gets a page that says so (410 SURVEY_LINK_EXPIRED / SURVEY_LINK_USED, 404), and
// an unsatisfied answer says that the case was reopened (the API's `reopened`).
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Result, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, fieldErrors } from '../http';
import { useI18n } from '../i18n';
import { formatInstant } from '../time';
import type { SurveyView } from '../types';

type State =
  | { kind: 'loading' }
  | { kind: 'open'; view: SurveyView }
  | { kind: 'done'; reopened: boolean }
  | { kind: 'closed'; why: 'used' | 'expired' | 'invalid' | 'notAwaiting' | 'failed'; message?: string };

/** Which "closed" page an API refusal calls for. */
function closedBy(err: unknown): State {
  if (err instanceof ApiError) {
    if (err.code === 'SURVEY_LINK_USED') return { kind: 'closed', why: 'used' };
    if (err.code === 'SURVEY_LINK_EXPIRED') return { kind: 'closed', why: 'expired' };
    if (err.status === 404 || err.code === 'SURVEY_LINK_INVALID') return { kind: 'closed', why: 'invalid' };
    if (err.status === 409) return { kind: 'closed', why: 'notAwaiting' };
    return { kind: 'closed', why: 'failed', message: err.message };
  }
  return { kind: 'closed', why: 'failed', message: String(err) };
}

interface Answer {
  satisfaction: string;
  solved: string;
  comment?: string;
}

export function SurveyPage({ token }: { token: string }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Answer>();
  const path = `/survey/${encodeURIComponent(token)}`;

  useEffect(() => {
    api<SurveyView>('GET', path, undefined, { quiet401: true }).then(
      (view) => setState(view.awaitingSurvey ? { kind: 'open', view } : { kind: 'closed', why: 'notAwaiting' }),
      (err: unknown) => setState(closedBy(err)),
    );
  }, [path]);

  const submit = async (v: Answer) => {
    setBusy(true);
    try {
      const r = await api<{ reopened: boolean }>('POST', path, { satisfaction: v.satisfaction, solved: v.solved === 'yes', ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) }, { quiet401: true });
      setState({ kind: 'done', reopened: r.reopened });
    } catch (err) {
      const fields = fieldErrors(err);
      const named = Object.keys(fields).filter((f) => ['satisfaction', 'solved', 'comment'].includes(f));
      if (named.length) form.setFields(named.map((name) => ({ name: name as keyof Answer, errors: [fields[name]!] })));
      else setState(closedBy(err));
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (state.kind === 'loading') body = <Spin aria-label={t.loading} />;
  else if (state.kind === 'done')
    body = <Result status="success" title={<span data-testid="survey-done">{state.reopened ? t.surveyReopened : t.surveyThanks}</span>} />;
  else if (state.kind === 'closed') {
    const text = { used: t.surveyUsed, expired: t.surveyExpired, invalid: t.surveyInvalid, notAwaiting: t.surveyNotAwaiting, failed: t.surveyFailed }[state.why];
    body = (
      <Result
        status={state.why === 'failed' ? 'error' : 'info'}
        title={<span data-testid={`survey-${state.why}`}>{text}</span>}
        subTitle={state.message}
      />
    );
  } else {
    const { view } = state;
    body = (
      <>
        <Typography.Paragraph>{t.surveyIntro}</Typography.Paragraph>
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t.caseCode}>{view.code}</Descriptions.Item>
          <Descriptions.Item label={t.category}>{view.categoryName}</Descriptions.Item>
          <Descriptions.Item label={t.closedAt}>{formatInstant(view.closedAt, lang)}</Descriptions.Item>
          <Descriptions.Item label={t.closingSummary}>{view.closingSummary || '—'}</Descriptions.Item>
        </Descriptions>
        <Form form={form} name="survey" layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
          <Form.Item label={t.satisfaction} name="satisfaction" rules={[{ required: true, message: t.required }]}>
            <Radio.Group
              style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
              options={['SATISFIED', 'BASICALLY_SATISFIED', 'UNSATISFIED'].map((s) => ({ value: s, label: t.satisfactions[s] }))}
            />
          </Form.Item>
          <Form.Item label={t.solved} name="solved" rules={[{ required: true, message: t.required }]}>
            <Radio.Group options={[{ value: 'yes', label: t.yes }, { value: 'no', label: t.no }]} />
          </Form.Item>
          <Form.Item label={t.comment} name="comment" rules={[{ max: 2000 }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block loading={busy}>
            {t.submitSurvey}
          </Button>
        </Form>
      </>
    );
  }

  return (
    <Card className="coe-survey" title={<h1 style={{ fontSize: 18, margin: 0 }}>{t.residentSurveyTitle}</h1>}>
      {state.kind === 'open' && (
        <Alert type="info" showIcon title={`${t.expiresAt} ${formatInstant(state.view.expiresAt, lang)}`} style={{ marginBottom: 12 }} />
      )}
      {body}
    </Card>
  );
}
