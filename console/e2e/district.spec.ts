// The district's pages in a real browser: the command center's board, the assessment
// (rankings, a scorecard with its trend, the CSV export, publishing a month's snapshot) and
// the administrator's pages (a calendar year imported; the API's field errors next to the
// fields). Each page passes axe and writes its README screenshot.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { as, DESKTOP_CONTEXT, expectNoSeriousA11yViolations, openSignedIn, reportCase, SHOTS } from './helpers';

test("the command center's board shows a case reported today that nobody has answered", async ({ browser }) => {
  const code = await reportCase('CG-002', 'GL-S01-C01-G01', '看板：今日上报尚未响应的案件');
  const ctx = await browser.newContext(DESKTOP_CONTEXT);
  const page = await ctx.newPage();
  await openSignedIn(page, 'demo-command-center', '/board');
  await expect(page.getByRole('heading', { name: /指挥中心看板/ })).toBeVisible();
  await expect(page.getByRole('link', { name: code })).toBeVisible();
  await expect(page.getByTestId(`board-countdown-${code}`)).toContainText('剩余');
  await expect(page.getByTestId('board-unansweredToday')).not.toContainText(/^今日未响应0$/);
  await expect(page.getByRole('navigation').getByRole('link', { name: '指挥看板' })).toHaveAttribute('aria-current', 'page');
  await expectNoSeriousA11yViolations(page, 'Board');
  await page.screenshot({ path: path.join(SHOTS, 'board-desktop.png'), fullPage: true });
  // The case page is one click away.
  await page.getByRole('link', { name: code }).click();
  await expect(page.getByTestId('case-status')).toHaveText('已上报');
  await ctx.close();
});

test("the assessment page: rankings, a unit's scorecard with its trend, the CSV export and a month's snapshot", async ({ browser }) => {
  const ctx = await browser.newContext(DESKTOP_CONTEXT);
  const page = await ctx.newPage();
  await openSignedIn(page, 'demo-command-center', '/assessment');
  await expect(page.getByRole('heading', { name: '双向考核' })).toBeVisible();
  const first = page.locator('[data-testid^="rank-"]').first();
  await expect(first).toBeVisible();
  await first.click();
  await expect(page.getByTestId('scorecard')).toBeVisible();
  await expect(page.getByTestId('trend-chart')).toHaveCount(2);

  // The export link downloads the rankings as CSV with the page's session.
  const href = await page.getByTestId('export-csv').getAttribute('href');
  expect(href).toMatch(/^\/assessment\/export\.csv\?level=STREET&period=\d{4}-\d{2}$/);
  const csv = await page.request.get(new URL(href!, page.url()).toString());
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');

  // Publishing: the API's field error next to the field, then a month published.
  const publish = page.locator('form[id="publish-snapshot"]');
  await publish.getByLabel('考核期').fill('2026-13');
  await publish.getByRole('button', { name: '发布' }).click();
  await expect(publish.getByText(/expected a month YYYY-MM/)).toBeVisible();
  await publish.getByLabel('考核期').fill('2026-10');
  await publish.getByRole('button', { name: '发布' }).click();
  await expect(page.getByTestId('snapshot-published')).toContainText(/已发布 2026-10 快照 v\d+/);
  await expectNoSeriousA11yViolations(page, 'Assessment');
  await page.screenshot({ path: path.join(SHOTS, 'assessment-desktop.png'), fullPage: true });
  await ctx.close();
});

