// The shell: who is signed in (GET /auth/session, then GET /me), the header with the
// person, the language switch and sign-out, and the page of the current path.
import { Button, ConfigProvider, Layout, Space, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, whenUnauthorized } from './http';
import { useI18n } from './i18n';
import { MyWork } from './pages/MyWork';
import { hrefOf, navigate, useRoute, type Route } from './router';
import type { Me } from './types';

/**
 * antd's default greys (placeholders, description labels) and its lighter hover blue are below
 * WCAG AA contrast (white text on the hovered primary button too); these pass it.
 */
const THEME = {
  colorPrimary: '#1d4ed8',
  colorPrimaryHover: '#1e40af',
  colorPrimaryActive: '#1e3a8a',
  colorInfo: '#1d4ed8',
  colorLink: '#1d4ed8',
  colorLinkHover: '#1e40af',
  colorTextPlaceholder: '#6b7280',
  colorTextDescription: '#4b5563',
  colorTextTertiary: '#4b5563',
};

// Each page past My work (and the antd parts only it uses) loads when first opened: a smaller first load.
const SignIn = lazy(() => import('./pages/SignIn').then((m) => ({ default: m.SignIn })));
const CasePage = lazy(() => import('./pages/CasePage').then((m) => ({ default: m.CasePage })));
const Inbox = lazy(() => import('./pages/Inbox').then((m) => ({ default: m.Inbox })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const BoardPage = lazy(() => import('./pages/BoardPage').then((m) => ({ default: m.BoardPage })));
const AssessmentPage = lazy(() => import('./pages/AssessmentPage').then((m) => ({ default: m.AssessmentPage })));
const LeadersPage = lazy(() => import('./pages/LeadersPage').then((m) => ({ default: m.LeadersPage })));
const AdminPage = lazy(() => import('./pages/AdminPage').then((m) => ({ default: m.AdminPage })));
const SurveyPage = lazy(() => import('./pages/SurveyPage').then((m) => ({ default: m.SurveyPage })));

/** Roles with an extension inbox (domain/access EXTENSION_APPROVER_ROLES). */
const APPROVERS = new Set(['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER']);

/** Roles of the district (api/routes/commandCenterBoard.ts BOARD_READERS). */
const BOARD_READERS = new Set(['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR', 'ADMIN']);
/** domain/assessment/access.ts ASSESSMENT_READERS. */
const ASSESSMENT_READERS = new Set([...BOARD_READERS, 'STREET_DISPATCHER', 'DEPARTMENT_OFFICER']);

/** domain/leaderList.ts LEADER_LIST_READERS: the leaders themselves, the command center, auditors. */
const LEADER_LIST_READERS = new Set(['COMMAND_CENTER', 'DEPUTY_LEADER', 'PRINCIPAL_LEADER', 'AUDITOR']);

type Session = { state: 'checking' } | { state: 'signedOut' } | { state: 'signedIn'; me: Me };

export function App() {
  const { t, lang, setLang } = useI18n();
  const route = useRoute();
  const [session, setSession] = useState<Session>({ state: 'checking' });
  // The resident's survey page needs no account: no session check, no header.
  const resident = route.page === 'survey';

  const loadMe = useCallback(async () => {
    const me = await api<Me>('GET', '/me');
    setSession({ state: 'signedIn', me });
  }, []);

  useEffect(() => {
    if (resident) return;
    whenUnauthorized(() => {
      setCsrfToken(null);
      setSession({ state: 'signedOut' });
    });
    // A reload keeps the cookie but not the CSRF token: the session answer brings a fresh one.
    api<{ csrfToken?: string }>('GET', '/auth/session', undefined, { quiet401: true })
      .then((s) => {
        setCsrfToken(s.csrfToken ?? null);
        return loadMe();
      })
      .catch(() => setSession({ state: 'signedOut' }));
  }, [loadMe, resident]);

  const signOut = async () => {
    await api('POST', '/auth/logout').catch(() => undefined);
    setCsrfToken(null);
    setSession({ state: 'signedOut' });
    navigate({ page: 'work' }, true);
  };

  const link = (to: Route, label: string) => (
    <a href={hrefOf(to)} className="coe-nav" aria-current={route.page === to.page ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(to); }}>
      {label}
    </a>
  );

  let body;
  if (route.page === 'survey')
    body = (
      <Suspense fallback={<Spin />}>
        <SurveyPage token={route.token} />
      </Suspense>
    );
  else if (session.state === 'checking') body = <Spin style={{ marginTop: 64 }} />;
  else if (session.state === 'signedOut')
    body = (
      <Suspense fallback={<Spin />}>
        <SignIn
          onSignedIn={async (csrf) => {
            setCsrfToken(csrf);
            await loadMe();
            if (route.page === 'signin') navigate({ page: 'work' }, true);
          }}
        />
      </Suspense>
    );
  else if (route.page === 'case')
    body = (
      <Suspense fallback={<Spin />}>
        <CasePage code={route.code} me={session.me} />
      </Suspense>
    );
  else if (route.page === 'audit')
    body = (
      <Suspense fallback={<Spin />}>
        <AuditPage code={route.code} />
      </Suspense>
    );
  else if (route.page === 'inbox')
    body = (
      <Suspense fallback={<Spin />}>
        <Inbox />
      </Suspense>
    );
  else if (route.page === 'board')
    body = (
      <Suspense fallback={<Spin />}>
        <BoardPage />
      </Suspense>
    );
  else if (route.page === 'leaders')
    body = (
      <Suspense fallback={<Spin />}>
        <LeadersPage me={session.me} personId={route.personId} />
      </Suspense>
    );
  else if (route.page === 'assessment')
    body = (
      <Suspense fallback={<Spin />}>
        <AssessmentPage me={session.me} />
      </Suspense>
    );
  else if (route.page === 'admin')
    body = (
      <Suspense fallback={<Spin />}>
        <AdminPage />
      </Suspense>
    );
  else body = <MyWork me={session.me} />;

  return (
    // No space between two Chinese characters on buttons ("登 录"): the accessible name stays the word.
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} button={{ autoInsertSpace: false }} theme={{ token: THEME }}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Header className="coe-header">
          {resident ? (
            <span className="coe-brand">{t.appTitle}</span>
          ) : (
            <a href="/console/" className="coe-brand" onClick={(e) => { e.preventDefault(); navigate({ page: 'work' }); }}>
              {t.appTitle}
            </a>
          )}
          {session.state === 'signedIn' && !resident && (
            <nav aria-label={t.appTitle} className="coe-navs">
              {link({ page: 'work' }, t.myWork)}
              {APPROVERS.has(session.me.role) && link({ page: 'inbox' }, t.inbox)}
              {BOARD_READERS.has(session.me.role) && link({ page: 'board' }, t.board)}
              {LEADER_LIST_READERS.has(session.me.role) && link({ page: 'leaders' }, t.leaders)}
              {ASSESSMENT_READERS.has(session.me.role) && link({ page: 'assessment' }, t.assessment)}
              {session.me.role === 'ADMIN' && link({ page: 'admin' }, t.admin)}
            </nav>
          )}
          <Space size="small" wrap>
            {session.state === 'signedIn' && !resident && (
              <span className="coe-me" data-testid="me">
                {session.me.name} · {session.me.unit?.name ?? session.me.unitId}
              </span>
            )}
            <Button size="small" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh-CN'}>
              {t.language}
            </Button>
            {session.state === 'signedIn' && !resident && (
              <Button size="small" onClick={() => void signOut()}>
                {t.signOut}
              </Button>
            )}
          </Space>
        </Layout.Header>
        {/* Layout.Content is the page's <main>. */}
        <Layout.Content className="coe-content">{body}</Layout.Content>
      </Layout>
    </ConfigProvider>
  );
}
