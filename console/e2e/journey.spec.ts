// The grid worker's journey in a real browser against the real system (globalSetup.ts):
// a hotline reporter files a case in the worker's grid through the API; the worker signs in
// on a phone, finds it in My work, opens it, accepts it and responds (SELF). Each page also
// passes an axe check (no serious or critical violations), and the test writes the README's
// screenshots (docs/screenshots/, phone and desktop).
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, request, test, type Page } from '@playwright/test';
import { programToken } from './helpers';

const PASSWORD = 'gulou-demo-2026';
const SHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const baseUrl = () => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run through `npm run test:e2e` (its global setup starts the system)');
  return url;
};

async function expectNoSeriousA11yViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe on ${what}`).toEqual([]);
}

async function signIn(page: Page, login: string, password = PASSWORD) {
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

test('a grid worker on a phone accepts and responds to a new case', async ({ browser }) => {
  // The case, reported by the hotline in the grid of the demo grid worker.
  const workerToken = await programToken('demo-grid-worker');
  const api = await request.newContext({ baseURL: baseUrl() });
  const me = (await (await api.get('/me', { headers: { Authorization: `Bearer ${workerToken}` } })).json()) as { unitId: string; name: string };
  const reporterToken = await programToken('demo-reporter');
  const created = await api.post('/cases', {
    headers: { Authorization: `Bearer ${reporterToken}` },
    data: { channel: 'HOTLINE', categoryCode: 'CG-002', location: { gridId: me.unitId }, description: '垃圾堆积多日无人清运，影响居民出行' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { code } = (await created.json()) as { code: string };
  await api.dispose();

  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' });
  const page = await phone.newPage();
  await page.goto(`${baseUrl()}/`);
  await expect(page).toHaveURL(/\/console\/$/);

  // Sign-in: a wrong password is refused with a message; then the right one.
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'sign-in');
  await signIn(page, 'demo-grid-worker', 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('账号或密码错误');
  await signIn(page, 'demo-grid-worker');
  await expect(page.getByTestId('me')).toContainText(me.name);

  // My work: the new case, with its accept countdown running.
  const link = page.getByRole('link', { name: code });
  await expect(link).toBeVisible();
  await expect(page.getByTestId(`countdown-${code}`)).toContainText('剩余');
  await expectNoSeriousA11yViolations(page, 'My work');
  await page.screenshot({ path: path.join(SHOTS, 'my-work-phone.png') });

  // The case page: what may be done now, from GET /cases/{code}/actions.
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/console/cases/${code}$`));
  await expect(page.getByTestId('case-status')).toHaveText('已上报');
  await expect(page.getByTestId('window-ACCEPT')).toBeVisible();
  await expect(page.getByTestId('event-REPORTED')).toBeVisible();
  const accept = page.getByTestId('form-accept');
  await expect(accept).toBeVisible();
  await expect(page.getByTestId('form-respond')).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'Case');
  await page.screenshot({ path: path.join(SHOTS, 'case-phone.png'), fullPage: true });

  // A refused action shows the server's reason: no first response before the case is accepted.
  await page.getByText(/不可办理/).click();
  await expect(page.getByTestId('refused-respond')).toContainText(/首次响应: \S+/);

  await accept.getByRole('button', { name: '受理' }).click();
  await expect(page.getByTestId('case-status')).toHaveText('已受理');
  await expect(page.getByTestId('event-ACCEPTED')).toBeVisible();
  await expect(accept).toHaveCount(0);

  const respond = page.getByTestId('form-respond');
  await expect(respond).toBeVisible();
  // The API's field error shows next to its field: guidance is required for a GUIDANCE answer.
  await respond.getByLabel('引导说明').check();
  await respond.getByRole('button', { name: '首次响应' }).click();
  await expect(respond.getByText('required when decision is GUIDANCE')).toBeVisible();
  await expect(page.getByTestId('case-status')).toHaveText('已受理');
  await respond.getByLabel('自行处置').check();
  await respond.getByLabel('备注').fill('网格员自行处置，已联系物业');
  await respond.getByRole('button', { name: '首次响应' }).click();
  await expect(page.getByTestId('case-status')).toHaveText('处置中');
  await expect(page.getByTestId('event-RESPONDED')).toBeVisible();
  await expect(page.getByTestId('window-COMPLETION')).toBeVisible();
  await phone.close();

  // The same pages at desktop width, for the README.
  const desktop = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
  const dpage = await desktop.newPage();
  await dpage.goto(`${baseUrl()}/console/`);
  await signIn(dpage, 'demo-grid-worker');
  await expect(dpage.getByRole('link', { name: code })).toBeVisible();
  await dpage.screenshot({ path: path.join(SHOTS, 'my-work-desktop.png') });
  await dpage.getByRole('link', { name: code }).click();
  await expect(dpage.getByTestId('event-RESPONDED')).toBeVisible();
  await expectNoSeriousA11yViolations(dpage, 'Case (desktop, after the response)');
  await dpage.screenshot({ path: path.join(SHOTS, 'case-desktop.png'), fullPage: true });
  await desktop.close();
});