test('an administrator imports a calendar year', async ({ browser }) => {
  const ctx = await browser.newContext(DESKTOP_CONTEXT);
  const page = await ctx.newPage();
  await openSignedIn(page, 'demo-admin', '/admin');
  await expect(page.getByRole('heading', { name: '系统管理' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'GL-S01', exact: true }).first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Administration: units');
  await page.screenshot({ path: path.join(SHOTS, 'admin-units-desktop.png'), fullPage: true });

  await page.getByRole('tab', { name: '人员' }).click();
  await expect(page.getByRole('tabpanel', { name: '人员' }).locator('tr.ant-table-row').first()).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Administration: people');

  // The catalog: the API's rule (1–7 working days) shows next to its field.
  await page.getByRole('tab', { name: '事项类别' }).click();
  await expect(page.getByRole('cell', { name: 'CG-002', exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Administration: catalog');
  const category = page.locator('form[id="create-category"]');
  await category.getByLabel('类别编码').fill('CG-901');
  await category.getByLabel('名称').fill('测试类别');
  await category.getByLabel('分类').click();
  await page.getByTitle('SMALL').click();
  await category.getByLabel('办结时限（工作日）').fill('9');
  await category.getByRole('button', { name: '新建' }).click();
  await expect(category.getByText('completion is 1–7 working days')).toBeVisible();

  // The calendar: a document with a mistake is refused whole, with where the problem is.
  await page.getByRole('tab', { name: '工作日历' }).click();
  const doc = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'calendar', '2027.json'), 'utf8')) as { days: Array<{ date: string }> };
  const form = page.locator('form[id="import-calendar"]');
  await form.getByLabel('年份').fill('2027');
  const broken = { ...doc, days: [{ ...doc.days[0], date: '2027-13-01' }, ...doc.days.slice(1)] };
  await form.getByLabel('安排文件（JSON）').fill(JSON.stringify(broken, null, 1));
  await form.getByRole('button', { name: '导入' }).click();
  await expect(form.getByText(/days\.0\.date/)).toBeVisible();

  // The real document, chosen as a file: imported, and the year is listed.
  await form.getByLabel('选择文件').setInputFiles(path.resolve(__dirname, '..', '..', 'docs', 'calendar', '2027.json'));
  await expect(form.getByLabel('安排文件（JSON）')).toHaveValue(/"year": 2027/);
  await form.getByRole('button', { name: '导入' }).click();
  await expect(page.getByRole('status')).toContainText(/已导入 2027 年：节假日 \d+ 天，调休上班 \d+ 天/);
  await expect(page.getByTestId('calendar-year-2027')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'Administration: calendar');
  await page.screenshot({ path: path.join(SHOTS, 'admin-calendar-desktop.png'), fullPage: true });
  await ctx.close();
});

test('a change made by someone else shows up on the open case page and in My work without a reload', async ({ browser }) => {
  const worker = await as('demo-grid-worker');
  const { unitId } = await worker.get<{ unitId: string }>('/me');
  const code = await reportCase('CG-002', unitId, '实时更新：他人受理后页面自动刷新');
  const ctx = await browser.newContext(DESKTOP_CONTEXT);
  const page = await ctx.newPage();
  const statuses: Array<{ url: string; status: number }> = [];
  page.on('response', (r) => {
    if (r.request().method() === 'GET' && new URL(r.url()).pathname.startsWith('/cases')) statuses.push({ url: r.url(), status: r.status() });
  });
  await openSignedIn(page, 'demo-grid-worker', `/cases/${code}`);
  await expect(page.getByTestId('case-status')).toHaveText('已上报');
  // While nothing changes, the polls are answered 304 (api/conditional.ts).
  await expect.poll(() => statuses.filter((s) => s.status === 304 && s.url.endsWith(`/cases/${code}`)).length).toBeGreaterThan(0);

  // Accepted by the same unit through the API (another device): the open page follows.
  await worker.post(`/cases/${code}/accept`, {});
  await expect(page.getByTestId('case-status')).toHaveText('已受理');
  await expect(page.getByTestId('event-ACCEPTED')).toBeVisible();

  // My work, then a response from elsewhere: the row's status changes in place.
  await page.getByRole('button', { name: /返回/ }).click();
  const row = page.getByRole('row', { name: new RegExp(code) });
  await expect(row).toContainText('已受理');
  await worker.post(`/cases/${code}/respond`, { decision: 'SELF', note: '他人在手机上已响应' });
  await expect(row).toContainText('处置中');
  await worker.dispose();
  await ctx.close();
});
