// Sign-in with a login and password (POST /auth/login, client "browser"): the server sets
// the HttpOnly session cookie and answers the CSRF token for later writes.
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';

export function SignIn({ onSignedIn }: { onSignedIn: (csrfToken: string | null) => Promise<void> }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { login: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ csrfToken?: string }>('POST', '/auth/login', { ...values, client: 'browser' }, { quiet401: true });
      await onSignedIn(r.csrfToken ?? null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t.badCredentials);
      // 429: the address's attempts or a locked account; the server's message says how long.
      else if (err instanceof ApiError && err.status === 429) setError(`${t.tooManyAttempts} (${err.message})`);
      else setError(`${t.signInFailed}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="coe-signin" title={<h1 style={{ fontSize: 18, margin: 0 }}>{t.signIn}</h1>}>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
      <Form layout="vertical" onFinish={(v: { login: string; password: string }) => void submit(v)} requiredMark={false}>
        <Form.Item label={t.login} name="login" rules={[{ required: true, message: t.loginRequired }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item label={t.password} name="password" rules={[{ required: true, message: t.passwordRequired }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t.signIn}
        </Button>
      </Form>
    </Card>
  );
}
