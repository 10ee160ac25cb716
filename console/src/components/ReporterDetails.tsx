// A case's reporter as the API shows this person (api/caseViews.ts: in full to the unit holding
// the case, masked — 张*, 138****0000 — to everyone else), and for the roles that may reveal it
// (domain/personalData.ts mayRevealRole) an explicit "show in full" that calls
// POST /cases/{code}/reporter/reveal. The API logs every reveal; the page says so beside the button.
import { Alert, Button, Descriptions, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../http';
import { useI18n } from '../i18n';
import type { CaseRecord } from '../types';

/** Roles the API lets reveal a masked reporter (on their own unit's cases; it checks the unit). */
const REVEAL_ROLES = new Set(['GRID_WORKER', 'COMMUNITY_WORKER', 'STREET_DISPATCHER', 'COMMAND_CENTER']);

interface Revealed {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

export function ReporterDetails({ code, record, role }: { code: string; record: CaseRecord; role: string }) {
  const { t } = useI18n();
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const view = record.reporterView;
  if (record.reporterName == null && record.reporterPhone == null && record.reporterEmail == null) return null;

  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ reporter: Revealed }>('POST', `/cases/${encodeURIComponent(code)}/reporter/reveal`, {});
      setRevealed(res.reporter);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t.revealFailed);
    } finally {
      setBusy(false);
    }
  };

  const name = revealed ? revealed.name : record.reporterName;
  const phone = revealed ? revealed.phone : record.reporterPhone;
  const email = revealed ? revealed.email : record.reporterEmail;
  const mayReveal = view === 'MASKED' && !revealed && REVEAL_ROLES.has(role);
  const items = [
    {
      key: 'name',
      label: t.reporter,
      children: (
        <Space wrap size={4}>
          <span data-testid="reporter-name">{name ?? '—'}</span>
          {view === 'MASKED' && !revealed && <Tag>{t.reporterMasked}</Tag>}
          {view === 'ANONYMISED' && <Tag>{t.reporterAnonymised}</Tag>}
        </Space>
      ),
    },
    { key: 'phone', label: t.reporterPhone, children: <span data-testid="reporter-phone">{phone ?? '—'}</span> },
    ...(email != null ? [{ key: 'email', label: t.reporterEmail, children: <span data-testid="reporter-email">{email}</span> }] : []),
  ];
  if (mayReveal || revealed || error) {
    items.push({
      key: 'reveal',
      label: t.reveal,
      children: (
        <Space orientation="vertical" size={4}>
          {mayReveal && (
            <>
              <Button size="small" onClick={reveal} loading={busy} data-testid="reveal-reporter" aria-describedby="reveal-logged">
                {t.reveal}
              </Button>
              <Typography.Text id="reveal-logged" className="coe-muted">
                {t.revealLogged}
              </Typography.Text>
            </>
          )}
          {revealed && (
            <Typography.Text data-testid="reveal-logged-note" className="coe-muted">
              {t.revealedLogged}
            </Typography.Text>
          )}
          {error && <Alert type="error" title={error} showIcon />}
        </Space>
      ),
    });
  }
  return <Descriptions size="small" column={1} bordered items={items} style={{ marginTop: 8 }} data-testid="reporter" />;
}
