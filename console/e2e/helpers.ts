// What the journeys share: the system's address (globalSetup.ts), the demo accounts' password,
// signing in through the page, program sessions for setting a case up through the API, and the
// accessibility check every page passes (axe: no serious or critical violations).
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, request, type APIRequestContext, type Page } from '@playwright/test';

export const PASSWORD = 'gulou-demo-2026';
export const SHOTS = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE_CONTEXT = { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
export const DESKTOP_CONTEXT = { viewport: DESKTOP, locale: 'zh-CN' } as const;

export const baseUrl = (): string => {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run through `npm run test:e2e` (its global setup starts the system)');
  return url;
};

export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe on ${what}`).toEqual([]);
}

export async function signIn(page: Page, login: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Open the console at `path` (under /console/) and sign in as `login`; waits until signed in. */
export async function openSignedIn(page: Page, login: string, pathUnderConsole = '/'): Promise<void> {
  await page.goto(`${baseUrl()}/console${pathUnderConsole}`);
  await signIn(page, login);
  await expect(page.getByTestId('me')).toBeVisible();
}

/** A program session for a demo account (the API's "program" client: a bearer token). */
export async function programToken(login: string): Promise<string> {
  const ctx = await request.newContext({ baseURL: baseUrl() });
  const res = await ctx.post('/auth/login', { data: { login, password: PASSWORD, client: 'program' } });
  expect(res.status(), await res.text()).toBe(200);
  const token = ((await res.json()) as { token: string }).token;
  await ctx.dispose();
  return token;
}

/** The API as one demo account: JSON in and out, a status other than `expected` fails the test. */
export interface As {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, expected?: number): Promise<T>;
  dispose(): Promise<void>;
}

export async function as(login: string): Promise<As> {
  const token = await programToken(login);
  const ctx: APIRequestContext = await request.newContext({ baseURL: baseUrl(), extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  return {
    async get<T>(p: string) {
      const res = await ctx.get(p);
      expect(res.status(), `GET ${p} as ${login}: ${await res.text()}`).toBe(200);
      return (await res.json()) as T;
    },
    async post<T>(p: string, body: unknown = {}, expected = 200) {
      const res = await ctx.post(p, { data: body });
      expect(res.status(), `POST ${p} as ${login}: ${await res.text()}`).toBe(expected);
      return (await res.json()) as T;
    },
    dispose: () => ctx.dispose(),
  };
}

/** A case reported through the hotline by the demo reporter in `gridId` (with the resident's name and phone, if given); its code. */
export async function reportCase(categoryCode: string, gridId: string, description: string, resident?: { name: string; phone: string }): Promise<string> {
  const reporter = await as('demo-reporter');
  const { code } = await reporter.post<{ code: string }>('/cases', { channel: 'HOTLINE', categoryCode, location: { gridId }, description, ...(resident ? { reporter: resident } : {}) }, 201);
  await reporter.dispose();
  return code;
}

export interface LiveCase {
  record: { status: string; level: string } | null;
  live: { status: string; level: string; completionDueAt: number | null; windows: Array<{ kind: string; dueAt: number }> } | null;
}

/** The completion deadline as the console shows it: Beijing time, zh-CN (console/src/time.ts). */
export function beijing(at: number): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(
    new Date(at),
  );
}
